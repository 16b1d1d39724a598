"""A manufacturer's reply that cannot be recorded logs one line when the reason says it all."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from central.link.collector import _failed
from nodekit.errors import DomainError, ErrorKind


def _logged(caplog: pytest.LogCaptureFixture, error: Exception) -> logging.LogRecord:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="central.link.collector"):
        try:
            raise error
        except Exception as raised:
            _failed(raised, "month %d: noting the answer of %s failed", 3, "Acme Foods")
    (record,) = caplog.records
    return record


def test_shutting_down_and_a_lost_database_are_one_line(caplog: pytest.LogCaptureFixture) -> None:
    shutting = DomainError(ErrorKind.UNAVAILABLE, "SHUTTING_DOWN", "The server is shutting down; retry.")
    gone = OperationalError("INSERT", {}, ConnectionRefusedError("connection refused"))
    for error in (shutting, gone):
        record = _logged(caplog, error)
        assert record.levelno == logging.WARNING and record.exc_info is None
        assert record.getMessage().startswith("month 3: noting the answer of Acme Foods failed: ")
        assert len(record.getMessage().splitlines()) == 1


def test_an_unexpected_error_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    record = _logged(caplog, KeyError("month"))
    assert record.levelno == logging.ERROR and record.exc_info is not None
