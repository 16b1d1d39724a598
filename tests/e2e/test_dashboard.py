"""run.py on a terminal: one dashboard screen updated in place, read back through a terminal emulator."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest

from nodekit.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 90.0
HEADER = "Distribution network"

pytestmark = pytest.mark.e2e

FLAGS = ["--months", "2", "--customers", "3", "--manufacturers", "2", "--branches", "1",
         "--month-seconds", "4"]  # fmt: skip


class Terminal:
    """run.py in a pseudo-terminal of a given size, its output fed to a pyte screen."""

    def __init__(self, run_dir: Path, *flags: str, columns: int = 100, lines: int = 30) -> None:
        self.screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self.screen)
        # A fixed COLUMNS or LINES would pin rich's idea of the size; the test resizes the terminal.
        env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}
        env.update(DISTRIBUTION_NO_BOOTSTRAP="1", TERM="xterm-256color")
        self.child = pexpect.spawn(
            sys.executable,
            [str(ROOT / "run.py"), "--run-dir", str(run_dir), *flags],
            cwd=str(ROOT),
            env=env,
            dimensions=(lines, columns),
        )

    def frame(self, quiet_s: float = 0.1) -> list[str] | None:
        """Reads until the output pauses (a whole frame is drawn); None once run.py has exited."""
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=quiet_s)
            except pexpect.TIMEOUT:
                return list(self.screen.display)
            except pexpect.EOF:
                return None
            # Bytes without an encoding given to spawn; the stubs cannot tell.
            self._stream.feed(data if isinstance(data, bytes) else data.encode())

    def resize(self, columns: int, lines: int) -> None:
        self.screen.resize(lines, columns)
        self.child.setwinsize(lines, columns)

    def close(self) -> int:
        self.child.expect(pexpect.EOF, timeout=RUN_TIMEOUT_S)
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


def test_the_dashboard_is_one_screen_updated_in_place_that_follows_the_window(tmp_path: Path) -> None:
    port = free_port()
    terminal = Terminal(tmp_path / "run", *FLAGS, "--port", str(port))
    frames: list[list[str]] = []
    resized: list[list[str]] = []
    deadline = time.monotonic() + RUN_TIMEOUT_S
    try:
        while (frame := terminal.frame()) is not None and time.monotonic() < deadline:
            if not any(HEADER in line for line in frame):
                continue
            (resized if resized or terminal.screen.columns == 120 else frames).append(frame)
            if len([f for f in frames if "Month 1 of 2 OPEN" in "\n".join(f)]) >= 3 and not resized:
                terminal.resize(120, 36)
    finally:
        code = terminal.close()

    assert code == 0, "\n".join(terminal.screen.display)
    months = [f for f in frames if "Month 1 of 2 OPEN" in "\n".join(f)]
    assert len(months) >= 3, "the month's progress was on screen for a while"
    text = "\n".join(months[-1])
    for figure in (f"127.0.0.1:{port}", "distribution-customer shop", "operator.key", "Acme Foods",
                   "Borealis Tools", "Stock, month 1", "Ticker", "Totals so far", "Links",
                   "web shop http://127.0.0.1:"):  # fmt: skip
        assert figure in text, f"{figure!r} missing from\n{text}"
    # In place: every frame holds the dashboard once, its header always on the same row.
    assert all(sum(HEADER in line for line in f) == 1 for f in frames)
    assert len({next(i for i, line in enumerate(f) if HEADER in line) for f in frames}) == 1
    assert all(max(len(line.rstrip()) for line in f) <= 100 for f in frames)
    # After the resize the layout spans the wider window.
    assert resized, "no frame after the resize"
    assert max(len(line.rstrip()) for line in resized[-1]) > 100
    assert "Loss check: nothing acknowledged was lost" in "\n".join(terminal.screen.display)


def test_shrunk_to_80_by_24_the_dashboard_redraws_whole_with_no_stale_row(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path / "run", *FLAGS, "--month-seconds", "8")
    small: list[list[str]] = []
    deadline = time.monotonic() + RUN_TIMEOUT_S
    try:
        while (frame := terminal.frame()) is not None and time.monotonic() < deadline:
            if terminal.screen.columns == 80:
                small.append(frame)
                if len(small) >= 8:
                    break
            elif "Month 1 of 2 OPEN" in "\n".join(frame):
                terminal.resize(80, 24)
    finally:
        terminal.child.terminate(force=True)
        terminal.child.close()

    assert len(small) >= 8, "too few frames after the resize"
    last = small[-1]
    text = "\n".join(last)
    # Drawn once, whole: one header and one ticker, none of the wider layout's rows left behind.
    assert sum(HEADER in line for line in last) == 1, text
    assert sum("Ticker" in line for line in last) == 1, text
    assert sum("Stock" in line for line in last) == 1, text
    header = next(i for i, line in enumerate(last) if HEADER in line)
    for row in last[header : header + 4]:
        assert not row.rstrip().endswith("\u2026"), text
    for title in ("Links", "Low-stock alerts", "Totals so far"):
        assert title in text, text
