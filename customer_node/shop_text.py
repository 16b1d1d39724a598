"""What the interactive shop prints: the numbered catalog, an order, times, a refusal in words."""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from customer_node.catalog import CatalogLine, CatalogView
from customer_node.notices import local_time
from distribution_client import CartLine, Order
from nodekit.money import format_cents
from nodekit.status import RemoteError


def format_catalog(view: CatalogView, lines: Sequence[CatalogLine]) -> list[str]:
    """The numbered catalog as printed by ``list``."""
    header = f"month {view.month} ({view.state.value}), {len(lines)} line(s) on sale"
    rows = [
        f"{number:3d}. {line.product:<20} {line.manufacturer_name:<20} "
        f"{format_cents(line.unit_price_cents):>10}  ({line.available} available)"
        for number, line in enumerate(lines, start=1)
    ]
    return [header, *rows]


def format_order(order: Order) -> list[str]:
    """An order as printed after checkout and by ``history``."""
    lines = [
        f"order {order.order_id} (month {order.month}): {format_cents(order.total_cents)}"
        f" on card ending {order.card_last4}, placed {_local_stamp(order)}"
    ]
    lines += [
        f"    {line.quantity} x {line.product} from {line.manufacturer_name} "
        f"at {format_cents(line.unit_price_cents)}"
        for line in order.lines
    ]
    lines += [
        f"    dropped {dropped.product}: wanted {dropped.requested}, {dropped.available} available"
        for dropped in order.dropped_lines
    ]
    return lines


def _local_stamp(order: Order) -> str:
    if order.created_at is None:
        return "at an unknown time"
    return order.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def until_text(line: CartLine) -> str:
    """When a reservation expires, in local time."""
    return local_time(line.expires_at) if line.expires_at is not None else "an unknown time"


def explain(error: RemoteError) -> str:
    """A refusal or failure of the central in words for a person."""
    if error.code == grpc.StatusCode.UNAVAILABLE:
        return "The central cannot be reached right now; please try again."
    if error.code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return "The central did not answer in time; please try again."
    return error.message or f"The central refused: {error.code.name.lower()}."
