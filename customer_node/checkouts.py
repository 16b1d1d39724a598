"""A simulated shopper's checkouts and month's end: place an order, let a cart go, say it is done."""

from __future__ import annotations

import logging

import grpc

from customer_node.acks import record_ack
from customer_node.keys import checkout_key
from customer_node.shopping_api import KEY_REUSED, MONTH_NOT_OPEN, MonthOver, ShoppingApi
from customer_node.tally import MonthTally
from nodekit.refusals import is_refusal
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)


async def checkout_basket(
    session: ShoppingApi, name: str, month: int, attempt: int, tally: MonthTally
) -> None:
    """Checks out the cart with the basket's own idempotency key; counts what was bought and dropped.

    Raises:
        MonthOver: The month closed meanwhile.
        RemoteError: The central refused the customer's credentials.
    """
    key = checkout_key(name, month, attempt)
    try:
        reply = await session.checkout(key)
    except RemoteError as error:
        if error.reason == MONTH_NOT_OPEN:
            raise MonthOver from error
        if error.reason == KEY_REUSED:
            # An earlier run of this customer (restarted with its token file) already placed
            # this checkout with another basket; that order stands, this basket is let go.
            logger.info("checkout %s was placed by an earlier run; releasing the cart", key)
            await release_cart(session)
            return
        if is_refusal(error):
            raise
        logger.warning("checkout %s failed: %s", key, error.message)
        return
    order = reply.order
    record_ack(order.order_id)
    if reply.replayed:
        # The key was used before (our own retry, or a run before a restart): that order is
        # ours, but anything reserved since would sit in the cart until it expires.
        logger.info("checkout %s replayed order %s", key, order.order_id)
        await release_cart(session)
    for dropped in order.dropped_lines:
        tally.unmet += dropped.requested
        logger.info(
            "checkout dropped %s: requested %d, available %d",
            dropped.product,
            dropped.requested,
            dropped.available,
        )
    if order.lines:
        tally.orders += 1
        tally.units_bought += sum(line.quantity for line in order.lines)
        tally.spent_cents += order.total_cents


async def release_cart(session: ShoppingApi) -> None:
    """Gives back every line in the cart."""
    cart = await session.get_cart()
    for line_id in {line.stock_line_id for line in cart.lines}:
        await session.remove_item(line_id)


async def finish_month(session: ShoppingApi, month: int) -> None:
    """Tells the central the shopper is done with ``month`` (a closed month is only logged)."""
    try:
        finished = await session.finish_shopping(month)
    except RemoteError as error:
        if is_refusal(error):
            raise
        closed = error.code == grpc.StatusCode.FAILED_PRECONDITION
        logger.log(
            logging.INFO if closed else logging.WARNING,
            "could not finish month %d: %s",
            month,
            error.message,
        )
        return
    logger.debug("finished month %d (%d shoppers done)", month, finished)
