"""Live progress of an open month: bars and a per-manufacturer table, redrawn in place on a TTY."""

from __future__ import annotations

import shutil
from collections import deque
from collections.abc import Sequence
from typing import TextIO

from launcher.formatting import fit
from launcher.snapshots import MonthSnapshot, tally_by_manufacturer

RATE_WINDOW_S = 2.0
PLAIN_INTERVAL_S = 1.0
BAR_WIDTH = 30
# Cursor up to the first line of the previous frame, then clear to the end of the screen.
_UP = "\x1b[{n}F"
_CLEAR_DOWN = "\x1b[J"


def bar(fraction: float, width: int = BAR_WIDTH, fancy: bool = False) -> str:
    """``[######----]``: a fraction in 0..1 (clamped) as a fixed-width bar."""
    fraction = min(1.0, max(0.0, fraction))
    full, empty = ("\u2588", "\u2591") if fancy else ("#", "-")
    filled = round(fraction * width)
    return f"[{full * filled}{empty * (width - filled)}]"


class RateMeter:
    """Per-second rate of a growing counter over a sliding time window."""

    def __init__(self, window_s: float = RATE_WINDOW_S) -> None:
        self._window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, at: float, value: int) -> float:
        """Records ``value`` at time ``at`` (seconds) and returns the rate over the window."""
        self._samples.append((at, value))
        # Keep one sample older than the window, so the rate spans the whole window.
        while len(self._samples) > 2 and at - self._samples[1][0] >= self._window_s:
            self._samples.popleft()
        first_at, first = self._samples[0]
        span = at - first_at
        return (value - first) / span if span > 0 else 0.0


def render_frame(
    snapshot: MonthSnapshot,
    elapsed_s: float,
    backstop_s: float,
    order_rate: float,
    unit_rates: dict[str, float],
    expected_shoppers: int,
    fancy: bool = False,
) -> list[str]:
    """The lines of one progress frame."""
    offered, sold = snapshot.offered, snapshot.sold
    lines = [
        f"month {snapshot.month} {snapshot.state.lower():<6} "
        f"time {bar(elapsed_s / backstop_s if backstop_s else 0, fancy=fancy)} "
        f"{elapsed_s:5.1f}s/{backstop_s:.0f}s",
        f"{'':13}sold {bar(sold / offered if offered else 0, fancy=fancy)} {sold}/{offered} units",
        f"{'':13}orders {snapshot.order_count} ({order_rate:.1f}/s)  "
        f"shoppers done {snapshot.finished_shoppers}/{expected_shoppers}  "
        f"unmet {snapshot.unmet_demand}",
        f"  {'manufacturer':<20} {'offered':>8} {'reserved':>9} {'sold':>8} {'units/s':>8}",
    ]
    for name, tally in tally_by_manufacturer(snapshot.stock_lines).items():
        lines.append(
            f"  {name[:20]:<20} {tally.offered:>8} {tally.reserved:>9} {tally.sold:>8} "
            f"{unit_rates.get(name, 0.0):>8.1f}"
        )
    return lines


def render_plain(snapshot: MonthSnapshot, elapsed_s: float, backstop_s: float, order_rate: float) -> str:
    """One line for logs and pipes, where redrawing in place is impossible."""
    offered, sold = snapshot.offered, snapshot.sold
    share = f"{100 * sold / offered:.0f}%" if offered else "-"
    return (
        f"month {snapshot.month} {snapshot.state.lower()} {elapsed_s:.1f}s/{backstop_s:.0f}s: "
        f"sold {sold}/{offered} ({share}), reserved {snapshot.reserved}, "
        f"orders {snapshot.order_count} ({order_rate:.1f}/s), "
        f"shoppers done {snapshot.finished_shoppers}"
    )


class LiveProgress:
    """Shows an open month's progress on ``stream``; silent when ``quiet``."""

    def __init__(self, stream: TextIO, quiet: bool = False, tty: bool | None = None) -> None:
        self._stream = stream
        self._quiet = quiet
        self._tty = stream.isatty() if tty is None else tty
        self._fancy = self._tty and (getattr(stream, "encoding", "") or "").lower() in {
            "utf-8",
            "utf8",
        }
        self._drawn = 0
        self._last_plain = float("-inf")
        self._backstop_s = 0.0
        self._shoppers = 0
        self._orders = RateMeter()
        self._units: dict[str, RateMeter] = {}

    def begin(self, backstop_s: float, expected_shoppers: int) -> None:
        """Starts a new month's display."""
        self._drawn = 0
        self._last_plain = float("-inf")
        self._backstop_s = backstop_s
        self._shoppers = expected_shoppers
        self._orders = RateMeter()
        self._units = {}

    def update(self, snapshot: MonthSnapshot, elapsed_s: float) -> None:
        """Shows one status poll."""
        order_rate = self._orders.add(elapsed_s, snapshot.order_count)
        unit_rates = {
            name: self._units.setdefault(name, RateMeter()).add(elapsed_s, tally.sold)
            for name, tally in tally_by_manufacturer(snapshot.stock_lines).items()
        }
        if self._quiet:
            return
        if self._tty:
            frame = render_frame(
                snapshot,
                elapsed_s,
                self._backstop_s,
                order_rate,
                unit_rates,
                self._shoppers,
                self._fancy,
            )
            self._redraw(frame)
        elif elapsed_s - self._last_plain >= PLAIN_INTERVAL_S:
            self._last_plain = elapsed_s
            self._write([render_plain(snapshot, elapsed_s, self._backstop_s, order_rate)])

    def end(self) -> None:
        """Leaves the last frame on screen; the summary follows below it."""
        self._drawn = 0

    def _redraw(self, frame: Sequence[str]) -> None:
        # Lines wider than the terminal would wrap and break the cursor arithmetic.
        width = shutil.get_terminal_size((100, 24)).columns - 1
        prefix = _UP.format(n=self._drawn) + _CLEAR_DOWN if self._drawn else ""
        self._stream.write(prefix + "\n".join(fit(line, width) for line in frame) + "\n")
        self._stream.flush()
        self._drawn = len(frame)

    def _write(self, lines: Sequence[str]) -> None:
        self._stream.write("".join(f"{line}\n" for line in lines))
        self._stream.flush()
