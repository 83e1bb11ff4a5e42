"""acme_utils.validation: hand-made bad inputs raise clear errors; good inputs pass unchanged;
the NumPy-only modules import without TensorFlow."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from acme_utils import validation as V

ROOT = Path(__file__).resolve().parents[1]


def _one_hot(n=3, length=8, seed=0):
    return np.eye(4, dtype=np.float32)[
        np.random.default_rng(seed).integers(0, 4, (n, length))
    ]


class _FakeModel:
    """Only what check_model_input reads from a Keras model."""

    name = "toy"
    input_shape = (None, 48, 4)


# ------------------------------------------------------------------ good inputs pass unchanged


def test_good_one_hot_passes_unchanged_without_a_copy():
    x = _one_hot()
    out = V.check_one_hot(x)
    assert out is x  # already float32: no copy
    ints = x.astype(np.int64)
    out = V.check_one_hot(ints)
    assert out.dtype == np.float32 and np.array_equal(out, x)


def test_good_map_is_returned_as_float64_with_the_same_values():
    attr = np.random.default_rng(0).normal(size=(2, 5, 4)).astype(np.float32)
    out = V.check_map(attr)
    assert out.dtype == np.float64 and np.array_equal(out, attr.astype(np.float64))


def test_validate_input_options_accept_good_input():
    y = np.array([[0.0], [1.0], [1.0]], dtype=np.float32)
    assert V.validate_input(y, "y", shape=(3, 1), values=(0, 1)) is y
    x = _one_hot(2, 48)
    assert V.check_model_input(_FakeModel(), x) is x
    assert (
        V.validate_input(x, "x", shape=V.SEQUENCE_SHAPE, min_length=48, length_name="k")
        is x
    )


# ------------------------------------------------------------------ bad inputs name the problem


@pytest.mark.parametrize(
    "bad, kwargs, message",
    [
        (np.zeros((3, 8)), {}, r"seqs must have shape \(N, L, 4\); got shape \(3, 8\)"),
        (
            np.zeros((3, 8, 5)),
            {},
            r"seqs must have shape \(N, L, 4\); got shape \(3, 8, 5\)",
        ),
        (np.zeros((0, 8, 4)), {}, r"seqs is empty \(shape \(0, 8, 4\)\)"),
        (
            np.full((2, 8, 4), 0.25),
            {"ohe": True},
            r"seqs is not one-hot at position \(0, 0\)",
        ),
        (np.array([["A", "C"]]), {"shape": None}, r"seqs must hold real numbers"),
        (
            _one_hot(2, 8),
            {"length": 10, "length_name": "model 'm'"},
            r"seqs has sequences of length 8, but model 'm' takes sequences of length 10",
        ),
        (
            _one_hot(2, 5),
            {"min_length": 6, "length_name": "k"},
            r"seqs has sequences of length 5, shorter than k=6",
        ),
        (
            np.array([[0.0], [2.0]]),
            {"shape": (2, 1), "values": (0, 1)},
            r"seqs must contain only the values \(0, 1\); got 2\.0 at index \(1, 0\)",
        ),
    ],
)
def test_bad_inputs_raise_with_the_argument_and_the_problem(bad, kwargs, message):
    kwargs = {"shape": V.SEQUENCE_SHAPE, **kwargs}
    error = TypeError if "real numbers" in message else ValueError
    with pytest.raises(error, match=message):
        V.validate_input(bad, "seqs", **kwargs)


def test_not_one_hot_reports_the_first_offending_position():
    x = _one_hot(3, 8)
    x[1, 5] = [0, 1, 1, 0]  # two 1s
    x[2, 2] = [0, 0, 0, 0]  # none (later: not reported)
    message = (
        r"x is not one-hot at position \(1, 5\) \(values \[0\.0, 1\.0, 1\.0, 0\.0\]\)"
    )
    with pytest.raises(ValueError, match=message):
        V.check_one_hot(x)
    y = _one_hot(3, 8)
    y[0, 3] = [0, 0.5, 0.5, 0]  # sums to 1 but is not binary
    with pytest.raises(ValueError, match=r"not one-hot at position \(0, 3\)"):
        V.check_one_hot(y)


def test_nan_and_inf_are_named_with_their_index():
    attr = np.zeros((2, 4, 4))
    attr[1, 2, 3] = np.nan
    with pytest.raises(
        ValueError,
        match=r"attribution map contains 1 NaN or infinite value\(s\); the "
        r"first is NaN at index \(1, 2, 3\)",
    ):
        V.check_map(attr)
    attr[1, 2, 3] = 0
    attr[0, 1, 0] = -np.inf
    with pytest.raises(ValueError, match=r"the first is infinite at index \(0, 1, 0\)"):
        V.check_map(attr)
    x = _one_hot().astype(np.float64)
    x[0, 0, 0] = (
        1e300  # finite as float64, infinite once cast to the float32 the models take
    )
    with pytest.raises(ValueError, match="infinite"):
        V.check_one_hot(x)


def test_check_model_input_names_both_lengths():
    message = (
        r"x has sequences of length 60, but model 'toy' takes sequences of length 48"
    )
    with pytest.raises(ValueError, match=message):
        V.check_model_input(_FakeModel(), _one_hot(2, 60))


def test_model_without_a_fixed_length_takes_any_length():
    class AnyLength(_FakeModel):
        input_shape = (None, None, 4)

    assert V.model_input_length(AnyLength()) is None
    assert V.check_model_input(AnyLength(), _one_hot(2, 60)).shape == (2, 60, 4)


# ------------------------------------------------------------------ no TensorFlow for NumPy modules


def test_numpy_modules_import_without_tensorflow():
    code = (
        "import acme_utils.metrics, acme_utils.data, acme_utils.quality, "
        "acme_utils.statistics, "
        "acme_utils.validation, acme_utils.correction, sys; "
        "bad = [m for m in sys.modules if m == 'tensorflow' or m.startswith('tensorflow.') "
        "or m == 'keras' or m.startswith('keras.')]; "
        "assert not bad, bad[:5]"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_submodules_still_import_from_the_package():
    from acme_utils import attribution, correction, metrics

    # gradient correction is re-exported by attribution, as the chapters call it
    assert attribution.correct_gradients is correction.correct_gradients
    assert attribution.gradient_angles is correction.gradient_angles
    assert metrics.kmer_kld is not None
