"""Exact, rank-based classification scores: AUROC and average precision (AUPR).

Implemented with NumPy so that the same code scores a classifier over sequences and an
attribution map over positions. Ties are handled exactly (mid-ranks for AUROC; for average
precision, tied scores form one threshold), matching ``sklearn.metrics``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


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
    """Area under the ROC curve (Mann-Whitney U / (n_pos * n_neg), ties counted as 1/2)."""
    y, s = _check(y_true, score)
    ranks = rankdata(s)
    n_pos, n_neg = y.sum(), (~y).sum()
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(y_true, score) -> float:
    """Area under the precision-recall curve as average precision: ``sum_k (R_k - R_{k-1}) P_k``."""
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
    """``{"auroc": ..., "aupr": ...}`` for a binary classifier's predictions."""
    return {"auroc": auroc(y_true, prob), "aupr": average_precision(y_true, prob)}
