"""The committed results of long runs (acme_utils/results/): schema, consistency and provenance.

These tables are produced by ``python -m acme_utils.sweep`` and read by chapters 2 and 9 by
default, so a malformed or inconsistent commit must fail the suite.
"""

import re

import numpy as np
import pytest

from acme_utils import sweep, training
from acme_utils.regularizers import REGULARIZERS

#: The columns the study-grid table must have (issue: one row per model).
REQUIRED = [
    "model",
    "regularizer",
    "recipe",
    "activation",
    "batch_norm",
    "seed",
    "test_auroc",
    "test_aupr",
    "passed_filter",
    "snr",
    "attr_auroc",
    "attr_aupr",
    "kmer_kld",
    "kattr_mean_kld",
    "n_sequences",
    "train_seconds",
    "model_key",
    "best_epoch",
    "stopped_epoch",
    "history",
    "method",
]


@pytest.mark.parametrize("name", ["study_grid", "recipes"])
def test_committed_table_schema_and_consistency(name):
    table, meta = sweep.committed_results(name)
    assert len(table) > 0
    missing = set(REQUIRED) - set(table.columns)
    assert not missing, f"{name}.csv lacks {sorted(missing)}"
    assert table.model_key.is_unique and table.model.is_unique
    assert set(table.regularizer) <= set(REGULARIZERS) and set(table.recipe) <= set(
        training.RECIPES
    )
    assert set(table.activation) <= {"relu", "exponential"} and set(table.method) == {
        "saliency"
    }
    assert table.n_sequences.nunique() == 1  # every model scored on the same sequences
    for col in ("test_auroc", "test_aupr", "attr_auroc", "attr_aupr"):
        assert table[col].between(0, 1).all(), col
    assert (table.kmer_kld >= 0).all() and (
        table.kattr_mean_kld >= 0
    ).all()  # KL divergences
    assert np.isfinite(table.snr).all() and (table.train_seconds > 0).all()
    assert (table.passed_filter == (table.test_auroc >= sweep.MIN_TEST_AUROC)).all()
    # labels follow the grid points (so a row can be found and retrained from its columns)
    assert [
        sweep.spec_of_row(r).label for _, r in table.iterrows()
    ] == table.model.tolist()
    for _, row in table.iterrows():
        h = sweep.row_history(row)
        assert (
            len(h["val_auroc"]) == row.stopped_epoch
            and 1 <= row.best_epoch <= row.stopped_epoch
        )
        assert max(h["val_auroc"][row.best_epoch - 1 :]) == pytest.approx(
            h["val_auroc"][row.best_epoch - 1]
        )


@pytest.mark.parametrize("name", ["study_grid", "recipes"])
def test_committed_table_provenance(name):
    table, meta = sweep.committed_results(name)
    assert meta["command"].startswith("python -m acme_utils.sweep --results")
    assert re.fullmatch(r"[0-9a-f]{40}", meta["commit"] or ""), (
        "provenance must name the commit"
    )
    for pkg in ("acme_utils", "tensorflow", "keras", "numpy"):
        assert meta["packages"][pkg], pkg
    assert (
        meta["machine"]["cores"] >= 1
        and meta["wall_seconds_total"] > 0
        and meta["runs"]
    )
    assert meta["models_trained"] == len(table)
    assert meta["models_passed"] == int(table.passed_filter.sum())
    assert meta["train_seconds_total"] == pytest.approx(
        table.train_seconds.sum(), abs=1.0
    )


def test_study_grid_is_the_study_protocol():
    table, _ = sweep.committed_results("study_grid")
    assert set(table.regularizer) <= set(
        sweep.STUDY_REGULARIZERS
    )  # no priors pooled in
    assert set(table.recipe) == {training.STUDY_RECIPE}


def test_adversarial_short_warmup_is_the_superseded_schedule():
    # chapter 7's evidence for the 30-epoch warm-up: the first adversarial grid rows, trained
    # with METHODS.md's 5/20 schedule by the sweep command, kept unchanged
    table, meta = sweep.committed_results("adversarial_short_warmup")
    grid, _ = sweep.committed_results("study_grid")
    assert len(table) == meta["models_trained"] > 0
    assert set(table.regularizer) == {"adversarial"}
    assert set(table.recipe) == {training.STUDY_RECIPE}
    assert not set(table.model_key) & set(grid.model_key)  # superseded, not in the grid
    assert meta["regularizer_options"]["clean_epochs"] == 5
    assert meta["regularizer_options"]["mixed_until"] == 20
    assert REGULARIZERS["adversarial"]["clean_epochs"] > 5  # what the book uses now
    assert all(
        run["command"].startswith("python -m acme_utils.sweep --results")
        for run in meta["runs"]
    )
    assert re.fullmatch(r"[0-9a-f]{40}", meta["commit"])
    assert meta["wall_seconds_total"] == pytest.approx(
        table.train_seconds.sum(), abs=1.0
    )
    for _, row in table.iterrows():
        h = sweep.row_history(row)
        assert len(h["loss"]) == row.stopped_epoch
        # kept from epoch 6 on (after the clean warm-up), as that schedule selected
        assert 6 <= row.best_epoch <= row.stopped_epoch


def test_missing_committed_table_names_what_exists():
    with pytest.raises(FileNotFoundError, match="study_grid"):
        sweep.committed_results("nope")


# ------------------------------------------------ the motif recovery of the study grid (issue 13)


def test_committed_motif_recovery_schema_and_consistency():
    from acme_utils import motifs
    from acme_utils.data import CORE_MOTIFS

    table, _ = sweep.committed_results(motifs.RESULTS_NAME)
    grid, _ = sweep.committed_results("study_grid")
    q_columns = [f"q_{name}" for name in CORE_MOTIFS]
    required = [
        "model",
        "model_key",
        "regularizer",
        "activation",
        "batch_norm",
        "seed",
        "method",
        "n_sequences",
        "n_patterns",
        "n_core_found",
        "n_false",
        "core_found",
        "mean_neg_log10_q",
        "seconds",
        "note",
        "test_auroc",
        "snr",
        "kmer_kld",
        "kattr_mean_kld",
        *q_columns,
    ]
    missing = set(required) - set(table.columns)
    assert not missing, f"motif_recovery.csv lacks {sorted(missing)}"
    assert len(table) > 0 and table.model_key.is_unique
    # every row is a model of the grid, with the grid's scores
    merged = table.merge(grid, on="model_key", suffixes=("", "_grid"))
    assert len(merged) == len(table)
    for col in ("model", "regularizer", "activation", "seed", "n_sequences"):
        assert (merged[col] == merged[f"{col}_grid"]).all(), col
    for col in ("test_auroc", "snr", "kmer_kld", "kattr_mean_kld"):
        assert np.allclose(merged[col], merged[f"{col}_grid"]), col
    assert set(table.method) == {"saliency"}
    q = table[q_columns].to_numpy(dtype=float)
    assert ((q >= 0) & (q <= 1)).all()
    found = (q <= motifs.MOTIF_Q_THRESHOLD).sum(axis=1)
    assert (table.n_core_found == found).all()
    assert table.n_core_found.between(0, len(CORE_MOTIFS)).all()
    assert ((table.n_false >= 0) & (table.n_false <= table.n_patterns)).all()
    assert (table.n_core_found <= table.n_patterns).all()
    names = table.core_found.fillna("").str.split(", ")
    assert [len([n for n in row if n]) for row in names] == found.tolist()
    log_q = np.log10(np.maximum(q, 1e-300))
    assert np.allclose(table.mean_neg_log10_q, -log_q.mean(axis=1))


def test_committed_motif_recovery_provenance():
    from acme_utils import motifs

    table, meta = sweep.committed_results(motifs.RESULTS_NAME)
    grid, _ = sweep.committed_results("study_grid")
    assert meta["command"].startswith("python -m acme_utils.motifs recover")
    assert re.fullmatch(r"[0-9a-f]{40}", meta["commit"] or ""), (
        "provenance must name the commit"
    )
    for pkg in ("acme_utils", "tensorflow", "numpy", "modisco-lite", "memelite"):
        assert meta["packages"][pkg], pkg
    assert meta["machine"]["cores"] >= 1 and meta["wall_seconds_total"] > 0
    assert meta["models_recovered"] == len(table)
    # every model of the grid is either in the table or named as skipped
    assert sorted(table.model.tolist() + meta["models_skipped"]) == sorted(grid.model)
    assert meta["settings"] == motifs.MODISCO_SETTINGS
    assert meta["q_threshold"] == motifs.MOTIF_Q_THRESHOLD
