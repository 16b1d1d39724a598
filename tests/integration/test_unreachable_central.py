"""A node that cannot reach the central says so while it waits, with a hint, and goes on once one is there."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from central.testing import running_central
from nodekit.ports import free_port
from nodekit.reach import ReachNotice, unreachable_line
from tests.helpers import assert_eventually
from tests.processes import node_process

START_S = 30.0  # a cold Python start on a busy 2-core machine


def node_argv(module: str, address: str, tmp_path: Path) -> tuple[str, list[str]]:
    central = ["--central", address]
    if module == "customer_node shop":
        card = ["--card", "4242424242424242 12/2031", "--account-file", str(tmp_path / "bea.json")]
        return "customer_node", ["shop", *central, "--name", "bea", *card, "--startup-timeout", "60"]
    if module == "manufacturer_node":
        return module, [*central, "--name", "acme", "--key", "acme-key"]
    if module == "branch_node":
        db = str(tmp_path / "b.sqlite3")
        return module, [*central, "--name", "north", "--key", "north-key", "--db", db, "--no-simulate"]
    return module, [*central, "--name", "ann", "--startup-timeout", "60"]


def test_the_line_names_the_address_and_how_to_start_a_central() -> None:
    assert unreachable_line("127.0.0.1:5005") == (
        "cannot reach the central at 127.0.0.1:5005 yet; is it running? "
        "start one with `python -m central --port 5005`"
    )
    assert unreachable_line("a:1,b:2").startswith("cannot reach any central at a:1,b:2 yet;")


def test_the_line_comes_at_once_then_every_few_seconds() -> None:
    said: list[str] = []
    now = [0.0]
    notice = ReachNotice("h:1", say=said.append, every_s=5.0, clock=lambda: now[0])
    for step in range(12):  # an attempt every second for 12 s
        now[0] = float(step)
        notice.failed()
    assert len(said) == 3  # at 0 s, 5 s and 10 s
    notice.reached()
    notice.failed()
    assert len(said) == 4  # a new outage is told at once


MODULES = ["customer_node", "customer_node shop", "manufacturer_node", "branch_node"]


@pytest.mark.parametrize("module", MODULES)
async def test_a_node_waiting_for_the_central_says_so_and_goes_on_when_it_starts(
    module: str, tmp_path: Path
) -> None:
    port = free_port()
    address = f"127.0.0.1:{port}"
    log = tmp_path / "node.log"
    name, argv = node_argv(module, address, tmp_path)
    with node_process(name, argv, log) as process:

        async def told() -> None:
            assert process.poll() is None, log.read_text()
            assert unreachable_line(address) in log.read_text()

        await assert_eventually(told, START_S)
        keys = {"acme": "acme-key"}
        async with running_central(port=port, manufacturer_keys=keys, branch_keys={"north": "north-key"}):
            reached = {
                "customer_node": "registered as ann",
                "customer_node shop": "welcome, bea",
                "manufacturer_node": "connected to the central as acme",
                "branch_node": "sales stream resumes after sequence 0",
            }[module]

            async def going_on() -> None:
                # (The shop, its input at an end, may have said goodbye already.)
                assert reached in log.read_text(), log.read_text()

            await assert_eventually(going_on, START_S)
    lines = log.read_text().splitlines()
    assert sum(unreachable_line(address) in line for line in lines) <= 3, lines  # not at every attempt


@pytest.mark.parametrize("how", ["flag", "environment"])
async def test_the_shop_given_a_malformed_central_exits_2_at_once_with_one_line(
    how: str, tmp_path: Path
) -> None:
    # The other nodes' start-up is in test_several_addresses; the shop and $DISTRIBUTION_CENTRAL here.
    log = tmp_path / "shop.log"
    argv = ["shop", "--central", "nonsense"] if how == "flag" else ["shop"]
    env = {"DISTRIBUTION_CENTRAL": "nonsense"} if how == "environment" else {}
    with node_process("customer_node", argv, log, env) as process:
        code = await asyncio.to_thread(process.wait, START_S)
    lines = log.read_text().splitlines()
    assert (code, len(lines)) == (2, 1), lines
    assert (
        lines[0]
        == "python -m customer_node shop: error: --central expects HOST:PORT[,HOST:PORT...]; got 'nonsense'"
    )
