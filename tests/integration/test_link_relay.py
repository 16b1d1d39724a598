"""The launcher's link relay over real loopback sockets: untouched bytes, cut, latency, several centrals."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from collections.abc import AsyncIterator

import grpc
import pytest

from launcher.faults.link_controls import LinkControls
from launcher.faults.links import Relay
from nodekit.health import add_health, set_serving, wait_until_serving
from nodekit.ports import free_port

TIMEOUT_S = 10.0


@contextlib.asynccontextmanager
async def echo_server(tag: bytes = b"") -> AsyncIterator[str]:
    """A server that answers every chunk with ``tag`` and the chunk; yields its address."""

    handlers: set[asyncio.Task[None]] = set()

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handler = asyncio.current_task()
        assert handler is not None
        handlers.add(handler)
        try:
            with contextlib.suppress(OSError):
                while chunk := await reader.read(65536):
                    writer.write(tag + chunk)
                    await writer.drain()
        finally:
            await hang_up(writer)

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    try:
        yield f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        for handler in handlers:
            handler.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()


@contextlib.asynccontextmanager
async def relay_to(*upstreams: str) -> AsyncIterator[Relay]:
    relay = Relay("test node", upstreams)
    await relay.start()
    try:
        yield relay
    finally:
        await relay.close()


async def dial(relay: Relay) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", relay.port)


async def hang_up(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


async def round_trip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> bytes:
    writer.write(data)
    await writer.drain()
    return await asyncio.wait_for(reader.readexactly(len(data)), TIMEOUT_S)


async def no_answer(reader: asyncio.StreamReader, for_s: float = 0.5) -> None:
    """Nothing arrives, and the connection stays open, for ``for_s`` seconds."""
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.read(1), for_s)


async def echo_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers one chunk with itself, then hangs up."""
    with contextlib.suppress(OSError):
        writer.write(await reader.read(65536))
        await writer.drain()
    await hang_up(writer)


async def closed_by_peer(reader: asyncio.StreamReader) -> bool:
    """True if the other side closed or dropped the connection (EOF or reset)."""
    try:
        return await asyncio.wait_for(reader.read(1), TIMEOUT_S) == b""
    except ConnectionError:
        return True


async def test_bytes_pass_both_ways_untouched_and_in_order() -> None:
    async with echo_server() as central, relay_to(central) as relay:
        reader, writer = await dial(relay)
        payload = bytes(range(256)) * 2000  # 512 KB: many chunks
        writer.write(payload)
        await writer.drain()
        assert await asyncio.wait_for(reader.readexactly(len(payload)), TIMEOUT_S) == payload
        await hang_up(writer)


async def test_a_cut_drops_live_connections_and_holds_new_ones_until_restored() -> None:
    async with echo_server() as central, relay_to(central) as relay:
        reader, writer = await dial(relay)
        assert await round_trip(reader, writer, b"hello") == b"hello"

        relay.cut()
        assert relay.is_cut
        assert await closed_by_peer(reader), "a cut must drop the live connection"
        await hang_up(writer)
        # A new connection gets no answer while cut (a partition), and is not closed either:
        # a close would read to a gRPC client as the central refusing its handshake.
        held_reader, held_writer = await dial(relay)
        held_writer.write(b"sent while cut")
        await held_writer.drain()
        await no_answer(held_reader)
        assert relay.connections == 0

        relay.restore()
        assert await asyncio.wait_for(held_reader.readexactly(14), TIMEOUT_S) == b"sent while cut"
        assert await round_trip(held_reader, held_writer, b"back") == b"back"
        await hang_up(held_writer)


@contextlib.asynccontextmanager
async def resetting_server(reset: asyncio.Event) -> AsyncIterator[str]:
    """A server that greets each connection, then resets it (RST, as a SIGKILLed central's kernel does)."""

    async def greet_then_reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"hi")
        await writer.drain()
        await reset.wait()
        # Linger 0: the close sends RST instead of FIN.
        writer.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        writer.transport.abort()

    server = await asyncio.start_server(greet_then_reset, "127.0.0.1", 0)
    try:
        yield f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


async def test_a_central_resetting_an_idle_connection_drops_the_childs_side_too() -> None:
    reset = asyncio.Event()
    async with resetting_server(reset) as central, relay_to(central) as relay:
        reader, writer = await dial(relay)
        assert await asyncio.wait_for(reader.readexactly(2), TIMEOUT_S) == b"hi"

        reset.set()  # the child sends nothing: only the relay can tell it the link is gone

        assert await closed_by_peer(reader), "a reset upstream must drop the child's connection"
        await hang_up(writer)


async def test_latency_delays_each_direction_and_keeps_the_order() -> None:
    async with echo_server() as central, relay_to(central) as relay:
        relay.set_latency(200)
        assert relay.latency_ms == 200
        reader, writer = await dial(relay)
        started = time.monotonic()
        answer = await round_trip(reader, writer, b"ping")
        took = time.monotonic() - started
        assert answer == b"ping"
        # There and back: held twice. Only a lower bound; a loaded machine may take longer.
        assert took >= 0.4, f"a round trip through 200 ms of latency took {took:.3f}s"

        messages = [f"message {n};".encode() for n in range(50)]
        for message in messages:
            writer.write(message)
        await writer.drain()
        joined = b"".join(messages)
        assert await asyncio.wait_for(reader.readexactly(len(joined)), TIMEOUT_S) == joined

        relay.set_latency(0)
        assert relay.latency_ms == 0
        await hang_up(writer)


async def test_bad_latencies_are_refused() -> None:
    async with echo_server() as central, relay_to(central) as relay:
        for ms in (-1, 10_001):
            with pytest.raises(ValueError, match="latency"):
                relay.set_latency(ms)


async def test_connections_go_to_the_centrals_in_turn_and_skip_one_that_refuses() -> None:
    refusing = f"127.0.0.1:{free_port()}"
    async with echo_server(b"A") as first, echo_server(b"B") as second:
        async with relay_to(first, refusing, second) as relay:
            tags = []
            for _ in range(4):
                reader, writer = await dial(relay)
                tags.append((await round_trip(reader, writer, b"?x"))[:1])
                # The answer is one byte longer than what was sent: read the rest.
                await asyncio.wait_for(reader.readexactly(1), TIMEOUT_S)
                await hang_up(writer)
        # Each new connection starts at the next central; the refusing one hands on to the one after.
        assert tags == [b"A", b"B", b"B", b"A"]


async def test_a_connection_no_central_takes_yet_is_held_until_one_answers() -> None:
    port = free_port()
    async with relay_to(f"127.0.0.1:{port}") as relay:
        reader, writer = await dial(relay)
        writer.write(b"early")
        await writer.drain()
        await no_answer(reader)
        # The central comes (back) on its port: the held connection reaches it, bytes and all.
        server = await asyncio.start_server(echo_once, "127.0.0.1", port)
        try:
            assert await asyncio.wait_for(reader.readexactly(5), TIMEOUT_S) == b"early"
        finally:
            await hang_up(writer)
            server.close()
            await server.wait_closed()


async def test_a_held_connection_the_child_drops_ends_with_the_relay() -> None:
    async with relay_to(f"127.0.0.1:{free_port()}") as relay:
        _, writer = await dial(relay)
        await hang_up(writer)
    assert relay.connections == 0


async def test_the_links_by_node_are_cut_restored_and_slowed_with_clear_refusals() -> None:
    links = LinkControls()
    async with echo_server() as central:
        try:
            await links.open("manufacturer-acme", "manufacturer Acme", [central])
            assert links.act("manufacturer-acme", "latency", "200") == (200, {})
            assert links.act("manufacturer-acme", "latency", "soon")[0] == 400
            assert links.act("manufacturer-acme", "cut") == (200, {})
            assert links.state("manufacturer-acme") == {"cut": True, "latency_ms": 200}
            assert links.act("manufacturer-acme", "cut")[0] == 409, "cut twice"
            assert links.act("nobody", "cut")[0] == 404
            assert links.act("manufacturer-acme", "jump")[0] == 404
            assert links.restore_all() == ["manufacturer Acme"]
            assert links.state("manufacturer-acme") == {"cut": False, "latency_ms": 200}
        finally:
            await links.close()


async def test_a_grpc_peer_is_seen_serving_through_a_second_of_latency() -> None:
    server = grpc.aio.server()
    health = add_health(server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        await set_serving(health, True)
        async with relay_to(f"127.0.0.1:{port}") as relay:
            relay.set_latency(1000)
            # Every check takes two seconds or more there and back: one check's deadline must allow it.
            await wait_until_serving(relay.address, timeout_s=30)
    finally:
        await server.stop(0)
