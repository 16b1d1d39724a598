"""Server memory with many open streams: catalog watchers on the central, idle echo streams."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc

from benchmarks.echo import STREAM
from benchmarks.market import Metadata
from benchmarks.process import vm_rss_kib
from benchmarks.scenarios import Channels
from distribution_client.service import CentralService
from generated.distribution.v1 import catalog_pb2

STREAM_TIMEOUT_S = 300.0
SETTLE_S = 0.5
OPEN_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class StreamMemory:
    """A server's resident memory before and with its streams open."""

    streams: int
    before_kib: int
    during_kib: int

    @property
    def per_stream_kib(self) -> float:
        """Growth per open stream."""
        return (self.during_kib - self.before_kib) / max(self.streams, 1)

    def summary(self) -> dict[str, object]:
        """The figures in MiB (totals) and KiB (per stream)."""
        return {
            "streams": self.streams,
            "rss_before_mib": round(self.before_kib / 1024, 1),
            "rss_with_streams_mib": round(self.during_kib / 1024, 1),
            "per_stream_kib": round(self.per_stream_kib, 1),
        }


async def _rss_with_streams(pid: int, count: int, open_one: Callable[[int], Awaitable[Any]]) -> StreamMemory:
    """RSS before, with ``count`` streams open (each has answered once), and the difference."""
    before = vm_rss_kib(pid)
    calls: list[Any] = []
    try:
        calls = list(
            await asyncio.wait_for(asyncio.gather(*(open_one(i) for i in range(count))), OPEN_TIMEOUT_S)
        )
        await asyncio.sleep(SETTLE_S)  # let the server finish any work the streams triggered
        during = vm_rss_kib(pid)
    finally:
        for call in calls:
            call.cancel()
    return StreamMemory(len(calls), before, during)


async def catalog_watchers(pid: int, channels: Channels, metadata: Metadata, count: int) -> StreamMemory:
    """``count`` CatalogService.WatchCatalog streams spread over ``channels``."""
    stubs = [CentralService(c).catalog for c in channels.channels]

    async def open_one(index: int) -> Any:
        call = stubs[index % len(stubs)].WatchCatalog(
            catalog_pb2.WatchCatalogRequest(), metadata=metadata, timeout=STREAM_TIMEOUT_S
        )
        first = await call.read()
        if not getattr(first, "snapshot", False):
            raise RuntimeError(f"watcher {index} got no snapshot first: {first!r}")
        return call

    return await _rss_with_streams(pid, count, open_one)


async def echo_streams(pid: int, channels: Channels, metadata: Metadata, count: int) -> StreamMemory:
    """``count`` bidi echo streams, each having echoed one message, left open."""

    async def open_one(index: int) -> Any:
        echo: grpc.aio.StreamStreamMultiCallable[bytes, bytes] = channels[index].stream_stream(STREAM)
        call = echo(metadata=metadata, timeout=STREAM_TIMEOUT_S)
        await call.write(b"hello")
        await call.read()
        return call

    return await _rss_with_streams(pid, count, open_one)
