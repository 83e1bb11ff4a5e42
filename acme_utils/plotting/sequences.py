"""Sequence logos and the figures of how the synthetic sequences are built.

Figures: :func:`plot_logo` and :func:`plot_pwm_logo` (logos of any ``(L, 4)`` matrix, used by
every family and by chapters 1, 5, 6 and 7), :func:`plot_motif_layout` (chapters 1 and 6),
:func:`plot_sequence_pwm` (chapters 1 and 5), and the dataset summaries of chapter 1:
:func:`plot_class_balance`, :func:`plot_count_histogram` and :func:`plot_motif_usage`, with
the whole figures of chapter 1 built from them (:func:`plot_motif_logos`,
:func:`plot_sequence_anatomy`, :func:`plot_example_sequences` and the ``plot_dataset_*`` checks),
and :func:`plot_logo_stack` (several inputs as logos, one row each; chapter 7).
"""

from __future__ import annotations

import logomaker
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..data import (
    ALPHABET,
    MOTIF_COUNT_PROBS,
    Motif,
    Split,
    SyntheticDataset,
    information_content,
    motifs_per_sequence,
    planted_instances,
    planted_motifs,
)
from ._style import _axes, _despine, _title

__all__ = [
    "information_matrix",
    "plot_logo",
    "plot_pwm_logo",
    "plot_motif_layout",
    "plot_sequence_pwm",
    "plot_class_balance",
    "plot_count_histogram",
    "plot_motif_usage",
    # chapter 1
    "plot_motif_logos",
    "plot_sequence_anatomy",
    "plot_example_sequences",
    "plot_dataset_balance",
    "plot_dataset_motif_counts",
    "plot_dataset_motif_usage",
    # chapter 7
    "plot_logo_stack",
]


def _as_counts(counts) -> np.ndarray:
    """``counts`` as a float array after checking it is non-empty, 1-D and finite."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(
            f"counts must be a non-empty 1-D array; got shape {counts.shape}"
        )
    if not np.isfinite(counts).all():
        raise ValueError("counts contain NaN or infinite values")
    return counts


def information_matrix(pwm: np.ndarray) -> np.ndarray:
    """Scale each PWM column by its information content: the letter heights of an IC logo.

    Parameters
    ----------
    pwm : array_like, shape (..., L, 4)
        Position probability matrix (rows sum to 1), channels A, C, G, T.

    Returns
    -------
    numpy.ndarray, shape (..., L, 4), float64
        ``pwm`` with every row multiplied by its information content in bits.

    Raises
    ------
    ValueError
        If the last axis of ``pwm`` does not have 4 channels.
    """
    pwm = np.asarray(pwm, dtype=np.float64)
    return pwm * information_content(pwm)[..., None]


def plot_logo(
    matrix: np.ndarray,
    ax=None,
    title: str | None = None,
    ylabel: str | None = None,
    start: int = 0,
    color_scheme: str = "classic",
):
    """Draw an ``(L, 4)`` matrix (A, C, G, T) as a sequence logo; negative values go below 0.

    Parameters
    ----------
    matrix : array_like, shape (L, 4)
        Letter heights (e.g. an attribution map, or :func:`information_matrix` of a PWM), finite.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure, wide enough for ``L`` letters, if omitted.
    title : str, optional
        Panel title.
    ylabel : str, optional
        Label of the y axis.
    start : int, default 0
        Position label of the first row (to draw a window of a longer sequence).
    color_scheme : str, default "classic"
        A logomaker colour scheme.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``matrix`` is not a finite ``(L, 4)`` array.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != 4:
        raise ValueError(f"a logo needs an (L, 4) matrix; got shape {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("the logo matrix contains NaN or infinite values")
    ax = _axes(ax, (max(3, matrix.shape[0] * 0.12), 1.5))
    df = pd.DataFrame(matrix, columns=list(ALPHABET))
    df.index = np.arange(start, start + len(df))
    logomaker.Logo(df, ax=ax, color_scheme=color_scheme, baseline_width=0.5)
    _despine(ax)
    _title(ax, title)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def plot_pwm_logo(pwm: np.ndarray, ax=None, title: str | None = None, start: int = 0):
    """Draw a PWM as an information-content logo (bits).

    Parameters
    ----------
    pwm : array_like, shape (L, 4)
        Position probability matrix (rows sum to 1).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional
        Panel title.
    start : int, default 0
        Position label of the first row.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on, with the y axis from 0 to 2 bits.

    Raises
    ------
    ValueError
        If ``pwm`` is not a finite ``(L, 4)`` array.
    """
    ax = plot_logo(
        information_matrix(pwm), ax=ax, title=title, ylabel="bits", start=start
    )
    ax.set_ylim(0, 2)
    return ax


def _motif_spans(starts, lengths, labels, seq_length: int):
    """Validate motif placements: integer starts and lengths inside ``[0, seq_length]``, no overlap.

    Returns ``(starts, lengths, labels)`` as int arrays and a list of strings, sorted by start.
    """
    starts, lengths = (
        np.asarray(starts, dtype=np.float64),
        np.asarray(lengths, dtype=np.float64),
    )
    if starts.ndim != 1 or lengths.shape != starts.shape:
        raise ValueError(
            f"starts and lengths must be 1-D arrays of equal size; got shapes {starts.shape} and "
            f"{lengths.shape}"
        )
    if not (np.isfinite(starts).all() and np.isfinite(lengths).all()):
        raise ValueError("motif starts and lengths must be finite (no NaN or infinity)")
    if (starts != np.round(starts)).any() or (lengths != np.round(lengths)).any():
        raise ValueError(
            "motif starts and lengths must be whole numbers of nucleotides"
        )
    if (
        (lengths < 1).any()
        or (starts < 0).any()
        or (starts + lengths > seq_length).any()
    ):
        raise ValueError(
            f"every motif needs length >= 1 and must lie inside the sequence [0, {seq_length}]"
        )
    labels = [""] * starts.size if labels is None else [str(s) for s in labels]
    if len(labels) != starts.size:
        raise ValueError(f"got {len(labels)} labels for {starts.size} motifs")
    order = np.argsort(starts, kind="stable")
    starts, lengths = starts[order].astype(np.int64), lengths[order].astype(np.int64)
    if (starts[1:] < starts[:-1] + lengths[:-1]).any():
        raise ValueError(
            "motifs overlap: each motif must start at or after the end of the previous one"
        )
    return starts, lengths, [labels[i] for i in order]


def _label_name(label: str) -> str:
    """A motif label without its strand suffix: ``"MAX(-)"`` -> ``"MAX"``."""
    return label[:-3] if label.endswith(("(+)", "(-)")) else label


def _label_colors(labels) -> dict:
    """One colour per distinct motif name, so both orientations of a motif share a colour."""
    names = list(dict.fromkeys(_label_name(lab) for lab in labels))
    cmap = plt.get_cmap("tab10")
    return {name: cmap(i % 10) for i, name in enumerate(names)}


def _stagger_rows(centres, half_widths) -> list[int]:
    """Row (0 or 1) for each left-to-right label so that neighbouring labels do not collide."""
    right_end, rows = [-np.inf, -np.inf], []
    for centre, half in zip(centres, half_widths):
        row = 0 if centre - half > right_end[0] else int(right_end[1] < right_end[0])
        right_end[row] = centre + half
        rows.append(row)
    return rows


def plot_motif_layout(
    starts,
    lengths,
    seq_length: int,
    labels=None,
    ax=None,
    title: str | None = None,
    show_gaps: bool = True,
):
    """Diagram of where motifs sit along a sequence, with the gaps between them.

    Parameters
    ----------
    starts, lengths : array_like of int, shape (n,)
        Start position (0-based) and length of every planted motif.
    seq_length : int
        Length ``L`` of the sequence; the gaps include both flanks, so they and the motif lengths
        add up to ``L``.
    labels : list of str, optional
        Name of every motif, written on its box. Motifs with the same name share a colour.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    title : str, optional
        Panel title.
    show_gaps : bool, default True
        Write the size of every gap (in nt) under the sequence.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``seq_length`` is not a positive integer, or the motifs are not whole, finite, inside
        ``[0, seq_length]`` and non-overlapping, or ``labels`` does not have one per motif.
    """
    if int(seq_length) != seq_length or seq_length < 1:
        raise ValueError(f"seq_length must be a positive integer; got {seq_length!r}")
    seq_length = int(seq_length)
    starts, lengths, labels = _motif_spans(starts, lengths, labels, seq_length)
    ax = _axes(ax, (8, 1.4))
    colors = _label_colors(labels)
    ax.plot([0, seq_length], [0, 0], color="0.4", lw=1.5, zorder=1)
    centres = starts + lengths / 2
    # Approximate half-width of a 7-pt label in nt on an ~8 inch wide axes.
    rows = _stagger_rows(
        centres, [0.75 * len(lab) * seq_length / 200 for lab in labels]
    )
    for start, length, label, centre, row in zip(
        starts, lengths, labels, centres, rows
    ):
        ax.add_patch(
            plt.Rectangle(
                (start, -0.3),
                length,
                0.6,
                facecolor=colors[_label_name(label)],
                edgecolor="black",
                lw=0.6,
                zorder=2,
            )
        )
        ax.text(centre, 0.38 + 0.3 * row, label, ha="center", va="bottom", fontsize=7)
    if show_gaps:
        ends = np.concatenate([[0], starts + lengths])
        gap_starts, gap_ends = ends, np.concatenate([starts, [seq_length]])
        for a, b in zip(gap_starts, gap_ends):
            if b > a:
                ax.annotate(
                    "",
                    xy=(a, -0.55),
                    xytext=(b, -0.55),
                    arrowprops=dict(
                        arrowstyle="<->", color="0.5", lw=0.6, shrinkA=0, shrinkB=0
                    ),
                )
            ax.text(
                (a + b) / 2,
                -0.65,
                str(int(b - a)),
                ha="center",
                va="top",
                fontsize=7,
                color="0.3",
            )
    ax.set_xlim(-1, seq_length + 1)
    ax.set_ylim(-1.1, 1.1)
    ax.set_yticks([])
    _despine(ax, ("top", "right", "left"))
    ax.set_xlabel("position (nt)")
    _title(ax, title)
    return ax


def plot_sequence_pwm(
    pwm: np.ndarray,
    starts=None,
    lengths=None,
    labels=None,
    ax=None,
    title: str | None = None,
):
    """Information-content logo of one sequence's ground-truth PWM, with its motifs named.

    Parameters
    ----------
    pwm : array_like, shape (L, 4)
        The sequence's PWM (motif columns where motifs sit, 0.25 elsewhere).
    starts, lengths : array_like of int, shape (n,), optional
        The planted motifs' starts and lengths (as for :func:`plot_motif_layout`): each is shaded
        and named above the logo; default none.
    labels : list of str, optional
        The motifs' names. Labels of motifs that sit close together are staggered so that they stay
        readable.
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
        If ``pwm`` is not a finite ``(L, 4)`` array, ``starts`` comes without ``lengths``, or the
        motifs are invalid (see :func:`plot_motif_layout`).
    """
    pwm = np.asarray(pwm, dtype=np.float64)
    if pwm.ndim != 2 or pwm.shape[1] != 4:
        raise ValueError(f"a sequence PWM must have shape (L, 4); got {pwm.shape}")
    if not np.isfinite(pwm).all():
        raise ValueError("the PWM contains NaN or infinite values")
    if starts is None:
        starts, lengths = [], []
    elif lengths is None:
        raise ValueError("give lengths together with starts")
    starts, lengths, labels = _motif_spans(starts, lengths, labels, pwm.shape[0])
    ax = _axes(ax, (8, 1.4))
    plot_pwm_logo(pwm, ax=ax, title=title)
    colors = _label_colors(labels)
    centres = starts + (lengths - 1) / 2
    # Approximate half-width of a 7-pt label in nt on an ~8 inch wide logo of ~200 nt.
    rows = _stagger_rows(
        centres, [0.75 * len(lab) * pwm.shape[0] / 200 for lab in labels]
    )
    for start, length, label, centre, row in zip(
        starts, lengths, labels, centres, rows
    ):
        ax.axvspan(
            start - 0.5,
            start + length - 0.5,
            color=colors[_label_name(label)],
            alpha=0.15,
            lw=0,
            zorder=0,
        )
        ax.text(centre, 2.05 + 0.35 * row, label, ha="center", va="bottom", fontsize=7)
    ax.set_ylim(0, 2.7)
    ax.set_yticks([0, 1, 2])
    ax.set_xlim(-0.5, pwm.shape[0] - 0.5)
    return ax


def plot_class_balance(labels_by_split, ax=None, class_names=("positive", "negative")):
    """Grouped bar chart of the number of positive and negative sequences in every split.

    Parameters
    ----------
    labels_by_split : dict
        Split name -> binary labels of shape ``(N,)`` or ``(N, 1)`` (1 = positive, 0 = negative).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    class_names : (str, str), default ("positive", "negative")
        Legend names of the label-1 and label-0 classes.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``labels_by_split`` is empty, or labels are not of a shape above or not all 0 or 1.
    """
    if not labels_by_split:
        raise ValueError("labels_by_split is empty")
    counts = {}
    for name, y in labels_by_split.items():
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(
                f"labels of split {name!r} must have shape (N,) or (N, 1); got {y.shape}"
            )
        if not np.isfinite(y).all():
            raise ValueError(f"labels of split {name!r} contain NaN or infinite values")
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError(f"labels of split {name!r} must be 0 or 1")
        counts[name] = (int((y == 1).sum()), int((y == 0).sum()))
    ax = _axes(ax, (4.5, 3))
    x = np.arange(len(counts))
    width = 0.38
    for k, (cls, color) in enumerate(zip(class_names, ("tab:red", "tab:blue"))):
        bars = ax.bar(
            x + (k - 0.5) * width,
            [c[k] for c in counts.values()],
            width,
            label=cls,
            color=color,
        )
        ax.bar_label(bars, fmt="{:,.0f}", fontsize=7, padding=1)
    ax.set_xticks(x, list(counts))
    ax.set_ylabel("sequences")
    ax.margins(y=0.15)
    ax.legend(frameon=False, fontsize=8)
    _despine(ax)
    return ax


def plot_count_histogram(
    counts, expected=None, ax=None, xlabel: str = "motifs per sequence"
):
    """Observed distribution of a whole-number count next to its expected probabilities.

    Parameters
    ----------
    counts : array_like, shape (n,)
        One non-negative whole-number count per item (e.g. motifs per sequence). Drawn as bars of
        the fraction of items.
    expected : dict, optional
        Value -> probability (summing to 1), drawn as markers next to the bars.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    xlabel : str, default "motifs per sequence"
        Label of the x axis.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``counts`` is not a non-empty 1-D array of non-negative whole numbers, or ``expected``
        is not finite, non-negative and summing to 1.
    """
    counts = _as_counts(counts)
    if (counts < 0).any() or (counts != np.round(counts)).any():
        raise ValueError("counts must be non-negative whole numbers")
    if expected is not None:
        e_vals = np.array(list(expected.keys()), dtype=np.float64)
        e_probs = np.array(list(expected.values()), dtype=np.float64)
        if not (np.isfinite(e_probs).all() and np.isfinite(e_vals).all()):
            raise ValueError("expected probabilities contain NaN or infinite values")
        if (e_probs < 0).any() or not np.isclose(e_probs.sum(), 1.0):
            raise ValueError("expected probabilities must be non-negative and sum to 1")
    ax = _axes(ax, (4.5, 3))
    values, n = np.unique(counts.astype(np.int64), return_counts=True)
    ax.bar(
        values,
        n / counts.size,
        width=0.6,
        color="0.7",
        label=f"observed (n = {counts.size:,})",
    )
    if expected is not None:
        ax.plot(e_vals, e_probs, "D", color="tab:red", markersize=5, label="expected")
        values = np.union1d(values, e_vals.astype(np.int64))
    ax.set_xticks(values)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction")
    ax.legend(frameon=False, fontsize=8)
    _despine(ax)
    return ax


def plot_motif_usage(
    counts,
    names,
    ax=None,
    expected: float | None = None,
    highlight=(),
    title: str | None = None,
):
    """Bar chart of how often each motif was planted, as a fraction of all planted instances.

    Parameters
    ----------
    counts : array_like, shape (n,)
        Number of planted instances of every motif (non-negative, not all zero).
    names : list of str
        Motif names, one per count (used as tick labels).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    expected : float, optional
        The fraction every motif would get under uniform sampling, drawn as a dashed line.
    highlight : collection of str, default ()
        Names whose bars are coloured (e.g. the core motifs); the others are grey.
    title : str, optional
        Panel title.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``counts`` is not a finite, non-empty 1-D array of non-negative numbers, not all zero,
        ``names`` does not have one per count, or ``expected`` is not finite.
    """
    counts = _as_counts(counts)
    if (counts < 0).any() or counts.sum() == 0:
        raise ValueError("counts must be non-negative and not all zero")
    names = [str(n) for n in names]
    if len(names) != counts.size:
        raise ValueError(f"got {len(names)} names for {counts.size} counts")
    ax = _axes(ax, (max(4, 0.15 * counts.size), 2.5))
    highlight = set(highlight)
    colors = ["tab:red" if n in highlight else "0.6" for n in names]
    x = np.arange(counts.size)
    ax.bar(x, counts / counts.sum(), color=colors, width=0.8)
    if expected is not None:
        if not np.isfinite(expected):
            raise ValueError("expected must be a finite number")
        ax.axhline(expected, color="black", ls="--", lw=0.8)
        ax.annotate(
            "uniform",
            xy=(1, expected),
            xycoords=("axes fraction", "data"),
            xytext=(0, 2),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=7,
        )
    ax.set_xticks(x, names, rotation=90, fontsize=6)
    ax.set_xlim(-0.6, counts.size - 0.4)
    ax.set_ylabel("fraction of instances")
    _despine(ax)
    _title(ax, title)
    return ax


# ---- chapter 1: the motifs and the dataset's checks (moved out of the chapter, issue #12) ----


def _check_dataset(ds) -> None:
    if not isinstance(ds, SyntheticDataset):
        raise ValueError(f"ds must be a data.SyntheticDataset; got {type(ds).__name__}")


def plot_motif_logos(motifs, ncols: int = 2, figsize=None, show_length: bool = False):
    """Information-content logos of several motifs in a grid, each titled with its label and ID.

    Parameters
    ----------
    motifs : list of data.Motif
        Drawn row by row, left to right.
    ncols : int
        Logos per row.
    figsize : (float, float), optional
        Size of the figure (default 3.5 inches per column by 1.2 per row).
    show_length : bool
        Add the motif's length (nt) to its title.

    Returns
    -------
    The figure (constrained layout). Unused panels of the last row are left blank.

    Raises
    ------
    ValueError
        If ``motifs`` is empty or holds something other than a ``data.Motif``, or
        ``ncols`` is not a positive integer.
    """
    if not motifs or not all(isinstance(m, Motif) for m in motifs):
        raise ValueError("motifs must be a non-empty list of data.Motif")
    if int(ncols) != ncols or ncols < 1:
        raise ValueError(f"ncols must be a positive integer; got {ncols!r}")
    ncols = int(ncols)
    nrows = -(-len(motifs) // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=figsize or (3.5 * ncols, 1.2 * nrows),
        layout="constrained",
        squeeze=False,
    )
    for ax, m in zip(axes.flat, motifs):
        title = f"{m.label}  {m.jaspar_id}"
        plot_pwm_logo(
            m.pwm, ax=ax, title=f"{title}  ({len(m)} nt)" if show_length else title
        )
    for ax in axes.flat[len(motifs) :]:
        ax.set_axis_off()
    return fig


def plot_sequence_anatomy(
    pwm,
    starts,
    lengths,
    labels=None,
    title: str = "motif placements and gaps",
    figsize=(9, 3.6),
):
    """One sequence's motif layout above its ground-truth PWM.

    One sequence's motif layout (:func:`plot_motif_layout`) above its ground-truth PWM
    (:func:`plot_sequence_pwm`).

    Parameters
    ----------
    pwm : array, shape (L, 4)
        The sequence's ground-truth PWM.
    starts, lengths, labels
        Its planted motifs (``data.planted_motifs``).
    title : str
        Title of the layout panel; the logo panel is titled "its ground-truth PWM (information
        content)".
    figsize : (float, float)

    Returns
    -------
    The figure, with two axes: the layout and the logo.

    Raises
    ------
    ValueError
        If ``pwm`` is not ``(L, 4)`` or the motifs are not valid placements
        (:func:`plot_motif_layout`).
    """
    pwm = np.asarray(pwm, dtype=np.float64)
    if pwm.ndim != 2 or pwm.shape[1] != 4:
        raise ValueError(f"a sequence PWM must have shape (L, 4); got {pwm.shape}")
    fig, (ax_layout, ax_logo) = plt.subplots(
        2, 1, figsize=figsize, layout="constrained", height_ratios=[1, 1.2]
    )
    plot_motif_layout(starts, lengths, pwm.shape[0], labels, ax=ax_layout, title=title)
    plot_sequence_pwm(
        pwm,
        starts,
        lengths,
        labels,
        ax=ax_logo,
        title="its ground-truth PWM (information content)",
    )
    return fig


def plot_example_sequences(
    split: Split, indices, motifs=None, name: str = "test sequence"
):
    """Ground-truth PWMs of several sequences of a split, one row each, planted motifs named.

    Parameters
    ----------
    split : data.Split
    indices : sequence of int
        The sequences to draw, top to bottom.
    motifs : list of data.Motif, optional
        The dataset's motifs (default: those of every dataset of the book; see
        ``data.planted_motifs``).
    name : str
        How the titles name a sequence: ``"{name} {index} (positive, 4 motifs)"``.

    Returns
    -------
    The figure (1.5 inches per row, shared x axis labelled on the bottom row).

    Raises
    ------
    ValueError
        If ``split`` is not a ``data.Split``, ``indices`` is empty or holds an index
        outside the split.
    """
    if not isinstance(split, Split):
        raise ValueError(f"split must be a data.Split; got {type(split).__name__}")
    indices = list(indices)
    if not indices:
        raise ValueError("indices is empty: give at least one sequence")
    fig, axes = plt.subplots(
        len(indices),
        1,
        figsize=(9, 1.5 * len(indices)),
        layout="constrained",
        sharex=True,
        squeeze=False,
    )
    axes = axes[:, 0]
    for ax, j in zip(axes, indices):
        spans = planted_motifs(split, j, motifs)  # (starts, lengths, labels)
        kind = "positive" if split.y[j, 0] == 1 else "negative"
        plot_sequence_pwm(
            split.pwm[j],
            *spans,
            ax=ax,
            title=f"{name} {j} ({kind}, {len(spans[0])} motifs)",
        )
    axes[-1].set_xlabel("position (nt)")
    return fig


def plot_dataset_balance(ds: SyntheticDataset):
    """The class balance of a dataset's three splits.

    :func:`plot_class_balance` of the three splits of a dataset, titled, on a figure of its
    own (4.5 x 3 inches).

    Parameters
    ----------
    ds : data.SyntheticDataset

    Returns
    -------
    The axes.

    Raises
    ------
    ValueError
        If ``ds`` is not a ``data.SyntheticDataset``.
    """
    _check_dataset(ds)
    _, ax = plt.subplots(figsize=(4.5, 3), layout="constrained")
    splits = {"train": ds.train, "valid": ds.valid, "test": ds.test}
    plot_class_balance({name: s.y for name, s in splits.items()}, ax=ax)
    ax.set_title("Class balance per split", fontsize=10)
    return ax


def plot_dataset_motif_counts(ds: SyntheticDataset):
    """Motifs per sequence of a dataset against the generating probabilities.

    :func:`plot_count_histogram` of the motifs per sequence of a dataset (three splits
    pooled) against the probabilities it was generated with, on a figure of its own.

    Parameters
    ----------
    ds : data.SyntheticDataset

    Returns
    -------
    The axes.

    Raises
    ------
    ValueError
        If ``ds`` is not a ``data.SyntheticDataset``.
    """
    _check_dataset(ds)
    n_motifs = np.concatenate(
        [motifs_per_sequence(s) for s in (ds.train, ds.valid, ds.test)]
    )
    probs = dict(ds.params.get("motif_count_probs", MOTIF_COUNT_PROBS))
    _, ax = plt.subplots(figsize=(4.5, 3), layout="constrained")
    plot_count_histogram(n_motifs, probs, ax=ax)
    ax.set_title("Motifs per sequence (all splits)", fontsize=10)
    return ax


def plot_dataset_motif_usage(ds: SyntheticDataset):
    """How often each motif was planted, positives above and negatives below.

    How often each motif (both orientations together) was planted, positives above and
    negatives below (:func:`plot_motif_usage`), core motifs in red; the dashed line is the
    share under uniform sampling from the class's pool.

    Parameters
    ----------
    ds : data.SyntheticDataset
        Its ``motifs`` alternate orientations (``+``, ``-``, ``+``, ...), as ``data.load_motifs``
        returns them.

    Returns
    -------
    The figure, with two axes (positives, negatives).

    Raises
    ------
    ValueError
        If ``ds`` is not a ``data.SyntheticDataset``.
    """
    _check_dataset(ds)
    motif_idx, motif_cls = planted_instances(ds)
    names = [m.name for m in ds.motifs[::2]]  # ds.motifs alternates orientations
    core = {m.name for m in ds.motifs[: ds.n_core]}
    fig, axes = plt.subplots(2, 1, figsize=(9, 4.8), layout="constrained", sharex=True)
    for ax, cls, label in ((axes[0], 1, "positives"), (axes[1], 0, "negatives")):
        counts = np.bincount(motif_idx[motif_cls == cls] // 2, minlength=len(names))
        n_pool = len(core) if cls == 1 else len(names)
        plot_motif_usage(
            counts,
            names,
            ax=ax,
            expected=1 / n_pool,
            highlight=core,
            title=f"Motif usage, {label}",
        )
    return fig


# ---- chapter 7: inputs as logos, one row each (moved out of the chapter, issue #12) ----


def plot_logo_stack(
    matrices: dict,
    start: int = 0,
    end: int | None = None,
    width: float = 9,
    row_height: float = 1.3,
):
    """Several ``(L, 4)`` matrices as logos, one row each, on a shared x axis.

    Several ``(L, 4)`` matrices as logos (:func:`plot_logo`), one row each, cropped to the
    same window and sharing the x axis.

    Parameters
    ----------
    matrices : dict
        Title -> ``(L, 4)`` matrix (e.g. an input, a mixed input, a perturbation), all of one
        length.
    start, end : int
        The window ``[start, end)``; default the whole length.
    width, row_height : float
        Figure width and height of one row (inches).

    Returns
    -------
    The figure; the bottom row's x axis is labelled "position (nt)".

    Raises
    ------
    ValueError
        If ``matrices`` is empty, its matrices differ in shape, or the window is outside
        them.
    """
    if not matrices:
        raise ValueError("matrices is empty: give at least one matrix")
    shapes = {np.shape(m) for m in matrices.values()}
    if len(shapes) != 1:
        raise ValueError(f"every matrix must have the same shape; got {shapes}")
    length = shapes.pop()[0]
    end = length if end is None else end
    if not 0 <= start < end <= length:
        raise ValueError(f"window [{start}, {end}) is outside the length {length}")
    fig, axes = plt.subplots(
        len(matrices),
        1,
        figsize=(width, row_height * len(matrices)),
        sharex=True,
        squeeze=False,
    )
    axes = axes[:, 0]
    for ax, (title, m) in zip(axes, matrices.items()):
        plot_logo(np.asarray(m)[start:end], ax=ax, title=title, start=start)
    axes[-1].set_xlabel("position (nt)")
    fig.tight_layout()
    return fig
