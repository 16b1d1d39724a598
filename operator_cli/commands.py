"""What the operator asked for: one frozen value per command, with its options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OpenMonth:
    """Open the next month; 0 leaves a value to the central (deadline) or disables it (the others)."""

    offer_deadline_ms: int = 0
    expected_shoppers: int = 0
    close_after_seconds: int = 0


@dataclass(frozen=True, slots=True)
class CloseMonth:
    """Close a month; 0 means the current one."""

    month: int = 0


@dataclass(frozen=True, slots=True)
class PauseMonth:
    """Stop a month's clock; 0 means the current one."""

    month: int = 0


@dataclass(frozen=True, slots=True)
class ResumeMonth:
    """Restart a paused month's clock; 0 means the current one."""

    month: int = 0


@dataclass(frozen=True, slots=True)
class ShowMonth:
    """Show a month; 0 means the current one."""

    month: int = 0


@dataclass(frozen=True, slots=True)
class Manufacturers:
    """List the configured manufacturers and their links."""


@dataclass(frozen=True, slots=True)
class BranchRevenue:
    """Revenue and loss per branch and day; an empty branch means every branch."""

    branch: str = ""


@dataclass(frozen=True, slots=True)
class ShowInventory:
    """Each branch's inventory at cost."""


@dataclass(frozen=True, slots=True)
class TopProducts:
    """The best-selling products across the branches."""

    limit: int = 10


@dataclass(frozen=True, slots=True)
class LowStock:
    """The open low-stock alerts across the branches."""


Command = (
    OpenMonth
    | CloseMonth
    | PauseMonth
    | ResumeMonth
    | ShowMonth
    | Manufacturers
    | BranchRevenue
    | ShowInventory
    | TopProducts
    | LowStock
)
