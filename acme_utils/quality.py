"""Attribution quality against the known ground truth of synthetic data (METHODS.md section 6).

Scores are computed per sequence on the positive test sequences:

- the *score* of a position is the attribution at the observed nucleotide (gradient × input
  summed over channels);
- *attribution SNR*: mean score at motif positions (IC > 0.1) over the mean of the 10 largest
  positive scores at background positions (IC = 0);
- *attribution AUROC / AUPR*: how well scores separate motif from background positions (positions
  with 0 < IC <= 0.1, the low-information flanks of motifs, are left out).

NumPy only (no TensorFlow). Each public function checks the maps, sequences and PWM once
(``acme_utils.validation``) and passes them to private twins that trust them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import IC_THRESHOLD, information_content
from .evaluation import rowwise_auroc, rowwise_average_precision
from .validation import check_map, check_one_hot, validate_input


__all__ = [
    "position_scores",
    "attribution_snr_per_sequence",
    "attribution_auroc_per_sequence",
    "attribution_aupr_per_sequence",
    "AttributionQuality",
    "attribution_quality",
]


def position_scores(attr, x) -> np.ndarray:
    """Attribution at the observed nucleotide: ``sum_c attr[l, c] * x[l, c]``.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    x : array_like, shape (N, L, 4)
        The one-hot sequences they explain.

    Returns
    -------
    numpy.ndarray, shape (N, L), float64
        The score of every position.

    Raises
    ------
    ValueError
        If the arrays are not finite ``(N, L, 4)`` arrays of the same shape, or ``x`` is not
        one-hot.
    """
    return _position_scores(*_check_pair(attr, x))


def _check_pair(attr, x) -> tuple[np.ndarray, np.ndarray]:
    attr = check_map(attr)
    x = check_one_hot(x)
    if attr.shape != x.shape:
        raise ValueError(
            f"attribution map {attr.shape} and sequences {x.shape} must have the same shape"
        )
    return attr, x


def _position_scores(attr: np.ndarray, x: np.ndarray) -> np.ndarray:
    return (attr * x).sum(-1)


def _check_inputs(attr, x, pwm) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maps (float64), one-hot sequences (float32) and the information content ``(N, L)`` of
    the ground-truth PWM, checked once for the functions below."""
    attr, x = _check_pair(attr, x)
    return attr, x, _pwm_information(pwm, x.shape)


def _pwm_information(pwm, shape: tuple) -> np.ndarray:
    """Information content ``(N, L)`` of a ground-truth PWM checked to be finite of ``shape``."""
    pwm = np.asarray(pwm)
    if pwm.shape != shape:
        raise ValueError(
            f"ground-truth PWM must have shape {shape} like the map; got {pwm.shape}"
        )
    pwm = validate_input(pwm, "ground-truth PWM", dtype=pwm.dtype)  # finite; dtype kept
    return information_content(pwm)


def attribution_snr_per_sequence(
    attr, x, pwm, top_k: int = 10, threshold: float = IC_THRESHOLD
) -> np.ndarray:
    """Per-sequence SNR, NaN for a sequence left out.

    The mean score at motif positions over the mean of the ``top_k`` largest positive scores at
    background positions (information content 0). A sequence is left out when it has no motif
    position or fewer than ``top_k`` background positions with a positive score (the noise term is
    then undefined).

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    x : array_like, shape (N, L, 4)
        The one-hot sequences they explain.
    pwm : array_like, shape (N, L, 4)
        Their ground-truth PWMs.
    top_k : int, default 10
        Number of the largest positive background scores averaged into the noise.
    threshold : float, default IC_THRESHOLD (0.1)
        Information content (bits) above which a position is a motif position.

    Returns
    -------
    numpy.ndarray, shape (N,), float64
        The SNR of every sequence, NaN for a sequence left out.

    Raises
    ------
    ValueError
        If the arrays are not finite ``(N, L, 4)`` arrays of the same shape, or ``x`` is not
        one-hot.
    """
    return _snr(*_check_inputs(attr, x, pwm), top_k, threshold)


def _snr(attr, x, ic, top_k, threshold):
    scores = _position_scores(attr, x)
    motif = ic > threshold
    with np.errstate(invalid="ignore", divide="ignore"):
        signal = np.where(motif, scores, 0).sum(1) / motif.sum(1)
    noise_pool = np.where((ic == 0) & (scores > 0), scores, -np.inf)
    top = -np.sort(-noise_pool, axis=1)[:, :top_k]  # the top_k largest, descending
    enough = (
        np.isfinite(top).all(1) & (motif.sum(1) > 0)
        if top.shape[1] == top_k
        else np.zeros(len(x), bool)
    )
    noise = np.where(enough, np.where(np.isfinite(top), top, 0).mean(1), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(enough, signal / noise, np.nan)


def attribution_auroc_per_sequence(
    attr, x, pwm, threshold: float = IC_THRESHOLD
) -> np.ndarray:
    """Per-sequence AUROC of scores for motif (IC > threshold) against background (IC = 0).

    Positions with ``0 < IC <= threshold`` are left out.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    x : array_like, shape (N, L, 4)
        The one-hot sequences they explain.
    pwm : array_like, shape (N, L, 4)
        Their ground-truth PWMs.
    threshold : float, default IC_THRESHOLD (0.1)
        Information content (bits) above which a position is a motif position.

    Returns
    -------
    numpy.ndarray, shape (N,), float64
        NaN where a class is missing.

    Raises
    ------
    ValueError
        If the arrays are not finite ``(N, L, 4)`` arrays of the same shape, or ``x`` is not
        one-hot.
    """
    return _auroc(*_check_inputs(attr, x, pwm), threshold)


def _auroc(attr, x, ic, threshold):
    scores = _position_scores(attr, x)
    return rowwise_auroc(ic > threshold, scores, include=(ic > threshold) | (ic == 0))


def attribution_aupr_per_sequence(
    attr, x, pwm, threshold: float = IC_THRESHOLD
) -> np.ndarray:
    """Per-sequence average precision, motif (IC > threshold) against background (IC = 0).

    Positions with ``0 < IC <= threshold`` are left out.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    x : array_like, shape (N, L, 4)
        The one-hot sequences they explain.
    pwm : array_like, shape (N, L, 4)
        Their ground-truth PWMs.
    threshold : float, default IC_THRESHOLD (0.1)
        Information content (bits) above which a position is a motif position.

    Returns
    -------
    numpy.ndarray, shape (N,), float64
        NaN where a class is missing.

    Raises
    ------
    ValueError
        If the arrays are not finite ``(N, L, 4)`` arrays of the same shape, or ``x`` is not
        one-hot.
    """
    return _aupr(*_check_inputs(attr, x, pwm), threshold)


def _aupr(attr, x, ic, threshold):
    scores = _position_scores(attr, x)
    return rowwise_average_precision(
        ic > threshold, scores, include=(ic > threshold) | (ic == 0)
    )


@dataclass
class AttributionQuality:
    """Ground-truth quality of a set of maps: means over sequences, and how many were left out.

    Attributes
    ----------
    snr : float
        Mean attribution SNR over the sequences that have one (NaN if none has).
    auroc : float
        Mean attribution AUROC over the sequences that have one (NaN if none has).
    aupr : float
        Mean attribution AUPR over the sequences that have one (NaN if none has).
    n_sequences : int
        Number of sequences scored.
    n_left_out_snr : int
        Number of sequences without an SNR (see :func:`attribution_snr_per_sequence`).
    """

    snr: float
    auroc: float
    aupr: float
    n_sequences: int
    n_left_out_snr: int

    def as_dict(self) -> dict:
        """The five fields as a dict.

        Returns
        -------
        dict
            ``snr``, ``auroc``, ``aupr``, ``n_sequences``, ``n_left_out_snr``.
        """
        return dict(self.__dict__)


def attribution_quality(
    attr, x, pwm, top_k: int = 10, threshold: float = IC_THRESHOLD
) -> AttributionQuality:
    """Mean attribution SNR, AUROC and AUPR over sequences (METHODS.md section 6).

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    x : array_like, shape (N, L, 4)
        The one-hot sequences they explain.
    pwm : array_like, shape (N, L, 4)
        Their ground-truth PWMs.
    top_k : int, default 10
        Number of the largest positive background scores averaged into the noise of the SNR.
    threshold : float, default IC_THRESHOLD (0.1)
        Information content (bits) above which a position is a motif position.

    Returns
    -------
    AttributionQuality
        The means over sequences, and the number of sequences left out of the SNR.

    Raises
    ------
    ValueError
        If the arrays are not finite ``(N, L, 4)`` arrays of the same shape, or ``x`` is not
        one-hot.
    """
    return _attribution_quality(*_check_inputs(attr, x, pwm), top_k, threshold)


def _attribution_quality(
    attr: np.ndarray,
    x: np.ndarray,
    ic: np.ndarray,
    top_k: int = 10,
    threshold: float = IC_THRESHOLD,
) -> AttributionQuality:
    """``attribution_quality`` of inputs checked by ``_check_inputs`` (``ic``: the PWM's
    information content, ``(N, L)``)."""
    snr = _snr(attr, x, ic, top_k, threshold)
    auc = _auroc(attr, x, ic, threshold)
    ap = _aupr(attr, x, ic, threshold)
    return AttributionQuality(
        snr=float(np.nanmean(snr)) if np.isfinite(snr).any() else float("nan"),
        auroc=float(np.nanmean(auc)) if np.isfinite(auc).any() else float("nan"),
        aupr=float(np.nanmean(ap)) if np.isfinite(ap).any() else float("nan"),
        n_sequences=int(len(snr)),
        n_left_out_snr=int(np.isnan(snr).sum()),
    )
