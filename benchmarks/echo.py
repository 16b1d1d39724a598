"""The bare grpc.aio echo server (raw bytes, unary and bidi stream) and how to start it."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import grpc

from benchmarks.process import Child
from nodekit.ports import free_port
from nodekit.runtime import run, stop_event_on_signals

SERVICE = "bench.Echo"
UNARY = f"/{SERVICE}/Unary"
STREAM = f"/{SERVICE}/Stream"
READY_TIMEOUT_S = 30.0


async def _unary(request: bytes, context: Any) -> bytes:
    return request


async def _stream(requests: AsyncIterator[bytes], context: Any) -> AsyncIterator[bytes]:
    async for request in requests:
        yield request


def echo_handler() -> Any:
    """A generic handler that passes bytes through (no (de)serializers)."""
    return grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Unary": grpc.unary_unary_rpc_method_handler(_unary),
            "Stream": grpc.stream_stream_rpc_method_handler(_stream),
        },
    )


async def serve(port: int) -> int:
    """Serves the echo on 127.0.0.1:``port`` until SIGTERM/SIGINT."""
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((echo_handler(),))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await stop_event_on_signals().wait()
    await server.stop(1.0)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.echo --port P``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.echo")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    return run(serve(args.port))


async def start_echo(log_dir: Path) -> tuple[Child, str]:
    """Starts the echo in its own process; returns it and its address once it answers."""
    port = free_port()
    child = Child.start("echo", ["-m", "benchmarks.echo", "--port", str(port)], log_dir)
    address = f"127.0.0.1:{port}"
    try:
        async with grpc.aio.insecure_channel(address) as channel:
            ping: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary(UNARY)
            await ping(b"ping", timeout=READY_TIMEOUT_S, wait_for_ready=True)
    except BaseException:
        child.stop()
        raise
    return child, address


if __name__ == "__main__":
    raise SystemExit(main())
