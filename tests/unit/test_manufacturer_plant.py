"""The manufacturer's plant: parallel production, offers, consignment; and its production plan."""

from __future__ import annotations

from manufacturer_node.catalog import LineSpec, product_lines
from manufacturer_node.desk import DepletionNotice, Desk, ReportNotice, Result
from manufacturer_node.planning import Advice, Plan, plan_line
from manufacturer_node.plant import Plant

SPECS = [LineSpec("Acme Tea", 350, 200.0, 40), LineSpec("Acme Jam", 500, 100.0, 1000)]


def test_product_lines_are_seeded_and_branded() -> None:
    first = product_lines("Acme Foods", 7)
    assert first == product_lines("Acme Foods", 7)
    assert first != product_lines("Acme Foods", 8)
    assert 3 <= len(first) <= 4
    assert all(line.product.startswith("Acme ") for line in first)
    assert all(line.unit_price_cents > 0 and line.rate_per_s > 0 and line.capacity > 0 for line in first)


async def test_every_line_produces_one_month_concurrently_up_to_its_capacity() -> None:
    plant = Plant(SPECS, month_seconds=10)
    plant.start()
    try:
        await plant.work_until(1)
        after_one = dict(plant.free)
        await plant.work_until(1)  # a month is produced once, however often it is asked
        assert plant.free == after_one
        await plant.work_until(3)
    finally:
        await plant.stop()
    assert plant.free["Acme Tea"] == 40  # capped by capacity
    assert plant.free["Acme Jam"] == min(SPECS[1].capacity, int(SPECS[1].rate_per_s * 10) * 3)


async def test_the_same_lines_produce_the_same_goods() -> None:
    outcomes = []
    for _ in range(2):
        plant = Plant(SPECS, month_seconds=3)
        plant.start()
        try:
            await plant.work_until(2)
        finally:
            await plant.stop()
        outcomes.append(dict(plant.free))
    assert outcomes[0] == outcomes[1]


def test_offer_takes_free_stock_to_consignment_and_repeats_for_the_same_month() -> None:
    plant = Plant(SPECS)
    plant.produce("Acme Tea", 30)
    first = plant.offer(1)
    assert [(line.product, line.quantity, line.unit_price_cents) for line in first] == [("Acme Tea", 30, 350)]
    plant.produce("Acme Tea", 5)
    assert plant.offer(1) == first  # the resend after a reconnect is identical
    assert plant.free == {"Acme Tea": 5, "Acme Jam": 0}
    assert plant.held() == {"Acme Tea": 35, "Acme Jam": 0}


def test_settle_removes_sold_units_and_returns_unsold_ones() -> None:
    plant = Plant(SPECS)
    plant.produce("Acme Tea", 30)
    plant.produce("Acme Jam", 8)
    plant.offer(1)
    returned = plant.settle(1, {"Acme Tea": 25, "Acme Jam": 8})
    assert returned == {"Acme Tea": 5}
    assert plant.free == {"Acme Tea": 5, "Acme Jam": 0}
    plant.produce("Acme Jam", 2)
    # Next month's offer is leftover plus what was produced meanwhile.
    assert [(line.product, line.quantity) for line in plant.offer(2)] == [("Acme Jam", 2), ("Acme Tea", 5)]


def test_plan_spreads_the_recommendation_over_a_month_by_priority() -> None:
    assert plan_line(Advice("t", 1000, 60, "A"), month_seconds=6.0) == Plan(11.0, 99)  # 66/6; 66*1.5
    assert plan_line(Advice("t", 1000, 60, "B"), month_seconds=6.0) == Plan(10.0, 90)
    assert plan_line(Advice("t", 1000, 60, "C"), month_seconds=6.0) == Plan(9.0, 81)
    assert plan_line(Advice("t", 0, 0, "C"), month_seconds=6.0) == Plan(0.5, 20)  # a trickle
    # Unsold stock held is room the new units must not take: capacity makes room beside it.
    assert plan_line(Advice("t", 1000, 60, "B"), month_seconds=6.0, held=40) == Plan(10.0, 130)


def test_desk_applies_each_notification_once_and_replans() -> None:
    plant = Plant(SPECS)
    plant.produce("Acme Tea", 30)
    plant.offer(1)
    desk = Desk(plant, month_seconds=5.0)
    assert desk.apply(1, DepletionNotice(1, 11, "Acme Tea", 30))
    assert not desk.apply(1, DepletionNotice(1, 11, "Acme Tea", 30))
    report = ReportNotice(
        1,
        [Result("Acme Tea", 30, 20, 7000, 10, 0)],
        [Advice("Acme Tea", 1000, 20, "A"), Advice("Unknown", 1, 1, "C")],
    )
    assert desk.apply(2, report)
    assert not desk.apply(2, report)  # a replay after a lost ack changes nothing
    assert plant.free["Acme Tea"] == 10
    # 20 * 1.1 = 22 units over 5 s; room for 22 * 1.5 beside the 10 unsold units held.
    assert (plant.lines["Acme Tea"].rate_per_s, plant.lines["Acme Tea"].capacity) == (4.4, 43)
    assert len(desk.depletions) == 1 and len(desk.reports) == 1
