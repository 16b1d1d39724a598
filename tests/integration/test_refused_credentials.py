"""Nodes whose credentials the central refuses exit 1 at once with one readable line, never retrying."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from central.testing import RunningCentral, running_central
from tests.processes import node_process

START_S = 30.0  # a cold Python start on a busy 2-core machine
MAKER, MAKER_KEY = "Acme Foods", "acme-foods-key-1"
BRANCH, BRANCH_KEY = "north", "north-key-1"
# Keys of another manufacturer and another branch: valid, but not the names the nodes run under.
OTHER_MAKER_KEY, OTHER_BRANCH_KEY = "bolt-works-key-1", "south-key-1"
# What must never reach a person: a traceback, a raw gRPC error, the branch retrying its tick.
# (A manufacturer's Hello may race the refusal and be lost as grpcio's INTERNAL, grpc/grpc#36066;
# its link then connects once more and hears the refusal itself.)
NOISE = ("Traceback", "AioRpcError", "tick failed")


def node_argv(module: str, rc: RunningCentral, key: str, tmp_path: Path) -> list[str]:
    if module == "manufacturer_node":
        return ["--central", rc.address, "--name", MAKER, "--key", key]
    if module == "branch_node":
        return ["--central", rc.address, "--name", BRANCH, "--key", key, "--db", str(tmp_path / "b.sqlite3")]
    token_file = tmp_path / "token.txt"
    token_file.write_text(key + "\n")
    return ["--central", rc.address, "--name", "ann", "--token-file", str(token_file)]


@pytest.mark.parametrize(
    ("module", "key", "code"),
    [
        ("manufacturer_node", "not-a-key-at-all", "UNAUTHENTICATED"),
        ("manufacturer_node", BRANCH_KEY, "PERMISSION_DENIED"),
        ("branch_node", "not-a-key-at-all", "UNAUTHENTICATED"),
        ("branch_node", MAKER_KEY, "PERMISSION_DENIED"),
        ("manufacturer_node", OTHER_MAKER_KEY, "PERMISSION_DENIED"),
        ("branch_node", OTHER_BRANCH_KEY, "PERMISSION_DENIED"),
        ("customer_node", MAKER_KEY, "PERMISSION_DENIED"),
    ],
)
async def test_a_refused_node_exits_1_at_once_with_one_line(
    module: str, key: str, code: str, tmp_path: Path
) -> None:
    log = tmp_path / "node.log"
    makers = {MAKER: MAKER_KEY, "Bolt Works": OTHER_MAKER_KEY}
    branches = {BRANCH: BRANCH_KEY, "south": OTHER_BRANCH_KEY}
    async with running_central(manufacturer_keys=makers, branch_keys=branches) as rc:
        started = time.monotonic()
        with node_process(module, node_argv(module, rc, key, tmp_path), log) as process:
            exit_code = await asyncio.to_thread(process.wait, START_S)
        took = time.monotonic() - started
    text = log.read_text()
    assert exit_code == 1, text
    refusals = [line for line in text.splitlines() if "the central refused" in line]
    assert len(refusals) == 1, text
    assert f"({code}: " in refusals[0] and "ERROR" in refusals[0], refusals
    assert not [noise for noise in NOISE if noise in text], text
    # At once: the start-up, one refused call, and the shutdown.
    assert took < START_S
