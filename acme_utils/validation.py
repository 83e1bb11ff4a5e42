"""Input validation for the package's public functions, with NumPy only (no TensorFlow).

One validator, ``validate_input`` (in the spirit of tangermeme's ``validate_input``), checks an
array argument once, at the public boundary, and returns it cast to the dtype the computation
needs; private helpers then trust what they receive. Errors name the argument and the problem:
the shape received, the first NaN or non-one-hot position, the length a model expects.
``check_one_hot`` and ``check_map`` are its two presets for one-hot sequences and attribution
maps, both ``(N, L, 4)``.

This module must stay importable without TensorFlow: the NumPy-only modules (``metrics``,
``quality``, ``data``, ``statistics``) use it, and importing TensorFlow costs seconds.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SEQUENCE_SHAPE",
    "validate_input",
    "check_one_hot",
    "check_map",
    "model_input_length",
    "check_model_input",
]


#: The shape of one-hot sequences and attribution maps: free N and L, four channels A, C, G, T.
SEQUENCE_SHAPE = ("N", "L", 4)


def _shape_text(shape) -> str:
    return (
        "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    )


def _index_text(index) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ")"


def validate_input(
    X,
    name: str,
    shape: tuple | None = None,
    dtype=np.float32,
    ohe: bool = False,
    values: tuple | None = None,
    length: int | None = None,
    min_length: int | None = None,
    length_name: str | None = None,
    allow_empty: bool = False,
) -> np.ndarray:
    """Check an array argument and return it as a NumPy array of ``dtype``.

    The checks run in this order, and the first that fails raises: dimensions and shape,
    non-empty, numeric dtype, finite (after the cast: a float64 too large for float32 is
    infinite), allowed ``values``, one-hot, sequence length (axis 1).

    Parameters
    ----------
    X : array_like
        The argument to check.
    name : str
        The argument's name, used in every error message (e.g. ``"x"``, ``"train.y"``).
    shape : tuple of int or str, optional
        Expected shape; an int fixes that dimension, a string (``"N"``, ``"L"``) names a free one.
        ``("N", "L", 4)`` (``SEQUENCE_SHAPE``) is the shape of sequences and maps. None: any.
    dtype : numpy dtype, default float32
        The dtype of the result (``astype(copy=False)``: no copy if ``X`` already has it).
    ohe : bool, default False
        Require one-hot along the last axis: values in {0, 1}, exactly one 1 per position.
    values : tuple of numbers, optional
        Require every entry to be one of these (e.g. ``(0, 1)`` for binary labels).
    length : int, optional
        Require axis 1 (the sequence length) to be exactly this.
    min_length : int, optional
        Require axis 1 to be at least this.
    length_name : str, optional
        What sets ``length`` or ``min_length``, for the message (e.g. ``"model 'cnn'"``, ``"k"``).
    allow_empty : bool, default False
        Accept an array with a zero-sized dimension.

    Returns
    -------
    numpy.ndarray
        ``X`` as an array of ``dtype``, of the same shape.

    Raises
    ------
    TypeError
        If ``X`` does not hold real numbers (strings, objects, complex numbers).
    ValueError
        If any other check fails; the message names ``name``.
    """
    try:
        X = np.asarray(X)
    except (TypeError, ValueError) as err:  # ragged nested lists
        raise ValueError(
            f"{name} must be an array; numpy cannot convert it ({err})"
        ) from err
    if shape is not None:
        fixed_ok = all(
            isinstance(s, str) or s is None or d == s for d, s in zip(X.shape, shape)
        )
        if X.ndim != len(shape) or not fixed_ok:
            raise ValueError(
                f"{name} must have shape {_shape_text(shape)}; got shape {X.shape}"
            )
    if X.size == 0 and not allow_empty:
        raise ValueError(
            f"{name} is empty (shape {X.shape}): there is nothing to compute on"
        )
    if X.dtype.kind not in "biuf":  # bool, signed, unsigned, float
        raise TypeError(f"{name} must hold real numbers; got dtype {X.dtype}")
    with np.errstate(
        over="ignore"
    ):  # an overflow to inf is reported just below, by name
        X = X.astype(dtype, copy=False)
    if X.dtype.kind == "f":
        finite = np.isfinite(X)
        if not finite.all():
            nan = np.isnan(X)
            what = "NaN" if nan.any() else "infinite"
            first = np.argwhere(nan if nan.any() else ~finite)[0]
            raise ValueError(
                f"{name} contains {int((~finite).sum())} NaN or infinite value(s); "
                f"the first is {what} at index {_index_text(first)}"
            )
    if values is not None:
        bad = ~np.isin(X, values)
        if bad.any():
            first = np.argwhere(bad)[0]
            raise ValueError(
                f"{name} must contain only the values {tuple(values)}; got "
                f"{X[tuple(first)].item()!r} at index {_index_text(first)}"
            )
    if ohe:
        binary = ((X == 0) | (X == 1)).all(axis=-1)
        bad = ~(binary & (X.sum(axis=-1, dtype=np.float64) == 1))
        if bad.any():
            first = np.argwhere(bad)[0]
            raise ValueError(
                f"{name} is not one-hot at position {_index_text(first)} (values "
                f"{X[tuple(first)].tolist()}): every position needs exactly one 1 "
                f"among its {X.shape[-1]} channels, the rest 0"
            )
    if (length is not None or min_length is not None) and X.ndim < 2:
        raise ValueError(
            f"{name} must have a sequence axis (axis 1); got shape {X.shape}"
        )
    if length is not None and X.shape[1] != length:
        by = f"{length_name} takes" if length_name else "expected"
        raise ValueError(
            f"{name} has sequences of length {X.shape[1]}, but {by} sequences of "
            f"length {length}"
        )
    if min_length is not None and X.shape[1] < min_length:
        by = (
            f"{length_name}={min_length}"
            if length_name
            else f"the minimum length {min_length}"
        )
        raise ValueError(
            f"{name} has sequences of length {X.shape[1]}, shorter than {by}"
        )
    return X


def check_one_hot(
    x, name: str = "x", length: int | None = None, length_name: str | None = None
) -> np.ndarray:
    """One-hot sequences, checked: ``(N, L, 4)``, finite, one-hot, non-empty; returned as float32.

    Parameters
    ----------
    x : array_like, shape (N, L, 4)
        N sequences of L positions, channels A, C, G, T.
    name : str, default "x"
        The argument's name in error messages.
    length : int, optional
        The required sequence length L (see ``validate_input``); default any.
    length_name : str, optional
        What requires ``length``, for the message (see ``validate_input``).

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        ``x``, cast to float32 (no copy if it already is).

    Raises
    ------
    TypeError
        If ``x`` does not hold real numbers.
    ValueError
        If any other check fails.
    """
    return validate_input(
        x,
        name,
        shape=SEQUENCE_SHAPE,
        dtype=np.float32,
        ohe=True,
        length=length,
        length_name=length_name,
    )


def check_map(attr, name: str = "attribution map") -> np.ndarray:
    """Attribution maps, checked: ``(N, L, 4)``, finite, non-empty; returned as float64.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        N maps of L positions, channels A, C, G, T.
    name : str, default "attribution map"
        The argument's name in error messages.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float64
        ``attr``, cast to float64 (no copy if it already is).

    Raises
    ------
    TypeError
        If ``attr`` does not hold real numbers.
    ValueError
        If any other check fails.
    """
    return validate_input(attr, name, shape=SEQUENCE_SHAPE, dtype=np.float64)


def model_input_length(model) -> int | None:
    """The sequence length a Keras model takes (axis 1 of its input), or None if it takes any.

    Read from ``model.input_shape`` without importing TensorFlow; a model that has none yet (an
    unbuilt subclassed model) gives None, and the model itself then decides.

    Parameters
    ----------
    model : keras.Model
        Any object; only its ``input_shape`` is read.

    Returns
    -------
    int or None
        The length L of the model's ``(N, L, 4)`` input, or None.
    """
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        return None
    if not isinstance(shape, tuple) or len(shape) < 2 or shape[1] is None:
        return None
    return int(shape[1])


def check_model_input(model, x, name: str = "x", ohe: bool = True) -> np.ndarray:
    """Sequences for ``model``, checked: ``(N, L, 4)`` with the model's L, finite, one-hot; float32.

    One-hot is not required with ``ohe=False`` (for the baselines and path points of integrated
    gradients).

    Without this check, a 60-nt input to a 48-nt model fails deep inside a traced
    ``tf.function`` with a long autograph trace; here it is one line naming both lengths.

    Parameters
    ----------
    model : keras.Model
        The model the sequences are for (only its ``input_shape`` and ``name`` are read).
    x : array_like, shape (N, L, 4)
        N sequences of the model's length L, channels A, C, G, T.
    name : str, default "x"
        The argument's name in error messages.
    ohe : bool, default True
        Require one-hot sequences.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        ``x``, cast to float32 (no copy if it already is).

    Raises
    ------
    TypeError
        If ``x`` does not hold real numbers.
    ValueError
        If any other check fails; a wrong length names both lengths.
    """
    length = model_input_length(model)
    return validate_input(
        x,
        name,
        shape=SEQUENCE_SHAPE,
        dtype=np.float32,
        ohe=ohe,
        length=length,
        length_name=f"model {getattr(model, 'name', '')!r}",
    )
