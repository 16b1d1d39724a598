"""The web node's composition root: the Starlette app over a gateway, and the server that runs it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nodekit.channel import open_channel
from nodekit.observability.tracing import trace_web
from web_node.control import ControlClient, control_routes
from web_node.door import BodyLimit, HostCheck, allowed_hosts
from web_node.gateway import Gateway
from web_node.hq_api import hq_routes
from web_node.join import join_routes
from web_node.live import Live
from web_node.pages import page_routes
from web_node.room_address import RoomAddress, card_web_url
from web_node.security import BrowserGuard
from web_node.settings import WebSettings
from web_node.shop_api import shop_routes
from web_node.simulation import simulation_routes
from web_node.streams import stream_routes

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# Scripts, styles and images come only from this site: an injected <script> would not run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
SHUTDOWN_GRACE_S = 3.0


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response (streams included)."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self._app(scope, receive, send_with_headers)


def create_app(
    gateway: Gateway,
    live: Live,
    guard: BrowserGuard,
    controls: Sequence[BaseRoute] | None = None,
    hosts: Sequence[str] = ("localhost", "127.0.0.1", "::1"),
) -> Starlette:
    """The app: pages, the shop's and headquarters' API, the event streams and the static assets.

    Args:
        gateway: The client of the central.
        live: The topics the live pages follow; run for as long as the app runs.
        guard: CSRF and operator checks.
        controls: The lecturer's control routes, when a launcher offers them.
        hosts: The names a request's Host header may give.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(live.run())
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    routes: list[BaseRoute] = [
        *page_routes(guard, controls=bool(controls)),
        *shop_routes(gateway, guard),
        *hq_routes(guard),
        *join_routes(),
        *stream_routes(live, guard),
        *(controls or []),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    # The last added runs first: headers on every reply, then the Host, the card's address for a
    # page, then the body's size.
    app.add_middleware(BodyLimit)
    app.add_middleware(RoomAddress, web_url=card_web_url())
    app.add_middleware(HostCheck, hosts=hosts)
    app.add_middleware(SecurityHeaders)
    trace_web(app)
    return app


class _Server(uvicorn.Server):
    """uvicorn's server without its own signal handlers: the node stops it after closing the streams."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass(slots=True)
class WebNode:
    """A running web node: its port, and how to stop it."""

    port: int
    url: str
    _server: _Server
    _task: asyncio.Task[None]
    _live: Live

    async def stop(self) -> None:
        """Ends the live streams, then lets uvicorn drain and stop."""
        await self._live.close()
        self._server.should_exit = True
        await self._task


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (0: a free port), so the port is known before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def start(settings: WebSettings) -> WebNode:
    """Starts the web node on its port; returns once it accepts requests."""
    channel = open_channel(settings.central, settings.tls)
    gateway = Gateway(channel, settings.operator_key, settings.timeout_s)
    guard = BrowserGuard(settings.operator_key)
    control = ControlClient(settings.control_url, settings.control_token) if settings.control_url else None
    live = Live(gateway, settings.poll_interval_s, control)
    routes = [*control_routes(control, guard), *simulation_routes(control, guard)] if control else None
    app = create_app(gateway, live, guard, routes, allowed_hosts(settings.host, settings.allowed_hosts))
    sock = bind(settings.host, settings.port)
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=int(SHUTDOWN_GRACE_S),
        access_log=False,
        log_config=None,
        ssl_certfile=settings.https_cert,
        ssl_keyfile=settings.https_key,
    )
    server = _Server(config)

    async def serve() -> None:
        try:
            await server.serve(sockets=[sock])
        finally:
            await channel.close()

    task = asyncio.create_task(serve())
    while not server.started:
        if task.done():
            await task
            raise RuntimeError("the web server stopped while starting")
        await asyncio.sleep(0.02)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    scheme = "https" if settings.https_cert else "http"
    return WebNode(port, f"{scheme}://{host}:{port}/", server, task, live)
