"""Regularisers and attribution priors for training (METHODS.md section 3; the paper's appendix B).

Each regulariser is selected by name through ``training.make_train_config(regularizer=..., ...)`` and
runs inside the same compiled (graph-mode) train step as the baseline, built by
``training.make_train_step`` from the building blocks here. Every constant is an option with the
METHODS.md default (``REGULARIZERS[name]``). This module holds the regularisers and attribution
priors only; it imports nothing from ``training``.

- ``mixup`` / ``manifold_mixup``: mix the batch with a permutation of itself, inputs (or a hidden
  activation) and labels alike, with lambda ~ Beta(alpha, alpha) drawn once per batch.
- ``input_noise`` / ``manifold_noise``: add Gaussian noise to the input (or a hidden activation).
- ``adversarial``: projected gradient descent (PGD) in an L-infinity ball, on a schedule.
- ``spectral_norm``: penalty ``(lambda/2) sum_l sigma(W_l)^2`` by power iteration.
- ``fourier_prior`` / ``tv_prior``: attribution priors on the gradient-times-input track of the
  positive sequences (Tseng, Shrikumar & Kundaje 2020); they need second derivatives.
"""

from __future__ import annotations

import numpy as np

from ._tensorflow import keras, tf
from .validation import validate_input

__all__ = [
    "REGULARIZERS",
    "regularizer_options",
    "layer_chain",
    "perturbation_points",
    "forward",
    "mix",
    "sample_beta",
    "bce_with_logits",
    "pgd_attack",
    "kernel_matrix",
    "spectral_norm",
    "gaussian_kernel",
    "attribution_track",
    "fourier_prior_loss",
    "fourier_weights",
    "track_spectrum",
    "tv_prior_loss",
    "spectral_penalty",
    "adversarial_phase",
    "first_selectable_epoch",
    # chapters 7 and 8
    "adversarial_examples",
    "prior_table",
    "mass_above",
    "cutoff_table",
    "track_priors",
]


#: name -> default options (METHODS.md section 3). "none" is the unregularised baseline.
REGULARIZERS = {
    "none": {},
    "mixup": {"alpha": 1.0},
    "manifold_mixup": {"alpha": 1.0},
    "input_noise": {"std": 0.15},
    "manifold_noise": {"std": 0.15},
    # clean_epochs/mixed_until: 30/45, not METHODS.md's 5/20: after 5 clean epochs our models
    # are far from trained and collapse to a constant output once attacked (chapter 7).
    # select_adversarial_only: the epochs before the adversarial-only phase are a warm-up
    # (never kept, not counted by early stopping or learning-rate reduction).
    "adversarial": {
        "epsilon": 0.05,
        "step": 0.005,
        "n_steps": 15,
        "clean_epochs": 30,
        "mixed_until": 45,
        "select_adversarial_only": True,
    },
    "spectral_norm": {"weight": 0.01, "n_power_iterations": 5},
    "fourier_prior": {
        "weight": 1.0,
        "cutoff": 30,
        "softness": 0.2,
        "smooth_sigma": 3.0,
    },
    "tv_prior": {"weight": 1.0, "normalize": True},
}


def regularizer_options(name: str, options: dict | None = None) -> dict:
    """The complete, validated options of regulariser ``name``.

    The defaults ``REGULARIZERS[name]`` updated by ``options``.

    Parameters
    ----------
    name : str
        A key of ``REGULARIZERS`` ("none" is the unregularised baseline).
    options : dict, optional
        Overrides of the METHODS.md section 3 defaults ``REGULARIZERS[name]``; only
        options that ``name`` has. None (default) keeps every default.

    Returns
    -------
    dict
        Every option of ``name`` (a new dict): the defaults updated by ``options``;
        empty for "none".

    Raises
    ------
    ValueError
        If ``name`` is not a key of ``REGULARIZERS``, an option is not one of
        ``name``'s, a numeric value is negative or not finite (boolean options are not
        checked), or ``alpha`` is not positive.
    """
    if name not in REGULARIZERS:
        raise ValueError(
            f"unknown regularizer {name!r}; choose one of {tuple(REGULARIZERS)}"
        )
    options = dict(options or {})
    unknown = set(options) - set(REGULARIZERS[name])
    if unknown:
        raise ValueError(
            f"regularizer {name!r} has no option(s) {sorted(unknown)}; it takes {sorted(REGULARIZERS[name])}"
        )
    full = {**REGULARIZERS[name], **options}
    for key, value in full.items():
        if isinstance(value, bool):
            continue
        if not np.isfinite(value) or value < 0:
            raise ValueError(
                f"option {key!r} of {name!r} must be a finite, non-negative number; got {value!r}"
            )
    for key in ("alpha",):
        if key in full and full[key] <= 0:
            raise ValueError(
                f"option {key!r} of {name!r} must be positive; got {full[key]!r}"
            )
    return full


# --------------------------------------------------------------------------------------------
# Building blocks (pure TensorFlow functions, tested on their own)
# --------------------------------------------------------------------------------------------


def layer_chain(model: keras.Model) -> list:
    """The layers of a chain-shaped model from the input to the ``"logit"`` layer.

    Parameters
    ----------
    model : keras.Model
        A chain-shaped model with a layer named ``"logit"``, such as
        ``models.build_cnn``'s.

    Returns
    -------
    list of keras.layers.Layer
        The model's layers except the ``InputLayer``, up to and including ``"logit"``
        (the layers after it, such as the output sigmoid, are left out).

    Raises
    ------
    ValueError
        If the model has no layer named ``"logit"``.
    """
    layers = [
        layer
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]
    names = [layer.name for layer in layers]
    if "logit" not in names:
        raise ValueError(f"model {model.name!r} has no 'logit' layer")
    return layers[: names.index("logit") + 1]


def perturbation_points(chain: list) -> list[int]:
    """Where manifold regularisers may act (the ``point`` values of ``forward``).

    0 is the input; ``i + 1`` is after ``chain[i]``, for every hidden activation layer
    (names ending in ``_act``).

    Parameters
    ----------
    chain : list of keras.layers.Layer
        The layers from ``layer_chain``.

    Returns
    -------
    list of int
        ``0`` followed by ``i + 1`` for each ``_act`` layer ``chain[i]``, in increasing
        order.
    """
    return [0] + [i + 1 for i, layer in enumerate(chain) if layer.name.endswith("_act")]


def forward(chain: list, x, training: bool, point=None, perturb=None):
    """Run ``chain`` on ``x``, optionally perturbing the hidden state at one point.

    If ``point`` and ``perturb`` are both given, ``perturb`` is applied to the hidden
    state at ``point`` (0 = input; ``i + 1`` = after the activation layer ``chain[i]``,
    see ``perturbation_points``). The choice is made in the graph (``tf.cond``), so
    ``point`` may be a tensor drawn inside the compiled train step.

    Parameters
    ----------
    chain : list of keras.layers.Layer
        The layers from ``layer_chain``, ending with ``"logit"``.
    x : tf.Tensor, shape (B, L, 4)
        A batch of B sequences of length L.
    training : bool
        Passed to every layer (dropout and batch norm in training or inference mode).
    point : tf.Tensor, scalar int32, optional
        Where to perturb, one of ``perturbation_points(chain)``. None (default): no
        perturbation.
    perturb : callable, optional
        ``h -> h'`` of the same shape as the hidden state ``h`` (the input ``(B, L, 4)``
        or a hidden activation). None (default): no perturbation.

    Returns
    -------
    tf.Tensor, shape (B, 1)
        The logits.
    """
    h = x
    if point is not None and perturb is not None:
        h = tf.cond(tf.equal(point, 0), lambda: perturb(h), lambda: h)
    for i, layer in enumerate(chain):
        h = layer(h, training=training)
        if point is not None and perturb is not None and layer.name.endswith("_act"):
            h = tf.cond(tf.equal(point, i + 1), lambda h=h: perturb(h), lambda h=h: h)
    return h


def mix(tensor, lam, perm):
    """``lam * t + (1 - lam) * t[perm]``: mixup of a batch with a permutation of itself.

    Parameters
    ----------
    tensor : tf.Tensor, shape (B, ...)
        A batch of B items: inputs ``(B, L, 4)``, a hidden activation, or labels
        ``(B, 1)``.
    lam : float or tf.Tensor, scalar
        The mixing weight (``sample_beta``); cast to the dtype of ``tensor``.
    perm : tf.Tensor, shape (B,), int
        A permutation of the batch indices ``0 .. B-1``.

    Returns
    -------
    tf.Tensor
        Same shape and dtype as ``tensor``.
    """
    lam = tf.cast(lam, tensor.dtype)
    return lam * tensor + (1.0 - lam) * tf.gather(tensor, perm)


def sample_beta(gen: tf.random.Generator, alpha: float):
    """One draw from Beta(alpha, alpha), as the ratio of two Gamma(alpha) draws.

    ``g1 / (g1 + g2)`` with g1, g2 ~ Gamma(alpha), drawn statelessly from two seeds made
    by ``gen`` (which advances ``gen``), so the sequence of draws is fixed by the
    generator's seed.

    Parameters
    ----------
    gen : tf.random.Generator
        The random generator of the train step.
    alpha : float
        The Beta parameter (METHODS.md section 3: 1, i.e. lambda uniform on [0, 1]).

    Returns
    -------
    tf.Tensor, scalar float32
        lambda in [0, 1].
    """
    seeds = gen.make_seeds(2)
    g1 = tf.random.stateless_gamma([], seed=seeds[:, 0], alpha=alpha)
    g2 = tf.random.stateless_gamma([], seed=seeds[:, 1], alpha=alpha)
    return g1 / (g1 + g2)


def bce_with_logits(y, z):
    """Mean binary cross-entropy on logits; ``y`` may be soft (mixup).

    Parameters
    ----------
    y : tf.Tensor, shape (B, 1)
        Labels in [0, 1]: 0 or 1, or soft labels mixed by ``mix``.
    z : tf.Tensor, shape (B, 1)
        Logits, of the same dtype as ``y``.

    Returns
    -------
    tf.Tensor, scalar
        ``sigmoid_cross_entropy_with_logits(y, z)`` averaged over the batch.
    """
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))


def pgd_attack(logit_fn, x, y, epsilon: float, step: float, n_steps: int):
    """Projected gradient ascent on the loss in an L-infinity ball around ``x``.

    The ball has radius ``epsilon``: ``n_steps`` steps of size ``step`` along the sign
    of the input gradient, each followed by projection back into the ball (METHODS.md
    section 3, adversarial training). The attack starts at ``x`` itself (no random
    start) and is not clipped to [0, 1].

    Parameters
    ----------
    logit_fn : callable
        ``(B, L, 4) -> (B, 1)`` logits; the train step passes the model in inference
        mode.
    x : tf.Tensor, shape (B, L, 4)
        The clean batch of B sequences of length L.
    y : tf.Tensor, shape (B, 1)
        Its labels.
    epsilon : float
        Radius of the ball (METHODS.md default 0.05).
    step : float
        Step size (METHODS.md default 0.005).
    n_steps : int
        Number of steps (METHODS.md default 15).

    Returns
    -------
    tf.Tensor, shape (B, L, 4)
        The adversarial inputs, each within ``epsilon`` of ``x`` in every entry (no
        gradient flows through them).
    """
    x_adv = tf.identity(x)
    for _ in range(int(n_steps)):
        with tf.GradientTape() as tape:
            tape.watch(x_adv)
            loss = bce_with_logits(y, logit_fn(x_adv))
        g = tape.gradient(loss, x_adv)
        x_adv = x_adv + step * tf.sign(g)
        x_adv = x + tf.clip_by_value(x_adv - x, -epsilon, epsilon)
    return tf.stop_gradient(x_adv)


def kernel_matrix(kernel):
    """A Dense or Conv1D kernel ``(k, in, out)`` as a ``(k*in, out)`` matrix.

    Parameters
    ----------
    kernel : tf.Tensor or tf.Variable, shape (in, out) or (k, in, out)
        A Dense or Conv1D kernel: k the kernel width, in and out the channels.

    Returns
    -------
    tf.Tensor, shape (k * in, out)
        The kernel reshaped (a Dense kernel keeps its shape ``(in, out)``), as
        METHODS.md section 3 prescribes for the spectral-norm penalty.
    """
    return tf.reshape(kernel, [-1, tf.shape(kernel)[-1]])


def spectral_norm(matrix, u, n_iter: int):
    """Largest singular value of ``matrix`` by power iteration from ``u`` (out-dim).

    ``n_iter`` power iterations: each sets ``v = normalise(M u)`` and then
    ``u = normalise(M^T v)``; at least one iteration is run, even for ``n_iter < 1``.
    sigma is ``v . (M u)``, differentiable in ``matrix`` (u and v held fixed).

    Parameters
    ----------
    matrix : tf.Tensor, shape (m, n)
        A kernel as a matrix (``kernel_matrix``): m = k * in, n = out.
    u : tf.Tensor or tf.Variable, shape (n,)
        The starting vector (out-dim), e.g. the previous step's ``u_new``.
    n_iter : int
        Number of power iterations (option ``n_power_iterations``, default 5).

    Returns
    -------
    sigma : tf.Tensor, scalar
        The estimate of the largest singular value.
    u_new : tf.Tensor, shape (n,)
        The updated vector, without gradient, to warm-start the next call.
    """
    v = None
    for _ in range(max(1, int(n_iter))):
        v = tf.math.l2_normalize(tf.linalg.matvec(matrix, u))
        u = tf.math.l2_normalize(tf.linalg.matvec(matrix, v, transpose_a=True))
    u, v = tf.stop_gradient(u), tf.stop_gradient(v)
    return tf.tensordot(v, tf.linalg.matvec(matrix, u), 1), u


def gaussian_kernel(sigma: float) -> np.ndarray:
    """Normalised Gaussian weights truncated at 1 sigma.

    METHODS.md section 3: sigma 3 -> 7 taps (the smoothing of the Fourier prior).

    Parameters
    ----------
    sigma : float
        Standard deviation, in positions.

    Returns
    -------
    numpy.ndarray, shape (2 * floor(sigma) + 1,), float32
        ``exp(-t^2 / (2 sigma^2))`` at ``t = -floor(sigma) .. floor(sigma)``, normalised
        to sum 1; ``[1.0]`` (no smoothing) when ``sigma < 1``.
    """
    radius = int(np.floor(sigma))
    if radius < 1:
        return np.ones(1, np.float32)
    t = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (t / sigma) ** 2)
    return (w / w.sum()).astype(np.float32)


def attribution_track(logit_fn, x):
    """Gradient x input of the logit, |.| summed over channels: a track ``(B, L)``.

    The track is differentiable in the weights: it is a second-order quantity, so it
    must be computed inside the outer tape that differentiates the loss (in
    ``make_train_step`` an ordinary, non-persistent ``tf.GradientTape``, which records
    this inner gradient).

    Parameters
    ----------
    logit_fn : callable
        ``(B, L, 4) -> (B, 1)`` logits; the train step passes the model in inference
        mode.
    x : tf.Tensor, shape (B, L, 4)
        Sequences (the train step passes the positive ones of its batch).

    Returns
    -------
    tf.Tensor, shape (B, L)
        ``sum_c |x * d(sum_b z_b)/dx|`` over the 4 channels c, one track per sequence.
    """
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.reduce_sum(logit_fn(x))
    g = tape.gradient(z, x)
    return tf.reduce_sum(tf.abs(g * x), axis=-1)


def fourier_prior_loss(
    track, cutoff: int, softness: float = 0.2, smooth_sigma: float = 3.0
):
    """Fourier attribution prior (Tseng et al. 2020), averaged over the batch.

    ``1 - sum_f w_f |A_f| / sum |A|`` per track (METHODS.md section 3). The track is
    smoothed by a Gaussian (``gaussian_kernel``, truncated at 1 sigma), its rFFT
    magnitudes normalised to sum 1, the DC term dropped, and frequencies weighted by 1
    up to ``cutoff`` and by ``1 / (1 + x^softness)`` for the x-th frequency above it
    (``fourier_weights``). Low for smooth tracks (mass at low frequencies), high for
    noisy ones.

    Parameters
    ----------
    track : tf.Tensor, shape (B, L), float32
        Attribution tracks of B sequences of length L (``attribution_track``).
    cutoff : int
        Last frequency of weight 1 (``REGULARIZERS["fourier_prior"]`` default: 30).
    softness : float, default 0.2
        Exponent of the decay above the cutoff.
    smooth_sigma : float, default 3.0
        Sigma of the Gaussian smoothing, in positions (below 1: no smoothing).

    Returns
    -------
    tf.Tensor, scalar
        The loss, in [0, 1], averaged over the B tracks.
    """
    kernel = gaussian_kernel(smooth_sigma)
    if kernel.size > 1:
        k = tf.constant(kernel)[:, None, None]
        track = tf.nn.conv1d(track[:, :, None], k, stride=1, padding="SAME")[:, :, 0]
    mags = tf.abs(tf.signal.rfft(track))
    total = tf.reduce_sum(mags, axis=1, keepdims=True)
    mags = mags / tf.where(total > 0, total, tf.ones_like(total))
    mags = mags[:, 1:]  # drop DC
    weights = fourier_weights(int(mags.shape[1]), cutoff, softness).astype(np.float32)
    score = tf.reduce_sum(mags * tf.constant(weights)[None, :], axis=1)
    return tf.reduce_mean(1.0 - score)


def fourier_weights(n: int, cutoff: int, softness: float = 0.2) -> np.ndarray:
    """Weights of the non-DC frequencies 1..n in the Fourier prior.

    1 up to ``cutoff``, then ``1 / (1 + x^softness)`` for the x-th frequency above it.

    Parameters
    ----------
    n : int
        Number of non-DC frequencies (``L // 2`` for a track of length L).
    cutoff : int
        Last frequency of weight 1.
    softness : float, default 0.2
        Exponent of the decay above the cutoff.

    Returns
    -------
    numpy.ndarray, shape (n,), float64
        ``min(cutoff, n)`` ones, then ``1 / (1 + x^softness)`` for
        ``x = 1 .. n - cutoff``.
    """
    above = np.arange(1, max(n - cutoff, 0) + 1, dtype=np.float64)
    return np.concatenate([np.ones(min(cutoff, n)), 1.0 / (1.0 + above**softness)])


def track_spectrum(track, smooth_sigma: float = 3.0) -> np.ndarray:
    """NumPy twin of the Fourier prior's spectrum (``fourier_prior_loss``).

    The rFFT magnitudes of the smoothed tracks, each normalised to sum 1 (DC included,
    index 0). ``1 - spectrum[:, 1:] @ fourier_weights(L // 2, cutoff, softness)`` is the
    Fourier prior loss of each track.

    Parameters
    ----------
    track : array_like, shape (B, L)
        B finite attribution tracks of length L >= 2.
    smooth_sigma : float, default 3.0
        Sigma of the Gaussian smoothing (``gaussian_kernel``), in positions.

    Returns
    -------
    numpy.ndarray, shape (B, L // 2 + 1), float64
        The normalised magnitude spectrum of each track (all zeros for a track that is
        zero after smoothing).

    Raises
    ------
    ValueError
        If ``track`` is not two-dimensional with L >= 2, or holds NaN or inf.
    """
    track = np.asarray(track, dtype=np.float64)
    if track.ndim != 2 or track.shape[1] < 2:
        raise ValueError(
            f"tracks must have shape (B, L) with L >= 2; got {track.shape}"
        )
    if not np.isfinite(track).all():
        raise ValueError("tracks contain NaN or inf")
    kernel = gaussian_kernel(smooth_sigma).astype(np.float64)
    if kernel.size > 1:
        # centred "same" convolution with zero padding, as tf.nn.conv1d(padding="SAME") for an odd
        # kernel, also when the track is shorter than the kernel (np.convolve's "same" is not)
        lo = (kernel.size - 1) // 2
        track = (
            np.stack(
                [np.convolve(t, kernel, mode="full")[lo : lo + t.size] for t in track]
            )
            if len(track)
            else track
        )
    mags = np.abs(np.fft.rfft(track, axis=1))
    total = mags.sum(axis=1, keepdims=True)
    return mags / np.where(total > 0, total, 1.0)


def tv_prior_loss(track, normalize: bool = True):
    """Total variation ``sum_l |a_{l+1} - a_l|`` of the track, averaged over the batch.

    The total-variation prior of METHODS.md section 3. With ``normalize`` (default) it
    is divided by ``sum_l a_l``, which makes it invariant to the scale of the
    attributions like the Fourier prior; unnormalised, a network can lower it by
    shrinking all its input gradients without making them any smoother.

    Parameters
    ----------
    track : tf.Tensor, shape (B, L)
        Attribution tracks of B sequences of length L (``attribution_track``).
    normalize : bool, default True
        Divide each track's total variation by its sum (when the sum is positive).

    Returns
    -------
    tf.Tensor, scalar
        The (normalised) total variation, averaged over the B tracks.
    """
    tv = tf.reduce_sum(tf.abs(track[:, 1:] - track[:, :-1]), axis=1)
    if normalize:
        total = tf.reduce_sum(track, axis=1)
        tv = tv / tf.where(total > 0, total, tf.ones_like(total))
    return tf.reduce_mean(tv)


# --------------------------------------------------------------------------------------------
# Penalties and schedules that the train step (``training.make_train_step``) applies
# --------------------------------------------------------------------------------------------


def spectral_penalty(chain: list, opts: dict, seed: int):
    """A function ``() -> (lambda/2) sum_l sigma(W_l)^2`` over the kernels of ``chain``.

    The spectral-norm penalty of METHODS.md section 3, with lambda = ``opts["weight"]``.
    It keeps one persistent power-iteration vector per kernel (a non-trainable
    ``tf.Variable``), warm-started from the previous step: each call runs
    ``opts["n_power_iterations"]`` iterations of ``spectral_norm`` per kernel and stores
    the new vector.

    Parameters
    ----------
    chain : list of keras.layers.Layer
        The layers from ``layer_chain``; every layer with a ``kernel`` (Conv1D, Dense)
        counts, its kernel taken as a matrix by ``kernel_matrix``.
    opts : dict
        Options of "spectral_norm" (``regularizer_options``): ``weight`` and
        ``n_power_iterations``.
    seed : int
        Seed of the starting vectors (stateless normal draws, seed ``[seed, i]`` for the
        i-th kernel).

    Returns
    -------
    callable
        ``penalty()`` returning a scalar ``tf.Tensor``, differentiable in the kernels.
    """
    kernels = [layer.kernel for layer in chain if hasattr(layer, "kernel")]
    us = [
        tf.Variable(
            tf.math.l2_normalize(
                tf.random.stateless_normal([int(k.shape[-1])], [seed, i])
            ),
            trainable=False,
        )
        for i, k in enumerate(kernels)
    ]

    def penalty():
        total = 0.0
        for kernel, u in zip(kernels, us):
            sigma, u_new = spectral_norm(
                kernel_matrix(kernel), u, opts["n_power_iterations"]
            )
            u.assign(u_new)
            total += sigma**2
        return 0.5 * opts["weight"] * total

    return penalty


def adversarial_phase(epoch: int, clean_epochs: int, mixed_until: int) -> str:
    """The phase of adversarial training in ``epoch``: clean, mixed or adversarial.

    ``"clean"`` for epochs 1..clean_epochs, ``"mixed"`` up to mixed_until, then
    ``"adversarial"``: the schedule of adversarial training (METHODS.md section 3:
    epochs 1-5 clean, 6-20 clean and adversarial batches together, adversarial only from
    epoch 21).

    Parameters
    ----------
    epoch : int
        The epoch, 1-based.
    clean_epochs : int
        Last epoch of clean data only (option ``clean_epochs``, default 5).
    mixed_until : int
        Last epoch of clean and adversarial batches together (option ``mixed_until``,
        default 20).

    Returns
    -------
    {"clean", "mixed", "adversarial"}
    """
    if epoch <= clean_epochs:
        return "clean"
    return "mixed" if epoch <= mixed_until else "adversarial"


def first_selectable_epoch(name: str, options: dict | None = None) -> int:
    """The first epoch after the warm-up: early stopping may keep it and counts from it.

    Only adversarial training has a warm-up. With ``select_adversarial_only`` (the
    default) it lasts until the adversarial-only phase (epoch ``mixed_until + 1``),
    otherwise until the end of the clean epochs. Validation AUROC is not comparable across
    a change of phase: it drops when adversarial batches arrive, so without a warm-up
    early stopping restores the clean weights (a model that never saw an adversarial
    example, reported as adversarially trained), or stops in the mixed phase, and the
    learning rate is cut for a "plateau" that is only the switch (METHODS.md section 3
    gives the schedule but not its interplay with early stopping; chapter 7).

    Parameters
    ----------
    name : str
        A key of ``REGULARIZERS``.
    options : dict, optional
        Overrides of its defaults, as for ``regularizer_options``.

    Returns
    -------
    int
        For "adversarial": ``mixed_until + 1`` with ``select_adversarial_only``, else
        ``clean_epochs + 1``; 1 for every other regulariser.

    Raises
    ------
    ValueError
        If ``name`` or ``options`` is invalid (``regularizer_options``).
    """
    opts = regularizer_options(name, options)
    if name != "adversarial":
        return 1
    if opts["select_adversarial_only"]:
        return int(opts["mixed_until"]) + 1
    return int(opts["clean_epochs"]) + 1


# --------------------------------------------------------------------------------------------
# Looking at regularisers and priors from outside training (chapters 7 and 8; moved out of the
# chapters, issue #12)
# --------------------------------------------------------------------------------------------


def adversarial_examples(
    logit_fn,
    x,
    y,
    epsilon: float | None = None,
    step: float | None = None,
    n_steps: int | None = None,
) -> np.ndarray:
    """PGD adversarial examples of a batch, with the adversarial regulariser's defaults.

    PGD adversarial examples of a batch (:func:`pgd_attack`), with the adversarial
    regulariser's options as defaults (METHODS.md section 3: radius 0.05, 15 steps of 0.005).

    Parameters
    ----------
    logit_fn : callable
        The network's logit, ``(B, L, 4) -> (B, 1)`` (e.g. ``attribution.target_model(model)``).
    x : array, shape (B, L, 4)
        The inputs (one-hot sequences).
    y : array, shape (B, 1)
        Their labels.
    epsilon, step, n_steps : optional
        Radius of the L-infinity ball, step size and number of steps; default
        ``REGULARIZERS["adversarial"]``.

    Returns
    -------
    numpy.ndarray, shape (B, L, 4), float32
        The adversarial inputs, each within ``epsilon`` of its input in every entry.

    Raises
    ------
    ValueError
        If ``epsilon`` is negative, ``step`` not positive, ``n_steps`` not a positive
        integer, or ``x`` and ``y`` are not of the shapes above.
    """
    opts = REGULARIZERS["adversarial"]
    epsilon = opts["epsilon"] if epsilon is None else epsilon
    step = opts["step"] if step is None else step
    n_steps = opts["n_steps"] if n_steps is None else n_steps
    if not (np.isfinite(epsilon) and epsilon >= 0 and np.isfinite(step) and step > 0):
        raise ValueError(
            f"epsilon must be >= 0 and step > 0, both finite; got {epsilon!r}, {step!r}"
        )
    if int(n_steps) != n_steps or n_steps < 1:
        raise ValueError(f"n_steps must be a positive integer; got {n_steps!r}")
    x = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    y = tf.convert_to_tensor(y, dtype=tf.float32)
    if x.shape.rank != 3 or x.shape[-1] != 4:
        raise ValueError(f"x must have shape (B, L, 4); got {tuple(x.shape)}")
    if tuple(y.shape) != (x.shape[0], 1):
        raise ValueError(f"y must have shape ({x.shape[0]}, 1); got {tuple(y.shape)}")
    return pgd_attack(logit_fn, x, y, epsilon, step, int(n_steps)).numpy()


def prior_table(tracks: dict, cutoff: int, softness: float = 0.2, smooth_sigma=3.0):
    """Both attribution priors of some attribution tracks (chapter 8's toy comparison).

    Both attribution priors of some attribution tracks, and the raw total variation's
    dependence on scale: the toy comparison of chapter 8.

    Parameters
    ----------
    tracks : dict
        Name -> attribution track, an array of shape ``(L,)`` (all of one length).
    cutoff, softness, smooth_sigma
        The Fourier prior's options (``REGULARIZERS["fourier_prior"]``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``track`` (the names), with columns ``Fourier prior``
        (:func:`fourier_prior_loss`), ``TV (normalised)`` and ``TV (raw)``
        (:func:`tv_prior_loss` with and without ``normalize``), and both total variations of
        the track scaled by 0.1 (``TV (raw) of 0.1 x track``, ``TV (normalised) of 0.1 x
        track``): the raw one scales with the track, the normalised one does not.

    Raises
    ------
    ValueError
        If ``tracks`` is empty, or its tracks are not finite 1-D arrays of one length.
    """
    import pandas as pd

    if not tracks:
        raise ValueError("tracks is empty: give at least one track")
    arrays = [
        validate_input(t, f"tracks[{name!r}]", shape=("L",), dtype=np.float64)
        for name, t in tracks.items()
    ]
    if len({a.size for a in arrays}) != 1:
        raise ValueError("every track must be of one length")
    stacked = tf.constant(np.stack(list(tracks.values())), tf.float32)
    rows = []
    for i, name in enumerate(tracks):
        one = stacked[i : i + 1]
        rows.append(
            {
                "track": name,
                "Fourier prior": float(
                    fourier_prior_loss(one, cutoff, softness, smooth_sigma)
                ),
                "TV (normalised)": float(tv_prior_loss(one, normalize=True)),
                "TV (raw)": float(tv_prior_loss(one, normalize=False)),
                "TV (raw) of 0.1 x track": float(
                    tv_prior_loss(0.1 * one, normalize=False)
                ),
                "TV (normalised) of 0.1 x track": float(
                    tv_prior_loss(0.1 * one, normalize=True)
                ),
            }
        )
    return pd.DataFrame(rows).set_index("track")


def mass_above(spectra) -> np.ndarray:
    """Share of the mean non-DC spectral mass above each frequency.

    Parameters
    ----------
    spectra : array, shape (B, F + 1)
        Normalised spectra of ``B`` tracks (:func:`track_spectrum`), the DC term first.

    Returns
    -------
    numpy.ndarray, shape (F,)
        Element ``f - 1`` is the share of the mean spectrum's mass at frequencies 1..F that
        lies above frequency ``f``: what a Fourier prior with cutoff ``f`` down-weights. It
        falls to 0 at ``f = F``.

    Raises
    ------
    ValueError
        If ``spectra`` is not a finite ``(B, F + 1)`` array with ``F >= 1``, or has no
        mass outside the DC term.
    """
    spectra = validate_input(spectra, "spectra", shape=("B", "F + 1"), dtype=np.float64)
    if spectra.shape[1] < 2:
        raise ValueError(f"spectra need F >= 1 non-DC frequencies; got {spectra.shape}")
    mean = spectra[:, 1:].mean(axis=0)
    if mean.sum() <= 0:
        raise ValueError("the spectra have no mass outside the DC term")
    return 1 - np.cumsum(mean) / mean.sum()


def cutoff_table(spectra, candidates, length: int):
    """How much of a ground truth's spectrum a Fourier prior would penalise, per cutoff.

    Parameters
    ----------
    spectra : array, shape (B, F + 1)
        Normalised spectra of the ground-truth tracks (:func:`track_spectrum`).
    candidates : sequence of int
        Cutoffs, each in ``1..F``.
    length : int
        The tracks' length ``L`` (for the period ``L / c``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cutoff c``, with the period ``L/c`` (nt) and the ground truth's share of
        non-DC mass above ``c`` (:func:`mass_above`), for each candidate.

    Raises
    ------
    ValueError
        If a candidate is not in ``1..F``; and as :func:`mass_above`.
    """
    import pandas as pd

    above = mass_above(spectra)
    candidates = [int(c) for c in candidates]
    if not candidates or min(candidates) < 1 or max(candidates) > above.size:
        raise ValueError(
            f"candidates must be cutoffs in 1..{above.size}; got {candidates}"
        )
    return pd.DataFrame(
        {
            "cutoff c": candidates,
            "period L/c (nt)": [length / c for c in candidates],
            "ground-truth non-DC mass above c": [above[c - 1] for c in candidates],
        }
    ).set_index("cutoff c")


def track_priors(
    track, cutoff: int, softness: float = 0.2, smooth_sigma: float = 3.0
) -> dict:
    """Both attribution priors of a batch of attribution tracks, averaged over the batch.

    Parameters
    ----------
    track : array, shape (B, L)
        Attribution tracks ``a_l = sum_c |x_lc df/dx_lc|`` (e.g. of held-out sequences).
    cutoff, softness, smooth_sigma
        The Fourier prior's options (``REGULARIZERS["fourier_prior"]``).

    Returns
    -------
    dict
        ``{"Fourier prior": ..., "TV prior": ...}``: the mean Fourier prior (from the NumPy
        spectrum, :func:`track_spectrum` and :func:`fourier_weights`) and the normalised total
        variation (:func:`tv_prior_loss`).

    Raises
    ------
    ValueError
        If ``track`` is not a finite ``(B, L)`` array with ``L >= 2``
        (:func:`track_spectrum`).
    """
    spectrum = track_spectrum(track, smooth_sigma)  # checks the shape and values
    w = fourier_weights(np.asarray(track).shape[1] // 2, cutoff, softness)
    return {
        "Fourier prior": float(np.mean(1 - spectrum[:, 1:] @ w)),
        "TV prior": float(tv_prior_loss(tf.constant(track, tf.float32))),
    }
