"""Figures of training: learning curves and first-layer filters matched to known motifs.

Figures: :func:`plot_learning_curves` (chapters 2, 7 and 8), :func:`plot_filter_matches`
(chapter 2) and :func:`plot_training_histories` (any per-epoch series side by side; chapter 2),
with :func:`plot_recipe_histories` (the histories of a results table's recipes; chapter 2),
:func:`plot_model_learning_curves` (the learning curves of trained models; chapters 2, 7 and 8),
:func:`plot_adversarial_curves` and :func:`plot_attack_accuracy` (adversarial training;
chapter 7).
"""

from __future__ import annotations

import json
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..validation import validate_input
from ._style import _despine
from .sequences import plot_pwm_logo

__all__ = [
    "plot_learning_curves",
    "plot_filter_matches",
    "plot_training_histories",
    # chapter 2
    "plot_recipe_histories",
    # chapters 2, 7 and 8
    "plot_model_learning_curves",
    "plot_adversarial_curves",
    "plot_attack_accuracy",
]


def plot_learning_curves(histories: dict, axes=None, colors=None):
    """Training loss and validation AUROC per epoch for several models, best epoch marked.

    A star marks each model's best epoch (the weights it keeps).

    Parameters
    ----------
    histories : dict
        Model name -> history as returned by ``training.fit`` (keys ``loss``, ``val_auroc`` and
        ``best_epoch``, 1-based).
    axes : pair of matplotlib.axes.Axes, optional
        Where to draw the loss (first) and the validation AUROC (second); new ones if omitted.
    colors : dict, optional
        Model name -> colour; default ``C0``, ``C1``, ... in order.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (2,)
        The two axes (``axes`` itself if given): loss, then validation AUROC, which carries the
        legend.

    Raises
    ------
    ValueError
        If ``histories`` is empty, or a history lacks a key above, has series of different
        lengths, or a ``best_epoch`` outside them.
    """
    if not histories:
        raise ValueError("histories is empty")
    for name, h in histories.items():
        for key in ("loss", "val_auroc", "best_epoch"):
            if key not in h:
                raise ValueError(f"history of {name!r} has no {key!r}")
        if len(h["loss"]) != len(h["val_auroc"]) or not 1 <= h["best_epoch"] <= len(
            h["loss"]
        ):
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
            ax.plot(
                best,
                values[best - 1],
                marker="*",
                ms=10,
                color=color,
                mec="black",
                mew=0.5,
            )
    ax_loss.set_ylabel("training loss (BCE)")
    ax_auc.set_ylabel("validation AUROC")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        _despine(ax)
    ax_auc.legend(
        frameon=False,
        fontsize=8,
        loc="lower right",
        title="★ best epoch",
        title_fontsize=8,
    )
    return axes


def plot_filter_matches(
    pwms,
    matches,
    motifs,
    filters=None,
    n_sites=None,
    ncols: int = 4,
    title: str | None = None,
    highlight=(),
):
    """Each filter's PWM as a logo above the known motif it best matches, aligned by offset.

    Both logos of a pair share the x axis (filter columns); a filter without a match is drawn
    alone.

    Parameters
    ----------
    pwms : array_like, shape (F, K, 4)
        Filter PWMs (``filters.filter_pwms``): F filters of kernel width K.
    matches : pandas.DataFrame
        The table of ``filters.match_filters(pwms, motifs)``, one row per filter.
    motifs : list of data.Motif
        The motif list given to ``match_filters`` (or bare ``(M, 4)`` PWMs).
    filters : sequence of int, optional
        Filter indices to draw, in order; default all, best correlation first.
    n_sites : array_like of int, shape (F,), optional
        Hit counts (``filters.filter_pwms``) to show in the titles.
    ncols : int, default 4
        Filter panels per row.
    title : str, optional
        Figure title.
    highlight : collection of int, default ()
        Indices into ``motifs`` whose matches get a red title (e.g. the core motifs).

    Returns
    -------
    matplotlib.figure.Figure
        A new figure with one panel (filter logo above motif logo) per drawn filter.

    Raises
    ------
    ValueError
        If ``pwms`` is not ``(F, K, 4)``, ``matches`` does not have one row per filter, or there
        is no filter to draw.
    """
    pwms = np.asarray(pwms, dtype=np.float64)
    if pwms.ndim != 3 or pwms.shape[-1] != 4:
        raise ValueError(f"pwms must have shape (F, K, 4); got shape {pwms.shape}")
    if len(matches) != pwms.shape[0]:
        raise ValueError(f"matches has {len(matches)} rows for {pwms.shape[0]} filters")
    if filters is None:
        filters = matches.sort_values(
            "correlation", ascending=False, na_position="last"
        )["filter"]
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
            warnings.filterwarnings(
                "ignore", "Attempting to set identical low and high ylims"
            )
            plot_pwm_logo(pwms[f], ax=ax_f, title=f"filter {f}{sites}")
        lo, hi = 0, kernel
        if pd.notna(row["motif_index"]):
            motif = motifs[int(row["motif_index"])]
            offset = int(row["offset"])
            mpwm = motif.pwm if hasattr(motif, "pwm") else np.asarray(motif)
            plot_pwm_logo(mpwm, ax=ax_m, start=offset)
            core = int(row["motif_index"]) in highlight
            ax_m.set_title(
                f"{row['motif']}  r = {row['correlation']:.2f}",
                fontsize=8,
                loc="left",
                pad=2,
                color="tab:red" if core else "black",
            )
            lo, hi = min(0, offset), max(kernel, offset + len(mpwm))
        else:
            ax_m.set_axis_off()
            ax_m.text(
                0.5,
                0.5,
                "no match",
                ha="center",
                va="center",
                fontsize=8,
                transform=ax_m.transAxes,
            )
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


# ---- chapter 2: per-epoch histories side by side (moved out of the chapter, issue #12) ----


def plot_training_histories(
    histories: dict,
    keys=("val_loss", "val_auroc", "learning_rate"),
    styles: dict | None = None,
    axes=None,
    ylabels: dict | None = None,
    ylims: dict | None = None,
    log=("learning_rate",),
    star: str | None = "val_auroc",
    figsize=None,
):
    """Several per-epoch series of several models, one panel per series, best epoch starred.

    Generalises :func:`plot_learning_curves` (training loss and validation AUROC) to any keys
    of a history, e.g. validation loss, validation AUROC and learning rate.

    Parameters
    ----------
    histories : dict
        Model label -> history (``training.fit``; e.g. ``sweep.row_history``): a dict with a
        per-epoch sequence for every key of ``keys`` (all of one length) and, when ``star`` is
        set, ``best_epoch`` (1-based).
    keys : sequence of str, default ("val_loss", "val_auroc", "learning_rate")
        The series to draw, one panel each, left to right.
    styles : dict, optional
        Label -> keyword arguments of ``Axes.plot`` (e.g. ``{"color": "C0", "ls": ":"}``);
        default colour ``C0``, ``C1``, ... in order.
    axes : sequence of matplotlib.axes.Axes, optional
        One per key; default a new row of panels.
    ylabels : dict, optional
        Key -> y label (default the key).
    ylims : dict, optional
        Key -> y limits.
    log : sequence of str, default ("learning_rate",)
        Keys drawn on a logarithmic y axis.
    star : str or None, default "val_auroc"
        Key on whose panel a star marks each model's ``best_epoch``; None for no stars.
    figsize : (float, float), optional
        Size of the new figure (default 4.3 inches per panel by 3.4).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (len(keys),)
        The axes, one per key (``axes`` itself if given). The first panel carries the legend.

    Raises
    ------
    ValueError
        If ``histories`` or ``keys`` is empty, a history lacks a key or has series of different
        lengths or a ``best_epoch`` outside them, or ``axes`` does not have one axes per key.
    """
    keys = list(keys)
    if not histories:
        raise ValueError("histories is empty")
    if not keys:
        raise ValueError("keys is empty: give at least one series to draw")
    for label, h in histories.items():
        missing = [
            k for k in keys + ([] if star is None else ["best_epoch"]) if k not in h
        ]
        if missing:
            raise ValueError(f"history of {label!r} has no {missing}")
        lengths = {len(h[k]) for k in keys}
        if len(lengths) != 1:
            raise ValueError(
                f"history of {label!r} has series of different lengths {lengths}"
            )
        if star is not None and not 1 <= h["best_epoch"] <= lengths.pop():
            raise ValueError(
                f"history of {label!r}: best_epoch {h['best_epoch']} out of range"
            )
    if axes is None:
        _, axes = plt.subplots(
            1,
            len(keys),
            figsize=figsize or (4.3 * len(keys), 3.4),
            layout="constrained",
            squeeze=False,
        )
        axes = axes[0]
    if len(axes) != len(keys):
        raise ValueError(
            f"give one axes per key: {len(axes)} axes for {len(keys)} keys"
        )
    styles = styles or {}
    for i, (label, h) in enumerate(histories.items()):
        style = {"color": f"C{i}", **styles.get(label, {})}
        epochs = np.arange(1, len(h[keys[0]]) + 1)
        for j, (ax, key) in enumerate(zip(axes, keys)):
            draw = ax.semilogy if key in log else ax.plot
            draw(epochs, h[key], **({"label": label} if j == 0 else {}), **style)
            if key == star:
                best = int(h["best_epoch"])
                ax.plot(best, h[key][best - 1], "*", ms=10, color=style["color"])
    for ax, key in zip(axes, keys):
        ax.set(xlabel="epoch", ylabel=(ylabels or {}).get(key, key))
        if key in (ylims or {}):
            ax.set(ylim=ylims[key])
    axes[0].legend(fontsize=8)
    return axes


# ---- chapter 2: learning curves of the training recipes (moved out of the chapter) ----


def plot_recipe_histories(
    recipes,
    shown=("methods", "authors"),
    solid: str = "authors",
    keys=("val_loss", "val_auroc", "learning_rate"),
    figsize=(13, 3.4),
):
    """Per-epoch histories stored in a results table, for the models of some training recipes.

    :func:`plot_training_histories` of validation loss, validation AUROC (best epoch starred)
    and learning rate, one line per model, labelled ``"activation, recipe"``.

    Parameters
    ----------
    recipes : pandas.DataFrame
        A sweep's results (e.g. ``sweep.committed_results("recipes")[0]``) with columns
        ``recipe``, ``activation``, ``best_epoch`` and ``history`` (the JSON of the model's
        per-epoch history, as ``sweep.row_history`` reads it).
    shown : sequence of str
        The recipes whose models are drawn (in the table's row order).
    solid : str
        The recipe drawn with solid lines; the others are dotted.
    keys : sequence of str
        The series to draw, one panel each.
    figsize : (float, float)

    Returns
    -------
    The axes, one per key.

    Raises
    ------
    ValueError
        If ``recipes`` is not a DataFrame with the columns needed, or has no model of
        the recipes ``shown``.
    """
    if not isinstance(recipes, pd.DataFrame):
        raise ValueError(
            f"recipes must be a pandas DataFrame; got {type(recipes).__name__}"
        )
    missing = [
        c for c in ("recipe", "activation", "best_epoch", "history") if c not in recipes
    ]
    if missing:
        raise ValueError(f"the table lacks the columns {missing}")
    rows = recipes[recipes.recipe.isin(list(shown))]
    if not len(rows):
        raise ValueError(f"no model of the recipes {list(shown)} in the table")
    histories, styles = {}, {}
    for i, (_, row) in enumerate(rows.iterrows()):
        label = f"{row.activation}, {row.recipe}"
        histories[label] = {**json.loads(row["history"]), "best_epoch": row.best_epoch}
        styles[label] = {"color": f"C{i}", "ls": "-" if row.recipe == solid else ":"}
    return plot_training_histories(
        histories,
        keys,
        styles,
        figsize=figsize,
        ylabels={
            "val_loss": "validation loss",
            "val_auroc": "validation AUROC (★ kept)",
            "learning_rate": "learning rate",
        },
        ylims={"val_loss": (0, 1.5), "val_auroc": (0.85, 1.0)},
    )


# ---- chapters 2, 7 and 8: learning curves of trained models, adversarial training ----


def plot_model_learning_curves(trained: dict, figsize=(10, 3.4)):
    """:func:`plot_learning_curves` of trained models, on a figure of its own.

    Parameters
    ----------
    trained : dict
        Display name -> ``training.TrainedModel`` (its ``history`` is drawn).
    figsize : (float, float)

    Returns
    -------
    The two axes: training loss and validation AUROC.

    Raises
    ------
    ValueError
        If ``trained`` is empty or a model has no ``history`` (and as
        :func:`plot_learning_curves`).
    """
    if not trained:
        raise ValueError("trained is empty: give at least one model")
    histories = {}
    for name, tm in trained.items():
        if not hasattr(tm, "history"):
            raise ValueError(
                f"trained[{name!r}] must be a training.TrainedModel (with a history)"
            )
        histories[name] = tm.history
    _, axes = plt.subplots(1, 2, figsize=figsize, constrained_layout=True)
    return plot_learning_curves(histories, axes=axes)


def plot_adversarial_curves(
    trained: dict, clean_epochs: int, mixed_until: int | None = None, axes=None
):
    """Learning curves of adversarially trained models, the warm-up shaded.

    Training loss and validation AUROC per epoch (:func:`plot_learning_curves`), the clean
    epochs shaded grey, the mixed epochs (when ``mixed_until`` is given) a lighter grey,
    and ln 2 (the loss of a constant prediction of 0.5) dotted on the loss panel.

    Parameters
    ----------
    trained : dict
        Display name -> ``training.TrainedModel``, or -> its history (a dict with the
        per-epoch lists ``loss`` and ``val_auroc`` and the ``best_epoch``, e.g.
        ``sweep.row_history`` of a results row).
    clean_epochs : int
        Epochs of clean batches before adversarial ones (``REGULARIZERS["adversarial"]``).
    mixed_until : int, optional
        Last epoch of clean and adversarial batches together; None: not shaded.
    axes : pair of matplotlib Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    The two axes.

    Raises
    ------
    ValueError
        If ``clean_epochs`` is not a non-negative integer, ``mixed_until`` is smaller, or a
        value of ``trained`` is neither a ``TrainedModel`` nor a history with ``loss``,
        ``val_auroc`` and ``best_epoch``.
    """
    if int(clean_epochs) != clean_epochs or clean_epochs < 0:
        raise ValueError(
            f"clean_epochs must be a non-negative integer; got {clean_epochs!r}"
        )
    if mixed_until is not None and mixed_until < clean_epochs:
        raise ValueError(
            f"mixed_until ({mixed_until}) must be at least clean_epochs ({clean_epochs})"
        )
    histories = {}
    for name, tm in trained.items():
        h = getattr(tm, "history", tm)  # a TrainedModel, or its history itself
        if not isinstance(h, dict) or not {"loss", "val_auroc", "best_epoch"} <= set(h):
            raise ValueError(
                f"trained[{name!r}] must be a training.TrainedModel or a history with "
                f"'loss', 'val_auroc' and 'best_epoch'"
            )
        histories[name] = h
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5), constrained_layout=True)
    axes = plot_learning_curves(histories, axes=axes)
    for ax in axes:
        ax.axvspan(0.5, clean_epochs + 0.5, color="0.88", zorder=0)
        if mixed_until is not None:
            ax.axvspan(clean_epochs + 0.5, mixed_until + 0.5, color="0.95", zorder=0)
    axes[0].axhline(np.log(2), color="k", ls=":", lw=1)
    return axes


def plot_attack_accuracy(epsilons, accuracy, epsilon: float | None = None, ax=None):
    """Accuracy of a model under a PGD attack against the attack's radius (log scale).

    Parameters
    ----------
    epsilons : 1-D array
        The radii (L-infinity), positive.
    accuracy : 1-D array
        The accuracy under attack at each radius, in [0, 1].
    epsilon : float, optional
        The radius of adversarial training (METHODS.md section 3), marked by a dashed red line.
    ax : matplotlib Axes, optional
        Where to draw; default a new 5 x 3 inch figure.

    Returns
    -------
    The axes; a dotted line marks chance (0.5).

    Raises
    ------
    ValueError
        If ``epsilons`` and ``accuracy`` are not non-empty 1-D arrays of one length, a
        radius is not positive or an accuracy is outside [0, 1].
    """
    epsilons = validate_input(epsilons, "epsilons", shape=("K",), dtype=np.float64)
    accuracy = validate_input(
        accuracy, "accuracy", shape=(len(epsilons),), dtype=np.float64
    )
    if not (epsilons > 0).all() or not ((accuracy >= 0) & (accuracy <= 1)).all():
        raise ValueError("epsilons must be positive and accuracies in [0, 1]")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3), layout="constrained")
    ax.semilogx(epsilons, accuracy, "o-", color="k")
    if epsilon is not None:
        ax.axvline(
            epsilon,
            color="tab:red",
            lw=1,
            ls="--",
            label=f"METHODS.md epsilon = {epsilon}",
        )
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":", label="chance")
    ax.set_xlabel(r"PGD radius $\epsilon$ ($L_\infty$)")
    ax.set_ylabel("test accuracy under attack")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, fontsize=8)
    return ax
