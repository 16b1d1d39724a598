"""The interactive shop process: read lines from the terminal while the catalog stays live."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading

from customer_node.catalog import CatalogView, MonthState
from customer_node.cli import CardInput, ShopSettings, parse_card
from customer_node.follow import CatalogFollower
from customer_node.session import Session
from customer_node.shop import HELP, ShopConsole
from nodekit.channel import open_channel
from nodekit.handshake import HandshakeRefused
from nodekit.health import wait_until_serving
from nodekit.reach import ReachNotice
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)

PROMPT = "shop> "


class LineReader:
    """Reads stdin lines in a thread and hands them to the event loop.

    Why not ``asyncio.to_thread(input)``: a thread blocked in ``input()`` cannot be
    interrupted. The default executor is joined at loop shutdown, so after Ctrl-C or SIGTERM
    the process would hang until Enter; and a daemon thread blocked in ``input()`` holds the
    lock of ``sys.stdin``'s buffer, which aborts the interpreter at exit ("could not acquire
    lock for <stdin> at interpreter shutdown"). So a daemon thread reads the raw file
    descriptor, which holds no Python lock; the terminal still does the line editing.
    """

    def __init__(self, fd: int | None = None) -> None:
        self._fd = sys.stdin.fileno() if fd is None else fd
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._read, name="stdin", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                chunk = b""
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if not chunk:  # end of input: hand over a last unterminated line, then None
                lines += [pending] if pending else []
            for line in lines:
                self._post(line.decode("utf-8", errors="replace").rstrip("\r"))
            if not chunk:
                self._post(None)
                return

    def _post(self, line: str | None) -> None:
        # The loop may already be closed when the process exits; the line is then irrelevant.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._queue.put_nowait, line)

    async def ask(self, prompt: str) -> str | None:
        """Shows ``prompt`` and returns the next line, or None at end of input."""
        print(prompt, end="", flush=True)
        return await self._queue.get()


async def run_shop(settings: ShopSettings, stop: asyncio.Event) -> int:
    """Runs the interactive shop until the person quits, input ends, or ``stop`` is set.

    Returns:
        0 on a normal exit, 1 when the central cannot be reached.
    """
    work = asyncio.create_task(_shop(settings))
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if work.done():
        stopped.cancel()
        return work.result()
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)
    print()
    return 0


async def _shop(settings: ShopSettings) -> int:
    print(f"connecting to {settings.central} ...", flush=True)
    try:
        notice = ReachNotice(settings.central, say=lambda line: print(line, flush=True))
        await wait_until_serving(settings.central, settings.startup_timeout_s, notice, settings.tls)
    except TimeoutError:
        print(f"The central at {settings.central} is not answering; try again later.")
        return 1
    except HandshakeRefused as error:
        print(f"Cannot shop: {error}.")
        return 1
    reader = LineReader()
    async with open_channel(settings.central, settings.tls) as channel:
        session = Session(channel, settings.timeout_s)
        customer_id = await _register(session, settings, reader)
        if customer_id is None:
            return 0 if settings.card is None else 1
        view = CatalogView()
        follower = CatalogFollower(session, view, settings.watch_timeout_s)
        following = asyncio.create_task(_follow(follower))
        console = ShopConsole(session, view, customer_id)
        print(HELP)
        try:
            while (line := await reader.ask(PROMPT)) is not None:
                if not await console.handle(line):
                    break
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)
    print("bye")
    return 0


async def _register(session: Session, settings: ShopSettings, reader: LineReader) -> str | None:
    """Registers the person, asking for a card until the central accepts one; None to leave."""
    card = settings.card
    asked = card is None
    while True:
        if asked:
            text = await reader.ask("card (NUMBER MM/YYYY, empty to browse only): ")
            if text is None:
                return None
            try:
                card = parse_card(text) if text.strip() else None
            except ValueError as error:
                print(error)
                continue
        try:
            reply = await session.register(settings.name, card)
        except RemoteError as error:
            print(error.message or error.code.name)
            if not asked or card is None:
                return None
            continue
        print(f"welcome, {settings.name}" + _card_note(card, reply.card_last4))
        return reply.customer_id


def _card_note(card: CardInput | None, last4: str) -> str:
    return f" (card ending {last4})" if card is not None else " (no card: you can browse only)"


async def _follow(follower: CatalogFollower) -> None:
    """Keeps the view live and tells the person when the month changes state."""
    follow = asyncio.create_task(follower.run())
    seen: tuple[int, MonthState] | None = None  # None until the first snapshot
    try:
        while not follow.done():
            changed = asyncio.create_task(follower.wait_for_change())
            await asyncio.wait({follow, changed}, return_when=asyncio.FIRST_COMPLETED)
            changed.cancel()
            if not follower.view.loaded:
                continue
            now = (follower.view.month, follower.view.state)
            if seen is not None and now != seen:
                print(f"\n[month {now[0]} is now {now[1].value}]\n{PROMPT}", end="", flush=True)
            seen = now
        follow.result()
    except RemoteError as error:
        print(f"\n[live catalog stopped: {error.message}]")
    finally:
        follow.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follow
