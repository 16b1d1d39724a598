"""--log-format json: one object a line with time, level, node, logger, message; errors on one line."""

from __future__ import annotations

import json
import logging

import grpc
import pytest

from nodekit.logs import JsonFormatter, one_line, setup_logging


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("central.app", logging.WARNING, __file__, 1, message, args, exc_info)


def test_a_line_is_one_object_with_the_fields_a_tool_reads() -> None:
    line = JsonFormatter("central").format(_record("month %d closed: %s", 3, "deadline"))
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["level"] == "WARNING"
    assert fields["node"] == "central"
    assert fields["logger"] == "central.app"
    assert fields["message"] == "month 3 closed: deadline"
    assert fields["time"].endswith("+00:00")


def test_a_traceback_stays_inside_its_line() -> None:
    try:
        raise ValueError("broken\nacross lines")
    except ValueError as error:
        line = JsonFormatter("web").format(_record("failed", exc=error))
    assert len(line.splitlines()) == 1
    assert "ValueError" in json.loads(line)["exception"]


def test_a_request_id_is_kept_when_the_record_has_one() -> None:
    record = _record("checkout")
    record.request_id = "r-42"
    assert json.loads(JsonFormatter("web").format(record))["request_id"] == "r-42"


def test_setup_switches_the_root_handler_to_json(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("branch-north", "INFO", "json")
    logging.getLogger("branch_node.app").info("sale %s recorded", "s-1")
    err = capsys.readouterr().err.strip().splitlines()
    assert json.loads(err[-1])["message"] == "sale s-1 recorded"
    setup_logging("tests", "WARNING")


def test_one_line_of_a_grpc_error_and_of_any_other() -> None:
    class FakeRpcError(grpc.RpcError):
        def code(self) -> grpc.StatusCode:
            return grpc.StatusCode.UNAVAILABLE

        def details(self) -> str:
            return "Socket closed\nmore"

    assert one_line(FakeRpcError()) == "UNAVAILABLE: Socket closed"
    assert one_line(OSError("no route\nto host")) == "OSError: no route"
    assert one_line(RuntimeError()) == "RuntimeError"


def test_a_line_logged_inside_a_span_carries_its_trace_id() -> None:
    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("tests")
    with tracer.start_as_current_span("checkout") as span:
        line = JsonFormatter("web").format(_record("checkout"))
    assert json.loads(line)["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert "trace_id" not in json.loads(JsonFormatter("web").format(_record("outside")))
