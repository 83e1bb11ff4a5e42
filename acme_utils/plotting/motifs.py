"""Figures of motif discovery: TF-MoDISco patterns next to their JASPAR matches (chapter 10).

Figures: :func:`plot_pattern_matches` (each pattern's contribution logo beside the logo of its
best database match, aligned and oriented as TomTom aligned them) and
:func:`plot_recovery_criteria` (core motifs recovered by each model against the selection
criteria, one panel per criterion).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..data import reverse_complement
from .sequences import plot_logo, plot_pwm_logo
from .sweeps import plot_score_scatter

__all__ = [
    "plot_pattern_matches",
    "plot_recovery_criteria",
]


def plot_pattern_matches(
    recovery,
    database: dict | None = None,
    max_patterns: int | None = 8,
    title: str | None = None,
):
    """Each TF-MoDISco pattern as a logo, beside the logo of its best JASPAR match.

    Left: the pattern's contribution weight matrix (CWM) over its trimmed window, signed (a
    pattern of negative contributions points down). Right: the information-content logo of the
    database matrix TomTom matched best, reverse-complemented when the match is on the ``-``
    strand, with its q-value; a match above the recovery's threshold is labelled "not
    significant", and a pattern that matches a core motif names it.

    Parameters
    ----------
    recovery : motifs.MotifRecovery
        From ``motifs.recover_motifs`` or ``motifs.match_patterns``.
    database : dict, optional
        The database the patterns were matched against; default ``motifs.jaspar_database()``.
    max_patterns : int, optional
        Draw at most this many patterns (in the recovery's order: positive patterns, most
        seqlets first); None draws all.
    title : str, optional
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One row per pattern; a figure with one line of text when there is no pattern.

    Raises
    ------
    ValueError
        If ``max_patterns`` is not a positive integer or None.
    """
    from ..motifs import jaspar_database

    if max_patterns is not None and (
        int(max_patterns) != max_patterns or max_patterns < 1
    ):
        raise ValueError(
            f"max_patterns must be a positive integer or None; got {max_patterns!r}"
        )
    rows = recovery.matches.iloc[:max_patterns]
    if not len(rows):
        fig, ax = plt.subplots(figsize=(6, 0.8))
        ax.axis("off")
        ax.text(0, 0.5, "no pattern was discovered", fontsize=10, va="center")
        if title:
            fig.suptitle(title, fontsize=10)
        return fig
    database = jaspar_database() if database is None else database
    fig, axes = plt.subplots(
        len(rows),
        2,
        figsize=(10, 1.35 * len(rows) + 0.4),
        squeeze=False,
        gridspec_kw={"width_ratios": [1.3, 1]},
        layout="constrained",
    )
    for (left, right), (_, m) in zip(axes, rows.iterrows()):
        pattern = recovery.patterns[int(m["pattern"])]
        start, end = int(m["start"]), int(m["end"])
        sign = "+" if pattern.sign > 0 else "-"
        plot_logo(
            pattern.cwm[start:end],
            ax=left,
            title=f"pattern {int(m['pattern'])} ({sign}, {int(m['n_seqlets'])} seqlets)",
            ylabel="contribution",
        )
        pwm = np.asarray(database[m["best_match"]])
        if m["best_strand"] == "-":
            pwm = reverse_complement(pwm)
        significant = m["best_q"] <= recovery.threshold
        label = f"{m['best_match']} ({m['best_strand']}), q = {m['best_q']:.1e}"
        if not significant:
            label += ", not significant"
        elif m["core_match"]:
            label += f"; core motif {m['core_match']}"
        plot_pwm_logo(pwm, ax=right, title=label)
        if not significant:
            for patch in right.patches:
                patch.set_alpha(0.35)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_recovery_criteria(
    table,
    criteria=("snr", "kmer_kld", "kattr_mean_kld", "test_auroc"),
    y: str = "n_core_found",
    labels: dict | None = None,
    colors: dict | None = None,
    title: str | None = None,
):
    """Motif recovery of each model against each selection criterion, one panel per criterion.

    One point per model (``plotting.plot_score_scatter``: colour the regulariser, shape the
    first-layer activation, hollow without batch norm), slightly jittered vertically when ``y``
    is a count, so that models with the same count stay visible.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model (``motifs.recover_grid``), with ``y``, the ``criteria``,
        ``regularizer``, ``activation`` and ``batch_norm``.
    criteria : sequence of str, default ("snr", "kmer_kld", "kattr_mean_kld", "test_auroc")
        The columns on the x axes, one panel each.
    y : str, default "n_core_found"
        The column on the y axes.
    labels : dict, optional
        Column -> axis label (default the column name).
    colors : dict, optional
        Regulariser -> colour.
    title : str, optional
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        The panels, left to right; the legend is right of the last.

    Raises
    ------
    ValueError
        If ``criteria`` is empty or the table has no row.
    KeyError
        If a column is missing.
    """
    criteria, labels = list(criteria), labels or {}
    if not criteria:
        raise ValueError("criteria is empty: give at least one column")
    if not len(table):
        raise ValueError("the table is empty: nothing to plot")
    for col in [y, *criteria]:
        if col not in table.columns:
            raise KeyError(
                f"column {col!r} is not in the table; it has {list(table.columns)}"
            )
    shown = table.copy()
    values = shown[y].to_numpy(dtype=float)
    if np.allclose(values, np.round(values)):  # counts: jitter, reproducibly
        jitter = np.random.default_rng(0).uniform(-0.12, 0.12, len(shown))
        shown[y] = values + jitter
    fig, axes = plt.subplots(
        1,
        len(criteria),
        figsize=(3.6 * len(criteria) + 1.2, 3.3),
        layout="constrained",
        squeeze=False,
    )
    for ax, x in zip(axes[0], criteria):
        plot_score_scatter(
            shown,
            x,
            y,
            ax=ax,
            colors=colors,
            xlabel=labels.get(x, x),
            ylabel=labels.get(y, y),
            legend=x == criteria[-1],
        )
        if np.allclose(values, np.round(values)):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
