"""The branch's calls of the central, on the client package: as the branch (its key) and as its account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from branch_node.model import Alert, DayFigures, Shelf
from distribution_client import (
    Branch,
    Card,
    CentralService,
    DayReport,
    DayReportReceipt,
    InventoryItem,
    LowStockAlert,
    NotFound,
    RemoteError,
    Shopper,
)
from nodekit.channel import DEFAULT_TIMEOUT_S
from nodekit.refusals import CredentialsRefused, refusal

# The central's answer to a day-end report.
ReportAnswer = DayReportReceipt


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


class Headquarters:
    """Calls the central as the branch (its key) or as the branch's customer account (its token).

    Deadlines and retries are the client package's: reads and the repeatable reports again on
    UNAVAILABLE, the checkout with its key also when cut off, cart changes and registration once.
    """

    def __init__(
        self, channel: grpc.aio.Channel, key: str, timeout_s: float = DEFAULT_TIMEOUT_S, name: str = ""
    ) -> None:
        self._service = CentralService(channel, timeout_s)
        self._branch = Branch(self._service, key, name)
        self._account = Shopper(self._service)

    @property
    def customer_token(self) -> str:
        """The branch's customer account's token ("" until registered or restored)."""
        return self._account.token

    @customer_token.setter
    def customer_token(self, token: str) -> None:
        self._account.use_token(token)

    async def offers(self, product: str = "") -> list[Offer]:
        """Lines on sale now (all, or one product's), cheapest first."""
        catalog = await self._branch.catalog(product)
        lines = [
            Offer(line.stock_line_id, line.product, line.unit_price_cents, line.available)
            for line in catalog.lines
            if line.available > 0
        ]
        return sorted(lines, key=lambda line: (line.unit_price_cents, line.stock_line_id))

    async def month_paused(self, timeout_s: float) -> bool:
        """Whether the central has the month paused (from the catalog listing; asked once)."""
        return (await self._branch.catalog(timeout_s=timeout_s, retry=False)).paused

    async def register(self, name: str, card_number: str, expiry_year: int) -> str:
        """Registers the branch's customer account with the company card; returns its token.

        Made once: a registration has no idempotency key, so a retry could make two accounts.
        The token is not used until the caller sets ``customer_token`` (after keeping it).
        """
        registration = await Shopper(self._service).register(
            name, Card(card_number, 12, expiry_year), wait_for_ready=False
        )
        return registration.token

    async def cart(self) -> list[CartItem]:
        """What the branch's cart holds (expired reservations too), oldest first."""
        cart = await self._account.cart()
        return [CartItem(line.stock_line_id, line.product, line.quantity) for line in cart.lines]

    async def release(self, stock_line_id: int) -> int:
        """Takes a stock line out of the cart; returns the units given back (0 if it was not there)."""
        try:
            return await self._account.remove_item(stock_line_id)
        except NotFound:
            return 0

    async def reserve(self, stock_line_id: int, quantity: int) -> None:
        """Adds units to the cart."""
        await self._account.add_item(stock_line_id, quantity)

    async def checkout(self, idempotency_key: str) -> Purchase:
        """Checks the cart out; repeated with the same key when unavailable or cut off (so bought once)."""
        result = await self._account.checkout(idempotency_key)
        bought: dict[str, int] = {}
        for line in result.order.lines:
            bought[line.product] = bought.get(line.product, 0) + line.quantity
        return Purchase(result.order.order_id, bought, result.replayed)

    async def submit_day(self, branch: str, day: DayFigures) -> ReportAnswer:
        """Sends a day-end report; resending the same one is a no-op at the central."""
        report = DayReport(branch, day.business_day, day.revenue_cents, day.loss_cents, day.transaction_count)
        return await self._branch.submit_day(report)

    async def report_inventory(self, branch: str, shelves: Sequence[Shelf], alerts: Sequence[Alert]) -> None:
        """Replaces the central's picture of the branch's shelves and open alerts."""
        await self._branch.report_inventory(
            branch,
            [InventoryItem(s.product, s.quantity, s.unit_cost_cents, s.reorder_point) for s in shelves],
            [LowStockAlert(a.product, a.quantity, a.reorder_point, a.raised_at) for a in alerts],
        )


def branch_refused(branch: str, error: BaseException) -> CredentialsRefused:
    """The one line for a branch whose key (or its customer account's token) the central refused."""
    return refusal(f"the credentials of branch {branch!r}", error, "check --key or $DISTRIBUTION_BRANCH_KEY")


__all__ = ["CartItem", "Headquarters", "Offer", "Purchase", "RemoteError", "ReportAnswer", "branch_refused"]
