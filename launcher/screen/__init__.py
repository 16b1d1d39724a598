"""The run on screen: the board the launcher keeps, the terminal dashboard, plain lines and the ticker."""

from __future__ import annotations

from launcher.screen.board import Board, Roster
from launcher.screen.dashboard import Screen
from launcher.screen.display import background, shown
from launcher.screen.header import header_panel
from launcher.screen.panels import stock_bar
from launcher.screen.plain import PlainLog
from launcher.screen.ticker import Kind

__all__ = [
    "Board",
    "Kind",
    "PlainLog",
    "Roster",
    "Screen",
    "background",
    "header_panel",
    "shown",
    "stock_bar",
]
