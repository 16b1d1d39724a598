"""The three HTML pages: rendered by Jinja2 with autoescape, each with this browser's CSRF token."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from web_node.security import CSRF_COOKIE, BrowserGuard, set_cookie
from web_node.shop_api import shopper_of

TEMPLATES = Path(__file__).parent / "templates"
# The card the central accepts in a demo (Luhn-valid, expiring years ahead).
TEST_CARD = {"number": "4242 4242 4242 4242", "month": 12, "year": date.today().year + 5}


def environment() -> Environment:
    """Templates with autoescape on: every value from the network is shown as text."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))


def page_routes(guard: BrowserGuard, controls: bool) -> list[Route]:
    """``/``, ``/shop`` and ``/hq``."""
    templates = environment()

    def render(request: Request, name: str, **context: Any) -> Response:
        seed, new = guard.csrf_seed(request)
        html = templates.get_template(name).render(csrf_token=guard.csrf_token(seed), **context)
        response = HTMLResponse(html, headers={"Cache-Control": "no-store"})
        if new:
            set_cookie(request, response, CSRF_COOKIE, seed)
        return response

    async def dashboard(request: Request) -> Response:
        operator = guard.is_operator(request)
        return render(request, "dashboard.html", page="dashboard", controls=controls, operator=operator)

    async def shop(request: Request) -> Response:
        return render(request, "shop.html", page="shop", shopper=shopper_of(request), card=TEST_CARD)

    async def hq(request: Request) -> Response:
        if guard.is_operator(request):
            return render(request, "hq.html", page="hq")
        return render(request, "hq_login.html", page="hq", configured=bool(guard.operator_key))

    return [Route("/", dashboard), Route("/shop", shop), Route("/hq", hq)]
