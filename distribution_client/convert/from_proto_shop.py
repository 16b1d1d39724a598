"""Wire messages -> plain records, for a shopper: registration, cart, orders."""

from __future__ import annotations

from distribution_client.convert.enums import CART_LINE_STATES, DROP_REASONS
from distribution_client.convert.from_proto import moment
from distribution_client.records import (
    Cart,
    CartLine,
    CartLineState,
    CheckoutResult,
    DroppedLine,
    DropReason,
    Order,
    OrderLine,
    Registration,
)
from generated.distribution.v1 import cart_pb2, customer_pb2, order_pb2


def registration(reply: customer_pb2.RegisterCustomerResponse) -> Registration:
    """A new customer's id, token and card digits."""
    return Registration(reply.customer_id, reply.token, reply.card_last4)


def cart_line(line: cart_pb2.CartLine) -> CartLine:
    """One reservation."""
    return CartLine(
        reservation_id=line.reservation_id,
        stock_line_id=line.stock_line_id,
        product=line.product,
        manufacturer_name=line.manufacturer_name,
        quantity=line.quantity,
        unit_price_cents=line.unit_price_cents,
        state=CART_LINE_STATES.get(line.state, CartLineState.UNSPECIFIED),
        expires_at=moment(line, "expires_at"),
    )


def cart(reply: cart_pb2.GetCartResponse) -> Cart:
    """A cart and its live total."""
    return Cart(tuple(cart_line(line) for line in reply.lines), reply.total_cents)


def order(placed: order_pb2.Order) -> Order:
    """A placed order with its lines and the lines it dropped."""
    return Order(
        order_id=placed.order_id,
        month=placed.month,
        lines=tuple(
            OrderLine(
                line.stock_line_id, line.product, line.manufacturer_name, line.quantity, line.unit_price_cents
            )
            for line in placed.lines
        ),
        dropped_lines=tuple(
            DroppedLine(
                line.stock_line_id,
                line.product,
                line.requested,
                line.available,
                DROP_REASONS.get(line.reason, DropReason.UNSPECIFIED),
            )
            for line in placed.dropped_lines
        ),
        total_cents=placed.total_cents,
        card_last4=placed.card_last4,
        created_at=moment(placed, "created_at"),
        idempotency_key=placed.idempotency_key,
    )


def checkout(reply: order_pb2.CheckoutResponse) -> CheckoutResult:
    """A checkout's order, and whether it was a replay of the same key."""
    return CheckoutResult(order(reply.order), reply.replayed)
