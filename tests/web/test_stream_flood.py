"""Dashboard streams opened and closed in a flood during changes: every viewer left keeps its updates."""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections.abc import Iterator

import pytest

from tests.browser.network import Network, running_network
from tests.helpers import eventually

pytestmark = pytest.mark.e2e

RUNS = 3
FLOOD_ROUNDS = 60
# Tabs closing in a room: this many streams every this many seconds.
CLOSED_PER_ROUND = 25
ROUND_S = 0.025
OBSERVERS = 10
# The node's own grace is 3 s; this leaves room for a loaded machine.
STOP_S = 15.0


@pytest.fixture
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    with running_network(tmp_path_factory.mktemp("flood"), {"Acme Foods": {"Bolts": 5}}) as running:
        yield running


class _Stream:
    """One open ``/events/dashboard`` stream, counting the updates it reads."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.updates = reader, writer, 0

    @classmethod
    async def open(cls, port: int) -> _Stream:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        writer.write(f"GET /events/dashboard HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        await writer.drain()
        return cls(reader, writer)

    async def count(self) -> None:
        while line := await self.reader.readline():
            if line.startswith(b"data:"):
                self.updates += 1

    def close(self, abort: bool) -> None:
        if abort:
            self.writer.transport.abort()
        else:
            self.writer.close()


async def _flood(port: int, chance: random.Random) -> None:
    opened: list[_Stream] = []
    for _ in range(FLOOD_ROUNDS):
        opened += await asyncio.gather(*(_Stream.open(port) for _ in range(CLOSED_PER_ROUND)))
        # Some streams have read their first update, some not yet: close whichever are oldest.
        if len(opened) > 4 * CLOSED_PER_ROUND:
            for stream in opened[:CLOSED_PER_ROUND]:
                stream.close(abort=chance.random() < 0.5)
            del opened[:CLOSED_PER_ROUND]
        await asyncio.sleep(ROUND_S)
    for stream in opened:
        stream.close(abort=False)


async def test_viewers_keep_their_updates_through_floods_of_closing_streams(network: Network) -> None:
    assert network.web_process is not None
    port = int(network.url.rsplit(":", 1)[1])
    observers = [await _Stream.open(port) for _ in range(OBSERVERS)]
    readers = [asyncio.create_task(observer.count()) for observer in observers]
    chance = random.Random(25)
    for run in range(RUNS):
        await _flood(port, chance)
        before = [observer.updates for observer in observers]

        def all_updated(before: list[int] = before) -> bool:
            return all(o.updates >= seen + 2 for o, seen in zip(observers, before, strict=True))

        await eventually(all_updated, 20.0)
        print(f"flood {run + 1}: every viewer updated")
    started = time.monotonic()
    network.web_process.send_signal(signal.SIGTERM)
    await eventually(
        lambda: network.web_process is not None and network.web_process.poll() is not None, STOP_S
    )
    print(f"stopped in {time.monotonic() - started:.2f} s")
    assert network.web_process.returncode == 0
    await asyncio.wait_for(asyncio.gather(*readers), 5.0)
    for observer in observers:
        observer.close(abort=False)
