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
    real.train, real.valid, real.test = _easy_split(800, 1), _easy_split(200, 2), _easy_split(200, 3)
    real.params = {**real.params, "easy_task": True}  # a different data key for the cache
    return real


def test_short_run_beats_chance(easy_data, tmp_path):
    result = training.train_model(easy_data, {"activation": "relu", "width": 0.5}, FAST,
                                  cache_dir=tmp_path, verbose=False)
    assert result.test_metrics["auroc"] > 0.9
    hist = result.history
    assert 1 <= hist["best_epoch"] <= hist["stopped_epoch"] <= 10
    assert len(hist["val_auroc"]) == hist["stopped_epoch"]
    # best weights are restored: the test AUROC equals re-evaluating the returned model
    assert training.evaluate(result.model, easy_data.test)["auroc"] == pytest.approx(result.test_metrics["auroc"])


def test_early_stopping_restores_best_weights(easy_data):
    training.set_seed(0)
    model = models.build_cnn(width=0.25)
    hist = training.fit(model, easy_data.train, easy_data.valid, epochs=6, patience=1, verbose=False)
    assert hist["stopped_epoch"] - hist["best_epoch"] <= 1
    best = max(hist["val_auroc"])
    assert hist["val_auroc"][hist["best_epoch"] - 1] == best
    assert training.evaluate(model, easy_data.valid)["auroc"] == pytest.approx(best)


def test_same_seed_same_model(easy_data):
    runs = [training.train_model(easy_data, {"width": 0.25}, {"epochs": 2, "seed": 7}, use_cache=False,
                                 verbose=False) for _ in range(2)]
    assert runs[0].test_metrics == runs[1].test_metrics
    for a, b in zip(runs[0].model.get_weights(), runs[1].model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_cache_miss_then_hit(easy_data, tmp_path, capsys):
    cfg = {"width": 0.25}
    first = training.train_model(easy_data, cfg, {"epochs": 1}, cache_dir=tmp_path)
    assert not first.from_cache and "training" in capsys.readouterr().out
    second = training.train_model(easy_data, cfg, {"epochs": 1}, cache_dir=tmp_path)
    assert second.from_cache and "loaded from cache" in capsys.readouterr().out
    x = easy_data.test.x[:20]
    np.testing.assert_allclose(np.asarray(first.model(x)), np.asarray(second.model(x)), rtol=1e-6)
    assert second.test_metrics == first.test_metrics and second.history == first.history
    # anything that determines the model changes the key: a miss
    other = training.train_model(easy_data, cfg, {"epochs": 1, "seed": 1}, cache_dir=tmp_path, verbose=False)
    assert not other.from_cache and other.key != first.key


def test_interrupted_write_leaves_no_corrupt_cache(easy_data, tmp_path, monkeypatch):
    def crash(self, *args, **kwargs):
        raise KeyboardInterrupt("killed while saving")

    monkeypatch.setattr("keras.Model.save", crash)
    with pytest.raises(KeyboardInterrupt):
        training.train_model(easy_data, {"width": 0.25}, {"epochs": 1}, cache_dir=tmp_path, verbose=False)
    assert not (tmp_path / "models").exists() or list((tmp_path / "models").iterdir()) == []
    monkeypatch.undo()
    again = training.train_model(easy_data, {"width": 0.25}, {"epochs": 1}, cache_dir=tmp_path, verbose=False)
    assert not again.from_cache and (again.path / "model.keras").is_file()


def test_bad_training_arguments(easy_data):
    with pytest.raises(ValueError, match="epochs"):
        training.train_config(epochs=0)
    model = models.build_cnn(input_length=100, width=0.25)
    with pytest.raises(ValueError, match="length 200"):
        training.fit(model, easy_data.train, easy_data.valid, epochs=1, verbose=False)


def test_losing_a_race_to_store_a_model_returns_the_stored_one(easy_data, tmp_path, monkeypatch):
    # Another process (e.g. one with another thread count, whose floats differ in the last bits)
    # stores the same entry while we train: every caller must then get that stored model.
    cfg, tcfg = {"width": 0.25}, {"epochs": 1}
    winner = training.train_model(easy_data, cfg, tcfg, cache_dir=tmp_path / "a", verbose=False)
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
    loser = training.train_model(easy_data, cfg, tcfg, cache_dir=tmp_path / "b", verbose=False)
    assert loser.key == winner.key and loser.from_cache
    assert loser.test_metrics == {"auroc": 0.123, "aupr": 0.456}
    assert not any(p.name.startswith(".") for p in (tmp_path / "b" / "models").iterdir())  # no temp left
