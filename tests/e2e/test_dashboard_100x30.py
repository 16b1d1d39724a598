"""run.py in a real 100x30 terminal: every figure of the dashboard's header shows whole.

The screen is read back through a terminal emulator (pyte) from a pseudo-terminal, as
tests/e2e/test_dashboard.py does at 80x24; each header row is matched whole against the figures
run.py wrote into join.txt, with one central and with three.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.e2e.test_dashboard import HEADER, RUN_TIMEOUT_S, Terminal

pytestmark = pytest.mark.e2e

COLUMNS, LINES = 100, 30
FLAGS = ["--months", "1", "--customers", "3", "--manufacturers", "2", "--branches", "1",
         "--month-seconds", "20"]  # fmt: skip
FRAMES = 6
ELLIPSIS = "\u2026"


def header_rows(terminal: Terminal, run_dir: Path) -> tuple[list[str], str]:
    """The header's five rows of the last of FRAMES frames with the month open; the card's central."""
    rows: list[list[str]] = []
    deadline = time.monotonic() + RUN_TIMEOUT_S
    try:
        while (frame := terminal.frame()) is not None and time.monotonic() < deadline:
            top = next((i for i, line in enumerate(frame) if HEADER in line), None)
            text = "\n".join(frame)
            # The month open and the web shop's URL known: every row of the header has its figures.
            if top is not None and " OPEN " in frame[top] and "web shop http" in text:
                rows.append(frame[top : top + 5])
                if len(rows) >= FRAMES:
                    break
    finally:
        terminal.child.terminate(force=True)
        terminal.child.close()
    assert len(rows) >= FRAMES, "the month's header was not on screen long enough"
    card = (run_dir / "join.txt").read_text()
    central = re.search(r"^central: (\S+)$", card, re.MULTILINE)
    assert central, card
    return rows[-1], central.group(1)


def assert_whole(rows: list[str], central: str) -> None:
    """Each header row whole: no ellipsis, every figure matched from its label to its end."""
    shown = "\n".join(rows)
    assert all(len(row) <= COLUMNS for row in rows)
    assert not any(ELLIPSIS in row.replace(f"{ELLIPSIS}/run/", "") for row in rows), shown
    title, figures, centrals, join, people = (row.rstrip() for row in rows)
    assert re.fullmatch(r"Distribution network  Month 1 of 1 OPEN [\u2588\u2591]{12} +\d+\.\ds/20s", title), (
        shown
    )
    money = r"\$\d{1,3}(,\d{3})*\.\d\d"
    figures_whole = rf"orders \d+ \(\d+\.\d/s\)  revenue {money}  sold \d+%  shoppers done \d+/\d+"
    assert re.fullmatch(figures_whole, figures), shown
    assert re.search(r"  processes \d+, restarted \d+$", centrals), shown
    for address in central.split(","):
        assert f"{address} " in centrals, shown
    assert join == f"join: distribution-customer shop --central {central}", shown
    shop = r"web shop http://127\.0\.0\.1:\d+/shop"
    key = r"operator key: \u2026/run/operator\.key"
    assert re.fullmatch(rf"{shop}  shoppers by hand: \d+  {key}(  \(all in join\.txt\))?", people), shown


def test_at_100_by_30_every_header_figure_is_whole(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    terminal = Terminal(run_dir, *FLAGS, columns=COLUMNS, lines=LINES)
    rows, central = header_rows(terminal, run_dir)
    assert_whole(rows, central)


def test_with_three_centrals_the_shop_command_keeps_every_address(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    terminal = Terminal(run_dir, *FLAGS, "--centrals", "3", "--postgres", columns=COLUMNS, lines=LINES)
    rows, central = header_rows(terminal, run_dir)
    assert central.count(",") == 2
    assert_whole(rows, central)
