"""Figures of attribution maps and of their gradient correction.

Figures: :func:`plot_attribution_panel` (ground truth above one logo per map; chapters 3, 4, 7, 8
and 9), :func:`plot_angle_histogram` (gradient angles to the simplex plane; chapter 4),
:func:`plot_before_after` (a score before and after a change, e.g. gradient correction; chapters
4 and 9), and :func:`mask_runs` / :func:`shade_runs` (shading runs of positions, such as k-mer
segments, on a logo or track; chapter 5), :func:`plot_attribution_spectra` (mean spectra of
attribution tracks with the Fourier prior's cutoff; chapter 8), :func:`plot_completeness_gap`
(the quadrature error of integrated gradients against its cost; chapter 3),
:func:`plot_simplex_decomposition` (a gradient split into its in-plane and normal parts, for two
and three letters; chapter 4), :func:`plot_norm_track` (a map's per-position L2 norm against its
percentile threshold; chapter 5) and :func:`plot_window_logos` (windows of maps above their
sequences; chapter 6).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..validation import validate_input
from ._style import _axes, _despine, _title
from .sequences import plot_logo, plot_pwm_logo
from ..correction import _check_score_table, correct_gradients
from ..data import motif_mask
from .sweeps import plot_grouped_bars

__all__ = [
    "plot_attribution_panel",
    "plot_angle_histogram",
    "plot_before_after",
    "mask_runs",
    "shade_runs",
    "plot_attribution_spectra",
    "plot_completeness_gap",
    "plot_simplex_decomposition",
    "plot_norm_track",
    "plot_window_logos",
    "plot_planted_window",
    "plot_attribution_examples",
    "plot_quality_by_method",
    "plot_angle_histogram_grid",
    "plot_correction_panel",
    "plot_correction_scores",
    "plot_prior_spectra",
]


def plot_attribution_panel(
    maps: dict,
    pwm: np.ndarray,
    start: int = 0,
    end: int | None = None,
    title: str | None = None,
    height: float = 1.1,
    width: float | None = None,
    compact: bool = False,
    xlabel: str | None = None,
):
    """One sequence: its ground-truth PWM (IC logo) on top, then one logo row per attribution map.

    Parameters
    ----------
    maps : dict
        Label -> ``(L, 4)`` attribution map of the sequence, one logo row each.
    pwm : array_like, shape (L, 4)
        The sequence's ground-truth PWM, drawn as an information-content logo.
    start : int, default 0
        First position of the window ``[start, end)`` to which all rows are cropped.
    end : int, optional
        End of the window (exclusive); default the end of the sequence.
    title : str, optional
        Figure title.
    height : float, default 1.1
        Height of one row (inches).
    width : float, optional
        Figure width (inches); default grows with the window.
    compact : bool, default False
        Fewer, smaller y tick labels on the attribution rows (at most 3 ticks, size 7), for
        short rows (``height`` around 1 inch or less).
    xlabel : str, optional
        Label of the bottom row's x axis, e.g. ``"position (nt)"``; none by default.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure with ``len(maps) + 1`` rows sharing the x axis.

    Raises
    ------
    ValueError
        If ``pwm`` is not ``(L, 4)``, ``maps`` is empty or holds a map of another shape, or the
        window is not inside the sequence.
    """
    pwm = np.asarray(pwm)
    if pwm.ndim != 2 or pwm.shape[1] != 4:
        raise ValueError(
            f"pwm must be one sequence's (L, 4) ground truth; got shape {pwm.shape}"
        )
    if not maps:
        raise ValueError("maps is empty: give at least one attribution map")
    end = pwm.shape[0] if end is None else end
    if not 0 <= start < end <= pwm.shape[0]:
        raise ValueError(
            f"window [{start}, {end}) is outside the sequence of length {pwm.shape[0]}"
        )
    for label, m in maps.items():
        if np.shape(m) != pwm.shape:
            raise ValueError(
                f"map {label!r} has shape {np.shape(m)}; expected {pwm.shape}"
            )
    n = len(maps) + 1
    width = width or max(6.0, (end - start) * 0.06)
    fig, axes = plt.subplots(n, 1, figsize=(width, height * n), sharex=True)
    plot_pwm_logo(pwm[start:end], ax=axes[0], title="ground truth", start=start)
    for ax, (label, m) in zip(axes[1:], maps.items()):
        plot_logo(np.asarray(m)[start:end], ax=ax, title=label, start=start)
    axes[0].set_xlim(
        start - 0.5, end - 0.5
    )  # shared: autoscaling would stretch it back to 0
    if title:
        fig.suptitle(title, fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    if compact:  # after the layout, as the chapters did by hand
        for ax in axes[1:]:
            ax.yaxis.set_major_locator(plt.MaxNLocator(nbins=3))
            ax.tick_params(axis="y", labelsize=7)
    if xlabel:
        axes[-1].set_xlabel(xlabel)
    return fig


def plot_angle_histogram(
    angles: dict, ax=None, bins: int = 90, mask=None, reference=None, marks=()
):
    """Histograms of gradient angles to the simplex plane (degrees), one per labelled array.

    Parameters
    ----------
    angles : dict
        Label -> array of angles in degrees, in ``[-90, 90]``; one step histogram (a density)
        each.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    bins : int, default 90
        Number of bins over ``[-90, 90]``.
    mask : array_like of bool, optional
        Same shape as each array: restricts the positions counted, e.g. motif positions.
    reference : tuple, optional
        ``(theta, density, label)``: a reference density (per degree) drawn as a dashed grey
        curve, e.g. that of gradients pointing in random directions; default none.
    marks : sequence of float, default ()
        Angles (degrees) marked by light grey vertical lines behind the histograms, e.g.
        ``(-30, 30)``; default none.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``angles`` is empty, ``mask`` has another shape than an array, or an array (after the
        mask) is not finite.
    """
    if not angles:
        raise ValueError("angles is empty: give at least one array of angles")
    ax = _axes(ax, (5, 3))
    for label, a in angles.items():
        a = np.asarray(a, dtype=float)
        if mask is not None:
            if np.shape(mask) != a.shape:
                raise ValueError(
                    f"mask has shape {np.shape(mask)} but angles {label!r} have {a.shape}"
                )
            a = a[np.asarray(mask, bool)]
        a = a.reshape(-1)
        if not np.isfinite(a).all():
            raise ValueError(f"angles {label!r} contain NaN or infinite values")
        ax.hist(
            a, bins=bins, range=(-90, 90), histtype="step", density=True, label=label
        )
    if reference is not None:
        theta, density, ref_label = reference
        ax.plot(theta, density, color="0.5", ls="--", lw=1, label=ref_label)
    for mark in marks:
        ax.axvline(mark, color="0.8", lw=0.8, zorder=0)
    ax.set_xlabel("angle to the simplex plane (degrees)")
    ax.set_ylabel("density")
    ax.legend(fontsize=8, frameon=False)
    _despine(ax)
    return ax


def plot_before_after(
    before: dict,
    after: dict,
    ax=None,
    labels=("before", "after"),
    ylabel: str | None = None,
    title: str | None = None,
    colors: dict | None = None,
    legend: bool = True,
):
    """Slope chart: one line per key, from its value in ``before`` to its value in ``after``.

    Parameters
    ----------
    before, after : dict
        Key (e.g. a method name) -> number; both need the same keys, in the same order. A NaN
        leaves that end out: only the other point is drawn, without a line.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    labels : (str, str), default ("before", "after")
        Tick labels of the two columns.
    ylabel : str, optional
        Label of the y axis.
    title : str, optional
        Panel title.
    colors : dict, optional
        Key -> colour; default ``C0``, ``C1``, ... in order.
    legend : bool, default True
        Draw a legend of the keys.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``before`` is empty, the keys differ, or a value is not a number or is infinite.
    """
    if not before:
        raise ValueError("before is empty: give at least one value")
    if list(before) != list(after):
        raise ValueError(
            f"before and after need the same keys in the same order; got "
            f"{list(before)} and {list(after)}"
        )
    values = {}
    for key in before:
        try:
            pair = np.array([before[key], after[key]], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"the values of {key!r} must be numbers") from None
        if np.isinf(pair).any():
            raise ValueError(f"the values of {key!r} contain infinite numbers")
        values[key] = pair
    ax = _axes(ax, (3, 3))
    colors = colors or {}
    for i, (key, pair) in enumerate(values.items()):
        shown = np.isfinite(pair)
        color = colors.get(key, f"C{i}")
        style = "-" if shown.all() else "none"
        ax.plot(
            np.arange(2)[shown],
            pair[shown],
            ls=style,
            marker="o",
            ms=4,
            lw=1.2,
            color=color,
            label=str(key),
        )
    ax.set_xticks([0, 1], list(labels))
    ax.set_xlim(-0.35, 1.35)
    if ylabel:
        ax.set_ylabel(ylabel)
    _title(ax, title)
    if legend:
        ax.legend(frameon=False, fontsize=7)
    _despine(ax)
    return ax


def mask_runs(mask) -> list[tuple[int, int]]:
    """Runs of ``True`` in a 1-D boolean mask as half-open ``(start, end)`` index pairs.

    Parameters
    ----------
    mask : array_like, shape (L,)
        Truth values (anything ``astype(bool)`` accepts).

    Returns
    -------
    list of (int, int)
        The runs, left to right; empty if the mask has no ``True``.

    Raises
    ------
    ValueError
        If ``mask`` is not 1-D.
    """
    mask = np.asarray(mask)
    if mask.ndim != 1:
        raise ValueError(f"mask must be 1-D; got shape {mask.shape}")
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def shade_runs(
    ax,
    mask,
    color="tab:orange",
    alpha: float = 0.25,
    label: str | None = None,
    start: int = 0,
    **kwargs,
):
    """Shade every run of ``True`` in a 1-D mask as a vertical span on ``ax``.

    Position ``i`` of the mask is drawn at ``start + i``; a run covers its positions' full width
    (``[a - 0.5, b - 0.5]``), as on a sequence logo.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to shade (behind what is drawn there: ``zorder=0``).
    mask : array_like, shape (L,)
        Truth value per position.
    color : color, default "tab:orange"
        Colour of the spans.
    alpha : float, default 0.25
        Opacity of the spans.
    label : str, optional
        Legend label; only the first span gets it (one legend entry).
    start : int, default 0
        Plot coordinate of position 0 of the mask.
    **kwargs
        Further keyword arguments for ``ax.axvspan``.

    Returns
    -------
    list of (int, int)
        The runs as half-open ``(start, end)`` pairs in plot coordinates.

    Raises
    ------
    ValueError
        If ``mask`` is not 1-D.
    """
    runs = [(a + start, b + start) for a, b in mask_runs(mask)]
    for i, (a, b) in enumerate(runs):
        ax.axvspan(
            a - 0.5,
            b - 0.5,
            color=color,
            alpha=alpha,
            lw=0,
            zorder=0,
            label=label if i == 0 else None,
            **kwargs,
        )
    return runs


def plot_attribution_spectra(
    spectra: dict,
    truth=None,
    cutoff: int | None = None,
    ax=None,
    colors: dict | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    legend: bool = False,
):
    """Mean spectra of attribution tracks, on a log scale, with the Fourier prior's cutoff.

    Parameters
    ----------
    spectra : dict
        Label -> array of shape ``(F + 1,)``: a (mean) normalised spectrum as returned by
        ``regularizers.track_spectrum``, the DC term first (not drawn). All of one length.
    truth : array_like, shape (F + 1,), optional
        The ground truth's spectrum, drawn as a dotted black line.
    cutoff : int, optional
        Frequency index of the cutoff, marked by a vertical line.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    colors : dict, optional
        Label -> colour; default ``C0``, ``C1``, ... in order.
    title : str, optional
        Panel title.
    ylabel : str, optional
        Label of the y axis.
    legend : bool, default False
        Draw a legend of the curves.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``spectra`` is empty, a spectrum is not a finite 1-D array, or the spectra (and
        ``truth``) do not share one length F + 1 >= 2.
    """
    if not spectra:
        raise ValueError("spectra is empty: give at least one spectrum")
    arrays = {
        name: validate_input(s, f"spectra[{name!r}]", shape=("F",), dtype=np.float64)
        for name, s in spectra.items()
    }
    if truth is not None:
        truth = validate_input(truth, "truth", shape=("F",), dtype=np.float64)
    lengths = {len(s) for s in arrays.values()} | (
        {len(truth)} if truth is not None else set()
    )
    if len(lengths) != 1 or min(lengths) < 2:
        raise ValueError(
            f"every spectrum must have the same length F + 1 >= 2; got {lengths}"
        )
    n = lengths.pop()
    colors = colors or {}
    ax = _axes(ax, (5.5, 3.6))
    freqs = np.arange(1, n)
    if truth is not None:
        ax.plot(freqs, truth[1:], color="k", ls=":", lw=2, label="ground truth")
    for i, (name, spectrum) in enumerate(arrays.items()):
        ax.plot(freqs, spectrum[1:], color=colors.get(name, f"C{i}"), label=str(name))
    if cutoff is not None:
        ax.axvline(cutoff, color="0.5", lw=0.8)
        ax.text(
            cutoff + 1,
            0.95,
            f"cutoff {cutoff}",
            transform=ax.get_xaxis_transform(),
            fontsize=8,
            color="0.4",
        )
    ax.set_yscale("log")
    ax.set_xlabel(f"frequency index f (period {2 * (n - 1)}/f nt)")
    if title:
        ax.set_title(title, fontsize=10)
    if ylabel:
        ax.set_ylabel(ylabel)
    if legend:
        ax.legend(fontsize=8, frameon=False)
    return ax


# ---- chapter 3: integrated gradients' completeness gap (moved out of the chapter, issue #12) ----


def plot_completeness_gap(
    gaps,
    ax=None,
    colors: dict | None = None,
    title: str | None = None,
    mark: tuple | None = (26, "default (25 steps)"),
):
    """Completeness gap of integrated gradients against its cost, one line per model and rule.

    Parameters
    ----------
    gaps : pandas.DataFrame
        One row per (model, rule, step count), with columns ``model``, ``rule`` (a quadrature
        rule of ``attribution.RULES``; ``"trapezoid"`` is drawn solid, any other dashed),
        ``evaluations`` (gradient evaluations per sequence, > 0) and ``relative gap`` (mean
        absolute completeness gap over mean absolute logit difference, > 0). Drawn on log-log
        axes, in the order the (model, rule) pairs first appear.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    colors : dict, optional
        Model -> colour; default ``C0``, ``C1``, ... in order of appearance.
    title : str, optional
        Panel title.
    mark : (float, str) or None, default (26, "default (25 steps)")
        A dotted vertical line at this many evaluations, labelled at the top (default: the
        default 25 trapezoid steps, 26 evaluations); None for no mark.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``gaps`` is not a non-empty DataFrame with the columns above, or ``evaluations`` or
        ``relative gap`` is not finite and positive.
    """
    if not isinstance(gaps, pd.DataFrame):
        raise ValueError(f"gaps must be a pandas DataFrame; got {type(gaps).__name__}")
    missing = {"model", "rule", "evaluations", "relative gap"} - set(gaps.columns)
    if missing:
        raise ValueError(f"gaps lacks the columns {sorted(missing)}")
    if gaps.empty:
        raise ValueError("gaps is empty")
    for column in ("evaluations", "relative gap"):
        values = gaps[column].to_numpy(dtype=np.float64)
        if not (np.isfinite(values).all() and (values > 0).all()):
            raise ValueError(f"{column!r} must be finite and positive (log axes)")
    ax = _axes(ax, (5.5, 3.6))
    models = list(dict.fromkeys(gaps["model"]))
    colors = colors or {}
    for (label, rule), g in gaps.groupby(["model", "rule"], sort=False):
        ax.loglog(
            g["evaluations"],
            g["relative gap"],
            marker="o",
            ms=4,
            color=colors.get(label, f"C{models.index(label)}"),
            ls="-" if rule == "trapezoid" else "--",
            label=f"{label}, {rule}",
        )
    if mark is not None:
        at, text = mark
        ax.axvline(at, color="0.6", lw=0.8, ls=":")
        ax.annotate(
            text,
            xy=(at, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -10),
            textcoords="offset points",
            fontsize=7,
            color="0.4",
        )
    ax.set_xlabel("gradient evaluations per sequence")
    ax.set_ylabel("mean |gap| / mean |f(x) - f(x')|")
    _title(ax, title)
    ax.legend(frameon=False, fontsize=7)
    _despine(ax)
    return ax


# --- figures of chapters 4-6 -----------------------------------------------------------


def _split_gradient(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """In-plane and normal parts of ``g`` with respect to the plane ``sum(x) = 1``."""
    normal = np.full_like(g, g.mean())
    return g - normal, normal


def plot_simplex_decomposition(g2, g3, fig=None):
    """Sketch of the gradient correction for alphabets of two and three letters (chapter 4).

    Left, the two-letter simplex (a segment of the line ``x_1 + x_2 = 1``); right, the
    three-letter simplex (a triangle in 3-D). In each, the gradient at the corner "A" (black) is
    split into its part in the simplex plane (blue) and its part along the plane's normal (red),
    with the dashed parallelogram of the split.

    Parameters
    ----------
    g2 : array_like, shape (2,)
        The gradient drawn in the two-letter sketch.
    g3 : array_like, shape (3,)
        The gradient drawn in the three-letter sketch.
    fig : matplotlib.figure.Figure, optional
        The figure to draw on; default a new one of 10 x 4.4 inches.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (``fig``, or the new one), with a 2-D and a 3-D axes.

    Raises
    ------
    ValueError
        If ``g2`` or ``g3`` is not finite of the shape above.
    """
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    g2 = np.asarray(g2, dtype=float)
    g3 = np.asarray(g3, dtype=float)
    if g2.shape != (2,) or g3.shape != (3,):
        raise ValueError(
            f"g2 must have shape (2,) and g3 (3,); got {g2.shape} and {g3.shape}"
        )
    if not (np.isfinite(g2).all() and np.isfinite(g3).all()):
        raise ValueError("g2 and g3 must be finite")
    if fig is None:
        fig = plt.figure(figsize=(10, 4.4), layout="constrained")
    arrow = dict(angles="xy", scale_units="xy", scale=1, width=0.012)

    # (a) two letters: the simplex is the segment from (1, 0) to (0, 1)
    ax = fig.add_subplot(1, 2, 1)
    inplane2, normal2 = _split_gradient(g2)
    corner = np.array([1.0, 0.0])
    ax.plot(
        [-0.4, 1.6],
        [1.4, -0.6],
        color="0.6",
        ls=":",
        lw=1,
        label="the line $x_1 + x_2 = 1$",
    )
    ax.plot(
        [1, 0],
        [0, 1],
        color="0.2",
        lw=3,
        solid_capstyle="round",
        label="simplex (every valid input)",
    )
    ax.plot([1, 0], [0, 1], "o", color="0.2", ms=8)
    for start, vec in ((corner + inplane2, normal2), (corner + normal2, inplane2)):
        ax.plot(
            *np.c_[start, start + vec], color="0.6", ls="--", lw=0.8
        )  # parallelogram
    ax.quiver(*corner, *g2, color="black", label="gradient $G$", **arrow)
    ax.quiver(
        *corner, *inplane2, color="tab:blue", label=r"in-plane part $\tilde G$", **arrow
    )
    ax.quiver(
        *corner,
        *normal2,
        color="tab:red",
        label=r"normal part $\bar G\,(1, 1)$",
        **arrow,
    )
    ax.text(0.93, -0.06, "A = (1, 0)", ha="right", va="top", fontsize=9)
    ax.text(-0.07, 1.0, "C = (0, 1)", ha="right", va="center", fontsize=9)
    ax.set_xlim(-0.6, 2.2)
    ax.set_ylim(-0.6, 1.5)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$ (channel A)")
    ax.set_ylabel("$x_2$ (channel C)")
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    ax.set_title("(a) two letters: the simplex is a segment", fontsize=10, loc="left")

    # (b) three letters: the simplex is the triangle with corners (1,0,0), (0,1,0), (0,0,1)
    ax = fig.add_subplot(1, 2, 2, projection="3d", computed_zorder=False)
    corners = np.eye(3)
    inplane3, normal3 = _split_gradient(g3)
    for k, name in enumerate(["$x_A$", "$x_C$", "$x_G$"]):  # the coordinate axes
        end = np.zeros(3)
        end[k] = 1.45
        ax.plot(*np.c_[np.zeros(3), end], color="0.6", lw=0.8, zorder=1)
        ax.text(*(end * 1.04), name, fontsize=9, color="0.4")
    ax.add_collection3d(
        Poly3DCollection(
            [corners], facecolor="0.75", alpha=0.35, edgecolor="0.2", lw=2, zorder=2
        )
    )
    ax.scatter(*corners.T, color="0.2", s=30, depthshade=False, zorder=3)
    shifts = ([0.1, -0.12, -0.1], [0.05, 0.05, 0.06], [0.05, 0.05, 0.06])
    for c, name, shift in zip(corners, "ACG", shifts):
        ax.text(*(c + np.array(shift)), name, fontsize=11, zorder=6)
    for start, vec in (
        (corners[0] + inplane3, normal3),
        (corners[0] + normal3, inplane3),
    ):
        ax.plot(*np.c_[start, start + vec], color="0.6", ls="--", lw=0.8, zorder=4)
    for vec, color in ((g3, "black"), (inplane3, "tab:blue"), (normal3, "tab:red")):
        ax.quiver(
            *corners[0], *vec, color=color, arrow_length_ratio=0.12, lw=2.2, zorder=5
        )
    ax.set_xlim(0, 1.3)
    ax.set_ylim(0, 1.3)
    ax.set_zlim(0, 1.3)
    ax.set_box_aspect((1, 1, 1))
    ax.view_init(elev=28, azim=-40)
    ax.set_axis_off()
    ax.set_title(
        "(b) three letters: the simplex is a triangle", fontsize=10, loc="left"
    )
    return fig


def plot_norm_track(
    attr,
    percentile: float = 90.0,
    starts=(),
    lengths=(),
    attributed=None,
    segments=None,
    ax=None,
    title: str | None = None,
):
    """One map's per-position L2 norm, with its percentile threshold and the planted motifs.

    The track of steps 1-2 of the k-mer KLD (``metrics.kmer_kld``; chapter 5): the norm at
    every position (grey line), the sequence's threshold (dashed blue line), the planted motifs
    (light grey spans) and, optionally, the attributed positions (red dots) and the attributed
    segments (orange spans).

    Parameters
    ----------
    attr : array_like, shape (L, 4)
        One sequence's attribution map.
    percentile : float, default 90.0
        The threshold is this percentile of the map's norms.
    starts, lengths : sequence of int, default ()
        Start positions and lengths of the planted motifs to shade.
    attributed : array_like of bool, shape (L,), optional
        Positions to mark with red dots (``KmerDetails.attributed[i]``).
    segments : array_like of bool, shape (L,), optional
        Positions to shade orange (``KmerDetails.segments[i]``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional
        Panel title.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``attr`` is not a finite ``(L, 4)`` array, a mask is not of shape ``(L,)``, or
        ``starts`` and ``lengths`` differ in length.
    """
    dtype = np.result_type(
        np.asarray(attr).dtype, np.float32
    )  # keep float32 maps float32
    attr = validate_input(attr, "attr", shape=("L", 4), dtype=dtype)
    for name, mask in (("attributed", attributed), ("segments", segments)):
        if mask is not None and np.shape(mask) != attr.shape[:1]:
            raise ValueError(
                f"{name} has shape {np.shape(mask)}; expected ({len(attr)},)"
            )
    if len(starts) != len(lengths):
        raise ValueError(f"{len(starts)} starts but {len(lengths)} lengths")
    ax = _axes(ax, (11, 1.5))
    norms = np.linalg.norm(attr, axis=1)
    ax.plot(np.arange(len(norms)), norms, color="0.3", lw=0.8)
    ax.axhline(np.percentile(norms, percentile), color="tab:blue", ls="--", lw=1)
    if attributed is not None:
        attributed = np.asarray(attributed, bool)
        ax.plot(
            np.flatnonzero(attributed), norms[attributed], "o", color="tab:red", ms=3
        )
    for s, n in zip(starts, lengths):
        ax.axvspan(s - 0.5, s + n - 0.5, color="0.85", lw=0, zorder=0)
    if segments is not None:
        shade_runs(ax, segments, color="tab:orange", alpha=0.35)
    ax.set_ylabel("L2 norm")
    _title(ax, title)
    _despine(ax)
    return ax


def plot_window_logos(
    attr,
    x,
    windows,
    width: int,
    flank: int = 10,
    titles=None,
    ylabel: str = "saliency\n(corrected)",
):
    r"""Windows of attribution maps, each above its sequence, the window shaded gold.

    One column per window: the attribution logo of positions ``[start - flank, start + width +
    flank)`` (clipped to the sequence) on top and the sequence logo below.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    x : array_like, shape (N, L, 4)
        The one-hot sequences.
    windows : sequence of (int, int)
        ``(sequence index, start)`` of each window.
    width : int
        The window length.
    flank : int, default 10
        Positions shown on either side of the window.
    titles : sequence of str, optional
        One title per column.
    ylabel : str, default "saliency\n(corrected)"
        Y label of the attribution row.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure with two rows and one column per window.

    Raises
    ------
    ValueError
        If ``attr`` and ``x`` are not finite arrays of one ``(N, L, 4)`` shape, ``windows`` is
        empty, or ``titles`` does not have one per window.
    """
    dtype = np.result_type(np.asarray(attr).dtype, np.float32)
    attr = validate_input(attr, "attr", shape=("N", "L", 4), dtype=dtype)
    x = validate_input(x, "x", shape=attr.shape)
    if len(windows) == 0:
        raise ValueError("windows is empty: give at least one (sequence, start)")
    if titles is not None and len(titles) != len(windows):
        raise ValueError(f"{len(titles)} titles for {len(windows)} windows")
    n = attr.shape[1]
    fig, axes = plt.subplots(
        2,
        len(windows),
        figsize=(3.1 * len(windows) + 0.5, 3.4),
        squeeze=False,
        layout="constrained",
    )
    for col, (s, start) in enumerate(windows):
        lo, hi = max(0, start - flank), min(n, start + width + flank)
        plot_logo(
            attr[s, lo:hi],
            ax=axes[0, col],
            start=lo,
            title=None if titles is None else titles[col],
        )
        plot_logo(x[s, lo:hi], ax=axes[1, col], start=lo)
        for ax in axes[:, col]:
            ax.axvspan(
                start - 0.5,
                start + width - 0.5,
                color="gold",
                alpha=0.3,
                lw=0,
                zorder=0,
            )
            ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
            ax.tick_params(labelsize=6)
        axes[1, col].set_yticks([])
    axes[0, 0].set_ylabel(ylabel, fontsize=8)
    axes[1, 0].set_ylabel("sequence", fontsize=8)
    return fig


# --- figures of chapter 9 ------------------------------------------------------------------


def plot_planted_window(
    maps: dict,
    pwm,
    starts,
    title: str | None = None,
    before: int = 15,
    after: int = 25,
    height: float = 1.1,
    compact: bool = False,
):
    """:func:`plot_attribution_panel` of one sequence, cropped to its planted motifs.

    From ``before`` positions ahead of the first motif's start to ``after`` positions past the last
    one's start (clipped to the sequence), with the x axis labelled "position (nt)".

    Parameters
    ----------
    maps : dict
        Label -> ``(L, 4)`` attribution map of the sequence.
    pwm : array, shape (L, 4)
        The sequence's ground-truth PWM.
    starts : array_like of int, shape (M,)
        Start positions of the motifs planted in the sequence (column 2 of a split's
        ``planted`` rows of this sequence).
    title : str, optional
    before, after : int
        The window's margins (positions).
    height : float
        Height of one row (inches).
    compact : bool, default False
        Fewer, smaller y tick labels (for rows about an inch high or less).

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``starts`` is empty, or ``maps`` or ``pwm`` are not valid for
        :func:`plot_attribution_panel`.
    """
    starts = np.asarray(starts)
    if starts.size == 0:
        raise ValueError("starts is empty: the sequence has no planted motif to show")
    length = np.shape(pwm)[0]
    start = int(max(0, starts.min() - before))
    end = int(min(length, starts.max() + after))
    return plot_attribution_panel(
        maps,
        pwm,
        start=start,
        end=end,
        height=height,
        title=title,
        compact=compact,
        xlabel="position (nt)",
    )


def plot_attribution_examples(
    maps: dict, pwm, n_examples: int = 2, title: str = "sequence {i}: {model}"
) -> list:
    """One ``plot_attribution_panel`` per example sequence and model: every method's map of it.

    Parameters
    ----------
    maps : dict
        Model label -> dict of map name -> maps, array_like of shape (n, L, 4), one logo row
        each (in this order).
    pwm : array_like, shape (N, L, 4)
        The ground-truth PWMs of the sequences.
    n_examples : int
        The first ``n_examples`` sequences are drawn (fewer if a set of maps has fewer).
    title : str
        Title of each figure, formatted with ``i`` (the sequence) and ``model``.

    Returns
    -------
    list of matplotlib Figure
        Sequence by sequence, model by model within a sequence.

    Raises
    ------
    ValueError
        If ``maps`` or one of its dicts is empty, ``n_examples`` is not a positive integer, or
        a map does not fit ``pwm``.
    """
    if not maps or not all(maps.values()):
        raise ValueError("maps must map each model label to a non-empty dict of maps")
    if int(n_examples) != n_examples or n_examples < 1:
        raise ValueError(f"n_examples must be a positive integer; got {n_examples!r}")
    pwm = np.asarray(pwm)
    if pwm.ndim != 3 or pwm.shape[2] != 4:
        raise ValueError(f"pwm must have shape (N, L, 4); got {pwm.shape}")
    for model, named in maps.items():
        for name, m in named.items():
            shape = np.shape(m)
            if len(shape) != 3 or shape[1:] != pwm.shape[1:] or shape[0] > len(pwm):
                raise ValueError(
                    f"map {name!r} of {model!r} has shape {shape}; expected (n, "
                    f"{pwm.shape[1]}, 4) with n <= {len(pwm)}"
                )
    n = min(int(n_examples), *(len(m) for d in maps.values() for m in d.values()))
    figures = []
    for i in range(n):
        for model, named in maps.items():
            figures.append(
                plot_attribution_panel(
                    {name: np.asarray(m)[i] for name, m in named.items()},
                    pwm[i],
                    height=0.95,
                    compact=True,
                    xlabel="position (nt)",
                    title=title.format(i=i, model=model),
                )
            )
    return figures


def plot_quality_by_method(
    scores,
    chance: dict | None = None,
    colors: dict | None = None,
    title: str | None = None,
    metrics=("SNR", "AUROC", "AUPR"),
):
    """Ground-truth attribution quality as grouped bars: one panel per score, methods along x.

    Parameters
    ----------
    scores : pandas DataFrame
        Indexed by the levels ``method`` and ``model`` (``quality.attribution_quality_table``
        with ``names=["method", "model"]``), with a column per entry of ``metrics``. Methods
        and models are drawn in order of appearance.
    chance : dict, optional
        Score -> its chance level (e.g. ``{"AUROC": 0.5, "AUPR": 0.2}``), drawn as a labelled
        dashed line on a 0-1 axis; a score without one gets a black zero line instead.
    colors : dict, optional
        Model -> colour.
    title : str, optional
        Figure title.
    metrics : sequence of str
        The columns drawn, one panel each; the first panel carries the legend.

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``scores`` is not such a table, lacks a column of ``metrics``, or ``metrics`` is
        empty.
    """
    if not isinstance(scores, pd.DataFrame):
        raise ValueError(
            f"scores must be a pandas DataFrame; got {type(scores).__name__}"
        )
    if not {"method", "model"} <= set(scores.index.names):
        raise ValueError(
            f"scores must be indexed by 'method' and 'model'; got {list(scores.index.names)}"
        )
    missing = [m for m in metrics if m not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks the columns {missing}")
    if len(metrics) == 0:
        raise ValueError("metrics is empty: give at least one score")
    chance = chance or {}
    methods = list(dict.fromkeys(scores.index.get_level_values("method")))
    models = list(dict.fromkeys(scores.index.get_level_values("model")))
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(11 * len(metrics) / 3, 3.3), layout="constrained"
    )
    for ax, metric in zip(np.atleast_1d(axes), metrics):
        table = scores[metric].unstack("model").loc[methods, models]
        reference = {"chance": chance[metric]} if metric in chance else None
        plot_grouped_bars(
            table,
            ax=ax,
            ylabel=metric,
            colors=colors,
            legend=metric == metrics[0],
            reference=reference,
        )
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right", fontsize=8)
        if metric in chance:
            ax.set_ylim(0, 1)
        else:
            ax.axhline(0, color="black", lw=0.6)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_angle_histogram_grid(
    angles: dict,
    regions: dict,
    method_names: dict | None = None,
    reference=None,
    marks=(),
):
    """``plot_angle_histogram`` per method (rows) and region of positions (columns).

    Each panel overlays the models' histograms of the angles of one method at one region's
    positions.

    Parameters
    ----------
    angles : dict
        ``(model, method) -> `` angles in degrees, shape (N, L) (``attribution.gradient_angles``);
        every model needs every method.
    regions : dict
        Region name -> boolean mask of shape (N, L), e.g. motif and background positions.
    method_names : dict, optional
        Method -> its name in the panel titles; default the method itself.
    reference, marks : as ``plot_angle_histogram``.

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``angles`` or ``regions`` is empty, a key is not a pair, a model lacks a method, or
        (from ``plot_angle_histogram``) a mask does not fit or an angle is not finite.
    """
    if not angles or not regions:
        raise ValueError("angles and regions must both be non-empty")
    if not all(isinstance(k, tuple) and len(k) == 2 for k in angles):
        raise ValueError("the keys of angles must be (model, method) pairs")
    models = list(dict.fromkeys(k[0] for k in angles))
    methods = list(dict.fromkeys(k[1] for k in angles))
    absent = [(a, m) for a in models for m in methods if (a, m) not in angles]
    if absent:
        raise ValueError(f"angles lacks {absent}: every model needs every method")
    method_names = method_names or {}
    fig, axes = plt.subplots(
        len(methods),
        len(regions),
        figsize=(5 * len(regions), 3 * len(methods)),
        sharex=True,
        sharey="row",
        layout="constrained",
        squeeze=False,
    )
    for i, method in enumerate(methods):
        for j, (region, mask) in enumerate(regions.items()):
            ax = plot_angle_histogram(
                {model: angles[model, method] for model in models},
                ax=axes[i, j],
                mask=mask,
                reference=reference,
                marks=marks,
            )
            ax.legend(frameon=False, fontsize=7, loc="upper left")
            name = method_names.get(method, method)
            ax.set_title(f"{name}, {region} positions", fontsize=10, loc="left")
            ax.set_xticks(np.arange(-90, 91, 30))
            if i < len(methods) - 1:
                ax.set_xlabel("")
            if j > 0:
                ax.set_ylabel("")
    return fig


def plot_correction_panel(
    gradient,
    x,
    pwm,
    window: int = 100,
    lead: int = 10,
    title: str | None = None,
    name: str = "saliency",
):
    """One sequence's gradient and gradient × input, raw and corrected, under its ground truth.

    Rows: the gradient, the corrected gradient (``correct_gradients``), gradient × input and
    gradient × input from the corrected gradient; each raw row and its corrected row share
    their y limits. Drawn in a window of ``window`` positions that starts ``lead`` positions
    before the first motif position (clipped to the sequence).

    Parameters
    ----------
    gradient : array_like, shape (L, 4)
        The sequence's gradient map (e.g. saliency), finite.
    x : array_like, shape (L, 4)
        The one-hot sequence.
    pwm : array_like, shape (L, 4)
        Its ground-truth PWM.
    window, lead : int
        Positions drawn (at most L), and how many before the first motif position.
    title : str, optional
        Figure title.
    name : str
        Name of the gradient method in the row titles.

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``gradient``, ``x`` or ``pwm`` is not a finite ``(L, 4)`` array, ``x`` is not one-hot,
        or ``window`` or ``lead`` is not a positive (non-negative) integer.
    """
    g = np.asarray(gradient)
    g = validate_input(
        g, "gradient", shape=("L", 4), dtype=g.dtype if g.dtype.kind == "f" else float
    )
    x = validate_input(x, "x", shape=g.shape, ohe=True)
    pwm = np.asarray(pwm)
    pwm = validate_input(
        pwm, "pwm", shape=g.shape, dtype=pwm.dtype if pwm.dtype.kind == "f" else float
    )
    if int(window) != window or window < 1 or int(lead) != lead or lead < 0:
        raise ValueError(
            f"window must be a positive and lead a non-negative integer; got {window!r}, "
            f"{lead!r}"
        )
    length = g.shape[0]
    window = min(int(window), length)
    motif_positions = np.flatnonzero(motif_mask(pwm))
    first = motif_positions[0] - lead if motif_positions.size else 0
    begin = int(np.clip(first, 0, length - window))
    g_corr = correct_gradients(g[None])[0]
    panel = {
        name: g,
        f"{name}, corrected": g_corr,
        "gradient × input": g * x,
        "gradient × input, corrected": g_corr * x,
    }
    fig = plot_attribution_panel(
        panel, pwm, start=begin, end=begin + window, height=0.95, width=10, title=title
    )
    for pair in ((1, 2), (3, 4)):  # axes 0 is the ground truth
        lo = min(fig.axes[k].get_ylim()[0] for k in pair)
        hi = max(fig.axes[k].get_ylim()[1] for k in pair)
        for k in pair:
            fig.axes[k].set_ylim(lo, hi)
    fig.axes[-1].set_xlabel("position (nt)")
    return fig


def plot_correction_scores(
    scores,
    methods,
    models=None,
    metrics: dict | None = None,
    labels=("raw", "corrected"),
):
    """Slope charts of ground-truth scores before and after correction, per model and score.

    One row of panels per model, one column per score; in each panel one line per method,
    from its raw to its corrected score (``plot_before_after``), each panel on its own y axis.

    Parameters
    ----------
    scores : pandas DataFrame
        Indexed by ``(model, method, corrected)`` with a column per key of ``metrics``, as the
        ground-truth table of chapter 4.
    methods : sequence of str
        The methods drawn, coloured ``C0``, ``C1``, ... in this order.
    models : sequence, optional
        The rows of panels; default every model, in order of appearance.
    metrics : dict, optional
        Column -> its axis name; default ``snr``, ``auroc`` and ``aupr`` as attribution SNR,
        AUROC and AUPR.
    labels : (str, str)
        Tick labels of the two columns of each panel.

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``scores`` is not indexed by ``(model, method, corrected)``, lacks a column of
        ``metrics`` or the raw or corrected row of a model and method, or ``methods``,
        ``models`` or ``metrics`` is empty.
    """
    _check_score_table(scores)
    if metrics is None:
        metrics = {
            "snr": "attribution SNR",
            "auroc": "attribution AUROC",
            "aupr": "attribution AUPR",
        }
    if models is None:
        models = list(dict.fromkeys(scores.index.get_level_values("model")))
    if len(methods) == 0 or len(models) == 0 or not metrics:
        raise ValueError("methods, models and metrics must all be non-empty")
    missing = [m for m in metrics if m not in scores.columns]
    missing += [
        key
        for key in ((a, m, c) for a in models for m in methods for c in (False, True))
        if key not in scores.index
    ]
    if missing:
        raise ValueError(f"scores lacks {missing}")
    colors = {name: f"C{i}" for i, name in enumerate(methods)}
    fig, axes = plt.subplots(
        len(models),
        len(metrics),
        figsize=(10 * len(metrics) / 3, 3.2 * len(models)),
        layout="constrained",
        squeeze=False,
    )
    for i, model in enumerate(models):
        for j, (metric, metric_name) in enumerate(metrics.items()):
            before = {
                name: scores.loc[(model, name, False), metric] for name in methods
            }
            after = {name: scores.loc[(model, name, True), metric] for name in methods}
            plot_before_after(
                before,
                after,
                ax=axes[i, j],
                labels=labels,
                ylabel=metric_name if j == 0 else None,
                colors=colors,
                legend=(i == 0 and j == 0),
                title=f"{model}: {metric_name}",
            )
    return fig


def plot_prior_spectra(
    spectra: dict,
    truth=None,
    cutoff: int | None = None,
    order=None,
    activations=("relu", "exponential"),
    colors=("0.3", "tab:blue", "tab:red", "tab:green"),
    title: str = "{activation} models, batch norm on",
):
    """:func:`plot_attribution_spectra` side by side, one panel per first-layer activation.

    Parameters
    ----------
    spectra : dict
        ``(regulariser, activation)`` -> mean normalised spectrum, shape ``(F + 1,)``.
    truth : array, shape (F + 1,), optional
        The ground truth's mean spectrum, on every panel.
    cutoff : int, optional
        The Fourier prior's cutoff, marked on every panel.
    order : sequence of str, optional
        The regularisers, in the order of the curves and the legend; default their order of
        appearance in ``spectra``.
    activations : sequence of str
        One panel each, left to right (y axes shared).
    colors : sequence
        Colours of the regularisers, in ``order``.
    title : str
        Panel title, formatted with ``activation``.

    Returns
    -------
    The axes. The first panel carries the y label, the last the legend.

    Raises
    ------
    ValueError
        If ``spectra`` is empty or lacks a regulariser and activation of ``order`` and
        ``activations`` (and as :func:`plot_attribution_spectra`).
    """
    if not spectra:
        raise ValueError("spectra is empty: give at least one spectrum")
    if order is None:
        order = list(dict.fromkeys(reg for reg, _ in spectra))
    missing = [(r, a) for a in activations for r in order if (r, a) not in spectra]
    if missing:
        raise ValueError(f"no spectrum for {missing}")
    colors = dict(zip(order, colors))
    fig, axes = plt.subplots(
        1, len(activations), figsize=(11, 3.6), sharey=True, constrained_layout=True
    )
    axes = np.atleast_1d(axes)
    for ax, activation in zip(axes, activations):
        plot_attribution_spectra(
            {reg: spectra[reg, activation] for reg in order},
            truth=truth,
            cutoff=cutoff,
            ax=ax,
            colors=colors,
            title=title.format(activation=activation),
            ylabel="mean normalised |rFFT| (smoothed track)" if ax is axes[0] else None,
            legend=ax is axes[-1],
        )
    return axes
