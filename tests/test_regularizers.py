"""Regularisers and attribution priors (METHODS.md section 3) against independent references."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from acme_utils import models, regularizers as R, training


def _batch(n=32, length=64, seed=0):
    rng = np.random.default_rng(seed)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (n, length))]
    y = (np.arange(n) % 2).astype(np.float32)[:, None]
    return x, y


def test_mixup_with_lambda_one_is_the_identity_and_mixes_inputs_and_labels_alike():
    x, y = _batch(8)
    perm = tf.constant([3, 2, 1, 0, 7, 6, 5, 4])
    np.testing.assert_array_equal(R.mix(tf.constant(x), 1.0, perm).numpy(), x)
    lam = 0.3
    xm, ym = (
        R.mix(tf.constant(x), lam, perm).numpy(),
        R.mix(tf.constant(y), lam, perm).numpy(),
    )
    np.testing.assert_allclose(xm, lam * x + (1 - lam) * x[perm.numpy()], atol=1e-7)
    np.testing.assert_allclose(ym, lam * y + (1 - lam) * y[perm.numpy()], atol=1e-7)


def test_beta_one_one_draws_are_uniform():
    gen = tf.random.Generator.from_seed(0)
    draws = np.array([float(R.sample_beta(gen, 1.0)) for _ in range(400)])
    assert 0 <= draws.min() and draws.max() <= 1
    assert abs(draws.mean() - 0.5) < 0.05 and abs(draws.var() - 1 / 12) < 0.02


@pytest.mark.parametrize("point_index", [0, 1, 3])
def test_manifold_perturbation_changes_only_the_chosen_layer(point_index):
    keras.utils.set_random_seed(0)
    model = models.build_cnn(width=0.25, input_length=64)
    chain = R.layer_chain(model)
    points = R.perturbation_points(chain)
    assert (
        points[0] == 0 and len(points) == 6
    )  # input + 4 conv activations + dense activation
    point = points[point_index]
    x, _ = _batch(4)
    got = R.forward(
        chain, tf.constant(x), False, tf.constant(point), lambda h: h + 1.0
    ).numpy()
    # independent reference: run layer by layer, adding 1 at exactly one place
    h = x + (1.0 if point == 0 else 0.0)
    for i, layer in enumerate(chain):
        h = layer(h, training=False)
        if i + 1 == point:
            h = h + 1.0
    np.testing.assert_allclose(got, np.asarray(h), rtol=1e-5, atol=1e-6)
    clean = R.forward(chain, tf.constant(x), False).numpy()
    np.testing.assert_allclose(
        clean, np.asarray(models.logit_model(model)(x)), rtol=1e-5, atol=1e-6
    )
    assert not np.allclose(got, clean)


def test_pgd_stays_in_the_ball_and_increases_the_loss():
    keras.utils.set_random_seed(1)
    model = models.build_cnn(width=0.25, input_length=64)
    logits = models.logit_model(model)
    x, y = _batch(16)
    x_adv = R.pgd_attack(
        lambda v: logits(v, training=False),
        tf.constant(x),
        tf.constant(y),
        0.05,
        0.005,
        15,
    ).numpy()
    assert np.abs(x_adv - x).max() <= 0.05 + 1e-6
    assert np.abs(x_adv - x).max() > 0.04  # it does move to the boundary
    before = float(R.bce_with_logits(y, logits(x, training=False)))
    after = float(R.bce_with_logits(y, logits(x_adv, training=False)))
    assert after > before


def test_adversarial_schedule():
    phases = [R.adversarial_phase(e, 5, 20) for e in (1, 5, 6, 20, 21, 60)]
    assert phases == ["clean", "clean", "mixed", "mixed", "adversarial", "adversarial"]


@pytest.mark.parametrize("shape", [(19, 4, 24), (7, 24, 32), (256, 96), (96, 1)])
def test_spectral_norm_matches_svd(shape):
    kernel = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    matrix = R.kernel_matrix(tf.constant(kernel))
    u = tf.math.l2_normalize(tf.ones([shape[-1]]))
    sigma, _ = R.spectral_norm(matrix, u, n_iter=200)
    expected = np.linalg.svd(kernel.reshape(-1, shape[-1]), compute_uv=False)[0]
    assert float(sigma) == pytest.approx(expected, rel=1e-3)


def test_spectral_penalty_value_matches_svd_and_warm_start_converges():
    keras.utils.set_random_seed(2)
    model = models.build_cnn(width=0.25, input_length=64)
    chain = R.layer_chain(model)
    penalty = R.spectral_penalty(
        chain, {"weight": 0.01, "n_power_iterations": 5}, seed=0
    )
    for _ in range(30):  # persistent power iteration converges across steps
        value = float(penalty())
    kernels = [layer.kernel.numpy() for layer in chain if hasattr(layer, "kernel")]
    expected = (
        0.5
        * 0.01
        * sum(
            np.linalg.svd(k.reshape(-1, k.shape[-1]), compute_uv=False)[0] ** 2
            for k in kernels
        )
    )
    assert value == pytest.approx(expected, rel=1e-3)


def test_gaussian_kernel_is_truncated_at_one_sigma():
    w = R.gaussian_kernel(3.0)
    assert w.size == 7 and w.sum() == pytest.approx(1.0) and w.argmax() == 3


def test_fourier_prior_low_for_smooth_high_for_noisy():
    # A smooth, motif-sized bump (sd ~4.5 nt) against white noise and a comb of spikes. As
    # published, the loss is normalised by all rFFT mass including DC, so even a smooth track
    # scores above 0 (a constant track scores 1: all of its mass is DC).
    t = np.linspace(0, 1, 200, dtype=np.float32)
    smooth = np.exp(-((t - 0.5) ** 2) / 0.001)[None].astype(np.float32)
    noisy = np.abs(np.random.default_rng(0).normal(size=(1, 200))).astype(np.float32)
    spikes = np.zeros((1, 200), np.float32)
    spikes[0, ::7] = 1
    low, high, higher = (
        float(R.fourier_prior_loss(tf.constant(a), cutoff=30))
        for a in (smooth, noisy, spikes)
    )
    assert 0 <= low < 0.5 * high and high < higher <= 1
    assert float(
        R.fourier_prior_loss(tf.ones((1, 200)), cutoff=30, smooth_sigma=0)
    ) == pytest.approx(1.0)
    tv_smooth = float(R.tv_prior_loss(tf.constant(smooth)))
    tv_noisy = float(R.tv_prior_loss(tf.constant(noisy)))
    assert tv_smooth < tv_noisy


@pytest.mark.parametrize("prior", ["fourier_prior", "tv_prior"])
def test_prior_gradient_flows_to_the_weights(prior):
    keras.utils.set_random_seed(3)
    model = models.build_cnn(width=0.25, input_length=64)
    logits = models.logit_model(model)
    x, _ = _batch(8)
    with tf.GradientTape() as tape:
        track = R.attribution_track(lambda v: logits(v, training=False), tf.constant(x))
        loss = (
            R.fourier_prior_loss(track, cutoff=10)
            if prior == "fourier_prior"
            else R.tv_prior_loss(track)
        )
    grads = tape.gradient(loss, model.trainable_variables)
    conv1 = model.get_layer("conv1").kernel
    g = dict(zip([v.path for v in model.trainable_variables], grads))[conv1.path]
    assert g is not None and float(tf.reduce_sum(tf.abs(g))) > 0


@pytest.mark.parametrize("name", sorted(R.REGULARIZERS))
@pytest.mark.parametrize(
    "activation, batch_norm", [("relu", True), ("exponential", False)]
)
def test_each_regularizer_trains_in_graph_mode(name, activation, batch_norm):
    training.set_seed(0)
    model = models.build_cnn(
        activation=activation, batch_norm=batch_norm, width=0.25, input_length=64
    )
    opt = keras.optimizers.Adam(1e-3)
    step = training.make_train_step(model, opt, name, seed=0)
    x, y = _batch(32)
    before = [w.copy() for w in model.get_weights()]
    epochs = (1, 6, 21) if name == "adversarial" else (1, 1)
    for epoch in epochs:
        loss = float(step(x, y, epoch))
        assert np.isfinite(loss)
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_regularizer_options_are_validated():
    assert R.regularizer_options("mixup") == {"alpha": 1.0}
    assert R.regularizer_options("input_noise", {"std": 0.3}) == {"std": 0.3}
    with pytest.raises(ValueError, match="unknown regularizer"):
        R.regularizer_options("dropconnect")
    with pytest.raises(ValueError, match="no option"):
        R.regularizer_options("mixup", {"std": 0.1})
    with pytest.raises(ValueError, match="non-negative"):
        R.regularizer_options("input_noise", {"std": -1})


def test_baseline_training_config_is_unchanged_by_regularizer_support():
    # the baseline's cache key must not depend on the regulariser machinery
    assert training.make_train_config() == {
        "epochs": 100,
        "batch_size": 100,
        "learning_rate": 0.001,
        "patience": 10,
        "seed": 0,
    }
    cfg = training.make_train_config(regularizer="mixup")
    assert cfg["regularizer"] == "mixup" and cfg["regularizer_options"] == {
        "alpha": 1.0
    }


def test_track_spectrum_rows_are_normalised_and_non_negative():
    rng = np.random.default_rng(4)
    for length, sigma in (
        (200, 3.0),
        (201, 3.0),
        (64, 3.0),
        (7, 3.0),
        (2, 0.5),
        (3, 0.5),
    ):
        tracks = np.abs(rng.normal(size=(5, length)))
        spec = R.track_spectrum(tracks, smooth_sigma=sigma)
        assert spec.shape == (5, length // 2 + 1)
        assert (spec >= 0).all()
        np.testing.assert_allclose(spec.sum(axis=1), 1.0, atol=1e-12)
    # an all-zero track stays all zero (no division by zero), and an empty batch is fine
    zero = R.track_spectrum(np.zeros((2, 50)))
    assert zero.shape == (2, 26) and np.all(zero == 0)
    assert R.track_spectrum(np.zeros((0, 50))).shape == (0, 26)


@pytest.mark.parametrize("cutoff", [5, 30, 99, 150])
@pytest.mark.parametrize("smooth_sigma", [3.0, 0.5])
def test_track_spectrum_with_fourier_weights_reproduces_the_prior_loss(
    cutoff, smooth_sigma
):
    tracks = np.abs(np.random.default_rng(cutoff).normal(size=(6, 200))) + 0.01
    tracks[0] = (
        np.exp(-((np.arange(200) - 90) ** 2) / 40.0) + 0.01
    )  # one smooth bump too
    spec = R.track_spectrum(tracks, smooth_sigma=smooth_sigma)
    w = R.fourier_weights(100, cutoff, 0.2)
    per_track = 1 - spec[:, 1:] @ w
    expected = float(
        R.fourier_prior_loss(
            tf.constant(tracks, tf.float32), cutoff, 0.2, smooth_sigma=smooth_sigma
        )
    )
    assert per_track.mean() == pytest.approx(expected, abs=1e-5)
    assert per_track[0] < per_track[1:].min()  # the smooth track has the lowest loss


def test_sigma_below_one_means_no_smoothing_in_track_spectrum():
    tracks = np.abs(np.random.default_rng(5).normal(size=(3, 40)))
    raw = np.abs(np.fft.rfft(tracks, axis=1))
    np.testing.assert_allclose(
        R.track_spectrum(tracks, smooth_sigma=0.5),
        raw / raw.sum(axis=1, keepdims=True),
        atol=1e-12,
    )
    assert not np.allclose(
        R.track_spectrum(tracks, smooth_sigma=3.0),
        R.track_spectrum(tracks, smooth_sigma=0.5),
    )


@pytest.mark.parametrize(
    "n, cutoff", [(100, 30), (100, 0), (100, 100), (10, 25), (1, 1)]
)
def test_fourier_weights_are_one_up_to_cutoff_then_strictly_decreasing(n, cutoff):
    w = R.fourier_weights(n, cutoff, softness=0.2)
    assert w.shape == (n,)
    k = min(cutoff, n)
    np.testing.assert_array_equal(w[:k], 1.0)
    tail = w[k:]
    if tail.size:
        assert (0 < tail).all() and (tail < 1).all()
        assert (np.diff(np.concatenate([[1.0], tail])) < 0).all()
        assert tail[0] == pytest.approx(0.5)  # 1 / (1 + 1^softness)
        x = np.arange(1, tail.size + 1)
        np.testing.assert_allclose(tail, 1 / (1 + x**0.2), rtol=1e-12)


def test_constant_track_puts_its_mass_at_dc():
    spec = R.track_spectrum(np.full((2, 200), 3.0), smooth_sigma=0.5)
    np.testing.assert_allclose(spec[:, 0], 1.0, atol=1e-12)
    assert spec[:, 1:].sum() < 1e-12
    # with smoothing, the zero padding at the two ends spreads some mass thinly over all frequencies
    smoothed = R.track_spectrum(np.full((2, 200), 3.0), smooth_sigma=3.0)
    assert (smoothed[:, 0] > 0.75).all() and (
        smoothed[:, 0] > 100 * smoothed[:, 1:].max(axis=1)
    ).all()


@pytest.mark.parametrize(
    "bad", [np.ones(10), np.ones((2, 3, 4)), np.ones((2, 1)), np.ones(())]
)
def test_track_spectrum_rejects_wrong_shapes(bad):
    with pytest.raises(ValueError, match="shape"):
        R.track_spectrum(bad)


@pytest.mark.parametrize("bad_value", [np.nan, np.inf])
def test_track_spectrum_rejects_non_finite_tracks(bad_value):
    t = np.ones((2, 20))
    t[1, 5] = bad_value
    with pytest.raises(ValueError, match="NaN or inf"):
        R.track_spectrum(t)


@pytest.mark.parametrize("length", [2, 4, 6])
def test_track_spectrum_of_tracks_shorter_than_the_kernel_matches_the_prior_loss(
    length,
):
    tracks = np.abs(np.random.default_rng(length).normal(size=(3, length))) + 0.01
    spec = R.track_spectrum(tracks, smooth_sigma=3.0)
    assert spec.shape == (3, length // 2 + 1)
    expected = float(
        R.fourier_prior_loss(tf.constant(tracks, tf.float32), 1, 0.2, smooth_sigma=3.0)
    )
    assert (
        1 - spec[:, 1:] @ R.fourier_weights(length // 2, 1, 0.2)
    ).mean() == pytest.approx(expected, abs=1e-5)


def test_first_selectable_epoch():
    assert R.first_selectable_epoch("none") == 1
    assert R.first_selectable_epoch("mixup") == 1
    defaults = R.REGULARIZERS["adversarial"]
    assert R.first_selectable_epoch("adversarial") == defaults["mixed_until"] + 1
    assert (
        R.first_selectable_epoch("adversarial", {"clean_epochs": 2, "mixed_until": 3})
        == 4
    )
    assert (
        R.first_selectable_epoch(
            "adversarial", {"clean_epochs": 2, "select_adversarial_only": False}
        )
        == 3
    )


def _fit_adversarial(small_data, epochs, patience=1, lr_plateau_patience=0, **options):
    training.set_seed(0)
    model = models.build_cnn(
        activation="relu",
        batch_norm=True,
        width=0.25,
        input_length=small_data.train.x.shape[1],
    )
    train = small_data.train.subset(np.arange(200))
    opts = {"clean_epochs": 2, "mixed_until": 3, "n_steps": 2, **options}
    return training.fit(
        model,
        train,
        small_data.valid,
        epochs=epochs,
        patience=patience,
        regularizer="adversarial",
        regularizer_options=opts,
        lr_plateau_patience=lr_plateau_patience,
        verbose=False,
    )


def test_adversarial_early_stopping_only_keeps_epochs_of_the_adversarial_only_phase(
    small_data,
):
    # clean epochs 1-2, mixed 3, adversarial only from 4: patience 1 would otherwise be
    # free to stop in, and keep, the warm-up
    history = _fit_adversarial(small_data, epochs=6)
    assert history["best_epoch"] >= 4
    assert history["stopped_epoch"] >= 5
    assert history["best_epoch"] == 4 + int(np.argmax(history["val_auroc"][3:]))


def test_adversarial_warm_up_trains_at_the_initial_learning_rate(small_data):
    # a plateau patience of 1 cuts the rate after any epoch without improvement; the
    # warm-up (epochs 1-3) is not counted, so epochs 1-4 train at the initial rate and
    # the later rates are those of a schedule fed the AUROCs from epoch 4 on
    history = _fit_adversarial(small_data, epochs=7, patience=10, lr_plateau_patience=1)
    rates = history["learning_rate"]
    assert len(rates) == 7
    assert rates[:4] == [pytest.approx(1e-3)] * 4
    replay = training.PlateauSchedule(1e-3, 1)
    expected = [replay.update(a) for a in history["val_auroc"][3:6]]
    assert rates[4:] == pytest.approx(expected)


def test_adversarial_run_shorter_than_its_warm_up_keeps_the_best_of_all_epochs(
    small_data,
):
    history = _fit_adversarial(small_data, epochs=2, clean_epochs=5)
    assert history["best_epoch"] == 1 + int(np.argmax(history["val_auroc"]))


# --- regularisers and priors looked at from outside training (chapters 7 and 8) -------


def _linear_logit(w):
    """A linear logit ``f(x) = sum(w * x)``: PGD's sign steps move every entry by -sign(w) for
    a positive label (raising the loss lowers f) and by +sign(w) for a negative one."""
    w = tf.constant(w)
    return lambda x: tf.reduce_sum(x * w, axis=(1, 2))[:, None]


def test_adversarial_examples_of_a_linear_model_sit_on_the_ball():
    x, y = _batch(4, 10)
    w = np.random.default_rng(1).normal(size=(10, 4)).astype(np.float32)
    eps = R.REGULARIZERS["adversarial"]["epsilon"]  # 15 steps of 0.005 reach the radius
    x_adv = R.adversarial_examples(_linear_logit(w), x, y)
    direction = np.where(y[:, :, None] == 1, -1, 1) * np.sign(w)[None]
    np.testing.assert_allclose(x_adv, x + eps * direction, atol=1e-6)
    assert x_adv.dtype == np.float32
    # a radius of 0.001 in 2 steps of 0.01: clipped to the smaller ball
    x_small = R.adversarial_examples(_linear_logit(w), x, y, 0.001, 0.01, 2)
    np.testing.assert_allclose(x_small, x + 0.001 * direction, atol=1e-6)


@pytest.mark.parametrize(
    "args, message",
    [
        ({"n_steps": 0}, "n_steps"),
        ({"step": 0.0}, "step"),
        ({"epsilon": -1.0}, "epsilon"),
    ],
)
def test_adversarial_examples_reject_bad_options(args, message):
    x, y = _batch(2, 10)
    with pytest.raises(ValueError, match=message):
        R.adversarial_examples(
            _linear_logit(np.ones((10, 4), np.float32)), x, y, **args
        )


def test_adversarial_examples_reject_bad_shapes():
    x, y = _batch(2, 10)
    logit = _linear_logit(np.ones((10, 4), np.float32))
    with pytest.raises(ValueError, match="x must have shape"):
        R.adversarial_examples(logit, x[..., :3], y)
    with pytest.raises(ValueError, match="y must have shape"):
        R.adversarial_examples(logit, x, y[:1])


def test_prior_table_total_variations_by_hand():
    spikes = np.zeros(50)
    spikes[[10, 20, 30]] = 1.0  # raw TV 6 (two steps per spike), sum 3
    tracks = {"constant": np.ones(50), "spikes": spikes}
    table = R.prior_table(tracks, cutoff=10, smooth_sigma=0)  # no smoothing
    assert list(table.index) == ["constant", "spikes"]
    assert table.loc["constant", "TV (raw)"] == 0
    assert table.loc["spikes", "TV (raw)"] == pytest.approx(6)
    assert table.loc["spikes", "TV (normalised)"] == pytest.approx(2)
    assert table.loc["spikes", "TV (raw) of 0.1 x track"] == pytest.approx(0.6)
    assert table.loc["spikes", "TV (normalised) of 0.1 x track"] == pytest.approx(2)
    # unsmoothed, a constant track's mass is all DC: the Fourier prior's maximum, 1
    assert table.loc["constant", "Fourier prior"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="one length"):
        R.prior_table({"a": np.ones(5), "b": np.ones(6)}, cutoff=2)


def test_mass_above_and_cutoff_table_of_a_hand_made_spectrum():
    # non-DC mass 1, 1, 2 (of 4), the same in both rows: above f = 1, 2, 3: 3/4, 2/4, 0
    spectra = np.array([[5.0, 1.0, 1.0, 2.0], [0.0, 1.0, 1.0, 2.0]])
    np.testing.assert_allclose(R.mass_above(spectra), [0.75, 0.5, 0.0])
    table = R.cutoff_table(spectra, [1, 2], length=6)
    assert table.index.name == "cutoff c" and list(table.index) == [1, 2]
    assert table["period L/c (nt)"].tolist() == [6.0, 3.0]
    assert table["ground-truth non-DC mass above c"].tolist() == [0.75, 0.5]
    with pytest.raises(ValueError, match="candidates"):
        R.cutoff_table(spectra, [4], length=6)
    with pytest.raises(ValueError, match="no mass"):
        R.mass_above(np.array([[1.0, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="spectra must have shape"):
        R.mass_above(np.ones(5))


def test_track_priors_agree_with_the_tensorflow_losses():
    rng = np.random.default_rng(0)
    track = np.abs(rng.normal(size=(3, 200))).astype(np.float32)
    got = R.track_priors(track, cutoff=30)
    # the TensorFlow Fourier prior used in training, computed independently of the NumPy twin
    assert got["Fourier prior"] == pytest.approx(
        float(R.fourier_prior_loss(tf.constant(track), cutoff=30)), abs=1e-5
    )
    zigzag = np.tile([0.0, 1.0], (1, 4))  # TV 7 over a sum of 4
    assert R.track_priors(zigzag, cutoff=2)["TV prior"] == pytest.approx(7 / 4)
