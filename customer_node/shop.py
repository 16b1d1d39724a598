"""The interactive shop's console: runs list, add, remove, cart, checkout, history, card and done."""

from __future__ import annotations

import logging
from collections.abc import Callable

from customer_node.catalog import CatalogLine, CatalogView
from customer_node.cli import parse_card
from customer_node.keys import checkout_key
from customer_node.notices import Notices
from customer_node.session import Session
from customer_node.shop_commands import HELP, VERBS, Command, parse_command
from customer_node.shop_text import explain, format_catalog, format_order, until_text
from distribution_client import CartLine, CartLineState
from nodekit.money import format_cents
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)


class ShopConsole:
    """Runs the commands of one signed-in person against the central.

    Args:
        session: The signed-in client.
        view: The live catalog (kept fresh by a CatalogFollower).
        identity: Stable text naming this shopper (its customer id), used in idempotency keys.
        write: Where output lines go (``print`` in the terminal).
        notices: Told of what the person reserves, removes, buys and looks at, to notice later
            when a reservation expires or a line sells out.
    """

    def __init__(
        self,
        session: Session,
        view: CatalogView,
        identity: str,
        write: Callable[[str], None] = print,
        notices: Notices | None = None,
    ) -> None:
        self._session = session
        self._view = view
        self._identity = identity
        self._write = write
        self._notices = notices or Notices(lambda _: None)
        self._listed: list[CatalogLine] = []
        # The rows as last shown; a removed row stays None so the others keep their numbers.
        self._cart: list[CartLine | None] = []
        self._checkouts: int | None = None  # counted from the history at the first checkout

    def words(self) -> list[str]:
        """What the prompt completes: the commands, the numbers shown, the products on sale."""
        shown = max(len(self._listed), len(self._cart))
        products = sorted({line.product for line in self._view.lines()})
        return [*sorted(VERBS), *(str(number) for number in range(1, shown + 1)), *products]

    async def handle(self, line: str) -> bool:
        """Runs one input line; returns False when the person wants to leave."""
        try:
            command = parse_command(line)
            if command.verb == "quit":
                return False
            if command.verb == "done":
                await self._done()
                return False
            await self._run(command)
        except ValueError as error:
            self._write(str(error))
        except RemoteError as error:
            self._write(explain(error))
        except Exception:
            # A person gets a sentence, not a traceback; the details are in the debug log.
            logger.debug("command %r failed", line, exc_info=True)
            self._write("Something went wrong with that command (run with --log-level DEBUG for details).")
        return True

    async def _run(self, command: Command) -> None:
        match command.verb:
            case "list":
                if not self._view.loaded:
                    self._write("The catalog has not arrived yet; try again in a moment.")
                    return
                self._listed = self._view.lines()
                self._notices.chosen(self._listed)
                for text in format_catalog(self._view, self._listed):
                    self._write(text)
            case "add":
                await self._add(command.numbers[0], command.numbers[1:] or (1,))
            case "remove":
                await self._remove(command.numbers[0])
            case "cart":
                await self._show_cart()
            case "checkout":
                await self._checkout()
            case "history":
                await self._history()
            case "card":
                last4 = await self._session.update_card(parse_card(command.text))
                self._write(f"card ending {last4} saved")
            case "help":
                self._write(HELP)

    async def _add(self, number: int, quantities: tuple[int, ...]) -> None:
        if not self._listed:
            self._listed = self._view.lines()
        if not 1 <= number <= len(self._listed):
            raise ValueError(f"No catalog line {number}; 'list' shows the numbers.")
        chosen = self._listed[number - 1]
        try:
            line = await self._session.add_item(chosen.stock_line_id, quantities[0])
        except RemoteError as error:
            if error.reason != "STOCK_LINE_NOT_FOUND":
                raise
            # The central names its own stock-line id; the person knows the row they picked.
            self._listed = []
            raise ValueError(
                f"Line {number} ({chosen.product}) is not on sale any more; 'list' shows what is."
            ) from None
        if self._cart:  # the new row comes last, as 'cart' shows it; the shown numbers stay
            self._cart.append(line)
        self._notices.chosen([chosen])
        self._notices.reserved(line)
        self._write(
            f"reserved {line.quantity} x {line.product} from {line.manufacturer_name} "
            f"at {format_cents(line.unit_price_cents)} until {until_text(line)}"
        )

    async def _remove(self, number: int) -> None:
        if not self._cart:
            self._cart = list((await self._session.get_cart()).lines)
        if not 1 <= number <= len(self._cart):
            raise ValueError(f"No cart row {number}; 'cart' shows the numbers.")
        chosen = self._cart[number - 1]
        if chosen is None:
            raise ValueError(f"Row {number} is already removed; 'cart' shows your cart now.")
        released = await self._session.remove_item(chosen.stock_line_id, chosen.reservation_id)
        self._cart[number - 1] = None
        self._notices.released(chosen.reservation_id)
        self._write(f"put back {released} x {chosen.product} (row {number})")

    async def _show_cart(self) -> None:
        cart = await self._session.get_cart()
        self._cart = list(cart.lines)
        self._notices.cart_is(cart.lines)
        if not cart.lines:
            self._write("your cart is empty")
            return
        for number, line in enumerate(cart.lines, start=1):
            expired = line.state is CartLineState.EXPIRED
            until = until_text(line)
            self._write(
                f"{number:3d}. {line.quantity} x {line.product} from {line.manufacturer_name} "
                f"at {format_cents(line.unit_price_cents)} "
                + (f"(expired at {until})" if expired else f"(until {until})")
            )
        self._write(f"total {format_cents(cart.total_cents)}")

    async def _checkout(self) -> None:
        if self._checkouts is None:
            # A person logging back in has checked out before under the same identity: start
            # past this month's earlier orders, or the key would replay an old order.
            orders = await self._session.list_orders()
            self._checkouts = sum(1 for order in orders if order.month == self._view.month)
        key = checkout_key(f"shop/{self._identity}", self._view.month, self._checkouts)
        try:
            reply = await self._session.checkout(key)
        except RemoteError as error:
            if error.reason != "IDEMPOTENCY_KEY_REUSED":
                raise
            # The earlier checkout whose answer was lost went through; what is in the cart now
            # is a new basket and needs a new key.
            self._checkouts += 1
            self._write("Your previous checkout went through ('history' shows it).")
            self._write("Type 'checkout' again to buy what is in your cart now.")
            return
        # Only a success moves to the next key: after a failure with unknown outcome the same
        # key asks the central again for the same order instead of buying twice.
        self._checkouts += 1
        self._cart = []
        self._notices.cart_is(())
        for text in format_order(reply.order):
            self._write(text)

    async def _done(self) -> None:
        """Tells the central this person is done with the month (a refusal keeps the shop open)."""
        if not self._view.loaded:
            raise ValueError("The catalog has not arrived yet; try again in a moment.")
        finished = await self._session.finish_shopping(self._view.month)
        self._write(f"done with month {self._view.month} ({finished} shopper(s) done so far)")

    async def _history(self) -> None:
        orders = await self._session.list_orders()
        if not orders:
            self._write("no orders yet")
        for order in orders:
            for text in format_order(order):
                self._write(text)
