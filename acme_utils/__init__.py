"""acme_utils: the companion package of the book *Attribution maps you can trust*.

Modules, one concept each:

- ``data``       the synthetic regulatory-code dataset (METHODS.md section 1)
- ``models``     the baseline CNN (METHODS.md section 2)
- ``training``   fitting with early stopping, test metrics and the model cache
- ``evaluation`` exact rank-based AUROC and average precision
- ``filters``    first-layer filters turned into PWMs and matched to known motifs
- ``plotting``   sequence logos and other figures used by the chapters
- ``cache``      content-addressed, atomically written on-disk cache
- ``colab``      helpers for running a chapter in Google Colab
"""

import os as _os

# TensorFlow's C++ start-up chatter (CUDA probing on CPU machines) would fill every chapter's
# output; keep warnings and errors. Only takes effect if TensorFlow is not imported yet.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
