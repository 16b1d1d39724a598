"""What a simulated shopper talks to: the central's calls, the live catalog, the refusal reasons it reads."""

from __future__ import annotations

from typing import Protocol

from customer_node.catalog import CatalogView
from distribution_client import Cart, CartLine, CheckoutResult

INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
MONTH_NOT_OPEN = "MONTH_NOT_OPEN"
KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


class ShoppingApi(Protocol):
    """The calls a shopper makes (``Session`` in the product, a fake in unit tests)."""

    async def add_item(self, stock_line_id: int, quantity: int) -> CartLine: ...

    async def remove_item(self, stock_line_id: int) -> int: ...

    async def get_cart(self) -> Cart: ...

    async def checkout(self, idempotency_key: str) -> CheckoutResult: ...

    async def finish_shopping(self, month: int) -> int: ...


class LiveCatalog(Protocol):
    """The live catalog a shopper reads (``CatalogFollower`` in the product)."""

    @property
    def view(self) -> CatalogView: ...

    async def wait_for_change(self) -> None: ...


class MonthOver(Exception):
    """The month stopped being open while the customer was still shopping."""
