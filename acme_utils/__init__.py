"""acme_utils: the companion package of the book *Attribution maps you can trust*.

Modules, one concept each:

- ``data``         the synthetic regulatory-code dataset (METHODS.md section 1)
- ``models``       the baseline CNN (section 2)
- ``training``     the compiled train step, fitting with early stopping, training recipes, test
                   metrics and the trained-model cache
- ``regularizers`` regularisers and attribution priors that the train step applies (section 3)
- ``attribution``  saliency, gradient x input, integrated gradients, SmoothGrad, ISM (section 4);
                   re-exports gradient correction
- ``correction``   gradient correction and its diagnostics, without TensorFlow (section 5)
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
- ``motifs``       TF-MoDISco patterns of attribution maps matched to JASPAR with TomTom, and
                   the recovery of the planted motifs; also a command line
                   (``python -m acme_utils.motifs recover``)
- ``plotting``     sequence logos and the other figures of the chapters, one module per
                   figure family (sequences, training, attribution, consistency, sweeps,
                   motifs)
- ``course``       teaching: the chapters' exercises, student notebooks without solutions,
                   lesson plans and their measured run times; also a command line
                   (``python -m acme_utils.course strip|time``)
- ``zoo``          the pretrained weights of the chapters' models, shipped with the package;
                   also a command line (``python -m acme_utils.zoo build|verify|list``)
- ``terminal``     progress lines on the terminal during long steps, also from a notebook kernel
- ``cache``        content-addressed, atomically written on-disk cache
- ``validation``   checks of array arguments (shape, dtype, finite, one-hot, length), NumPy only

The package reports what it does (a model loaded or trained, an epoch, a sweep's progress) through
the standard ``logging`` module, on the logger ``"acme_utils"``, which writes plain lines to standard
output (so they land in a notebook's cell output). Silence it with
``logging.getLogger("acme_utils").setLevel(logging.WARNING)``, or pass ``verbose=False``.

Submodules are imported on demand (``from acme_utils import metrics``): importing the package
imports nothing else, and ``data``, ``metrics``, ``quality``, ``statistics``, ``correction`` and
``validation`` never import TensorFlow.
"""

import logging as _logging
import os as _os
import sys as _sys

# TensorFlow's C++ start-up chatter (CUDA probing on CPU machines) would fill every chapter's
# output; keep warnings and errors. Only takes effect if TensorFlow is not imported yet.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"


class _StdoutHandler(_logging.StreamHandler):
    """Writes each record to ``sys.stdout`` as it is when the record is emitted, not as it was at
    import: Jupyter kernels and pytest's capture swap ``sys.stdout`` after the package loads."""

    def __init__(self):
        super().__init__(_sys.stdout)

    @property
    def stream(self):
        return _sys.stdout

    @stream.setter
    def stream(self, value):  # StreamHandler assigns it; the live sys.stdout wins
        pass


_log = _logging.getLogger(__name__)
# a re-import must not add a second handler (each line twice); other handlers (pytest's
# capture, an application's) are left alone
if not any(getattr(h, "_acme_utils", False) for h in _log.handlers):
    _handler = _StdoutHandler()
    _handler._acme_utils = True
    _handler.setFormatter(_logging.Formatter("%(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(_logging.INFO)
    # the lines are the package's own output, not diagnostics for an application's root logger
    _log.propagate = False
