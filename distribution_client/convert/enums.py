"""The wire's enums and the records' enums, each pair declared once and read both ways."""

from __future__ import annotations

from distribution_client.records import CartLineState, DropReason, MonthState, PaymentMethod, Priority
from generated.distribution.v1 import branch_pb2, cart_pb2, common_pb2, order_pb2

MONTH_STATES: dict[int, MonthState] = {
    common_pb2.MONTH_STATE_UNSPECIFIED: MonthState.UNSPECIFIED,
    common_pb2.MONTH_STATE_COLLECTING: MonthState.COLLECTING,
    common_pb2.MONTH_STATE_OPEN: MonthState.OPEN,
    common_pb2.MONTH_STATE_CLOSED: MonthState.CLOSED,
}
PRIORITIES: dict[int, Priority] = {
    common_pb2.PRIORITY_UNSPECIFIED: Priority.UNSPECIFIED,
    common_pb2.PRIORITY_A: Priority.A,
    common_pb2.PRIORITY_B: Priority.B,
    common_pb2.PRIORITY_C: Priority.C,
}
CART_LINE_STATES: dict[int, CartLineState] = {
    cart_pb2.CART_LINE_STATE_UNSPECIFIED: CartLineState.UNSPECIFIED,
    cart_pb2.CART_LINE_STATE_RESERVED: CartLineState.RESERVED,
    cart_pb2.CART_LINE_STATE_EXPIRED: CartLineState.EXPIRED,
}
DROP_REASONS: dict[int, DropReason] = {
    order_pb2.DROP_REASON_UNSPECIFIED: DropReason.UNSPECIFIED,
    order_pb2.DROP_REASON_OUT_OF_STOCK: DropReason.OUT_OF_STOCK,
    order_pb2.DROP_REASON_MONTH_CLOSED: DropReason.MONTH_CLOSED,
}
PAYMENT_METHODS: dict[branch_pb2.PaymentMethod, PaymentMethod] = {
    branch_pb2.PAYMENT_METHOD_CASH: PaymentMethod.CASH,
    branch_pb2.PAYMENT_METHOD_DEBIT: PaymentMethod.DEBIT,
    branch_pb2.PAYMENT_METHOD_CREDIT: PaymentMethod.CREDIT,
    branch_pb2.PAYMENT_METHOD_MOBILE: PaymentMethod.MOBILE,
}

WIRE_MONTH_STATES: dict[MonthState, int] = {plain: wire for wire, plain in MONTH_STATES.items()}
WIRE_PRIORITIES: dict[Priority, int] = {plain: wire for wire, plain in PRIORITIES.items()}
WIRE_CART_LINE_STATES: dict[CartLineState, int] = {plain: wire for wire, plain in CART_LINE_STATES.items()}
WIRE_DROP_REASONS: dict[DropReason, int] = {plain: wire for wire, plain in DROP_REASONS.items()}
WIRE_PAYMENT_METHODS: dict[PaymentMethod, branch_pb2.PaymentMethod] = {
    plain: wire for wire, plain in PAYMENT_METHODS.items()
}


def month_state(wire: int) -> MonthState:
    """The record's state; a value this client does not know is ``UNSPECIFIED``."""
    return MONTH_STATES.get(wire, MonthState.UNSPECIFIED)


def priority(wire: int) -> Priority:
    """The record's priority; an unknown value is ``UNSPECIFIED``."""
    return PRIORITIES.get(wire, Priority.UNSPECIFIED)
