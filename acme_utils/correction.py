"""Gradient correction (METHODS.md section 5), with NumPy only.

One-hot DNA lives on the plane ``sum_c x_c = 1``; the component of an input gradient along the
plane's normal ``(1, 1, 1, 1)`` cannot be realised by any valid sequence and is noise
(Majdandzic et al. 2022). ``correct_gradients`` removes it; ``gradient_angles`` measures it.
``acme_utils.attribution`` re-exports both, next to the maps they correct; they live here so that
the metric modules use them without importing TensorFlow.
"""

from __future__ import annotations

import numpy as np

from .validation import check_map


__all__ = [
    "correct_gradients",
    "gradient_angles",
]


def correct_gradients(attr) -> np.ndarray:
    """Remove the component normal to the simplex: ``G[l, c] - mean_c' G[l, c']``.

    The corrected map sums to zero at every position.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps (gradients) of N sequences of L positions, channels A, C, G, T; finite.

    Returns
    -------
    numpy.ndarray, shape (N, L, 4), float32
        The corrected maps (computed in float64, returned as float32).

    Raises
    ------
    ValueError
        If ``attr`` is not a finite, non-empty ``(N, L, 4)`` array (``validation.check_map``).
    """
    return _correct_gradients(check_map(attr))


def _correct_gradients(attr: np.ndarray) -> np.ndarray:
    """``correct_gradients`` of a map already checked and cast to float64 (``check_map``)."""
    return (attr - attr.mean(axis=-1, keepdims=True)).astype(np.float32)


def gradient_angles(attr) -> np.ndarray:
    """Angle in degrees between each position's gradient and the simplex plane.

    ``theta_l = arcsin( sum_c G[l, c] / (2 ||G[l]||) )``; 0 for a zero gradient.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps (gradients) of N sequences of L positions, channels A, C, G, T; finite.

    Returns
    -------
    numpy.ndarray, shape (N, L), float64
        The angle at every position, in [-90, 90] degrees.

    Raises
    ------
    ValueError
        If ``attr`` is not a finite, non-empty ``(N, L, 4)`` array (``validation.check_map``).
    """
    attr = check_map(attr)
    norm = np.linalg.norm(attr, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(norm > 0, attr.sum(-1) / (2 * norm), 0.0)
    return np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))
