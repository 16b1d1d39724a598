"""Several centrals on the dashboard: each one's health over real gRPC, one mark each, a stop is news."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
from rich.console import Console

from launcher.months.centrals_health import follow_centrals
from launcher.records.join import JoinInfo
from launcher.screen.board import Board
from launcher.screen.header import header_panel
from launcher.screen.ticker import Kind
from nodekit.health import add_health, set_serving
from tests.helpers import eventually

DOWN, UP = "\u25cb", "\u25cf"


@contextlib.asynccontextmanager
async def health_server() -> AsyncIterator[tuple[str, grpc.aio.Server]]:
    server = grpc.aio.server()
    health = add_health(server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    await set_serving(health, True)
    try:
        yield f"127.0.0.1:{port}", server
    finally:
        await server.stop(grace=None)


def header(board: Board) -> str:
    console = Console(file=io.StringIO(), width=200, record=True, color_system=None)
    console.print(header_panel(board))
    return console.export_text()


async def test_each_central_has_its_mark_and_one_stopping_is_news() -> None:
    async with health_server() as (first, _), health_server() as (second, stopping):
        board = Board()
        board.joined(JoinInfo(f"{first},{second}", Path("operator.key")))
        follower = asyncio.create_task(follow_centrals([first, second], board, None, every_s=0.05))
        try:
            await eventually(lambda: board.centrals == {first: True, second: True}, timeout_s=20)
            assert f"centrals {first} {UP} {second} {UP}" in header(board)

            await stopping.stop(grace=None)
            await eventually(lambda: board.centrals == {first: True, second: False}, timeout_s=20)
            assert f"centrals {first} {UP} {second} {DOWN}" in header(board)
            news = [e.text for e in board.ticker.last(10) if e.kind is Kind.LINK]
            assert news == [f"central {second} not answering"]
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
