"""Figures of the two consistency metrics' distributions.

Figures: :func:`plot_ranked_kmers` (the k-mer distributions behind the k-mer KLD; chapters 5 and
9) and :func:`plot_angular_density` (the angular densities behind the k-attr-mean KLD; chapter 9).
"""

from __future__ import annotations

import numpy as np

from ._style import _axes, _despine, _title

__all__ = ["plot_ranked_kmers", "plot_angular_density"]


def plot_ranked_kmers(distributions: dict, ax=None, styles: dict | None = None,
                      uniform: int | None = None):
    """Rank-frequency plot (log-log) of k-mer distributions: probabilities sorted descending.

    Parameters
    ----------
    distributions : dict
        Label -> 1-D probability vector over k-mers (non-negative, positive sum; normalised
        here). Only the k-mers with positive probability are drawn, most frequent at rank 1.
    ax : matplotlib Axes, optional
    styles : dict, optional
        Label -> keyword arguments for ``ax.plot`` (colour, line style, ...).
    uniform : int, optional
        Number of possible k-mers (``4**k``): draws the uniform level ``1 / uniform``.

    Returns
    -------
    The axes.
    """
    if not distributions:
        raise ValueError("distributions is empty")
    styles = styles or {}
    ax = _axes(ax, (5, 3.5))
    for i, (label, p) in enumerate(distributions.items()):
        p = np.asarray(p, dtype=np.float64).reshape(-1)
        if not np.isfinite(p).all() or (p < 0).any() or p.sum() <= 0:
            raise ValueError(
                f"distribution {label!r} must be finite, non-negative, with a positive sum"
            )
        ranked = np.sort(p[p > 0] / p.sum())[::-1]
        style = {"color": f"C{i}", "lw": 1.5, **styles.get(label, {})}
        ax.plot(np.arange(1, ranked.size + 1), ranked, label=f"{label} ({ranked.size:,} k-mers)",
                **style)
    if uniform is not None:
        if int(uniform) != uniform or uniform < 1:
            raise ValueError(f"uniform must be a positive integer; got {uniform!r}")
        ax.axhline(1 / uniform, color="0.5", lw=0.8, ls=":", label=f"uniform (1/{int(uniform):,})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rank")
    ax.set_ylabel("probability")
    ax.legend(frameon=False, fontsize=8)
    _despine(ax)
    return ax


def plot_angular_density(theta_edges, phi_edges, density, ax=None, title: str | None = None,
                         vmax: float | None = None):
    """A k-attr-mean angular density (``metrics.KattrDetails.p`` or ``.q``) as a theta-phi map.

    Parameters
    ----------
    theta_edges, phi_edges : 1-D arrays
        Bin edges of the polar angle theta (rows, theta = 0 at the top) and of the azimuth phi
        (columns), in radians.
    density : array, shape (len(theta_edges) - 1, len(phi_edges) - 1)
        The density per bin.
    ax : matplotlib Axes, optional
    title : str, optional
    vmax : float, optional
        Top of the colour scale (from 0); default the density's maximum. Give the same value to
        panels that are compared.

    Returns
    -------
    The mesh (``QuadMesh``), for a colour bar.
    """
    density = np.asarray(density, dtype=np.float64)
    if density.shape != (len(theta_edges) - 1, len(phi_edges) - 1):
        raise ValueError(f"density has shape {density.shape}; expected "
                         f"({len(theta_edges) - 1}, {len(phi_edges) - 1}) from the bin edges")
    ax = _axes(ax, (5, 3))
    mesh = ax.pcolormesh(phi_edges, theta_edges, density, cmap="magma", vmin=0,
                         vmax=density.max() if vmax is None else vmax)
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_xlabel(r"azimuth $\varphi$ (rad)")
    ax.set_ylabel(r"polar angle $\theta$ (rad)")
    _title(ax, title)
    return mesh
