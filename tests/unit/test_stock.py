"""Stock line arithmetic, and the book as a cache that takes the database's counters."""

from __future__ import annotations

import logging

import pytest

from central.domain.months import MonthState
from central.domain.stock import Counters, StockLine
from central.service.book import StockBook


def _line(offered: int = 10) -> StockLine:
    return StockLine(1, 1, 1, "Acme", "bolts", 250, offered)


def _book(line: StockLine) -> StockBook:
    book = StockBook()
    book.reset(1, MonthState.OPEN, [line])
    return book


def test_available_is_offered_minus_reserved_minus_sold() -> None:
    line = _line()
    line.take(Counters(1, 10, 2, 1, 1))
    assert (line.reserved, line.sold, line.available) == (2, 1, 7)


def test_a_line_is_sold_out_once_every_unit_is_sold() -> None:
    line = _line(5)
    line.take(Counters(1, 5, 1, 4, 1))
    assert not line.sold_out
    line.take(Counters(1, 5, 0, 5, 2))
    assert line.sold_out


def test_the_book_follows_a_commit_without_a_word_when_it_agrees(caplog: pytest.LogCaptureFixture) -> None:
    line = _line(5)
    book = _book(line)
    book.follow(Counters(1, 5, 2, 0, 1), reserved=2)
    assert (line.reserved, line.sold, book.repairs) == (2, 0, 0)
    assert not caplog.records


def test_a_wrong_book_is_repaired_from_the_database_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    line = _line(1000)
    line.reserved = -5  # as a lost update would leave it
    book = _book(line)
    with caplog.at_level(logging.WARNING):
        book.follow(Counters(1, 1000, 0, 5, 1), reserved=-5, sold=5)
    assert (line.reserved, line.sold, book.repairs) == (0, 5, 1)
    assert "repaired" in caplog.text


def test_a_commit_for_a_line_of_another_month_is_ignored() -> None:
    book = _book(_line())
    book.follow(Counters(99, 10, 1, 0, 1), reserved=1)
    assert set(book.lines) == {1}
