"""Attribution maps and gradient correction (METHODS.md sections 4 and 5).

Every method takes a Keras model with one scalar output per sequence and one-hot sequences
``x`` of shape ``(N, L, 4)``, and returns an ``(N, L, 4)`` float32 map. By default the target is
the pre-sigmoid logit (the model's layer ``"logit"``); pass ``target="output"`` for the model's
own output. Gradients are computed in batches inside compiled ``tf.function``s; ``batch_size`` is
the number of model inputs per forward/backward pass, so memory stays bounded for methods that
evaluate many inputs per sequence (integrated gradients, SmoothGrad, ISM).

Sequences are checked once per public call (``validation.check_model_input``), so a wrong shape,
a NaN, a non-one-hot position or a length the model does not take is one clear ``ValueError``.
Gradient correction (``correct_gradients``, ``gradient_angles``) lives in ``acme_utils.correction``,
which needs no TensorFlow, and is re-exported here.
"""

from __future__ import annotations

import hashlib
import logging
import time
import weakref

import numpy as np
import pandas as pd

from ._tensorflow import keras, tf
from .cache import atomic_directory, cache_key, resolve_cache_dir, write_json
from .correction import correct_gradients, gradient_angles  # noqa: F401 (re-exported API)
from .models import logit_model
from .terminal import note_interrupt, progress
from .validation import check_model_input, check_one_hot

log = logging.getLogger(__name__)

__all__ = [
    "corrected_saliency",
    "correct_gradients",
    "gradient_angles",
    "BASELINES",
    "RULES",
    "target_model",
    "predict_target",
    "saliency",
    "gradient_times_input",
    "dinucleotide_shuffle",
    "path_nodes",
    "integrated_gradients",
    "average_path_gradient",
    "smoothgrad",
    "ism",
    "METHODS",
    "explain",
    "completeness_report",
]


BASELINES = ("zeros", "uniform", "shuffle")
RULES = ("trapezoid", "gauss-legendre")


# --------------------------------------------------------------------------------------------
# The compiled gradient
# --------------------------------------------------------------------------------------------


#: Keras model -> {key: object built for it}: the logit sub-model and the compiled functions of
#: each model are built once and reused, so repeated calls neither rebuild nor retrace them.
#: Compiled functions reach their model through a weak reference only, so that an entry never
#: keeps its own key alive and a model that is no longer used is freed with its entries.
_COMPILED = weakref.WeakKeyDictionary()


def _memo(model, key, build):
    """``build(weakref.ref(model))`` on the first call for ``(model, key)``; the stored result after."""
    store = _COMPILED.setdefault(model, {})
    if key not in store:
        store[key] = build(weakref.ref(model))
    return store[key]


def target_model(model: keras.Model, target: str = "logit") -> keras.Model:
    """The model whose scalar output is explained: its logit layer, or its own output.

    The logit sub-model (``models.logit_model``) is built once per model and reused, so repeated
    calls neither rebuild nor retrace it.

    Parameters
    ----------
    model : keras.Model
        A model with one scalar output per sequence.
    target : {"logit", "output"}, default "logit"
        ``"logit"``: a model sharing ``model``'s weights whose output is its layer ``"logit"``
        (the pre-sigmoid logit); ``"output"``: ``model`` itself.

    Returns
    -------
    keras.Model
        The model ``f`` whose output, one scalar per sequence, the attribution methods explain.

    Raises
    ------
    ValueError
        If ``target`` is neither ``"logit"`` nor ``"output"``, or if ``target="logit"`` and the
        model has no layer named ``"logit"``.
    """
    if target == "logit":
        return _memo(model, "logit", lambda ref: logit_model(ref()))
    if target == "output":
        return model
    raise ValueError(f"target must be 'logit' or 'output'; got {target!r}")


def _gradient_fn(f: keras.Model, length: int):
    """Compiled ``x -> (d sum_i f(x_i) / d x, f(x))`` for a batch ``x`` of shape ``(B, L, 4)``."""

    def build(f_ref):
        @tf.function(input_signature=[tf.TensorSpec([None, length, 4], tf.float32)])
        def grad(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = tf.reshape(f_ref()(x, training=False), [-1])
            return tape.gradient(y, x), y

        return grad

    return _memo(f, ("grad", length), build)


def _in_batches(fn, arrays, batch_size):
    """Apply ``fn`` to aligned row-batches of ``arrays`` and concatenate the numpy results."""
    n = arrays[0].shape[0]
    out = [
        fn(*(a[i : i + batch_size] for a in arrays)) for i in range(0, n, batch_size)
    ]
    return np.concatenate(out)


# --------------------------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------------------------


# Every public method checks ``x`` once (``validation.check_model_input``: shape, the model's
# sequence length, finite, one-hot) and hands the checked float32 array to its private twin
# (``_saliency`` for ``saliency``...), which trusts it; methods that use one another, and
# ``explain``, call the twins, so that no input is checked twice.


def predict_target(
    model, x, target: str = "logit", batch_size: int = 1024
) -> np.ndarray:
    """The explained scalar ``f(x)`` per sequence.

    Parameters
    ----------
    model : keras.Model
        A model with one scalar output per sequence (and a ``"logit"`` layer for the default).
    x : array_like, shape (N, L, 4)
        Finite inputs of the model's length L (N sequences, channels A, C, G, T); they need not be
        one-hot (baselines, path points).
    target : {"logit", "output"}, default "logit"
        The explained scalar ``f``: the pre-sigmoid logit (layer ``"logit"``) or the model's own
        output (see :func:`target_model`).
    batch_size : int, default 1024
        Sequences per forward pass.

    Returns
    -------
    numpy.ndarray, shape (N,), float32
        ``f(x)`` of every sequence.

    Raises
    ------
    ValueError
        If ``x`` is not as above, or if the model gives NaN or infinite values (e.g. from NaN
        weights): silently NaN predictions would poison every score computed from them.
    """
    x = check_model_input(model, x, ohe=False)
    y = _predict_target(model, x, target, batch_size)
    bad = ~np.isfinite(y)
    if bad.any():
        raise ValueError(
            f"model {model.name!r} gives a NaN or infinite {target} for "
            f"{int(bad.sum())} of {len(y)} sequences (the first: sequence "
            f"{int(np.argmax(bad))}); are its weights finite?"
        )
    return y


def _predict_target(model, x: np.ndarray, target: str, batch_size: int) -> np.ndarray:
    f = target_model(model, target)
    return _in_batches(
        lambda b: np.asarray(f(b, training=False)).reshape(-1), [x], batch_size
    )


def saliency(model, x, target: str = "logit", batch_size: int = 1024) -> np.ndarray:
    """Saliency map ``d f / d x`` (Simonyan et al. 2014; METHODS.md section 4).

    Parameters
    ----------
    model : keras.Model
        A model with one scalar output per sequence (and a layer ``"logit"`` for the default
        ``target``).
    x : array_like, shape (N, L, 4)
        One-hot sequences (N sequences of the model's length L, channels A, C, G, T).
    target : {"logit", "output"}, default "logit"
        The explained scalar ``f``: the pre-sigmoid logit (layer ``"logit"``) or the model's own
        output (see :func:`target_model`).
    batch_size : int, default 1024
        Sequences per forward/backward pass.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The gradient of ``f`` with respect to every channel of every position.

    Raises
    ------
    ValueError
        If ``x`` is not a finite one-hot ``(N, L, 4)`` array of the model's length L
        (``validation.check_model_input``), or if ``target`` is not one of the two.
    """
    return _saliency(model, check_model_input(model, x), target, batch_size)


def _saliency(
    model, x: np.ndarray, target: str = "logit", batch_size: int = 1024
) -> np.ndarray:
    grad = _gradient_fn(target_model(model, target), x.shape[1])
    return _in_batches(lambda b: grad(b)[0].numpy(), [x], batch_size)


def gradient_times_input(
    model, x, target: str = "logit", batch_size: int = 1024
) -> np.ndarray:
    """Gradient × input: the saliency map kept only at the observed nucleotide.

    ``x * d f / d x``: the saliency map (:func:`saliency`) multiplied by the one-hot input, so it is
    0 at the three unobserved nucleotides of every position.

    Parameters
    ----------
    model : keras.Model
        A model with one scalar output per sequence (and a layer ``"logit"`` for the default
        ``target``).
    x : array_like, shape (N, L, 4)
        One-hot sequences (N sequences of the model's length L, channels A, C, G, T).
    target : {"logit", "output"}, default "logit"
        The explained scalar ``f``: the pre-sigmoid logit (layer ``"logit"``) or the model's own
        output (see :func:`target_model`).
    batch_size : int, default 1024
        Sequences per forward/backward pass.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The map: ``saliency * x``.

    Raises
    ------
    ValueError
        If ``x`` is not a finite one-hot ``(N, L, 4)`` array of the model's length L
        (``validation.check_model_input``), or if ``target`` is not one of the two.
    """
    return _gradient_times_input(model, check_model_input(model, x), target, batch_size)


def _gradient_times_input(
    model, x: np.ndarray, target: str = "logit", batch_size: int = 1024
) -> np.ndarray:
    return _saliency(model, x, target, batch_size) * x


def dinucleotide_shuffle(x, seed: int = 0) -> np.ndarray:
    """Shuffle each one-hot sequence preserving its dinucleotide counts (Altschul-Erickson).

    Uses the Eulerian-walk algorithm: for each base, keep the last outgoing edge fixed to build a
    spanning arborescence into the final base, shuffle the other outgoing edges, then walk. The
    shuffled sequence keeps the first and last base; sequences shorter than 3 are returned as they
    are.

    Parameters
    ----------
    x : array_like, shape (N, L, 4)
        One-hot sequences (channels A, C, G, T).
    seed : int, default 0
        Seed of the random generator (one generator for all N sequences, in order).

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The shuffled one-hot sequences.

    Raises
    ------
    ValueError
        If ``x`` is not a finite one-hot ``(N, L, 4)`` array (``validation.check_one_hot``).
    """
    return _dinucleotide_shuffle(check_one_hot(x), seed)


def _dinucleotide_shuffle(x: np.ndarray, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty_like(x)
    eye = np.eye(4, dtype=np.float32)
    for i, seq in enumerate(x.argmax(-1)):
        out[i] = eye[_shuffle_one(seq, rng)]
    return out


def _shuffle_one(seq: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = seq.size
    if n < 3:
        return seq.copy()
    edges = [
        list(seq[1:][seq[:-1] == b]) for b in range(4)
    ]  # successors of each base, in order
    last = seq[-1]
    while True:
        # random last-edges forming an arborescence rooted at the last base (Wilson-style check)
        last_edge = {}
        for b in range(4):
            if edges[b] and b != last:
                last_edge[b] = edges[b][rng.integers(len(edges[b]))]
        ok = True
        for b in last_edge:
            seen, c = set(), b
            while c != last:
                if c in seen or c not in last_edge:
                    ok = False
                    break
                seen.add(c)
                c = last_edge[c]
            if not ok:
                break
        if ok:
            break
    order = []
    for b in range(4):
        succ = list(edges[b])
        if b in last_edge:
            succ.remove(last_edge[b])
            rng.shuffle(succ)
            succ.append(last_edge[b])
        else:
            rng.shuffle(succ)
        order.append(succ)
    walk = [seq[0]]
    pos = [0, 0, 0, 0]
    for _ in range(n - 1):
        b = walk[-1]
        walk.append(order[b][pos[b]])
        pos[b] += 1
    return np.array(walk)


def _baseline(x: np.ndarray, baseline, seed: int) -> np.ndarray:
    if isinstance(baseline, str):
        if baseline == "zeros":
            return np.zeros_like(x)
        if baseline == "uniform":
            return np.full_like(x, 0.25)
        if baseline == "shuffle":
            return _dinucleotide_shuffle(x, seed)
        raise ValueError(
            f"baseline must be one of {BASELINES} or an array; got {baseline!r}"
        )
    b = np.asarray(baseline, dtype=np.float32)
    if b.shape == x.shape[1:]:
        b = np.broadcast_to(b, x.shape)
    if b.shape != x.shape or not np.isfinite(b).all():
        raise ValueError(
            f"an array baseline must be finite with shape {x.shape[1:]} or {x.shape}; got {b.shape}"
        )
    return np.ascontiguousarray(b)


def path_nodes(steps: int, rule: str = "trapezoid") -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``alpha`` in [0, 1] and weights (summing to 1) for the path integral of IG.

    ``trapezoid``: ``steps`` intervals, ``steps + 1`` nodes. ``gauss-legendre``: ``steps`` nodes.

    Parameters
    ----------
    steps : int
        Number of intervals (trapezoid) or of nodes (Gauss-Legendre), at least 1.
    rule : {"trapezoid", "gauss-legendre"}, default "trapezoid"
        The quadrature rule (``RULES``).

    Returns
    -------
    alphas : numpy.ndarray, shape (S,), float32
        The nodes, increasing; ``S = steps + 1`` for the trapezoid rule, ``steps`` for
        Gauss-Legendre.
    weights : numpy.ndarray, shape (S,), float32
        The quadrature weight of each node.

    Raises
    ------
    ValueError
        If ``steps`` is not a positive integer or ``rule`` is not one of ``RULES``.
    """
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer; got {steps!r}")
    if rule == "trapezoid":
        alphas = np.linspace(0.0, 1.0, steps + 1)
        weights = np.full(steps + 1, 1.0 / steps)
        weights[[0, -1]] /= 2
    elif rule == "gauss-legendre":
        nodes, w = np.polynomial.legendre.leggauss(steps)
        alphas, weights = (nodes + 1) / 2, w / 2
    else:
        raise ValueError(f"rule must be one of {RULES}; got {rule!r}")
    return alphas.astype(np.float32), weights.astype(np.float32)


def integrated_gradients(
    model,
    x,
    baseline="zeros",
    steps: int = 25,
    rule: str = "trapezoid",
    target: str = "logit",
    batch_size: int = 1024,
    seed: int = 0,
    return_gap: bool = False,
):
    """Integrated gradients (Sundararajan et al. 2017; METHODS.md section 4).

    ``(x - x') * integral_0^1 grad f(x' + a (x - x')) da`` with the integral by the trapezoid rule
    (``steps`` intervals) or Gauss-Legendre (``steps`` nodes). ``baseline``: ``"zeros"``,
    ``"uniform"`` (0.25), ``"shuffle"`` (dinucleotide-shuffled ``x``, seeded) or an array.
    With ``return_gap`` also returns the completeness gap ``sum attr - (f(x) - f(x'))`` per sequence.

    Parameters
    ----------
    model : keras.Model
        A model with one scalar output per sequence (and a layer ``"logit"`` for the default
        ``target``).
    x : array_like, shape (N, L, 4)
        One-hot sequences (N sequences of the model's length L, channels A, C, G, T).
    baseline : {"zeros", "uniform", "shuffle"} or array_like, default "zeros"
        The baseline ``x'``; an array must be finite, of shape (L, 4) (one baseline for every
        sequence) or (N, L, 4).
    steps : int, default 25
        Intervals (trapezoid) or nodes (Gauss-Legendre) of the quadrature (:func:`path_nodes`).
    rule : {"trapezoid", "gauss-legendre"}, default "trapezoid"
        The quadrature rule (``RULES``).
    target : {"logit", "output"}, default "logit"
        The explained scalar ``f``: the pre-sigmoid logit (layer ``"logit"``) or the model's own
        output (see :func:`target_model`).
    batch_size : int, default 1024
        Model inputs per pass (``batch_size // number of nodes`` sequences).
    seed : int, default 0
        Seed of the shuffled baseline.
    return_gap : bool, default False
        Also return the completeness gap of every sequence.

    Returns
    -------
    attr : numpy.ndarray, shape (N, L, 4), float32
        The map.
    gap : numpy.ndarray, shape (N,), float32
        Only with ``return_gap`` (the result is then the tuple ``(attr, gap)``): the completeness
        gap ``sum_l,c attr - (f(x) - f(x'))`` of every sequence.

    Raises
    ------
    ValueError
        If ``x`` is not a finite one-hot ``(N, L, 4)`` array of the model's length L, if
        ``baseline`` is neither a name of ``BASELINES`` nor a finite array of a shape above, or if
        ``steps``, ``rule`` or ``target`` is invalid.
    """
    return _integrated_gradients(
        model,
        check_model_input(model, x),
        baseline,
        steps,
        rule,
        target,
        batch_size,
        seed,
        return_gap,
    )


def _integrated_gradients(
    model,
    x: np.ndarray,
    baseline="zeros",
    steps: int = 25,
    rule: str = "trapezoid",
    target: str = "logit",
    batch_size: int = 1024,
    seed: int = 0,
    return_gap: bool = False,
):
    base = _baseline(x, baseline, seed)
    alphas, weights = path_nodes(steps, rule)
    f = target_model(model, target)
    length = x.shape[1]
    a_t, w_t = tf.constant(alphas), tf.constant(weights)

    def build(
        f_ref,
    ):  # nodes and weights are arguments, so one trace serves every steps/rule
        grad = _gradient_fn(f_ref(), length)
        seqs, nodes = (
            tf.TensorSpec([None, length, 4], tf.float32),
            tf.TensorSpec([None], tf.float32),
        )

        @tf.function(input_signature=[seqs, seqs, nodes, nodes])
        def ig_batch(xb, bb, a, w):  # a, w: path nodes and quadrature weights
            diff = xb - bb
            path = bb[None] + a[:, None, None, None] * diff[None]  # (S, B, L, 4)
            g, _ = grad(tf.reshape(path, [-1, length, 4]))
            g = tf.reshape(g, tf.shape(path))
            return tf.tensordot(w, g, axes=1) * diff

        return ig_batch

    ig_batch = _memo(f, ("ig", length), build)
    per_pass = max(1, batch_size // alphas.size)
    attr = _in_batches(
        lambda xb, bb: ig_batch(xb, bb, a_t, w_t).numpy(), [x, base], per_pass
    )
    if not return_gap:
        return attr
    delta = _predict_target(model, x, target, 1024) - _predict_target(
        model, base, target, 1024
    )
    gap = attr.sum(axis=(1, 2)) - delta
    return attr, gap


def average_path_gradient(
    model,
    x,
    baseline="zeros",
    steps: int = 25,
    rule: str = "trapezoid",
    target: str = "logit",
    batch_size: int = 1024,
    seed: int = 0,
) -> np.ndarray:
    """The path-averaged gradient inside integrated gradients, before it is multiplied by the input.

    ``integral_0^1 grad f(x' + a (x - x')) da`` with the same nodes, weights and baselines as
    :func:`integrated_gradients`, so that
    ``integrated_gradients(...) == average_path_gradient(...) * (x - x')``. Unlike the IG map, it
    keeps all four channels (the IG map with a zero baseline is 0 at every unobserved base), which
    is what gradient correction needs.

    Parameters
    ----------
    model : keras.Model
        A model with one scalar output per sequence (and a layer ``"logit"`` for the default
        ``target``).
    x : array_like, shape (N, L, 4)
        One-hot sequences (N sequences of the model's length L, channels A, C, G, T).
    baseline : {"zeros", "uniform", "shuffle"} or array_like, default "zeros"
        The baseline ``x'``, as for :func:`integrated_gradients`: an array must be finite, of shape
        (L, 4) or (N, L, 4).
    steps : int, default 25
        Intervals (trapezoid) or nodes (Gauss-Legendre) of the quadrature (:func:`path_nodes`).
    rule : {"trapezoid", "gauss-legendre"}, default "trapezoid"
        The quadrature rule (``RULES``).
    target : {"logit", "output"}, default "logit"
        The explained scalar ``f``: the pre-sigmoid logit (layer ``"logit"``) or the model's own
        output (see :func:`target_model`).
    batch_size : int, default 1024
        Model inputs per pass (``batch_size // number of nodes`` sequences).
    seed : int, default 0
        Seed of the shuffled baseline.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The path-averaged gradient, all four channels.

    Raises
    ------
    ValueError
        As :func:`integrated_gradients`.
    """
    x = check_model_input(model, x)
    base = _baseline(x, baseline, seed)
    alphas, weights = path_nodes(steps, rule)
    grad = _gradient_fn(target_model(model, target), x.shape[1])
    a_t, w_t = tf.constant(alphas), tf.constant(weights)
    length = x.shape[1]

    @tf.function(input_signature=[tf.TensorSpec([None, length, 4], tf.float32)] * 2)
    def mean_grad(xb, bb):
        path = bb[None] + a_t[:, None, None, None] * (xb - bb)[None]  # (S, B, L, 4)
        g, _ = grad(tf.reshape(path, [-1, length, 4]))
        return tf.tensordot(w_t, tf.reshape(g, tf.shape(path)), axes=1)

    per_pass = max(1, batch_size // alphas.size)
    return _in_batches(lambda xb, bb: mean_grad(xb, bb).numpy(), [x, base], per_pass)


def smoothgrad(
    model,
    x,
    n_samples: int = 50,
    std: float = 0.1,
    target: str = "logit",
    batch_size: int = 1024,
    seed: int = 0,
) -> np.ndarray:
    """SmoothGrad (Smilkov et al. 2017): gradients averaged over ``x + N(0, std^2)`` copies.

    Parameters
    ----------
    model : keras.Model
        A model with one scalar output per sequence (and a layer ``"logit"`` for the default
        ``target``).
    x : array_like, shape (N, L, 4)
        One-hot sequences (N sequences of the model's length L, channels A, C, G, T).
    n_samples : int, default 50
        Noisy copies per sequence, at least 1.
    std : float, default 0.1
        Standard deviation of the Gaussian noise added to the one-hot input (the same name as the
        noise regularisers' ``std``), at least 0.
    target : {"logit", "output"}, default "logit"
        The explained scalar ``f``: the pre-sigmoid logit (layer ``"logit"``) or the model's own
        output (see :func:`target_model`).
    batch_size : int, default 1024
        Model inputs per pass (``batch_size // n_samples`` sequences).
    seed : int, default 0
        Seed of the noise.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The mean gradient over the ``n_samples`` noisy copies of every sequence.

    Raises
    ------
    ValueError
        If ``x`` is not a finite one-hot ``(N, L, 4)`` array of the model's length L, if
        ``n_samples`` is not a positive integer or ``std`` is negative (or NaN), or if ``target``
        is invalid.
    """
    x = check_model_input(model, x)
    return _smoothgrad(model, x, n_samples, std, target, batch_size, seed)


def _smoothgrad(
    model,
    x: np.ndarray,
    n_samples: int = 50,
    std: float = 0.1,
    target: str = "logit",
    batch_size: int = 1024,
    seed: int = 0,
) -> np.ndarray:
    if int(n_samples) != n_samples or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer; got {n_samples!r}")
    if not std >= 0:
        raise ValueError(f"std must be >= 0; got {std!r}")
    length = x.shape[1]
    f = target_model(model, target)
    rng = np.random.default_rng(seed)

    def build(f_ref):
        grad = _gradient_fn(f_ref(), length)

        @tf.function(
            input_signature=[tf.TensorSpec([None, None, length, 4], tf.float32)]
        )
        def mean_grad(noisy):  # (S, B, L, 4) -> (B, L, 4)
            g, _ = grad(tf.reshape(noisy, [-1, length, 4]))
            return tf.reduce_mean(tf.reshape(g, tf.shape(noisy)), axis=0)

        return mean_grad

    mean_grad = _memo(f, ("smoothgrad", length), build)

    def batch(xb):
        eps = rng.standard_normal(
            (n_samples,) + xb.shape, dtype=np.float32
        ) * np.float32(std)
        return mean_grad(xb[None] + eps).numpy()

    return _in_batches(batch, [x], max(1, batch_size // n_samples))


def ism(model, x, target: str = "logit", batch_size: int = 1024) -> np.ndarray:
    """In-silico saturation mutagenesis: ``f(x with base c at l) - f(x)`` for every ``(l, c)``.

    Parameters
    ----------
    model : keras.Model
        A model with one scalar output per sequence (and a layer ``"logit"`` for the default
        ``target``).
    x : array_like, shape (N, L, 4)
        One-hot sequences (N sequences of the model's length L, channels A, C, G, T).
    target : {"logit", "output"}, default "logit"
        The explained scalar ``f``: the pre-sigmoid logit (layer ``"logit"``) or the model's own
        output (see :func:`target_model`).
    batch_size : int, default 1024
        Model inputs per pass (``batch_size // (4 L)`` sequences: each sequence has ``4 L``
        mutants).

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        Exactly 0 at the observed base.

    Raises
    ------
    ValueError
        If ``x`` is not a finite one-hot ``(N, L, 4)`` array of the model's length L
        (``validation.check_model_input``), or if ``target`` is not one of the two.
    """
    return _ism(model, check_model_input(model, x), target, batch_size)


def _ism(
    model, x: np.ndarray, target: str = "logit", batch_size: int = 1024
) -> np.ndarray:
    f = target_model(model, target)
    length = x.shape[1]

    def build(f_ref):
        eye = tf.eye(4, dtype=tf.float32)

        @tf.function(input_signature=[tf.TensorSpec([None, length, 4], tf.float32)])
        def ism_batch(xb):  # (B, L, 4) -> (B, L, 4)
            b = tf.shape(xb)[0]
            pos = tf.eye(length, dtype=tf.float32)[
                :, None, :, None
            ]  # (L, 1, L, 1): mutated position
            mutants = (
                xb[:, None, None] * (1 - pos) + pos * eye[None, :, None, :]
            )  # (B, L, 4, L, 4)
            f = f_ref()
            y = tf.reshape(
                f(tf.reshape(mutants, [-1, length, 4]), training=False), [b, length, 4]
            )
            ref = tf.reshape(f(xb, training=False), [b, 1, 1])
            return (y - ref) * (1 - xb)

        return ism_batch

    ism_batch = _memo(f, ("ism", length), build)
    return _in_batches(
        lambda xb: ism_batch(xb).numpy(), [x], max(1, batch_size // (4 * length))
    )


# --------------------------------------------------------------------------------------------
# One entry point, with an on-disk cache
# --------------------------------------------------------------------------------------------

#: Method name -> function; every function takes ``(model, x, **options)``.
METHODS = {
    "saliency": saliency,
    "gradient_times_input": gradient_times_input,
    "integrated_gradients": integrated_gradients,
    "smoothgrad": smoothgrad,
    "ism": ism,
}

#: The same methods' private twins, which take sequences already checked (used by ``explain``).
_METHODS = {
    "saliency": _saliency,
    "gradient_times_input": _gradient_times_input,
    "integrated_gradients": _integrated_gradients,
    "smoothgrad": _smoothgrad,
    "ism": _ism,
}


def explain(
    trained,
    x,
    method: str = "saliency",
    cache_dir=None,
    use_cache: bool = True,
    verbose: bool = True,
    **options,
) -> np.ndarray:
    """Attribution map of ``x`` by ``method`` for a ``training.TrainedModel``, cached on disk.

    The cache key combines the trained model's own key, the method, its options and a hash of
    ``x``, so chapters that explain the same sequences with the same model share the result.
    ``trained`` may also be a bare Keras model, in which case nothing is cached. While a map to
    be cached is computed, a progress line goes to the terminal (``terminal.progress``).

    Parameters
    ----------
    trained : training.TrainedModel or keras.Model
        The model to explain (its ``model``, ``key`` and ``name`` are read), or a bare Keras model.
    x : array_like, shape (N, L, 4)
        One-hot sequences of the model's length L.
    method : str, default "saliency"
        A key of ``METHODS``: ``"saliency"``, ``"gradient_times_input"``,
        ``"integrated_gradients"``, ``"smoothgrad"`` or ``"ism"``.
    cache_dir : str or os.PathLike, optional
        Where to cache: maps are stored in ``<cache_dir>/attributions/<key>/map.npy``; default
        ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils`` (``cache.resolve_cache_dir``).
    use_cache : bool, default True
        Load the map from the cache if it is there, else compute and store it; False computes it
        afresh and stores nothing.
    verbose : bool, default True
        When the cache is used: log a line (logger ``"acme_utils"``) when the map is loaded or
        computed.
    **options
        The method's own options (``batch_size`` is not part of the cache key). Not
        ``return_gap``: ``explain`` always returns a map; call :func:`integrated_gradients`
        with ``return_gap=True`` for the completeness gap.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The map.

    Raises
    ------
    ValueError
        If ``method`` is not a key of ``METHODS`` or ``x`` is not a finite one-hot ``(N, L, 4)``
        array of the model's length L.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {tuple(METHODS)}; got {method!r}")
    if (
        "return_gap" in options
    ):  # a map, or a (map, gap) pair depending on the cache: neither
        raise ValueError(
            "explain returns a map only: call attribution.integrated_gradients(model, x, "
            "return_gap=True) for the completeness gap"
        )
    model = getattr(trained, "model", trained)
    x = check_model_input(model, x)
    return _explain(trained, x, method, cache_dir, use_cache, verbose, **options)


def _explain(
    trained,
    x: np.ndarray,
    method: str = "saliency",
    cache_dir=None,
    use_cache: bool = True,
    verbose: bool = True,
    **options,
) -> np.ndarray:
    """``explain`` of sequences already checked by ``validation.check_model_input``."""
    fn = _METHODS[method]
    model = getattr(trained, "model", trained)
    model_key = getattr(trained, "key", None)
    if model_key is None or not use_cache:
        return fn(model, x, **options)
    key = cache_key(
        {
            "model": model_key,
            "method": method,
            "options": {k: v for k, v in options.items() if k != "batch_size"},
            "x": hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest(),
            "shape": x.shape,
        }
    )
    entry = resolve_cache_dir(cache_dir) / "attributions" / key
    name = getattr(trained, "name", "model")
    if (entry / "map.npy").is_file():
        if verbose:
            log.info(f"{method} for {name}: loaded from the cache")
        return np.load(entry / "map.npy")
    start = time.perf_counter()
    progress(f"{method} for {name}: {len(x):,} sequences ...")
    with note_interrupt(
        f"computing {method} maps for {name}", resolve_cache_dir(cache_dir)
    ):
        attr = fn(model, x, **options).astype(np.float32)
    progress(f"{method} for {name}: done in {time.perf_counter() - start:.1f} s")
    if verbose:
        log.info(
            f"{method} for {name}: {len(x):,} sequences in {time.perf_counter() - start:.1f} s"
        )
    with atomic_directory(entry) as tmp:
        np.save(tmp / "map.npy", attr)
        write_json(
            tmp / "meta.json",
            {"model": model_key, "method": method, "options": options},
        )
    return attr


def corrected_saliency(trained, x, cache_dir=None) -> np.ndarray:
    """Gradient-corrected saliency maps of ``x`` (METHODS.md sections 4-5), cached on disk.

    The map the consistency metrics and the figures of the model chapters read: ``explain``'s
    saliency (cached per model and sequences), then ``correct_gradients`` (cheap, not cached).

    Parameters
    ----------
    trained : training.TrainedModel or keras.Model
        The model to explain (a bare Keras model is not cached).
    x : array_like, shape (N, L, 4)
        One-hot sequences of the model's length L.
    cache_dir : str or os.PathLike, optional
        The cache (default ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``).

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The corrected maps: each position's four values sum to zero.

    Raises
    ------
    ValueError
        If ``x`` is not a finite one-hot ``(N, L, 4)`` array of the model's length L.
    """
    maps = explain(trained, x, "saliency", cache_dir=cache_dir, verbose=False)
    return correct_gradients(maps)


def completeness_report(gaps, tolerance: float = 0.01) -> str:
    """The fewest integrated-gradients steps whose completeness gap is below ``tolerance``.

    The completeness gap ``sum attr - (f(x) - f(x'))`` of integrated gradients is pure
    quadrature error (METHODS.md section 4); this reads, for each model and quadrature rule,
    the smallest step count of a gap table whose relative gap is below ``tolerance``.

    Parameters
    ----------
    gaps : pandas.DataFrame
        One row per (model, rule, step count), with the columns ``model``, ``rule``, ``steps``
        (int) and ``relative gap`` (mean absolute gap over mean absolute ``f(x) - f(x')``), as
        built in chapter 3 from ``integrated_gradients(..., return_gap=True)``.
    tolerance : float
        The relative gap to stay below, in (0, 1].

    Returns
    -------
    str
        One line per (model, rule), in order of appearance: the first step count below the
        tolerance, or the largest step count tried if none is.

    Raises
    ------
    ValueError
        If ``gaps`` is not such a table or is empty, or ``tolerance`` is out of range.
    """
    if not isinstance(gaps, pd.DataFrame):
        raise ValueError(f"gaps must be a pandas DataFrame; got {type(gaps).__name__}")
    missing = {"model", "rule", "steps", "relative gap"} - set(gaps.columns)
    if missing:
        raise ValueError(f"gaps lacks the columns {sorted(missing)}")
    if gaps.empty:
        raise ValueError("gaps is empty")
    if not 0 < tolerance <= 1:
        raise ValueError(f"tolerance must be in (0, 1]; got {tolerance!r}")
    model_width = max(len(str(m)) for m in gaps["model"]) + 1
    rule_width = max(len(str(r)) for r in gaps["rule"]) + 1
    lines = []
    for (label, rule), g in gaps.groupby(["model", "rule"], sort=False):
        ok = g[g["relative gap"] < tolerance]
        lines.append(
            f"{label!s:<{model_width}} {rule!s:<{rule_width}} relative gap below "
            f"{tolerance * 100:g}%: "
            + (
                f"first at {ok['steps'].min()} steps"
                if len(ok)
                else f"not reached by {g['steps'].max()} steps"
            )
        )
    return "\n".join(lines)
