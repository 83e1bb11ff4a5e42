"""Training with early stopping on validation AUROC, test metrics, and the trained-model cache.

METHODS.md section 2: Adam (lr 1e-3), binary cross-entropy, batch size 100, up to 100 epochs,
early stopping on validation AUROC with patience 10 and the best weights restored. The train step
(``make_train_step``) is a compiled ``tf.function`` written out by hand (rather than
``model.fit``) so that later chapters can add regularisers and attribution priors to the same
loop; those live in ``acme_utils.regularizers``, which knows nothing of training.

``train_model`` is the entry point the chapters use: it returns a cached model when one trained
with exactly the same data, configuration and package version exists, and otherwise trains one
and stores it atomically (see ``acme_utils.cache``).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__, regularizers
from ._tensorflow import keras, tf
from .cache import atomic_directory, cache_key, read_json, resolve_cache_dir, write_json
from .data import Split, SyntheticDataset
from .evaluation import classification_scores
from .models import build_cnn, cnn_config, logit_model
from .regularizers import (
    adversarial_phase,
    attribution_track,
    bce_with_logits,
    forward,
    fourier_prior_loss,
    layer_chain,
    mix,
    perturbation_points,
    pgd_attack,
    sample_beta,
    spectral_penalty,
    tv_prior_loss,
)
from .terminal import note_interrupt, progress
from .validation import check_model_input, validate_input

log = logging.getLogger(__name__)

__all__ = [
    "RECIPES",
    "recipe",
    "STUDY_RECIPE",
    "model_name",
    "ModelSpec",
    "set_seed",
    "make_train_config",
    "PlateauSchedule",
    "make_train_step",
    "predict",
    "evaluate",
    "fit",
    "TrainedModel",
    "model_key",
    "train_model",
    "spec_key",
    "train_spec",
    "performance_table",
    "performance_summary",
]


#: Training recipes: overrides of the METHODS.md model configuration (``models.cnn_config``) and
#: training configuration (``make_train_config``). "methods" is METHODS.md section 2 as written;
#: "authors" adds everything the authors' own scripts (GradientCorrection's ``cnn_deep`` and
#: training script) do beyond it, on the METHODS.md architecture; the others add one of those
#: factors at a time (chapter 2 compares them).
RECIPES = {
    "methods": ({}, {}),
    "lr_plateau": ({}, {"lr_plateau_patience": 3}),
    "he_normal": ({"kernel_initializer": "he_normal"}, {}),
    "l2": ({"l2": 1e-6}, {}),
    "dropout_ramp": ({"conv_dropout": (0.1, 0.2, 0.3, 0.4)}, {}),
    "batch32": ({}, {"batch_size": 32}),
    "authors": (
        {
            "conv_dropout": (0.1, 0.2, 0.3, 0.4),
            "kernel_initializer": "he_normal",
            "l2": 1e-6,
        },
        {"lr_plateau_patience": 3},
    ),
}


def recipe(name: str) -> tuple[dict, dict]:
    """The ``(model_overrides, train_overrides)`` of training recipe ``name``.

    See ``RECIPES``.

    Parameters
    ----------
    name : str
        A key of ``RECIPES``.

    Returns
    -------
    model_overrides : dict
        Overrides of ``models.cnn_config`` (a copy of the recipe's).
    train_overrides : dict
        Overrides of ``make_train_config`` (a copy of the recipe's).

    Raises
    ------
    ValueError
        If ``name`` is not a key of ``RECIPES``.
    """
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; choose one of {tuple(RECIPES)}")
    model_overrides, train_overrides = RECIPES[name]
    return dict(model_overrides), dict(train_overrides)


#: The book's training recipe, and the study grid's: the authors' own, which reaches the study's
#: models where METHODS.md section 2 as written does not (chapter 2 shows the comparison).
STUDY_RECIPE = "authors"


def model_name(
    activation: str,
    batch_norm: bool,
    regularizer: str,
    seed: int,
    recipe: str = STUDY_RECIPE,
) -> str:
    """A model's display name, e.g. ``"relu+bn mixup seed 2"``.

    The activation, ``+bn``, the regulariser unless "none", the recipe in brackets
    unless it is ``STUDY_RECIPE``, and the seed.

    Parameters
    ----------
    activation : str
        The first layer's activation ("relu" or "exponential").
    batch_norm : bool
        Whether the model has batch normalisation (``+bn``).
    regularizer : str
        A key of ``regularizers.REGULARIZERS``.
    seed : int
        The model's seed.
    recipe : str, default STUDY_RECIPE
        A key of ``RECIPES``.

    Returns
    -------
    str
    """
    reg = "" if regularizer == "none" else f" {regularizer}"
    rec = "" if recipe == STUDY_RECIPE else f" [{recipe}]"
    return f"{activation}{'+bn' if batch_norm else ''}{reg}{rec} seed {seed}"


@dataclass(frozen=True)
class ModelSpec:
    """A model of the book by name: regulariser, activation, batch norm, seed, recipe.

    The activation is the first layer's; everything else is the training recipe's
    (``configs``). A frozen dataclass.

    Attributes
    ----------
    regularizer : str
        A key of ``regularizers.REGULARIZERS`` ("none": the unregularised baseline).
    activation : str
        The first convolutional layer's activation ("relu" or "exponential").
    batch_norm : bool
        Whether the model has batch normalisation.
    seed : int
        The training seed (``make_train_config(seed=...)``).
    recipe : str, default STUDY_RECIPE
        The training recipe, a key of ``RECIPES``.
    """

    regularizer: str
    activation: str
    batch_norm: bool
    seed: int
    recipe: str = STUDY_RECIPE  # a key of RECIPES

    @property
    def label(self) -> str:
        """The model's display name (``model_name``), the ``model`` column of a sweep.

        Returns
        -------
        str
        """
        return model_name(
            self.activation, self.batch_norm, self.regularizer, self.seed, self.recipe
        )

    def configs(self, epochs: int = 100, patience: int = 10) -> tuple[dict, dict]:
        """The ``(model_config, train_config)`` overrides that give this model.

        ``train_model`` turns them into this model. They are the recipe's overrides
        (``recipe``) with this spec's activation, batch norm, seed and regulariser, and
        ``epochs`` and ``patience``.

        Parameters
        ----------
        epochs : int, default 100
            Maximum number of epochs (METHODS.md section 2).
        patience : int, default 10
            Early-stopping patience, in epochs (METHODS.md section 2).

        Returns
        -------
        model_config : dict
            Overrides of ``models.cnn_config``.
        train_config : dict
            Overrides of ``make_train_config``.

        Raises
        ------
        ValueError
            If ``recipe`` is not a key of ``RECIPES``.
        """
        model_over, train_over = recipe(self.recipe)
        model_config = {
            **model_over,
            "activation": self.activation,
            "batch_norm": self.batch_norm,
        }
        train_config = {
            **train_over,
            "epochs": epochs,
            "patience": patience,
            "seed": self.seed,
            "regularizer": self.regularizer,
        }
        return model_config, train_config


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras/TensorFlow and make TF ops deterministic.

    Same seed, same model.

    Parameters
    ----------
    seed : int
        Passed to ``keras.utils.set_random_seed``.
    """
    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


def make_train_config(
    epochs: int = 100,
    batch_size: int = 100,
    learning_rate: float = 1e-3,
    patience: int = 10,
    seed: int = 0,
    regularizer: str = "none",
    regularizer_options: dict | None = None,
    lr_plateau_patience: int = 0,
    lr_plateau_factor: float = 0.2,
    min_learning_rate: float = 1e-7,
) -> dict:
    """The complete, validated training configuration.

    Defaults: METHODS.md sections 2-3.

    ``regularizer`` names one of ``regularizers.REGULARIZERS``; ``regularizer_options``
    overrides its defaults. For the unregularised baseline the two keys are left out of
    the result, so the baseline's cache key does not depend on them.

    ``lr_plateau_patience > 0`` multiplies the learning rate by ``lr_plateau_factor``
    (not below ``min_learning_rate``) whenever validation AUROC has not improved for
    that many epochs, as Keras' ``ReduceLROnPlateau`` does in the authors' scripts; 0
    (METHODS.md) leaves it constant. Like the regulariser, these keys enter the result
    only when the schedule is on.

    Parameters
    ----------
    epochs : int, default 100
        Maximum number of epochs.
    batch_size : int, default 100
        Sequences per training batch.
    learning_rate : float, default 1e-3
        Adam's (initial) learning rate.
    patience : int, default 10
        Early stopping: epochs without a better validation AUROC before training stops.
    seed : int, default 0
        Seed of the weights' initialisation, the batch order and the regulariser's
        random draws.
    regularizer : str, default "none"
        A key of ``regularizers.REGULARIZERS``.
    regularizer_options : dict, optional
        Overrides of the regulariser's defaults (``regularizers.regularizer_options``).
    lr_plateau_patience : int, default 0
        Epochs without an improvement of validation AUROC before each reduction of the
        learning rate; 0: no schedule.
    lr_plateau_factor : float, default 0.2
        Factor of each reduction, in (0, 1).
    min_learning_rate : float, default 1e-7
        Floor of the learning rate, in [0, learning_rate].

    Returns
    -------
    dict
        ``epochs``, ``batch_size``, ``learning_rate``, ``patience`` and ``seed``; plus
        ``regularizer`` and ``regularizer_options`` (all its options) unless the
        regulariser is "none"; plus ``lr_plateau_patience``, ``lr_plateau_factor`` and
        ``min_learning_rate`` when ``lr_plateau_patience > 0``.

    Raises
    ------
    ValueError
        If ``epochs``, ``batch_size`` or ``patience`` is not a positive integer,
        ``learning_rate`` is not positive, ``lr_plateau_patience`` is not a non-negative
        integer, ``lr_plateau_factor`` is not in (0, 1) or ``min_learning_rate`` not in
        [0, learning_rate] (both checked even when the schedule is off), or the
        regulariser or its options are invalid.
    """
    for name, value in (
        ("epochs", epochs),
        ("batch_size", batch_size),
        ("patience", patience),
    ):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive; got {learning_rate!r}")
    if int(lr_plateau_patience) != lr_plateau_patience or lr_plateau_patience < 0:
        raise ValueError(
            f"lr_plateau_patience must be a non-negative integer; got {lr_plateau_patience!r}"
        )
    if not 0 < lr_plateau_factor < 1:
        raise ValueError(
            f"lr_plateau_factor must be in (0, 1); got {lr_plateau_factor!r}"
        )
    if not 0 <= min_learning_rate <= learning_rate:
        raise ValueError(
            f"min_learning_rate must be in [0, learning_rate]; got {min_learning_rate!r}"
        )
    cfg = {
        "epochs": int(epochs),
        "batch_size": int(batch_size),
        "learning_rate": float(learning_rate),
        "patience": int(patience),
        "seed": int(seed),
    }
    options = regularizers.regularizer_options(regularizer, regularizer_options)
    if regularizer != "none":
        cfg["regularizer"] = regularizer
        cfg["regularizer_options"] = options
    if lr_plateau_patience > 0:
        cfg["lr_plateau_patience"] = int(lr_plateau_patience)
        cfg["lr_plateau_factor"] = float(lr_plateau_factor)
        cfg["min_learning_rate"] = float(min_learning_rate)
    return cfg


class PlateauSchedule:
    """Learning-rate reduction on a plateau of validation AUROC.

    As Keras' ``ReduceLROnPlateau`` (mode ``max``, ``min_delta`` 1e-4, no cooldown):
    after ``patience`` epochs without an improvement of more than ``min_delta``,
    multiply the rate by ``factor`` (not below ``min_lr``) and start counting again.
    ``patience=0`` never changes the rate.

    Parameters
    ----------
    learning_rate : float
        The initial learning rate.
    patience : int
        Epochs without an improvement before each reduction; 0: never reduce.
    factor : float, default 0.2
        Multiplier of each reduction.
    min_lr : float, default 1e-7
        Floor of the learning rate.
    min_delta : float, default 1e-4
        An epoch improves on the best score only by more than this.

    Attributes
    ----------
    learning_rate : float
        The current learning rate.
    patience : int
        As given.
    factor : float
        As given.
    min_lr : float
        As given.
    min_delta : float
        As given.
    best : float
        The best score so far (-inf before the first improvement).
    wait : int
        Epochs since the last improvement or reduction.
    """

    def __init__(
        self,
        learning_rate: float,
        patience: int,
        factor: float = 0.2,
        min_lr: float = 1e-7,
        min_delta: float = 1e-4,
    ):
        self.learning_rate, self.patience, self.factor = (
            float(learning_rate),
            int(patience),
            float(factor),
        )
        self.min_lr, self.min_delta = float(min_lr), float(min_delta)
        self.best, self.wait = -np.inf, 0

    def update(self, score: float) -> float:
        """Record one epoch's validation AUROC; return the next epoch's learning rate.

        Parameters
        ----------
        score : float
            The epoch's validation AUROC.

        Returns
        -------
        float
            ``learning_rate`` after the update: reduced when this epoch completes
            ``patience`` epochs without an improvement (and the rate is above
            ``min_lr``), else unchanged.
        """
        if self.patience == 0:
            return self.learning_rate
        if score - self.min_delta > self.best:
            self.best, self.wait = score, 0
            return self.learning_rate
        self.wait += 1
        if self.wait >= self.patience and self.learning_rate > self.min_lr:
            self.learning_rate = max(self.learning_rate * self.factor, self.min_lr)
            self.wait = 0
        return self.learning_rate


# --------------------------------------------------------------------------------------------
# The compiled train step (the regularisers and priors it applies: acme_utils.regularizers)
# --------------------------------------------------------------------------------------------


def make_train_step(
    model: keras.Model,
    optimizer,
    name: str = "none",
    options: dict | None = None,
    seed: int = 0,
    jit_compile: bool = False,
):
    """A function ``step(x, y, epoch) -> loss`` running one compiled optimisation step.

    ``x`` is a ``(B, L, 4)`` float32 batch, ``y`` its ``(B, 1)`` labels, ``epoch`` the
    1-based epoch (only the adversarial schedule uses it: one graph is traced per
    phase). The loss includes the model's weight penalties (``model.losses``: the L2 of
    ``cnn_config(l2=...)``). The regularisers and attribution priors are those of
    ``acme_utils.regularizers``; the priors are computed on the batch's positive
    sequences (label > 0.5) with the model in inference mode, and count 0 in a batch
    without positives.

    Parameters
    ----------
    model : keras.Model
        A chain-shaped model with a ``"logit"`` layer (``models.build_cnn``); its
        trainable weights are updated in place.
    optimizer : keras.optimizers.Optimizer
        Applies the gradients (``fit`` uses Adam).
    name : str, default "none"
        The regulariser or attribution prior, a key of ``regularizers.REGULARIZERS``.
    options : dict, optional
        Overrides of its defaults (``regularizers.regularizer_options``).
    seed : int, default 0
        Seed of the step's random draws (mixup's lambda and permutation, the noise, the
        layer of the manifold regularisers) and of the spectral norm's starting vectors.
    jit_compile : bool, default False
        Compile the step with XLA; it is off because on CPU it made an epoch about 14x
        slower (``bench/training.py`` measures it).

    Returns
    -------
    callable
        ``step(x, y, epoch=1)``: ``x`` a ``(B, L, 4)`` float32 batch of B sequences of
        length L, ``y`` its ``(B, 1)`` float32 labels, ``epoch`` the 1-based epoch; it
        updates the weights and returns the batch's loss (a scalar ``tf.Tensor``,
        computed before the update).

    Raises
    ------
    ValueError
        If ``name`` or ``options`` is invalid, or the model has no ``"logit"`` layer.
    """
    # (module-qualified: fit's and make_train_config's arguments are called regularizer_options too)
    opts = regularizers.regularizer_options(name, options)
    chain = layer_chain(model)
    points = tf.constant(perturbation_points(chain), tf.int32)
    weights = model.trainable_variables
    gen = tf.random.Generator.from_seed(int(seed))

    functional = keras.Model(model.input, model.get_layer("logit").output)

    def logits(x, training=True):
        # The functional model, not the layer chain: same maths, but this keeps the baseline
        # bit-identical to models trained (and cached) before regularisers existed.
        return functional(x, training=training)

    spectral = spectral_penalty(chain, opts, seed) if name == "spectral_norm" else None

    def data_loss(x, y, phase):
        if name in ("mixup", "manifold_mixup"):
            lam = sample_beta(gen, opts["alpha"])
            perm = tf.argsort(gen.uniform([tf.shape(x)[0]]))
            point = (
                tf.constant(0)
                if name == "mixup"
                else tf.gather(points, gen.uniform([], 0, len(points), tf.int32))
            )
            z = forward(chain, x, True, point, lambda h: mix(h, lam, perm))
            return bce_with_logits(mix(y, lam, perm), z)
        if name in ("input_noise", "manifold_noise"):
            point = (
                tf.constant(0)
                if name == "input_noise"
                else tf.gather(points, gen.uniform([], 0, len(points), tf.int32))
            )
            z = forward(
                chain,
                x,
                True,
                point,
                lambda h: h + opts["std"] * gen.normal(tf.shape(h)),
            )
            return bce_with_logits(y, z)
        if name == "adversarial" and phase != "clean":
            x_adv = pgd_attack(
                lambda v: logits(v, training=False),
                x,
                y,
                opts["epsilon"],
                opts["step"],
                opts["n_steps"],
            )
            if phase == "mixed":
                x, y = tf.concat([x, x_adv], 0), tf.concat([y, y], 0)
            else:
                x = x_adv
        return bce_with_logits(y, logits(x))

    def loss_fn(x, y, phase):
        loss = data_loss(x, y, phase)
        if model.losses:  # weight penalties (L2), evaluated from the current weights
            loss += tf.add_n(model.losses)
        if spectral is not None:
            loss += spectral()
        if name in ("fourier_prior", "tv_prior"):
            positive = tf.boolean_mask(x, y[:, 0] > 0.5)
            # inference mode: the prior is about the attribution maps the trained model will give,
            # and a positives-only pass in training mode would corrupt the BatchNorm statistics
            track = attribution_track(lambda v: logits(v, training=False), positive)
            prior = (
                fourier_prior_loss(
                    track, int(opts["cutoff"]), opts["softness"], opts["smooth_sigma"]
                )
                if name == "fourier_prior"
                else tv_prior_loss(track, bool(opts["normalize"]))
            )
            prior = tf.where(tf.shape(positive)[0] > 0, prior, 0.0)
            loss += opts["weight"] * prior
        return loss

    compiled = {}

    def step(x, y, epoch: int = 1):
        phase = (
            adversarial_phase(epoch, opts["clean_epochs"], opts["mixed_until"])
            if name == "adversarial"
            else "clean"
        )
        if phase not in compiled:

            @tf.function(reduce_retracing=True, jit_compile=jit_compile)
            def train_step(xb, yb, phase=phase):
                with tf.GradientTape() as tape:
                    loss = loss_fn(xb, yb, phase)
                optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
                return loss

            compiled[phase] = train_step
        return compiled[phase](x, y)

    return step


# --------------------------------------------------------------------------------------------
# Prediction, evaluation and the training loop
# --------------------------------------------------------------------------------------------


def predict(model: keras.Model, x, batch_size: int = 1000) -> np.ndarray:
    """Model output for ``x``, computed in batches.

    Parameters
    ----------
    model : keras.Model
        A model with input ``(L, 4)``.
    x : array_like, shape (N, L, 4)
        Finite inputs of the model's length L (one-hot or not).
    batch_size : int, default 1000
        Sequences per forward pass.

    Returns
    -------
    numpy.ndarray, shape (N * outputs,), float64
        The outputs, flattened; for ``models.build_cnn`` the sigmoid probability, shape
        ``(N,)``.

    Raises
    ------
    ValueError
        If ``x`` is empty, not ``(N, L, 4)`` with the model's L, or not finite.
    """
    return _predict(model, check_model_input(model, x, ohe=False), batch_size)


def _predict(model: keras.Model, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    out = [
        np.asarray(model(x[i : i + batch_size], training=False))
        for i in range(0, len(x), batch_size)
    ]
    return np.concatenate(out).reshape(-1).astype(np.float64)


def evaluate(model: keras.Model, split: Split, batch_size: int = 1000) -> dict:
    """Exact test AUROC and AUPR of ``model`` on ``split``.

    Parameters
    ----------
    model : keras.Model
        A model with input ``(L, 4)`` and one output per sequence.
    split : data.Split
        One-hot ``x`` of the model's length, ``(N, L, 4)``, and 0/1 labels ``y``,
        ``(N, 1)``.
    batch_size : int, default 1000
        Sequences per forward pass.

    Returns
    -------
    dict
        ``{"auroc": float, "aupr": float}``

    Raises
    ------
    ValueError
        If ``split.x`` is not finite one-hot ``(N, L, 4)`` of the model's length, or
        ``split.y`` is not ``(N, 1)`` of exactly 0 or 1.
    """
    x, y = _check_split(split, "split", model)
    return _evaluate(model, x, y, batch_size)


def _evaluate(
    model: keras.Model, x: np.ndarray, y: np.ndarray, batch_size: int = 1000
) -> dict:
    return classification_scores(y, _predict(model, x, batch_size))


def _check_split(
    split: Split, name: str, model: keras.Model
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` of ``split``, checked: one-hot, finite ``(N, L, 4)`` sequences of the model's
    length as float32, and ``(N, 1)`` labels of exactly 0 or 1 as float32.

    The labels must be hard: the soft labels of mixup are made inside the train step from these.
    """
    x = check_model_input(model, split.x, f"{name}.x")
    y = validate_input(split.y, f"{name}.y", shape=(x.shape[0], 1), values=(0, 1))
    return x, y


def fit(
    model: keras.Model,
    train: Split,
    valid: Split,
    epochs: int = 100,
    batch_size: int = 100,
    learning_rate: float = 1e-3,
    patience: int = 10,
    seed: int = 0,
    regularizer: str = "none",
    regularizer_options: dict | None = None,
    lr_plateau_patience: int = 0,
    lr_plateau_factor: float = 0.2,
    min_learning_rate: float = 1e-7,
    verbose: bool = True,
    label: str = "model",
) -> dict:
    """Train ``model`` in place with early stopping on validation AUROC.

    At the end the best weights (highest validation AUROC) are restored.

    ``regularizer`` (and its options) select a regulariser or attribution prior of
    ``acme_utils.regularizers``, applied inside the compiled train step.

    Only epochs from ``regularizers.first_selectable_epoch`` on may be kept (adversarial
    training: after its warm-up), and early stopping and learning-rate reduction only
    count from there (the warm-up trains at the initial rate); when ``epochs`` ends before
    that epoch, the best of all epochs is kept (with a note).

    With ``lr_plateau_patience > 0`` the learning rate falls on plateaus of validation
    AUROC (``PlateauSchedule``). An L2 penalty set in the model
    (``models.cnn_config(l2=...)``) is part of the training loss.

    Parameters
    ----------
    model : keras.Model
        A model of ``models.build_cnn`` (a ``"logit"`` layer, input ``(L, 4)``).
    train : data.Split
        Training sequences ``x``, ``(N, L, 4)`` one-hot, and labels ``y``, ``(N, 1)``.
    valid : data.Split
        Validation split, as ``train``; selects the epoch and stops training.
    epochs : int, default 100
        Maximum number of epochs.
    batch_size : int, default 100
        Sequences per training batch.
    learning_rate : float, default 1e-3
        Adam's (initial) learning rate.
    patience : int, default 10
        Epochs without a better validation AUROC before training stops.
    seed : int, default 0
        Seed of the batch order and of the train step's random draws (the weights are
        initialised when the model is built: ``set_seed``).
    regularizer : str, default "none"
        A key of ``regularizers.REGULARIZERS``.
    regularizer_options : dict, optional
        Overrides of its defaults.
    lr_plateau_patience : int, default 0
        Epochs without an improvement before each reduction of the learning rate; 0:
        none.
    lr_plateau_factor : float, default 0.2
        Factor of each reduction (``make_train_config``).
    min_learning_rate : float, default 1e-7
        Floor of the learning rate.
    verbose : bool, default True
        Log one line per epoch, and each change of the learning rate and early stop.
    label : str, default "model"
        The model's name in the progress lines.

    Returns
    -------
    dict
        The history: per-epoch lists ``loss`` (mean training loss of the epoch's
        batches, penalties included), ``val_loss`` (validation binary cross-entropy),
        ``val_auroc``, ``val_aupr``, ``seconds``, ``learning_rate`` (the rate the epoch
        trained with), plus ``best_epoch`` (1-based) and ``stopped_epoch``.

    Raises
    ------
    ValueError
        Before any training, if the configuration is invalid (``make_train_config``) or
        if ``train`` or ``valid`` is not one-hot, finite ``(N, L, 4)`` sequences of the
        model's length with ``(N, 1)`` labels of exactly 0 or 1 (the mixup regularisers
        make their soft labels from these inside the train step).
    """
    cfg = make_train_config(
        epochs,
        batch_size,
        learning_rate,
        patience,
        seed,
        regularizer,
        regularizer_options,
        lr_plateau_patience,
        lr_plateau_factor,
        min_learning_rate,
    )
    # checked once, up front: a label of 2 or a NaN input would otherwise train silently
    train_x, train_y = _check_split(train, "train", model)
    valid_x, valid_y = _check_split(valid, "valid", model)
    logits = logit_model(model)
    optimizer = keras.optimizers.Adam(cfg["learning_rate"])
    train_step = make_train_step(
        model, optimizer, regularizer, cfg.get("regularizer_options"), cfg["seed"]
    )

    def bce(x, y):
        z = _predict(logits, x)
        y = y[:, 0]
        return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))

    first = regularizers.first_selectable_epoch(
        regularizer, cfg.get("regularizer_options")
    )
    if first > cfg["epochs"]:
        if verbose:
            log.info(
                f"  note: {cfg['epochs']} epochs end before epoch {first}, the first that early stopping "
                f"may keep for {regularizer!r}; keeping the best epoch of all"
            )
        first = 1
    rng = np.random.default_rng([cfg["seed"], 2])
    history = {
        k: []
        for k in (
            "loss",
            "val_loss",
            "val_auroc",
            "val_aupr",
            "seconds",
            "learning_rate",
        )
    }
    schedule = PlateauSchedule(
        cfg["learning_rate"], lr_plateau_patience, lr_plateau_factor, min_learning_rate
    )
    best, best_epoch, best_weights = -np.inf, 0, model.get_weights()
    n = len(train_x)
    for epoch in range(1, cfg["epochs"] + 1):
        start = time.perf_counter()
        order = rng.permutation(n)
        losses = []
        for i in range(0, n, cfg["batch_size"]):
            idx = np.sort(order[i : i + cfg["batch_size"]])
            losses.append(float(train_step(train_x[idx], train_y[idx], epoch)))
        scores = _evaluate(model, valid_x, valid_y)
        history["loss"].append(float(np.mean(losses)))
        history["val_loss"].append(bce(valid_x, valid_y))
        history["val_auroc"].append(scores["auroc"])
        history["val_aupr"].append(scores["aupr"])
        history["seconds"].append(time.perf_counter() - start)
        history["learning_rate"].append(schedule.learning_rate)
        # a warm-up epoch is no plateau: its AUROC is not comparable with later phases'
        next_rate = (
            schedule.update(scores["auroc"])
            if epoch >= first
            else schedule.learning_rate
        )
        if next_rate != history["learning_rate"][-1]:
            optimizer.learning_rate.assign(next_rate)
            if verbose:
                log.info(
                    f"  validation AUROC on a plateau: learning rate {next_rate:.1e}"
                )
        if epoch >= first and scores["auroc"] > best:
            best, best_epoch, best_weights = scores["auroc"], epoch, model.get_weights()
        progress(
            f"{label}: epoch {epoch}/{cfg['epochs']}, val AUROC {scores['auroc']:.4f} "
            f"(best {best:.4f} at epoch {best_epoch}), {history['seconds'][-1]:.1f} s"
        )
        if verbose:
            log.info(
                f"  epoch {epoch:3d}/{cfg['epochs']}  loss {history['loss'][-1]:.4f}  "
                f"val_loss {history['val_loss'][-1]:.4f}  val_auroc {scores['auroc']:.4f}  "
                f"({f'best {best:.4f} at {best_epoch}' if best_epoch else 'warm-up: not kept'})  "
                f"{history['seconds'][-1]:.1f} s"
            )
        if epoch >= first and epoch - best_epoch >= cfg["patience"]:
            if verbose:
                log.info(
                    f"  early stop: no better val_auroc for {cfg['patience']} epochs"
                )
            break
    model.set_weights(best_weights)
    history["best_epoch"] = best_epoch
    history["stopped_epoch"] = epoch
    return history


@dataclass
class TrainedModel:
    """A trained model with what it was trained on and how it scored.

    Attributes
    ----------
    model : keras.Model
        The trained model (``models.build_cnn``).
    name : str
        Display name (``model_name`` unless given).
    model_config : dict
        The complete model configuration (``models.cnn_config``).
    train_config : dict
        The complete training configuration (``make_train_config``).
    history : dict
        The training history of ``fit``.
    test_metrics : dict
        ``{"auroc": ..., "aupr": ...}`` on the test split.
    key : str
        Cache key (``model_key``).
    path : pathlib.Path or None
        Cache entry, or None if not cached.
    from_cache : bool
        True when the model was loaded (from the cache or the zoo) rather than trained.
    data_key : str, default ""
        Key of the dataset it was trained on.
    source : str, default "trained"
        "trained", "cache" or "zoo".
    """

    model: keras.Model
    name: str
    model_config: dict
    train_config: dict
    history: dict
    test_metrics: dict  # {"auroc": ..., "aupr": ...} on the test split
    key: str  # cache key
    path: Path | None  # cache entry, or None if not cached
    from_cache: bool
    data_key: str = ""  # key of the dataset it was trained on
    source: str = "trained"  # "trained", "cache" or "zoo"


def model_key(data_key: str, model_config: dict, train_config: dict) -> str:
    """Cache key of a trained model: data, architecture, training, software versions.

    The software versions are the ``acme_utils`` version and Keras' major version.

    Parameters
    ----------
    data_key : str
        Key of the dataset (``data.SyntheticDataset.key``).
    model_config : dict
        The complete model configuration (``models.cnn_config``).
    train_config : dict
        The complete training configuration (``make_train_config``).

    Returns
    -------
    str
        A 16-digit hex key (``cache.cache_key``).
    """
    return cache_key(
        {
            "data": data_key,
            "model": model_config,
            "train": train_config,
            "acme_utils": __version__,
            "keras": keras.__version__.split(".")[0],
        }
    )


def _load_entry(entry: Path, name: str) -> TrainedModel:
    meta = read_json(entry / "meta.json")
    model = keras.models.load_model(entry / "model.keras", compile=False)
    return TrainedModel(
        model=model,
        name=name or meta["name"],
        model_config=meta["model_config"],
        train_config=meta["train_config"],
        history=meta["history"],
        test_metrics=meta["test_metrics"],
        key=entry.name,
        path=entry,
        from_cache=True,
        data_key=meta["data_key"],
        source="cache",
    )


def _duration(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def _store(entry: Path, model: keras.Model, meta: dict) -> bool:
    """Store a model in the cache atomically; False if another process stored it first."""
    with atomic_directory(entry) as tmp:
        model.save(tmp / "model.keras")
        write_json(tmp / "meta.json", meta)
    return read_json(entry / "meta.json").get("run_id") == meta["run_id"]


def _from_zoo(
    key: str, entry: Path, name: str, use_cache: bool, zoo_dir, verbose: bool
) -> TrainedModel | None:
    """The zoo's model of ``key`` (stored in the cache too), or None if the zoo has no such model."""
    from . import zoo

    record = zoo.read_manifest(zoo_dir).get(key)
    if record is None:
        return None
    model = zoo.load_weights(record, zoo_dir)  # raises on a checksum mismatch
    meta = {
        k: record[k]
        for k in ("model_config", "train_config", "data_key", "history", "test_metrics")
    }
    meta.update(
        name=name,
        train_seconds=record["train_seconds"],
        acme_utils=__version__,
        keras=keras.__version__,
        run_id=uuid.uuid4().hex,
        zoo=record["provenance"],
    )
    if verbose:
        machine = record["provenance"]["machine"]
        log.info(
            f"{name}: loaded pretrained weights from the zoo (training took {_duration(record['train_seconds'] or 0)} "
            f"on a {machine['cores']}-core machine; {zoo.RETRAIN_ENV_VAR}=1 retrains)"
        )
    progress(f"{name}: loaded pretrained weights from the zoo")
    path = None
    if use_cache:
        _store(entry, model, meta)
        path = entry
    return TrainedModel(
        model,
        name,
        meta["model_config"],
        meta["train_config"],
        meta["history"],
        meta["test_metrics"],
        key,
        path,
        from_cache=True,
        data_key=meta["data_key"],
        source="zoo",
    )


def train_model(
    data: SyntheticDataset,
    model_config: dict | None = None,
    train_config: dict | None = None,
    name: str | None = None,
    cache_dir=None,
    use_cache: bool = True,
    verbose: bool = True,
    use_zoo: bool | None = None,
    zoo_dir=None,
    recipe: str = "methods",
) -> TrainedModel:
    """Train a baseline CNN on ``data``, or load the identical one (cache or zoo).

    ``model_config`` and ``train_config`` are (partial) dicts as returned by
    ``models.cnn_config`` and ``make_train_config``; missing keys take the defaults of
    training recipe ``recipe`` (see ``RECIPES``; "methods" is METHODS.md section 2 as
    written). Where the model comes from, in order: the cache (when ``use_cache``); the
    pretrained zoo (``acme_utils.zoo``) when its key matches exactly, unless
    ``use_zoo=False`` or, with ``use_zoo=None``, ``$ACME_RETRAIN`` asks to retrain
    (``zoo.retrain_requested``); else it is trained and stored in the cache (when
    ``use_cache``).

    Parameters
    ----------
    data : data.SyntheticDataset
        The dataset: trained on ``data.train``, stopped on ``data.valid``, scored on
        ``data.test``; its sequence length is the model's ``input_length`` unless
        ``model_config`` sets one.
    model_config : dict, optional
        (Partial) model configuration, over the recipe's.
    train_config : dict, optional
        (Partial) training configuration, over the recipe's.
    name : str, optional
        Display name; default ``model_name`` of the configuration and ``recipe``.
    cache_dir : str or path-like, optional
        The cache (default ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``).
    use_cache : bool, default True
        Load from and store in the cache.
    verbose : bool, default True
        Log where the model comes from, and the epochs of a training.
    use_zoo : bool, optional
        Take the model from the zoo if it holds it; None (default): unless
        ``$ACME_RETRAIN`` is set to a true value.
    zoo_dir : str or path-like, optional
        The zoo (default ``zoo.ZOO_DIR``).
    recipe : str, default "methods"
        A key of ``RECIPES``.

    Returns
    -------
    TrainedModel
        With ``source`` "cache", "zoo" or "trained".

    Raises
    ------
    ValueError
        If ``recipe`` is unknown or a configuration is invalid; from the zoo, if the
        weights file of a matching entry is missing or fails its checksum.
    """
    if recipe not in RECIPES:  # (the argument shadows the function ``recipe``)
        raise ValueError(f"unknown recipe {recipe!r}; choose one of {tuple(RECIPES)}")
    model_over, train_over = RECIPES[recipe]
    model_config = cnn_config(
        **{"input_length": data.params["length"], **model_over, **(model_config or {})}
    )
    train_config = make_train_config(**{**train_over, **(train_config or {})})
    key = model_key(data.key, model_config, train_config)
    name = name or model_name(
        model_config["activation"],
        model_config["batch_norm"],
        train_config.get("regularizer", "none"),
        train_config["seed"],
        recipe,
    )
    entry = resolve_cache_dir(cache_dir) / "models" / key
    if (
        use_cache
        and (entry / "meta.json").is_file()
        and (entry / "model.keras").is_file()
    ):
        if verbose:
            log.info(f"{name}: loaded from the cache")
        progress(f"{name}: loaded from the cache")
        return _load_entry(entry, name)
    if use_zoo is None:
        from .zoo import retrain_requested

        use_zoo = not retrain_requested()
    if use_zoo:
        pretrained = _from_zoo(key, entry, name, use_cache, zoo_dir, verbose)
        if pretrained is not None:
            return pretrained

    if verbose:
        log.info(f"{name}: training (cache key {key})")
    progress(
        f"{name}: training, up to {train_config['epochs']} epochs (no cached or pretrained model with key {key})"
    )
    start = time.perf_counter()
    set_seed(train_config["seed"])
    model = build_cnn(**model_config)
    with note_interrupt(f"training {name}", resolve_cache_dir(cache_dir)):
        # train_config holds the regularizer
        history = fit(
            model, data.train, data.valid, **train_config, verbose=verbose, label=name
        )
    metrics = evaluate(model, data.test)
    seconds = time.perf_counter() - start
    progress(
        f"{name}: trained in {_duration(seconds)}, test AUROC {metrics['auroc']:.4f}"
    )
    if verbose:
        log.info(
            f"{name}: best epoch {history['best_epoch']}, test AUROC {metrics['auroc']:.4f}, "
            f"AUPR {metrics['aupr']:.4f} ({seconds:.0f} s)"
        )
    meta = {
        "name": name,
        "model_config": model_config,
        "train_config": train_config,
        "data_key": data.key,
        "history": history,
        "test_metrics": metrics,
        "train_seconds": seconds,
        "acme_utils": __version__,
        "keras": keras.__version__,
        "run_id": uuid.uuid4().hex,  # tells our entry from one another process stored first
    }
    path = None
    if use_cache:
        path = entry
        if not _store(entry, model, meta):
            # Another process stored this model first and ours was discarded. Return the stored
            # one, so every caller sees the same model (runs with other thread counts can differ
            # in the last bits).
            if verbose:
                log.info(
                    f"{name}: another process stored this model first; using the stored one"
                )
            return _load_entry(entry, name)
    return TrainedModel(
        model,
        name,
        model_config,
        train_config,
        history,
        metrics,
        key,
        path,
        from_cache=False,
        data_key=data.key,
    )


def spec_key(
    data_key: str,
    spec: ModelSpec,
    epochs: int = 100,
    patience: int = 10,
    input_length: int = 200,
) -> str:
    """The cache key (``model_key``) of ``spec``'s model, without any data in memory.

    Parameters
    ----------
    data_key : str
        Key of the dataset (``data.SyntheticDataset.key``).
    spec : ModelSpec
        The model.
    epochs : int, default 100
        Maximum number of epochs.
    patience : int, default 10
        Early-stopping patience.
    input_length : int, default 200
        The dataset's sequence length L.

    Returns
    -------
    str
        The key ``train_spec`` gives the model with the same arguments.
    """
    model_config, train_config = spec.configs(epochs, patience)
    return model_key(
        data_key,
        cnn_config(**{"input_length": input_length, **model_config}),
        make_train_config(**train_config),
    )


def train_spec(
    data: SyntheticDataset,
    spec: ModelSpec,
    epochs: int = 100,
    patience: int = 10,
    cache_dir=None,
    verbose: bool = False,
    name: str | None = None,
) -> TrainedModel:
    """Train ``spec``'s model on ``data`` (or load it from the cache or the zoo).

    The way the chapters get a model: ``train_model`` with ``spec.configs`` (the sweep
    calls ``train_model`` with the same configurations; ``zoo.build`` calls this).

    Parameters
    ----------
    data : data.SyntheticDataset
        The dataset.
    spec : ModelSpec
        The model.
    epochs : int, default 100
        Maximum number of epochs.
    patience : int, default 10
        Early-stopping patience.
    cache_dir : str or path-like, optional
        The cache (default ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``).
    verbose : bool, default False
        Log where the model comes from and, when trained, each epoch.
    name : str, optional
        The display name of the returned model (its ``name``, used in messages and in
        score tables); it defaults to ``spec.label`` and does not enter the cache key.

    Returns
    -------
    TrainedModel
    """
    model_config, train_config = spec.configs(epochs, patience)
    return train_model(
        data,
        model_config,
        train_config,
        name=name or spec.label,
        cache_dir=cache_dir,
        verbose=verbose,
        recipe="methods",
    )


# ---- chapter 2: the test-performance table of several models (moved out of the chapter) ----


def performance_table(trained: dict, wall_seconds: dict | None = None):
    """Test performance and training cost of several trained models, one row each.

    Parameters
    ----------
    trained : dict
        Display name -> ``TrainedModel`` (e.g. from ``train_spec``).
    wall_seconds : dict, optional
        Display name -> how long getting the model took in this run (training, or loading it
        from the cache or the zoo), in seconds; one per model of ``trained``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``variant`` (the display names, in order), with columns ``test AUROC`` and
        ``test AUPR`` (on the test split, METHODS.md section 2), ``best epoch`` (whose weights
        were kept) and ``epochs run``, ``training time (s)`` (the sum of the recorded per-epoch
        times, rounded to whole seconds: the same whether the model was trained now or loaded),
        ``s / epoch``, ``from cache`` and, with ``wall_seconds``, ``this run (s)`` (one decimal).

    Raises
    ------
    ValueError
        If ``trained`` is empty or holds something other than a ``TrainedModel``, or
        ``wall_seconds`` does not have one entry per model.
    """
    import pandas as pd

    if not trained:
        raise ValueError("trained is empty: give at least one model")
    for label, tm in trained.items():
        if not isinstance(tm, TrainedModel):
            raise ValueError(
                f"trained[{label!r}] must be a training.TrainedModel; "
                f"got {type(tm).__name__}"
            )
    if wall_seconds is not None and set(wall_seconds) != set(trained):
        raise ValueError(
            "wall_seconds must have one entry per model of trained; "
            f"got {sorted(wall_seconds)} for {sorted(trained)}"
        )
    rows = []
    for label, tm in trained.items():
        row = {
            "variant": label,
            "test AUROC": tm.test_metrics["auroc"],
            "test AUPR": tm.test_metrics["aupr"],
            "best epoch": tm.history["best_epoch"],
            "epochs run": tm.history["stopped_epoch"],
            "training time (s)": round(float(np.sum(tm.history["seconds"]))),
            "s / epoch": float(np.mean(tm.history["seconds"])),
            "from cache": tm.from_cache,
        }
        if wall_seconds is not None:
            row["this run (s)"] = round(wall_seconds[label], 1)
        rows.append(row)
    return pd.DataFrame(rows).set_index("variant")


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight")


def performance_summary(results, specs: dict) -> str:
    """The best model by test AUROC, the spread, and the mean with and without batch norm.

    Parameters
    ----------
    results : pandas.DataFrame
        From :func:`performance_table` (column ``test AUROC``, indexed by display name).
    specs : dict
        Display name (every index of ``results``) -> its :class:`ModelSpec` (read:
        ``batch_norm``).

    Returns
    -------
    str
        The model with the highest test AUROC and the spread (maximum minus minimum) across
        the models, then the mean test AUROC of the models without and of those with batch
        norm (a line for each that has models), 4 decimals.

    Raises
    ------
    ValueError
        If ``results`` is empty or has no ``test AUROC`` column, or a model of it has no
        spec.
    """
    if "test AUROC" not in getattr(results, "columns", ()):
        raise ValueError("results needs a 'test AUROC' column (performance_table)")
    if not len(results):
        raise ValueError("results is empty")
    missing = set(results.index) - set(specs)
    if missing:
        raise ValueError(f"no spec for the models {sorted(missing)}")
    auroc = results["test AUROC"]
    best = auroc.idxmax()
    n = len(results)
    count = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    lines = [
        f"Highest test AUROC: {best} ({results.loc[best, 'test AUROC']:.4f}); "
        f"spread across the {count} variants: {auroc.max() - auroc.min():.4f}"
    ]
    for bn in (False, True):
        rows_bn = [k for k in results.index if specs[k].batch_norm == bn]
        if rows_bn:
            lines.append(
                f"mean test AUROC {'with' if bn else 'without'} batch norm: "
                f"{results.loc[rows_bn, 'test AUROC'].mean():.4f}"
            )
    return "\n".join(lines)


# ---- chapter 7: what adversarial training did (moved out of the chapter, issue #12) ----
