"""The pages on the join card's address: a page asked for by another name is sent there.

A browser keeps its cookies per host name: logged in at 127.0.0.1, the lecturer is logged
out at the LAN address the room uses, the one the card, its QR code and the printed URL name.
So a page asked for by another name (loopback, ``localhost``, this machine's name) is
redirected to the same path on the card's address before any cookie is set, and every log-in
belongs to that one address. The API, the streams and the assets answer under any allowed name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from web_node.join import read_card

# The pages a person opens (pages.py); what scripts fetch is left as asked.
PAGES = frozenset({"/", "/shop", "/hq"})
_READS = frozenset({"GET", "HEAD"})


def card_web_url(env: Mapping[str, str] = os.environ) -> str:
    """The web node's URL on the launcher's join card; "" without a card."""
    url = read_card(env).get("web_url")
    return url if isinstance(url, str) else ""


class RoomAddress:
    """ASGI middleware: a page read under another host than ``web_url``'s is redirected to it (307).

    Args:
        app: The app behind.
        web_url: The card's URL of this web node; "" turns the redirect off (no launcher, no card).
    """

    def __init__(self, app: ASGIApp, web_url: str) -> None:
        self._app = app
        parts = urlsplit(web_url)
        self._host = parts.netloc.lower()
        self._origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self._origin
            and scope["type"] == "http"
            and scope["method"] in _READS
            and scope["path"] in PAGES
            and Headers(scope=scope).get("host", "").lower() != self._host
        ):
            query = scope.get("query_string", b"").decode("latin-1")
            target = f"{self._origin}{scope['path']}" + (f"?{query}" if query else "")
            await RedirectResponse(target, status_code=307)(scope, receive, send)
            return
        await self._app(scope, receive, send)
