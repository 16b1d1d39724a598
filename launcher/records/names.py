"""How the run names its centrals: the slug chaos and the controls act on, the label people read."""

from __future__ import annotations

CENTRAL_SLUG = "central"


def central_slug(index: int) -> str:
    """The child slug of central ``index``: the first keeps "central" (chaos kills that one)."""
    return f"central-{index + 1}" if index else CENTRAL_SLUG


def central_label(index: int, centrals: int) -> str:
    """How the controls and the faults name central ``index`` of ``centrals``."""
    return f"central {index + 1}" if centrals > 1 else "central"
