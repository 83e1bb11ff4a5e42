"""Exact, rank-based classification scores: AUROC and average precision (AUPR).

Implemented with NumPy so that the same code scores a classifier over sequences and an
attribution map over positions. Ties are handled exactly (mid-ranks for AUROC; for average
precision, tied scores form one threshold), matching ``sklearn.metrics``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


__all__ = [
    "auroc",
    "average_precision",
    "classification_scores",
    "rowwise_auroc",
    "rowwise_average_precision",
]


def _check(y_true, score) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true).reshape(-1)
    s = np.asarray(score, dtype=np.float64).reshape(-1)
    if y.size != s.size:
        raise ValueError(f"y_true has {y.size} entries but score has {s.size}")
    if y.size == 0:
        raise ValueError("cannot score an empty set")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y_true must contain only 0 and 1")
    if not np.isfinite(s).all():
        raise ValueError("score contains NaN or infinite values")
    y = y.astype(bool)
    if y.all() or not y.any():
        raise ValueError("y_true needs both classes (0 and 1) to define AUROC/AUPR")
    return y, s


def auroc(y_true, score) -> float:
    """Area under the ROC curve (Mann-Whitney U / (n_pos * n_neg), ties counted as 1/2).

    Parameters
    ----------
    y_true : array_like of 0 and 1
        True classes, any shape (flattened), with both classes present.
    score : array_like
        Finite scores of the same number of entries (flattened); higher means class 1.

    Returns
    -------
    float
        The AUROC, in [0, 1].

    Raises
    ------
    ValueError
        If the sizes differ, the set is empty, ``y_true`` holds values other than 0 and 1 or only
        one class, or ``score`` is not finite.
    """
    y, s = _check(y_true, score)
    ranks = rankdata(s)
    n_pos, n_neg = y.sum(), (~y).sum()
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(y_true, score) -> float:
    """Area under the precision-recall curve as average precision: ``sum_k (R_k - R_{k-1}) P_k``.

    Tied scores form one threshold (as in ``sklearn.metrics.average_precision_score``).

    Parameters
    ----------
    y_true : array_like of 0 and 1
        True classes, any shape (flattened), with both classes present.
    score : array_like
        Finite scores of the same number of entries (flattened); higher means class 1.

    Returns
    -------
    float
        The average precision, in [0, 1].

    Raises
    ------
    ValueError
        If the sizes differ, the set is empty, ``y_true`` holds values other than 0 and 1 or only
        one class, or ``score`` is not finite.
    """
    y, s = _check(y_true, score)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    # thresholds at the last index of each run of tied scores
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    tp = np.cumsum(y)[last]
    precision = tp / (last + 1)
    recall = tp / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def classification_scores(y_true, prob) -> dict:
    """``{"auroc": ..., "aupr": ...}`` for a binary classifier's predictions.

    Parameters
    ----------
    y_true : array_like of 0 and 1
        True classes, any shape (flattened), with both classes present.
    prob : array_like
        Finite predicted scores (e.g. probabilities) of the same number of entries.

    Returns
    -------
    dict
        ``"auroc"``: :func:`auroc`; ``"aupr"``: :func:`average_precision`; both float.

    Raises
    ------
    ValueError
        If the sizes differ, the set is empty, ``y_true`` holds values other than 0 and 1 or only
        one class, or ``prob`` is not finite.
    """
    return {"auroc": auroc(y_true, prob), "aupr": average_precision(y_true, prob)}


# --------------------------------------------------------------------------------------------
# Row-wise versions: one score per row (e.g. per sequence, over its positions), vectorised.
# --------------------------------------------------------------------------------------------


def _check_rows(labels, scores, include):
    labels = np.asarray(labels)
    scores = np.asarray(scores, dtype=np.float64)
    if labels.shape != scores.shape or scores.ndim != 2:
        raise ValueError(
            f"labels and scores must be 2-D with the same shape; got {labels.shape} and {scores.shape}"
        )
    include = (
        np.ones(scores.shape, bool) if include is None else np.asarray(include, bool)
    )
    if include.shape != scores.shape:
        raise ValueError(f"include must have shape {scores.shape}; got {include.shape}")
    if not np.isfinite(scores[include]).all():
        raise ValueError("scores contain NaN or infinite values")
    return labels.astype(bool) & include, scores, include


def rowwise_auroc(labels, scores, include=None) -> np.ndarray:
    """AUROC of each row, over the entries where ``include`` is True; NaN where a class is missing.

    Parameters
    ----------
    labels : array_like, shape (R, M)
        True classes of the M entries of each of R rows (e.g. positions of a sequence); non-zero
        means positive.
    scores : array_like, shape (R, M)
        Scores of the same entries; finite where ``include`` is True.
    include : array_like of bool, shape (R, M), optional
        Which entries are scored; default all. Excluded entries are ignored (they may be NaN).

    Returns
    -------
    numpy.ndarray, shape (R,), float64
        The AUROC of every row (ties counted as 1/2), NaN for a row without an included positive
        or an included negative.

    Raises
    ------
    ValueError
        If ``labels`` and ``scores`` are not 2-D of the same shape, ``include`` has another shape,
        or an included score is not finite.
    """
    pos, scores, include = _check_rows(labels, scores, include)
    # Excluded entries get +inf: they rank above every included entry, leaving included ranks intact.
    ranks = rankdata(np.where(include, scores, np.inf), axis=1)
    n_pos = pos.sum(1)
    n_neg = include.sum(1) - n_pos
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(pos, ranks, 0).sum(1) - n_pos * (n_pos + 1) / 2
        return np.where((n_pos > 0) & (n_neg > 0), u / (n_pos * n_neg), np.nan)


def rowwise_average_precision(labels, scores, include=None) -> np.ndarray:
    """Average precision of each row over the included entries; NaN where a class is missing.

    Parameters
    ----------
    labels : array_like, shape (R, M)
        True classes of the M entries of each of R rows (e.g. positions of a sequence); non-zero
        means positive.
    scores : array_like, shape (R, M)
        Scores of the same entries; finite where ``include`` is True.
    include : array_like of bool, shape (R, M), optional
        Which entries are scored; default all. Excluded entries are ignored (they may be NaN).

    Returns
    -------
    numpy.ndarray, shape (R,), float64
        The average precision of every row (tied scores form one threshold), NaN for a row without
        an included positive or an included negative.

    Raises
    ------
    ValueError
        If ``labels`` and ``scores`` are not 2-D of the same shape, ``include`` has another shape,
        or an included score is not finite.
    """
    pos, scores, include = _check_rows(labels, scores, include)
    order = np.argsort(-np.where(include, scores, -np.inf), axis=1, kind="mergesort")
    s = np.take_along_axis(scores, order, 1)
    y = np.take_along_axis(pos, order, 1)
    n_inc = include.sum(1)
    k = np.arange(scores.shape[1])
    inc_sorted = (
        k[None, :] < n_inc[:, None]
    )  # included entries come first after sorting
    # a threshold ends at the last of each run of tied scores among included entries
    nxt_differs = np.ones_like(inc_sorted)
    nxt_differs[:, :-1] = s[:, 1:] != s[:, :-1]
    is_end = inc_sorted & (nxt_differs | (k[None, :] == n_inc[:, None] - 1))
    tp = np.cumsum(y, axis=1)
    tp_end = np.where(is_end, tp, 0)
    prev = np.zeros_like(tp_end)
    prev[:, 1:] = np.maximum.accumulate(tp_end, axis=1)[:, :-1]
    n_pos = pos.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = np.where(is_end, (tp - prev) * tp / (k[None, :] + 1), 0.0)
        ap = contrib.sum(1) / n_pos
    return np.where((n_pos > 0) & (n_inc > n_pos), ap, np.nan)
