"""acme_utils: the companion package of the book *Attribution maps you can trust*.

Modules, one concept each:

- ``data``         the synthetic regulatory-code dataset (METHODS.md section 1)
- ``models``       the baseline CNN (section 2)
- ``training``     the compiled train step, fitting with early stopping, training recipes, test
                   metrics and the trained-model cache
- ``regularizers`` regularisers and attribution priors that the train step applies (section 3)
- ``attribution``  saliency, gradient x input, integrated gradients, SmoothGrad, ISM (section 4);
                   re-exports gradient correction
- ``correction``   gradient correction, NumPy only (section 5)
- ``quality``      attribution quality against the ground truth: SNR, AUROC, AUPR (section 6)
- ``metrics``      the consistency metrics: k-mer KLD and k-attr-mean KLD (sections 7-8)
- ``scorecard``    every score of a trained model in one row
- ``sweep``        train and score a grid of models, resumably, in this process or on Ray;
                   the performance filter; committed results; also a command line
                   (``python -m acme_utils.sweep --help``)
- ``statistics``   Spearman and Pearson correlations with bootstrap confidence intervals
- ``paper``        the published numbers of the study (its Table 1), for comparison
- ``evaluation``   exact rank-based AUROC and average precision
- ``filters``      first-layer filters turned into PWMs and matched to known motifs
- ``plotting``     sequence logos and the other figures of the chapters, one module per
                   figure family (sequences, training, attribution, consistency, sweeps)
- ``zoo``          the pretrained weights of the chapters' models, shipped with the package;
                   also a command line (``python -m acme_utils.zoo build|verify|list``)
- ``terminal``     progress lines on the terminal during long steps, also from a notebook kernel
- ``cache``        content-addressed, atomically written on-disk cache
- ``validation``   checks of array arguments (shape, dtype, finite, one-hot, length), NumPy only

Submodules are imported on demand (``from acme_utils import metrics``): importing the package
imports nothing else, and ``data``, ``metrics``, ``quality``, ``statistics``, ``correction`` and
``validation`` never import TensorFlow.
"""

import os as _os

# TensorFlow's C++ start-up chatter (CUDA probing on CPU machines) would fill every chapter's
# output; keep warnings and errors. Only takes effect if TensorFlow is not imported yet.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
