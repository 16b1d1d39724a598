"""Writing to a bidirectional stream that may end under the write: the call's own status, or StreamEnded."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc

from distribution_client.errors import StreamEnded


async def write_or_raise_end(call: grpc.aio.StreamStreamCall[Any, Any], request: Any) -> None:
    """Writes ``request``; if the stream has already ended, raises how it ended instead.

    A write racing the central's end of the stream (a central killed, a restart) fails with
    asyncio's InvalidStateError, or with grpcio's own INTERNAL "Internal error from Core",
    which also replaces the call's status (grpc/grpc#36066): that INTERNAL says nothing about
    the central, so it counts as a lost stream and the next attempt hears the central's answer.

    Raises:
        StreamEnded: When the stream ended without a status from the central.
        grpc.aio.AioRpcError: With the status the central ended the stream with.
    """
    try:
        await call.write(request)
    except (grpc.aio.AioRpcError, asyncio.InvalidStateError) as error:
        code = await call.code()
        if code == grpc.StatusCode.INTERNAL:
            raise StreamEnded("the stream ended while a message was being sent") from error
        if code == grpc.StatusCode.OK:
            raise StreamEnded("the central ended the stream") from error
        raise grpc.aio.AioRpcError(
            code, await call.initial_metadata(), await call.trailing_metadata(), await call.details()
        ) from error
