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


def test_missing_committed_table_names_what_exists():
    with pytest.raises(FileNotFoundError, match="study_grid"):
        sweep.committed_results("nope")
