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
