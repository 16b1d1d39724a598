"""The web node under a class: memory with 1,000 dashboard streams, stream floods, wrong keys a second.

``PYTHONPATH=. python -m benchmarks.web_node [--streams 1000] [--floods 20]`` starts a central and the web
node (as the browser tests do), prints one JSON object, and stops both. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.process import vm_rss_kib
from tests.browser.network import running_network
from tests.web.client import Client
from tests.web.test_stream_flood import _flood, _Stream

ATTACK_S = 5.0
SETTLE_S = 2.0
UPDATED_WITHIN_S = 20.0


async def _streams_and_floods(port: int, pid: int, streams: int, floods: int) -> dict[str, Any]:
    before = vm_rss_kib(pid)
    opened = []
    for start in range(0, streams, 100):
        opened += await asyncio.gather(*(_Stream.open(port) for _ in range(min(100, streams - start))))
    readers = [asyncio.create_task(stream.count()) for stream in opened]
    await asyncio.sleep(SETTLE_S)
    during = vm_rss_kib(pid)
    frozen = 0
    chance = random.Random(25)
    for _ in range(floods):
        await _flood(port, chance)
        seen = [stream.updates for stream in opened]
        deadline = time.monotonic() + UPDATED_WITHIN_S
        while any(s.updates < n + 2 for s, n in zip(opened, seen, strict=True)):
            if time.monotonic() > deadline:
                frozen += 1
                break
            await asyncio.sleep(0.05)
    for stream in opened:
        stream.close(abort=False)
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    return {
        "streams": streams,
        "rss_before_mib": round(before / 1024, 1),
        "rss_with_streams_mib": round(during / 1024, 1),
        "floods": floods,
        "floods_with_a_frozen_viewer": frozen,
    }


def _wrong_keys(url: str, source: str) -> dict[str, float]:
    client = Client(url, source=source)
    checked = throttled = 0
    started = time.monotonic()
    while time.monotonic() - started < ATTACK_S:
        status = client.post("/api/hq/login", {"key": f"guess-{checked + throttled}"}).status
        checked += status == 403
        throttled += status == 429
    return {
        "checked_per_s": round(checked / ATTACK_S, 2),
        "refused_429_per_s": round(throttled / ATTACK_S, 1),
    }


def main() -> None:
    """Runs the measurements and prints them as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web_node")
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--floods", type=int, default=20)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as directory,
        running_network(Path(directory), {"Acme Foods": {"Bolts": 5}}) as network,
    ):
        assert network.web_process is not None
        port = int(network.url.rsplit(":", 1)[1])
        figures = asyncio.run(_streams_and_floods(port, network.web_process.pid, args.streams, args.floods))
        figures["one_address_wrong_keys"] = _wrong_keys(network.url, "127.0.0.20")
        print(json.dumps(figures, indent=2), flush=True)


if __name__ == "__main__":
    main()
