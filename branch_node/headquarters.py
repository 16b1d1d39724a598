"""The branch's typed client for the central: deadlines, auth, retries and conversion in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import grpc

from branch_node.model import Alert, DayFigures, Shelf
from generated.distribution.v1 import (
    branch_pb2,
    branch_pb2_grpc,
    cart_pb2,
    cart_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    customer_pb2,
    customer_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
)
from nodekit.auth import bearer_metadata, node_metadata
from nodekit.channel import DEFAULT_TIMEOUT_S
from nodekit.refusals import CredentialsRefused, refusal
from nodekit.retry import call_keyed_write, call_with_retry
from nodekit.status import RemoteError, from_rpc_error
from nodekit.timestamps import to_timestamp

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Offer:
    """A stock line the branch could buy from."""

    stock_line_id: int
    product: str
    unit_price_cents: int
    available: int


@dataclass(frozen=True, slots=True)
class CartItem:
    """Units of one stock line in the branch's cart."""

    stock_line_id: int
    product: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Purchase:
    """A placed order: its id and the units bought per product."""

    order_id: str
    bought: dict[str, int]
    replayed: bool


@dataclass(frozen=True, slots=True)
class ReportAnswer:
    """The central's answer to a day-end report."""

    created: bool
    streamed_revenue_cents: int
    flagged: bool


class Headquarters:
    """Calls the central as the branch (its key) or as the branch's customer account (its token)."""

    def __init__(
        self, channel: grpc.aio.Channel, key: str, timeout_s: float = DEFAULT_TIMEOUT_S, name: str = ""
    ) -> None:
        # The name goes with the key: the central refuses a key presented under another name.
        self._key = node_metadata(key, name) if name else bearer_metadata(key)
        self._timeout = timeout_s
        self._catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
        self._customers = customer_pb2_grpc.CustomerServiceStub(channel)
        self._carts = cart_pb2_grpc.CartServiceStub(channel)
        self._orders = order_pb2_grpc.OrderServiceStub(channel)
        self._branches = branch_pb2_grpc.BranchServiceStub(channel)
        self.customer_token = ""

    async def offers(self, product: str = "") -> list[Offer]:
        """Lines on sale now (all, or one product's), cheapest first."""
        reply = await _call(
            lambda: self._catalog.ListStockLines(
                catalog_pb2.ListStockLinesRequest(product=product), metadata=self._key, timeout=self._timeout
            )
        )
        lines = [
            Offer(line.stock_line_id, line.product, line.unit_price_cents, line.available)
            for line in reply.stock_lines
            if line.available > 0
        ]
        return sorted(lines, key=lambda line: (line.unit_price_cents, line.stock_line_id))

    async def month_paused(self, timeout_s: float) -> bool:
        """Whether the central has the month paused (from the catalog listing; asked once, no retry)."""
        reply = await _call(
            lambda: self._catalog.ListStockLines(
                catalog_pb2.ListStockLinesRequest(), metadata=self._key, timeout=timeout_s
            ),
            policy=_once,
        )
        return bool(reply.month_paused)

    async def register(self, name: str, card_number: str, expiry_year: int) -> str:
        """Registers the branch's customer account with the company card; returns its token.

        Not retried: a registration has no idempotency key, so a retry could make two accounts.
        """
        card = customer_pb2.PaymentCard(number=card_number, expiry_month=12, expiry_year=expiry_year)
        reply = await _call(
            lambda: self._customers.RegisterCustomer(
                customer_pb2.RegisterCustomerRequest(name=name, card=card), timeout=self._timeout
            ),
            policy=_once,
        )
        return str(reply.token)

    async def cart(self) -> list[CartItem]:
        """What the branch's cart holds (expired reservations too), oldest first."""
        reply = await _call(
            lambda: self._carts.GetCart(
                cart_pb2.GetCartRequest(), metadata=self._customer(), timeout=self._timeout
            )
        )
        return [CartItem(line.stock_line_id, line.product, line.quantity) for line in reply.lines]

    async def release(self, stock_line_id: int) -> int:
        """Takes a stock line out of the cart; returns the units given back (0 if it was not there).

        Not retried: it has no idempotency key (a lost answer is seen in the next ``cart()``).
        """
        try:
            reply = await _call(
                lambda: self._carts.RemoveCartItem(
                    cart_pb2.RemoveCartItemRequest(stock_line_id=stock_line_id),
                    metadata=self._customer(),
                    timeout=self._timeout,
                ),
                policy=_once,
            )
        except RemoteError as error:
            if error.code == grpc.StatusCode.NOT_FOUND:
                return 0
            raise
        return int(reply.released_quantity)

    async def reserve(self, stock_line_id: int, quantity: int) -> None:
        """Adds units to the cart (not retried: it has no idempotency key)."""
        await _call(
            lambda: self._carts.AddCartItem(
                cart_pb2.AddCartItemRequest(stock_line_id=stock_line_id, quantity=quantity),
                metadata=self._customer(),
                timeout=self._timeout,
            ),
            policy=_once,
        )

    async def checkout(self, idempotency_key: str) -> Purchase:
        """Checks the cart out; repeated with the same key when unavailable or cut off (so bought once)."""
        reply = await _call(
            lambda: self._orders.Checkout(
                order_pb2.CheckoutRequest(idempotency_key=idempotency_key),
                metadata=self._customer(),
                timeout=self._timeout,
            ),
            policy=call_keyed_write,
        )
        bought: dict[str, int] = {}
        for line in reply.order.lines:
            bought[line.product] = bought.get(line.product, 0) + line.quantity
        return Purchase(reply.order.order_id, bought, reply.replayed)

    async def submit_day(self, branch: str, day: DayFigures) -> ReportAnswer:
        """Sends a day-end report; resending the same one is a no-op at the central."""
        reply = await _call(
            lambda: self._branches.SubmitDailyReport(
                branch_pb2.SubmitDailyReportRequest(
                    branch_name=branch,
                    business_day=day.business_day,
                    revenue_cents=day.revenue_cents,
                    loss_cents=day.loss_cents,
                    transaction_count=day.transaction_count,
                ),
                metadata=self._key,
                timeout=self._timeout,
            )
        )
        return ReportAnswer(reply.created, reply.streamed_revenue_cents, reply.flagged)

    async def report_inventory(self, branch: str, shelves: Sequence[Shelf], alerts: Sequence[Alert]) -> None:
        """Replaces the central's picture of the branch's shelves and open alerts."""
        request = branch_pb2.ReportInventoryRequest(
            branch_name=branch,
            items=[
                branch_pb2.InventoryItem(
                    product=s.product,
                    quantity=s.quantity,
                    unit_cost_cents=s.unit_cost_cents,
                    reorder_point=s.reorder_point,
                )
                for s in shelves
            ],
            open_alerts=[
                branch_pb2.LowStockAlert(
                    product=a.product,
                    quantity=a.quantity,
                    reorder_point=a.reorder_point,
                    raised_at=to_timestamp(a.raised_at),
                )
                for a in alerts
            ],
        )
        await _call(
            lambda: self._branches.ReportInventory(request, metadata=self._key, timeout=self._timeout)
        )

    def _customer(self) -> tuple[tuple[str, str], ...]:
        return bearer_metadata(self.customer_token)


def branch_refused(branch: str, error: BaseException) -> CredentialsRefused:
    """The one line for a branch whose key (or its customer account's token) the central refused."""
    return refusal(f"the credentials of branch {branch!r}", error, "check --key or $DISTRIBUTION_BRANCH_KEY")


async def _once(call: Callable[[], Awaitable[T]]) -> T:
    return await call()


async def _call(
    call: Callable[[], Awaitable[T]],
    policy: Callable[[Callable[[], Awaitable[T]]], Awaitable[T]] = call_with_retry,
) -> T:
    """Runs ``call`` under a retry ``policy`` (``_once`` for a keyless write), failing as ``RemoteError``."""
    try:
        return await policy(call)
    except grpc.aio.AioRpcError as error:
        raise from_rpc_error(error) from error


__all__ = ["CartItem", "Headquarters", "Offer", "Purchase", "RemoteError", "ReportAnswer", "branch_refused"]
