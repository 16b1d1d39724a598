"""The real ``python -m customer_node shop`` against the in-process central: piped, and on a terminal."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pexpect
import pyte
import pytest

from central.testing import RunningCentral, running_central
from customer_node.session import Session
from generated.distribution.v1 import month_pb2
from tests.helpers import TIMEOUT, Stubs, assert_eventually, open_month_with, status
from tests.processes import ROOT, node_env

START_S = 60.0  # a cold Python start on a busy 2-core machine
ZONE = "Asia/Kolkata"  # UTC+05:30: a time printed in UTC cannot pass for local time here
CARD = "4242424242424242 12/2031"


@pytest.fixture
async def central() -> AsyncIterator[RunningCentral]:
    async with running_central() as rc:
        await open_month_with(rc, Stubs.on(rc.channel), {"apple": 50, "pear": 5}, price=123456)
        yield rc


def shop_argv(central: RunningCentral, account: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "customer_node", "shop", "--central", central.address, "--name", "ann",
            "--account-file", str(account), "--startup-timeout", "60", *extra]  # fmt: skip


class PipedShop:
    """The shop with stdin a pipe (the plain reader), its output collected in a file."""

    def __init__(self, argv: list[str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env={**node_env(), "TZ": ZONE},
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text()

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    async def says(self, text: str, after: int = 0) -> None:
        """Waits until ``text`` appears in the output past character ``after``."""

        async def said() -> None:
            assert self.process.poll() is None or text in self.output()[after:], self.output()
            assert text in self.output()[after:], self.output()

        await assert_eventually(said, START_S)

    async def ask(self, line: str, answer: str) -> str:
        """Sends ``line`` and returns the output it caused, once it contains ``answer``."""
        mark = len(self.output())
        self.send(line)
        await self.says(answer, mark)
        return self.output()[mark:]

    async def exit_code(self) -> int:
        return await asyncio.to_thread(self.process.wait, START_S)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        if self.process.stdin is not None:
            self.process.stdin.close()


@pytest.fixture
def shops(tmp_path: Path) -> Iterator[list[PipedShop]]:
    started: list[PipedShop] = []
    yield started
    for shop in started:
        shop.kill()


def start(shops: list[PipedShop], argv: list[str], log: Path) -> PipedShop:
    shop = PipedShop(argv, log)
    shops.append(shop)
    return shop


async def test_a_restarted_shop_logs_back_in_and_shows_the_earlier_orders(
    central: RunningCentral, shops: list[PipedShop], tmp_path: Path
) -> None:
    account = tmp_path / "state" / "ann.json"
    first = start(shops, shop_argv(central, account, "--card", CARD), tmp_path / "first.log")
    await first.says("month 1 is open")
    assert "welcome, ann" in first.output() and os.stat(account).st_mode & 0o777 == 0o600
    listed = await first.ask("list", "apple")
    assert "$1,234.56" in listed, listed
    reserved = await first.ask("add 1 2", "reserved 2 x apple")
    placed = await first.ask("checkout", "placed")
    first.send("quit")
    assert await first.exit_code() == 0

    token = json.loads(account.read_text())["token"]
    (order,) = await Session(central.channel, TIMEOUT, token=token).list_orders()
    assert f"order {order.order_id}" in placed
    assert order.created_at is not None
    local = order.created_at.astimezone(ZoneInfo(ZONE))
    assert f"placed {local:%Y-%m-%d %H:%M:%S}" in placed, placed  # local time, not UTC
    assert re.search(r"until \d\d:\d\d:\d\d\n", reserved) and "UTC" not in reserved, reserved

    second = start(shops, shop_argv(central, account), tmp_path / "second.log")
    await second.says("month 1 is open")
    assert "welcome back, ann" in second.output()
    assert "card (" not in second.output()  # the central has the card: nothing to ask
    history = await second.ask("history", "placed")
    assert f"order {order.order_id}" in history, history
    await second.ask("list", "apple")
    await second.ask("add 1 1", "reserved 1 x apple")
    # A fresh checkout key: the same key as the first process's checkout would replay that order.
    again = await second.ask("checkout", "placed")
    assert f"order {order.order_id}" not in again and "1 x apple" in again, again
    second.send("quit")
    assert await second.exit_code() == 0
    assert len(await Session(central.channel, TIMEOUT, token=token).list_orders()) == 2


async def test_remove_puts_back_exactly_the_row_named(
    central: RunningCentral, shops: list[PipedShop], tmp_path: Path
) -> None:
    shop = start(shops, shop_argv(central, tmp_path / "a.json", "--card", CARD), tmp_path / "shop.log")
    await shop.says("month 1 is open")
    await shop.ask("list", "apple")
    await shop.ask("add 1 2", "reserved 2 x apple")
    await shop.ask("add 1 3", "reserved 3 x apple")
    cart = await shop.ask("cart", "total")
    assert "  1. 2 x apple" in cart and "  2. 3 x apple" in cart, cart
    assert "put back 3 x apple (row 2)" in await shop.ask("remove 2", "put back")
    assert "already removed" in await shop.ask("remove 2", "already removed")
    await shop.ask("add 2 1", "reserved 1 x pear")
    assert "put back 1 x pear (row 3)" in await shop.ask("remove 3", "put back")  # numbered as shown
    cart = await shop.ask("cart", "total")
    assert "  1. 2 x apple" in cart and "3 x apple" not in cart and "pear" not in cart, cart
    month = await status(central, Stubs.on(central.channel))
    assert {line.product: line.reserved for line in month.stock_lines} == {"apple": 2, "pear": 0}
    shop.send("quit")
    assert await shop.exit_code() == 0


async def test_done_tells_the_central_and_leaves(
    central: RunningCentral, shops: list[PipedShop], tmp_path: Path
) -> None:
    shop = start(shops, shop_argv(central, tmp_path / "a.json", "--card", CARD), tmp_path / "shop.log")
    await shop.says("month 1 is open")
    await shop.ask("done", "done with month 1 (1 shopper(s) done so far)")
    assert await shop.exit_code() == 0
    assert (await status(central, Stubs.on(central.channel))).finished_shoppers == 1


async def test_an_account_file_open_to_others_is_refused_in_one_line(
    central: RunningCentral, shops: list[PipedShop], tmp_path: Path
) -> None:
    account = tmp_path / "ann.json"
    account.write_text('{"customer_id": "x", "token": "y", "name": "ann"}\n')
    account.chmod(0o644)
    shop = start(shops, shop_argv(central, account), tmp_path / "shop.log")
    assert await shop.exit_code() == 1
    assert shop.output().splitlines() == [
        f"the account file {account} is open to others (mode 0644); it holds your token: "
        f"run `chmod 600 {account}`"
    ], shop.output()


class ShopTerminal:
    """The shop in a pseudo-terminal (the prompt-toolkit reader), its output fed to a pyte screen."""

    def __init__(self, argv: list[str]) -> None:
        self.screen = pyte.Screen(160, 100)  # tall enough that nothing scrolls away
        self._stream = pyte.ByteStream(self.screen)
        env = {**node_env(), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "TZ": ZONE}
        self.child = pexpect.spawn(argv[0], argv[1:], cwd=str(ROOT), env=env, dimensions=(100, 160))

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def _read(self) -> None:
        with contextlib.suppress(pexpect.TIMEOUT):
            while True:
                data = self.child.read_nonblocking(65536, timeout=0.2)
                self._stream.feed(data if isinstance(data, bytes) else data.encode())

    async def shows(self, pattern: str) -> None:
        """Waits until the screen matches ``pattern`` (``$`` ends a line: lines are right-stripped)."""

        async def shown() -> None:
            await asyncio.to_thread(self._read)
            assert re.search(pattern, self.text(), re.MULTILINE), self.text()

        await assert_eventually(shown, START_S)

    async def exit_code(self) -> int:
        await asyncio.to_thread(self.child.expect, pexpect.EOF, START_S)
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


async def test_on_a_terminal_the_card_prompt_hints_the_test_card_and_notices_keep_the_typed_line(
    central: RunningCentral, tmp_path: Path
) -> None:
    shop = ShopTerminal(shop_argv(central, tmp_path / "ann.json"))
    try:
        await shop.shows(r"the test card is 4242424242424242 \d\d/\d{4}")
        shop.child.sendline(CARD)
        await shop.shows(r"welcome, ann")
        await shop.shows(r"\[month 1 is open, 2 line\(s\) on sale\]")
        shop.child.send("hel")
        await shop.shows(r"shop> hel$")
        shop.child.send("\t")  # Tab completes the command
        await shop.shows(r"shop> help")
        shop.child.sendline("")
        await shop.shows(r"(show this text(.|\n)*){2}shop>$")
        shop.child.send("\x1b[A")  # the up arrow brings back the last line
        await shop.shows(r"shop> help$")
        shop.child.sendline("")
        await shop.shows(r"(show this text(.|\n)*){3}shop>$")
        shop.child.send("lis")  # half a line typed when the month closes
        await shop.shows(r"shop> lis")
        await Stubs.on(central.channel).months.CloseMonth(
            month_pb2.CloseMonthRequest(month=1), metadata=central.operator_metadata, timeout=TIMEOUT
        )
        await shop.shows(r"\[month 1 is now closed\]\nshop> lis")  # the typed half is redrawn below
        shop.child.sendline("t")
        await shop.shows(r"month 1 \(closed\), 0 line\(s\) on sale")
        shop.child.sendline("quit")
        assert await shop.exit_code() == 0
    finally:
        shop.child.close(force=True)
