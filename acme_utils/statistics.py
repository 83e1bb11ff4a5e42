"""Correlations with bootstrap confidence intervals, for comparing models across a sweep.

The model-selection chapter asks whether one score orders models like another (METHODS.md
section 9: does test AUROC track attribution SNR? do the consistency metrics?). Spearman's rho
answers that without assuming a linear relation; Pearson's r (what the study reports next to it)
measures the linear part. Confidence intervals come from resampling models with replacement
(percentile bootstrap), vectorised over all resamples at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .validation import validate_input

log = logging.getLogger(__name__)

__all__ = [
    "RankCorrelation",
    "spearman",
    "rank_correlation",
    "pearson_correlation",
    "correlation_table",
    "mean_with_ci",
    "spearman_difference",
    "ci_verdict",
    "CORRELATION_METHODS",
    "correlations",
    "ranking_agreement",
    "correlation_report",
    "ranking_stability",
    "ranking_stability_report",
    "closest_to_median",
    "model_order_report",
    "ranking_by_setting_report",
]


@dataclass(frozen=True)
class RankCorrelation:
    """A correlation between two scores, with a bootstrap confidence interval.

    Spearman's rho unless ``method`` says "pearson"; the confidence interval is a percentile
    bootstrap over models. ``str()`` gives a one-line summary such as
    ``rho = +0.52 (95% CI +0.21 to +0.75; n = 30, p = 0.0032)``.

    Attributes
    ----------
    rho : float
        The correlation (Spearman's rho, or Pearson's r when ``method`` is ``"pearson"``); NaN if
        a score is constant.
    low, high : float
        Bounds of the bootstrap confidence interval.
    p_value : float
        The p-value of ``scipy.stats.spearmanr`` or ``pearsonr`` (NaN if ``rho`` is).
    n : int
        Number of models.
    level : float
        Confidence level of the interval.
    method : str, default "spearman"
        ``"spearman"`` or ``"pearson"``.
    """

    rho: float
    low: float
    high: float
    p_value: float
    n: int
    level: float
    method: str = "spearman"

    def __str__(self) -> str:
        name = "rho" if self.method == "spearman" else "r"
        return (
            f"{name} = {self.rho:+.2f} ({self.level:.0%} CI {self.low:+.2f} to {self.high:+.2f}; "
            f"n = {self.n}, p = {self.p_value:.2g})"
        )


def _rowwise_pearson(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    denom = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (a * b).sum(axis=1) / denom, np.nan)


def spearman(x, y) -> float:
    """Spearman's rho of two equally long 1-D arrays (average ranks for ties).

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Two finite scores of the same n >= 3 models.

    Returns
    -------
    float
        Spearman's rho, NaN if a score is constant.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` are not finite 1-D arrays of equal length >= 3.
    """
    x, y = _check_pair(x, y)
    return float(_rowwise_pearson(stats.rankdata(x)[None], stats.rankdata(y)[None])[0])


def _check_pair(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(
            f"x and y must be 1-D arrays of equal length; got shapes {x.shape} and {y.shape}"
        )
    if len(x) < 3:
        raise ValueError(f"a rank correlation needs at least 3 models; got {len(x)}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError(
            "x and y must be finite (no NaN or inf): drop or fix those models first"
        )
    return x, y


def rank_correlation(
    x, y, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> RankCorrelation:
    """Spearman's rho of ``x`` and ``y`` with a percentile-bootstrap CI over models.

    Resamples in which either score is constant (rho undefined) are left out of the interval.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Two finite scores of the same n >= 3 models.
    n_boot : int, default 2000
        Bootstrap resamples of the models, at least 100.
    level : float, default 0.95
        Confidence level of the interval, in (0, 1).
    seed : int, default 0
        Seed of the resampling.

    Returns
    -------
    RankCorrelation
        With ``method="spearman"``.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` are not finite 1-D arrays of equal length >= 3, ``n_boot`` is not an
        integer >= 100, or ``level`` is not in (0, 1).
    """
    return _bootstrap_correlation(x, y, "spearman", n_boot, level, seed)


def pearson_correlation(
    x, y, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> RankCorrelation:
    """Pearson's r of ``x`` and ``y`` with a percentile-bootstrap CI over models.

    As :func:`rank_correlation`, on the values instead of their ranks.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Two finite scores of the same n >= 3 models.
    n_boot : int, default 2000
        Bootstrap resamples of the models, at least 100.
    level : float, default 0.95
        Confidence level of the interval, in (0, 1).
    seed : int, default 0
        Seed of the resampling.

    Returns
    -------
    RankCorrelation
        With ``method="pearson"``.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` are not finite 1-D arrays of equal length >= 3, ``n_boot`` is not an
        integer >= 100, or ``level`` is not in (0, 1).
    """
    return _bootstrap_correlation(x, y, "pearson", n_boot, level, seed)


def _bootstrap_correlation(
    x, y, method: str, n_boot: int, level: float, seed: int
) -> RankCorrelation:
    x, y = _check_pair(x, y)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    if int(n_boot) != n_boot or n_boot < 100:
        raise ValueError(f"n_boot must be an integer >= 100; got {n_boot!r}")
    transform = (
        (lambda a: stats.rankdata(a, axis=-1))
        if method == "spearman"
        else (lambda a: a)
    )
    r = float(_rowwise_pearson(transform(x)[None], transform(y)[None])[0])
    test = stats.spearmanr if method == "spearman" else stats.pearsonr
    p_value = float(test(x, y).pvalue) if np.isfinite(r) else float("nan")
    idx = np.random.default_rng(seed).integers(0, len(x), size=(int(n_boot), len(x)))
    boot = _rowwise_pearson(transform(x[idx]), transform(y[idx]))
    boot = boot[np.isfinite(boot)]
    alpha = (1 - level) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha]) if boot.size else (np.nan, np.nan)
    return RankCorrelation(r, float(low), float(high), p_value, len(x), level, method)


def correlation_table(
    table,
    pairs,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    method: str = "spearman",
):
    """Correlations of column pairs of a results table, as a pandas DataFrame.

    ``pairs`` is a list of ``(x_column, y_column)``; ``method`` is ``"spearman"`` (column
    ``spearman_rho``) or ``"pearson"`` (column ``pearson_r``).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model.
    pairs : list of (str, str)
        The ``(x_column, y_column)`` pairs to correlate.
    n_boot : int, default 2000
        Bootstrap resamples of the models, at least 100.
    level : float, default 0.95
        Confidence level of the interval, in (0, 1).
    seed : int, default 0
        Seed of the resampling.
    method : {"spearman", "pearson"}, default "spearman"
        :func:`rank_correlation` or :func:`pearson_correlation`.

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``x``, ``y``, ``spearman_rho`` or ``pearson_r``, ``ci_low``,
        ``ci_high``, ``p_value`` and ``n_models``.

    Raises
    ------
    ValueError
        If ``method`` is neither of the two, or a pair cannot be correlated (see
        :func:`rank_correlation`).
    KeyError
        If a column of ``pairs`` is not in ``table``.
    """
    if method not in ("spearman", "pearson"):
        raise ValueError(f"method must be 'spearman' or 'pearson'; got {method!r}")
    func = rank_correlation if method == "spearman" else pearson_correlation
    name = "spearman_rho" if method == "spearman" else "pearson_r"
    import pandas as pd

    rows = []
    for xcol, ycol in pairs:
        for col in (xcol, ycol):
            if col not in table.columns:
                raise KeyError(
                    f"column {col!r} is not in the table; it has {list(table.columns)}"
                )
        r = func(table[xcol], table[ycol], n_boot=n_boot, level=level, seed=seed)
        rows.append(
            {
                "x": xcol,
                "y": ycol,
                name: r.rho,
                "ci_low": r.low,
                "ci_high": r.high,
                "p_value": r.p_value,
                "n_models": r.n,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Model-selection helpers (chapter 9): a bootstrapped mean, a paired difference of Spearman
# correlations, a verdict from a confidence interval and the correlations of several score pairs.


def mean_with_ci(
    values, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple:
    """Mean of ``values`` with a percentile-bootstrap confidence interval.

    Parameters
    ----------
    values : array_like, shape (n,)
        Finite numbers (e.g. paired differences of a score between two kinds of model).
    n_boot : int, default 2000
        Bootstrap resamples (each draws ``n`` values with replacement).
    level : float, default 0.95
        Confidence level of the interval, in (0, 1).
    seed : int, default 0
        Seed of the resampling.

    Returns
    -------
    tuple of float
        ``(mean, low, high)``.

    Raises
    ------
    ValueError
        If ``values`` is not a finite, non-empty 1-D array or ``level`` is not in (0, 1).
    """
    values = validate_input(values, "values", shape=("n",), dtype=np.float64)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    boot = (
        np.random.default_rng(seed)
        .choice(values, size=(n_boot, len(values)))
        .mean(axis=1)
    )
    return values.mean(), *np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])


def spearman_difference(
    a, b, y, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple:
    """Spearman's rho(a, y) - rho(b, y), with a paired percentile-bootstrap confidence interval.

    Both correlations are computed on the same resampled models, so the interval is that of the
    difference (does ``a`` track ``y`` more tightly than ``b``?). Models with a non-finite score
    are left out.

    Parameters
    ----------
    a, b, y : array_like, shape (n,)
        Three scores of the same ``n`` models (NaN allowed: that model is left out).
    n_boot : int, default 2000
        Bootstrap resamples of the models.
    level : float, default 0.95
        Confidence level of the interval, in (0, 1).
    seed : int, default 0
        Seed of the resampling.

    Returns
    -------
    tuple of float
        ``(difference, low, high)``; resamples in which a correlation is undefined are ignored.

    Raises
    ------
    ValueError
        If ``a``, ``b`` and ``y`` are not 1-D of equal length, ``level`` is not in (0, 1), or
        fewer than 3 models have all three scores finite.
    """
    a, b, y = (np.asarray(v, dtype=np.float64) for v in (a, b, y))
    if not a.ndim == b.ndim == y.ndim == 1 or not len(a) == len(b) == len(y):
        raise ValueError(
            f"a, b and y must be 1-D arrays of equal length; got shapes "
            f"{a.shape}, {b.shape} and {y.shape}"
        )
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    x = np.stack([a, b, y], axis=1)
    x = validate_input(
        x[np.isfinite(x).all(axis=1)],
        "the models with finite a, b and y",
        shape=("n", 3),
        dtype=np.float64,
    )
    idx = np.random.default_rng(seed).integers(0, len(x), size=(n_boot, len(x)))

    def diff(s):
        return spearman(s[:, 0], s[:, 2]) - spearman(s[:, 1], s[:, 2])

    boot = np.array([diff(x[i]) for i in idx])
    low, high = np.nanquantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return diff(x), low, high


def ci_verdict(low: float, high: float) -> str:
    """ "yes" if a confidence interval lies above 0, "no" if below, "inconclusive" otherwise.

    Parameters
    ----------
    low, high : float
        The bounds of the interval.

    Returns
    -------
    str
        ``"yes"``, ``"no"`` or ``"inconclusive"``.
    """
    return "yes" if low > 0 else "no" if high < 0 else "inconclusive"


#: Correlation methods of :func:`correlations`: display label -> ``correlation_table`` method.
CORRELATION_METHODS = {"Spearman": "spearman", "Pearson": "pearson"}


def correlations(
    table, pairs, min_models: int = 3, seed: int = 0, name: str = "models"
):
    """Spearman and Pearson correlations of column ``pairs`` of ``table``, with bootstrap CIs.

    Rows with a non-finite value in any of the pairs' columns are left out first.

    Parameters
    ----------
    table : pandas DataFrame
        One row per model (or per configuration).
    pairs : list of (str, str)
        Column pairs, as for :func:`correlation_table`.
    min_models : int, default 3
        Fewest complete rows to correlate; with fewer, a message naming ``name`` is logged
        (logger ``"acme_utils"``) and None returned.
    seed : int, default 0
        Seed of the bootstrap.
    name : str, default "models"
        What the rows are, for the message.

    Returns
    -------
    dict or None
        ``{"Spearman": DataFrame, "Pearson": DataFrame}`` as returned by
        :func:`correlation_table`, or None if there are too few rows.

    Raises
    ------
    KeyError
        If a column of ``pairs`` is not in ``table``.
    """
    cols = sorted({c for pair in pairs for c in pair})
    for col in cols:
        if col not in table.columns:
            raise KeyError(
                f"column {col!r} is not in the table; it has {list(table.columns)}"
            )
    table = table[np.isfinite(table[cols].to_numpy(dtype=float)).all(axis=1)]
    if len(table) < min_models:
        log.info(
            f"{name}: {len(table)} with all scores; a correlation needs at least {min_models}, "
            "so there is none yet"
        )
        return None
    return {
        label: correlation_table(table, pairs, seed=seed, method=method)
        for label, method in CORRELATION_METHODS.items()
    }


# --------------------------------------------------------------------------------------------
# does a setting of a metric change the ranking of models? (chapter 5)
# --------------------------------------------------------------------------------------------


def ranking_agreement(scores: dict, reference):
    """Per setting of a metric: the models' rank agreement with a reference setting, and the best.

    The agreement is Spearman's rho between the models' scores at the setting and at the
    ``reference`` setting; the best is the best-scoring model at the setting.

    Parameters
    ----------
    scores : dict
        Model name -> ``pandas.DataFrame`` of the model's score at every setting (rows and
        columns are two settings of the metric, e.g. k and the percentile; the same index and
        columns for every model). NaN marks an undefined score.
    reference : tuple
        ``(row label, column label)`` of the reference setting.

    Returns
    -------
    rho : pandas.DataFrame
        Spearman's rho between the models' scores at each setting and at the reference; NaN
        where a score is undefined or all models score the same (at the setting or the
        reference).
    best : pandas.DataFrame
        The name of the highest-scoring model at each setting (``"-"`` where no score is
        defined).

    Raises
    ------
    ValueError
        If fewer than two models are given, their tables differ in index or columns, or
        ``reference`` is not a setting.
    """
    import pandas as pd

    names = list(scores)
    if len(names) < 2:
        raise ValueError("give the scores of at least two models")
    first = scores[names[0]]
    for name in names[1:]:
        if not (
            scores[name].index.equals(first.index)
            and scores[name].columns.equals(first.columns)
        ):
            raise ValueError(
                f"the scores of {name!r} are not on the settings of {names[0]!r}"
            )
    stack = np.stack(
        [np.asarray(scores[n].to_numpy(), dtype=np.float64) for n in names]
    )
    row, col = reference
    try:
        default = stack[:, first.index.get_loc(row), first.columns.get_loc(col)]
    except KeyError:
        raise ValueError(
            f"reference {reference!r} is not a setting of the scores"
        ) from None
    rho = np.full(stack.shape[1:], np.nan)
    best = np.full(stack.shape[1:], "-", dtype=object)
    for r, c in np.ndindex(*stack.shape[1:]):
        values = stack[:, r, c]
        if np.isfinite(values).any():
            best[r, c] = names[int(np.nanargmax(values))]
        if (
            np.isfinite(values).all()
            and np.isfinite(default).all()
            and np.ptp(values) > 0
            and np.ptp(default) > 0
        ):
            rho[r, c] = stats.spearmanr(values, default).statistic
    return (
        pd.DataFrame(rho, index=first.index, columns=first.columns),
        pd.DataFrame(best, index=first.index, columns=first.columns),
    )


# --------------------------------------------------------------------------------------------
# several sets of correlations in one report (chapter 9)
# --------------------------------------------------------------------------------------------


def correlation_report(views: dict, pair_labels: dict | None = None):
    """Spearman and Pearson correlations of several sets of models in one table.

    Parameters
    ----------
    views : dict
        Set name (e.g. "passing models") -> ``{"Spearman": DataFrame, "Pearson": DataFrame}``
        as returned by :func:`correlations` for that set (both tables with the same pairs in
        the same order: columns ``x``, ``y``, the estimate, ``ci_low``, ``ci_high``,
        ``p_value`` and ``n_models``).
    pair_labels : dict, optional
        ``(x, y)`` -> display name of the pair (default "x vs y").

    Returns
    -------
    pandas.DataFrame
        Indexed by (set, pair); columns "models", "Spearman ρ", "ρ 95% CI" (text),
        "ρ p-value", "Pearson r", "r 95% CI" (text) and "r p-value". Empty (no columns) when
        ``views`` is empty.

    Raises
    ------
    ValueError
        If a set lacks one of the two tables, or its two tables have different pairs.
    """
    import pandas as pd

    pair_labels = pair_labels or {}
    rows = []
    for name, view in views.items():
        if not {"Spearman", "Pearson"} <= set(view):
            raise ValueError(
                f"set {name!r} needs a 'Spearman' and a 'Pearson' table; it has "
                f"{sorted(view)}"
            )
        s, r = view["Spearman"], view["Pearson"]
        if list(zip(s.x, s.y)) != list(zip(r.x, r.y)):
            raise ValueError(f"set {name!r}: its two tables have different pairs")
        for i in range(len(s)):
            pair = (s.x[i], s.y[i])
            rows.append(
                {
                    "set": name,
                    "pair": pair_labels.get(pair, f"{pair[0]} vs {pair[1]}"),
                    "models": s.n_models[i],
                    "Spearman ρ": s.spearman_rho[i],
                    "ρ 95% CI": f"{s.ci_low[i]:+.2f} to {s.ci_high[i]:+.2f}",
                    "ρ p-value": s.p_value[i],
                    "Pearson r": r.pearson_r[i],
                    "r 95% CI": f"{r.ci_low[i]:+.2f} to {r.ci_high[i]:+.2f}",
                    "r p-value": r.p_value[i],
                }
            )
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).set_index(["set", "pair"])


def ranking_stability(scores: dict, reference):
    """How stable a metric's ranking of models is across its settings.

    How often the best model, and the order of all models, at a ``reference`` setting of a
    metric hold at its other settings (from ``ranking_agreement``).

    Parameters
    ----------
    scores : dict
        Label (e.g. ``"k-mer KLD"``) -> a score table as ``ranking_agreement`` takes it: model
        name -> ``pandas.DataFrame`` of the model's score at every setting.
    reference : tuple
        ``(row label, column label)`` of the reference setting.

    Returns
    -------
    pandas.DataFrame
        One row per label, with columns ``best`` (the best model at the reference),
        ``n_best`` (the settings where that model is best), ``n_same_order`` (the settings
        where Spearman's rho with the reference is 1: the models in the reference's order),
        ``n_settings`` (all settings) and ``n_models``.

    Raises
    ------
    ValueError
        If ``scores`` is empty, or from ``ranking_agreement``.
    """
    import pandas as pd

    if not scores:
        raise ValueError("scores is empty: give at least one score table")
    rows = {}
    for label, table in scores.items():
        rho, best = ranking_agreement(table, reference)
        default_best = best.loc[reference]
        rows[label] = {
            "best": default_best,
            "n_best": int((best == default_best).to_numpy().sum()),
            "n_same_order": int(np.isclose(rho.to_numpy(), 1.0).sum()),
            "n_settings": int(best.size),
            "n_models": len(table),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


_NUMBER_WORDS = "zero one two three four five six seven eight nine ten".split()


def ranking_stability_report(stability) -> str:
    """``ranking_stability``'s table in words, one sentence per row, as chapter 5 prints it.

    Parameters
    ----------
    stability : pandas.DataFrame
        The result of ``ranking_stability``.

    Returns
    -------
    str
        For every row: "<label>: the default setting's best model (<best>) is best at <n_best>
        of <n_settings> settings; the order of all <n_models> models is the same as at the
        default at <n_same_order> of <n_settings>." (the number of models in words up to ten).

    Raises
    ------
    ValueError
        If ``stability`` lacks a column of ``ranking_stability``'s result.
    """
    needed = {"best", "n_best", "n_same_order", "n_settings", "n_models"}
    if missing := needed - set(stability.columns):
        raise ValueError(f"stability lacks the columns {sorted(missing)}")
    lines = []
    for label, s in stability.iterrows():
        n = int(s["n_models"])
        models = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
        lines.append(
            f"{label}: the default setting's best model ({s['best']}) is best at "
            f"{s['n_best']} of {s['n_settings']} settings; the order of all {models} "
            f"models is the same as at the default at {s['n_same_order']} of "
            f"{s['n_settings']}."
        )
    return "\n".join(lines)


def closest_to_median(values, default: int | None = None) -> int:
    """Index of the value closest to the median of ``values``, NaN ignored (the first on a tie).

    The chapters draw a metric's steps on the sequence whose per-sequence SNR is closest to the
    median: a typical example, neither the best nor the worst.

    Parameters
    ----------
    values : array_like, shape (N,)
        Numbers; NaN entries are ignored.
    default : int, optional
        Returned when no value is finite; without it that raises.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``values`` is not 1-D, or no value is finite and no ``default`` is given.
    """
    values = np.asarray(values, dtype=np.float64)  # NaN allowed: no validate_input
    if values.ndim != 1:
        raise ValueError(f"values must be 1-D; got shape {values.shape}")
    if not np.isfinite(values).any():
        if default is None:
            raise ValueError("no value is finite: there is no median")
        return int(default)
    return int(np.nanargmin(np.abs(values - np.nanmedian(values))))


def model_order_report(
    table, columns, reference: str = "snr", reference_name: str = "SNR"
) -> str:
    """How each score orders a few models (highest first), against a reference score.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model (index: names), with the ``columns`` and ``reference``.
    columns : sequence of str
        The scores to compare.
    reference : str
        The reference score's column (default the ground-truth attribution SNR).
    reference_name : str
        Its name in the text.

    Returns
    -------
    str
        One line per score: the models in its order (``a > b > ...``), whether the order is
        the reference's and whether the top model is; then the reference's order.

    Raises
    ------
    ValueError
        If a column is missing or the table is empty.
    """
    columns = list(columns)
    for column in (*columns, reference):
        if column not in table.columns:
            raise ValueError(f"table has no column {column!r}")
    if len(table) == 0:
        raise ValueError("table is empty: there is nothing to order")
    by_ref = list(table[reference].sort_values(ascending=False).index)
    lines = []
    for metric in columns:
        by_metric = list(table[metric].sort_values(ascending=False).index)
        lines.append(
            f"{metric}: orders the models {' > '.join(by_metric)}; same order as "
            f"{reference_name}: {by_metric == by_ref}; same top model: "
            f"{by_metric[0] == by_ref[0]}"
        )
    lines.append(f"{reference_name} orders them {' > '.join(by_ref)}")
    return "\n".join(lines)


def ranking_by_setting_report(
    ranks, reference, name: str = "k", settings: str = "windows"
) -> str:
    """Whether the ranking of models at each setting of a metric is the one at ``reference``.

    Parameters
    ----------
    ranks : pandas.DataFrame
        The models' ranks (1 = highest), one row per model, one column per setting.
    reference
        The column of the reference setting.
    name : str
        The setting's name in the text (``"k = 3"``).
    settings : str
        What the settings are, in the closing line (``"ranking stable across all windows"``).

    Returns
    -------
    str
        One line per setting: identical to or different from the reference's ranking, and the
        top model there; then whether the ranking is the same at every setting.

    Raises
    ------
    ValueError
        If ``reference`` is not a column of ``ranks``.
    """
    if reference not in ranks.columns:
        raise ValueError(f"reference {reference!r} is not a setting of ranks")
    reference_order = ranks[reference]
    lines = []
    for k in ranks.columns:
        same_order = bool((ranks[k] == reference_order).all())
        lines.append(
            f"{name} = {k}: ranking {'identical to' if same_order else 'differs from'} "
            f"that of {name} = {reference}; top model {ranks[k].idxmin()}"
        )
    stable = bool((ranks.nunique(axis=1) == 1).all())
    lines.append(f"ranking stable across all {settings}: {stable}")
    return "\n".join(lines)
