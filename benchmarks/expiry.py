"""`python -m benchmarks.expiry`: how late reservations are released under a sustained reserve load (JSON).

The central runs in-process on a temporary SQLite file; reservations are made
through the cart use case at a fixed rate (the gRPC stack would cap the rate
on two cores before the sweeper does), each held ``--ttl`` seconds. Lateness
is read from the database afterwards: when each reservation's ``expired``
movement was written, minus its expiry.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from central.testing import running_central
from distribution_client.service import CentralService
from generated.distribution.v1 import common_pb2, month_pb2

LINES, CUSTOMERS = 20, 50


async def measure(rate: float, seconds: float, ttl_s: float) -> dict[str, Any]:
    """One run: reservations at ``rate`` per second for ``seconds``; lateness figures."""
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "central.sqlite3"
        async with running_central(db_path, reservation_ttl_s=ttl_s) as rc:
            central = rc.central
            months = CentralService(rc.channel).months
            opened = await months.OpenMonth(
                month_pb2.OpenMonthRequest(offer_deadline_ms=1), metadata=rc.operator_metadata, timeout=10
            )
            offer = month_pb2.SubmitOfferRequest(
                manufacturer_name="Bench",
                month=opened.month,
                lines=[
                    common_pb2.OfferLine(product=f"p{i}", quantity=1_000_000, unit_price_cents=100)
                    for i in range(LINES)
                ],
            )
            reply = await months.SubmitOffer(offer, metadata=rc.operator_metadata, timeout=10)
            line_ids = [line.stock_line_id for line in reply.stock_lines]
            customers = [
                (await central.accounts.register(f"b{i}", None)).customer_id for i in range(CUSTOMERS)
            ]
            loop = asyncio.get_running_loop()
            started, made = loop.time(), 0
            pending: list[Any] = []
            while (elapsed := loop.time() - started) < seconds:
                for _ in range(int(elapsed * rate) - made):
                    pending.append(
                        asyncio.ensure_future(
                            central.cart.add(customers[made % CUSTOMERS], line_ids[made % LINES], 1)
                        )
                    )
                    made += 1
                await asyncio.sleep(0.002)
            await asyncio.gather(*pending)
            achieved = made / seconds
            for _ in range(int(seconds * 20) + 200):  # bounded: the load's length plus 10 s
                if not _live(db_path):
                    break
                await asyncio.sleep(0.05)
        late = _lateness(db_path)
    return {
        "target_per_s": rate,
        "achieved_per_s": round(achieved),
        "reservations": made,
        "expired": len(late),
        "late_p50_s": round(statistics.median(late), 3),
        "late_p99_s": round(late[int(len(late) * 0.99) - 1], 3),
        "late_max_s": round(late[-1], 3),
    }


def _live(db_path: Path) -> int:
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        (live,) = db.execute("SELECT COUNT(*) FROM reservations WHERE state = 'active'").fetchone()
    return int(live)


def _lateness(db_path: Path) -> list[float]:
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        rows = db.execute(
            "SELECT (julianday(m.at) - julianday(r.expires_at)) * 86400 FROM stock_movements m"
            " JOIN reservations r ON r.reservation_id = m.reference WHERE m.kind = 'expired'"
        ).fetchall()
    return sorted(max(0.0, value) for (value,) in rows)


def main(argv: Sequence[str] | None = None) -> None:
    """Runs ``--runs`` measurements and prints them as one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.expiry", description=__doc__)
    parser.add_argument("--rate", type=float, default=2500, help="reservations per second (2500)")
    parser.add_argument("--seconds", type=float, default=10, help="length of the load (10)")
    parser.add_argument("--ttl", type=float, default=0.5, help="seconds each reservation is held (0.5)")
    parser.add_argument("--runs", type=int, default=3, help="measurements (3)")
    args = parser.parse_args(argv)
    runs = [asyncio.run(measure(args.rate, args.seconds, args.ttl)) for _ in range(args.runs)]
    json.dump({"expiry": runs}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
