"""The customer's catalog view: snapshot, then changes; available 0 means gone."""

from __future__ import annotations

from customer_node.catalog import CatalogLine, CatalogUpdate, CatalogView, MonthState
from distribution_client.convert import from_proto
from generated.distribution.v1 import catalog_pb2, common_pb2


def line(line_id: int, available: int, month: int = 1, product: str = "apples") -> CatalogLine:
    return CatalogLine(line_id, month, product, f"maker{line_id}", 100 * line_id, available)


def update(
    *lines: CatalogLine, snapshot: bool = False, month: int = 1, state: MonthState = MonthState.OPEN
) -> CatalogUpdate:
    return CatalogUpdate(snapshot, month, state, lines)


def test_snapshot_then_changes() -> None:
    view = CatalogView()
    view.apply(update(line(1, 5), line(2, 3), snapshot=True))
    assert [item.stock_line_id for item in view.lines()] == [1, 2]
    assert view.is_open
    assert view.month == 1

    view.apply(update(line(1, 2)))
    view.apply(update(line(2, 0)))
    view.apply(update(line(3, 4)))

    assert view.get(1) == line(1, 2)
    assert view.get(2) is None, "available 0 means gone"
    assert [item.stock_line_id for item in view.lines()] == [1, 3]


def test_a_new_snapshot_replaces_everything() -> None:
    view = CatalogView()
    view.apply(update(line(1, 5), line(2, 3), snapshot=True))
    view.apply(update(line(3, 1), snapshot=True))
    assert [item.stock_line_id for item in view.lines()] == [3]


def test_month_state_is_taken_from_every_message() -> None:
    view = CatalogView()
    view.apply(update(line(1, 5), snapshot=True))
    view.apply(update(state=MonthState.CLOSED))
    assert not view.is_open
    assert view.state is MonthState.CLOSED


def test_next_month_drops_the_old_lines_without_a_snapshot() -> None:
    view = CatalogView()
    view.apply(update(line(1, 5), snapshot=True))
    view.apply(update(month=2, state=MonthState.COLLECTING))
    assert len(view) == 0
    view.apply(update(line(7, 3, month=2), month=2))
    view.apply(update(line(1, 4, month=1), month=2))  # a late change of last month
    assert [item.stock_line_id for item in view.lines()] == [7]


def test_lines_are_ordered_by_product_then_price() -> None:
    view = CatalogView()
    view.apply(
        update(
            line(3, 1, product="bread"),
            line(2, 1, product="apples"),
            line(1, 1, product="apples"),
            snapshot=True,
        )
    )
    assert [item.stock_line_id for item in view.lines()] == [1, 2, 3]


def test_stream_message_conversion() -> None:
    message = catalog_pb2.WatchCatalogResponse(
        snapshot=True,
        month=4,
        month_state=common_pb2.MONTH_STATE_OPEN,
        stock_lines=[
            common_pb2.StockLine(
                stock_line_id=9,
                product="bread",
                manufacturer_name="Mill",
                unit_price_cents=250,
                available=6,
            )
        ],
    )
    assert from_proto.catalog_update(message) == CatalogUpdate(
        True, 4, MonthState.OPEN, (CatalogLine(9, 4, "bread", "Mill", 250, 6),)
    )
