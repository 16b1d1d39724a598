"""The domain errors of the central, each with its reason and a sentence a person understands."""

from __future__ import annotations

from nodekit.errors import DomainError, ErrorKind, invalid, not_found, precondition


def insufficient_stock(product: str, requested: int, available: int) -> DomainError:
    """Fewer units are available than asked for."""
    return precondition(
        "INSUFFICIENT_STOCK",
        f"Only {available} unit(s) of {product} available; {requested} requested.",
        product=product,
        requested=requested,
        available=available,
    )


def unknown_stock_line(stock_line_id: int) -> DomainError:
    """No stock line with that id in the current month."""
    return not_found(
        "STOCK_LINE_NOT_FOUND",
        f"Stock line {stock_line_id} is not on sale this month.",
        stock_line_id=stock_line_id,
    )


def month_not_open(month: int, state: str) -> DomainError:
    """Trading needs an open month."""
    if month == 0:
        return precondition("MONTH_NOT_OPEN", "No month has been opened yet.", month=0, state=state)
    return precondition(
        "MONTH_NOT_OPEN",
        f"Month {month} is {state}, not open.",
        month=month,
        state=state,
    )


def bad_quantity(quantity: int, maximum: int) -> DomainError:
    """A quantity out of range."""
    return invalid(
        "BAD_QUANTITY",
        f"Quantity must be between 1 and {maximum}; got {quantity}.",
        quantity=quantity,
        maximum=maximum,
    )


def conflict(reason: str, message: str) -> DomainError:
    """A concurrent change won; the caller may retry."""
    return DomainError(ErrorKind.CONFLICT, reason, message)


def already_paused(month: int) -> DomainError:
    """Pausing a month whose clock is already stopped."""
    return precondition("MONTH_ALREADY_PAUSED", f"Month {month} is paused already.", month=month)


def not_paused(month: int) -> DomainError:
    """Resuming a month whose clock runs."""
    return precondition("MONTH_NOT_PAUSED", f"Month {month} is not paused.", month=month)
