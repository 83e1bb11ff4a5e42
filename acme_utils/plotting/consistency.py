"""Figures of the two consistency metrics' distributions.

Figures: :func:`plot_ranked_kmers` (the k-mer distributions behind the k-mer KLD; chapters 5 and
9) and :func:`plot_angular_density` (the angular densities behind the k-attr-mean KLD; chapter 9);
:func:`plot_kmer_steps` (the k-mer KLD's steps on one sequence; chapter 5) and
:func:`plot_kmer_sensitivity_grid` (the k-mer KLD over k and the percentile; chapter 5),
:func:`plot_kattr_steps` (the k-attr-mean KLD's local means on one sequence; chapter 6),
:func:`plot_local_means_3d` (kept local means in the embedding; chapter 6) and
:func:`plot_metric_sensitivity` (a score per model against a setting; chapter 6);
:func:`plot_kmer_norm_tracks` (one sequence's norm track under several models; chapter 5),
:func:`plot_kmer_distributions` (attributed k-mer distributions against the prior; chapter 5),
:func:`plot_scores_against_snr` (consistency scores against the attribution SNR; chapters 5
and 6), :func:`plot_kept_local_means` (the embedding of several models; chapter 6) and
:func:`plot_angular_densities` (p beside q for several models; chapter 6);
:func:`plot_kmer_comparison` and :func:`plot_angular_density_comparison` (several models'
distributions side by side; chapter 9).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..validation import validate_input
from ._style import _axes, _despine, _title
from .attribution import mask_runs, plot_norm_track, shade_runs
from .sequences import plot_logo, plot_motif_layout, plot_sequence_pwm
from .sweeps import plot_labelled_scatter

__all__ = [
    "plot_ranked_kmers",
    "plot_angular_density",
    "plot_kmer_steps",
    "plot_kmer_sensitivity_grid",
    "plot_kattr_steps",
    "plot_local_means_3d",
    "plot_metric_sensitivity",
    "plot_kmer_comparison",
    "plot_angular_density_comparison",
    "plot_kmer_norm_tracks",
    "plot_kmer_distributions",
    "plot_scores_against_snr",
    "plot_kept_local_means",
    "plot_angular_densities",
]


def plot_ranked_kmers(
    distributions: dict, ax=None, styles: dict | None = None, uniform: int | None = None
):
    """Rank-frequency plot (log-log) of k-mer distributions: probabilities sorted descending.

    Parameters
    ----------
    distributions : dict
        Label -> 1-D probability vector over k-mers, e.g. ``(4**k,)`` (non-negative, positive sum;
        normalised here). Only the k-mers with positive probability are drawn, most frequent at
        rank 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    styles : dict, optional
        Label -> keyword arguments for ``ax.plot`` (colour, line style, ...).
    uniform : int, optional
        Number of possible k-mers (``4**k``): draws the uniform level ``1 / uniform``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``distributions`` is empty or holds a vector that is not finite, non-negative with a
        positive sum, or ``uniform`` is not a positive integer.
    """
    if not distributions:
        raise ValueError("distributions is empty")
    styles = styles or {}
    ax = _axes(ax, (5, 3.5))
    for i, (label, p) in enumerate(distributions.items()):
        p = np.asarray(p, dtype=np.float64).reshape(-1)
        if not np.isfinite(p).all() or (p < 0).any() or p.sum() <= 0:
            raise ValueError(
                f"distribution {label!r} must be finite, non-negative, with a positive sum"
            )
        ranked = np.sort(p[p > 0] / p.sum())[::-1]
        style = {"color": f"C{i}", "lw": 1.5, **styles.get(label, {})}
        ax.plot(
            np.arange(1, ranked.size + 1),
            ranked,
            label=f"{label} ({ranked.size:,} k-mers)",
            **style,
        )
    if uniform is not None:
        if int(uniform) != uniform or uniform < 1:
            raise ValueError(f"uniform must be a positive integer; got {uniform!r}")
        ax.axhline(
            1 / uniform,
            color="0.5",
            lw=0.8,
            ls=":",
            label=f"uniform (1/{int(uniform):,})",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rank")
    ax.set_ylabel("probability")
    ax.legend(frameon=False, fontsize=8)
    _despine(ax)
    return ax


def plot_angular_density(
    theta_edges,
    phi_edges,
    density,
    ax=None,
    title: str | None = None,
    vmax: float | None = None,
    landmarks: dict | None = None,
    note: str | None = None,
    axis_labels: bool = True,
):
    """A k-attr-mean angular density (``metrics.KattrDetails.p`` or ``.q``) as a theta-phi map.

    Parameters
    ----------
    theta_edges : array_like, shape (n_theta + 1,)
        Bin edges of the polar angle theta (rows, theta = 0 at the top), in radians.
    phi_edges : array_like, shape (n_phi + 1,)
        Bin edges of the azimuth phi (columns), in radians.
    density : array_like, shape (n_theta, n_phi)
        The density per bin.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional
        Panel title.
    vmax : float, optional
        Top of the colour scale (from 0); default the density's maximum. Give the same value to
        panels that are compared.
    landmarks : dict, optional
        Label -> ``(theta, phi)`` of directions to mark with their label in bold cyan, e.g. the
        nucleotide directions (``metrics.spherical(metrics.embed(np.eye(4) - 0.25))``); a
        landmark at the pole (theta < 0.2) is written along the top edge with "(θ = 0)".
    note : str, optional
        A short text in white at the bottom right, e.g. the KL divergence of the panel.
    axis_labels : bool, default True
        Label the axes; False leaves them to the caller, e.g. for a grid of panels with shared
        axes.

    Returns
    -------
    matplotlib.collections.QuadMesh
        The mesh, for a colour bar (its axes is ``mesh.axes``).

    Raises
    ------
    ValueError
        If ``density`` does not have the shape given by the bin edges.
    """
    density = np.asarray(density, dtype=np.float64)
    if density.shape != (len(theta_edges) - 1, len(phi_edges) - 1):
        raise ValueError(
            f"density has shape {density.shape}; expected "
            f"({len(theta_edges) - 1}, {len(phi_edges) - 1}) from the bin edges"
        )
    ax = _axes(ax, (5, 3))
    mesh = ax.pcolormesh(
        phi_edges,
        theta_edges,
        density,
        cmap="magma",
        vmin=0,
        vmax=density.max() if vmax is None else vmax,
    )
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    if axis_labels:
        ax.set_xlabel(r"azimuth $\varphi$ (rad)")
        ax.set_ylabel(r"polar angle $\theta$ (rad)")
    for label, (t, f) in (landmarks or {}).items():
        at_pole = t < 0.2  # a pole is the whole top edge, theta = 0
        ax.text(
            f,
            max(t, 0.05),
            label + (" (θ = 0)" if at_pole else ""),
            color="tab:cyan",
            fontsize=11 if not at_pole else 9,
            fontweight="bold",
            ha="center",
            va="top" if at_pole else "center",
        )
    _title(ax, title)
    if note:
        ax.text(
            0.99,
            0.03,
            note,
            transform=ax.transAxes,
            ha="right",
            color="white",
            fontsize=9,
        )
    return mesh


# --- figures of chapters 5-6 -----------------------------------------------------------


def plot_kmer_steps(
    pwm,
    attr,
    attributed,
    segments,
    k: int,
    starts,
    lengths,
    labels,
    percentile: float = 90.0,
    model: str = "",
    index: int = 0,
    map_name: str = "saliency",
):
    """Steps 1-4 of the k-mer KLD (``metrics.kmer_kld``) on one sequence, in three rows.

    Top: the ground-truth PWM with the planted motifs. Middle: the map's per-position L2 norm,
    its percentile threshold and the attributed positions (``plot_norm_track``). Bottom: the map
    as a logo, its segments after the 3' extension shaded orange when they are at least ``k``
    long (they yield k-mers) and grey when they are dropped.

    Parameters
    ----------
    pwm : array_like, shape (L, 4)
        The sequence's ground-truth PWM.
    attr : array_like, shape (L, 4)
        The sequence's (corrected) attribution map.
    attributed : array_like of bool, shape (L,)
        The sequence's attributed positions (``KmerDetails.attributed[i]``).
    segments : array_like of bool, shape (L,)
        The sequence's segments (``KmerDetails.segments[i]``).
    k : int
        The k-mer length.
    starts, lengths : sequence of int
        The planted motifs' start positions and lengths.
    labels : sequence of str
        The planted motifs' labels.
    percentile : float, default 90.0
        The threshold percentile of the norms.
    model : str, default ""
        The model's name, for the titles.
    index : int, default 0
        The sequence's index, for the titles.
    map_name : str, default "saliency"
        What the map is, for the titles and the y label.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure with the three rows.

    Raises
    ------
    ValueError
        If an array is not finite of the shape above, or the motifs are invalid (see
        ``plot_motif_layout``).
    """
    attr = validate_input(
        attr,
        "attr",
        shape=("L", 4),
        dtype=np.result_type(np.asarray(attr).dtype, np.float32),
    )
    pwm = validate_input(pwm, "pwm", shape=(len(attr), 4))
    segments = validate_input(segments, "segments", shape=(len(attr),), dtype=bool)
    attributed = validate_input(
        attributed, "attributed", shape=(len(attr),), dtype=bool
    )
    n = len(attr)
    runs = mask_runs(segments)
    kept = [(a, b) for a, b in runs if b - a >= k]
    dropped = [(a, b) for a, b in runs if b - a < k]

    fig, axes = plt.subplots(
        3,
        1,
        figsize=(11, 5.6),
        sharex=True,
        layout="constrained",
        height_ratios=[1, 1, 1.3],
    )
    plot_sequence_pwm(
        pwm,
        starts,
        lengths,
        labels,
        ax=axes[0],
        title=f"sequence {index}: ground truth (planted motifs)",
    )
    plot_norm_track(
        attr,
        percentile,
        starts,
        lengths,
        attributed=attributed,
        ax=axes[1],
        title=f"steps 1-2: per-position L2 norm of the {model} map; dashed: its "
        f"{percentile}th percentile; red: the {attributed.sum()} attributed "
        "positions; grey: planted motifs",
    )
    ax = axes[2]
    plot_logo(attr, ax=ax, ylabel=map_name)
    shade_runs(
        ax,
        np.isin(np.arange(n), [p for a, b in kept for p in range(a, b)]),
        color="tab:orange",
        alpha=0.3,
    )
    shade_runs(
        ax,
        np.isin(np.arange(n), [p for a, b in dropped for p in range(a, b)]),
        color="0.5",
        alpha=0.3,
    )
    _title(
        ax,
        f"steps 3-4: the corrected {map_name} map; segments after the 3' extension: "
        f"{len(kept)} yield k-mers (orange), {len(dropped)} are shorter than k = {k} "
        "(grey)",
    )
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_xlabel("position (nt)")
    return fig


def _annotate_cells(ax, values, fmt, dark) -> None:
    """Write every value of a heatmap in its cell ("-" for NaN), white where ``dark(v)``."""
    for (r, c), v in np.ndenumerate(values):
        ax.text(
            c,
            r,
            "-" if np.isnan(v) else format(v, fmt),
            ha="center",
            va="center",
            fontsize=6.5,
            color="white" if not np.isnan(v) and dark(v) else "black",
        )


def plot_kmer_sensitivity_grid(
    grid: dict, excess: dict, k: int, percentile: float, snr: dict | None = None
):
    """Annotated heatmaps of a score over (k, percentile) per model, the chosen cell outlined.

    Top row: the score (e.g. the k-mer KLD) of each model; bottom row: its excess over a null
    (diverging colours around 0). Rows of each table are k, columns the percentile; a red
    square marks ``(k, percentile)``.

    Parameters
    ----------
    grid, excess : dict
        Model name -> ``pandas.DataFrame`` indexed by k with one column per percentile (the
        same index and columns for every model); NaN cells are shown as "-".
    k : int
        The k of the setting to outline; must be in the index.
    percentile : float
        The percentile of the setting to outline; must be in the columns.
    snr : dict, optional
        Model name -> attribution SNR, added to each column's title.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure with two rows and one column per model, and a colour bar per row.

    Raises
    ------
    ValueError
        If ``grid`` is empty or its models differ from those of ``excess``, or
        ``(k, percentile)`` is not a cell of the grid.
    """
    if not grid or set(grid) != set(excess):
        raise ValueError("grid and excess must be non-empty and have the same models")
    first = next(iter(grid.values()))
    ks, percentiles = list(first.index), list(first.columns)
    if k not in ks or percentile not in percentiles:
        raise ValueError(f"(k={k}, percentile={percentile}) is not a cell of the grid")
    vmax = max(float(np.nanmax(g.to_numpy())) for g in grid.values())
    emax = max(float(np.nanmax(np.abs(g.to_numpy()))) for g in excess.values())
    fig, axes = plt.subplots(
        2,
        len(grid),
        figsize=(3.0 * len(grid) + 1, 6.4),
        layout="constrained",
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    for j, name in enumerate(grid):
        top = grid[name].to_numpy()
        im_top = axes[0, j].imshow(
            top, origin="lower", cmap="viridis", vmin=0, vmax=vmax, aspect="auto"
        )
        _annotate_cells(axes[0, j], top, ".2f", lambda v: v < 0.6 * vmax)
        bottom = excess[name].to_numpy()
        im_bottom = axes[1, j].imshow(
            bottom, origin="lower", cmap="RdBu_r", vmin=-emax, vmax=emax, aspect="auto"
        )
        _annotate_cells(axes[1, j], bottom, ".2f", lambda v: abs(v) > 0.6 * emax)
        title = name if snr is None else f"{name}\nSNR {snr[name]:.2f}"
        axes[0, j].set_title(title, fontsize=9)
        for ax in axes[:, j]:
            ax.add_patch(
                plt.Rectangle(
                    (percentiles.index(percentile) - 0.5, ks.index(k) - 0.5),
                    1,
                    1,
                    fill=False,
                    ec="red",
                    lw=1.5,
                )
            )
        axes[1, j].set_xticks(range(len(percentiles)), percentiles)
        axes[1, j].set_xlabel("percentile")
    for ax in axes[:, 0]:
        ax.set_yticks(range(len(ks)), ks)
        ax.set_ylabel("k")
    fig.colorbar(im_top, ax=axes[0], shrink=0.9, label="k-mer KLD (nats)")
    fig.colorbar(
        im_bottom, ax=axes[1], shrink=0.9, label="excess over shifted null (nats)"
    )
    return fig


def plot_kattr_steps(
    a,
    means,
    window: int,
    starts,
    lengths,
    labels,
    percentile: float = 90.0,
    model: str = "",
    index: int = 0,
):
    """The first steps of the k-attr-mean KLD (``metrics.kattr_mean_kld``) on one sequence.

    Four rows: the planted motifs (also shaded gold below); the map as a logo; its local means
    as a logo, each at the centre of its window; and the per-position length of the map with
    the local-mean length r, its percentile threshold and the kept windows (red dots).

    Parameters
    ----------
    a : array_like, shape (L, 4)
        One sequence's corrected map, divided by its total length.
    means : array_like, shape (L - window + 1, 4)
        Its local means (``metrics.local_means(a[None], window)[0]``).
    window : int
        The local-mean window k.
    starts, lengths : sequence of int
        The planted motifs' start positions and lengths.
    labels : sequence of str
        The planted motifs' labels.
    percentile : float, default 90.0
        Local means longer than this percentile of r are kept.
    model : str, default ""
        The model's name, for the titles.
    index : int, default 0
        The sequence's index, for the titles.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure with the four rows.

    Raises
    ------
    ValueError
        If ``a`` or ``means`` is not finite of the shape above, or the motifs are invalid (see
        ``plot_motif_layout``).
    """
    a = validate_input(
        a, "a", shape=("L", 4), dtype=np.result_type(np.asarray(a).dtype, np.float32)
    )
    n = len(a)
    means = validate_input(
        means,
        "means",
        shape=(n - window + 1, 4),
        dtype=np.result_type(np.asarray(means).dtype, np.float32),
    )
    centre = (
        np.arange(len(means)) + (window - 1) // 2
    )  # the position each window is centred on
    radius = np.linalg.norm(means, axis=1)
    kept = radius > np.percentile(radius, percentile)
    fig, axes = plt.subplots(
        4,
        1,
        figsize=(11, 7.5),
        sharex=True,
        layout="constrained",
        height_ratios=[0.8, 1.2, 1.2, 1],
    )
    plot_motif_layout(
        starts,
        lengths,
        n,
        labels,
        ax=axes[0],
        show_gaps=False,
        title=f"sequence {index}: planted motifs (ground truth, shaded below)",
    )
    for ax in axes[1:]:
        for start, length in zip(starts, lengths):
            ax.axvspan(
                start - 0.5,
                start + length - 0.5,
                color="gold",
                alpha=0.25,
                lw=0,
                zorder=0,
            )
    plot_logo(
        a,
        ax=axes[1],
        title=f"corrected saliency map, {model} (divided by its total length)",
    )
    plot_logo(
        means,
        ax=axes[2],
        start=(window - 1) // 2,
        title=f"local mean over windows of {window} positions (at the window centre)",
    )
    axes[3].plot(
        np.arange(n),
        np.linalg.norm(a, axis=1),
        color="0.6",
        lw=0.8,
        label=r"per-position length $\|\tilde a_l\|$",
    )
    axes[3].plot(
        centre, radius, color="tab:blue", lw=1, label="local-mean length (radius r)"
    )
    axes[3].axhline(
        np.percentile(radius, percentile),
        color="black",
        ls="--",
        lw=0.8,
        label=f"{percentile:g}th percentile of r",
    )
    axes[3].plot(
        centre[kept], radius[kept], "o", color="tab:red", ms=3, label="kept windows"
    )
    axes[3].set_ylabel("length")
    axes[3].set_xlabel("position (nt)")
    axes[0].set_xlabel("")
    axes[3].legend(fontsize=7, frameon=False, ncols=2, loc="upper right")
    for ax in axes:
        ax.set_xlim(-0.5, n - 0.5)
    return fig


def plot_local_means_3d(
    points,
    in_motif,
    ax=None,
    title: str | None = None,
    max_points: int = 4000,
    seed: int = 0,
):
    """Kept local means of the k-attr-mean KLD in the 3-D embedding, with the nucleotide axes.

    Points from windows that overlap a motif are red, the others grey (at most ``max_points``,
    a random subset); four black arrows labelled A, C, G, T point along the nucleotide
    directions ``embed(x_c - 1/4)``, scaled to the 99th percentile of the coordinates.

    Parameters
    ----------
    points : array_like, shape (K, 3)
        Embedded local means (``KattrDetails.points``).
    in_motif : array_like of bool, shape (K,)
        Whether each point's window overlaps a motif (the colour).
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D, optional
        Default a new figure with one 3-D axes.
    title : str, optional
        Panel title.
    max_points : int, default 4000
        The largest number of points drawn.
    seed : int, default 0
        Seed of the random subset.

    Returns
    -------
    mpl_toolkits.mplot3d.axes3d.Axes3D
        The 3-D axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``points`` or ``in_motif`` is not finite of the shape above.
    """
    from ..data import ALPHABET
    from ..metrics import embed

    points = validate_input(
        points,
        "points",
        shape=("K", 3),
        dtype=np.result_type(np.asarray(points).dtype, np.float32),
    )
    in_motif = validate_input(in_motif, "in_motif", shape=(len(points),), dtype=bool)
    if ax is None:
        ax = plt.figure(figsize=(5.5, 5.4), layout="constrained").add_subplot(
            projection="3d"
        )
    pick = np.random.default_rng(seed).permutation(len(points))[:max_points]
    for flag, color, name in (
        (False, "0.6", "background window"),
        (True, "tab:red", "overlaps a motif"),
    ):
        sel = pick[in_motif[pick] == flag]
        ax.scatter(
            *points[sel].T, s=2, color=color, alpha=0.4, label=name, depthshade=False
        )
    lim = np.percentile(np.abs(points), 99)
    for vec, base in zip(embed(np.eye(4) - 0.25), ALPHABET):
        tip = vec / np.linalg.norm(vec) * lim
        ax.plot(*np.c_[np.zeros(3), tip], color="black", lw=1)
        ax.text(*(1.12 * tip), base, fontsize=11, fontweight="bold")
    ax.set(
        xlim=(-lim, lim),
        ylim=(-lim, lim),
        zlim=(-lim, lim),
        xlabel="$e_1$",
        ylabel="$e_2$",
        zlabel="$e_3$",
    )
    ax.set_box_aspect((1, 1, 1))
    ax.tick_params(labelsize=6)
    if title:
        ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, frameon=False, loc="upper left", markerscale=4)
    return ax


def plot_metric_sensitivity(
    table,
    reference=None,
    reference_label: str = "isotropic noise",
    snr: dict | None = None,
    ax=None,
    xlabel: str = "window k (positions)",
    ylabel: str = "k-attr-mean KLD (nats)",
):
    """A score per model (one line each) against a setting of the metric, e.g. the window k.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model (index: model names), one column per setting (numeric column
        labels, the x positions).
    reference : sequence of float, optional
        The score of a reference (e.g. noise maps) at each setting, drawn dashed grey.
    reference_label : str, default "isotropic noise"
        Legend label of the reference.
    snr : dict, optional
        Model name -> attribution SNR, added to the legend.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    xlabel : str, default "window k (positions)"
        Label of the x axis.
    ylabel : str, default "k-attr-mean KLD (nats)"
        Label of the y axis.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``table`` has no row or no column, or ``reference`` does not have one value per
        setting.
    """
    settings = list(table.columns)
    if not settings or len(table) == 0:
        raise ValueError("table is empty: give at least one model and one setting")
    if reference is not None and len(reference) != len(settings):
        raise ValueError(
            f"reference has {len(reference)} values for {len(settings)} settings"
        )
    ax = _axes(ax, (5, 3.4))
    for i, label in enumerate(table.index):
        name = label if snr is None else f"{label} (SNR {snr[label]:.2f})"
        ax.plot(settings, table.loc[label], "o-", color=f"C{i}", label=name)
    if reference is not None:
        ax.plot(settings, reference, "--", color="0.5", label=reference_label)
    ax.set_xticks(settings)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7, frameon=False)
    _despine(ax)
    return ax


# --- figures of chapter 9 ------------------------------------------------------------------


def plot_kmer_comparison(details: dict, k: int = 6):
    """Ranked attributed k-mer distributions of several models, against the k-mer prior.

    The prior is that of all
    k-mers in the same sequences (METHODS.md section 7).

    Parameters
    ----------
    details : dict
        Model name -> ``metrics.KmerDetails`` (``metrics.kmer_kld(..., return_details=True)``)
        of the same sequences; each model's ``p`` is drawn with its KLD in the label, and the
        prior ``q`` of the first model as a dashed black line.
    k : int
        The k-mer length, for the uniform level ``1 / 4**k``.

    Returns
    -------
    The figure (one axes, 6.5 x 4 inches).

    Raises
    ------
    ValueError
        If ``details`` is empty.
    """
    if not details:
        raise ValueError("details is empty: give at least one model's k-mer details")
    fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
    curves = {f"p, {name} (KLD {d.score:.2f})": d.p for name, d in details.items()}
    plot_ranked_kmers(
        curves | {"q, prior": next(iter(details.values())).q},
        ax=ax,
        uniform=4**k,
        styles={"q, prior": {"color": "black", "ls": "--", "lw": 1}},
    )
    return fig


def plot_angular_density_comparison(details: dict):
    """The k-attr-mean angular densities of several models side by side.

    On one colour scale
    with one colour bar (METHODS.md section 8).

    Parameters
    ----------
    details : dict
        Model name -> ``metrics.KattrDetails`` (``metrics.kattr_mean_kld(...,
        return_details=True)``); each panel is titled with the model's KLD.

    Returns
    -------
    The figure (5.5 inches per panel, shared y axis).

    Raises
    ------
    ValueError
        If ``details`` is empty.
    """
    if not details:
        raise ValueError(
            "details is empty: give at least one model's k-attr-mean details"
        )
    vmax = max(d.p.max() for d in details.values())
    fig, axes = plt.subplots(
        1,
        len(details),
        figsize=(5.5 * len(details), 3.4),
        sharey=True,
        layout="constrained",
        squeeze=False,
    )
    axes = axes[0]
    for ax, (name, d) in zip(axes, details.items()):
        mesh = plot_angular_density(
            d.theta_edges,
            d.phi_edges,
            d.p,
            ax=ax,
            vmax=vmax,
            title=f"{name}: KLD {d.score:.3f} nats",
        )
    fig.colorbar(mesh, ax=axes, label="share of r² weight per bin", shrink=0.9)
    return fig


def plot_kmer_norm_tracks(
    maps: dict,
    details: dict,
    index: int,
    motif_mask,
    starts=(),
    lengths=(),
    percentile: float = 90.0,
    snr: dict | None = None,
):
    """The same sequence's norm track (``plot_norm_track``) under several models, one row each.

    Each row's title gives the share of the model's attributed positions that are motif
    positions; the attributed segments (after the 3' extension) are shaded orange.

    Parameters
    ----------
    maps : dict
        Model name -> attribution maps, array of shape (N, L, 4); one row per model, in order.
    details : dict
        Model name -> its ``metrics.KmerDetails`` (``attributed`` and ``segments``).
    index : int
        The sequence, in [0, N).
    motif_mask : bool array, shape (L,)
        The sequence's motif positions (``Split.motif_mask[index]``).
    starts, lengths : sequences of int
        The planted motifs to shade grey.
    percentile : float
        The threshold percentile of the norms.
    snr : dict, optional
        Model name -> attribution SNR, for the titles.

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``maps`` is empty or a model lacks its details, or ``motif_mask`` does not fit.
    """
    if not maps or set(maps) - set(details):
        raise ValueError("maps must be non-empty, with details for every model")
    length = np.shape(next(iter(maps.values())))[1]
    motif_mask = validate_input(motif_mask, "motif_mask", shape=(length,), dtype=bool)
    fig, axes = plt.subplots(
        len(maps), 1, figsize=(11, 1.4 * len(maps)), sharex=True, layout="constrained"
    )
    axes = np.atleast_1d(axes)
    for ax, name in zip(axes, maps):
        d = details[name]
        share = (d.attributed[index] & motif_mask).sum() / max(
            d.attributed[index].sum(), 1
        )
        head = name if snr is None else f"{name} (SNR {snr[name]:.2f})"
        plot_norm_track(
            maps[name][index],
            percentile,
            starts,
            lengths,
            segments=d.segments[index],
            ax=ax,
            title=f"{head}: {share:.0%} of the attributed positions are motif positions",
        )
    axes[-1].set_xlabel("position (nt)  (grey: planted motifs; orange: segments)")
    return fig


def plot_kmer_distributions(p: dict, q, k: int, ax=None):
    """Attributed k-mer distributions against their prior, ranked (``plot_ranked_kmers``).

    Parameters
    ----------
    p : dict
        Label -> attributed k-mer distribution (``metrics.KmerDetails.p``), shape (4**k,).
    q : array, shape (4**k,)
        The prior (``metrics.KmerDetails.q``), drawn as a black dashed line labelled
        "q, prior (all positions)".
    k : int
        The k-mer length: the uniform level ``1 / 4**k`` is drawn, and named in the title.
    ax : matplotlib Axes, optional
        Default a new 6 x 4 in figure.

    Returns
    -------
    The axes.

    Raises
    ------
    ValueError
        If ``k`` is not a positive integer, or from ``plot_ranked_kmers``.
    """
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer; got {k!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    prior = "q, prior (all positions)"
    plot_ranked_kmers(
        {**p, prior: q},
        ax=ax,
        uniform=4 ** int(k),
        styles={prior: {"color": "black", "ls": "--", "lw": 1}},
    )
    ax.set_title(
        f"Attributed {int(k)}-mer distributions against the prior", fontsize=10
    )
    return ax


def plot_scores_against_snr(
    table,
    scores,
    floors: dict | None = None,
    ylabels: dict | None = None,
    figsize=None,
    **options,
):
    """Consistency scores against the ground-truth attribution SNR, one panel per score.

    Each panel is ``plot_labelled_scatter`` of column ``snr`` (x) and one score (y).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model (index: names), with column ``snr`` and the ``scores``.
    scores : sequence of str
        The score columns, one panel each, left to right.
    floors : dict, optional
        Score -> the score of noise maps, drawn as a dashed line.
    ylabels : dict, optional
        Score -> y label; default ``"<score> (nats)"``.
    figsize : (float, float), optional
        Default 4.8 x 3.6 in per panel.
    **options
        Passed to ``plot_labelled_scatter`` (``stagger_by``, ``above``, ``margins``, ...).

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``scores`` is empty, or from ``plot_labelled_scatter`` (a missing column).
    """
    scores = list(scores)
    if not scores:
        raise ValueError("give at least one score column")
    floors, ylabels = floors or {}, ylabels or {}
    fig, axes = plt.subplots(
        1,
        len(scores),
        figsize=figsize or (4.8 * len(scores), 3.6),
        layout="constrained",
        squeeze=False,
    )
    for ax, score in zip(axes[0], scores):
        plot_labelled_scatter(
            table,
            "snr",
            score,
            ax=ax,
            floor=floors.get(score),
            xlabel="attribution SNR (ground truth)",
            ylabel=ylabels.get(score, f"{score} (nats)"),
            **options,
        )
    return fig


def plot_kept_local_means(details: dict, in_motif: dict, snr: dict | None = None):
    """The kept local means of several models in the 3-D embedding, one panel each.

    Each panel is a :func:`plot_local_means_3d`.

    Parameters
    ----------
    details : dict
        Model name -> ``metrics.KattrDetails``; one panel per model, in order.
    in_motif : dict
        Model name -> bool array (one per kept point): does its window overlap a motif
        (``data.window_overlaps_motif``)?
    snr : dict, optional
        Model name -> attribution SNR, for the titles.

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``details`` is empty or a model lacks ``in_motif``.
    """
    if not details or set(details) - set(in_motif):
        raise ValueError("details must be non-empty, with in_motif for every model")
    fig = plt.figure(figsize=(5.5 * len(details), 5.4), layout="constrained")
    for k, (name, det) in enumerate(details.items()):
        head = name if snr is None else f"{name} (SNR {snr[name]:.2f})"
        plot_local_means_3d(
            det.points,
            in_motif[name],
            ax=fig.add_subplot(1, len(details), k + 1, projection="3d"),
            title=f"{head}: {len(det.points):,} kept local means",
        )
    return fig


def plot_angular_densities(details: dict):
    """Each model's angular density ``p`` beside its prior ``q`` (``plot_angular_density``).

    One row per model: ``p`` left, ``q`` right with the score ``KL(p || q)``, on the colour
    scale of ``p``, with one colour bar per row; the nucleotide directions
    (``metrics.embed(np.eye(4) - 0.25)``) are marked A, C, G, T.

    Parameters
    ----------
    details : dict
        Model name -> ``metrics.KattrDetails``.

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``details`` is empty.
    """
    from ..data import ALPHABET
    from ..metrics import embed, spherical

    if not details:
        raise ValueError("details is empty: give at least one model")
    _, nuc_theta, nuc_phi = spherical(embed(np.eye(4) - 0.25))
    landmarks = {base: (t, f) for base, t, f in zip(ALPHABET, nuc_theta, nuc_phi)}
    fig, axes = plt.subplots(
        len(details),
        2,
        figsize=(11, 3.2 * len(details)),
        sharex=True,
        sharey=True,
        layout="constrained",
        squeeze=False,
    )
    for row, (name, det) in zip(axes, details.items()):
        for ax, density, what in zip(
            row, (det.p, det.q), ("empirical density p", "prior q (p smoothed)")
        ):
            mesh = plot_angular_density(
                det.theta_edges,
                det.phi_edges,
                density,
                ax=ax,
                title=f"{name}: {what}",
                vmax=det.p.max(),
                landmarks=landmarks,
                axis_labels=False,
                note=f"KL(p || q) = {det.score:.3f} nats" if density is det.q else None,
            )
        fig.colorbar(mesh, ax=row, label="share of r² weight per bin", shrink=0.9)
        row[0].set_ylabel(r"polar angle $\theta$ (rad)")
    for ax in axes[-1]:
        ax.set_xlabel(r"azimuth $\varphi$ (rad)")
    return fig
