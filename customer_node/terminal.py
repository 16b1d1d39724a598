"""The interactive shop process: read lines from the terminal while the catalog stays live."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from customer_node import account as accounts
from customer_node.account import AccountFileError
from customer_node.catalog import CatalogView, MonthState
from customer_node.cli import ShopSettings
from customer_node.follow import CatalogFollower
from customer_node.login import log_in
from customer_node.notices import Notices
from customer_node.reader import PROMPT, Reader, open_reader
from customer_node.session import Session
from customer_node.shop import ShopConsole
from customer_node.shop_commands import HELP
from nodekit.channel import open_channel
from nodekit.handshake import HandshakeRefused
from nodekit.health import wait_until_serving
from nodekit.reach import ReachNotice
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)


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
    try:
        # A bad account file is the person's to fix: said at once, before any wait for the central.
        accounts.load(settings.account_file or accounts.default_path(settings.name))
    except AccountFileError as error:
        print(error)
        return 1
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
    async with open_channel(settings.central, settings.tls) as channel:
        session = Session(channel, settings.timeout_s)
        view = CatalogView()
        console: ShopConsole | None = None
        with open_reader(lambda: console.words() if console else []) as reader:
            try:
                account = await log_in(session, settings, reader)
            except AccountFileError as error:
                print(error)
                return 1
            except RemoteError as error:
                print(f"could not sign in: {error.message or error.code.name}")
                return 1
            if account is None:
                return 0 if settings.card is None else 1
            notices = Notices(reader.notice)
            console = ShopConsole(session, view, account.customer_id, notices=notices)
            await _converse(
                console, CatalogFollower(session, view, settings.watch_timeout_s), notices, reader
            )
    print("bye")
    return 0


async def _converse(
    console: ShopConsole, follower: CatalogFollower, notices: Notices, reader: Reader
) -> None:
    """Runs the person's commands while the catalog and the reservations are watched."""
    watching = [asyncio.create_task(_follow(follower, notices, reader)), asyncio.create_task(notices.run())]
    print(HELP)
    try:
        while (line := await reader.ask(PROMPT)) is not None:
            if not await console.handle(line):
                break
    finally:
        for task in watching:
            task.cancel()
        await asyncio.gather(*watching, return_exceptions=True)


async def _follow(follower: CatalogFollower, notices: Notices, reader: Reader) -> None:
    """Keeps the view live and tells the person when the month changes state or a line sells out."""
    follow = asyncio.create_task(follower.run())
    seen: tuple[int, MonthState] | None = None  # None until the first snapshot
    try:
        while not follow.done():
            changed = asyncio.create_task(follower.wait_for_change())
            await asyncio.wait({follow, changed}, return_when=asyncio.FIRST_COMPLETED)
            changed.cancel()
            if not follower.view.loaded:
                continue
            notices.catalog_changed(follower.view)
            now = (follower.view.month, follower.view.state)
            if seen is None:  # the first snapshot: 'list' and 'add' work from here on
                reader.notice(f"month {now[0]} is {now[1].value}, {len(follower.view)} line(s) on sale")
            elif now != seen:
                reader.notice(f"month {now[0]} is now {now[1].value}")
            seen = now
        follow.result()
    except RemoteError as error:
        reader.notice(f"live catalog stopped: {error.message}")
    finally:
        follow.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follow
