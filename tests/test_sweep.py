"""Model-selection sweeps (acme_utils.sweep): the grid, an end-to-end sweep, resuming, and the CLI.

Everything runs on a tiny private dataset with one-epoch models, so the module stays fast; models
and attribution maps go through the session cache, so later tests mostly load them.
"""

import contextlib
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from acme_utils import data as D, scorecard, sweep, training
from acme_utils.regularizers import REGULARIZERS
from acme_utils.sweep import main, model_grid, read_results, run_sweep
from acme_utils.training import ModelSpec

FAST = {"epochs": 1, "patience": 1, "n_sequences": 20}
COLUMNS = [
    "regularizer",
    "activation",
    "batch_norm",
    "seed",
    "test_auroc",
    "test_aupr",
    "snr",
    "attr_auroc",
    "attr_aupr",
    "kmer_kld",
    "kattr_mean_kld",
    "model_key",
    "n_sequences",
    "method",
    "best_epoch",
    "train_seconds",
]
NUMERIC = [
    "test_auroc",
    "test_aupr",
    "snr",
    "attr_auroc",
    "attr_aupr",
    "kmer_kld",
    "kattr_mean_kld",
    "train_seconds",
]


@pytest.fixture(scope="module")
def tiny(cache_dir):
    return D.generate_dataset(n_per_class=150, seed=5, cache_dir=cache_dir)


@pytest.fixture(scope="module")
def grid2():
    return model_grid(["none", "mixup"], ["relu"], [True], [0])


class _Counter:
    """Wraps ``training.train_model`` (as the sweep module sees it) and records what it returned."""

    def __init__(self, monkeypatch):
        self.original = sweep.training.train_model
        self.results = []
        monkeypatch.setattr(sweep.training, "train_model", self)

    def __call__(self, *args, **kwargs):
        out = self.original(*args, **kwargs)
        self.results.append(out)
        return out

    def __len__(self):
        return len(self.results)


@pytest.fixture(scope="module")
def two_model_sweep(tiny, grid2, cache_dir, tmp_path_factory):
    """One end-to-end sweep of two configurations, with its results file and printed progress."""
    path = tmp_path_factory.mktemp("sweep") / "results.csv"
    trained = []
    original = training.train_model

    def record(*args, **kwargs):
        out = original(*args, **kwargs)
        trained.append(out)
        return out

    mp = pytest.MonkeyPatch()
    mp.setattr(sweep.training, "train_model", record)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            table = run_sweep(
                tiny,
                grid2,
                results_path=path,
                cache_dir=cache_dir,
                verbose=True,
                **FAST,
            )
    finally:
        mp.undo()
    return table, path, trained, out.getvalue()


# --- model_grid -------------------------------------------------------------------------------


def test_grid_size_is_the_product_of_the_factors_and_regularizer_major():
    regs, acts, bns, seeds = (
        ["none", "mixup", "tv_prior"],
        ["relu", "exponential"],
        [True, False],
        [0, 1, 2],
    )
    grid = model_grid(regs, acts, bns, seeds)
    assert len(grid) == 3 * 2 * 2 * 3
    assert all(isinstance(s, ModelSpec) for s in grid)
    expected = [
        ModelSpec(r, a, b, s) for r in regs for a in acts for b in bns for s in seeds
    ]
    assert grid == expected
    assert [s.regularizer for s in grid[:12]] == ["none"] * 12  # regulariser-major
    assert [s.seed for s in grid[:3]] == [0, 1, 2]  # seeds vary fastest
    assert len(set(grid)) == len(grid)


def test_default_grid_is_the_study_without_the_priors():
    grid = model_grid()
    regs = sweep.STUDY_REGULARIZERS
    assert not set(sweep.PRIORS) & {
        s.regularizer for s in grid
    }  # the priors are a separate comparison
    assert len(grid) == len(regs) * 2 * 2 * 1
    assert list(dict.fromkeys(s.regularizer for s in grid)) == list(regs)
    assert set(regs) <= set(REGULARIZERS)
    assert {s.activation for s in grid} == {"relu", "exponential"} and {
        s.batch_norm for s in grid
    } == {True, False}


def test_grid_accepts_tuples_ranges_and_normalises_types():
    grid = model_grid(("none",), ("relu",), (1, 0), range(2))
    assert grid == [
        ModelSpec("none", "relu", True, 0),
        ModelSpec("none", "relu", True, 1),
        ModelSpec("none", "relu", False, 0),
        ModelSpec("none", "relu", False, 1),
    ]
    assert all(type(s.batch_norm) is bool and type(s.seed) is int for s in grid)
    assert model_grid(["none"], ["relu"], [True], [np.int64(3)])[0].seed == 3


def test_labels():
    assert ModelSpec("mixup", "relu", True, 2).label == "relu+bn mixup seed 2"
    assert (
        ModelSpec("none", "exponential", False, 0).label == "exponential seed 0"
    )  # as train_model names it


def test_model_spec_is_frozen():
    with pytest.raises(AttributeError):
        ModelSpec("none", "relu", True, 0).seed = 1


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"regularizers": ["none", "dropconnect"]}, "dropconnect"),
        ({"regularizers": ["none", "dropconnect"]}, "unknown regularizer"),
        ({"activations": ["relu", "gelu"]}, "gelu"),
        ({"activations": ["relu", "gelu"]}, "unknown activation"),
        ({"regularizers": []}, "regularizers must be a non-empty list"),
        ({"activations": []}, "activations must be a non-empty list"),
        ({"batch_norm": []}, "batch_norm must be a non-empty list"),
        ({"seeds": []}, "seeds must be a non-empty list"),
        ({"regularizers": "mixup"}, "regularizers must be a non-empty list"),
        ({"activations": "relu"}, "activations must be a non-empty list"),
        ({"seeds": [0, -1]}, "non-negative"),
        ({"seeds": [0.5]}, "non-negative integers"),
    ],
)
def test_grid_errors(kwargs, match):
    args = {
        "regularizers": ["none"],
        "activations": ["relu"],
        "batch_norm": [True],
        "seeds": [0],
        **kwargs,
    }
    with pytest.raises(ValueError, match=match):
        model_grid(**args)


# --- an end-to-end sweep ----------------------------------------------------------------------


def test_sweep_returns_one_row_per_grid_point_in_order(two_model_sweep, grid2):
    table, _, trained, _ = two_model_sweep
    assert len(table) == 2 and list(table.index) == [0, 1]
    assert set(COLUMNS) <= set(table.columns)
    assert list(table.regularizer) == ["none", "mixup"]
    assert list(table.activation) == ["relu", "relu"] and list(table.batch_norm) == [
        True,
        True,
    ]
    assert list(table.seed) == [0, 0]
    # each row is keyed by the cache key of the model that was actually trained for it
    assert [t.key for t in trained] == list(table.model_key)
    assert table.model_key.nunique() == 2
    assert [t.train_config.get("regularizer", "none") for t in trained] == [
        "none",
        "mixup",
    ]
    assert list(table.test_auroc) == [t.test_metrics["auroc"] for t in trained]


def test_sweep_values_are_finite_and_in_range(two_model_sweep):
    table = two_model_sweep[0]
    assert np.isfinite(table[NUMERIC].to_numpy(dtype=float)).all()
    assert table.test_auroc.between(0, 1).all() and table.test_aupr.between(0, 1).all()
    assert table.attr_auroc.between(0, 1).all() and table.attr_aupr.between(0, 1).all()
    assert (table.kmer_kld >= 0).all() and (table.kattr_mean_kld >= 0).all()
    assert (table.n_sequences == 20).all() and (table.method == "saliency").all()
    assert (table.best_epoch == 1).all() and (table.train_seconds > 0).all()


def test_sweep_row_matches_scoring_the_model_directly(two_model_sweep, tiny, cache_dir):
    table, _, trained, _ = two_model_sweep
    direct = scorecard.score_model(
        trained[1], tiny, n_sequences=20, cache_dir=cache_dir
    )
    row = table.iloc[1]
    for k, v in direct.items():
        assert row[k] == v, k
    assert row.best_epoch == trained[1].history["best_epoch"]
    assert row.train_seconds == pytest.approx(
        float(np.sum(trained[1].history["seconds"]))
    )


def test_results_file_equals_the_returned_table_and_no_temp_files_are_left(
    two_model_sweep,
):
    table, path, _, _ = two_model_sweep
    on_disk = read_results(path)
    pd.testing.assert_frame_equal(
        on_disk, table, check_dtype=False, check_exact=False, rtol=1e-12
    )
    assert list(on_disk.columns) == list(table.columns)
    assert sorted(p.name for p in path.parent.iterdir()) == ["results.csv"]


def test_sweep_prints_progress(two_model_sweep):
    out = two_model_sweep[3]
    assert (
        "1/2 done, 0 passed, 0 failed, ETA" in out
        and "| relu+bn seed 0: trained" in out
    )
    assert "2/2 done" in out and "| relu+bn mixup seed 0: trained" in out
    assert "test AUROC" in out and "SNR" in out


def test_read_results_of_a_missing_file_is_empty(tmp_path):
    table = read_results(tmp_path / "nope.csv")
    assert isinstance(table, pd.DataFrame) and len(table) == 0


def test_sweep_without_results_path_writes_nothing_and_gives_the_same_table(
    two_model_sweep, tiny, grid2, cache_dir, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    table = run_sweep(
        tiny, grid2, cache_dir=cache_dir, verbose=False, **FAST
    )  # models and maps are cached
    assert list(tmp_path.iterdir()) == []
    pd.testing.assert_frame_equal(table, two_model_sweep[0])


# --- resuming ---------------------------------------------------------------------------------


def test_interrupted_sweep_resumes_without_redoing_finished_models(
    tiny, grid2, cache_dir, tmp_path, monkeypatch, capsys
):
    path = tmp_path / "results.csv"
    original_score = sweep.score_model
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("simulated interruption")
        return original_score(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(sweep, "score_model", fail_on_second)
        with pytest.raises(RuntimeError, match="simulated"):
            run_sweep(
                tiny,
                grid2,
                results_path=path,
                cache_dir=cache_dir,
                verbose=False,
                **FAST,
            )
    partial = read_results(path)
    assert len(partial) == 1 and partial.regularizer.tolist() == ["none"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]

    counter = _Counter(monkeypatch)
    scored = []
    monkeypatch.setattr(
        sweep,
        "score_model",
        lambda *a, **k: scored.append(1) or original_score(*a, **k),
    )
    capsys.readouterr()
    resumed = run_sweep(
        tiny, grid2, results_path=path, cache_dir=cache_dir, verbose=True, **FAST
    )
    out = capsys.readouterr().out
    assert len(counter) == 1 and len(scored) == 1
    assert counter.results[0].train_config["regularizer"] == "mixup"
    assert (
        "1/2 done" in out and "| relu+bn seed 0: already scored in results.csv" in out
    )
    assert "2/2 done" in out and "| relu+bn mixup seed 0:" in out
    assert list(resumed.regularizer) == ["none", "mixup"]
    pd.testing.assert_frame_equal(resumed.iloc[:1], partial, check_dtype=False)
    pd.testing.assert_frame_equal(
        read_results(path), resumed, check_dtype=False, check_exact=False, rtol=1e-12
    )

    counter.results.clear()
    again = run_sweep(
        tiny, grid2, results_path=path, cache_dir=cache_dir, verbose=False, **FAST
    )
    assert len(counter) == 0 and len(scored) == 1
    pd.testing.assert_frame_equal(
        again, resumed, check_dtype=False, check_exact=False, rtol=1e-12
    )
    assert len(read_results(path)) == 2


def test_a_sub_grid_is_answered_from_the_results_file(
    two_model_sweep, tiny, cache_dir, tmp_path, monkeypatch
):
    table, path, _, _ = two_model_sweep
    copy = tmp_path / "results.csv"
    copy.write_bytes(path.read_bytes())
    counter = _Counter(monkeypatch)
    one = run_sweep(
        tiny,
        model_grid(["mixup"], ["relu"], [True], [0]),
        results_path=copy,
        cache_dir=cache_dir,
        verbose=False,
        **FAST,
    )
    assert len(counter) == 0  # a sub-grid is answered entirely from the file
    pd.testing.assert_frame_equal(
        one,
        table.iloc[[1]].reset_index(drop=True),
        check_dtype=False,
        check_exact=False,
        rtol=1e-12,
    )
    assert len(read_results(copy)) == 2  # and the file is not rewritten with fewer rows


def test_changing_n_sequences_rescores_with_the_cached_models(
    two_model_sweep, tiny, grid2, cache_dir, tmp_path, monkeypatch
):
    table20, path, _, _ = two_model_sweep
    copy = tmp_path / "results.csv"
    copy.write_bytes(path.read_bytes())
    counter = _Counter(monkeypatch)
    table10 = run_sweep(
        tiny,
        grid2,
        results_path=copy,
        cache_dir=cache_dir,
        verbose=False,
        **{**FAST, "n_sequences": 10},
    )
    assert len(counter) == 2 and all(
        t.from_cache for t in counter.results
    )  # re-scored, not re-trained
    assert (table10.n_sequences == 10).all()
    assert list(table10.model_key) == list(table20.model_key)
    assert list(table10.test_auroc) == list(table20.test_auroc)  # same models
    assert list(table10.kmer_kld) != list(table20.kmer_kld)  # different maps
    on_disk = read_results(copy)
    assert len(on_disk) == 4 and sorted(on_disk.n_sequences) == [10, 10, 20, 20]


def test_n_sequences_none_and_too_many_mean_the_same_rows(
    tiny, cache_dir, tmp_path, monkeypatch
):
    grid = model_grid(["none"], ["relu"], [True], [0])
    path = tmp_path / "results.csv"
    n_pos = len(tiny.test.positives)
    first = run_sweep(
        tiny,
        grid,
        results_path=path,
        cache_dir=cache_dir,
        verbose=False,
        **{**FAST, "n_sequences": None},
    )
    assert first.n_sequences.tolist() == [n_pos]
    counter = _Counter(monkeypatch)
    second = run_sweep(
        tiny,
        grid,
        results_path=path,
        cache_dir=cache_dir,
        verbose=False,
        **{**FAST, "n_sequences": 10 * n_pos},
    )
    assert len(counter) == 0 and len(read_results(path)) == 1
    assert second.n_sequences.tolist() == [n_pos]


# --- errors -----------------------------------------------------------------------------------


def test_empty_grid_raises(tiny, tmp_path):
    with pytest.raises(ValueError, match="empty"):
        run_sweep(tiny, [], results_path=tmp_path / "r.csv", verbose=False, **FAST)
    assert not (tmp_path / "r.csv").exists()


def test_results_file_without_the_key_columns_raises_naming_it(
    tiny, grid2, tmp_path, monkeypatch
):
    path = tmp_path / "not_a_sweep.csv"
    pd.DataFrame({"model_key": ["abc"], "auroc": [0.5]}).to_csv(path, index=False)
    counter = _Counter(monkeypatch)
    with pytest.raises(ValueError, match="not_a_sweep.csv") as err:
        run_sweep(tiny, grid2, results_path=path, verbose=False, **FAST)
    assert "method" in str(err.value) and "n_sequences" in str(err.value)
    assert len(counter) == 0
    assert pd.read_csv(path).columns.tolist() == [
        "model_key",
        "auroc",
    ]  # left untouched


def test_bad_n_sequences_raises_before_training(tiny, grid2, monkeypatch):
    counter = _Counter(monkeypatch)
    with pytest.raises(ValueError, match="n_sequences"):
        run_sweep(tiny, grid2, verbose=False, epochs=1, patience=1, n_sequences=0)
    assert len(counter) == 0


def test_read_results_keeps_model_keys_as_strings(tmp_path):
    path = tmp_path / "results.csv"
    pd.DataFrame(
        {"model_key": ["0123456789012345"], "method": ["saliency"], "n_sequences": [20]}
    ).to_csv(path, index=False)
    assert read_results(path).model_key.tolist() == ["0123456789012345"]


# --- command line -----------------------------------------------------------------------------

CLI = [
    "--regularizers",
    "none",
    "--activations",
    "relu",
    "--batch-norm",
    "on",
    "--n-per-class",
    "150",
    "--data-seed",
    "5",
    "--epochs",
    "1",
    "--patience",
    "1",
    "--n-sequences",
    "20",
    "--engine",
    "sequential",
]


def test_cli_runs_a_one_model_sweep(
    two_model_sweep, cache_dir, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("ACME_CACHE_DIR", str(cache_dir))
    counter = _Counter(monkeypatch)
    path = tmp_path / "cli.csv"
    table = main(["--results", str(path), "--seeds", "1", *CLI])
    out = capsys.readouterr().out
    assert "sweep of 1 models" in out and "1/1 done" in out and "relu+bn seed 0" in out
    on_disk = read_results(path)
    assert len(on_disk) == 1 and len(table) == 1
    pd.testing.assert_frame_equal(
        on_disk, table, check_dtype=False, check_exact=False, rtol=1e-12
    )
    # same data, model and scoring as the sweep above: the model came from the shared cache
    assert len(counter) == 1 and counter.results[0].from_cache
    row, expected = on_disk.iloc[0], two_model_sweep[0].iloc[0]
    assert row.model_key == expected.model_key and row.n_sequences == 20
    assert row.test_auroc == pytest.approx(
        expected.test_auroc
    ) and row.snr == pytest.approx(expected.snr)


@pytest.mark.parametrize(
    "bad", [["--seeds", "0"], ["--seeds", "-2"], ["--batch-norm", "maybe"], []]
)
def test_cli_rejects_bad_arguments(bad, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACME_CACHE_DIR", str(tmp_path / "cache"))
    counter = _Counter(monkeypatch)
    results = (
        [] if bad == [] else ["--results", str(tmp_path / "r.csv")]
    )  # [] : --results is required
    with pytest.raises(SystemExit) as exc:
        main([*results, *CLI, *bad])
    assert exc.value.code != 0
    assert len(counter) == 0 and not (tmp_path / "r.csv").exists()
    assert "error" in capsys.readouterr().err


def test_model_grid_rejects_repeated_values():
    with pytest.raises(ValueError, match="repeated"):
        sweep.model_grid(["none"], ["relu"], [True], [0, 0])


def test_read_results_of_an_empty_file_is_an_empty_table(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert sweep.read_results(path).empty


def test_contrasting_pair_and_regularizer_ranking_on_a_hand_made_table():
    table = pd.DataFrame(
        {
            "regularizer": ["none", "mixup", "none", "mixup"],
            "test_auroc": [0.950, 0.952, 0.900, 0.949],
            "snr": [0.2, 1.5, 3.0, 0.1],
        }
    )
    # rows 0, 1 and 3 are within 0.005 of each other; among them rows 1 (1.5) and 3 (0.1) differ most
    assert sweep.contrasting_pair(table, auroc_tolerance=0.005) == (1, 3)
    with pytest.raises(ValueError, match="raise auroc_tolerance"):
        sweep.contrasting_pair(table, auroc_tolerance=0.0001)
    # the showcase pair is looked for among the models that pass the filter (rows 0, 1, 3 at
    # 0.949): rows 1 and 3 again; with a filter only one model passes, so all four are the pool
    pair = sweep.showcase_pair(table, min_test_auroc=0.949, auroc_tolerance=0.005)
    assert list(pair.snr) == [1.5, 0.1] and pair.passed_filter.all()
    pair = sweep.showcase_pair(table, min_test_auroc=0.951, auroc_tolerance=0.06)
    assert list(pair.snr) == [
        3.0,
        0.1,
    ]  # 0.900 vs 0.949: within 0.06, and the widest SNR gap
    ranking = sweep.regularizer_ranking(table, "snr")
    assert list(ranking.index) == ["none", "mixup"] and ranking[
        "none"
    ] == pytest.approx(1.6)
    with pytest.raises(KeyError, match="attr"):
        sweep.regularizer_ranking(table, "attr")


# --- the performance filter and per-configuration means -----------------------------------------


def _hand_table():
    # two configurations; "a" has one model below 0.97, "b" has none that passes
    return pd.DataFrame(
        {
            "regularizer": ["none", "none", "none", "mixup"],
            "batch_norm": [True, True, True, False],
            "activation": ["relu", "relu", "relu", "exponential"],
            "test_auroc": [0.98, 0.96, 0.97, 0.90],
            "snr": [1.0, 9.0, 2.0, 5.0],
            "kmer_kld": [0.5, 0.1, 0.7, 0.3],
            "kattr_mean_kld": [0.2, 0.0, 0.4, 0.6],
        }
    )


def test_mark_filter_keeps_models_at_or_above_the_threshold():
    marked = sweep.mark_filter(_hand_table())
    assert marked.passed_filter.tolist() == [
        True,
        False,
        True,
        False,
    ]  # 0.97 itself passes
    assert "passed_filter" not in _hand_table().columns  # a copy, not in place
    assert sweep.mark_filter(_hand_table(), 0.95).passed_filter.tolist() == [
        True,
        True,
        True,
        False,
    ]
    with pytest.raises(ValueError, match="NaN"):
        sweep.mark_filter(_hand_table().assign(test_auroc=[0.98, np.nan, 0.97, 0.9]))
    with pytest.raises(KeyError, match="test_auroc"):
        sweep.mark_filter(_hand_table().drop(columns="test_auroc"))


def test_configuration_summary_counts_and_averages_the_passing_models():
    summary = sweep.configuration_summary(sweep.mark_filter(_hand_table()))
    by = summary.set_index(["regularizer", "batch_norm", "activation"])
    a, b = by.loc[("none", True, "relu")], by.loc[("mixup", False, "exponential")]
    assert (a.trained, a.passed) == (3, 2) and (b.trained, b.passed) == (1, 0)
    # hand-worked: the passing models of "a" are rows 0 and 2
    assert a.snr == pytest.approx(1.5) and a.kmer_kld == pytest.approx(0.6)
    assert a.kattr_mean_kld == pytest.approx(0.3) and a.test_auroc == pytest.approx(
        0.975
    )
    assert np.isnan(b.snr)  # nothing passed: no mean
    everyone = sweep.configuration_summary(
        sweep.mark_filter(_hand_table()), passed_only=False
    )
    assert everyone.set_index("regularizer").loc["none", "snr"] == pytest.approx(4.0)
    with pytest.raises(KeyError, match="passed_filter"):
        sweep.configuration_summary(_hand_table())
    with pytest.raises(ValueError, match="empty"):
        sweep.configuration_summary(sweep.mark_filter(_hand_table()).iloc[:0])


def test_sweep_rows_carry_the_filter_and_the_recipe(two_model_sweep):
    table = two_model_sweep[0]
    assert (table.passed_filter == (table.test_auroc >= sweep.MIN_TEST_AUROC)).all()
    assert set(table.recipe) == {training.STUDY_RECIPE}


def test_provenance_records_the_run_and_adds_up_wall_time():
    import time as _time

    table = sweep.mark_filter(
        _hand_table().assign(train_seconds=[10.0, 20.0, 30.0, 40.0])
    )
    first = sweep.provenance(
        "python -m acme_utils.sweep --results x.csv", _time.time() - 5, table
    )
    for key in (
        "command",
        "commit",
        "packages",
        "machine",
        "wall_seconds_total",
        "models_trained",
        "models_passed",
        "runs",
        "failed",
    ):
        assert key in first
    assert (
        first["models_trained"] == 4
        and first["models_passed"] == 2
        and first["train_seconds_total"] == 100
    )
    assert first["machine"]["cores"] >= 1 and first["packages"]["numpy"]
    assert 4 <= first["wall_seconds_total"] < 60
    second = sweep.provenance(
        "again", _time.time() - 3, table, previous=first, failures=[("m", "boom")]
    )
    assert (
        len(second["runs"]) == 2
        and second["wall_seconds_total"] >= first["wall_seconds_total"] + 2
    )
    assert second["failed"] == [{"model": "m", "error": "boom"}]


def test_recipes_name_their_models_and_change_their_keys(tiny, cache_dir):
    spec = ModelSpec("none", "relu", True, 0, "methods")
    assert spec.label == "relu+bn [methods] seed 0"  # the study's recipe goes unnamed
    assert ModelSpec("none", "relu", True, 0).recipe == training.STUDY_RECIPE
    keys = {
        rec: sweep._configs(tiny, ModelSpec("none", "relu", True, 0, rec), 1, 1)[2]
        for rec in training.RECIPES
    }
    assert len(set(keys.values())) == len(keys)  # every recipe is a different model
    with pytest.raises(ValueError, match="unknown recipe"):
        model_grid(["none"], ["relu"], [True], [0], ["nope"])
    grid = model_grid(["none"], ["relu"], [True], [0], ["methods", "authors"])
    assert [g.recipe for g in grid] == ["methods", "authors"]
    assert {g.recipe for g in model_grid()} == {training.STUDY_RECIPE}


# --- the Ray engine ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    ray.init(
        num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR"
    )
    # tasks defined in this (non-installed) test module travel to the workers by value
    ray.cloudpickle.register_pickle_by_value(__import__(__name__))
    yield ray
    ray.shutdown()


def _fails_for_mixup(*args):
    if args[1].regularizer == "mixup":
        raise RuntimeError("simulated worker crash")
    return sweep._ray_task(*args)


def _fails_once(marker):
    def task(*args):
        import os as _os

        if not _os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError("transient failure")
        return sweep._ray_task(*args)

    return task


def test_ray_sweep_equals_the_sequential_sweep_on_cached_models(
    local_ray, two_model_sweep, tiny, grid2, cache_dir, tmp_path, capsys
):
    path = tmp_path / "ray.csv"
    table = sweep.run_sweep_ray(
        tiny, grid2, results_path=path, cache_dir=cache_dir, verbose=True, **FAST
    )
    out = capsys.readouterr().out
    assert "2 models to train on Ray" in out and "2/2 done" in out and "ETA" in out
    expected = two_model_sweep[0]
    pd.testing.assert_frame_equal(
        table[expected.columns],
        expected,
        check_dtype=False,
        check_exact=False,
        rtol=1e-12,
    )
    pd.testing.assert_frame_equal(
        read_results(path)[expected.columns]
        .sort_values("regularizer")
        .reset_index(drop=True),
        expected.sort_values("regularizer").reset_index(drop=True),
        check_dtype=False,
        check_exact=False,
        rtol=1e-12,
    )


def test_ray_failed_task_is_retried_recorded_and_leaves_a_valid_table(
    local_ray, two_model_sweep, tiny, grid2, cache_dir, tmp_path, capsys
):
    path = tmp_path / "ray.csv"
    table = sweep.run_sweep_ray(
        tiny,
        grid2,
        results_path=path,
        cache_dir=cache_dir,
        verbose=True,
        max_retries=1,
        task=_fails_for_mixup,
        **FAST,
    )
    out = capsys.readouterr().out
    assert "FAILED after 2 tries" in out and "simulated worker crash" in out
    assert table.regularizer.tolist() == ["none"]
    assert [label for label, _ in table.attrs["failures"]] == ["relu+bn mixup seed 0"]
    on_disk = read_results(path)
    assert on_disk.regularizer.tolist() == ["none"] and not on_disk.isna().any().any()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ray.csv"]
    # re-running resumes: the finished row is kept, the failed point is retried, here after one
    # transient failure (so the retry itself is exercised)
    task = _fails_once(str(tmp_path / "failed-once"))
    resumed = sweep.run_sweep_ray(
        tiny,
        grid2,
        results_path=path,
        cache_dir=cache_dir,
        verbose=True,
        task=task,
        **FAST,
    )
    out = capsys.readouterr().out
    assert "already scored" in out and (tmp_path / "failed-once").exists()
    assert (
        resumed.regularizer.tolist() == ["none", "mixup"]
        and resumed.attrs["failures"] == []
    )
    assert len(read_results(path)) == 2


def test_ray_trains_new_models_in_workers(local_ray, tiny, cache_dir, tmp_path):
    grid = model_grid(
        ["none"], ["exponential"], [False], [7]
    )  # in no other test: trained by a worker
    table = sweep.run_sweep_ray(
        tiny,
        grid,
        results_path=tmp_path / "r.csv",
        cache_dir=cache_dir,
        verbose=False,
        **FAST,
    )
    assert len(table) == 1 and table.model.iloc[0] == "exponential seed 7"
    assert 0 <= table.test_auroc.iloc[0] <= 1 and np.isfinite(table.snr.iloc[0])
    # the worker stored the model in the shared cache, so this process loads the same model
    again = training.train_spec(
        tiny, grid[0], epochs=1, patience=1, cache_dir=cache_dir
    )
    assert again.from_cache and again.test_metrics["auroc"] == pytest.approx(
        table.test_auroc.iloc[0], abs=0
    )


def test_cli_on_ray_writes_the_table_with_its_filter_and_provenance(
    local_ray, two_model_sweep, cache_dir, tmp_path, monkeypatch, capsys
):
    import json

    monkeypatch.setenv("ACME_CACHE_DIR", str(cache_dir))
    path = tmp_path / "grid.csv"
    args = [
        "--results",
        str(path),
        *CLI[:-2],
        "--engine",
        "ray",
        "--workers",
        "2",
        "--min-test-auroc",
        "0.5",
    ]
    table = main(args)
    assert len(table) == 1 and "1/1 done" in capsys.readouterr().out
    on_disk = read_results(path)
    assert on_disk.passed_filter.tolist() == [bool(on_disk.test_auroc.iloc[0] >= 0.5)]
    meta = json.loads(path.with_suffix(".json").read_text())
    assert (
        meta["command"].startswith("python -m acme_utils.sweep --results")
        and "--engine ray" in meta["command"]
    )
    assert (
        meta["models_trained"] == 1
        and meta["packages"]["ray"]
        and len(meta["runs"]) == 1
    )
    main(args)  # a second run resumes (nothing to train) and adds its wall time
    meta2 = json.loads(path.with_suffix(".json").read_text())
    assert len(meta2["runs"]) == 2 and meta2["models_trained"] == 1


def test_recheck_row_retrains_a_committed_row_bit_for_bit(tmp_path, monkeypatch):
    import json
    import os
    import subprocess
    import sys

    # a one-model table made by the sweep command with one thread, as the Ray sweep makes it
    monkeypatch.setenv("ACME_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "committed.csv"
    env = {
        **os.environ,
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "acme_utils.sweep", "--results", str(path), *CLI],
        env=env,
        check=True,
        capture_output=True,
    )
    row = read_results(path).iloc[0]
    new = sweep.recheck_row(
        row, n_per_class=150, data_seed=5, epochs=1, patience=1, verbose=False
    )
    assert new["model_key"] == row.model_key
    for col in (
        "test_auroc",
        "test_aupr",
        "snr",
        "attr_auroc",
        "kmer_kld",
        "kattr_mean_kld",
    ):
        assert new[col] == row[col], (
            col
        )  # same thread count, same machine: the same bits
    assert (
        json.loads(new["history"])["val_auroc"] == json.loads(row.history)["val_auroc"]
    )
    with pytest.raises(ValueError, match="do not give the model"):
        sweep.recheck_row(row, n_per_class=150, data_seed=5, epochs=2, patience=1)


def test_rescore_row_gives_back_the_committed_scores(
    two_model_sweep, tiny, cache_dir, tmp_path
):
    table, _, _, _ = two_model_sweep
    row = table.iloc[0]
    assert sweep.model_available(table.model_key, cache_dir).all()
    assert not sweep.model_available(["0" * 16], cache_dir)[0]
    new = sweep.rescore_row(
        row, tiny, FAST["epochs"], FAST["patience"], cache_dir=cache_dir
    )
    for col in (
        "test_auroc",
        "test_aupr",
        "snr",
        "attr_auroc",
        "kmer_kld",
        "kattr_mean_kld",
        "best_epoch",
        "n_sequences",
        "model_key",
    ):
        assert new[col] == row[col], col  # same weights, same process: the same numbers
    with pytest.raises(ValueError, match="do not give the model"):
        sweep.rescore_row(
            row, tiny, FAST["epochs"] + 1, FAST["patience"], cache_dir=cache_dir
        )
    with pytest.raises(ValueError, match="neither in the cache nor"):  # never trains
        sweep.rescore_row(
            row, tiny, FAST["epochs"], FAST["patience"], cache_dir=tmp_path
        )


def test_recheck_row_refuses_a_row_scored_with_another_method():
    row = pd.Series(
        {
            "model": "relu+bn seed 0",
            "model_key": "0" * 16,
            "regularizer": "none",
            "activation": "relu",
            "batch_norm": True,
            "seed": 0,
            "recipe": "authors",
            "n_sequences": 10,
            "method": "integrated_gradients",
        }
    )
    with pytest.raises(ValueError, match="saliency maps only"):
        sweep.recheck_row(row)


# --- reading a committed table (chapter 9) ----------------------------------------------------


def test_study_models_keeps_the_study_recipe_marks_the_filter_and_logs_the_rest(capsys):
    table = _hand_table().assign(
        recipe=[training.STUDY_RECIPE, "methods", training.STUDY_RECIPE, "methods"]
    )
    table.index = [10, 11, 12, 13]
    kept = sweep.study_models(table, 0.975)
    assert list(kept.index) == [0, 1]  # rows 10 and 12, re-indexed
    assert kept.test_auroc.tolist() == [0.98, 0.97]
    assert kept.passed_filter.tolist() == [True, False]  # at 0.975
    assert capsys.readouterr().out == (
        f"left out 2 models trained with other recipes than {training.STUDY_RECIPE!r}\n"
    )
    everything = sweep.study_models(table.assign(recipe=training.STUDY_RECIPE))
    assert len(everything) == 4 and capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="empty"):
        sweep.study_models(table.iloc[:0])
    with pytest.raises(KeyError, match="recipe"):
        sweep.study_models(_hand_table())


def test_provenance_report_prints_each_field_and_unknowns():
    table = _hand_table().assign(train_seconds=[1800.0, 1800.0, 3600.0, 1800.0])
    provenance = {
        "command": "python -m acme_utils.sweep --seeds 1",
        "commit": "abc123",
        "machine": {"platform": "Linux-x", "processor": "x86_64", "cores": 2},
        "wall_seconds_total": 5400.0,
        "runs": [{}, {}],
        "models_trained": 4,
        "failed": [{"model": "m", "error": "boom"}],
        "finished": True,
    }
    assert sweep.provenance_report(provenance, table).splitlines() == [
        "made by:  python -m acme_utils.sweep --seeds 1",
        "commit:   abc123",
        "machine:  Linux-x (x86_64), 2 cores",
        "time:     1.5 h wall time over 2 run(s); 2.5 h of training in total",
        "models:   4 trained, 1 failed",
        "status:   finished: the run that wrote it completed",
    ]
    lines = sweep.provenance_report({}, table).splitlines()
    assert (
        lines[0] == "made by:  unknown" and lines[2] == "machine:  unknown (?), ? cores"
    )
    assert lines[3].startswith("time:     unknown wall time over 0 run(s)")
    assert lines[4] == "models:   4 trained, 0 failed" and "still growing" in lines[5]
    with pytest.raises(KeyError, match="train_seconds"):
        sweep.provenance_report(provenance, _hand_table())


def test_recheck_candidate_is_the_fastest_non_adversarial_row_or_the_named_one():
    table = pd.DataFrame(
        {
            "model": ["a", "b", "c"],
            "regularizer": ["adversarial", "none", "mixup"],
            "train_seconds": [1.0, 30.0, 20.0],
        }
    )
    assert sweep.recheck_candidate(table).model == "c"  # "a" is faster but adversarial
    assert sweep.recheck_candidate(table.iloc[:1]).model == "a"  # only adversarial left
    assert sweep.recheck_candidate(table, "b").train_seconds == 30.0
    with pytest.raises(ValueError, match="'z' is not a model"):
        sweep.recheck_candidate(table, "z")
    with pytest.raises(ValueError, match="empty"):
        sweep.recheck_candidate(table.iloc[:0])


def test_recheck_sample_draws_only_rows_whose_models_are_available(tmp_path):
    available = ["f" * 15 + str(i) for i in range(3)]
    for key in available:  # a cached model is one with a meta.json
        (tmp_path / "models" / key).mkdir(parents=True)
        (tmp_path / "models" / key / "meta.json").write_text("{}")
    table = pd.DataFrame(
        {"model": list("abcde"), "model_key": available + ["e" * 16, "d" * 16]}
    )
    drawn = sweep.recheck_sample(table, 2, seed=1, cache_dir=tmp_path)
    assert len(drawn) == 2 and set(drawn.model) <= {"a", "b", "c"}
    assert drawn.equals(sweep.recheck_sample(table, 2, seed=1, cache_dir=tmp_path))
    everyone = sweep.recheck_sample(table, 10, cache_dir=tmp_path)
    assert sorted(everyone.model) == ["a", "b", "c"]  # all available rows, no more
    with pytest.raises(ValueError, match="no row of the table has a shipped model"):
        sweep.recheck_sample(table.iloc[3:], 1, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="positive integer"):
        sweep.recheck_sample(table, 0, cache_dir=tmp_path)


def _recheck_rows():
    committed = pd.DataFrame(
        {
            "model": ["a", "b"],
            "test_auroc": [0.98, 0.97],
            "snr": [1.0, 2.0],
            "best_epoch": [5, 7],
        }
    )
    new = committed.assign(test_auroc=[0.98, 0.9725], snr=[1.0, 1.5])
    return committed, new


def test_recheck_differences_are_here_minus_committed_per_model_and_score():
    committed, new = _recheck_rows()
    diff = sweep.recheck_differences(
        committed, new, scores=["test_auroc", "snr", "best_epoch"]
    )
    assert list(diff.columns) == ["committed", "here", "difference"]
    assert diff.index.tolist() == [
        ("a", "test_auroc"),
        ("a", "snr"),
        ("a", "best_epoch"),
        ("b", "test_auroc"),
        ("b", "snr"),
        ("b", "best_epoch"),
    ]
    assert diff.loc[("b", "test_auroc"), "difference"] == pytest.approx(0.0025)
    assert diff.loc[("b", "snr"), "difference"] == -0.5
    assert (diff.loc["a", "difference"] == 0).all()
    with pytest.raises(KeyError, match="test_aupr"):
        sweep.recheck_differences(committed, new)  # the default scores include it


def test_recheck_verdict_accepts_within_the_tolerance_and_raises_beyond():
    committed, new = _recheck_rows()
    scores = ["test_auroc", "snr"]
    same = sweep.recheck_differences(committed, committed, scores=scores)
    lines = sweep.recheck_verdict(same, 1e-4, {"machine": {"platform": "Linux-x"}})
    first, second = lines.splitlines()
    assert first.startswith("table made on: Linux-x; re-run on: ")
    assert second == "every score agrees exactly (bit-identical)"
    diff = sweep.recheck_differences(committed, new, scores=scores)
    verdict = sweep.recheck_verdict(diff, 0.01).splitlines()
    assert verdict[0].startswith("table made on: unknown;")
    assert verdict[1].startswith("test AUROC within 0.01; the largest difference")
    assert "5.0e-01" in verdict[1]  # the SNR of "b"
    with pytest.raises(ValueError, match="test AUROC not reproduced"):
        sweep.recheck_verdict(diff, 1e-3)  # 0.0025 off
    with pytest.raises(ValueError, match="no test_auroc"):
        sweep.recheck_verdict(
            sweep.recheck_differences(committed, new, scores=["snr"]), 1.0
        )


def test_train_row_gives_the_rows_model_and_refuses_other_settings(
    two_model_sweep, tiny, cache_dir
):
    table = two_model_sweep[0]
    row = table.iloc[1]
    trained = sweep.train_row(
        row, tiny, FAST["epochs"], FAST["patience"], cache_dir=cache_dir
    )
    assert trained.key == row.model_key
    assert trained.test_metrics["auroc"] == pytest.approx(row.test_auroc)
    other = (
        table.set_index("model").iloc[1].copy()
    )  # named by its index, as in chapter 9
    other["model_key"] = "0" * 16
    message = re.escape(f"{row.model}: the chapter's parameters do not give")
    with pytest.raises(ValueError, match=message):
        sweep.train_row(
            other, tiny, FAST["epochs"], FAST["patience"], cache_dir=cache_dir
        )


def test_seed_spread_by_hand():
    table = pd.DataFrame(
        {
            "regularizer": ["none", "none", "none", "mixup", "mixup"],
            "batch_norm": [True] * 5,
            "activation": ["relu"] * 5,
            "snr": [1.0, 2.0, 3.0, 5.0, 7.0],
        }
    )
    spread = sweep.seed_spread(table, ["snr"])
    assert spread.attrs["configurations"] == 2
    # SDs within: none 1.0, mixup sqrt(2); between the means 2 and 6: sqrt(8)
    within, between = spread.loc["snr"]
    assert within == pytest.approx((1 + np.sqrt(2)) / 2)
    assert between == pytest.approx(np.sqrt(8))
    single = sweep.seed_spread(table.iloc[[0, 3]], ["snr"])
    assert single.empty and single.attrs["configurations"] == 0
    assert list(single.columns) == list(spread.columns)
    with pytest.raises(KeyError, match="kmer_kld"):
        sweep.seed_spread(table, ["kmer_kld"])


def test_criterion_picks_selects_the_best_by_each_criterion_and_ranks_its_snr():
    pool = pd.DataFrame(
        {
            "model": ["a", "b", "c", "d"],
            "test_auroc": [0.99, 0.98, 0.97, 0.975],
            "kmer_kld": [0.1, 0.9, 0.5, 0.2],
            "snr": [1.0, 3.0, 4.0, 3.0],
        },
        index=[7, 8, 9, 10],
    )
    picks = sweep.criterion_picks(
        pool, ["test_auroc", "kmer_kld", "snr"], labels={"snr": "SNR"}
    )
    assert picks.index.tolist() == ["test_auroc", "kmer_kld", "SNR"]
    assert picks["selected model"].tolist() == ["a", "b", "c"]
    # SNR ranks: c 1, b and d share 2, a 4
    assert picks["its SNR rank (of 4)"].tolist() == [4, 2, 1]
    assert picks.loc["kmer_kld", "its test AUROC"] == 0.98
    with pytest.raises(KeyError, match="test_aupr"):
        sweep.criterion_picks(pool, ["test_aupr"])
    with pytest.raises(ValueError, match="empty"):
        sweep.criterion_picks(pool.iloc[:0], ["snr"])


def _recipes_table():
    """Three recipes (listed out of RECIPES order) x two activations, known scores."""
    rows = [
        ("authors", "relu", 0.970, 1.50, 30),
        ("authors", "exponential", 0.975, 2.40, 20),
        ("methods", "relu", 0.950, 0.50, 40),
        ("methods", "exponential", 0.955, 1.00, 50),
        ("l2", "relu", 0.951, 0.75, 41),
    ]
    return pd.DataFrame(
        rows, columns=["recipe", "activation", "test_auroc", "snr", "best_epoch"]
    )


def test_recipe_table_one_row_per_recipe_in_recipes_order():
    table = sweep.recipe_table(_recipes_table())
    assert list(table.index) == ["methods", "l2", "authors"]  # the order of RECIPES
    assert table.loc["authors", ("snr", "exponential")] == 2.40
    assert table.loc["methods", ("best_epoch", "relu")] == 40
    assert np.isnan(table.loc["l2", ("test_auroc", "exponential")])  # no such model
    with pytest.raises(ValueError, match="lacks the columns"):
        sweep.recipe_table(_recipes_table().drop(columns="snr"))


def test_recipe_effects_differences_against_the_baseline():
    lines = sweep.recipe_effects(_recipes_table()).splitlines()
    assert lines == [
        "          l2 vs methods  relu: AUROC +0.0010, SNR +0.25",
        "     authors vs methods  relu: AUROC +0.0200, SNR +1.00, "
        "exponential: AUROC +0.0200, SNR +1.40",
    ]
    with pytest.raises(ValueError, match="baseline"):
        sweep.recipe_effects(_recipes_table(), baseline="batch32")


def _scores_table():
    rows = [
        ("none", "relu", 0.95, 1.00),
        ("none", "exponential", 0.96, 2.00),
        ("mixup", "relu", 0.94, 1.50),
        ("mixup", "exponential", 0.97, 1.25),
    ]
    return pd.DataFrame(
        rows, columns=["regularizer", "activation", "test_auroc", "snr"]
    )


def test_score_table_a_row_per_regulariser_in_the_given_order():
    wide = sweep.score_table(
        _scores_table(), {"snr": "SNR", "test_auroc": "AUROC"}, ["mixup", "none", "l2"]
    )
    assert list(wide.index) == ["mixup", "none", "l2"]
    assert list(wide.columns.get_level_values(0).unique()) == ["SNR", "AUROC"]
    assert wide.loc["mixup", ("SNR", "exponential")] == 1.25
    assert wide.loc["none", ("AUROC", "relu")] == 0.95
    assert wide.loc["l2"].isna().all()  # no such model
    with pytest.raises(ValueError, match="lacks the columns"):
        sweep.score_table(_scores_table(), {"kmer_kld": "k-mer KLD"}, ["none"])


def test_score_spread_is_max_minus_min_per_activation():
    spread = sweep.score_spread(_scores_table())
    assert list(spread.columns) == ["test AUROC spread", "SNR spread"]
    assert spread.loc["relu"].tolist() == pytest.approx([0.01, 0.5])
    assert spread.loc["exponential"].tolist() == pytest.approx([0.01, 0.75])


def test_score_changes_against_the_baseline():
    text = sweep.score_changes(
        _scores_table(), {"test_auroc": "AUROC", "snr": "SNR"}, ["none", "mixup"]
    )
    assert text.splitlines() == [
        "relu models, change against the unregularised baseline:",
        "  mixup           AUROC -0.010, SNR +0.500",
        "exponential models, change against the unregularised baseline:",
        "  mixup           AUROC +0.010, SNR -0.750",
    ]
    with pytest.raises(ValueError, match="baseline"):
        sweep.score_changes(_scores_table(), {"snr": "SNR"}, ["mixup"], baseline="l2")


def test_run_provenance_keeps_previous_runs_and_sums_their_wall_time():
    import time

    first = sweep.run_provenance("cmd a", time.time() - 2.0)
    assert first["command"] == "cmd a" and len(first["runs"]) == 1
    assert first["wall_seconds_total"] >= 2.0
    second = sweep.run_provenance("cmd b", time.time() - 1.0, previous=first)
    assert [r["command"] for r in second["runs"]] == ["cmd a", "cmd b"]
    total = sum(r["wall_seconds"] for r in second["runs"])
    assert second["wall_seconds_total"] == pytest.approx(total, abs=0.11)
    assert "numpy" in second["packages"] and second["machine"]["cores"] >= 1


# ------------------------------------------ adversarial schedules read from a table (chapter 7)


def _history_rows(losses, aurocs, best_epochs):
    return pd.DataFrame(
        {
            "model": [f"m{i}" for i in range(len(losses))],
            "history": [
                json.dumps({"loss": l, "val_auroc": a}) for l, a in zip(losses, aurocs)
            ],
            "best_epoch": best_epochs,
            "stopped_epoch": [len(l) for l in losses],
            "test_auroc": [0.9, 0.8][: len(losses)],
        }
    )


def test_phase_losses_by_hand():
    table = _history_rows(
        [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.0, 3.0, 5.0]],
        [[0.5] * 6, [0.5] * 3],
        [5, 3],
    )
    out = sweep.phase_losses(table, clean_epochs=2, mixed_until=4)
    assert out.loc["m0", ["clean", "mixed", "adversarial"]].tolist() == [1.5, 3.5, 5.5]
    # the second model stopped in the mixed phase: no adversarial-only epochs
    assert out.loc["m1", "clean"] == 2.0 and out.loc["m1", "mixed"] == 5.0
    assert np.isnan(out.loc["m1", "adversarial"])
    assert out.kept_epoch.tolist() == [5, 3] and out.stopped_epoch.tolist() == [6, 3]
    assert out.test_auroc.tolist() == [0.9, 0.8]
    with pytest.raises(ValueError, match="clean_epochs <= mixed_until"):
        sweep.phase_losses(table, 5, 4)
    with pytest.raises(ValueError, match="empty"):
        sweep.phase_losses(table.iloc[:0], 2, 4)
    with pytest.raises(ValueError, match="history"):
        sweep.phase_losses(table.drop(columns="history"), 2, 4)


def test_auroc_at_epochs_by_hand():
    table = _history_rows(
        [[0.7] * 4, [0.7] * 2], [[0.6, 0.8, 0.9, 0.85], [0.55, 0.75]], [3, 2]
    )
    out = sweep.auroc_at_epochs(table, [1, 3])
    assert out.loc["m0"].tolist() == [0.6, 0.9, 0.9, 3]
    assert out.loc["m1", "epoch 1"] == 0.55 and np.isnan(out.loc["m1", "epoch 3"])
    assert out.loc["m1", "best"] == 0.75 and out.loc["m1", "best_epoch"] == 2
    for bad in ([], [0], [1.5]):
        with pytest.raises(ValueError, match="positive integers"):
            sweep.auroc_at_epochs(table, bad)


def test_row_history_carries_the_kept_and_stopped_epochs():
    row = _history_rows([[0.7, 0.6]], [[0.6, 0.7]], [2]).iloc[0]
    h = sweep.row_history(row)
    assert h["best_epoch"] == 2 and h["stopped_epoch"] == 2 and h["loss"] == [0.7, 0.6]
