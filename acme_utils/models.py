"""The baseline CNN of the ACME study (METHODS.md section 2).

Each convolutional block is Conv1D (same padding) -> optional BatchNorm -> activation -> Dropout,
then MaxPool where listed. The first layer's activation (``relu`` or ``exponential``) and batch
norm are the variables under study. The pre-sigmoid logit is its own layer, named ``"logit"``,
so attribution methods can differentiate the logit rather than the saturating probability.

Beyond METHODS.md, three training-recipe options of the authors' own code can be set (see
``training.RECIPES`` and chapter 2): a dropout rate per convolutional block, the kernel
initialiser, and an L2 penalty on every kernel. They enter the configuration (and so the cache
key) only when they differ from METHODS.md, so the keys of METHODS.md models never change.
"""

from __future__ import annotations

import numpy as np

from ._tensorflow import keras

__all__ = [
    "CONV_BLOCKS",
    "DENSE_UNITS",
    "ACTIVATIONS",
    "KERNEL_INITIALIZERS",
    "cnn_config",
    "block_dropout_rates",
    "build_cnn",
    "logit_model",
    "first_layer_activation_model",
]


#: (filters at width 1, kernel size, max-pool size or None) for the four convolutional blocks.
CONV_BLOCKS = ((24, 19, None), (32, 7, 4), (48, 5, 4), (64, 5, 3))
DENSE_UNITS = 96
ACTIVATIONS = ("relu", "exponential")
KERNEL_INITIALIZERS = ("glorot_uniform", "he_normal")


def cnn_config(
    activation: str = "relu",
    batch_norm: bool = True,
    width: float = 1.0,
    conv_dropout: float | tuple = 0.1,
    dense_dropout: float = 0.5,
    input_length: int = 200,
    kernel_initializer: str = "glorot_uniform",
    l2: float = 0.0,
) -> dict:
    """The complete configuration of a baseline CNN, validated; ``build_cnn(**config)`` builds it.

    ``conv_dropout`` is one rate for all four convolutional blocks, or four rates (one per block,
    as in the authors' ``cnn_deep``, which rises 0.1, 0.2, 0.3, 0.4). ``kernel_initializer`` is
    Keras' default ``"glorot_uniform"`` (METHODS.md) or ``"he_normal"``; ``l2`` is the weight of
    an L2 penalty ``l2 * sum(W**2)`` on every kernel (0: none).

    Parameters
    ----------
    activation : {"relu", "exponential"}, default "relu"
        The first layer's activation (the other layers use ReLU).
    batch_norm : bool, default True
        Batch normalisation after every convolution and the dense layer.
    width : float, default 1.0
        Multiplier of the number of filters and dense units (each rounded, at least 1), > 0.
    conv_dropout : float or tuple of 4 float, default 0.1
        Dropout rate of the convolutional blocks, in [0, 1): one for all four, or one per block.
    dense_dropout : float, default 0.5
        Dropout rate of the dense layer, in [0, 1).
    input_length : int, default 200
        Sequence length L of the ``(N, L, 4)`` input, at least 48 (three poolings).
    kernel_initializer : {"glorot_uniform", "he_normal"}, default "glorot_uniform"
        Initialiser of every kernel.
    l2 : float, default 0.0
        Weight of the L2 penalty on every kernel, finite and >= 0 (0: none).

    Returns
    -------
    dict
        ``activation``, ``batch_norm``, ``width``, ``conv_dropout`` (a float, or a list of four
        when they differ), ``dense_dropout`` and ``input_length``; plus ``kernel_initializer`` and
        ``l2`` only when they differ from METHODS.md, so the keys of METHODS.md models never
        change.

    Raises
    ------
    ValueError
        If a setting is outside the range above.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")
    if not width > 0:
        raise ValueError(f"width must be positive; got {width!r}")
    if isinstance(conv_dropout, (list, tuple)):
        if len(conv_dropout) != len(CONV_BLOCKS):
            raise ValueError(
                f"conv_dropout must be one rate or {len(CONV_BLOCKS)} rates (one per block); "
                f"got {conv_dropout!r}"
            )
        rates = [float(r) for r in conv_dropout]
        conv_dropout = rates[0] if len(set(rates)) == 1 else rates
    else:
        rates = [conv_dropout]
    for name, rate in [("conv_dropout", r) for r in rates] + [
        ("dense_dropout", dense_dropout)
    ]:
        if not 0 <= rate < 1:
            raise ValueError(f"{name} must be in [0, 1); got {rate!r}")
    if int(input_length) != input_length or input_length < 4 * 4 * 3:
        raise ValueError(
            f"input_length must be an integer >= 48 (three poolings); got {input_length!r}"
        )
    if kernel_initializer not in KERNEL_INITIALIZERS:
        raise ValueError(
            f"kernel_initializer must be one of {KERNEL_INITIALIZERS}; got {kernel_initializer!r}"
        )
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 must be a finite, non-negative number; got {l2!r}")
    cfg = {
        "activation": activation,
        "batch_norm": bool(batch_norm),
        "width": float(width),
        "conv_dropout": conv_dropout
        if isinstance(conv_dropout, list)
        else float(conv_dropout),
        "dense_dropout": float(dense_dropout),
        "input_length": int(input_length),
    }
    # Recipe options beyond METHODS.md enter only when set, so METHODS.md models keep their keys.
    if kernel_initializer != "glorot_uniform":
        cfg["kernel_initializer"] = kernel_initializer
    if l2 > 0:
        cfg["l2"] = float(l2)
    return cfg


def block_dropout_rates(conv_dropout) -> list[float]:
    """The dropout rate of each convolutional block, from a ``cnn_config`` ``conv_dropout``.

    Parameters
    ----------
    conv_dropout : float or sequence of float
        One rate for every block, or one rate per block.

    Returns
    -------
    list of float
        One rate per block (four for ``CONV_BLOCKS``).
    """
    if isinstance(conv_dropout, (list, tuple)):
        return [float(r) for r in conv_dropout]
    return [float(conv_dropout)] * len(CONV_BLOCKS)


def _block(x, layer, name, activation, batch_norm, dropout):
    x = layer(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    x = keras.layers.Activation(activation, name=f"{name}_act")(x)
    return keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)


def build_cnn(
    activation: str = "relu",
    batch_norm: bool = True,
    width: float = 1.0,
    conv_dropout: float | tuple = 0.1,
    dense_dropout: float = 0.5,
    input_length: int = 200,
    kernel_initializer: str = "glorot_uniform",
    l2: float = 0.0,
) -> keras.Model:
    """Build the baseline CNN. Output: sigmoid probability ``(N, 1)``; layer ``"logit"`` before it.

    Weights are initialised from Keras' global seed: call ``training.set_seed`` first for a
    reproducible model.

    Parameters
    ----------
    activation : {"relu", "exponential"}, default "relu"
        The first layer's activation (the other layers use ReLU).
    batch_norm : bool, default True
        Batch normalisation after every convolution and the dense layer.
    width : float, default 1.0
        Multiplier of the number of filters and dense units (each rounded, at least 1), > 0.
    conv_dropout : float or tuple of 4 float, default 0.1
        Dropout rate of the convolutional blocks, in [0, 1): one for all four, or one per block.
    dense_dropout : float, default 0.5
        Dropout rate of the dense layer, in [0, 1).
    input_length : int, default 200
        Sequence length L of the ``(N, L, 4)`` input, at least 48 (three poolings).
    kernel_initializer : {"glorot_uniform", "he_normal"}, default "glorot_uniform"
        Initialiser of every kernel.
    l2 : float, default 0.0
        Weight of the L2 penalty on every kernel, finite and >= 0 (0: none).

    Returns
    -------
    keras.Model
        Input ``(N, input_length, 4)`` one-hot sequences (layer ``"sequence"``), output the
        sigmoid probability ``(N, 1)`` (layer ``"output"``); named
        ``"cnn_<activation>_bn"`` or ``"cnn_<activation>_nobn"``. The first block's layers are
        ``conv1``, ``conv1_bn`` (with batch norm), ``conv1_act`` and ``conv1_dropout``.

    Raises
    ------
    ValueError
        If a setting is outside the range above.
    """
    cfg = cnn_config(
        activation,
        batch_norm,
        width,
        conv_dropout,
        dense_dropout,
        input_length,
        kernel_initializer,
        l2,
    )
    rates = block_dropout_rates(cfg["conv_dropout"])
    weights = {
        "kernel_initializer": kernel_initializer,
        "kernel_regularizer": keras.regularizers.L2(l2) if l2 > 0 else None,
    }
    inputs = keras.Input((cfg["input_length"], 4), name="sequence")
    x = inputs
    for i, (filters, kernel, pool) in enumerate(CONV_BLOCKS, start=1):
        act = cfg["activation"] if i == 1 else "relu"
        conv = keras.layers.Conv1D(
            max(1, round(filters * cfg["width"])),
            kernel,
            padding="same",
            name=f"conv{i}",
            **weights,
        )
        x = _block(x, conv, f"conv{i}", act, cfg["batch_norm"], rates[i - 1])
        if pool:
            x = keras.layers.MaxPooling1D(pool, name=f"conv{i}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    dense = keras.layers.Dense(
        max(1, round(DENSE_UNITS * cfg["width"])), name="dense", **weights
    )
    x = _block(x, dense, "dense", "relu", cfg["batch_norm"], cfg["dense_dropout"])
    logit = keras.layers.Dense(1, name="logit", **weights)(x)
    prob = keras.layers.Activation("sigmoid", name="output")(logit)
    name = f"cnn_{cfg['activation']}_{'bn' if cfg['batch_norm'] else 'nobn'}"
    return keras.Model(inputs, prob, name=name)


def logit_model(model: keras.Model, layer: str = "logit") -> keras.Model:
    """A model sharing ``model``'s weights whose output is the pre-sigmoid logit ``(N, 1)``.

    Parameters
    ----------
    model : keras.Model
        A built model with a layer named ``layer``.
    layer : str, default "logit"
        The layer whose output the new model returns.

    Returns
    -------
    keras.Model
        Same input as ``model``; named ``"<model name>_logit"``.

    Raises
    ------
    ValueError
        If ``model`` has no layer named ``layer``.
    """
    try:
        out = model.get_layer(layer).output
    except ValueError as err:
        raise ValueError(f"model {model.name!r} has no layer named {layer!r}") from err
    return keras.Model(model.input, out, name=f"{model.name}_logit")


def first_layer_activation_model(model: keras.Model) -> keras.Model:
    """A model returning the first convolutional layer's activations ``(N, L, filters)``.

    Parameters
    ----------
    model : keras.Model
        A model with a layer ``conv1_act`` (as :func:`build_cnn` makes).

    Returns
    -------
    keras.Model
        Same input as ``model``, sharing its weights; output the activations of layer
        ``conv1_act`` (after batch norm and the activation function).
    """
    return keras.Model(model.input, model.get_layer("conv1_act").output)
