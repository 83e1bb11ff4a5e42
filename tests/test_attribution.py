"""Attribution methods against independent references (METHODS.md sections 4-5)."""

import keras
import numpy as np
import pytest

from acme_utils import attribution as A

L = 24


def _smooth_model(seed=0, length=L):
    """A small, smooth (tanh/softplus) model with a 'logit' layer, so finite differences are exact."""
    keras.utils.set_random_seed(seed)
    inp = keras.Input((length, 4))
    h = keras.layers.Conv1D(6, 5, padding="same", activation="tanh")(inp)
    h = keras.layers.Conv1D(4, 3, padding="same", activation="softplus")(h)
    h = keras.layers.Flatten()(h)
    z = keras.layers.Dense(1, name="logit")(h)
    return keras.Model(inp, keras.layers.Activation("sigmoid", name="output")(z))


def _one_hot(n, length=L, seed=0):
    return np.eye(4, dtype=np.float32)[
        np.random.default_rng(seed).integers(0, 4, (n, length))
    ]


@pytest.fixture(scope="module")
def model():
    return _smooth_model()


@pytest.fixture(scope="module")
def x():
    return _one_hot(6)


def test_saliency_equals_central_finite_differences(model, x):
    sal = A.saliency(model, x)
    eps = 1e-2
    rng = np.random.default_rng(1)
    for _ in range(12):
        i, l, c = rng.integers(6), rng.integers(L), rng.integers(4)
        xp, xm = x[i : i + 1].copy(), x[i : i + 1].copy()
        xp[0, l, c] += eps
        xm[0, l, c] -= eps
        fd = (A.predict_target(model, xp) - A.predict_target(model, xm))[0] / (2 * eps)
        assert sal[i, l, c] == pytest.approx(fd, rel=2e-2, abs=2e-4)


def test_target_output_is_the_sigmoid_derivative(model, x):
    z = A.predict_target(model, x)
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(
        A.saliency(model, x, target="output"),
        A.saliency(model, x) * (p * (1 - p))[:, None, None],
        rtol=1e-4,
        atol=1e-7,
    )
    with pytest.raises(ValueError, match="target"):
        A.saliency(model, x, target="proba")


def test_batch_size_does_not_change_results(model, x):
    np.testing.assert_allclose(
        A.saliency(model, x, batch_size=1),
        A.saliency(model, x, batch_size=64),
        atol=1e-6,
    )
    np.testing.assert_allclose(
        A.integrated_gradients(model, x, batch_size=7),
        A.integrated_gradients(model, x, batch_size=5000),
        atol=1e-6,
    )


def test_gradient_times_input(model, x):
    np.testing.assert_allclose(
        A.gradient_times_input(model, x), A.saliency(model, x) * x
    )


@pytest.mark.parametrize("baseline", ["zeros", "uniform", "shuffle"])
def test_integrated_gradients_completeness_and_convergence(model, x, baseline):
    gaps = {}
    for steps in (2, 25, 200):
        _, gap = A.integrated_gradients(
            model, x, baseline=baseline, steps=steps, return_gap=True
        )
        gaps[steps] = np.abs(gap).max()
    scale = np.abs(A.predict_target(model, x)).max()
    assert (
        gaps[25] < 0.01 * scale + 1e-3
    )  # completeness within 1% at the default 25 steps
    assert gaps[200] < gaps[25] < gaps[2]  # and it converges
    _, gap_gl = A.integrated_gradients(
        model, x, baseline=baseline, steps=25, rule="gauss-legendre", return_gap=True
    )
    assert np.abs(gap_gl).max() < 0.01 * scale + 1e-3


def test_integrated_gradients_exact_for_a_linear_model(x):
    inp = keras.Input((L, 4))
    z = keras.layers.Dense(1, name="logit")(keras.layers.Flatten()(inp))
    lin = keras.Model(inp, z)
    w = lin.get_layer("logit").get_weights()[0].reshape(L, 4)
    ig = A.integrated_gradients(lin, x, baseline="uniform", steps=3)
    np.testing.assert_allclose(ig, w[None] * (x - 0.25), atol=1e-6)


@pytest.mark.parametrize("baseline", ["zeros", "uniform", "shuffle"])
def test_average_path_gradient_times_difference_is_integrated_gradients(
    model, x, baseline
):
    avg = A.average_path_gradient(
        model, x, baseline=baseline, steps=10, seed=2, batch_size=33
    )
    base = A._baseline(x, baseline, 2)
    ig = A.integrated_gradients(model, x, baseline=baseline, steps=10, seed=2)
    np.testing.assert_allclose(avg * (x - base), ig, atol=1e-6)
    # with a zero baseline the IG map loses the unobserved channels; the averaged gradient keeps them
    if baseline == "zeros":
        assert np.abs(avg[x == 0]).max() > 0


def test_average_path_gradient_of_a_linear_model_is_its_weights(x):
    inp = keras.Input((L, 4))
    z = keras.layers.Dense(1, name="logit")(keras.layers.Flatten()(inp))
    lin = keras.Model(inp, z)
    w = lin.get_layer("logit").get_weights()[0].reshape(L, 4)
    np.testing.assert_allclose(
        A.average_path_gradient(lin, x, steps=3), np.broadcast_to(w, x.shape), atol=1e-6
    )


def test_integrated_gradients_nodes():
    for rule in ("trapezoid", "gauss-legendre"):
        a, w = A.path_nodes(25, rule)
        assert w.sum() == pytest.approx(1.0) and a.min() >= 0 and a.max() <= 1
        assert (w * a**3).sum() == pytest.approx(
            0.25, abs=1e-3
        )  # integrates a^3 on [0, 1]
    assert A.path_nodes(25, "trapezoid")[0].size == 26
    with pytest.raises(ValueError, match="rule"):
        A.path_nodes(5, "simpson")


def test_smoothgrad_without_noise_is_saliency_and_is_seeded(model, x):
    np.testing.assert_allclose(
        A.smoothgrad(model, x, n_samples=4, std=0.0), A.saliency(model, x), atol=1e-6
    )
    a = A.smoothgrad(model, x, n_samples=8, std=0.1, seed=3)
    np.testing.assert_array_equal(
        a, A.smoothgrad(model, x, n_samples=8, std=0.1, seed=3)
    )
    assert not np.allclose(a, A.saliency(model, x))


def test_ism_matches_explicit_mutate_and_predict(model, x):
    got = A.ism(model, x[:2])
    ref = A.predict_target(model, x[:2])
    for i in range(2):
        for l in range(L):
            for c in range(4):
                mutant = x[i : i + 1].copy()
                mutant[0, l] = np.eye(4)[c]
                assert got[i, l, c] == pytest.approx(
                    A.predict_target(model, mutant)[0] - ref[i], abs=1e-5
                )
    assert (got[x[:2] == 1] == 0).all()


def test_dinucleotide_shuffle_preserves_dinucleotide_counts():
    x = _one_hot(5, length=200, seed=4)
    sh = A.dinucleotide_shuffle(x, seed=1)
    a, b = x.argmax(-1), sh.argmax(-1)
    for i in range(5):
        ca, cb = np.zeros((4, 4)), np.zeros((4, 4))
        np.add.at(ca, (a[i, :-1], a[i, 1:]), 1)
        np.add.at(cb, (b[i, :-1], b[i, 1:]), 1)
        np.testing.assert_array_equal(ca, cb)
        assert a[i, 0] == b[i, 0] and a[i, -1] == b[i, -1]
        assert (a[i] != b[i]).mean() > 0.3
    np.testing.assert_array_equal(sh, A.dinucleotide_shuffle(x, seed=1))


def test_correction_sums_to_zero_and_is_idempotent():
    g = np.random.default_rng(0).normal(size=(3, 10, 4))
    c = A.correct_gradients(g)
    np.testing.assert_allclose(c.sum(-1), 0, atol=1e-6)
    np.testing.assert_allclose(A.correct_gradients(c), c, atol=1e-7)
    # correction removes exactly the component along (1,1,1,1): what remains is orthogonal to it
    np.testing.assert_allclose(((g - c) * c).sum(-1), 0, atol=1e-5)


def test_gradient_angles_closed_form():
    g = np.array(
        [[[1, 1, 1, 1], [1, -1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [-1, -1, -1, -1]]],
        float,
    )
    np.testing.assert_allclose(A.gradient_angles(g), [[90, 0, 0, 30, -90]], atol=1e-9)
    assert (
        np.abs(
            A.gradient_angles(
                A.correct_gradients(np.random.default_rng(0).normal(size=(2, 5, 4)))
            )
        ).max()
        < 1e-4
    )


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((2, L)), "shape"),
        (np.full((2, L, 4), 0.25), "not one-hot"),
        (np.zeros((0, L, 4)), "empty"),
    ],
)
def test_bad_sequences(model, bad, message):
    with pytest.raises(ValueError, match=message):
        A.saliency(model, bad)


def test_nan_inputs_are_rejected(model, x):
    bad = x.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        A.integrated_gradients(model, bad)
    with pytest.raises(ValueError, match="NaN"):
        A.correct_gradients(np.full((1, 3, 4), np.nan))
    with pytest.raises(ValueError, match="shape"):
        A.gradient_angles(np.zeros((3, 4)))


def test_explain_caches_by_model_method_options_and_input(model, x, tmp_path):
    class Trained:  # the two attributes of training.TrainedModel that explain() uses
        def __init__(self, m, key):
            self.model, self.key, self.name = m, key, "toy"

    t = Trained(model, "k1")
    first = A.explain(t, x, "integrated_gradients", cache_dir=tmp_path, steps=5)
    np.testing.assert_allclose(
        first, A.integrated_gradients(model, x, steps=5), atol=1e-6
    )
    assert len(list((tmp_path / "attributions").iterdir())) == 1
    again = A.explain(
        t, x, "integrated_gradients", cache_dir=tmp_path, steps=5, batch_size=3
    )
    np.testing.assert_array_equal(first, again)  # batch size is not part of the key
    assert len(list((tmp_path / "attributions").iterdir())) == 1
    A.explain(t, x, "integrated_gradients", cache_dir=tmp_path, steps=6)
    A.explain(t, x[:3], "integrated_gradients", cache_dir=tmp_path, steps=5)
    A.explain(
        Trained(model, "k2"), x, "integrated_gradients", cache_dir=tmp_path, steps=5
    )
    assert len(list((tmp_path / "attributions").iterdir())) == 4
    with pytest.raises(ValueError, match="method"):
        A.explain(t, x, "deeplift")


def test_compiled_functions_are_reused_across_calls_and_freed_with_the_model(x):
    """Repeated calls (any steps/rule) trace each compiled function once, give the same maps as a
    fresh model would, and the cache of compiled functions does not keep a model alive."""
    import gc
    import weakref

    m = _smooth_model(seed=5)
    fresh = _smooth_model(seed=5)
    for steps, rule in [
        (2, "trapezoid"),
        (5, "gauss-legendre"),
        (7, "trapezoid"),
        (3, "gauss-legendre"),
        (11, "trapezoid"),
        (4, "trapezoid"),
    ]:
        np.testing.assert_allclose(
            A.integrated_gradients(m, x, steps=steps, rule=rule),
            A.integrated_gradients(fresh, x, steps=steps, rule=rule),
            atol=1e-6,
        )
    for _ in range(3):
        A.saliency(m, x)
        A.smoothgrad(m, x, n_samples=2)
        A.ism(m, x[:2])
        A.saliency(m, x, target="output")
    compiled = A._COMPILED[A.target_model(m)]
    assert set(compiled) == {("grad", L), ("ig", L), ("smoothgrad", L), ("ism", L)}
    assert all(fn.experimental_get_tracing_count() == 1 for fn in compiled.values())
    assert (
        A._COMPILED[m][("grad", L)].experimental_get_tracing_count() == 1
    )  # target="output"
    ref = weakref.ref(m)
    del m, compiled
    gc.collect()
    assert ref() is None


# ------------------------------------------------------------------ inputs checked at the boundary


@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: A.saliency(m, x),
        lambda m, x: A.gradient_times_input(m, x),
        lambda m, x: A.integrated_gradients(m, x, steps=2),
        lambda m, x: A.average_path_gradient(m, x, steps=2),
        lambda m, x: A.smoothgrad(m, x, n_samples=2),
        lambda m, x: A.ism(m, x),
        lambda m, x: A.predict_target(m, x),
        lambda m, x: A.explain(m, x, "saliency"),
    ],
)
def test_a_sequence_of_another_length_is_one_clear_error(call):
    # Before: a 60-nt input to a 48-nt model failed inside the traced tf.function (a long
    # autograph trace). Now: one ValueError naming both lengths, before any tracing.
    model48 = _smooth_model(length=48)
    message = (
        r"x has sequences of length 60, but model '.*' takes sequences of length 48"
    )
    with pytest.raises(ValueError, match=message):
        call(model48, _one_hot(2, 60))


def test_predict_target_raises_instead_of_returning_nan(x):
    broken = _smooth_model(seed=1)
    weights = broken.get_weights()
    weights[0][0, 0, 0] = np.nan  # one NaN weight poisons every output
    broken.set_weights(weights)
    with pytest.raises(
        ValueError, match=r"gives a NaN or infinite logit for 6 of 6 sequences"
    ):
        A.predict_target(broken, x)
    # inputs need not be one-hot (baselines, path points) but must be finite
    good = _smooth_model(seed=1)
    assert np.isfinite(A.predict_target(good, np.zeros_like(x))).all()
    bad = np.zeros_like(x)
    bad[2, 3, 1] = np.nan
    with pytest.raises(ValueError, match=r"x contains 1 NaN .* at index \(2, 3, 1\)"):
        A.predict_target(good, bad)


def test_explain_checks_its_input_once(model, x, monkeypatch):
    from acme_utils import validation

    calls = []
    real = validation.validate_input

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(validation, "validate_input", counting)
    for method in A.METHODS:
        calls.clear()
        A.explain(
            model,
            x,
            method,
            **({"steps": 2} if method == "integrated_gradients" else {}),
        )
        assert calls == ["x"], method


def test_corrected_saliency_is_the_cached_saliency_corrected(model, x, tmp_path):
    class Trained:  # the attributes of training.TrainedModel that explain() uses
        def __init__(self, m, key):
            self.model, self.key, self.name = m, key, "toy"

    got = A.corrected_saliency(Trained(model, "k"), x, cache_dir=tmp_path)
    raw = A.saliency(model, x)
    # the projection of METHODS.md section 5, written out: subtract each position's mean
    np.testing.assert_allclose(got, raw - raw.mean(-1, keepdims=True), atol=1e-6)
    np.testing.assert_allclose(got.sum(-1), 0.0, atol=1e-5)
    assert len(list((tmp_path / "attributions").iterdir())) == 1  # saliency, cached
    with pytest.raises(ValueError, match="one-hot"):
        A.corrected_saliency(Trained(model, "k"), x * 2, cache_dir=tmp_path)


def test_explain_refuses_return_gap(model, x, tmp_path):
    """explain returns a map whether or not it goes through the cache, never a (map, gap) pair."""
    with pytest.raises(ValueError, match="integrated_gradients"):
        A.explain(model, x, "integrated_gradients", return_gap=True)


def test_completeness_report_reads_the_first_step_count_below_the_tolerance():
    import pandas as pd

    gaps = pd.DataFrame(
        {
            "model": ["ReLU"] * 4 + ["exponential"] * 4,
            "rule": ["trapezoid", "trapezoid", "gauss-legendre", "gauss-legendre"] * 2,
            "steps": [5, 25] * 4,
            "relative gap": [0.2, 0.005, 0.001, 0.0001, 0.3, 0.02, 0.05, 0.009],
        }
    )
    assert A.completeness_report(gaps, tolerance=0.01).splitlines() == [
        "ReLU         trapezoid       relative gap below 1%: first at 25 steps",
        "ReLU         gauss-legendre  relative gap below 1%: first at 5 steps",
        "exponential  trapezoid       relative gap below 1%: not reached by 25 steps",
        "exponential  gauss-legendre  relative gap below 1%: first at 25 steps",
    ]
    assert "below 0.5%" in A.completeness_report(gaps, tolerance=0.005)
    with pytest.raises(ValueError, match="columns"):
        A.completeness_report(gaps.drop(columns="steps"))
    with pytest.raises(ValueError, match="tolerance"):
        A.completeness_report(gaps, tolerance=0)
