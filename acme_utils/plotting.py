"""Figures used by the chapters: sequence logos (logomaker) and simple summary plots.

Every function draws on a Matplotlib ``Axes`` it is given (or a new one) and returns that axes,
so chapters can compose panels freely.
"""

from __future__ import annotations

import warnings

import logomaker
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .data import ALPHABET, information_content


def _despine(ax) -> None:
    """Hide the top and right spines (the book's plain figure style)."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _as_counts(counts) -> np.ndarray:
    """``counts`` as a float array after checking it is non-empty, 1-D and finite."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D array; got shape {counts.shape}")
    if not np.isfinite(counts).all():
        raise ValueError("counts contain NaN or infinite values")
    return counts


def information_matrix(pwm: np.ndarray) -> np.ndarray:
    """Scale each PWM column by its information content: the letter heights of an IC logo."""
    pwm = np.asarray(pwm, dtype=np.float64)
    return pwm * information_content(pwm)[..., None]


def plot_logo(matrix: np.ndarray, ax=None, title: str | None = None, ylabel: str | None = None,
              start: int = 0, color_scheme: str = "classic"):
    """Draw an ``(L, 4)`` matrix (A, C, G, T) as a sequence logo; negative values go below 0."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != 4:
        raise ValueError(f"a logo needs an (L, 4) matrix; got shape {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("the logo matrix contains NaN or infinite values")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(3, matrix.shape[0] * 0.12), 1.5))
    df = pd.DataFrame(matrix, columns=list(ALPHABET))
    df.index = np.arange(start, start + len(df))
    logomaker.Logo(df, ax=ax, color_scheme=color_scheme, baseline_width=0.5)
    _despine(ax)
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def plot_pwm_logo(pwm: np.ndarray, ax=None, title: str | None = None, start: int = 0):
    """Draw a PWM as an information-content logo (bits)."""
    ax = plot_logo(information_matrix(pwm), ax=ax, title=title, ylabel="bits", start=start)
    ax.set_ylim(0, 2)
    return ax


# --------------------------------------------------------------------------------------------
# Chapter 1: how the synthetic sequences are built, and dataset summaries
# --------------------------------------------------------------------------------------------


def plot_learning_curves(histories: dict, axes=None, colors=None):
    """Training loss and validation AUROC per epoch for several models, best epoch marked.

    Parameters
    ----------
    histories : dict
        Model name -> history as returned by ``training.fit`` (keys ``loss``, ``val_auroc`` and
        ``best_epoch``, 1-based).
    axes : pair of matplotlib Axes, optional
        Where to draw the loss (first) and the validation AUROC (second); new ones if omitted.
    colors : dict, optional
        Model name -> colour.

    Returns
    -------
    The two axes. A star marks each model's best epoch (the weights it keeps).
    """
    if not histories:
        raise ValueError("histories is empty")
    for name, h in histories.items():
        for key in ("loss", "val_auroc", "best_epoch"):
            if key not in h:
                raise ValueError(f"history of {name!r} has no {key!r}")
        if len(h["loss"]) != len(h["val_auroc"]) or not 1 <= h["best_epoch"] <= len(h["loss"]):
            raise ValueError(f"history of {name!r} is inconsistent")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.2), constrained_layout=True)
    ax_loss, ax_auc = axes
    colors = colors or {}
    for i, (name, h) in enumerate(histories.items()):
        color = colors.get(name, f"C{i}")
        epochs = np.arange(1, len(h["loss"]) + 1)
        best = int(h["best_epoch"])
        for ax, key in ((ax_loss, "loss"), (ax_auc, "val_auroc")):
            values = np.asarray(h[key], dtype=np.float64)
            ax.plot(epochs, values, color=color, lw=1.2, label=name)
            ax.plot(best, values[best - 1], marker="*", ms=10, color=color, mec="black", mew=0.5)
    ax_loss.set_ylabel("training loss (BCE)")
    ax_auc.set_ylabel("validation AUROC")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    ax_auc.legend(frameon=False, fontsize=8, loc="lower right", title="★ best epoch",
                  title_fontsize=8)
    return axes


def plot_filter_matches(pwms, matches, motifs, filters=None, n_sites=None, ncols: int = 4,
                        title: str | None = None, highlight=()):
    """Each filter's PWM as a logo above the known motif it best matches, aligned by offset.

    Parameters
    ----------
    pwms : ``(F, K, 4)`` filter PWMs (``filters.filter_pwms``).
    matches : DataFrame from ``filters.match_filters(pwms, motifs)``.
    motifs : the motif list given to ``match_filters``.
    filters : filter indices to draw, in order; default all, best correlation first.
    n_sites : ``(F,)`` hit counts to show in the titles, optional.
    ncols : filter panels per row.
    title : figure title, optional.
    highlight : indices into ``motifs`` whose matches get a red title (e.g. the core motifs).

    Returns
    -------
    The figure. Both logos of a pair share the x axis (filter columns); a filter without a match
    is drawn alone.
    """
    pwms = np.asarray(pwms, dtype=np.float64)
    if pwms.ndim != 3 or pwms.shape[-1] != 4:
        raise ValueError(f"pwms must have shape (F, K, 4); got shape {pwms.shape}")
    if len(matches) != pwms.shape[0]:
        raise ValueError(f"matches has {len(matches)} rows for {pwms.shape[0]} filters")
    if filters is None:
        filters = matches.sort_values("correlation", ascending=False, na_position="last")["filter"]
    filters = [int(f) for f in filters]
    if not filters:
        raise ValueError("no filter to draw")
    kernel = pwms.shape[1]
    highlight = {int(i) for i in highlight}
    ncols = max(1, min(int(ncols), len(filters)))
    nrows = -(-len(filters) // ncols)
    fig = plt.figure(figsize=(3.2 * ncols, 2.3 * nrows), constrained_layout=True)
    outer = fig.add_gridspec(nrows, ncols)
    for k, f in enumerate(filters):
        row = matches.iloc[f]
        inner = outer[k // ncols, k % ncols].subgridspec(2, 1, hspace=0.05)
        ax_f = fig.add_subplot(inner[0])
        ax_m = fig.add_subplot(inner[1], sharex=ax_f)
        sites = f", n={int(n_sites[f])}" if n_sites is not None else ""
        with warnings.catch_warnings():  # a uniform (no-hit) PWM is an all-zero logo
            warnings.filterwarnings("ignore", "Attempting to set identical low and high ylims")
            plot_pwm_logo(pwms[f], ax=ax_f, title=f"filter {f}{sites}")
        lo, hi = 0, kernel
        if pd.notna(row["motif_index"]):
            motif = motifs[int(row["motif_index"])]
            offset = int(row["offset"])
            mpwm = motif.pwm if hasattr(motif, "pwm") else np.asarray(motif)
            plot_pwm_logo(mpwm, ax=ax_m, start=offset)
            ax_m.set_title(f"{row['motif']}  r = {row['correlation']:.2f}", fontsize=8, loc="left",
                           pad=2, color="tab:red" if int(row["motif_index"]) in highlight else "black")
            lo, hi = min(0, offset), max(kernel, offset + len(mpwm))
        else:
            ax_m.set_axis_off()
            ax_m.text(0.5, 0.5, "no match", ha="center", va="center", fontsize=8,
                      transform=ax_m.transAxes)
        ax_f.set_xlim(lo - 0.5, hi - 0.5)
        ax_f.tick_params(labelbottom=False, labelsize=6)
        ax_m.tick_params(labelsize=6)
        ax_m.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        for ax in (ax_f, ax_m):
            ax.set_ylabel("")
            ax.set_yticks([0, 2])
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def _motif_spans(starts, lengths, labels, seq_length: int):
    """Validate motif placements: integer starts and lengths inside ``[0, seq_length]``, no overlap.

    Returns ``(starts, lengths, labels)`` as int arrays and a list of strings, sorted by start.
    """
    starts, lengths = np.asarray(starts, dtype=np.float64), np.asarray(lengths, dtype=np.float64)
    if starts.ndim != 1 or lengths.shape != starts.shape:
        raise ValueError(
            f"starts and lengths must be 1-D arrays of equal size; got shapes {starts.shape} and "
            f"{lengths.shape}"
        )
    if not (np.isfinite(starts).all() and np.isfinite(lengths).all()):
        raise ValueError("motif starts and lengths must be finite (no NaN or infinity)")
    if (starts != np.round(starts)).any() or (lengths != np.round(lengths)).any():
        raise ValueError("motif starts and lengths must be whole numbers of nucleotides")
    if (lengths < 1).any() or (starts < 0).any() or (starts + lengths > seq_length).any():
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


def plot_motif_layout(starts, lengths, seq_length: int, labels=None, ax=None,
                      title: str | None = None, show_gaps: bool = True):
    """Diagram of where motifs sit along a sequence, with the gaps between them.

    Parameters
    ----------
    starts, lengths : 1-D integer arrays
        Start position (0-based) and length of every planted motif.
    seq_length : int
        Length ``L`` of the sequence; the gaps include both flanks, so they and the motif lengths
        add up to ``L``.
    labels : list of str, optional
        Name of every motif, written on its box. Motifs with the same name share a colour.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.
    title : str, optional
    show_gaps : bool
        Write the size of every gap (in nt) under the sequence.

    Returns
    -------
    The axes.
    """
    if int(seq_length) != seq_length or seq_length < 1:
        raise ValueError(f"seq_length must be a positive integer; got {seq_length!r}")
    seq_length = int(seq_length)
    starts, lengths, labels = _motif_spans(starts, lengths, labels, seq_length)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 1.4))
    colors = _label_colors(labels)
    ax.plot([0, seq_length], [0, 0], color="0.4", lw=1.5, zorder=1)
    centres = starts + lengths / 2
    # Approximate half-width of a 7-pt label in nt on an ~8 inch wide axes.
    rows = _stagger_rows(centres, [0.75 * len(lab) * seq_length / 200 for lab in labels])
    for start, length, label, centre, row in zip(starts, lengths, labels, centres, rows):
        ax.add_patch(plt.Rectangle((start, -0.3), length, 0.6, facecolor=colors[_label_name(label)],
                                   edgecolor="black", lw=0.6, zorder=2))
        ax.text(centre, 0.38 + 0.3 * row, label, ha="center", va="bottom", fontsize=7)
    if show_gaps:
        ends = np.concatenate([[0], starts + lengths])
        gap_starts, gap_ends = ends, np.concatenate([starts, [seq_length]])
        for a, b in zip(gap_starts, gap_ends):
            if b > a:
                ax.annotate("", xy=(a, -0.55), xytext=(b, -0.55),
                            arrowprops=dict(arrowstyle="<->", color="0.5", lw=0.6,
                                            shrinkA=0, shrinkB=0))
            ax.text((a + b) / 2, -0.65, str(int(b - a)), ha="center", va="top", fontsize=7,
                    color="0.3")
    ax.set_xlim(-1, seq_length + 1)
    ax.set_ylim(-1.1, 1.1)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("position (nt)")
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    return ax


def plot_sequence_pwm(pwm: np.ndarray, starts=None, lengths=None, labels=None, ax=None,
                      title: str | None = None):
    """Information-content logo of one sequence's ground-truth PWM, with its motifs named.

    Parameters
    ----------
    pwm : array, shape (L, 4)
        The sequence's PWM (motif columns where motifs sit, 0.25 elsewhere).
    starts, lengths, labels : optional
        The planted motifs (as for :func:`plot_motif_layout`): each is shaded and named above the
        logo. Labels of motifs that sit close together are staggered so that they stay readable.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    The axes.
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
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 1.4))
    plot_pwm_logo(pwm, ax=ax, title=title)
    colors = _label_colors(labels)
    centres = starts + (lengths - 1) / 2
    # Approximate half-width of a 7-pt label in nt on an ~8 inch wide logo of ~200 nt.
    rows = _stagger_rows(centres, [0.75 * len(lab) * pwm.shape[0] / 200 for lab in labels])
    for start, length, label, centre, row in zip(starts, lengths, labels, centres, rows):
        ax.axvspan(start - 0.5, start + length - 0.5, color=colors[_label_name(label)], alpha=0.15,
                   lw=0, zorder=0)
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
    ax : matplotlib Axes, optional
    class_names : (str, str)
        Legend names of the label-1 and label-0 classes.

    Returns
    -------
    The axes.
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
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3))
    x = np.arange(len(counts))
    width = 0.38
    for k, (cls, color) in enumerate(zip(class_names, ("tab:red", "tab:blue"))):
        bars = ax.bar(x + (k - 0.5) * width, [c[k] for c in counts.values()], width, label=cls,
                      color=color)
        ax.bar_label(bars, fmt="{:,.0f}", fontsize=7, padding=1)
    ax.set_xticks(x, list(counts))
    ax.set_ylabel("sequences")
    ax.margins(y=0.15)
    ax.legend(frameon=False, fontsize=8)
    _despine(ax)
    return ax


def plot_count_histogram(counts, expected=None, ax=None, xlabel: str = "motifs per sequence"):
    """Observed distribution of a whole-number count next to its expected probabilities.

    Parameters
    ----------
    counts : 1-D array of non-negative whole numbers
        One count per item (e.g. motifs per sequence). Drawn as bars of the fraction of items.
    expected : dict, optional
        Value -> probability (summing to 1), drawn as markers next to the bars.
    ax : matplotlib Axes, optional
    xlabel : str

    Returns
    -------
    The axes.
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
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3))
    values, n = np.unique(counts.astype(np.int64), return_counts=True)
    ax.bar(values, n / counts.size, width=0.6, color="0.7", label=f"observed (n = {counts.size:,})")
    if expected is not None:
        ax.plot(e_vals, e_probs, "D", color="tab:red", markersize=5, label="expected")
        values = np.union1d(values, e_vals.astype(np.int64))
    ax.set_xticks(values)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction")
    ax.legend(frameon=False, fontsize=8)
    _despine(ax)
    return ax


def plot_motif_usage(counts, names, ax=None, expected: float | None = None, highlight=(),
                     title: str | None = None):
    """Bar chart of how often each motif was planted, as a fraction of all planted instances.

    Parameters
    ----------
    counts : 1-D array
        Number of planted instances of every motif (non-negative, not all zero).
    names : list of str
        Motif names, one per count (used as tick labels).
    ax : matplotlib Axes, optional
    expected : float, optional
        The fraction every motif would get under uniform sampling, drawn as a dashed line.
    highlight : collection of str
        Names whose bars are coloured (e.g. the core motifs); the others are grey.
    title : str, optional

    Returns
    -------
    The axes.
    """
    counts = _as_counts(counts)
    if (counts < 0).any() or counts.sum() == 0:
        raise ValueError("counts must be non-negative and not all zero")
    names = [str(n) for n in names]
    if len(names) != counts.size:
        raise ValueError(f"got {len(names)} names for {counts.size} counts")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4, 0.15 * counts.size), 2.5))
    highlight = set(highlight)
    colors = ["tab:red" if n in highlight else "0.6" for n in names]
    x = np.arange(counts.size)
    ax.bar(x, counts / counts.sum(), color=colors, width=0.8)
    if expected is not None:
        if not np.isfinite(expected):
            raise ValueError("expected must be a finite number")
        ax.axhline(expected, color="black", ls="--", lw=0.8)
        ax.annotate("uniform", xy=(1, expected), xycoords=("axes fraction", "data"),
                    xytext=(0, 2), textcoords="offset points", ha="right", va="bottom", fontsize=7)
    ax.set_xticks(x, names, rotation=90, fontsize=6)
    ax.set_xlim(-0.6, counts.size - 0.4)
    ax.set_ylabel("fraction of instances")
    _despine(ax)
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    return ax


# --------------------------------------------------------------------------------------------
# Attribution maps
# --------------------------------------------------------------------------------------------


def plot_attribution_panel(maps: dict, pwm: np.ndarray, start: int = 0, end: int | None = None,
                           title: str | None = None, height: float = 1.1, width: float | None = None):
    """One sequence: its ground-truth PWM (IC logo) on top, then one logo row per attribution map.

    ``maps`` is ``{label: (L, 4) array}``; ``start``/``end`` crop all rows to the same window.
    Returns the figure.
    """
    pwm = np.asarray(pwm)
    if pwm.ndim != 2 or pwm.shape[1] != 4:
        raise ValueError(f"pwm must be one sequence's (L, 4) ground truth; got shape {pwm.shape}")
    if not maps:
        raise ValueError("maps is empty: give at least one attribution map")
    end = pwm.shape[0] if end is None else end
    if not 0 <= start < end <= pwm.shape[0]:
        raise ValueError(f"window [{start}, {end}) is outside the sequence of length {pwm.shape[0]}")
    for label, m in maps.items():
        if np.shape(m) != pwm.shape:
            raise ValueError(f"map {label!r} has shape {np.shape(m)}; expected {pwm.shape}")
    n = len(maps) + 1
    width = width or max(6.0, (end - start) * 0.06)
    fig, axes = plt.subplots(n, 1, figsize=(width, height * n), sharex=True)
    plot_pwm_logo(pwm[start:end], ax=axes[0], title="ground truth", start=start)
    for ax, (label, m) in zip(axes[1:], maps.items()):
        plot_logo(np.asarray(m)[start:end], ax=ax, title=label, start=start)
    axes[0].set_xlim(start - 0.5, end - 0.5)  # shared: autoscaling would stretch it back to 0
    if title:
        fig.suptitle(title, fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def plot_angle_histogram(angles: dict, ax=None, bins: int = 90, mask=None):
    """Histograms of gradient angles to the simplex plane (degrees), one per labelled array.

    ``mask`` (same shape as each array) restricts the positions counted, e.g. motif positions.
    """
    if not angles:
        raise ValueError("angles is empty: give at least one array of angles")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    for label, a in angles.items():
        a = np.asarray(a, dtype=float)
        if mask is not None:
            if np.shape(mask) != a.shape:
                raise ValueError(f"mask has shape {np.shape(mask)} but angles {label!r} have {a.shape}")
            a = a[np.asarray(mask, bool)]
        a = a.reshape(-1)
        if not np.isfinite(a).all():
            raise ValueError(f"angles {label!r} contain NaN or infinite values")
        ax.hist(a, bins=bins, range=(-90, 90), histtype="step", density=True, label=label)
    ax.set_xlabel("angle to the simplex plane (degrees)")
    ax.set_ylabel("density")
    ax.legend(fontsize=8, frameon=False)
    _despine(ax)
    return ax


def plot_before_after(before: dict, after: dict, ax=None, labels=("before", "after"),
                      ylabel: str | None = None, title: str | None = None, colors: dict | None = None,
                      legend: bool = True):
    """Slope chart: one line per key, from its value in ``before`` to its value in ``after``.

    Parameters
    ----------
    before, after : dict
        Key (e.g. a method name) -> number; both need the same keys. A NaN leaves that end out:
        only the other point is drawn, without a line.
    ax : matplotlib Axes, optional
    labels : (str, str)
        Tick labels of the two columns.
    ylabel, title : str, optional
    colors : dict, optional
        Key -> colour.
    legend : bool
        Draw a legend of the keys.

    Returns
    -------
    The axes.
    """
    if not before:
        raise ValueError("before is empty: give at least one value")
    if list(before) != list(after):
        raise ValueError(f"before and after need the same keys in the same order; got {list(before)} "
                         f"and {list(after)}")
    values = {}
    for key in before:
        try:
            pair = np.array([before[key], after[key]], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"the values of {key!r} must be numbers") from None
        if np.isinf(pair).any():
            raise ValueError(f"the values of {key!r} contain infinite numbers")
        values[key] = pair
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    colors = colors or {}
    for i, (key, pair) in enumerate(values.items()):
        shown = np.isfinite(pair)
        color = colors.get(key, f"C{i}")
        style = "-" if shown.all() else "none"
        ax.plot(np.arange(2)[shown], pair[shown], ls=style, marker="o", ms=4, lw=1.2, color=color,
                label=str(key))
    ax.set_xticks([0, 1], list(labels))
    ax.set_xlim(-0.35, 1.35)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    if legend:
        ax.legend(frameon=False, fontsize=7)
    _despine(ax)
    return ax


def plot_grouped_bars(values, ax=None, ylabel: str | None = None, title: str | None = None,
                      colors=None, fmt: str | None = None, legend: bool = True):
    """Grouped bar chart: one group per row of ``values``, one bar per column within a group.

    Parameters
    ----------
    values : pandas DataFrame
        Rows are the groups along the x axis (e.g. attribution methods), columns the bars within
        each group (e.g. models). NaN values are left as gaps.
    ax : matplotlib Axes, optional
    ylabel, title : str, optional
    colors : dict, optional
        Column name -> colour.
    fmt : str, optional
        Format of a value label written on each bar, e.g. ``"{:.2f}"``; no labels if omitted.
    legend : bool
        Draw a legend of the columns.

    Returns
    -------
    The axes.
    """
    if not isinstance(values, pd.DataFrame):
        raise ValueError(f"values must be a pandas DataFrame; got {type(values).__name__}")
    if values.empty:
        raise ValueError("values is empty: give at least one row and one column")
    try:
        data = values.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"values must be numeric: {err}") from None
    if np.isinf(data).any():
        raise ValueError("values contain infinite numbers")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(values)), 3))
    colors = colors or {}
    n_rows, n_cols = data.shape
    width = 0.8 / n_cols
    x = np.arange(n_rows)
    for j, column in enumerate(values.columns):
        heights = data[:, j]
        shown = np.isfinite(heights)
        bars = ax.bar(x[shown] + (j - (n_cols - 1) / 2) * width, heights[shown], width,
                      label=str(column), color=colors.get(column, f"C{j}"))
        if fmt:
            ax.bar_label(bars, fmt=fmt, fontsize=6, padding=1)
    ax.set_xticks(x, [str(i) for i in values.index])
    ax.set_xlim(-0.5, n_rows - 0.5)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    if legend:
        ax.legend(frameon=False, fontsize=8)
    _despine(ax)
    return ax


# --------------------------------------------------------------------------------------------
# Chapter 5: k-mer consistency
# --------------------------------------------------------------------------------------------


def mask_runs(mask) -> list[tuple[int, int]]:
    """Runs of ``True`` in a 1-D boolean mask as half-open ``(start, end)`` index pairs."""
    mask = np.asarray(mask)
    if mask.ndim != 1:
        raise ValueError(f"mask must be 1-D; got shape {mask.shape}")
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def shade_runs(ax, mask, color="tab:orange", alpha: float = 0.25, label: str | None = None,
               start: int = 0, **kwargs):
    """Shade every run of ``True`` in a 1-D mask as a vertical span on ``ax``.

    Position ``i`` of the mask is drawn at ``start + i``; a run covers its positions' full width
    (``[a - 0.5, b - 0.5]``), as on a sequence logo. Only the first span gets ``label`` (one
    legend entry). Returns the runs as ``(start, end)`` pairs in plot coordinates.
    """
    runs = [(a + start, b + start) for a, b in mask_runs(mask)]
    for i, (a, b) in enumerate(runs):
        ax.axvspan(a - 0.5, b - 0.5, color=color, alpha=alpha, lw=0, zorder=0,
                   label=label if i == 0 else None, **kwargs)
    return runs


def plot_ranked_kmers(distributions: dict, ax=None, styles: dict | None = None,
                      uniform: int | None = None):
    """Rank-frequency plot (log-log) of k-mer distributions: probabilities sorted descending.

    Parameters
    ----------
    distributions : dict
        Label -> 1-D probability vector over k-mers (non-negative, positive sum; normalised
        here). Only the k-mers with positive probability are drawn, most frequent at rank 1.
    ax : matplotlib Axes, optional
    styles : dict, optional
        Label -> keyword arguments for ``ax.plot`` (colour, line style, ...).
    uniform : int, optional
        Number of possible k-mers (``4**k``): draws the uniform level ``1 / uniform``.

    Returns
    -------
    The axes.
    """
    if not distributions:
        raise ValueError("distributions is empty")
    styles = styles or {}
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    for i, (label, p) in enumerate(distributions.items()):
        p = np.asarray(p, dtype=np.float64).reshape(-1)
        if not np.isfinite(p).all() or (p < 0).any() or p.sum() <= 0:
            raise ValueError(f"distribution {label!r} must be finite, non-negative, with a positive sum")
        ranked = np.sort(p[p > 0] / p.sum())[::-1]
        style = {"color": f"C{i}", "lw": 1.5, **styles.get(label, {})}
        ax.plot(np.arange(1, ranked.size + 1), ranked, label=f"{label} ({ranked.size:,} k-mers)",
                **style)
    if uniform is not None:
        if int(uniform) != uniform or uniform < 1:
            raise ValueError(f"uniform must be a positive integer; got {uniform!r}")
        ax.axhline(1 / uniform, color="0.5", lw=0.8, ls=":", label=f"uniform (1/{int(uniform):,})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rank")
    ax.set_ylabel("probability")
    ax.legend(frameon=False, fontsize=8)
    _despine(ax)
    return ax


#: Marker per first-layer activation in the model-selection scatter plots.
ACTIVATION_MARKERS = {"relu": "o", "exponential": "^"}


def plot_score_scatter(table, x: str, y: str, ax=None, color_by: str = "regularizer",
                       marker_by: str = "activation", xlabel: str | None = None, ylabel: str | None = None,
                       legend: bool = True, colors: dict | None = None):
    """One point per model (row of ``table``): ``x`` against ``y``, coloured by ``color_by`` and
    shaped by ``marker_by`` (filled with batch norm, hollow without, if the table has it).

    Returns the axes.
    """
    for col in (x, y, color_by, marker_by):
        if col not in table.columns:
            raise KeyError(f"column {col!r} is not in the table; it has {list(table.columns)}")
    if not len(table):
        raise ValueError("the table is empty: nothing to plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    groups = list(dict.fromkeys(table[color_by]))
    colors = colors or {g: f"C{i % 10}" for i, g in enumerate(groups)}
    shapes = list(dict.fromkeys(table[marker_by]))
    markers = {s: ACTIVATION_MARKERS.get(s, "os^Dv<>"[i % 7]) for i, s in enumerate(shapes)}
    bn = table["batch_norm"].astype(bool) if "batch_norm" in table.columns else pd.Series(True, index=table.index)
    for (g, s, b), rows in table.groupby([color_by, marker_by, bn], sort=False):
        ax.scatter(rows[x], rows[y], marker=markers[s], s=36, edgecolors=colors[g], linewidths=1.2,
                   facecolors=colors[g] if b else "none", alpha=0.9)
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    if legend:
        handles = [plt.Line2D([], [], ls="", marker="s", color=colors[g], label=str(g)) for g in groups]
        handles += [plt.Line2D([], [], ls="", marker=markers[s], color="0.3", label=str(s)) for s in shapes]
        if not bn.all():
            handles += [plt.Line2D([], [], ls="", marker="o", mfc="none", color="0.3", label="no batch norm")]
        ax.legend(handles=handles, fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    _despine(ax)
    return ax


def plot_angular_density(theta_edges, phi_edges, density, ax=None, title: str | None = None,
                         vmax: float | None = None):
    """A k-attr-mean angular density (``metrics.KattrDetails.p`` or ``.q``) as a theta-phi map,
    theta = 0 at the top. Returns the mesh (for a colour bar)."""
    density = np.asarray(density, dtype=np.float64)
    if density.shape != (len(theta_edges) - 1, len(phi_edges) - 1):
        raise ValueError(f"density has shape {density.shape}; expected "
                         f"({len(theta_edges) - 1}, {len(phi_edges) - 1}) from the bin edges")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    mesh = ax.pcolormesh(phi_edges, theta_edges, density, cmap="magma", vmin=0,
                         vmax=density.max() if vmax is None else vmax)
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_xlabel(r"azimuth $\varphi$ (rad)")
    ax.set_ylabel(r"polar angle $\theta$ (rad)")
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    return mesh


#: Columns that hold the estimate in a table of ``statistics.correlation_table``.
CORRELATION_COLUMNS = ("spearman_rho", "pearson_r")


def plot_correlation_forest(tables: dict, ax=None, labels: dict | None = None,
                            colors: dict | None = None, legend: bool = True,
                            xlabel: str = "correlation (95% bootstrap CI)"):
    """Forest plot of correlations with their confidence intervals.

    ``tables`` maps a label (e.g. "Spearman" and "Pearson") to a DataFrame as returned by
    ``statistics.correlation_table``: columns ``x``, ``y``, ``ci_low``, ``ci_high`` and the estimate
    in ``spearman_rho`` or ``pearson_r``. One row per ``(x, y)`` pair (first-seen order, top to
    bottom), one marker and interval per table, offset vertically; a pair whose estimate is NaN
    has no marker for that table. ``labels`` maps ``(x, y)`` to a tick label (default "x vs y").

    Returns the axes.
    """
    if not tables:
        raise ValueError("tables is empty: give at least one correlation table")
    estimates = {}
    for name, table in tables.items():
        found = [c for c in CORRELATION_COLUMNS if c in table.columns]
        missing = {"x", "y", "ci_low", "ci_high"} - set(table.columns)
        if missing or len(found) != 1:
            raise ValueError(f"table {name!r} needs columns x, y, ci_low, ci_high and one of "
                             f"{CORRELATION_COLUMNS}; it has {list(table.columns)}")
        estimates[name] = found[0]
    pairs = list(dict.fromkeys((x, y) for t in tables.values() for x, y in zip(t["x"], t["y"])))
    if not pairs:
        raise ValueError("the correlation tables have no rows: nothing to plot")
    labels = labels or {}
    colors = colors or {}
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.45 * len(pairs) * len(tables) + 1))
    row = {pair: len(pairs) - 1 - i for i, pair in enumerate(pairs)}
    step = 0.7 / len(tables)
    for k, (name, table) in enumerate(tables.items()):
        est = table[estimates[name]].to_numpy(dtype=np.float64)
        low = table["ci_low"].to_numpy(dtype=np.float64)
        high = table["ci_high"].to_numpy(dtype=np.float64)
        ypos = np.array([row[p] for p in zip(table["x"], table["y"])], dtype=np.float64)
        ypos += (len(tables) - 1) / 2 * step - k * step
        shown = np.isfinite(est)
        # an undefined interval (NaN) is drawn as the point alone
        err = np.nan_to_num(np.abs(np.stack([est - low, high - est])), nan=0.0)
        ax.errorbar(est[shown], ypos[shown], xerr=err[:, shown], fmt="o", ms=4, capsize=3,
                    color=colors.get(name, f"C{k}"), label=str(name))
    ax.axvline(0, color="0.6", lw=0.8)
    ticks = [labels.get(p, f"{p[0]} vs {p[1]}") for p in pairs]
    ax.set_yticks([row[p] for p in pairs], ticks, fontsize=8)
    ax.set_ylim(-0.6, len(pairs) - 0.4)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel(xlabel)
    if legend:
        ax.legend(frameon=False, fontsize=7)
    _despine(ax)
    return ax
