"""Shared fixtures: a small dataset and a private cache directory for the whole test session."""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """A cache directory private to this test session (never the user's ~/.cache)."""
    return tmp_path_factory.mktemp("acme_cache")


@pytest.fixture(scope="session")
def small_data(cache_dir):
    from acme_utils import data

    return data.generate_dataset(n_per_class=500, seed=3, cache_dir=cache_dir)


@pytest.fixture(scope="session")
def executed_dir(tmp_path_factory):
    """Where the chapter tests keep the chapters they executed (the browser test builds the book
    from them). ``ACME_EXECUTED_DIR`` points at the folder of an earlier session instead, to
    re-run the browser test alone: ``ACME_EXECUTED_DIR=... pytest tests/test_browser.py``."""
    earlier = os.environ.get("ACME_EXECUTED_DIR")
    return Path(earlier) if earlier else tmp_path_factory.mktemp("executed_chapters")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "after_chapters: runs after every other test (needs the executed chapters)",
    )


def pytest_collection_modifyitems(session, config, items):
    # Tests that read what the chapter tests produced go last, whatever their file name.
    items.sort(key=lambda item: item.get_closest_marker("after_chapters") is not None)
