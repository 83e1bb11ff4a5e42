"""One row per model: test performance, ground-truth attribution quality, and consistency.

``score_model`` is what the metric chapters and the model-selection sweep use to put every number
about a model side by side: test AUROC/AUPR (METHODS.md section 2), attribution SNR/AUROC/AUPR
against the ground truth (section 6) and the two consistency metrics (sections 7-8), all from
gradient-corrected maps of the positive test sequences.

The sequences and the maps are checked once per ``score_model`` call; the scores are then
computed by the private twins of the public functions, which trust their inputs.
"""

from __future__ import annotations

import numpy as np

from .attribution import METHODS, _explain
from .correction import _correct_gradients
from .data import SyntheticDataset
from .metrics import _kattr_mean_kld, _kmer_kld
from .quality import _attribution_quality, _pwm_information
from .validation import check_map, check_model_input


__all__ = [
    "explained_positives",
    "score_model",
]


def explained_positives(data: SyntheticDataset, n_sequences: int | None = None):
    """The positive test sequences (the first ``n_sequences`` of them, or all).

    Parameters
    ----------
    data : SyntheticDataset
        The dataset; its ``test`` split is read.
    n_sequences : int, optional
        Keep only the first ``n_sequences`` positives (all of them if there are fewer); default
        all.

    Returns
    -------
    data.Split
        The positive test sequences: ``x`` and ``pwm`` of shape ``(N, L, 4)``, ``y`` of shape
        ``(N, 1)``, with ``planted`` re-indexed.

    Raises
    ------
    ValueError
        If ``n_sequences`` is not a positive integer or None.
    """
    pos = data.test.positives
    if n_sequences is not None:
        if int(n_sequences) != n_sequences or n_sequences < 1:
            raise ValueError(
                f"n_sequences must be a positive integer or None; got {n_sequences!r}"
            )
        pos = pos.subset(np.arange(min(int(n_sequences), len(pos))))
    return pos


def score_model(
    trained,
    data: SyntheticDataset,
    method: str = "saliency",
    n_sequences: int | None = None,
    cache_dir=None,
    verbose: bool = False,
    **method_options,
) -> dict:
    """All scores of one ``training.TrainedModel`` as a flat dict (one row of a results table).

    Maps come from ``attribution.explain`` (cached on disk) and are gradient-corrected before
    every score.

    Parameters
    ----------
    trained : training.TrainedModel
        The model (its ``model``, ``name``, ``key``, ``model_config``, ``train_config`` and
        ``test_metrics`` are read).
    data : SyntheticDataset
        The dataset the model was trained on; its positive test sequences are explained.
    method : str, default "saliency"
        An attribution method (a key of ``attribution.METHODS``).
    n_sequences : int, optional
        Explain only the first ``n_sequences`` positives; default all.
    cache_dir : str or os.PathLike, optional
        Passed to ``attribution.explain``: the cache of the maps (default the package's).
    verbose : bool, default False
        Passed to ``attribution.explain``: log a line when a map is loaded or computed.
    **method_options
        Passed to ``attribution.explain``: the method's own options.

    Returns
    -------
    dict
        One row: ``model``, ``activation``, ``batch_norm``, ``seed``, ``test_auroc``,
        ``test_aupr``, ``method``, ``n_sequences`` (positives explained), ``snr``,
        ``attr_auroc``, ``attr_aupr`` (quality against the ground truth, section 6),
        ``snr_left_out`` (sequences without an SNR), ``kmer_kld`` and ``kattr_mean_kld``
        (consistency, sections 7-8).

    Raises
    ------
    ValueError
        If ``method`` is not a key of ``attribution.METHODS``, if ``n_sequences`` is invalid, or if
        the sequences do not fit the model.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {tuple(METHODS)}; got {method!r}")
    pos = explained_positives(data, n_sequences)
    x = check_model_input(trained.model, pos.x, "positive test sequences")
    raw = _explain(
        trained, x, method, cache_dir=cache_dir, verbose=verbose, **method_options
    )
    # the order of casts of the public functions, so that the scores stay bit-identical: the
    # corrected map is float32 (correct_gradients) and every score reads it as float64 (check_map)
    attr = _correct_gradients(check_map(raw)).astype(np.float64)
    q = _attribution_quality(attr, x, _pwm_information(pos.pwm, x.shape))
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
        "kmer_kld": _kmer_kld(attr, x),
        "kattr_mean_kld": _kattr_mean_kld(attr),
    }
