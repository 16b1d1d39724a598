"""The shop's notices: a reservation that runs out and a chosen line that sells out are told once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from customer_node.catalog import CatalogLine, CatalogUpdate, CatalogView, MonthState
from customer_node.notices import Notices, local_time
from distribution_client import CartLine, CartLineState
from tests.helpers import assert_eventually


def reservation(reservation_id: str, expires: datetime) -> CartLine:
    return CartLine(reservation_id, 0, "apple", "", 2, 0, CartLineState.RESERVED, expires)


async def test_an_expired_reservation_is_told_once_and_a_removed_one_never() -> None:
    said: list[str] = []
    notices = Notices(said.append)
    soon = datetime.now(UTC) + timedelta(milliseconds=200)
    notices.reserved(reservation("r1", soon))
    notices.reserved(reservation("r2", soon))
    notices.released("r2")  # put back before it ran out
    watching = asyncio.create_task(notices.run())
    try:

        async def told() -> None:
            assert said == [
                f"your reservation of 2 x apple expired at {local_time(soon)}; "
                "checkout tries to take the units again"
            ]

        await assert_eventually(told, 10)
        notices.reserved(reservation("r3", datetime.now(UTC) + timedelta(hours=1)))
        await asyncio.sleep(0)  # the watcher re-reads its reservations
        assert len(said) == 1
    finally:
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)


def line(stock_line_id: int, available: int, month: int = 1) -> CatalogLine:
    return CatalogLine(stock_line_id, month, "pear", "Acme", 250, available)


def test_a_chosen_line_that_sells_out_is_told_once_and_a_new_month_is_not_a_sell_out() -> None:
    said: list[str] = []
    notices = Notices(said.append)
    view = CatalogView()
    view.apply(CatalogUpdate(True, 1, MonthState.OPEN, (line(1, 5), line(2, 5))))
    notices.chosen(view.lines())
    view.apply(CatalogUpdate(False, 1, MonthState.OPEN, (line(1, 0),)))
    notices.catalog_changed(view)
    notices.catalog_changed(view)
    assert said == ["pear from Acme is sold out"]
    view.apply(CatalogUpdate(True, 2, MonthState.OPEN, (line(3, 5, month=2),)))
    notices.catalog_changed(view)
    assert said == ["pear from Acme is sold out"]


def test_local_time_takes_a_naive_time_as_utc() -> None:
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (
        local_time(moment.replace(tzinfo=None))
        == local_time(moment)
        == moment.astimezone().strftime("%H:%M:%S")
    )
