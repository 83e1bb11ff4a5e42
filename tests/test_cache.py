"""The atomic, content-addressed cache."""

import pytest

from acme_utils.cache import atomic_directory, cache_key


def test_cache_key_is_stable_and_sensitive():
    a = cache_key({"x": 1, "y": [1, 2], "z": 0.1})
    assert a == cache_key(
        {"z": 0.1, "y": (1, 2), "x": 1}
    )  # order and tuple/list do not matter
    assert a != cache_key({"x": 1, "y": [1, 2], "z": 0.10000001})
    with pytest.raises(TypeError, match="cache key"):
        cache_key({"x": object()})


def test_atomic_directory_commits_on_success(tmp_path):
    with atomic_directory(tmp_path / "entry") as tmp:
        (tmp / "f.txt").write_text("done")
        assert not (tmp_path / "entry").exists()  # invisible until complete
    assert (tmp_path / "entry" / "f.txt").read_text() == "done"
    assert [p.name for p in tmp_path.iterdir()] == ["entry"]


def test_atomic_directory_leaves_nothing_on_failure(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_directory(tmp_path / "entry") as tmp:
            (tmp / "half.txt").write_text("partial")
            raise RuntimeError("crash mid-write")
    assert list(tmp_path.iterdir()) == []
