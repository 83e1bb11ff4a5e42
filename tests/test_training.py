"""Training, early stopping, determinism and the trained-model cache."""

import numpy as np
import pytest

from acme_utils import data, models, training

FAST = {"epochs": 10, "patience": 3, "batch_size": 50}


def _easy_split(n, seed):
    """Random sequences; positives carry the E-box consensus CACGTG twice at random places."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, 4, (n, 200))
    y = (np.arange(n) % 2).astype(np.float32)[:, None]
    site = np.array(["ACGT".index(c) for c in "CACGTGCACGTG"])
    for i in np.flatnonzero(y[:, 0]):
        for start in rng.choice(np.arange(0, 188, 12), 2, replace=False):
            idx[i, start : start + 12] = site
    x = np.eye(4, dtype=np.float32)[idx]
    return data.Split(x, y, np.full_like(x, 0.25), np.zeros((0, 3), np.int64))


@pytest.fixture(scope="module")
def easy_data(cache_dir):
    real = data.generate_dataset(n_per_class=400, seed=1, cache_dir=cache_dir)
    real.train, real.valid, real.test = (
        _easy_split(800, 1),
        _easy_split(200, 2),
        _easy_split(200, 3),
    )
    real.params = {
        **real.params,
        "easy_task": True,
    }  # a different data key for the cache
    return real


def test_short_run_beats_chance(easy_data, tmp_path):
    result = training.train_model(
        easy_data,
        {"activation": "relu", "width": 0.5},
        FAST,
        cache_dir=tmp_path,
        verbose=False,
    )
    assert result.test_metrics["auroc"] > 0.9
    hist = result.history
    assert 1 <= hist["best_epoch"] <= hist["stopped_epoch"] <= 10
    assert len(hist["val_auroc"]) == hist["stopped_epoch"]
    # best weights are restored: the test AUROC equals re-evaluating the returned model
    assert training.evaluate(result.model, easy_data.test)["auroc"] == pytest.approx(
        result.test_metrics["auroc"]
    )


def test_early_stopping_restores_best_weights(easy_data):
    training.set_seed(0)
    model = models.build_cnn(width=0.25)
    hist = training.fit(
        model, easy_data.train, easy_data.valid, epochs=6, patience=1, verbose=False
    )
    assert hist["stopped_epoch"] - hist["best_epoch"] <= 1
    best = max(hist["val_auroc"])
    assert hist["val_auroc"][hist["best_epoch"] - 1] == best
    assert training.evaluate(model, easy_data.valid)["auroc"] == pytest.approx(best)


def test_same_seed_same_model(easy_data):
    runs = [
        training.train_model(
            easy_data,
            {"width": 0.25},
            {"epochs": 2, "seed": 7},
            use_cache=False,
            verbose=False,
        )
        for _ in range(2)
    ]
    assert runs[0].test_metrics == runs[1].test_metrics
    for a, b in zip(runs[0].model.get_weights(), runs[1].model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_cache_miss_then_hit(easy_data, tmp_path, capsys):
    cfg = {"width": 0.25}
    first = training.train_model(easy_data, cfg, {"epochs": 1}, cache_dir=tmp_path)
    assert not first.from_cache and "training" in capsys.readouterr().out
    second = training.train_model(easy_data, cfg, {"epochs": 1}, cache_dir=tmp_path)
    assert second.from_cache and "loaded from the cache" in capsys.readouterr().out
    x = easy_data.test.x[:20]
    np.testing.assert_allclose(
        np.asarray(first.model(x)), np.asarray(second.model(x)), rtol=1e-6
    )
    assert second.test_metrics == first.test_metrics and second.history == first.history
    # anything that determines the model changes the key: a miss
    other = training.train_model(
        easy_data, cfg, {"epochs": 1, "seed": 1}, cache_dir=tmp_path, verbose=False
    )
    assert not other.from_cache and other.key != first.key


def test_interrupted_write_leaves_no_corrupt_cache(easy_data, tmp_path, monkeypatch):
    def crash(self, *args, **kwargs):
        raise KeyboardInterrupt("killed while saving")

    monkeypatch.setattr("keras.Model.save", crash)
    with pytest.raises(KeyboardInterrupt):
        training.train_model(
            easy_data, {"width": 0.25}, {"epochs": 1}, cache_dir=tmp_path, verbose=False
        )
    assert (
        not (tmp_path / "models").exists()
        or list((tmp_path / "models").iterdir()) == []
    )
    monkeypatch.undo()
    again = training.train_model(
        easy_data, {"width": 0.25}, {"epochs": 1}, cache_dir=tmp_path, verbose=False
    )
    assert not again.from_cache and (again.path / "model.keras").is_file()


def test_bad_training_arguments(easy_data):
    with pytest.raises(ValueError, match="epochs"):
        training.make_train_config(epochs=0)
    model = models.build_cnn(input_length=100, width=0.25)
    with pytest.raises(ValueError, match="length 200"):
        training.fit(model, easy_data.train, easy_data.valid, epochs=1, verbose=False)


@pytest.mark.parametrize(
    "spoil, message",
    [
        (
            lambda s: s.y.__setitem__((5, 0), 2.0),
            r"train\.y must contain only the values \(0, 1\); got 2\.0 at index \(5, 0\)",
        ),
        (lambda s: s.y.__setitem__((0, 0), np.nan), r"train\.y contains 1 NaN"),
        (
            lambda s: s.x.__setitem__((7, 3, 2), np.nan),
            r"train\.x contains 1 NaN .* at index \(7, 3, 2\)",
        ),
        (
            lambda s: s.x.__setitem__((7, 3), 0.25),
            r"train\.x is not one-hot at position \(7, 3\)",
        ),
    ],
)
def test_fit_rejects_bad_labels_and_inputs_before_training(
    easy_data, spoil, message, monkeypatch
):
    # Labels must be hard 0/1: mixup makes its soft labels inside the train step from them.
    train = data.Split(
        easy_data.train.x[:100].copy(),
        easy_data.train.y[:100].copy(),
        easy_data.train.pwm[:100],
        easy_data.train.planted,
    )
    spoil(train)
    model = models.build_cnn(width=0.25)
    before = [w.copy() for w in model.get_weights()]
    # the train step must never be built: the error comes before any training
    monkeypatch.setattr(
        training, "make_train_step", lambda *a, **k: pytest.fail("trained on bad input")
    )
    with pytest.raises(ValueError, match=message):
        training.fit(model, train, easy_data.valid, epochs=1, verbose=False)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    with pytest.raises(ValueError, match=message.replace("train", "split")):
        training.evaluate(model, train)


def test_predict_checks_the_model_length(easy_data):
    model = models.build_cnn(input_length=48, width=0.25)
    message = (
        r"x has sequences of length 200, but model '.*' takes sequences of length 48"
    )
    with pytest.raises(ValueError, match=message):
        training.predict(model, easy_data.test.x)


def test_losing_a_race_to_store_a_model_returns_the_stored_one(
    easy_data, tmp_path, monkeypatch
):
    # Another process (e.g. one with another thread count, whose floats differ in the last bits)
    # stores the same entry while we train: every caller must then get that stored model.
    cfg, train_config = {"width": 0.25}, {"epochs": 1}
    winner = training.train_model(
        easy_data, cfg, train_config, cache_dir=tmp_path / "a", verbose=False
    )
    meta = training.read_json(winner.path / "meta.json")
    meta["test_metrics"] = {"auroc": 0.123, "aupr": 0.456}  # marks the winner's entry
    training.write_json(winner.path / "meta.json", meta)
    real_evaluate = training.evaluate

    def evaluate_while_another_process_stores(model, split, *args, **kwargs):
        import shutil

        target = tmp_path / "b" / "models" / winner.key
        if not target.exists():
            shutil.copytree(winner.path, target)
        return real_evaluate(model, split, *args, **kwargs)

    monkeypatch.setattr(training, "evaluate", evaluate_while_another_process_stores)
    loser = training.train_model(
        easy_data, cfg, train_config, cache_dir=tmp_path / "b", verbose=False
    )
    assert loser.key == winner.key and loser.from_cache
    assert loser.test_metrics == {"auroc": 0.123, "aupr": 0.456}
    assert not any(
        p.name.startswith(".") for p in (tmp_path / "b" / "models").iterdir()
    )  # no temp left


# --- training recipes (chapter 2): learning-rate plateaus, L2, per-block dropout -----------------


def test_plateau_schedule_matches_keras_reduce_lr_on_plateau():
    import keras

    scores = [
        0.80,
        0.85,
        0.85,
        0.85005,
        0.84,
        0.86,
        0.86,
        0.86,
        0.86,
        0.86,
        0.86,
        0.86,
        0.87,
        0.86,
        0.86,
        0.86,
    ]
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    reference = keras.callbacks.ReduceLROnPlateau(
        monitor="val_auroc", mode="max", factor=0.2, patience=3, min_lr=1e-5
    )
    reference.set_model(model)
    reference.on_train_begin()
    ours = training.PlateauSchedule(1e-3, patience=3, factor=0.2, min_lr=1e-5)
    for epoch, score in enumerate(scores):
        reference.on_epoch_end(epoch, {"val_auroc": score})
        assert ours.update(score) == pytest.approx(
            float(model.optimizer.learning_rate.numpy()), rel=1e-6
        ), epoch
    assert ours.learning_rate == pytest.approx(
        1e-5
    )  # reduced twice and clipped at min_lr
    assert training.PlateauSchedule(1e-3, patience=0).update(0.1) == 1e-3  # off


def test_fit_lowers_the_learning_rate_on_a_plateau(easy_data):
    train, valid = easy_data.train, easy_data.valid
    model = models.build_cnn(width=0.25, input_length=train.x.shape[1])
    # patience 1: any epoch that does not beat the best by 1e-4 cuts the rate
    history = training.fit(
        model, train, valid, epochs=6, patience=6, lr_plateau_patience=1, verbose=False
    )
    rates = history["learning_rate"]
    assert rates[0] == pytest.approx(1e-3) and all(
        b <= a for a, b in zip(rates, rates[1:])
    )
    auroc = history["val_auroc"]
    for e in range(
        1, len(rates)
    ):  # the rate changes exactly after non-improving epochs
        improved = auroc[e - 1] - 1e-4 > max(auroc[: e - 1], default=-np.inf)
        assert (rates[e] == rates[e - 1]) == improved


def test_l2_penalty_is_part_of_the_training_loss():
    import tensorflow as tf

    model = models.build_cnn(
        batch_norm=False, conv_dropout=0.0, dense_dropout=0.0, l2=1e-2, width=0.25
    )
    x = np.eye(4, dtype=np.float32)[np.random.default_rng(0).integers(0, 4, (8, 200))]
    y = np.array([[0], [1]] * 4, dtype=np.float32)
    z = models.logit_model(model)(x).numpy()[:, 0]
    bce = np.mean(np.maximum(z, 0) - z * y[:, 0] + np.log1p(np.exp(-np.abs(z))))
    kernels = [w.numpy() for w in model.trainable_weights if w.path.endswith("kernel")]
    assert len(kernels) == 6  # four convolutions, the dense layer and the logit
    expected = bce + 1e-2 * sum(
        float(np.sum(k.astype(np.float64) ** 2)) for k in kernels
    )
    step = training.make_train_step(model, tf.keras.optimizers.SGD(0.0), "none")
    assert float(step(x, y)) == pytest.approx(expected, rel=1e-5)


def test_recipe_options_build_the_authors_model_and_keep_methods_keys():
    assert models.cnn_config() == {
        "activation": "relu",
        "batch_norm": True,
        "width": 1.0,
        "conv_dropout": 0.1,
        "dense_dropout": 0.5,
        "input_length": 200,
    }  # METHODS.md keys unchanged
    model_over, train_over = training.recipe("authors")
    cfg = models.cnn_config(**model_over)
    assert (
        cfg["conv_dropout"] == [0.1, 0.2, 0.3, 0.4]
        and cfg["kernel_initializer"] == "he_normal"
    )
    model = models.build_cnn(**cfg)
    assert [model.get_layer(f"conv{i}_dropout").rate for i in range(1, 5)] == [
        0.1,
        0.2,
        0.3,
        0.4,
    ]
    assert type(model.get_layer("conv1").kernel_initializer).__name__ == "HeNormal"
    assert (
        models.cnn_config(conv_dropout=(0.2,) * 4)["conv_dropout"] == 0.2
    )  # one rate is stored as one
    assert training.make_train_config(**train_over)["lr_plateau_patience"] == 3
    assert "lr_plateau_patience" not in training.make_train_config()
    with pytest.raises(ValueError, match="unknown recipe"):
        training.recipe("nope")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"conv_dropout": (0.1, 0.2)}, "4 rates"),
        ({"conv_dropout": (0.1, 0.2, 0.3, 1.0)}, "conv_dropout"),
        ({"kernel_initializer": "zeros"}, "kernel_initializer"),
        ({"l2": -1.0}, "l2"),
        ({"l2": float("nan")}, "l2"),
    ],
)
def test_bad_recipe_model_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        models.cnn_config(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lr_plateau_patience": -1}, "lr_plateau_patience"),
        ({"lr_plateau_patience": 2, "lr_plateau_factor": 1.5}, "lr_plateau_factor"),
        ({"lr_plateau_patience": 2, "min_learning_rate": 1.0}, "min_learning_rate"),
    ],
)
def test_bad_recipe_training_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        training.make_train_config(**kwargs)


# --- train_spec's display name (chapters 4-6) -----------------------------------------


def test_train_spec_passes_name_and_configs(monkeypatch):
    """train_spec hands train_model the spec's configurations under the "methods" recipe, and the
    display name: spec.label by default, the ``name`` argument when given."""
    calls = []
    monkeypatch.setattr(training, "train_model", lambda *a, **kw: calls.append((a, kw)))
    spec = training.ModelSpec("none", "relu", True, 3)
    training.train_spec("data", spec, 5, 2)
    training.train_spec("data", spec, 5, 2, verbose=True, name="relu + BN")
    (args0, kw0), (args1, kw1) = calls
    assert args0 == ("data", *spec.configs(5, 2)) and args1 == args0
    assert kw0["name"] == "relu+bn seed 3" and kw1["name"] == "relu + BN"
    assert kw0["recipe"] == kw1["recipe"] == "methods"
    assert kw0["verbose"] is False and kw1["verbose"] is True


# --- the test-performance table of several models (chapter 2) -----------------------


def _fake_trained(auroc, aupr, seconds, best, from_cache=False):
    """A TrainedModel with only what performance_table reads (no network)."""
    history = {"seconds": seconds, "best_epoch": best, "stopped_epoch": len(seconds)}
    return training.TrainedModel(
        model=None,
        name="fake",
        model_config={},
        train_config={},
        history=history,
        test_metrics={"auroc": auroc, "aupr": aupr},
        key="k",
        path=None,
        from_cache=from_cache,
    )


def _three_models():
    trained = {
        "a": _fake_trained(0.90, 0.80, [1.2, 2.3, 3.6], 2),
        "b": _fake_trained(0.95, 0.85, [4.0, 4.0], 1, from_cache=True),
        "c": _fake_trained(0.93, 0.90, [0.4], 1),
    }
    specs = {
        "a": training.ModelSpec("none", "relu", False, 0),
        "b": training.ModelSpec("none", "relu", True, 0),
        "c": training.ModelSpec("none", "exponential", False, 0),
    }
    return trained, specs


def test_performance_table_one_row_per_model():
    trained, _ = _three_models()
    table = training.performance_table(trained, {"a": 1.26, "b": 0.04, "c": 9.0})
    assert list(table.index) == ["a", "b", "c"] and table.index.name == "variant"
    assert table.loc["a", "test AUROC"] == 0.90 and table.loc["c", "test AUPR"] == 0.90
    assert table["best epoch"].tolist() == [2, 1, 1]
    assert table["epochs run"].tolist() == [3, 2, 1]
    assert table["training time (s)"].tolist() == [7, 8, 0]  # 7.1, 8.0, 0.4 rounded
    assert table.loc["a", "s / epoch"] == pytest.approx(7.1 / 3)
    assert table["from cache"].tolist() == [False, True, False]
    assert table["this run (s)"].tolist() == [1.3, 0.0, 9.0]
    assert "this run (s)" not in training.performance_table(trained).columns
    with pytest.raises(ValueError, match="one entry per model"):
        training.performance_table(trained, {"a": 1.0})
    with pytest.raises(ValueError, match="TrainedModel"):
        training.performance_table({"a": object()})
    with pytest.raises(ValueError, match="empty"):
        training.performance_table({})


def test_performance_summary_best_spread_and_batch_norm_means():
    trained, specs = _three_models()
    lines = training.performance_summary(
        training.performance_table(trained), specs
    ).splitlines()
    assert lines == [
        "Highest test AUROC: b (0.9500); spread across the three variants: 0.0500",
        "mean test AUROC without batch norm: 0.9150",  # (0.90 + 0.93) / 2
        "mean test AUROC with batch norm: 0.9500",
    ]
    with pytest.raises(ValueError, match="no spec"):
        training.performance_summary(training.performance_table(trained), {})
