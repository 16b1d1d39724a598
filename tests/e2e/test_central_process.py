"""The central as a real process: graceful stop, and SIGKILL in the middle of buying."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
from pathlib import Path

import grpc
import pytest

from generated.distribution.v1 import cart_pb2, order_pb2
from nodekit.channel import open_channel
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from tests.helpers import Stubs, add, assert_eventually, checkout, open_month_with, register
from tests.processes import node_process, stop

pytestmark = pytest.mark.e2e

OPERATOR_KEY = "e2e-operator-key"


def _args(port: int, db: Path, ttl_s: float = 900) -> list[str]:
    return [
        "--port",
        str(port),
        "--db",
        f"sqlite+aiosqlite:///{db}",
        "--operator-key",
        OPERATOR_KEY,
        "--reservation-ttl-seconds",
        str(ttl_s),
    ]


class _Operator:
    """Enough of RunningCentral for the helpers: the operator's metadata."""

    operator_metadata = (("authorization", f"Bearer {OPERATOR_KEY}"),)


async def test_sigterm_drains_and_exits_zero(tmp_path: Path) -> None:
    port = free_port()
    with node_process("central", _args(port, tmp_path / "c.sqlite3"), tmp_path / "central.log") as proc:
        await wait_until_serving(f"127.0.0.1:{port}", timeout_s=30)
        assert stop(proc) == 0


async def test_kill_9_mid_buying_keeps_every_acknowledged_order(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    port = free_port()
    address = f"127.0.0.1:{port}"
    acknowledged: set[str] = set()
    with node_process("central", _args(port, db, ttl_s=1.0), tmp_path / "central-1.log") as proc:
        await wait_until_serving(address, timeout_s=30)
        async with open_channel(address) as channel:
            stubs = Stubs.on(channel)
            lines = await open_month_with(_Operator(), stubs, {"bolts": 10_000})  # type: ignore[arg-type]
            buyers = [await register(stubs, f"b{i}") for i in range(16)]
            killed = asyncio.Event()

            async def shop(index: int) -> None:
                for round_ in range(10_000):
                    try:
                        await add(stubs, buyers[index], lines["bolts"], 1)
                        await add(stubs, buyers[index], lines["bolts"], 1)
                        reply = await checkout(stubs, buyers[index], f"crash-{index}-{round_}")
                    except grpc.aio.AioRpcError:
                        return
                    acknowledged.add(reply.order.order_id)
                    # Leave a reservation behind now and then: it must expire after the restart.
                    await add(stubs, buyers[index], lines["bolts"], 1)
                    if killed.is_set():
                        return

            shoppers = [asyncio.create_task(shop(i)) for i in range(len(buyers))]

            async def enough_orders() -> None:
                assert len(acknowledged) >= 40

            await assert_eventually(enough_orders, timeout_s=60)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            killed.set()
            await asyncio.gather(*shoppers, return_exceptions=True)

    port = free_port()
    address = f"127.0.0.1:{port}"
    with node_process("central", _args(port, db, ttl_s=1.0), tmp_path / "central-2.log") as proc:
        await wait_until_serving(address, timeout_s=30)

        def stored() -> tuple[set[str], tuple[int, int, int], int]:
            with contextlib.closing(sqlite3.connect(db)) as conn:
                orders = {row[0] for row in conn.execute("SELECT order_id FROM orders")}
                counters = conn.execute("SELECT offered, reserved, sold FROM stock_lines").fetchone()
                bought = conn.execute(
                    "SELECT COALESCE(SUM(quantity),0) FROM order_lines WHERE bought=1"
                ).fetchone()[0]
            return orders, counters, bought

        async def reservations_released() -> None:
            _, (_offered, reserved, _sold), _ = stored()
            assert reserved == 0

        await assert_eventually(reservations_released, timeout_s=20)
        orders, (offered, reserved, sold), bought = stored()
        assert acknowledged <= orders
        assert sold == bought
        assert reserved >= 0 and sold >= 0 and reserved + sold <= offered

        # The restarted central still serves the same month and the same customers.
        async with open_channel(address) as channel:
            stubs = Stubs.on(channel)
            cart = await stubs.cart.GetCart(cart_pb2.GetCartRequest(), metadata=buyers[0], timeout=5)
            assert all(line.state == cart_pb2.CART_LINE_STATE_EXPIRED for line in cart.lines)
            history = await stubs.orders.ListOrders(
                order_pb2.ListOrdersRequest(limit=500), metadata=buyers[0], timeout=5
            )
            assert {o.order_id for o in history.orders} <= orders
        assert stop(proc) == 0
