"""The central as a real process: clear refusals at start-up, its own operator key, a prompt stop."""

from __future__ import annotations

import signal
import stat
import time
from pathlib import Path

import grpc
import pytest

from generated.distribution.v1 import catalog_pb2, catalog_pb2_grpc, month_pb2, month_pb2_grpc
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from tests.helpers import Stubs, next_reply, register
from tests.processes import node_process, stop

pytestmark = pytest.mark.e2e

KEY = "startup-operator-key"


def _refusal(log: Path) -> str:
    """The one line a central that could not start wrote, after checking there is nothing else."""
    text = log.read_text()
    assert "Traceback" not in text
    (line,) = [line for line in text.splitlines() if " ERROR " in line]
    return line


async def test_a_second_central_on_a_port_in_use_refuses_and_exits_1(tmp_path: Path) -> None:
    port = free_port()
    first = ["--port", str(port), "--db", str(tmp_path / "a.sqlite3"), "--operator-key", KEY]
    with node_process("central", first, tmp_path / "a.log") as running:
        await wait_until_serving(f"127.0.0.1:{port}", timeout_s=30)
        second = ["--port", str(port), "--db", str(tmp_path / "b.sqlite3"), "--operator-key", KEY]
        with node_process("central", second, tmp_path / "b.log") as refused:
            assert refused.wait(timeout=30) == 1
        assert _refusal(tmp_path / "b.log").endswith(
            f"cannot listen on 127.0.0.1:{port}: port {port} is in use"
        )
        assert not (tmp_path / "b.sqlite3").exists()
        # The first one still answers.
        await wait_until_serving(f"127.0.0.1:{port}", timeout_s=5)
        assert stop(running) == 0


@pytest.mark.parametrize(
    ("db", "cause"),
    [
        ("missing/dir/c.sqlite3", "directory {tmp}/missing/dir does not exist"),
        ("sqlite+aiosqlite:///{tmp}/missing/c.sqlite3", "directory {tmp}/missing does not exist"),
    ],
)
async def test_a_database_that_cannot_be_opened_is_one_line_and_exit_1(
    tmp_path: Path, db: str, cause: str
) -> None:
    target = db.format(tmp=tmp_path) if "://" in db else str(tmp_path / db)
    args = ["--port", str(free_port()), "--db", target, "--operator-key", KEY]
    with node_process("central", args, tmp_path / "central.log") as proc:
        assert proc.wait(timeout=30) == 1
    line = _refusal(tmp_path / "central.log")
    assert f"cannot open database {tmp_path}/missing" in line
    assert line.endswith(cause.format(tmp=tmp_path))


async def test_without_an_operator_key_one_is_made_in_an_owner_only_file_beside_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISTRIBUTION_OPERATOR_KEY", raising=False)
    db = tmp_path / "plain.sqlite3"  # a plain path: a SQLite file
    key_file = tmp_path / "central-operator.key"
    keys = []
    for run in (1, 2):
        port = free_port()
        log = tmp_path / f"central-{run}.log"
        with node_process("central", ["--port", str(port), "--db", str(db)], log) as proc:
            await wait_until_serving(f"127.0.0.1:{port}", timeout_s=30)
            assert db.is_file()
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
            key = key_file.read_text().strip()
            keys.append(key)
            (line,) = [line for line in log.read_text().splitlines() if "operator key" in line]
            assert str(key_file) in line and key not in line
            async with open_channel(f"127.0.0.1:{port}") as channel:
                months = month_pb2_grpc.MonthServiceStub(channel)
                await months.GetMonthStatus(
                    month_pb2.GetMonthStatusRequest(), metadata=bearer_metadata(key), timeout=10
                )
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await months.GetMonthStatus(
                        month_pb2.GetMonthStatusRequest(),
                        metadata=bearer_metadata("operator-dev-key"),
                        timeout=10,
                    )
                assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert stop(proc) == 0
    # A restart finds the same key, so the operator's key file keeps working.
    assert keys[0] == keys[1]


async def test_sigterm_with_an_open_catalog_watch_exits_promptly(tmp_path: Path) -> None:
    port = free_port()
    args = ["--port", str(port), "--db", str(tmp_path / "c.sqlite3"), "--operator-key", KEY]
    with node_process("central", args, tmp_path / "central.log") as proc:
        await wait_until_serving(f"127.0.0.1:{port}", timeout_s=30)
        async with open_channel(f"127.0.0.1:{port}") as channel:
            ann = await register(Stubs.on(channel), "ann")
            watch = catalog_pb2_grpc.CatalogServiceStub(channel).WatchCatalog(
                catalog_pb2.WatchCatalogRequest(), metadata=ann, timeout=60
            )
            assert (await next_reply(watch)).snapshot
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            # Well inside the 5 s grace: the watch ends when shutdown starts.
            assert proc.wait(timeout=4) == 0
            assert time.monotonic() - started < 4
            with pytest.raises(grpc.aio.AioRpcError) as ended:
                await watch.read()
            assert ended.value.code() == grpc.StatusCode.UNAVAILABLE
