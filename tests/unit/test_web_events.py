"""The web dashboard's feed rules, order rate and shop cookie, without a central."""

from __future__ import annotations

from web_node.events import Feed, Line, View
from web_node.rate import OrderRate
from web_node.shop_session import ShopCookie


def _view(available: int, pending: int = 0, connected: bool = True, **extra: object) -> View:
    return View(
        central_up=True,
        month=1,
        state="OPEN",
        lines={7: Line("Acme", "Jam", available)},
        links={"Acme": (connected, pending)},
        **extra,  # type: ignore[arg-type]
    )


def test_a_line_reaching_zero_is_sold_out_and_its_maker_told_once_nothing_is_pending() -> None:
    feed = Feed()
    assert feed.observe(_view(3)) == []
    events = feed.observe(_view(0, pending=1))
    assert [(e.kind, e.text) for e in events] == [("sold_out", "Jam (Acme) sold out")]
    assert feed.observe(_view(0, pending=1)) == []
    assert [e.text for e in feed.observe(_view(0, pending=0))] == ["Acme told: Jam sold out"]
    assert feed.observe(_view(0)) == []


def test_links_alerts_and_the_central_going_away_and_back() -> None:
    feed = Feed()
    feed.observe(_view(3, connected=False))
    assert [e.text for e in feed.observe(_view(3))] == ["Acme connected"]
    assert [e.text for e in feed.observe(_view(3, connected=False))] == ["Acme link lost"]
    assert [e.text for e in feed.observe(View(central_up=False))] == ["central not answering"]
    assert feed.observe(View(central_up=False)) == []
    back = feed.observe(_view(3, alerts=frozenset({("Ottawa", "Jam")})))
    assert [e.text for e in back] == [
        "central answering again",
        "Acme connected again",
        "Ottawa: Jam low, reorder raised",
    ]
    assert [e.text for e in feed.observe(_view(3))] == ["Ottawa: Jam restocked"]


def test_a_new_month_is_an_event_and_not_a_sell_out() -> None:
    feed = Feed()
    feed.observe(_view(3))
    nxt = View(central_up=True, month=2, state="OPEN", lines={8: Line("Acme", "Jam", 0)}, links={})
    assert [e.text for e in feed.observe(nxt)] == ["month 2 open"]


def test_a_pause_and_a_resume_are_events() -> None:
    feed = Feed()
    running = View(central_up=True, month=2, state="OPEN")
    feed.observe(running)
    assert [e.text for e in feed.observe(View(central_up=True, month=2, state="OPEN", paused=True))] == [
        "month 2 paused"
    ]
    assert [e.text for e in feed.observe(running)] == ["month 2 resumed"]


def test_the_order_rate_starts_over_each_month_and_keeps_a_minute() -> None:
    rate = OrderRate()
    rate.observe(1, 0, 100.0)
    rate.observe(1, 10, 102.0)
    assert rate.series(102.0) == [[0.0, 5.0]]
    rate.observe(2, 0, 103.0)
    rate.observe(2, 3, 104.0)
    assert rate.series(104.0) == [[2.0, 5.0], [0.0, 3.0]]
    rate.observe(2, 3, 200.0)
    assert rate.series(200.0) == [[0.0, 0.0]]


def test_a_burst_read_a_tenth_of_a_second_after_the_base_is_no_spike() -> None:
    rate = OrderRate()
    rate.observe(1, 0, 100.0)
    # Four orders 0.1 s in would have read as 40 orders/s: the interval is too short to count.
    rate.observe(1, 4, 100.1)
    assert rate.series(100.1) == []
    rate.observe(1, 6, 101.5)
    assert rate.series(101.5) == [[0.0, 4.0]]
    # A count that went back (the central restarted its month) is a new base, not a negative rate.
    rate.observe(1, 2, 103.0)
    rate.observe(1, 5, 104.0)
    assert rate.series(104.0) == [[2.5, 4.0], [0.0, 3.0]]


def test_the_shop_cookie_round_trips_and_rejects_junk() -> None:
    shopper = ShopCookie("tok-en", "<b>Ann</b>", "4242")
    assert ShopCookie.decode(shopper.encode()) == shopper
    assert ShopCookie.decode("not base64 at all!") is None
    assert ShopCookie.decode("e30") is None  # {}
