"""Wraps the API's POST handlers: CSRF and origin first, a JSON object body, the central's errors mapped."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from nodekit.status import RemoteError
from web_node.bodies import BadBody, encodable, json_object
from web_node.replies import from_remote, refused
from web_node.security import BrowserGuard

Handler = Callable[[Request, dict[str, Any]], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def write(guard: BrowserGuard) -> Callable[[Handler], Endpoint]:
    """A POST endpoint that runs ``handler(request, body)`` only for a same-site request with its token."""

    def wrap(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            if not guard.write_allowed(request):
                return refused(403, "This page is out of date or not ours: reload it and try again.", "CSRF")
            try:
                body = json_object(await request.body())
            except BadBody as error:
                return refused(400, str(error), "MALFORMED")
            try:
                return await handler(request, body)
            except RemoteError as error:
                return from_remote(error)

        return endpoint

    return wrap


def read(handler: Endpoint) -> Endpoint:
    """A GET endpoint whose central errors become JSON replies."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except RemoteError as error:
            return from_remote(error)

    return endpoint


def integer(body: dict[str, Any], name: str, low: int, high: int) -> int | None:
    """``body[name]`` as an int in ``[low, high]`` (ASCII digits in a string too), or None."""
    value = body.get(name)
    if isinstance(value, str):
        digits = value.strip()
        # isdigit() alone takes superscripts and other scripts' digits, which int() refuses.
        if not (digits.isascii() and digits.isdigit() and len(digits) <= len(str(high))):
            return None
        value = int(digits)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def text(body: dict[str, Any], name: str, longest: int) -> str | None:
    """``body[name]`` as a sendable string of at most ``longest`` characters ("" if absent), or None."""
    value = body.get(name, "")
    if not isinstance(value, str) or len(value) > longest or not encodable(value):
        return None
    return value
