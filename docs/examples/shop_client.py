"""A programmer's shopper: register, buy the cheapest line on sale, check out, print the order.

Run it against a running central (``python run.py`` prints the address):

    python docs/examples/shop_client.py 127.0.0.1:50051 "Ada Lovelace"
"""

from __future__ import annotations

import asyncio
import sys
import uuid

from distribution_client import Card, Order, PreconditionFailed, RemoteError, Unavailable, connect

# A test card: the central checks the Luhn digit and the expiry, no money moves.
TEST_CARD = Card("4242 4242 4242 4242", 12, 2031)


async def buy_cheapest(target: str, name: str, quantity: int = 1) -> Order | None:
    """Registers ``name``, buys ``quantity`` of the cheapest line; None when nothing is on sale."""
    async with connect(target) as central:
        shopper = central.shopper()
        await shopper.register(name, TEST_CARD)
        catalog = await shopper.catalog()
        on_sale = [line for line in catalog.lines if line.available >= quantity]
        if not on_sale:
            return None
        cheapest = min(on_sale, key=lambda line: line.unit_price_cents)
        await shopper.add_item(cheapest.stock_line_id, quantity)
        # One key per purchase: if the answer is lost, the client asks again with it and the
        # central answers with the same order instead of selling twice.
        result = await shopper.checkout(f"example-{uuid.uuid4()}")
        return result.order


def main(argv: list[str]) -> int:
    """``shop_client.py TARGET [NAME]``: prints the order, or why there is none."""
    if not argv:
        print("usage: shop_client.py HOST:PORT [NAME]", file=sys.stderr)
        return 2
    try:
        order = asyncio.run(buy_cheapest(argv[0], argv[1] if len(argv) > 1 else "Example shopper"))
    except PreconditionFailed as refused:  # e.g. the month is not open, or the line just sold out
        print(f"refused: {refused.message} ({refused.reason})", file=sys.stderr)
        return 1
    except Unavailable:
        print(f"the central at {argv[0]} cannot be reached", file=sys.stderr)
        return 1
    except RemoteError as error:
        print(f"{error.code.name}: {error.message}", file=sys.stderr)
        return 1
    if order is None:
        print("nothing on sale")
        return 0
    for line in order.lines:
        print(
            f"{line.quantity} x {line.product} from {line.manufacturer_name} at {line.unit_price_cents} cents"
        )
    print(f"order {order.order_id}: {order.total_cents} cents, month {order.month}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
