"""First-layer filters turned into PWMs and matched to known motifs.

Two steps, as in the ACME study and the work it builds on:

- ``filter_pwms``: the activation-alignment method of Koo & Eddy (2019, PLoS Comput Biol). For
  every first-layer filter, collect the input windows (the filter's receptive field) at each
  position where the filter's activation exceeds a fraction of its maximum over the data, and
  average them into a position probability matrix (a PWM). Unlike the raw weights, this PWM
  is in the units of the motifs it is compared with, whatever the activation function.
- ``match_filters``: compare each filter PWM with a list of known motifs by the maximum Pearson
  correlation over relative offsets (a simplified Tomtom score), and report the best match.

Conventions: PWMs are ``(K, 4)`` arrays, channels A, C, G, T, rows summing to 1. An *offset* ``o``
means that column 0 of the motif lies under column ``o`` of the filter PWM (so ``o < 0`` means the
motif starts before the filter's window).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ._tensorflow import keras
from .data import Motif, SyntheticDataset, information_content
from .models import first_layer_activation_model
from .validation import check_model_input


__all__ = [
    "first_layer_activations",
    "filter_pwms",
    "match_filters",
    "FilterAnalysis",
    "analyse_filters",
    "filter_summary",
    "core_match_report",
]


def _window_offset(conv: keras.layers.Layer) -> int:
    """Input position of the first kernel column for output position 0 (``-left padding``)."""
    kernel = int(conv.kernel_size[0])
    if int(conv.strides[0]) != 1 or int(conv.dilation_rate[0]) != 1:
        raise ValueError(
            "filter_pwms needs a first convolution with stride 1 and no dilation"
        )
    if conv.padding == "same":
        # TensorFlow/Keras 'same': total padding K - 1, the smaller half on the left.
        return -((kernel - 1) // 2)
    if conv.padding == "valid":
        return 0
    raise ValueError(
        f"filter_pwms supports 'same' or 'valid' padding; got {conv.padding!r}"
    )


def first_layer_activations(model: keras.Model, x, batch_size: int = 500) -> np.ndarray:
    """Activations of layer ``conv1_act`` for ``x``, batched.

    Parameters
    ----------
    model : keras.Model
        A model with a layer ``conv1_act``.
    x : array_like, shape (N, L, 4)
        One-hot sequences of the model's length L.
    batch_size : int, default 500
        Sequences per model call, a positive integer.

    Returns
    -------
    numpy.ndarray, shape (N, L_out, F), float32
        The activation of each of the F filters at each of the L_out output positions (L_out = L
        for ``'same'`` padding).

    Raises
    ------
    ValueError
        If ``x`` does not fit the model or ``batch_size`` is not a positive integer.
    """
    return _first_layer_activations(model, check_model_input(model, x), batch_size)


def _first_layer_activations(
    model: keras.Model, x: np.ndarray, batch_size: int
) -> np.ndarray:
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    act_model = first_layer_activation_model(model)
    out = [
        np.asarray(act_model(x[i : i + batch_size], training=False), dtype=np.float32)
        for i in range(0, len(x), batch_size)
    ]
    return np.concatenate(out)


def filter_pwms(
    model: keras.Model,
    x,
    threshold: float = 0.5,
    batch_size: int = 500,
    edges: str = "drop",
) -> tuple[np.ndarray, np.ndarray]:
    """PWMs of the first-layer filters by activation alignment (Koo & Eddy 2019).

    For each filter ``f`` of layer ``conv1`` (activations taken after ``conv1_act``, i.e. after
    batch norm and the activation function), every position of ``x`` where the activation is
    strictly greater than ``threshold * max`` (the filter's maximum activation over all of ``x``)
    is a *hit*. The one-hot window of the kernel's width that the filter saw at that position is
    taken (for ``'same'`` padding the window starts ``(K - 1) // 2`` positions to the left of the
    output position, exactly as Keras pads), and the windows are averaged column by column into a
    position probability matrix, whose rows therefore sum to 1.

    Windows that reach past either end of the sequence (where the filter saw Keras' zero padding)
    are *dropped* by default (``edges="drop"``), as in Koo & Eddy's code; ``edges="pad"`` keeps
    them, filling the missing columns with the uniform 0.25 (no information). A filter with no
    hit (for example a dead ReLU filter: a filter whose maximum activation is not positive has
    none) gets the uniform PWM (0.25 everywhere) and a count of 0.

    Parameters
    ----------
    model : keras.Model
        A model with layers ``conv1`` (stride 1, no dilation, ``'same'`` or ``'valid'`` padding)
        and ``conv1_act``.
    x : array_like, shape (N, L, 4)
        One-hot sequences of the model's length L (checked: the average of non-one-hot windows
        would not be a PWM).
    threshold : float, default 0.5
        Fraction of each filter's maximum activation, in ``[0, 1)``.
    batch_size : int, default 500
        Sequences per model call.
    edges : {"drop", "pad"}, default "drop"
        What to do with windows that reach past an end of the sequence, see above.

    Returns
    -------
    pwms : numpy.ndarray, shape (F, K, 4), float64
        One PWM per filter (F filters of kernel width K), channels A, C, G, T.
    n_sites : numpy.ndarray, shape (F,), int64
        The number of windows averaged into each PWM.

    Raises
    ------
    ValueError
        If ``x`` does not fit the model, ``threshold`` is not in ``[0, 1)``, ``edges`` is neither
        ``"drop"`` nor ``"pad"``, or the model has no layer ``conv1`` of the kind above.
    """
    x = check_model_input(model, x)
    if not 0 <= threshold < 1:
        raise ValueError(f"threshold must be in [0, 1); got {threshold!r}")
    if edges not in ("drop", "pad"):
        raise ValueError(f"edges must be 'drop' or 'pad'; got {edges!r}")
    try:
        conv = model.get_layer("conv1")
    except ValueError as err:
        raise ValueError(
            f"model {model.name!r} has no first convolution named 'conv1'"
        ) from err
    kernel = int(conv.kernel_size[0])
    n, length, _ = x.shape
    start0 = _window_offset(conv)

    act = _first_layer_activations(model, x, batch_size)  # (N, L_out, F)
    n_filters = act.shape[-1]
    # Pad every sequence so that any window start in [start0, start0 + L_out) is a valid slice.
    left = max(0, -start0)
    right = max(0, start0 + act.shape[1] - 1 + kernel - length)
    fill = (
        0.25 if edges == "pad" else 0.0
    )  # with "drop" the padded columns are never read
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)), constant_values=fill)
    columns = np.arange(kernel)

    pwms = np.full((n_filters, kernel, 4), 0.25)
    n_sites = np.zeros(n_filters, dtype=np.int64)
    peak = act.reshape(-1, n_filters).max(axis=0)
    for f in range(n_filters):
        seq_idx, pos = np.nonzero(act[:, :, f] > threshold * peak[f])
        start = pos + start0  # window start in input coordinates
        if edges == "drop":
            inside = (start >= 0) & (start + kernel <= length)
            seq_idx, start = seq_idx[inside], start[inside]
        if seq_idx.size == 0:
            continue
        # Sum the hit windows column by column: (hits, K, 4) summed over hits, in chunks to bound
        # memory when a filter fires everywhere.
        total = np.zeros((kernel, 4))
        for c in range(0, seq_idx.size, 20_000):
            s, p = seq_idx[c : c + 20_000], start[c : c + 20_000] + left
            total += xp[s[:, None], p[:, None] + columns].sum(axis=0)
        pwms[f] = total / total.sum(axis=1, keepdims=True)
        n_sites[f] = seq_idx.size
    return pwms, n_sites


def _check_pwms(pwms, name: str) -> np.ndarray:
    pwms = np.asarray(pwms, dtype=np.float64)
    if (
        pwms.ndim != 3
        or pwms.shape[-1] != 4
        or pwms.shape[0] == 0
        or pwms.shape[1] == 0
    ):
        raise ValueError(
            f"{name} must have shape (F, K, 4) with F, K >= 1; got shape {pwms.shape}"
        )
    if not np.isfinite(pwms).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return pwms


def match_filters(pwms, motifs: list[Motif], min_overlap: int = 6) -> pd.DataFrame:
    """Best-matching known motif of each filter PWM by offset-maximised Pearson correlation.

    For a filter PWM (``K`` columns) and a motif (``M`` columns), every relative offset ``o``
    (motif column 0 under filter column ``o``) with at least ``min(min_overlap, K, M)``
    overlapping columns is scored by the Pearson correlation between the overlapping columns of
    the two matrices, flattened. A motif's score is its best offset's; the filter's match is the
    motif with the highest score. This is a simplified Tomtom (Gupta et al. 2007) without
    p-values. Both orientations are searched because ``motifs`` (as built by
    ``data.load_motifs``) lists each motif and its reverse complement.

    An overlap in which either matrix is constant (e.g. a uniform, no-hit filter) has no
    correlation and is skipped; a filter with no defined score at all gets no motif and
    correlation NaN (missing values in the table).

    Parameters
    ----------
    pwms : array_like, shape (F, K, 4)
        Finite filter PWMs (:func:`filter_pwms`), F, K >= 1.
    motifs : list of data.Motif
        The known motifs (or bare ``(M, 4)`` PWMs, labelled by their index); not empty.
    min_overlap : int, default 6
        Fewest overlapping columns of a scored offset; a matrix shorter than this needs only its
        own length.

    Returns
    -------
    pandas.DataFrame
        One row per filter: ``filter``, ``motif`` (label such as ``"MAX(+)"``), ``motif_index``
        (into ``motifs``), ``correlation``, ``offset``, ``overlap`` (columns compared) and
        ``information_content`` (total bits of the filter PWM).

    Raises
    ------
    ValueError
        If ``pwms`` is not a finite ``(F, K, 4)`` array, ``motifs`` is empty or holds a matrix
        that is not a finite ``(M, 4)`` PWM, or ``min_overlap`` is not a positive integer.
    """
    pwms = _check_pwms(pwms, "pwms")
    if len(motifs) == 0:
        raise ValueError("motifs is empty")
    if int(min_overlap) != min_overlap or min_overlap < 1:
        raise ValueError(f"min_overlap must be a positive integer; got {min_overlap!r}")
    n_filters, kernel, _ = pwms.shape

    best = np.full(n_filters, -np.inf)
    best_motif = np.full(n_filters, -1)
    best_offset = np.zeros(n_filters, dtype=np.int64)
    best_overlap = np.zeros(n_filters, dtype=np.int64)
    for m_idx, motif in enumerate(motifs):
        mpwm = np.asarray(
            motif.pwm if isinstance(motif, Motif) else motif, dtype=np.float64
        )
        if mpwm.ndim != 2 or mpwm.shape[1] != 4 or mpwm.shape[0] == 0:
            raise ValueError(
                f"motif {m_idx} must be an (M, 4) PWM; got shape {mpwm.shape}"
            )
        if not np.isfinite(mpwm).all():
            raise ValueError(f"motif {m_idx} contains NaN or infinite values")
        m_len = mpwm.shape[0]
        need = min(int(min_overlap), kernel, m_len)
        for off in range(need - m_len, kernel - need + 1):
            lo, hi = max(0, off), min(kernel, off + m_len)
            a = pwms[:, lo:hi].reshape(n_filters, -1)  # (F, 4 * overlap)
            b = mpwm[lo - off : hi - off].reshape(-1)
            a = a - a.mean(axis=1, keepdims=True)
            b = b - b.mean()
            denom = np.sqrt((a * a).sum(axis=1) * (b * b).sum())
            with np.errstate(invalid="ignore", divide="ignore"):
                r = np.where(
                    denom > 1e-12,
                    (a @ b) / np.where(denom > 1e-12, denom, 1.0),
                    -np.inf,
                )
            better = r > best
            best[better] = r[better]
            best_motif[better] = m_idx
            best_offset[better] = off
            best_overlap[better] = hi - lo

    found = best_motif >= 0
    labels = [
        (motifs[i].label if isinstance(motifs[i], Motif) else str(i)) if ok else None
        for i, ok in zip(best_motif, found)
    ]
    return pd.DataFrame(
        {
            "filter": np.arange(n_filters),
            "motif": labels,
            "motif_index": pd.Series(best_motif, dtype="Int64").mask(~found),
            "correlation": np.where(found, np.minimum(best, 1.0), np.nan),
            "offset": pd.Series(best_offset, dtype="Int64").mask(~found),
            "overlap": pd.Series(best_overlap, dtype="Int64").mask(~found),
            "information_content": information_content(pwms).sum(axis=1),
        }
    )


# ---- chapter 2: a model's filters against the planted motifs (moved out of the chapter) ----


class FilterAnalysis(NamedTuple):
    """The first-layer filters of one model as PWMs, matched to the planted motifs.

    Attributes
    ----------
    pwms : numpy.ndarray, shape (F, K, 4)
        Filter PWMs (:func:`filter_pwms`): F filters of width K.
    n_sites : numpy.ndarray, shape (F,)
        Windows averaged into each PWM.
    best_any : pandas.DataFrame
        :func:`match_filters` against every planted motif.
    best_core : pandas.DataFrame
        :func:`match_filters` against the core motifs only.
    """

    pwms: np.ndarray
    n_sites: np.ndarray
    best_any: pd.DataFrame
    best_core: pd.DataFrame


def analyse_filters(
    model: keras.Model, data, threshold: float = 0.5, min_overlap: int = 6
) -> FilterAnalysis:
    """Filter PWMs of a model on the test set, matched to all planted motifs and to the core ones.

    :func:`filter_pwms` on ``data.test.x`` (activation alignment), then :func:`match_filters`
    twice: against every motif of the dataset (``data.motifs``, both orientations) and against
    the core motifs only (``data.motifs[:data.n_core]``).

    Parameters
    ----------
    model : keras.Model
        A model of ``models.build_cnn`` (trained or not).
    data : data.SyntheticDataset
        The dataset whose test sequences activate the filters and whose motifs they are
        compared with.
    threshold : float
        Fraction of a filter's maximum activation that counts as a hit (``filter_pwms``).
    min_overlap : int
        Columns a filter and a motif must share to be compared (``match_filters``).

    Returns
    -------
    FilterAnalysis
        ``(pwms, n_sites, best_any, best_core)``.

    Raises
    ------
    ValueError
        If ``data`` is not a ``data.SyntheticDataset``; and as :func:`filter_pwms` and
        :func:`match_filters` (e.g. a ``threshold`` outside [0, 1)).
    """
    if not isinstance(data, SyntheticDataset):
        raise ValueError(
            f"data must be a data.SyntheticDataset; got {type(data).__name__}"
        )
    pwms, n_sites = filter_pwms(model, data.test.x, threshold=threshold)
    best_any = match_filters(pwms, data.motifs, min_overlap=min_overlap)
    best_core = match_filters(pwms, data.motifs[: data.n_core], min_overlap=min_overlap)
    return FilterAnalysis(pwms, n_sites, best_any, best_core)


def filter_summary(results: dict, match_r: float, naive_r: float = 0.6) -> pd.DataFrame:
    """How many filters of each model capture a core motif, one row per model.

    Parameters
    ----------
    results : dict
        Model name -> :class:`FilterAnalysis` (``analyse_filters``).
    match_r : float
        The calibrated threshold: a filter is a core-motif match when its best correlation with
        a core motif exceeds it (chapter 2 takes the largest correlation of any untrained
        filter).
    naive_r : float
        A fixed threshold to compare with.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``variant`` (the model names), with columns ``filters``, ``median IC (bits)``
        of the filter PWMs, ``median sites`` (windows per PWM), ``core r > {naive_r}`` and
        ``core r > MATCH_R`` (filters whose best core correlation exceeds each threshold) and
        ``core motifs recovered`` (the names, strand dropped and sorted, of the core motifs
        matched above ``match_r``, or ``"none"``).

    Raises
    ------
    ValueError
        If ``results`` is empty or a threshold is not finite.
    """
    if not results:
        raise ValueError("results is empty: give at least one model")
    if not np.isfinite(match_r) or not np.isfinite(naive_r):
        raise ValueError(f"thresholds must be finite; got {match_r!r} and {naive_r!r}")
    rows = []
    for label, (pwms, n_sites, best_any, best_core) in results.items():
        hits = best_core[best_core["correlation"] > match_r]
        recovered = sorted(set(hits["motif"].str.split("(", regex=False).str[0]))
        rows.append(
            {
                "variant": label,
                "filters": len(best_core),
                "median IC (bits)": float(best_core["information_content"].median()),
                "median sites": float(np.median(n_sites)),
                f"core r > {naive_r}": int((best_core["correlation"] > naive_r).sum()),
                "core r > MATCH_R": len(hits),
                "core motifs recovered": ", ".join(recovered) or "none",
            }
        )
    return pd.DataFrame(rows).set_index("variant")


def core_match_report(summary: pd.DataFrame, specs: dict) -> str:
    """Core-motif matches per first-layer activation, and the models with the most.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`filter_summary` (columns ``filters`` and ``core r > MATCH_R``).
    specs : dict
        Model name (the index of ``summary``) -> its ``training.ModelSpec`` (read:
        ``activation`` and ``batch_norm``).

    Returns
    -------
    str
        One line per activation, in order of first appearance: how many of its models' filters
        match a core motif, pooled over its models with and/or without batch norm; then the
        model(s) with the most matches.

    Raises
    ------
    ValueError
        If ``summary`` lacks a column or a model of it has no spec.
    """
    for col in ("filters", "core r > MATCH_R"):
        if col not in summary.columns:
            raise ValueError(f"summary has no column {col!r}; use filter_summary")
    missing = set(summary.index) - set(specs)
    if missing:
        raise ValueError(f"no spec for the models {sorted(missing)}")
    lines = []
    for act in dict.fromkeys(specs[k].activation for k in summary.index):
        names = [k for k in summary.index if specs[k].activation == act]
        bn = {specs[k].batch_norm for k in names}
        which = (
            "with and without"
            if len(bn) == 2
            else ("with" if True in bn else "without")
        )
        rows = summary.loc[names]
        lines.append(
            f"{act} ({which} BN): {rows['core r > MATCH_R'].sum()} of "
            f"{rows['filters'].sum()} first-layer filters match a core motif"
        )
    most = summary["core r > MATCH_R"]
    lines.append(
        "Most core-motif matches: " + ", ".join(most.index[most == most.max()])
    )
    return "\n".join(lines)
