"""A terminal shop process driven as a student would: wait for an open month, list, add, check out."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

CARD = "4242424242424242 12/2031"
SHOP_S = 60.0
POLL_S = 0.2
# The shop says a month is open on arrival ("[month 1 is open, 2 line(s) on sale]") or, when it
# came during collection, as the month opens ("[month 1 is now open]"): either may come first.
MONTH_OPEN = re.compile(r"month \d+ is (now )?open")


def wait_for_text(
    path: Path, text: str | re.Pattern[str], process: subprocess.Popen[bytes], after: int = 0
) -> str:
    """Polls the shop's output in ``path`` until ``text`` appears past ``after`` (bounded by SHOP_S)."""
    pattern = text if isinstance(text, re.Pattern) else re.compile(re.escape(text))
    deadline = time.monotonic() + SHOP_S
    while not pattern.search(output := path.read_text(errors="replace"), after):
        assert process.poll() is None, output
        assert time.monotonic() < deadline, f"no {pattern.pattern!r} in:\n{output}"
        time.sleep(POLL_S)
    return output[after:]


def buy_one_line(shop: subprocess.Popen[bytes], log: Path) -> None:
    """Once a month is open: lists, reserves one unit of line 1, checks out, quits (exit 0)."""
    assert shop.stdin is not None
    wait_for_text(log, MONTH_OPEN, shop)
    for line, answer in (("list", "1 "), ("add 1 1", "reserved 1 x"), ("checkout", "placed")):
        mark = len(log.read_text(errors="replace"))
        shop.stdin.write(line.encode() + b"\n")
        shop.stdin.flush()
        wait_for_text(log, answer, shop, mark)
    shop.stdin.write(b"quit\n")
    shop.stdin.flush()
    assert shop.wait(timeout=SHOP_S) == 0, log.read_text()
