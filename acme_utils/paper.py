"""The published numbers of the ACME study, for side-by-side comparison with ours.

Table 1 of Majdandzic et al. (PMLR 200, 2022): for each configuration (regulariser x batch norm x
first-layer activation), the number of models out of 15 that passed the performance filter
(test AUROC >= 0.97, the "trials" column) and the means over those models of the k-mer KLD and
k-attr-mean KLD (nats), test AUROC and attribution SNR. These are quoted, not computed: they are
the reference that chapter 9 puts next to the book's own table.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "METHOD_NAMES",
    "MODELS_PER_CONFIGURATION",
    "table_1",
    "STUDY_CONFIGURATIONS",
    "side_by_side",
    "grid_coverage",
    "with_table_1",
    "agreement_report",
    "activation_pairs",
    "activation_means",
    "TOO_FEW",
    "claims",
]


#: The paper's method names -> ``acme_utils.regularizers`` names.
METHOD_NAMES = {
    "Standard": "none",
    "Mixup": "mixup",
    "Manifold-mixup": "manifold_mixup",
    "Noise": "input_noise",
    "Manifold-noise": "manifold_noise",
    "Adversarial": "adversarial",
    "Spectral-norm": "spectral_norm",
}

#: Models trained per configuration in the study (the filter kept "trials" of them).
MODELS_PER_CONFIGURATION = 15

# method, batch norm, activation, trials, KLD k-mer, KLD k-attr-mean, test AUROC, SNR
_TABLE_1 = """\
Adversarial     nobn  exponential  15  0.104  0.525  0.977  1.148
Adversarial     nobn  relu         14  0.125  0.240  0.973  0.471
Manifold-mixup  bn    relu         12  0.667  0.254  0.975  0.555
Manifold-mixup  bn    exponential  14  1.215  0.833  0.982  2.057
Manifold-mixup  nobn  relu         14  0.809  0.357  0.977  0.595
Manifold-mixup  nobn  exponential  15  1.266  0.642  0.977  1.511
Manifold-noise  nobn  exponential  15  0.529  0.620  0.976  2.001
Manifold-noise  nobn  relu         12  0.555  0.276  0.976  0.834
Manifold-noise  bn    exponential  12  0.68   0.791  0.976  2.785
Manifold-noise  bn    relu          5  1.039  0.251  0.982  1.097
Mixup           bn    relu          3  1.036  0.230  0.980  1.568
Mixup           bn    exponential  12  0.555  0.848  0.976  2.458
Mixup           nobn  relu         15  0.511  0.375  0.975  0.749
Mixup           nobn  exponential  15  0.554  0.691  0.976  1.932
Noise           nobn  exponential  13  1.125  0.780  0.980  2.490
Noise           bn    relu         15  0.648  0.221  0.977  0.884
Noise           bn    exponential  15  1.104  0.784  0.981  2.979
Noise           nobn  relu         14  0.425  0.267  0.982  0.943
Spectral-norm   bn    relu          8  0.982  0.295  0.976  1.358
Spectral-norm   bn    exponential  11  1.248  0.84   0.978  2.039
Spectral-norm   nobn  relu         15  1.341  0.488  0.983  1.570
Spectral-norm   nobn  exponential  13  1.27   0.851  0.983  1.782
Standard        nobn  exponential  15  0.547  0.667  0.976  1.721
Standard        nobn  relu         12  0.645  0.410  0.974  0.783
Standard        bn    exponential   9  0.763  0.807  0.974  2.445
Standard        bn    relu          4  1.101  0.254  0.981  1.481
"""


def table_1() -> pd.DataFrame:
    """The paper's Table 1, one row per configuration, with our column names.

    The study's two batch-norm adversarial configurations have no row: none of their models passed
    the filter.

    Returns
    -------
    pandas.DataFrame
        26 rows with columns ``regularizer`` (``acme_utils.regularizers`` names), ``batch_norm``
        (bool), ``activation``, ``passed`` (the paper's "trials", int), ``kmer_kld``,
        ``kattr_mean_kld``, ``test_auroc``, ``snr`` (float).
    """
    rows = []
    for line in _TABLE_1.splitlines():
        method, bn, activation, trials, kmer, kattr, auroc, snr = line.split()
        rows.append(
            {
                "regularizer": METHOD_NAMES[method],
                "batch_norm": bn == "bn",
                "activation": activation,
                "passed": int(trials),
                "kmer_kld": float(kmer),
                "kattr_mean_kld": float(kattr),
                "test_auroc": float(auroc),
                "snr": float(snr),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Our results next to Table 1 (chapter 9).

#: The study's 28 configurations ``(regularizer, batch_norm, activation)``, in the order of the
#: paper's Table 1 groups (``sweep.STUDY_REGULARIZERS`` x batch norm on, off x
#: ``sweep.ACTIVATIONS``).
STUDY_CONFIGURATIONS = [
    (r, bn, a)
    for r in METHOD_NAMES.values()
    for bn in (True, False)
    for a in ("relu", "exponential")
]

#: Columns that identify a configuration (as ``sweep.CONFIGURATION``).
_KEYS = ["regularizer", "batch_norm", "activation"]


def side_by_side(
    ours: pd.DataFrame,
    scores,
    labels: dict | None = None,
    theirs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Our configuration summary and the paper's Table 1 in one table, one row per configuration.

    Rows are the study's configurations (:data:`STUDY_CONFIGURATIONS`) followed by any other
    configuration of ``ours``; columns are two-level: ``("models", "ours")`` ("passed/trained",
    or "not yet"), ``("models", "paper")`` ("trials/15"; "–" beyond the study), then
    ``(label, "ours")`` and ``(label, "paper")`` for each score.

    Parameters
    ----------
    ours : pandas DataFrame
        One row per configuration, as ``sweep.configuration_summary``: columns ``regularizer``,
        ``batch_norm``, ``activation``, ``passed``, ``trained`` and the ``scores``.
    scores : list of str
        Score columns to put side by side (each also a column of Table 1).
    labels : dict, optional
        Score column -> display label (default the column name).
    theirs : pandas DataFrame, optional
        The paper's table; default :func:`table_1`.

    Returns
    -------
    pandas DataFrame
        Indexed by (regularizer, "bn"/"no bn", activation) (index names ``regularizer``,
        ``batch norm``, ``activation``).

    Raises
    ------
    KeyError
        If ``ours`` lacks one of the columns above.
    """
    theirs = table_1() if theirs is None else theirs
    labels = labels or {}
    for col in _KEYS + ["passed", "trained"] + list(scores):
        if col not in ours.columns:
            raise KeyError(
                f"column {col!r} is not in ours; it has {list(ours.columns)}"
            )
    rows = pd.DataFrame(
        STUDY_CONFIGURATIONS
        + [c for c in ours.set_index(_KEYS).index if c not in STUDY_CONFIGURATIONS],
        columns=_KEYS,
    )
    rows["batch_norm"] = rows["batch_norm"].astype(bool)
    merged = rows.merge(ours, on=_KEYS, how="left").merge(
        theirs, on=_KEYS, how="left", suffixes=("", "_paper")
    )
    index = pd.MultiIndex.from_arrays(
        [
            merged.regularizer,
            merged.batch_norm.map({True: "bn", False: "no bn"}),
            merged.activation,
        ],
        names=["regularizer", "batch norm", "activation"],
    )
    columns = {
        ("models", "ours"): [
            f"{p:.0f}/{t:.0f}" if t > 0 else "not yet"
            for p, t in zip(merged.passed, merged.trained.fillna(0))
        ],
        # a study configuration missing from Table 1 is one none of whose 15 models passed
        ("models", "paper"): [
            f"{0 if p != p else p:.0f}/{MODELS_PER_CONFIGURATION}"
            if (r, b, a) in STUDY_CONFIGURATIONS
            else "–"
            for p, r, b, a in zip(
                merged.passed_paper,
                merged.regularizer,
                merged.batch_norm,
                merged.activation,
            )
        ],
    }
    for score in scores:
        columns[(labels.get(score, score), "ours")] = merged[score].to_numpy()
        columns[(labels.get(score, score), "paper")] = merged[
            f"{score}_paper"
        ].to_numpy()
    return pd.DataFrame(columns, index=index)


# ---------------------------------------------------------------------------------------------
# Chapter 9's comparisons: coverage of the study's grid, agreement of configuration means,
# paired activations and the study's claims (METHODS.md section 9).


def _check_columns(table: pd.DataFrame, columns, name: str = "the table") -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(
            f"{name} lacks the columns {missing}; it has {list(table.columns)}"
        )


def grid_coverage(table: pd.DataFrame, min_test_auroc: float) -> str:
    """How much of the study's grid a results table covers, as three lines of text.

    Parameters
    ----------
    table : pandas DataFrame
        One row per model: columns ``regularizer``, ``batch_norm``, ``activation``, ``seed``,
        ``test_auroc`` and ``passed_filter`` (``sweep.mark_filter``).
    min_test_auroc : float
        The filter's threshold, for the text.

    Returns
    -------
    str
        The models and configurations (of :data:`STUDY_CONFIGURATIONS`, and beyond), the seeds
        and models per configuration (next to :data:`MODELS_PER_CONFIGURATION`), and how many
        models pass the filter.

    Raises
    ------
    ValueError
        If the table is empty.
    KeyError
        If a column is missing.
    """
    _check_columns(table, _KEYS + ["seed", "test_auroc", "passed_filter"])
    if not len(table):
        raise ValueError("the results table is empty")
    per_config = table.groupby(_KEYS).size()
    covered = [c for c in STUDY_CONFIGURATIONS if c in per_config.index]
    extra = [c for c in per_config.index if c not in STUDY_CONFIGURATIONS]
    passing = table[table.passed_filter]
    beyond = f", plus {len(extra)} beyond the study" if extra else ""
    return "\n".join(
        [
            f"{len(table)} models in {len(per_config)} configurations: "
            f"{len(covered)} of the study's {len(STUDY_CONFIGURATIONS)}{beyond}",
            f"seeds {sorted(int(s) for s in table.seed.unique())}; "
            f"{per_config.min()} to {per_config.max()} models per configuration "
            f"(the study: {MODELS_PER_CONFIGURATION})",
            f"{len(passing)} of {len(table)} models pass the filter "
            f"(test AUROC >= {min_test_auroc}); test AUROC ranges "
            f"{table.test_auroc.min():.4f} to {table.test_auroc.max():.4f}",
        ]
    )


def with_table_1(
    ours: pd.DataFrame, theirs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Our configuration means joined with the paper's, configuration by configuration.

    Parameters
    ----------
    ours : pandas DataFrame
        One row per configuration (``sweep.configuration_summary``): columns ``regularizer``,
        ``batch_norm``, ``activation`` and scores.
    theirs : pandas DataFrame, optional
        The paper's table; default :func:`table_1`.

    Returns
    -------
    pandas DataFrame
        The configurations in both (inner join, in the order of ``ours``): our columns, then
        the paper's, those of the same name suffixed ``_paper`` (e.g. ``snr_paper``).

    Raises
    ------
    KeyError
        If ``ours`` lacks a configuration column.
    """
    _check_columns(ours, _KEYS, "ours")
    theirs = table_1() if theirs is None else theirs
    return ours.merge(theirs, on=_KEYS, suffixes=("", "_paper"))


def agreement_report(
    merged: pd.DataFrame,
    scores,
    labels: dict | None = None,
    ordered_by=("snr", "kattr_mean_kld"),
    min_configurations: int = 3,
    seed: int = 0,
) -> str:
    """How close our configuration means are to the paper's, as lines of text.

    Over the configurations with all ``scores`` in ours: how many there are, the mean
    difference (ours - paper) of each score, and, with at least ``min_configurations`` of
    them, whether we order the configurations by each ``ordered_by`` score as the paper does
    (Spearman's rho with a bootstrap CI, ``statistics.rank_correlation``).

    Parameters
    ----------
    merged : pandas DataFrame
        As returned by :func:`with_table_1`: columns ``score`` and ``score + "_paper"`` for
        every score.
    scores : sequence of str
        Score columns compared.
    labels : dict, optional
        Score column -> display name (default the column name).
    ordered_by : sequence of str
        Scores whose ordering of the configurations is compared.
    min_configurations : int
        Fewest configurations for a rank correlation.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        If a score or its ``_paper`` column is missing.
    """
    from . import statistics

    scores, labels = list(scores), labels or {}
    _check_columns(
        merged,
        scores + [f"{s}_paper" for s in scores + list(ordered_by)] + list(ordered_by),
        "merged",
    )
    matched = merged.dropna(subset=scores)
    lines = [f"{len(matched)} configurations have passing models in both tables"]
    if len(matched):
        gaps = ", ".join(
            f"{labels.get(s, s)} {(matched[s] - matched[s + '_paper']).mean():+.3f}"
            for s in scores
        )
        lines.append(f"mean difference, ours - paper: {gaps}")
    if len(matched) >= min_configurations:
        for score in ordered_by:
            agree = statistics.rank_correlation(
                matched[score], matched[f"{score}_paper"], seed=seed
            )
            lines.append(
                f"do we order the configurations by {labels.get(score, score)} as the "
                f"paper does? {agree}"
            )
    else:
        lines.append(
            f"ordering of configurations: fewer than {min_configurations} "
            "configurations to compare yet"
        )
    return "\n".join(lines)


def activation_pairs(table: pd.DataFrame, score: str = "snr") -> pd.DataFrame:
    """``score`` of models (or configurations) that differ only in the first-layer activation.

    Rows are matched on every other factor: regulariser, batch norm and, if the table has it,
    the seed (METHODS.md section 9: exponential against ReLU, on paired models).

    Parameters
    ----------
    table : pandas DataFrame
        One row per model (columns ``regularizer``, ``batch_norm``, ``activation``, ``seed``
        and ``score``) or per configuration (no ``seed``, e.g. :func:`table_1`).
    score : str
        The score compared.

    Returns
    -------
    pandas DataFrame
        One row per complete pair, indexed by the matched factors (sorted); columns
        ``exponential`` and ``relu``. Empty when no pair is complete.

    Raises
    ------
    KeyError
        If a column is missing.
    """
    index = ["regularizer", "batch_norm"] + (
        ["seed"] if "seed" in table.columns else []
    )
    _check_columns(table, index + ["activation", score])
    by = table.pivot_table(index=index, columns="activation", values=score)
    if not {"relu", "exponential"} <= set(by.columns):
        by = by.reindex(columns=["exponential", "relu"])
    return by.dropna()


def activation_means(
    passing: pd.DataFrame, theirs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Mean attribution SNR per first-layer activation, ours next to the paper's.

    Ours is the mean over our passing models; the paper's is Table 1's configuration means
    weighted by their trials (the models that passed), which is the mean over its passing
    models.

    Parameters
    ----------
    passing : pandas DataFrame
        Our passing models: columns ``activation`` and ``snr``.
    theirs : pandas DataFrame, optional
        The paper's table; default :func:`table_1`.

    Returns
    -------
    pandas DataFrame
        One row per activation; columns "ours: models", "ours: mean SNR", "paper: models" and
        "paper: mean SNR" (NaN where one side has no model of that activation).

    Raises
    ------
    KeyError
        If a column is missing.
    """
    _check_columns(passing, ["activation", "snr"], "passing")
    theirs = table_1() if theirs is None else theirs
    per_activation = passing.groupby("activation")["snr"].agg(["size", "mean"])
    sums = (
        theirs.assign(weighted=theirs.passed * theirs.snr)
        .groupby("activation")[["passed", "weighted"]]
        .sum()
    )
    paper_means = pd.DataFrame(
        {"size": sums.passed, "mean": sums.weighted / sums.passed}
    )
    out = pd.concat({"ours": per_activation, "paper": paper_means}, axis=1)
    out.columns = [
        f"{who}: {'models' if c == 'size' else 'mean SNR'}" for who, c in out.columns
    ]
    return out


#: The verdict of a claim that has too few models (or pairs) to be computed.
TOO_FEW = "not enough models yet"


def claims(
    table: pd.DataFrame,
    ours,
    papers,
    theirs: pd.DataFrame | None = None,
    labels: dict | None = None,
    min_models: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """The study's claims (METHODS.md section 9), with our verdict on each.

    Each claim is computed on our passing models and on the paper's Table 1, with whether
    our numbers support it.

    The verdict is "yes" when the 95% bootstrap interval excludes the opposite, "no" when it
    points the other way, "inconclusive" otherwise (``statistics.ci_verdict``), and
    :data:`TOO_FEW` with fewer than ``min_models`` passing models (or activation pairs). A
    "wide" spread of SNR means the best passing model has at least twice the SNR of the worst
    (inconclusive if an SNR is <= 0); "similar test AUROC" means every passing model lies in
    0.97-0.99. Whether one metric tracks SNR more tightly than another is the difference of
    their Spearman correlations, with a paired bootstrap (``statistics.spearman_difference``).

    Parameters
    ----------
    table : pandas DataFrame
        All our models: columns ``regularizer``, ``batch_norm``, ``activation``, ``seed``,
        ``passed_filter``, ``test_auroc``, ``snr``, ``kmer_kld`` and ``kattr_mean_kld``.
    ours : dict or None
        The correlations of the passing models, as returned by ``statistics.correlations``
        (``{"Spearman": DataFrame, ...}`` with rows ``x`` = "kmer_kld" and "kattr_mean_kld"
        against SNR), or None when there were too few models.
    papers : dict
        The same for the paper's configuration means.
    theirs : pandas DataFrame, optional
        The paper's table; default :func:`table_1`.
    labels : dict, optional
        Score column -> display name, for "k-mer KLD" and "k-attr-mean KLD".
    min_models : int
        Fewest models (or pairs) for an interval.
    seed : int
        Seed of the bootstraps.

    Returns
    -------
    pandas DataFrame
        Indexed by "claim (METHODS.md section 9)", one row per claim; columns "ours (passing
        models)", "paper (Table 1)" and "supported by ours" (text).

    Raises
    ------
    KeyError
        If a column of ``table`` is missing.
    """
    from . import statistics

    _check_columns(
        table,
        _KEYS
        + ["seed", "passed_filter", "test_auroc", "snr", "kmer_kld", "kattr_mean_kld"],
    )
    theirs = table_1() if theirs is None else theirs
    labels = labels or {}
    rho = "ρ {0.spearman_rho:+.2f} ({0.ci_low:+.2f} to {0.ci_high:+.2f})"
    difference = "ρ difference {0:+.2f} ({1:+.2f} to {2:+.2f})"
    passing = table[table.passed_filter]
    enough = ours is not None
    auroc_range = (
        f"{passing.test_auroc.min():.3f}-{passing.test_auroc.max():.3f}"
        if len(passing)
        else "–"
    )
    if not enough:
        similar = spread = TOO_FEW
    else:
        similar = "yes" if passing.test_auroc.between(0.97, 0.99).all() else "no"
        spread = (
            "inconclusive (an SNR <= 0)"
            if passing.snr.min() <= 0
            else "yes"
            if passing.snr.max() >= 2 * passing.snr.min()
            else "no"
        )
    pairs = activation_pairs(table)
    diff = pairs["exponential"] - pairs["relu"]
    paper_pairs = activation_pairs(theirs)
    paper_diff = paper_pairs["exponential"] - paper_pairs["relu"]
    ours_diff = f"{len(diff)} pair(s)"
    if len(diff) >= min_models:
        d_mean, d_lo, d_hi = statistics.mean_with_ci(diff, seed=seed)
        ours_diff += f"; mean difference {d_mean:+.2f} ({d_lo:+.2f} to {d_hi:+.2f})"
    rows = [
        (
            "models of similar test AUROC, 0.97-0.99",
            f"{len(passing)} of {len(table)} pass; test AUROC {auroc_range}",
            f"{theirs.passed.sum()} models; configuration means "
            f"{theirs.test_auroc.min():.3f}-{theirs.test_auroc.max():.3f}",
            similar,
        ),
        (
            "a wide spread of attribution SNR",
            f"SNR {passing.snr.min():.2f} to {passing.snr.max():.2f}"
            if len(passing)
            else "–",
            f"configuration means {theirs.snr.min():.2f} to {theirs.snr.max():.2f}",
            spread,
        ),
        (
            "exponential first layer gives higher SNR than ReLU",
            ours_diff,
            f"{(paper_diff > 0).sum()} of {len(paper_diff)} configurations; "
            f"mean {paper_diff.mean():+.2f}",
            TOO_FEW if len(diff) < min_models else statistics.ci_verdict(d_lo, d_hi),
        ),
    ]
    for metric in ("kmer_kld", "kattr_mean_kld"):
        r = ours["Spearman"].set_index("x").loc[metric] if enough else None
        rows.append(
            (
                f"{labels.get(metric, metric)} rises with SNR",
                "–" if r is None else rho.format(r),
                rho.format(papers["Spearman"].set_index("x").loc[metric]),
                TOO_FEW if r is None else statistics.ci_verdict(r.ci_low, r.ci_high),
            )
        )
    for a, b, claim in (
        (
            "kattr_mean_kld",
            "kmer_kld",
            "k-attr-mean tracks SNR more tightly than k-mer",
        ),
        (
            "kattr_mean_kld",
            "test_auroc",
            "test AUROC barely tracks SNR (less than k-attr-mean)",
        ),
    ):
        theirs_d = statistics.spearman_difference(
            theirs[a], theirs[b], theirs.snr, seed=seed
        )
        ours_d = (
            statistics.spearman_difference(
                passing[a], passing[b], passing.snr, seed=seed
            )
            if enough
            else None
        )
        rows.append(
            (
                claim,
                "–" if ours_d is None else difference.format(*ours_d),
                difference.format(*theirs_d),
                TOO_FEW
                if ours_d is None
                else statistics.ci_verdict(ours_d[1], ours_d[2]),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "claim (METHODS.md section 9)",
            "ours (passing models)",
            "paper (Table 1)",
            "supported by ours",
        ],
    ).set_index("claim (METHODS.md section 9)")
