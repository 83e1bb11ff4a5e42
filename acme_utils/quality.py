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
import pandas as pd

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
    "attribution_quality_table",
    "chance_aupr",
    "ranking_report",
    "model_versus_method_report",
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


#: Columns of ``attribution_quality_table``, in order.
_TABLE_COLUMNS = ("SNR", "AUROC", "AUPR", "sequences", "left out of SNR")


def attribution_quality_table(
    maps: dict,
    x,
    pwm,
    names=None,
    top_k: int = 10,
    threshold: float = IC_THRESHOLD,
) -> pd.DataFrame:
    """``attribution_quality`` of several sets of maps, one row each (METHODS.md section 6).

    Each set of maps explains the first ``len(map)`` sequences of ``x`` (so a method run on
    fewer sequences, such as ISM, is scored on those), against the same rows of ``pwm``.

    Parameters
    ----------
    maps : dict
        Key -> attribution maps, array_like of shape (n, L, 4) with ``n <= N``, finite. Keys are
        tuples of the same length (one index level each) or single labels.
    x : array_like, shape (N, L, 4)
        The one-hot sequences the maps explain.
    pwm : array_like, shape (N, L, 4)
        Their ground-truth PWMs.
    names : sequence of str, optional
        Names of the index levels, one per element of a key (default ``"key"`` for single
        labels, ``"key0"``, ``"key1"``, ... for tuples).
    top_k, threshold : as ``attribution_snr_per_sequence``.

    Returns
    -------
    pandas.DataFrame
        One row per key, in the order of ``maps``, indexed by the keys (a MultiIndex for tuple
        keys). Columns: ``SNR``, ``AUROC``, ``AUPR`` (means over sequences, NaN where no
        sequence has a value), ``sequences`` (int, how many were scored) and
        ``left out of SNR`` (int).

    Raises
    ------
    ValueError
        If ``maps`` is empty, its keys are not alike, ``names`` does not match them, a map is not
        finite or its shape does not fit ``x``, or ``x`` or ``pwm`` is invalid.
    """
    if not maps:
        raise ValueError("maps is empty: give at least one set of attribution maps")
    keys = [k if isinstance(k, tuple) else (k,) for k in maps]
    is_tuple = isinstance(next(iter(maps)), tuple)
    if (
        any(isinstance(k, tuple) != is_tuple for k in maps)
        or len(set(map(len, keys))) > 1
    ):
        raise ValueError(
            "the keys of maps must all be tuples of the same length, or all single labels"
        )
    n_levels = len(keys[0])
    if names is None:
        names = [f"key{i}" for i in range(n_levels)] if is_tuple else ["key"]
    names = list(names)
    if len(names) != n_levels:
        raise ValueError(
            f"names has {len(names)} entries but the keys have {n_levels} element(s)"
        )
    x = check_one_hot(x)
    ic = _pwm_information(pwm, x.shape)
    rows = []
    for key, (label, m) in zip(keys, maps.items()):
        attr = check_map(m, f"attribution map {label!r}")
        if attr.shape[1:] != x.shape[1:] or len(attr) > len(x):
            raise ValueError(
                f"attribution map {label!r} has shape {attr.shape}; it must explain the first "
                f"n <= {len(x)} of the sequences, of shape (n, {x.shape[1]}, 4)"
            )
        n = len(attr)
        q = _attribution_quality(attr, x[:n], ic[:n], top_k, threshold)
        values = (q.snr, q.auroc, q.aupr, q.n_sequences, q.n_left_out_snr)
        rows.append(
            {
                **dict(zip(names, key)),
                **dict(zip(_TABLE_COLUMNS, values)),
            }
        )
    return pd.DataFrame(rows).set_index(names)


def chance_aupr(pwm, threshold: float = IC_THRESHOLD) -> float:
    """The chance level of the attribution AUPR: the share of motif positions among the scored.

    Scores that carry no information rank motif positions among background positions at random,
    so their precision at any threshold is on average the share of motif positions among the
    positions scored (motif, IC > ``threshold``, or background, IC = 0); the average precision
    of such scores approaches it as sequences grow (it is a little higher when a sequence has
    few motif positions). It is computed per sequence and averaged, as
    ``attribution_aupr_per_sequence`` averages (METHODS.md section 6). The chance level of the
    attribution AUROC is 0.5.

    Parameters
    ----------
    pwm : array_like, shape (N, L, 4)
        Ground-truth PWMs, finite.
    threshold : float
        Information content (bits) above which a position is a motif position.

    Returns
    -------
    float
        NaN if no sequence has a scored position.

    Raises
    ------
    ValueError
        If ``pwm`` is not a finite, non-empty ``(N, L, 4)`` array.
    """
    pwm = np.asarray(pwm)
    pwm = validate_input(pwm, "ground-truth PWM", shape=("N", "L", 4), dtype=pwm.dtype)
    ic = information_content(pwm)
    is_motif = ic > threshold
    scored = is_motif | (ic == 0)  # motif or background, not the weak flanks
    with np.errstate(invalid="ignore", divide="ignore"):
        share = is_motif.sum(1) / scored.sum(1)
    finite = np.isfinite(share)
    if finite.all():
        return float(np.mean(share))
    return float(np.mean(share[finite])) if finite.any() else float("nan")


def _check_scores(scores, columns) -> None:
    """A quality table indexed by ``method`` and ``model`` with the given columns."""
    if not isinstance(scores, pd.DataFrame):
        raise ValueError(
            f"scores must be a pandas DataFrame; got {type(scores).__name__}"
        )
    levels = list(scores.index.names)
    if "method" not in levels or "model" not in levels:
        raise ValueError(
            f"scores must be indexed by the levels 'method' and 'model'; got {levels}"
        )
    missing = [c for c in columns if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks the columns {missing}")
    if scores.empty:
        raise ValueError("scores is empty")


def _best(values: pd.Series):
    """The index label of the largest non-NaN value, or None if all are NaN."""
    return values.idxmax() if values.notna().any() else None


def ranking_report(
    scores: pd.DataFrame,
    metrics=("SNR", "AUROC", "AUPR"),
    per_model=("SNR", "AUROC"),
    contrast: tuple | None = None,
    contrast_name: str | None = None,
) -> str:
    """Which method and model score highest in a quality table, as lines of text.

    The lines are: the highest value of each of ``metrics`` with its method and model; for
    each model (in order of appearance), its best method by each of ``per_model``; with
    ``contrast = (a, b)``, for how many methods model ``a`` has the higher SNR than model
    ``b``; and every (method, model) with a negative SNR (motif positions scoring below zero
    on average). NaN values are skipped (a metric with none is "undefined").

    Parameters
    ----------
    scores : pandas.DataFrame
        Indexed by the levels ``method`` and ``model`` (as ``attribution_quality_table`` with
        ``names=["method", "model"]``), with the columns of ``metrics``, ``per_model`` and
        ``SNR``.
    metrics, per_model : sequence of str
        Columns reported overall and per model.
    contrast : (str, str), optional
        Two models compared method by method on the SNR.
    contrast_name : str, optional
        How the text names ``contrast[0]`` ("the {contrast_name} model"); default its label.

    Returns
    -------
    str
        The lines, joined by newlines (no trailing newline).

    Raises
    ------
    ValueError
        If ``scores`` is not such a table, or a model of ``contrast`` is not in it.
    """
    _check_scores(scores, [*metrics, *per_model, "SNR"])
    models = list(dict.fromkeys(scores.index.get_level_values("model")))
    lines = []
    width = max(len(m) for m in map(str, metrics))
    for metric in metrics:
        best = _best(scores[metric])
        if best is None:
            lines.append(f"highest {metric:<{width}}: undefined")
            continue
        idx = dict(zip(scores.index.names, best))
        lines.append(
            f"highest {metric:<{width}}: {idx['method']} with the {idx['model']} model "
            f"({scores[metric].max():.3f})"
        )
    lines.append("")
    width = max(len(str(m)) for m in models) + 1
    for model in models:
        s = scores.xs(model, level="model")
        best = [f"by {metric}: {_best(s[metric])}" for metric in per_model]
        lines.append(f"{model!s:<{width}} best method " + "; ".join(best))
    if contrast is not None:
        missing = [m for m in contrast if m not in models]
        if missing:
            raise ValueError(f"contrast names models not in scores: {missing}")
        wide = scores["SNR"].unstack("model")
        wins = int((wide[contrast[0]] > wide[contrast[1]]).sum())
        name = contrast[0] if contrast_name is None else contrast_name
        lines.append(
            f"\nthe {name} model has the higher SNR for {wins} of {len(wide)} methods"
        )
    negative = scores.index[scores["SNR"] < 0]
    position = {level: i for i, level in enumerate(scores.index.names)}
    listed = [
        f"{key[position['method']]} ({key[position['model']]})" for key in negative
    ]
    lines.append(
        "negative SNR (motif positions score below zero on average): "
        + (", ".join(listed) or "none")
    )
    return "\n".join(lines)


_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve".split()
)


def _number_word(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def model_versus_method_report(scores: pd.DataFrame, metric: str = "SNR") -> str:
    """Does the choice of model or the choice of method move a score more? As text.

    For a quality table of two models, three lines: the gap between the two models under
    each method (absolute difference of ``metric``), the spread across methods for each model
    (largest minus smallest), and which of the two is larger on average. Methods and models
    are listed in order of appearance.

    Parameters
    ----------
    scores : pandas.DataFrame
        Indexed by the levels ``method`` and ``model`` (as ``attribution_quality_table`` with
        ``names=["method", "model"]``), with the column ``metric``; exactly two models.
    metric : str
        The column compared.

    Returns
    -------
    str
        The lines, joined by newlines (no trailing newline).

    Raises
    ------
    ValueError
        If ``scores`` is not such a table or has not exactly two models.
    """
    _check_scores(scores, [metric])
    methods = list(dict.fromkeys(scores.index.get_level_values("method")))
    models = list(dict.fromkeys(scores.index.get_level_values("model")))
    if len(models) != 2:
        raise ValueError(f"scores must hold exactly two models; got {models}")
    wide = scores[metric].unstack("model")
    model_gap = (wide[models[1]] - wide[models[0]]).abs()
    method_spread = wide.max() - wide.min()
    larger = "model" if model_gap.mean() > method_spread.mean() else "method"
    return "\n".join(
        [
            f"{metric} gap between the two models, per method: "
            + ", ".join(f"{name} {model_gap[name]:.2f}" for name in methods),
            f"{metric} spread across the {_number_word(len(methods))} methods, per "
            "model: "
            + ", ".join(f"{label} {method_spread[label]:.2f}" for label in models),
            f"mean gap between models {model_gap.mean():.2f} vs mean spread across "
            f"methods {method_spread.mean():.2f}: the choice of {larger} moves the "
            f"{metric} more here",
        ]
    )
