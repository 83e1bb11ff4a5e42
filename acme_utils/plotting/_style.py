"""The figure helpers shared by every family of figures in ``acme_utils.plotting``.

One place for the book's plain figure style: a new axes when the caller gives none, no top or
right spine, and small left-aligned panel titles (so panels composed in a grid line up).
"""

from __future__ import annotations

import matplotlib.pyplot as plt

__all__: list[str] = []  # private helpers only


def _axes(ax, figsize):
    """``ax`` itself, or the axes of a new figure of ``figsize`` (inches) if ``ax`` is None.

    Every figure function takes an optional ``ax`` so that chapters can compose panels; a
    function called alone draws on a figure of its own, sized for its content.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _despine(ax, sides=("top", "right")) -> None:
    """Hide the top and right spines (the book's plain figure style), or the given ``sides``."""
    for side in sides:
        ax.spines[side].set_visible(False)


def _title(ax, title: str | None) -> None:
    """A panel title in the book's style (small, left-aligned); nothing if ``title`` is empty."""
    if title:
        ax.set_title(title, fontsize=9, loc="left")
