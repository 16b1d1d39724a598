"""Each RPC's deadline and retry, declared once: the table every call of the central goes through.

A write is retried only when it carries its idempotency key (AIP-155): then a repeat of a
write whose answer was lost returns the first outcome. The three kinds:

- ``Retry.TRANSIENT``: reads and writes whose repeat changes nothing (a resent day report, an
  inventory picture that replaces the last): again on UNAVAILABLE, bounded (``nodekit.retry``).
- ``Retry.KEYED``: writes with their idempotency key (Checkout): again on UNAVAILABLE and on
  CANCELLED, as a stopping central cuts the calls in flight, long enough to reach it again.
- ``Retry.NEVER``: writes without a key (registration, cart changes, the month's transitions):
  one attempt, since a repeat could apply them twice.

Streams carry no deadline and are never repeated here: their owners reconnect through
``nodekit.retry.Backoff``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["POLICIES", "READ_DEADLINE_S", "WRITE_DEADLINE_S", "MethodPolicy", "Retry", "policy_of"]

# A read is answered from the central's memory; a write waits for its commit (a group commit
# may hold it behind a batch). A client configured with its own deadline uses that for both.
READ_DEADLINE_S = 2.0
WRITE_DEADLINE_S = 10.0


class Retry(enum.Enum):
    """How often a failed call is made again (see the module docstring)."""

    NEVER = "never"
    TRANSIENT = "transient"
    KEYED = "keyed"


@dataclass(frozen=True, slots=True)
class MethodPolicy:
    """One RPC's handling.

    Attributes:
        retry: Which failures are worth another attempt.
        deadline_s: Deadline of one call (the caller's configured deadline replaces it);
            None for a stream, which lasts as long as its owner keeps it.
    """

    retry: Retry
    deadline_s: float | None = WRITE_DEADLINE_S


_READ = MethodPolicy(Retry.TRANSIENT, READ_DEADLINE_S)
_REPEATABLE_WRITE = MethodPolicy(Retry.TRANSIENT)
_KEYED_WRITE = MethodPolicy(Retry.KEYED)
_WRITE = MethodPolicy(Retry.NEVER)
_STREAM = MethodPolicy(Retry.NEVER, deadline_s=None)

# Keyed by the method's full name without the leading slash, as gRPC spells it on the wire.
POLICIES: dict[str, MethodPolicy] = {
    "distribution.v1.CustomerService/RegisterCustomer": _WRITE,
    "distribution.v1.CustomerService/UpdatePaymentCard": _WRITE,
    "distribution.v1.CustomerService/FinishShopping": _WRITE,
    "distribution.v1.CatalogService/ListStockLines": _READ,
    "distribution.v1.CatalogService/WatchCatalog": _STREAM,
    "distribution.v1.CartService/AddCartItem": _WRITE,
    "distribution.v1.CartService/RemoveCartItem": _WRITE,
    "distribution.v1.CartService/GetCart": _READ,
    "distribution.v1.OrderService/Checkout": _KEYED_WRITE,
    "distribution.v1.OrderService/ListOrders": _READ,
    "distribution.v1.MonthService/OpenMonth": _WRITE,
    "distribution.v1.MonthService/CloseMonth": _WRITE,
    "distribution.v1.MonthService/PauseMonth": _WRITE,
    "distribution.v1.MonthService/ResumeMonth": _WRITE,
    "distribution.v1.MonthService/SubmitOffer": _WRITE,
    "distribution.v1.MonthService/GetMonthStatus": _READ,
    "distribution.v1.MonthService/ListManufacturers": _READ,
    "distribution.v1.ReportService/GetBranchRevenue": _READ,
    "distribution.v1.ReportService/GetInventoryValue": _READ,
    "distribution.v1.ReportService/ListTopProducts": _READ,
    "distribution.v1.ReportService/ListLowStockAlerts": _READ,
    "distribution.v1.BranchService/StreamSales": _STREAM,
    "distribution.v1.BranchService/SubmitDailyReport": _REPEATABLE_WRITE,
    "distribution.v1.BranchService/ReportInventory": _REPEATABLE_WRITE,
    "distribution.v1.ManufacturerLinkService/Connect": _STREAM,
}


def policy_of(method: str) -> MethodPolicy:
    """The policy of ``method`` (``package.Service/Rpc``).

    Raises:
        KeyError: For a method the table does not declare (a test keeps the table complete).
    """
    return POLICIES[method]
