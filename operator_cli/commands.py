"""What the operator asked for: one frozen value per command, with its options (each declared once)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from nodekit.declared import setting


def whole_number(text: str) -> int:
    """An argparse type for a count of 0 or more, with a message a person reads."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


@dataclass(frozen=True, slots=True)
class OpenMonth:
    """Open the next month; 0 leaves a value to the central (deadline) or disables it (the others)."""

    offer_deadline_ms: int = setting(
        0,
        parse=whole_number,
        metavar="MS",
        help="how long to wait for offers, 0-60000; 0 = the central's default",
    )
    expected_shoppers: int = setting(
        0, parse=whole_number, metavar="N", help="close once N shoppers have finished; 0 = never"
    )
    close_after_seconds: int = setting(
        0, parse=whole_number, metavar="S", help="close after S seconds as a backstop; 0 = never"
    )


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

    branch: str = setting("", help="only this branch; every branch when unset")


@dataclass(frozen=True, slots=True)
class ShowInventory:
    """Each branch's inventory at cost."""


@dataclass(frozen=True, slots=True)
class TopProducts:
    """The best-selling products across the branches."""

    limit: int = setting(10, parse=whole_number, metavar="N", help="how many, 1-100")


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
