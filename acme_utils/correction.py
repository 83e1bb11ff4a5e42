"""Gradient correction (METHODS.md section 5), with NumPy and pandas only.

One-hot DNA lives on the plane ``sum_c x_c = 1``; the component of an input gradient along the
plane's normal ``(1, 1, 1, 1)`` cannot be realised by any valid sequence and is noise
(Majdandzic et al. 2022). ``correct_gradients`` removes it; ``gradient_angles`` measures it.
``acme_utils.attribution`` re-exports both, next to the maps they correct; they live here so that
the metric modules use them without importing TensorFlow.

The other functions are the diagnostics of chapter 4: what the correction keeps
(``channel_differences``), how it applies to each attribution method (``corrected_variants``),
and tables of the angles, the removed offsets and the change of the ground-truth scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .quality import position_scores
from .validation import SEQUENCE_SHAPE, check_map, check_one_hot, validate_input


__all__ = [
    "correct_gradients",
    "gradient_angles",
    "channel_differences",
    "CORRECTIONS",
    "corrected_variants",
    "angle_summary",
    "angle_report",
    "normal_offsets",
    "score_changes",
    "score_changes_report",
]


def correct_gradients(attr) -> np.ndarray:
    """Remove the component normal to the simplex: ``G[l, c] - mean_c' G[l, c']``.

    The corrected map sums to zero at every position.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps (gradients) of N sequences of L positions, channels A, C, G, T; finite.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The corrected maps (computed in float64, returned as float32).

    Raises
    ------
    ValueError
        If ``attr`` is not a finite, non-empty ``(N, L, 4)`` array (``validation.check_map``).
    """
    return _correct_gradients(check_map(attr))


def _correct_gradients(attr: np.ndarray) -> np.ndarray:
    """``correct_gradients`` of a map already checked and cast to float64 (``check_map``)."""
    return (attr - attr.mean(axis=-1, keepdims=True)).astype(np.float32)


def gradient_angles(attr) -> np.ndarray:
    """Angle in degrees between each position's gradient and the simplex plane.

    ``theta_l = arcsin( sum_c G[l, c] / (2 ||G[l]||) )``; 0 for a zero gradient.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps (gradients) of N sequences of L positions, channels A, C, G, T; finite.

    Returns
    -------
    numpy.ndarray, shape (N, L), float64
        The angle at every position, in [-90, 90] degrees.

    Raises
    ------
    ValueError
        If ``attr`` is not a finite, non-empty ``(N, L, 4)`` array (``validation.check_map``).
    """
    attr = check_map(attr)
    norm = np.linalg.norm(attr, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(norm > 0, attr.sum(-1) / (2 * norm), 0.0)
    return np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))


def _check_keep_dtype(attr, name: str, shape=SEQUENCE_SHAPE) -> np.ndarray:
    """``validate_input`` that keeps a float array's dtype (float64 for integers), so that the
    numbers computed from it are those of the unchecked array."""
    attr = np.asarray(attr)
    dtype = attr.dtype if attr.dtype.kind == "f" else np.float64
    return validate_input(attr, name, shape=shape, dtype=dtype)


def channel_differences(attr) -> np.ndarray:
    """All differences between the channels of each position: ``D[..., c, c'] = G[c] - G[c']``.

    The gradient correction subtracts the same number from the four channels of a position, so
    it leaves every one of these differences unchanged (METHODS.md section 5). To first order,
    ``D[l, c, o]`` is the predicted effect of substituting base ``c`` for the observed base ``o``
    at position ``l``.

    Parameters
    ----------
    attr : array_like, shape (..., 4)
        Attribution maps (gradients), finite; e.g. ``(N, L, 4)``.

    Returns
    -------
    numpy.ndarray, shape (..., 4, 4)
        Of the dtype of ``attr`` (float64 for an integer array).

    Raises
    ------
    ValueError
        If ``attr`` has no last axis of 4 channels, is empty, or is not finite.
    """
    shape = np.shape(attr)
    g = _check_keep_dtype(
        attr, "attribution map", shape=(*("N",) * (len(shape) - 1), 4)
    )
    return g[..., :, None] - g[..., None, :]


#: How each attribution method (``attribution.METHODS``) is corrected, as named in tables.
CORRECTIONS = {
    "saliency": "gradient corrected",
    "gradient_times_input": "gradient corrected, × input",
    "integrated_gradients": "path gradient corrected, × input",
    "smoothgrad": "gradient corrected",
    "ism": "mean-centred",
}


def corrected_variants(maps: dict, x, path_gradient=None) -> dict:
    """Every map raw and gradient-corrected, the correction applied where it belongs.

    - ``saliency`` and ``smoothgrad`` are gradients: ``correct_gradients(map)``.
    - ``gradient_times_input`` is corrected before the product (correcting the product only
      scales the observed base by 3/4): ``correct_gradients(saliency) * x``.
    - ``integrated_gradients`` (zero baseline) is the input times the path-averaged gradient,
      which is corrected before the product: ``correct_gradients(path_gradient) * x``.
    - ``ism`` is no gradient; it is mean-centred with the same operation,
      ``correct_gradients(map)``, which gives it a score at the observed base.

    Gradient correction is METHODS.md section 5; the three rules for products and ISM are the
    book's (chapter 4).

    Parameters
    ----------
    maps : dict
        Method (a key of ``CORRECTIONS``) -> raw maps, array_like of shape (n, L, 4) explaining
        the first ``n <= N`` sequences of ``x``. ``gradient_times_input`` needs ``saliency``
        among them.
    x : array_like, shape (N, L, 4)
        The one-hot sequences.
    path_gradient : array_like, shape (n, L, 4), optional
        ``attribution.average_path_gradient`` of the sequences (same baseline, steps and rule
        as the IG map); needed for ``integrated_gradients``.

    Returns
    -------
    dict
        ``(method, corrected, correction) -> map`` in the order of ``maps``, each method raw
        (``False, "none"``, the map as given) then corrected (``True``, its ``CORRECTIONS``
        entry; float32).

    Raises
    ------
    ValueError
        For an unknown method, a missing ``saliency`` or ``path_gradient``, a map that is not
        finite or does not fit ``x``, or ``x`` not one-hot.
    """
    if not maps:
        raise ValueError("maps is empty: give at least one method's maps")
    unknown = [m for m in maps if m not in CORRECTIONS]
    if unknown:
        raise ValueError(
            f"unknown methods {unknown}; expected some of {list(CORRECTIONS)}"
        )
    x = check_one_hot(x)

    def fitted(m, name):
        checked = check_map(m, name)
        if checked.shape[1:] != x.shape[1:] or len(checked) > len(x):
            raise ValueError(
                f"{name} has shape {checked.shape}; it must explain the first n <= "
                f"{len(x)} sequences, of shape (n, {x.shape[1]}, 4)"
            )
        return np.asarray(m)

    def times_input(gradient, name):
        g = fitted(gradient, name)
        return correct_gradients(g) * x[: len(g)]

    variants = {}
    for method, raw in maps.items():
        raw = fitted(raw, f"{method} map")
        if method == "gradient_times_input":
            if "saliency" not in maps:
                raise ValueError(
                    "gradient_times_input is corrected through saliency: add it"
                )
            corrected = times_input(maps["saliency"], "saliency map")
        elif method == "integrated_gradients":
            if path_gradient is None:
                raise ValueError(
                    "integrated_gradients is corrected through its path-averaged gradient: "
                    "pass path_gradient (attribution.average_path_gradient)"
                )
            corrected = times_input(path_gradient, "path_gradient")
        else:
            corrected = correct_gradients(raw)
        variants[method, False, "none"] = raw
        variants[method, True, CORRECTIONS[method]] = corrected
    return variants


def _check_masks(regions: dict, shape: tuple) -> dict:
    if not regions:
        raise ValueError("regions is empty: give at least one mask")
    checked = {}
    for name, mask in regions.items():
        mask = np.asarray(mask)
        if mask.shape != shape or mask.dtype != bool:
            raise ValueError(
                f"region {name!r} must be a boolean mask of shape {shape}; got "
                f"{mask.dtype} of shape {mask.shape}"
            )
        checked[name] = mask
    return checked


def angle_summary(maps: dict, regions: dict, large: float = 30.0) -> pd.DataFrame:
    """How far gradients point off the simplex plane, per map and region of positions.

    The angle of each position's gradient to the plane is ``gradient_angles`` (METHODS.md
    section 5); a zero gradient has angle 0 and is also counted on its own.

    Parameters
    ----------
    maps : dict
        ``(model, method) -> `` gradient maps, array_like of shape (N, L, 4), finite.
    regions : dict
        Region name (e.g. ``"motif"``, ``"background"``) -> boolean mask of shape (N, L).
    large : float
        Angles (degrees) beyond which an angle counts as large.

    Returns
    -------
    pandas.DataFrame
        One row per map and region, in that order, with the columns ``model``, ``method``,
        ``positions`` (the region), ``n positions``, ``|angle| > {large}°`` (share of the
        positions), ``median |angle| (°)`` and ``zero gradient`` (share of positions whose
        gradient is exactly zero).

    Raises
    ------
    ValueError
        If ``maps`` or ``regions`` is empty, a key is not a pair, a map is not finite, or a
        mask does not fit its map.
    """
    if not maps:
        raise ValueError("maps is empty: give at least one gradient map")
    rows = []
    for key, g in maps.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(
                f"the keys of maps must be (model, method) pairs; got {key!r}"
            )
        g = _check_keep_dtype(g, f"gradient map {key!r}")
        angles = np.abs(gradient_angles(g))
        norm = np.linalg.norm(g, axis=-1)
        for region, mask in _check_masks(regions, g.shape[:2]).items():
            a = angles[mask]
            rows.append(
                {
                    "model": key[0],
                    "method": key[1],
                    "positions": region,
                    "n positions": a.size,
                    f"|angle| > {large:g}°": np.mean(a > large),
                    "median |angle| (°)": np.median(a),
                    "zero gradient": np.mean(norm[mask] == 0),
                }
            )
    return pd.DataFrame(rows)


def angle_report(table: pd.DataFrame, random_share: float | None = None) -> str:
    """Where the large angles are, motif or background positions, per map; as text.

    Parameters
    ----------
    table : pandas.DataFrame
        An ``angle_summary`` with the regions ``"motif"`` and ``"background"``.
    random_share : float, optional
        The share of large angles for gradients pointing in random directions, quoted on every
        line for comparison.

    Returns
    -------
    str
        One line per (model, method), in the order of ``table``.

    Raises
    ------
    ValueError
        If ``table`` is not such a summary.
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueError(
            f"table must be a pandas DataFrame; got {type(table).__name__}"
        )
    column = [c for c in table.columns if str(c).startswith("|angle| >")]
    if len(column) != 1 or not {"model", "method", "positions"} <= set(table.columns):
        raise ValueError("table must be an angle_summary")
    if not {"motif", "background"} <= set(table["positions"]):
        raise ValueError(
            "table must have rows for the positions 'motif' and 'background'"
        )
    large = table.set_index(["model", "method", "positions"])[column[0]]
    lines = []
    for model, method in dict.fromkeys(zip(table["model"], table["method"])):
        mo = large[model, method, "motif"]
        bg = large[model, method, "background"]
        where = "background" if bg > mo else "motif"
        reference = (
            "" if random_share is None else f"; random directions {random_share:.1%}"
        )
        lines.append(
            f"{model}, {method}: more large angles at {where} positions ({bg:.1%} "
            f"background vs {mo:.1%} motif{reference})"
        )
    return "\n".join(lines)


def normal_offsets(maps: dict, x, motif, background) -> pd.DataFrame:
    """The offset the correction removes, ``mean_c G[l, c]``, at motif and background positions.

    Offsets are given in units of the mean absolute raw score (the gradient at the observed
    base, METHODS.md section 6) at motif positions, so maps of different scale compare.

    Parameters
    ----------
    maps : dict
        ``(model, method) -> `` gradient maps, array_like of shape (N, L, 4), finite.
    x : array_like, shape (N, L, 4)
        The one-hot sequences they explain.
    motif, background : array_like of bool, shape (N, L)
        Motif and background positions (``data.motif_mask``, ``data.background_mask``).

    Returns
    -------
    pandas.DataFrame
        One row per map, with the columns ``model``, ``method``, ``mean offset, motif``,
        ``mean offset, background`` and ``largest background offset (mean over sequences)``
        (the largest offset among each sequence's background positions, averaged over the
        sequences that have any).

    Raises
    ------
    ValueError
        If ``maps`` is empty, a key is not a pair, a map or ``x`` is invalid, or a mask does not
        fit.
    """
    if not maps:
        raise ValueError("maps is empty: give at least one gradient map")
    x = check_one_hot(x)
    masks = _check_masks({"motif": motif, "background": background}, x.shape[:2])
    motif, background = masks["motif"], masks["background"]
    rows = []
    for key, g in maps.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(
                f"the keys of maps must be (model, method) pairs; got {key!r}"
            )
        g = _check_keep_dtype(g, f"gradient map {key!r}")
        if g.shape != x.shape:
            raise ValueError(
                f"gradient map {key!r} has shape {g.shape}; x has {x.shape}"
            )
        offset = g.mean(-1)
        unit = np.abs(position_scores(g, x)[motif]).mean()
        top_background = np.where(background, offset, -np.inf).max(axis=1)
        rows.append(
            {
                "model": key[0],
                "method": key[1],
                "mean offset, motif": offset[motif].mean() / unit,
                "mean offset, background": offset[background].mean() / unit,
                "largest background offset (mean over sequences)": (
                    top_background[np.isfinite(top_background)].mean() / unit
                ),
            }
        )
    return pd.DataFrame(rows)


_SCORES = ("snr", "auroc", "aupr")


def _check_score_table(scores) -> None:
    """A ground-truth score table: a DataFrame indexed by ``(model, method, corrected)``."""
    if not isinstance(scores, pd.DataFrame):
        raise ValueError(
            f"scores must be a pandas DataFrame; got {type(scores).__name__}"
        )
    if list(scores.index.names) != ["model", "method", "corrected"]:
        raise ValueError(
            "scores must be indexed by (model, method, corrected); got "
            f"{list(scores.index.names)}"
        )


def score_changes(scores: pd.DataFrame, models=None, methods=None) -> pd.DataFrame:
    """How much the correction changed each ground-truth score, per model and method.

    Parameters
    ----------
    scores : pandas.DataFrame
        Indexed by ``(model, method, corrected)`` (``corrected`` False and True for every model
        and method), with the columns ``snr``, ``auroc`` and ``aupr`` (METHODS.md section 6).
    models, methods : sequence, optional
        The rows, in this order (default: every model and method, in order of appearance).

    Returns
    -------
    pandas.DataFrame
        One row per (model, method), with the columns ``model``, ``method``, ``SNR raw``,
        ``SNR corrected``, ``SNR change``, ``SNR ratio`` (corrected over raw, NaN unless both
        are positive), ``AUROC change`` and ``AUPR change`` (corrected minus raw).

    Raises
    ------
    ValueError
        If ``scores`` is not such a table or lacks a requested row.
    """
    _check_score_table(scores)
    missing = [c for c in _SCORES if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks the columns {missing}")
    if models is None:
        models = dict.fromkeys(scores.index.get_level_values("model"))
    if methods is None:
        methods = dict.fromkeys(scores.index.get_level_values("method"))
    rows = []
    for model in models:
        for method in methods:
            if (model, method, False) not in scores.index or (
                model,
                method,
                True,
            ) not in scores.index:
                raise ValueError(
                    f"scores lacks raw or corrected rows of {(model, method)}"
                )
            raw = scores.loc[(model, method, False)]
            corr = scores.loc[(model, method, True)]
            both_positive = raw["snr"] > 0 and corr["snr"] > 0
            rows.append(
                {
                    "model": model,
                    "method": method,
                    "SNR raw": raw["snr"],
                    "SNR corrected": corr["snr"],
                    "SNR change": corr["snr"] - raw["snr"],
                    "SNR ratio": corr["snr"] / raw["snr"] if both_positive else np.nan,
                    "AUROC change": corr["auroc"] - raw["auroc"],
                    "AUPR change": corr["aupr"] - raw["aupr"],
                }
            )
    return pd.DataFrame(rows)


def score_changes_report(changes: pd.DataFrame, gradient_methods) -> str:
    """Which scores the correction raised, and which SNRs are negative; as text.

    For each of SNR, AUROC and AUPR: for how many (model, gradient method) pairs the score is
    higher after correction, listing them with the change; then every (model, method) with a
    negative SNR, raw or corrected.

    Parameters
    ----------
    changes : pandas.DataFrame
        A ``score_changes`` table.
    gradient_methods : sequence of str
        The methods counted in the first part (e.g. leaving out a method whose scores equal
        another's, and ISM, which is no gradient).

    Returns
    -------
    str
        The lines, joined by newlines (no trailing newline).

    Raises
    ------
    ValueError
        If ``changes`` is not a ``score_changes`` table.
    """
    columns = ["model", "method", "SNR raw", "SNR corrected"]
    columns += ["SNR change", "AUROC change", "AUPR change"]
    if not isinstance(changes, pd.DataFrame) or not set(columns) <= set(
        changes.columns
    ):
        raise ValueError(
            f"changes must be a score_changes table, with the columns {columns}"
        )
    gradient_based = changes[changes["method"].isin(list(gradient_methods))]
    lines = []
    for metric in ("SNR change", "AUROC change", "AUPR change"):
        higher = gradient_based[gradient_based[metric] > 0]
        lines.append(
            f"{metric.split()[0]} higher after correction for {len(higher)} of "
            f"{len(gradient_based)} (model, gradient method) pairs"
            + (":" if len(higher) else "")
        )
        for _, r in higher.iterrows():
            lines.append(f"    {r['method']} ({r['model']}): {r[metric]:+.3f}")
    negative = changes[(changes["SNR raw"] < 0) | (changes["SNR corrected"] < 0)]
    lines.append(
        "negative SNR (mean motif score below zero): "
        + (
            ", ".join(f"{r['method']} ({r['model']})" for _, r in negative.iterrows())
            or "none"
        )
    )
    return "\n".join(lines)
