"""The one figure helper shared by every family of figures in ``acme_utils.plotting``."""

from __future__ import annotations

__all__: list[str] = []  # private helpers only


def _despine(ax) -> None:
    """Hide the top and right spines (the book's plain figure style)."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
