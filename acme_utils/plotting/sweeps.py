"""Figures that compare scores across models, methods and regularisers.

Figures: :func:`plot_grouped_bars` (a score per method or regulariser, one bar per model;
chapters 3, 7 and 8), :func:`plot_score_scatter` (one point per model of a sweep; chapter 9) and
:func:`plot_correlation_forest` (correlations between scores with confidence intervals;
chapter 9), :func:`plot_paper_comparison` (our configuration means against the paper's;
chapter 9) and :func:`plot_labelled_scatter` (a few named models, one score against another;
chapters 5 and 6).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ._style import _axes, _despine, _title

__all__ = [
    "plot_grouped_bars",
    "plot_score_scatter",
    "plot_correlation_forest",
    "plot_paper_comparison",
    "ACTIVATION_MARKERS",
    "CORRELATION_COLUMNS",
    "plot_labelled_scatter",
    "plot_paper_comparisons",
    "plot_score_panels",
    "plot_correlation_forests",
    "plot_activation_pairs",
    "plot_recipe_comparison",
    "plot_score_bars",
]


def plot_grouped_bars(
    values,
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    colors=None,
    fmt: str | None = None,
    legend: bool = True,
    reference: dict | None = None,
):
    """Grouped bar chart: one group per row of ``values``, one bar per column within a group.

    Parameters
    ----------
    values : pandas.DataFrame
        Rows are the groups along the x axis (e.g. attribution methods), columns the bars within
        each group (e.g. models). NaN values are left as gaps.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    ylabel : str, optional
        Label of the y axis.
    title : str, optional
        Panel title.
    colors : dict, optional
        Column name -> colour; default ``C0``, ``C1``, ... in order.
    fmt : str, optional
        Format of a value label written on each bar, e.g. ``"{:.2f}"``; no labels if omitted.
    legend : bool, default True
        Draw a legend of the columns.
    reference : dict, optional
        Label -> y value of a labelled reference line (e.g. ``{"chance": 0.5}``): a dashed
        horizontal line, with its label just right of the axes. None (default): no lines.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``values`` is not a non-empty numeric DataFrame without infinite values, or a
        reference line is not at a finite y.
    """
    if not isinstance(values, pd.DataFrame):
        raise ValueError(
            f"values must be a pandas DataFrame; got {type(values).__name__}"
        )
    if values.empty:
        raise ValueError("values is empty: give at least one row and one column")
    try:
        data = values.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"values must be numeric: {err}") from None
    if np.isinf(data).any():
        raise ValueError("values contain infinite numbers")
    ax = _axes(ax, (max(4.0, 0.9 * len(values)), 3))
    colors = colors or {}
    n_rows, n_cols = data.shape
    width = 0.8 / n_cols
    x = np.arange(n_rows)
    for j, column in enumerate(values.columns):
        heights = data[:, j]
        shown = np.isfinite(heights)
        bars = ax.bar(
            x[shown] + (j - (n_cols - 1) / 2) * width,
            heights[shown],
            width,
            label=str(column),
            color=colors.get(column, f"C{j}"),
        )
        if fmt:
            ax.bar_label(bars, fmt=fmt, fontsize=6, padding=1)
    ax.set_xticks(x, [str(i) for i in values.index])
    ax.set_xlim(-0.5, n_rows - 0.5)
    if ylabel:
        ax.set_ylabel(ylabel)
    _title(ax, title)
    if legend:
        ax.legend(frameon=False, fontsize=8)
    for text, y in (reference or {}).items():
        if not np.isfinite(y):
            raise ValueError(
                f"reference line {text!r} must be at a finite y; got {y!r}"
            )
        ax.axhline(y, color="0.3", lw=0.8, ls="--")
        ax.annotate(
            text,
            xy=(1, y),
            xycoords=("axes fraction", "data"),
            xytext=(2, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=7,
        )
    _despine(ax)
    return ax


def _legend_marker(**style):
    """A legend entry that is a marker alone (no line), for legends built by hand."""
    return plt.Line2D([], [], ls="", **style)


#: Marker per first-layer activation in the model-selection scatter plots.
ACTIVATION_MARKERS = {"relu": "o", "exponential": "^"}


def plot_score_scatter(
    table,
    x: str,
    y: str,
    ax=None,
    color_by: str = "regularizer",
    marker_by: str = "activation",
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend: bool = True,
    colors: dict | None = None,
    background=None,
):
    """One point per model (row of ``table``): ``x`` against ``y``, coloured and shaped by columns.

    Points are coloured by ``color_by`` and shaped by ``marker_by`` (filled with batch norm, hollow
    without, if the table has it).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model, with columns ``x``, ``y``, ``color_by``, ``marker_by`` and optionally
        ``batch_norm`` (bool).
    x, y : str
        Columns on the two axes.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    color_by : str, default "regularizer"
        Column that sets each point's colour.
    marker_by : str, default "activation"
        Column that sets each point's marker (:data:`ACTIVATION_MARKERS` for the activations,
        other values get markers in turn).
    xlabel, ylabel : str, optional
        Axis labels; default the column names.
    legend : bool, default True
        Draw a legend of colours, markers and (if some model has none) batch norm, right of the
        axes.
    colors : dict, optional
        Value of ``color_by`` -> colour; default ``C0``, ``C1``, ... in order of appearance.
    background : pandas.DataFrame, optional
        Further models (e.g. those that fail a performance filter), drawn as small grey points
        behind the others, with columns ``x`` and ``y``. With a background, ``table`` may be
        empty. Default: none.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    KeyError
        If ``table`` or ``background`` lacks one of its columns above.
    ValueError
        If there is no model to plot.
    """
    for col in (x, y, color_by, marker_by):
        if col not in table.columns:
            raise KeyError(
                f"column {col!r} is not in the table; it has {list(table.columns)}"
            )
    if background is not None:
        for col in (x, y):
            if col not in background.columns:
                raise KeyError(
                    f"column {col!r} is not in the background; it has "
                    f"{list(background.columns)}"
                )
    if not len(table) and (background is None or not len(background)):
        raise ValueError("the table is empty: nothing to plot")
    ax = _axes(ax, (5, 4))
    if background is not None and len(background):
        ax.scatter(background[x], background[y], s=14, color="0.8", zorder=0)
    if not len(table):
        ax.set_xlabel(xlabel or x)
        ax.set_ylabel(ylabel or y)
        _despine(ax)
        return ax
    groups = list(dict.fromkeys(table[color_by]))
    colors = colors or {g: f"C{i % 10}" for i, g in enumerate(groups)}
    shapes = list(dict.fromkeys(table[marker_by]))
    markers = {
        s: ACTIVATION_MARKERS.get(s, "os^Dv<>"[i % 7]) for i, s in enumerate(shapes)
    }
    if "batch_norm" in table.columns:
        bn = table["batch_norm"].astype(bool)
    else:
        bn = pd.Series(True, index=table.index)
    for (g, s, b), rows in table.groupby([color_by, marker_by, bn], sort=False):
        ax.scatter(
            rows[x],
            rows[y],
            marker=markers[s],
            s=36,
            edgecolors=colors[g],
            linewidths=1.2,
            facecolors=colors[g] if b else "none",
            alpha=0.9,
        )
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    if legend:
        handles = [
            _legend_marker(marker="s", color=colors[g], label=str(g)) for g in groups
        ]
        handles += [
            _legend_marker(marker=markers[s], color="0.3", label=str(s)) for s in shapes
        ]
        if not bn.all():
            handles += [
                _legend_marker(
                    marker="o", mfc="none", color="0.3", label="no batch norm"
                )
            ]
        ax.legend(
            handles=handles,
            fontsize=7,
            frameon=False,
            loc="center left",
            bbox_to_anchor=(1.0, 0.5),
        )
    _despine(ax)
    return ax


#: Columns that hold the estimate in a table of ``statistics.correlation_table``.
CORRELATION_COLUMNS = ("spearman_rho", "pearson_r")


def plot_correlation_forest(
    tables: dict,
    ax=None,
    labels: dict | None = None,
    colors: dict | None = None,
    legend: bool = True,
    xlabel: str = "correlation (95% bootstrap CI)",
):
    """Forest plot of correlations with their confidence intervals.

    One row per ``(x, y)`` pair (first-seen order, top to bottom), one marker and interval per
    table, offset vertically; a pair whose estimate is NaN has no marker for that table.

    Parameters
    ----------
    tables : dict
        Label (e.g. "Spearman" and "Pearson") -> DataFrame as returned by
        ``statistics.correlation_table``: columns ``x``, ``y``, ``ci_low``, ``ci_high`` and the
        estimate in ``spearman_rho`` or ``pearson_r`` (:data:`CORRELATION_COLUMNS`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    labels : dict, optional
        ``(x, y)`` -> tick label (default "x vs y").
    colors : dict, optional
        Table label -> colour; default ``C0``, ``C1``, ... in order.
    legend : bool, default True
        Draw a legend of the tables.
    xlabel : str, default "correlation (95% bootstrap CI)"
        Label of the x axis.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``tables`` is empty, a table lacks the columns above (or has both estimates), or the
        tables have no rows.
    """
    if not tables:
        raise ValueError("tables is empty: give at least one correlation table")
    estimates = {}
    for name, table in tables.items():
        found = [c for c in CORRELATION_COLUMNS if c in table.columns]
        missing = {"x", "y", "ci_low", "ci_high"} - set(table.columns)
        if missing or len(found) != 1:
            raise ValueError(
                f"table {name!r} needs columns x, y, ci_low, ci_high and one of "
                f"{CORRELATION_COLUMNS}; it has {list(table.columns)}"
            )
        estimates[name] = found[0]
    pairs = list(
        dict.fromkeys((x, y) for t in tables.values() for x, y in zip(t["x"], t["y"]))
    )
    if not pairs:
        raise ValueError("the correlation tables have no rows: nothing to plot")
    labels = labels or {}
    colors = colors or {}
    ax = _axes(ax, (6, 0.45 * len(pairs) * len(tables) + 1))
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
        ax.errorbar(
            est[shown],
            ypos[shown],
            xerr=err[:, shown],
            fmt="o",
            ms=4,
            capsize=3,
            color=colors.get(name, f"C{k}"),
            label=str(name),
        )
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


def plot_paper_comparison(
    filled,
    hollow,
    score: str,
    ax=None,
    colors: dict | None = None,
    label: str | None = None,
    legend: bool = False,
):
    """Our configuration means of one score against the paper's, with the identity line.

    One point per configuration, coloured by regulariser: filled points for ``filled`` (e.g. the
    means over our passing models, as in the paper's Table 1), hollow ones for ``hollow`` (e.g.
    the means over all our models). On the dashed diagonal the two agree.

    Parameters
    ----------
    filled, hollow : pandas.DataFrame
        One row per configuration, our means merged with the paper's: columns ``regularizer``,
        ``score`` (ours) and ``score + "_paper"``.
    score : str
        The score column.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    colors : dict, optional
        Regulariser -> colour (default ``C0``, ``C1``, ... in order of appearance).
    label : str, optional
        The score's display name for the axis labels (default ``score``).
    legend : bool, default False
        Draw a legend, right of the axes, of the regularisers of ``hollow`` (in the order of
        ``colors``) and of the two kinds of point.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    KeyError
        If ``filled`` or ``hollow`` lacks one of the columns above.
    """
    paper = f"{score}_paper"
    for name, table in (("filled", filled), ("hollow", hollow)):
        for col in ("regularizer", score, paper):
            if col not in table.columns:
                raise KeyError(
                    f"column {col!r} is not in {name}; it has {list(table.columns)}"
                )
    if colors is None:
        regs = dict.fromkeys(list(filled.regularizer) + list(hollow.regularizer))
        colors = {r: f"C{i % 10}" for i, r in enumerate(regs)}
    ax = _axes(ax, (4, 3.6))
    for kind, table in (("filled", filled), ("hollow", hollow)):
        edge = [colors[r] for r in table.regularizer]
        ax.scatter(
            table[paper],
            table[score],
            s=30,
            linewidths=1.2,
            edgecolors=edge,
            facecolors=edge if kind == "filled" else "none",
        )
    values = pd.concat(
        [t[c] for t in (filled, hollow) for c in (score, paper)]
    ).dropna()
    if len(values):
        lo, hi = values.min(), values.max()
        pad = 0.05 * (hi - lo) + 1e-3
        ax.plot(
            [lo - pad, hi + pad], [lo - pad, hi + pad], color="0.6", lw=0.8, ls="--"
        )
    label = label or score
    ax.set_xlabel(f"{label}, paper (Table 1)")
    ax.set_ylabel(f"{label}, ours")
    if legend:
        present = set(hollow.regularizer)
        handles = [
            _legend_marker(marker="o", color=c, label=r)
            for r, c in colors.items()
            if r in present
        ]
        handles += [
            _legend_marker(marker="o", color="0.3", label="mean of passing models"),
            _legend_marker(marker="o", mfc="none", color="0.3", label="mean of all"),
        ]
        ax.legend(
            handles=handles,
            fontsize=7,
            frameon=False,
            loc="center left",
            bbox_to_anchor=(1.0, 0.5),
        )
    return ax


# --- figures of chapters 5-6 -----------------------------------------------------------


def plot_labelled_scatter(
    table,
    x: str,
    y: str,
    ax=None,
    floor: float | None = None,
    floor_label: str = "isotropic noise",
    stagger_by: str | None = None,
    above=(5, 5),
    below=(5, -11),
    margins: float = 0.2,
    xlabel: str | None = None,
    ylabel: str | None = None,
):
    """One labelled point per row of a small table: column ``y`` against column ``x``.

    Each row (a model, labelled by its index) gets colour ``C<i>`` by its position in the
    table. Labels alternate below and above their points in the order of column
    ``stagger_by``, so that neighbours do not collide: the first point in that order gets its
    label below, the second above, and so on.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model, with numeric columns ``x`` and ``y``.
    x, y : str
        The columns on the two axes.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    floor : float, optional
        A reference value of ``y`` (e.g. the score of noise) drawn as a dashed grey line with
        the text ``floor_label``; default none.
    floor_label : str, default "isotropic noise"
        The text of the ``floor`` line.
    stagger_by : str, optional
        The column whose order decides the label sides; default ``y``.
    above : (float, float), default (5, 5)
        Offset in points of the labels drawn above; a negative horizontal offset right-aligns the
        label.
    below : (float, float), default (5, -11)
        Offset in points of the labels drawn below, likewise.
    margins : float, default 0.2
        Axes margins (room for the labels).
    xlabel, ylabel : str, optional
        Axis labels; default the column names.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (``ax``, or the axes of a new figure).

    Raises
    ------
    ValueError
        If ``table`` is empty or lacks one of the columns above.
    """
    for column in (x, y, stagger_by or y):
        if column not in table.columns:
            raise ValueError(f"table has no column {column!r}")
    if len(table) == 0:
        raise ValueError("table is empty: nothing to draw")
    ax = _axes(ax, (4.8, 3.6))
    colors = {label: f"C{i}" for i, label in enumerate(table.index)}
    for j, (label, row) in enumerate(table.sort_values(stagger_by or y).iterrows()):
        dx, dy = above if j % 2 else below
        ax.scatter(row[x], row[y], color=colors[label], s=40, zorder=3)
        ax.annotate(
            label,
            (row[x], row[y]),
            xytext=(dx, dy),
            textcoords="offset points",
            fontsize=8,
            ha="right" if dx < 0 else "left",
        )
    if floor is not None:
        ax.axhline(floor, color="0.5", ls="--", lw=0.8)
        ax.annotate(
            floor_label,
            xy=(0, floor),
            xycoords=("axes fraction", "data"),
            xytext=(2, 2),
            textcoords="offset points",
            fontsize=7,
            color="0.4",
        )
    ax.set_xlabel(x if xlabel is None else xlabel)
    ax.set_ylabel(y if ylabel is None else ylabel)
    ax.margins(margins)
    _despine(ax)
    return ax


# --- multi-panel figures of chapter 9 -----------------------------------------------------


def plot_paper_comparisons(
    filled, hollow, scores, colors: dict | None = None, labels: dict | None = None
):
    """:func:`plot_paper_comparison` for several scores, one panel each, side by side.

    Parameters
    ----------
    filled, hollow : pandas DataFrame
        One row per configuration, our means merged with the paper's
        (``paper.with_table_1``): columns ``regularizer`` and, for every score, ``score``
        and ``score + "_paper"``.
    scores : list of str
        The score columns, one panel each (3.75 inches wide), left to right.
    colors : dict, optional
        Regulariser -> colour.
    labels : dict, optional
        Score column -> display name (default the column name).

    Returns
    -------
    The figure; the legend is right of the last panel.

    Raises
    ------
    ValueError
        If ``scores`` is empty.
    """
    scores, labels = list(scores), labels or {}
    if not scores:
        raise ValueError("scores is empty: give at least one score")
    fig, axes = plt.subplots(
        1, len(scores), figsize=(3.75 * len(scores), 3.6), layout="constrained"
    )
    axes = np.atleast_1d(axes)
    for ax, score in zip(axes, scores):
        plot_paper_comparison(
            filled,
            hollow,
            score,
            ax=ax,
            colors=colors,
            label=labels.get(score, score),
            legend=ax is axes[-1],
        )
    return fig


def plot_score_panels(
    table,
    x: str,
    ys,
    background=None,
    colors: dict | None = None,
    labels: dict | None = None,
    lines: dict | None = None,
    title: str | None = None,
):
    """:func:`plot_score_scatter` of one score ``x`` against several, one panel each.

    (The
    paper's Figure 2: each score against attribution SNR, one point per model).

    Parameters
    ----------
    table : pandas DataFrame
        One row per model, as for :func:`plot_score_scatter`.
    x : str
        The column on every panel's x axis.
    ys : list of str
        The columns on the y axes, one panel each (14/3 inches wide), left to right; the
        legend is right of the last.
    background : pandas DataFrame, optional
        Further models drawn in grey behind the others (:func:`plot_score_scatter`).
    colors : dict, optional
        Regulariser -> colour.
    labels : dict, optional
        Column -> axis label (default the column name).
    lines : dict, optional
        Column of ``ys`` -> y value of a dashed black line on its panel (e.g. a performance
        filter's threshold of test AUROC).
    title : str, optional
        The figure's title.

    Returns
    -------
    The figure.

    Raises
    ------
    ValueError
        If ``ys`` is empty, or a column of ``lines`` is not one of ``ys``.
    """
    ys, labels, lines = list(ys), labels or {}, lines or {}
    if not ys:
        raise ValueError("ys is empty: give at least one column")
    if not set(lines) <= set(ys):
        raise ValueError(f"lines {sorted(lines)} must be columns of ys {ys}")
    fig, axes = plt.subplots(
        1, len(ys), figsize=(14 / 3 * len(ys), 3.6), layout="constrained"
    )
    axes = np.atleast_1d(axes)
    for ax, y in zip(axes, ys):
        plot_score_scatter(
            table,
            x,
            y,
            ax=ax,
            colors=colors,
            xlabel=labels.get(x, x),
            ylabel=labels.get(y, y),
            legend=y == ys[-1],
            background=background,
        )
    for ax, y in zip(axes, ys):
        if y in lines:
            ax.axhline(lines[y], color="k", ls="--", lw=0.8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_correlation_forests(
    views: dict, labels: dict | None = None, xlabel: str = "correlation (95% CI)"
):
    """:func:`plot_correlation_forest` for several sets of models, one panel each.

    The panels share the rows of the pairs.

    Parameters
    ----------
    views : dict
        Set name -> ``{"Spearman": DataFrame, "Pearson": DataFrame}`` as returned by
        ``statistics.correlations`` (column ``n_models`` for the panel's title).
    labels : dict, optional
        ``(x, y)`` -> tick label of the pair.
    xlabel : str

    Returns
    -------
    The figure; the legend is in the first panel.

    Raises
    ------
    ValueError
        If ``views`` is empty.
    """
    if not views:
        raise ValueError("views is empty: give at least one set of correlations")
    fig, axes = plt.subplots(
        1,
        len(views),
        figsize=(3.6 * len(views) + 1, 2.8),
        sharey=True,
        layout="constrained",
        squeeze=False,
    )
    for ax, (name, view) in zip(axes[0], views.items()):
        plot_correlation_forest(
            view, ax=ax, labels=labels, legend=ax is axes[0, 0], xlabel=xlabel
        )
        n = view["Spearman"].n_models.iloc[0]
        ax.set_title(f"{name} (n = {n})", fontsize=9, loc="left")
    return fig


def plot_activation_pairs(sets: dict, colors: dict | None = None):
    """Attribution SNR with a ReLU and an exponential first layer, one line per pair.

    A pair is two
    models (or configurations) that differ only in the activation; one panel per set.

    Parameters
    ----------
    sets : dict
        Panel title -> pandas DataFrame of pairs (``paper.activation_pairs(...)
        .reset_index()``): columns ``relu`` and ``exponential`` (the SNRs), ``regularizer``
        and the other matched factors (joined into each line's name). An empty table gives a
        panel titled "(no pairs yet)".
    colors : dict, optional
        Regulariser -> colour of its lines.

    Returns
    -------
    The figure (4 inches per panel, shared y axis).

    Raises
    ------
    ValueError
        If ``sets`` is empty.
    KeyError
        If a table lacks ``relu``, ``exponential`` or ``regularizer``.
    """
    from .attribution import plot_before_after

    if not sets:
        raise ValueError("sets is empty: give at least one table of pairs")
    for title, pairs in sets.items():
        missing = {"relu", "exponential", "regularizer"} - set(pairs.columns)
        if missing:
            raise KeyError(f"the pairs of {title!r} lack the columns {sorted(missing)}")
    colors = colors or {}
    fig, axes = plt.subplots(
        1, len(sets), figsize=(4 * len(sets), 3.4), sharey=True, layout="constrained"
    )
    for ax, (title, pairs) in zip(np.atleast_1d(axes), sets.items()):
        if not len(pairs):
            ax.set_title(f"{title}\n(no pairs yet)", fontsize=9, loc="left")
            continue
        names = [
            " ".join(str(v) for v in row)
            for row in pairs.drop(columns=["relu", "exponential"]).itertuples(
                index=False
            )
        ]
        plot_before_after(
            dict(zip(names, pairs.relu)),
            dict(zip(names, pairs.exponential)),
            ax=ax,
            labels=("ReLU", "exponential"),
            ylabel="attribution SNR",
            title=title,
            legend=False,
            colors=dict(zip(names, (colors.get(r, "0.3") for r in pairs.regularizer))),
        )
    return fig


def plot_recipe_comparison(
    table,
    min_test_auroc: float = 0.97,
    auroc_ylim=(0.93, 0.98),
    activations=("relu", "exponential"),
):
    """Test AUROC (left) and attribution SNR (right) per training recipe, a bar per activation.

    Parameters
    ----------
    table : pandas.DataFrame
        ``sweep.recipe_table``: one row per recipe (drawn left to right), a ``(score,
        activation)`` column for ``"test_auroc"`` and ``"snr"``; a missing activation is left
        out.
    min_test_auroc : float
        The study's performance filter, drawn as a dashed line on the AUROC panel.
    auroc_ylim : (float, float)
        Y limits of the AUROC panel.
    activations : sequence of str
        The bars of each group, in order.

    Returns
    -------
    The two axes.

    Raises
    ------
    ValueError
        If ``table`` is empty or has no ``(score, activation)`` column to draw.
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError("table must be a non-empty DataFrame (sweep.recipe_table)")
    if not any((s, a) in table for s in ("test_auroc", "snr") for a in activations):
        raise ValueError("table has no (score, activation) column to draw")
    order = list(table.index)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), layout="constrained")
    pos, width = np.arange(len(order)), 0.38
    for ax, score in zip(axes, ("test_auroc", "snr")):
        for k, activation in enumerate(activations):
            if (score, activation) in table:
                values = table[(score, activation)]
                ax.bar(pos + (k - 0.5) * width, values, width, label=activation)
        ax.set_xticks(pos, order, rotation=30, ha="right")
    axes[0].set(ylabel="test AUROC", ylim=auroc_ylim)
    axes[0].axhline(min_test_auroc, color="k", ls="--", lw=0.8)
    axes[0].text(
        pos[-1] + 0.5,
        min_test_auroc + 0.001,
        "study's filter",
        ha="right",
        va="bottom",
        fontsize=8,
    )
    axes[1].set_ylabel("attribution SNR")
    axes[1].legend(title="first layer (+ batch norm)")
    return axes


def plot_score_bars(
    table,
    scores: dict,
    order,
    activations=("relu", "exponential"),
    figsize=(11, 3.4),
    rotation: float = 30,
    legend_on: str = "snr",
):
    """One panel per score of a sweep, a group of bars per regulariser, a bar per activation.

    Parameters
    ----------
    table : pandas.DataFrame
        A sweep's results: columns ``regularizer``, ``activation`` and every key of ``scores``;
        one model per regulariser and activation.
    scores : dict
        Score column -> y label, one panel each, left to right.
    order : sequence of str
        The regularisers, left to right.
    activations : sequence of str
        The bars of each group (:func:`plot_grouped_bars`).
    figsize : (float, float)
    rotation : float
        Angle of the regulariser names.
    legend_on : str
        The score whose panel carries the legend.

    Returns
    -------
    The axes, one per score. The test-AUROC panel (``test_auroc``) is zoomed to its values.

    Raises
    ------
    ValueError
        If ``table`` is not a non-empty DataFrame with the columns needed, or ``scores``
        is empty.
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError("table must be a non-empty DataFrame of a sweep's results")
    missing = [c for c in ("regularizer", "activation", *scores) if c not in table]
    if missing:
        raise ValueError(f"the table lacks the columns {missing}")
    if not scores:
        raise ValueError("scores is empty: give at least one score")
    fig, axes = plt.subplots(1, len(scores), figsize=figsize, constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, (col, label) in zip(axes, scores.items()):
        values = table.pivot(index="regularizer", columns="activation", values=col)
        values = values.reindex(list(order))
        plot_grouped_bars(
            values[list(activations)], ax=ax, ylabel=label, legend=col == legend_on
        )
        if col == "test_auroc":
            ax.set_ylim(values.min().min() - 0.01, min(1.0, values.max().max() + 0.005))
        ax.tick_params(axis="x", labelrotation=rotation)
    return axes
