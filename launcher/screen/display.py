"""Where the run is shown: the dashboard on a terminal, plain lines anywhere else, for a block of code."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TextIO

from rich.console import Console

from launcher.screen.board import Board
from launcher.screen.dashboard import Dashboard
from launcher.screen.plain import PlainLog
from launcher.screen.ticker import Kind


@contextlib.asynccontextmanager
async def background(*coroutines: Coroutine[Any, Any, None]) -> AsyncIterator[list[asyncio.Task[None]]]:
    """Runs tasks for the duration of a block and cancels whatever is still running after it."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.asynccontextmanager
async def shown(board: Board, out: TextIO, dashboard: bool) -> AsyncIterator[None]:
    """The dashboard on ``out`` for the duration of a block if ``dashboard``; plain lines otherwise."""
    if not dashboard:
        board.listen(PlainLog(out))
        yield
        return
    with warnings_to_ticker(board):
        async with background(Dashboard(board, Console(file=out)).run()):
            yield


class TickerLogHandler(logging.Handler):
    """Warnings go to the ticker while the dashboard owns the terminal, instead of across it."""

    def __init__(self, board: Board) -> None:
        super().__init__(logging.WARNING)
        self._board = board

    def emit(self, record: logging.LogRecord) -> None:
        self._board.event(Kind.WARNING, f"{record.levelname.lower()}: {record.getMessage()}")


@contextlib.contextmanager
def warnings_to_ticker(board: Board) -> Iterator[None]:
    """Swaps the stderr log handler for the ticker while the dashboard owns the terminal."""
    root = logging.getLogger()
    consoles = [h for h in root.handlers if type(h) is logging.StreamHandler]
    ticker = TickerLogHandler(board)
    for handler in consoles:
        root.removeHandler(handler)
    root.addHandler(ticker)
    try:
        yield
    finally:
        root.removeHandler(ticker)
        for handler in consoles:
            root.addHandler(handler)
