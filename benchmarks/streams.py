"""Pipelined bidirectional streams: bare echo messages against the branch sales stream."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from benchmarks.echo import STREAM
from benchmarks.load import LoadResult, Window
from benchmarks.market import Metadata
from distribution_client.service import CentralService
from generated.distribution.v1 import branch_pb2
from nodekit.ids import new_id

STREAM_TIMEOUT_S = 120.0
BUSINESS_DAY = "2026-11-21"


async def pipelined(
    call: Any,
    make_request: Callable[[int], Any],
    acks_in: Callable[[Any], int],
    window: int,
    duration_s: float,
) -> LoadResult:
    """Keeps ``window`` requests in flight on one bidi ``call`` for ``duration_s``.

    Replies are matched to requests in order: ``acks_in(reply)`` says how many requests a
    reply acknowledges (0 for a message that is not an ack). Latency is request written ->
    the reply acknowledging it read, counted inside the measured ``Window``.
    """
    result = LoadResult(window, 0.0)
    measured = Window(window, duration_s)
    slots = asyncio.Semaphore(window)
    sent_at: deque[float] = deque()
    sent = 0

    async def writer() -> None:
        nonlocal sent
        while not measured.closed:
            await slots.acquire()
            if measured.closed:
                break
            sent += 1
            sent_at.append(time.perf_counter())
            await call.write(make_request(sent))
        # Half-close: the server answers what is in flight, then ends the stream.
        await call.done_writing()

    async def reader() -> None:
        while True:
            reply = await call.read()
            if reply is grpc.aio.EOF:
                code = await call.code()
                if code is not grpc.StatusCode.OK:
                    result.errors[code.name] += 1
                return
            done = time.perf_counter()
            count = acks_in(reply)
            if count:
                result.ack_messages += 1
                result.acked += count
            for _ in range(count):
                began = sent_at.popleft()
                if measured.finish(done):
                    result.in_window += 1
                    result.latencies_s.append(done - began)
                slots.release()

    writing_task = asyncio.create_task(writer())
    try:
        await reader()
    finally:
        measured.report(result)
        result.elapsed_s = time.perf_counter() - measured.started
        writing_task.cancel()
        await asyncio.gather(writing_task, return_exceptions=True)
        call.cancel()
    return result


async def echo_stream(
    channel: grpc.aio.Channel, payload: bytes, metadata: Metadata, window: int, duration_s: float
) -> LoadResult:
    """Bare bidi echo of ``payload``."""
    echo: grpc.aio.StreamStreamMultiCallable[bytes, bytes] = channel.stream_stream(STREAM)
    call = echo(metadata=metadata, timeout=STREAM_TIMEOUT_S)
    return await pipelined(call, lambda _: payload, lambda _: 1, window, duration_s)


def sale(sequence: int) -> branch_pb2.StreamSalesRequest:
    """One walk-in sale of one unit with this stream's next sequence number."""
    occurred = Timestamp()
    occurred.GetCurrentTime()
    return branch_pb2.StreamSalesRequest(
        sale=branch_pb2.SaleTransaction(
            transaction_id=new_id(),
            sequence=sequence,
            occurred_at=occurred,
            business_day=BUSINESS_DAY,
            items=[branch_pb2.SaleItem(product="bench-soap", quantity=1, unit_price_cents=250)],
            subtotal_cents=250,
            tax_cents=33,
            total_cents=283,
            payment_method=branch_pb2.PAYMENT_METHOD_CASH,
            customer_name="walk-in",
        )
    )


async def sales_stream(
    channel: grpc.aio.Channel,
    metadata: Metadata,
    window: int,
    duration_s: float,
    acked: list[str],
) -> LoadResult:
    """The branch sales stream, resuming after the central's last committed sequence.

    Each acknowledged transaction id goes to ``acked`` (checked against the database later).
    """
    stub = CentralService(channel).branches
    call = stub.StreamSales(metadata=metadata, timeout=STREAM_TIMEOUT_S)
    first = await call.read()
    if not isinstance(first, branch_pb2.StreamSalesResponse) or first.WhichOneof("message") != "resume":
        call.cancel()
        raise RuntimeError(f"the sales stream did not start with a resume point: {first!r}")
    after = first.resume.last_sequence

    def acks_in(reply: branch_pb2.StreamSalesResponse) -> int:
        acks = reply.acks.acks
        acked.extend(ack.transaction_id for ack in acks)
        return len(acks)

    return await pipelined(call, lambda n: sale(after + n), acks_in, window, duration_s)
