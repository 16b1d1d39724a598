"""--log-format json: the lines a guarded call logs carry that call's own request id."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from nodekit.auth import Principal
from nodekit.guard import PUBLIC, Guard
from nodekit.logs import JsonFormatter
from nodekit.observability import request_ids
from nodekit.observability.request_ids import RequestIdFilter

logger = logging.getLogger("tests.request_ids")


class _Nobody:
    async def authenticate(self, token: str) -> Principal | None:
        return None


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []
        self.setFormatter(JsonFormatter("central"))
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


async def _say(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
    logger.info("heard %s", request.decode())
    logger.info("answering %s", request.decode())
    return request


async def _echo(
    requests: AsyncIterator[bytes], context: grpc.aio.ServicerContext[Any, Any]
) -> AsyncIterator[bytes]:
    async for request in requests:
        logger.info("echo %s", request.decode())
        yield request


@pytest.fixture
def lines(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(request_ids, "_enabled", True)
    handler = _Lines()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


async def test_each_call_logs_under_its_own_request_id(lines: list[dict[str, Any]]) -> None:
    guard = Guard(_Nobody(), {"/tests.Echo/Say": PUBLIC, "/tests.Echo/Echo": PUBLIC})
    # No (de)serializers: requests and replies are the raw bytes.
    methods = {
        "Say": guard.wrap(grpc.unary_unary_rpc_method_handler(_say), "/tests.Echo/Say"),
        "Echo": guard.wrap(grpc.stream_stream_rpc_method_handler(_echo), "/tests.Echo/Echo"),
    }
    server = grpc.aio.server()
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("tests.Echo", methods)])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            say: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary("/tests.Echo/Say")
            assert await say(b"one", timeout=10) == b"one"
            assert await say(b"two", timeout=10) == b"two"

            async def requests() -> AsyncIterator[bytes]:
                for word in (b"three", b"four"):
                    yield word

            echo: grpc.aio.StreamStreamMultiCallable[bytes, bytes] = channel.stream_stream("/tests.Echo/Echo")
            replies = [reply async for reply in echo(requests(), timeout=10)]
            assert replies == [b"three", b"four"]
    finally:
        await server.stop(None)
    logger.info("outside any call")

    by_message = {line["message"]: line.get("request_id", "") for line in lines}
    # One id for the lines of one call, another for the next call; none outside a call.
    assert by_message["heard one"] == by_message["answering one"] != ""
    assert by_message["heard two"] == by_message["answering two"] != ""
    assert by_message["heard one"] != by_message["heard two"]
    assert by_message["echo three"] == by_message["echo four"] not in ("", by_message["heard two"])
    assert by_message["outside any call"] == ""
    assert all(len(request_id) == 16 for request_id in by_message.values() if request_id)


def test_with_text_logs_a_handler_is_left_as_it_is() -> None:
    handler: grpc.RpcMethodHandler[bytes, bytes] = grpc.unary_unary_rpc_method_handler(_say)
    assert request_ids.identified(handler) is handler
