"""The pretrained model zoo: export, checksum, loading through train_model, verification."""

import json

import numpy as np
import pytest

from acme_utils import data, training, zoo

TINY = {"n_per_class": 150, "seed": 5}
SMALL_MODEL = {"width": 0.25}
SHORT = {"epochs": 2, "seed": 3}


@pytest.fixture(scope="module")
def tiny_zoo(tmp_path_factory, cache_dir):
    """A zoo with one small trained model, and the model itself."""
    ds = data.generate_dataset(**TINY, cache_dir=cache_dir, verbose=False)
    trained = training.train_model(
        ds, SMALL_MODEL, SHORT, use_cache=False, use_zoo=False, verbose=False
    )
    zoo_dir = tmp_path_factory.mktemp("zoo")
    entry = zoo.add(trained, zoo_dir, command="pytest")
    return ds, trained, zoo_dir, entry


def test_entry_records_what_determines_the_model(tiny_zoo):
    ds, trained, zoo_dir, entry = tiny_zoo
    assert entry["key"] == trained.key and entry["data_key"] == ds.key
    assert entry["sha256"] == zoo.sha256(zoo_dir / entry["file"])
    assert entry["test_metrics"] == trained.test_metrics
    assert (
        entry["provenance"]["command"] == "pytest"
        and entry["provenance"]["versions"]["keras"]
    )
    assert set(zoo.read_manifest(zoo_dir)) == {trained.key}


def test_train_model_takes_the_zoo_model_and_caches_it(tiny_zoo, tmp_path, capsys):
    ds, trained, zoo_dir, _ = tiny_zoo
    loaded = training.train_model(
        ds, SMALL_MODEL, SHORT, cache_dir=tmp_path, zoo_dir=zoo_dir
    )
    assert loaded.source == "zoo" and loaded.key == trained.key
    assert "loaded pretrained weights from the zoo" in capsys.readouterr().out
    for a, b in zip(loaded.model.get_weights(), trained.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = ds.test.x[:64]
    np.testing.assert_array_equal(
        training.predict(loaded.model, x), training.predict(trained.model, x)
    )
    # now it is in the cache: the next call does not even read the zoo
    again = training.train_model(
        ds, SMALL_MODEL, SHORT, cache_dir=tmp_path, zoo_dir=tmp_path / "no-zoo"
    )
    assert again.source == "cache"


def test_retrain_switch_and_other_keys_bypass_the_zoo(tiny_zoo, tmp_path, monkeypatch):
    ds, trained, zoo_dir, _ = tiny_zoo
    monkeypatch.setenv(zoo.RETRAIN_ENV_VAR, "1")
    assert (
        training.train_model(
            ds,
            SMALL_MODEL,
            SHORT,
            cache_dir=tmp_path / "a",
            zoo_dir=zoo_dir,
            verbose=False,
        ).source
        == "trained"
    )
    monkeypatch.delenv(zoo.RETRAIN_ENV_VAR)
    other_seed = training.train_model(
        ds,
        SMALL_MODEL,
        {**SHORT, "seed": 4},
        cache_dir=tmp_path / "b",
        zoo_dir=zoo_dir,
        verbose=False,
    )
    assert other_seed.source == "trained" and other_seed.key != trained.key


def test_corrupted_weights_are_refused(tiny_zoo, tmp_path):
    ds, trained, zoo_dir, entry = tiny_zoo
    bad = tmp_path / "zoo"
    bad.mkdir()
    (bad / "manifest.json").write_text((zoo_dir / "manifest.json").read_text())
    raw = bytearray((zoo_dir / entry["file"]).read_bytes())
    raw[-100] ^= 0xFF
    (bad / entry["file"]).write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="checksum"):
        training.train_model(
            ds, SMALL_MODEL, SHORT, cache_dir=tmp_path / "c", zoo_dir=bad, verbose=False
        )
    (bad / entry["file"]).unlink()
    with pytest.raises(ValueError, match="missing"):
        zoo.load_weights(entry, bad)


def test_verify_passes_then_names_each_kind_of_drift(tiny_zoo, tmp_path, cache_dir):
    ds, trained, zoo_dir, entry = tiny_zoo
    assert (
        zoo.verify(zoo_dir, cache_dir=cache_dir, data_params=TINY, verbose=False) == []
    )

    def drifted(change):
        copy = tmp_path / f"zoo-{len(list(tmp_path.iterdir()))}"
        copy.mkdir()
        (copy / entry["file"]).write_bytes((zoo_dir / entry["file"]).read_bytes())
        manifest = json.loads((zoo_dir / "manifest.json").read_text())
        change(manifest["models"][entry["key"]])
        (copy / "manifest.json").write_text(json.dumps(manifest))
        return zoo.verify(copy, cache_dir=cache_dir, data_params=TINY, verbose=False)

    [problem] = drifted(
        lambda e: e["test_metrics"].update(auroc=e["test_metrics"]["auroc"] - 1e-4)
    )
    assert "test AUROC" in problem
    [problem] = drifted(
        lambda e: e["train_config"].update(learning_rate=2e-3)
    )  # the code would key it otherwise
    assert "rebuild the zoo" in problem
    [problem] = drifted(lambda e: e.update(sha256="0" * 64))
    assert "checksum" in problem
    assert zoo.verify(tmp_path / "empty", data_params=TINY, verbose=False) == [
        f"the zoo in {tmp_path / 'empty'} is empty"
    ]


def test_book_specs_are_the_chapters_models():
    from acme_utils import sweep

    specs = zoo.book_specs()
    labels = [spec.label for spec in specs]
    assert len(labels) == len(set(labels)), "a model is listed twice"
    seed0 = [s for s in specs if s.seed == 0]
    assert len(seed0) >= 4 + 2 * 6 + 2 * 2 and all(s.recipe == "authors" for s in specs)
    table, _ = sweep.committed_results("study_grid")
    pair = sweep.showcase_pair(table)  # chapter 9's pair ships too, whatever its seeds
    assert set(map(sweep.spec_of_row, pair.to_dict("records"))) <= set(specs)


def test_the_zoo_holds_every_book_model():
    """A fresh build of the book trains nothing: every model a chapter uses at its default size
    ships with the package (regenerate with ``python -m acme_utils.zoo build``)."""
    assert zoo.missing_book_models() == []


def test_shipped_zoo_verifies(cache_dir):
    """Every model shipped with the package still has the key the current code computes, its
    checksum, and its recorded test AUROC (so a change that silently invalidates it fails here)."""
    manifest = zoo.read_manifest()
    assert manifest, "the package ships no zoo: python -m acme_utils.zoo build"
    assert zoo.verify(cache_dir=cache_dir, verbose=False) == []


def test_the_zoo_ships_with_the_package():
    """Every file of the zoo matches the package-data patterns, so pip installs (and Colab) get it."""
    import fnmatch
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")

    root = Path(zoo.__file__).resolve().parent
    patterns = tomllib.loads((root.parent / "pyproject.toml").read_text())["tool"][
        "setuptools"
    ]["package-data"]["acme_utils"]
    files = [
        p.relative_to(root).as_posix()
        for p in zoo.ZOO_DIR.iterdir()
        if not p.name.startswith(".")
    ]
    assert "zoo/manifest.json" in files, "the zoo has no manifest"
    unshipped = [
        f for f in files if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)
    ]
    assert not unshipped, f"not in [tool.setuptools.package-data]: {unshipped}"
    assert {e["file"] for e in zoo.read_manifest().values()} <= {
        p.name for p in zoo.ZOO_DIR.iterdir()
    }
