"""A loopback TCP relay between a child and the central(s), which the lecturer can cut and slow down.

The child's ``--central`` points at the relay; each connection it opens is forwarded to the
next central in turn (one that refuses is skipped). Bytes pass untouched, so TLS passes
through. Cutting aborts the live connections; a new one is then held without an answer, as
a partition drops packets, until the link is restored. A connection no central takes yet
(every one down) is held too, and forwarded once one answers: closing it at once would read
to the child as the central hanging up on its handshake. Latency holds every chunk, in both
directions, for the set milliseconds before passing it on; each direction is one queue, so
the order is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
# Chunks held per direction while slowed down: a fast sender waits instead of filling memory.
QUEUE_CHUNKS = 256
CONNECT_TIMEOUT_S = 3.0
MAX_LATENCY_MS = 10_000
# How often a held connection looks again whether the link is restored or a central answers.
HOLD_RETRY_S = 0.2
HOLD_RETRY_MAX_S = 1.0


def parse_address(address: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` too) as a pair."""
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


@dataclass(slots=True, eq=False)
class _Connection:
    """One relayed connection: both sides' writers, and the two tasks pumping between them."""

    downstream: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def abort(self) -> None:
        """Drops both sides at once, as a broken link would."""
        for writer in (self.downstream, self.upstream):
            writer.transport.abort()
        for task in self.tasks:
            task.cancel()


class Relay:
    """Listens on 127.0.0.1 (a free port) and forwards to ``upstreams`` (``host:port`` each).

    Args:
        name: What the relay stands in front of, for the log.
        upstreams: The centrals, tried in turn for each new connection.
    """

    def __init__(self, name: str, upstreams: Sequence[str]) -> None:
        if not upstreams:
            raise ValueError("a relay needs at least one central to forward to")
        self.name = name
        self._upstreams = [parse_address(a) for a in upstreams]
        self._next = 0
        self._server: asyncio.Server | None = None
        self._live: set[_Connection] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._cut = False
        self._closing = False
        self._held: set[asyncio.StreamWriter] = set()
        self._latency_s = 0.0

    @property
    def port(self) -> int:
        """The relay's port (once started)."""
        if self._server is None:
            raise RuntimeError("the relay is not started")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def address(self) -> str:
        """``127.0.0.1:port``: what the child gets as its central."""
        return f"127.0.0.1:{self.port}"

    @property
    def is_cut(self) -> bool:
        """True between ``cut`` and ``restore``."""
        return self._cut

    @property
    def latency_ms(self) -> int:
        """The delay each chunk gets, in milliseconds."""
        return round(self._latency_s * 1000)

    @property
    def connections(self) -> int:
        """Connections being relayed now."""
        return len(self._live)

    async def start(self) -> None:
        """Starts listening."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    def cut(self) -> None:
        """Drops every live connection and holds new ones unanswered until ``restore``."""
        self._cut = True
        for connection in list(self._live):
            connection.abort()
        logger.info("link of %s cut", self.name)

    def restore(self) -> None:
        """Accepts and forwards connections again."""
        self._cut = False
        logger.info("link of %s restored", self.name)

    def set_latency(self, ms: int) -> None:
        """Delays every chunk from now on by ``ms`` milliseconds (0: none)."""
        if not 0 <= ms <= MAX_LATENCY_MS:
            raise ValueError(f"latency must be 0 to {MAX_LATENCY_MS} ms, got {ms}")
        self._latency_s = ms / 1000
        logger.info("link of %s: %d ms latency", self.name, ms)

    async def close(self) -> None:
        """Stops listening and drops what is still relayed."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        for connection in list(self._live):
            connection.abort()
        for writer in list(self._held):
            writer.transport.abort()
        # The server's close leaves its connections' handlers running: they end with their aborts.
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
            handler.add_done_callback(self._handlers.discard)
        held = await self._hold(reader, writer)
        if held is None:
            writer.transport.abort()
            return
        up_reader, up_writer, early = held
        connection = _Connection(writer, up_writer)
        connection.tasks = [
            asyncio.create_task(self._pump(connection, reader, up_writer, early)),
            asyncio.create_task(self._pump(connection, up_reader, writer)),
        ]
        self._live.add(connection)
        try:
            await asyncio.gather(*connection.tasks, return_exceptions=True)
        finally:
            self._live.discard(connection)
            for side in (writer, up_writer):
                side.close()

    async def _hold(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes] | None:
        """Waits until the link is up and a central takes the connection; None if the child left.

        What the child sends meanwhile is kept and handed on first.
        """
        early = bytearray()

        async def keep_early() -> None:
            while chunk := await reader.read(CHUNK_BYTES):
                early.extend(chunk)

        listening = asyncio.create_task(keep_early())
        self._held.add(writer)
        try:
            delay_s = HOLD_RETRY_S
            while not listening.done() and not self._closing:
                if not self._cut:
                    upstream = await self._connect()
                    if upstream is not None:
                        return upstream[0], upstream[1], bytes(early)
                # Wakes at once when the child hangs up.
                await asyncio.wait({listening}, timeout=delay_s)
                delay_s = min(delay_s * 2, HOLD_RETRY_MAX_S)
            return None
        finally:
            self._held.discard(writer)
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await listening

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        start = self._next
        self._next = (self._next + 1) % len(self._upstreams)
        for offset in range(len(self._upstreams)):
            host, port = self._upstreams[(start + offset) % len(self._upstreams)]
            try:
                return await asyncio.wait_for(asyncio.open_connection(host, port), CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError) as error:
                logger.info("relay of %s: %s:%d refused (%s), trying the next", self.name, host, port, error)
        return None

    async def _pump(
        self,
        connection: _Connection,
        source: asyncio.StreamReader,
        target: asyncio.StreamWriter,
        first: bytes = b"",
    ) -> None:
        """Reads chunks from ``source`` and writes each to ``target`` once its delay has passed.

        ``first``: what the source sent while its connection was held, delayed like the rest.
        """
        held: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(QUEUE_CHUNKS)
        if first:
            held.put_nowait((time.monotonic() + self._latency_s, first))

        async def deliver() -> None:
            while True:
                due, chunk = await held.get()
                wait_s = due - time.monotonic()
                if wait_s > 0:
                    await asyncio.sleep(wait_s)
                if not chunk:
                    if target.can_write_eof():
                        target.write_eof()
                    return
                try:
                    target.write(chunk)
                    await target.drain()
                except OSError:
                    # One side is gone: so is the whole connection (its reader must not wait on).
                    connection.abort()
                    return

        delivering = asyncio.create_task(deliver())
        try:
            while True:
                chunk = await source.read(CHUNK_BYTES)
                await held.put((time.monotonic() + self._latency_s, chunk))
                if not chunk:
                    break
            await delivering
        except OSError:
            # The source reset its side (a SIGKILLed central's kernel answers unread data with RST):
            # the whole connection is gone, or an idle child would wait on it for ever.
            connection.abort()
            raise
        except asyncio.CancelledError:
            delivering.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await delivering
            raise
        finally:
            if not delivering.done():
                delivering.cancel()
