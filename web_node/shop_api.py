"""The shop's API: register, the cart, checkout and the order history of the browser's shopper."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web_node import guarded
from web_node.gateway import Gateway
from web_node.replies import ok, refused
from web_node.security import SHOP_COOKIE, BrowserGuard, delete_cookie, set_cookie
from web_node.shop_session import ShopCookie

MAX_QUANTITY = 1_000_000
MAX_NAME = 200
MAX_CARD = 64


def shopper_of(request: Request) -> ShopCookie | None:
    """The shopper whose session cookie this browser holds."""
    value = request.cookies.get(SHOP_COOKIE)
    return ShopCookie.decode(value) if value else None


def shop_routes(gateway: Gateway, guard: BrowserGuard) -> list[Route]:
    """The shop's API routes under ``/api/shop``."""
    write = guarded.write(guard)

    def signed_out() -> Response:
        return refused(401, "Register first: your session has ended.", "NO_SESSION")

    @write
    async def register(request: Request, body: dict[str, Any]) -> Response:
        name = (guarded.text(body, "name", MAX_NAME) or "").strip()
        number = guarded.text(body, "card_number", MAX_CARD)
        month = guarded.integer(body, "expiry_month", 1, 12)
        year = guarded.integer(body, "expiry_year", 1, 9999)
        if not name or number is None or month is None or year is None:
            return refused(
                400,
                f"Give a name (up to {MAX_NAME} characters), a card number and the card's expiry month "
                "and year, in digits.",
                "MALFORMED",
            )
        reply = await gateway.register(name, number, month, year)
        response = ok({"name": name, "card_last4": reply["card_last4"]})
        set_cookie(
            request, response, SHOP_COOKIE, ShopCookie(reply["token"], name, reply["card_last4"]).encode()
        )
        return response

    @write
    async def sign_out(request: Request, body: dict[str, Any]) -> Response:
        response = ok({})
        delete_cookie(request, response, SHOP_COOKIE)
        return response

    @guarded.read
    async def state(request: Request) -> Response:
        shopper = shopper_of(request)
        if shopper is None:
            return signed_out()
        cart = await gateway.cart(shopper.token)
        orders = await gateway.orders(shopper.token)
        return ok({"name": shopper.name, "card_last4": shopper.card_last4, "cart": cart, "orders": orders})

    @write
    async def add(request: Request, body: dict[str, Any]) -> Response:
        shopper = shopper_of(request)
        if shopper is None:
            return signed_out()
        line_id = guarded.integer(body, "stock_line_id", 1, 2**62)
        quantity = guarded.integer(body, "quantity", 1, MAX_QUANTITY)
        if line_id is None or quantity is None:
            return refused(400, f"Choose a line and a quantity of 1 to {MAX_QUANTITY:,}.", "MALFORMED")
        return ok({"line": await gateway.add(shopper.token, line_id, quantity)})

    @write
    async def remove(request: Request, body: dict[str, Any]) -> Response:
        shopper = shopper_of(request)
        if shopper is None:
            return signed_out()
        line_id = guarded.integer(body, "stock_line_id", 1, 2**62)
        if line_id is None:
            return refused(400, "Choose a line to remove.", "MALFORMED")
        return ok({"released": await gateway.remove(shopper.token, line_id)})

    @write
    async def checkout(request: Request, body: dict[str, Any]) -> Response:
        shopper = shopper_of(request)
        if shopper is None:
            return signed_out()
        key = guarded.text(body, "idempotency_key", 128) or ""
        if len(key) < 8:
            return refused(400, "A checkout needs its idempotency key (8-128 plain characters).", "MALFORMED")
        return ok(await gateway.checkout(shopper.token, key))

    return [
        Route("/api/shop/register", register, methods=["POST"]),
        Route("/api/shop/signout", sign_out, methods=["POST"]),
        Route("/api/shop/state", state, methods=["GET"]),
        Route("/api/shop/cart/add", add, methods=["POST"]),
        Route("/api/shop/cart/remove", remove, methods=["POST"]),
        Route("/api/shop/checkout", checkout, methods=["POST"]),
    ]
