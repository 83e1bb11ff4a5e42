"""One row per model: test performance, ground-truth attribution quality, and consistency.

``score_model`` is what the metric chapters and the model-selection sweep use to put every number
about a model side by side: test AUROC/AUPR (METHODS.md section 2), attribution SNR/AUROC/AUPR
against the ground truth (section 6) and the two consistency metrics (sections 7-8), all from
gradient-corrected maps of the positive test sequences.
"""

from __future__ import annotations

import numpy as np

from .attribution import correct_gradients, explain
from .data import SyntheticDataset
from .metrics import kattr_mean_kld, kmer_kld
from .quality import attribution_quality


def explained_positives(data: SyntheticDataset, n_sequences: int | None = None):
    """The positive test sequences (the first ``n_sequences`` of them, or all)."""
    pos = data.test.positives
    if n_sequences is not None:
        if int(n_sequences) != n_sequences or n_sequences < 1:
            raise ValueError(f"n_sequences must be a positive integer or None; got {n_sequences!r}")
        pos = pos.subset(np.arange(min(int(n_sequences), len(pos))))
    return pos


def score_model(trained, data: SyntheticDataset, method: str = "saliency", n_sequences: int | None = None,
                cache_dir=None, verbose: bool = False, **method_options) -> dict:
    """All scores of one ``training.TrainedModel`` as a flat dict (one row of a results table).

    Maps come from ``attribution.explain`` (cached on disk) and are gradient-corrected before
    every score.
    """
    pos = explained_positives(data, n_sequences)
    attr = correct_gradients(explain(trained, pos.x, method, cache_dir=cache_dir, verbose=verbose,
                                     **method_options))
    q = attribution_quality(attr, pos.x, pos.pwm)
    cfg = trained.model_config
    return {
        "model": trained.name,
        "activation": cfg["activation"],
        "batch_norm": cfg["batch_norm"],
        "seed": trained.train_config["seed"],
        "test_auroc": trained.test_metrics["auroc"],
        "test_aupr": trained.test_metrics["aupr"],
        "method": method,
        "n_sequences": len(pos),
        "snr": q.snr,
        "attr_auroc": q.auroc,
        "attr_aupr": q.aupr,
        "snr_left_out": q.n_left_out_snr,
        "kmer_kld": kmer_kld(attr, pos.x),
        "kattr_mean_kld": kattr_mean_kld(attr),
    }
