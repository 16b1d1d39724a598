"""The interactive shop's commands: list, add, remove, cart, checkout, history, card, done, help, quit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import grpc

from customer_node.catalog import CatalogLine, CatalogView
from customer_node.cli import parse_card
from customer_node.keys import checkout_key
from customer_node.notices import Notices, local_time
from customer_node.session import Session
from distribution_client import CartLine, CartLineState, Order
from nodekit.money import format_cents
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)

HELP = """\
commands:
  list               show the live catalog, numbered
  add N [QTY]        reserve QTY (default 1) units of catalog line N
  remove N           put back row N of your cart (numbers from 'cart'; one reservation a row)
  cart               show your cart
  checkout           buy what is in your cart
  history            show your orders
  card NUMBER MM/YYYY  replace your payment card
  done               tell the central you are done shopping this month, and leave
  help               show this text
  quit               leave (your reservations expire on their own)"""


@dataclass(frozen=True, slots=True)
class Command:
    """One parsed input line: the verb and its integer arguments (or raw text for ``card``)."""

    verb: str
    numbers: tuple[int, ...] = ()
    text: str = ""


VERBS = {"list", "add", "remove", "cart", "checkout", "history", "card", "done", "help", "quit"}
ALIASES = {
    "ls": "list",
    "rm": "remove",
    "buy": "checkout",
    "orders": "history",
    "exit": "quit",
    "q": "quit",
    "?": "help",
}


USAGES = {
    "add": "'add NUMBER [QUANTITY]' with a line's number from 'list'",
    "remove": "'remove ROW' with a row's number from 'cart'",
}


def parse_command(line: str) -> Command:
    """Parses one input line.

    Raises:
        ValueError: With a message for a person when the line is not a command.
    """
    words = line.split()
    if not words:
        return Command("")
    verb = ALIASES.get(words[0].lower(), words[0].lower())
    if verb not in VERBS:
        raise ValueError(f"Unknown command {words[0]!r}; type 'help'.")
    if verb == "card":
        return Command(verb, text=" ".join(words[1:]))
    typed = words[0]
    need = {"add": (1, 2), "remove": (1, 1)}.get(verb, (0, 0))
    if need == (0, 0) and len(words) > 1:
        # "buy apples": the person means a product; say how buying goes rather than a rule on numbers.
        hint = (
            " To buy: 'add NUMBER [QUANTITY]' (numbers from 'list'), then 'checkout'."
            if verb == "checkout"
            else ""
        )
        raise ValueError(f"'{typed}' takes nothing after it.{hint} Type 'help' for more.")
    try:
        numbers = tuple(int(word) for word in words[1:])
    except ValueError:
        usage = USAGES.get(verb, verb)
        raise ValueError(f"'{typed}' takes numbers: {usage}; type 'help'.") from None
    if not need[0] <= len(numbers) <= need[1]:
        raise ValueError(f"Wrong number of arguments: {USAGES.get(verb, verb)}; type 'help'.")
    return Command(verb, numbers)


def format_catalog(view: CatalogView, lines: Sequence[CatalogLine]) -> list[str]:
    """The numbered catalog as printed by ``list``."""
    header = f"month {view.month} ({view.state.value}), {len(lines)} line(s) on sale"
    rows = [
        f"{number:3d}. {line.product:<20} {line.manufacturer_name:<20} "
        f"{format_cents(line.unit_price_cents):>10}  ({line.available} available)"
        for number, line in enumerate(lines, start=1)
    ]
    return [header, *rows]


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
            self._write(_explain(error))
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
            f"at {format_cents(line.unit_price_cents)} until {_until(line)}"
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
            until = _until(line)
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


def _until(line: CartLine) -> str:
    return local_time(line.expires_at) if line.expires_at is not None else "an unknown time"


def _explain(error: RemoteError) -> str:
    if error.code == grpc.StatusCode.UNAVAILABLE:
        return "The central cannot be reached right now; please try again."
    if error.code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return "The central did not answer in time; please try again."
    return error.message or f"The central refused: {error.code.name.lower()}."
