"""Each of several centrals' health on its own channel: the dashboard shows which one is down.

The launcher's other calls go round-robin over every central and so keep answering while one
is down; only a channel per address tells the centrals apart.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from distribution_client import ConnectConfig, connect
from distribution_client.health import Health
from launcher.screen.board import Board
from nodekit.tls import TlsClientConfig

HEALTH_EVERY_S = 0.5


async def follow_centrals(
    addresses: Sequence[str], board: Board, tls: TlsClientConfig | None, every_s: float = HEALTH_EVERY_S
) -> None:
    """Polls every central's health into ``board.centrals`` until cancelled."""
    async with contextlib.AsyncExitStack() as stack:
        checks = []
        for address in addresses:
            client = await stack.enter_async_context(connect(ConnectConfig(address, tls)))
            checks.append(Health(client.channel))
        while True:
            states = await asyncio.gather(*(check.serving() for check in checks))
            board.centrals_seen(dict(zip(addresses, states, strict=True)))
            await asyncio.sleep(every_s)
