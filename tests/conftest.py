"""Shared fixtures: a small dataset and a private cache directory for the whole test session."""

import os

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
