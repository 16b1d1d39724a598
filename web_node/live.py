"""Follows the central for the live pages: the catalog stream and the operator reads, as topics."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from datetime import UTC, datetime

import grpc

from nodekit.retry import Backoff
from nodekit.status import RemoteError
from web_node import convert
from web_node.control import ControlClient, ControlError
from web_node.convert import Json
from web_node.events import Feed, Line, View
from web_node.faults import fault_list, launcher_faults
from web_node.gateway import Gateway
from web_node.rate import OrderRate
from web_node.topic import Topic

logger = logging.getLogger(__name__)

FEED_LENGTH = 60
# The feed's own faults, kept apart from routine news (the launcher's are all kept by the launcher).
FAULTS_KEPT = 200
# Headquarters' figures change by the day; every few dashboard readings is often enough.
HQ_EVERY = 4
# A catalog change asks for a reading at once, but never more often than this.
MIN_GAP_S = 0.1


class Live:
    """Publishes the dashboard, the shop's catalog and headquarters' figures as topics.

    Args:
        gateway: The client of the central.
        poll_interval_s: Seconds between operator readings.
        control: The launcher's controls, when the web node runs inside ``run.py``.
    """

    def __init__(
        self, gateway: Gateway, poll_interval_s: float, control: ControlClient | None = None
    ) -> None:
        self.dashboard = Topic(json.dumps({"central_up": False, "month": None}))
        self.catalog = Topic(json.dumps({"month": 0, "state": "", "lines": []}))
        self.hq = Topic(json.dumps({"days": [], "inventory": [], "top": []}))
        self._gateway = gateway
        self._interval_s = poll_interval_s
        self._control = control
        self._nodes: list[Json] = []
        self._feed = Feed()
        self._events: deque[Json] = deque(maxlen=FEED_LENGTH)
        self._seen_faults: deque[Json] = deque(maxlen=FAULTS_KEPT)
        self._launcher_faults: list[Json] = []
        self._rate = OrderRate()
        self._lines: dict[int, Json] = {}
        self._catalog_month = (0, "")
        self._nudge = asyncio.Event()

    async def run(self) -> None:
        """Follows the central until cancelled."""
        await asyncio.gather(self._follow_catalog(), self._poll())

    async def close(self) -> None:
        """Ends every page's stream."""
        for topic in (self.dashboard, self.catalog, self.hq):
            await topic.close()

    async def _follow_catalog(self) -> None:
        if not self._gateway.has_operator_key:
            # The central streams its catalog only to callers it knows.
            logger.warning("no operator key: the live pages stay empty (set DISTRIBUTION_OPERATOR_KEY)")
            return
        backoff = Backoff()
        while True:
            try:
                async for message in self._gateway.watch_catalog():
                    backoff.connected()
                    if message.snapshot:
                        self._lines.clear()
                    for line in message.stock_lines:
                        if line.available > 0:
                            self._lines[line.stock_line_id] = convert.stock_line(line)
                        else:
                            self._lines.pop(line.stock_line_id, None)
                    self._catalog_month = (message.month, message.state.name)
                    await self._publish_catalog()
                    self._nudge.set()
            except grpc.aio.AioRpcError as error:
                logger.info("catalog stream ended: %s", error.code().name)
            await asyncio.sleep(backoff.next_wait())

    async def _publish_catalog(self) -> None:
        lines = sorted(self._lines.values(), key=lambda line: (line["product"], line["manufacturer"]))
        month, state = self._catalog_month
        await self.catalog.publish(json.dumps({"month": month, "state": state, "lines": lines}))

    async def _poll(self) -> None:
        if not self._gateway.has_operator_key:
            return
        readings = 0
        while True:
            started = time.monotonic()
            await self._read_dashboard()
            if readings % HQ_EVERY == 0:
                await self._read_hq()
            readings += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._nudge.wait(), self._interval_s)
            self._nudge.clear()
            await asyncio.sleep(max(0.0, MIN_GAP_S - (time.monotonic() - started)))

    async def _read_dashboard(self) -> None:
        gateway = self._gateway
        if self._control is not None:
            try:
                self._nodes = await self._control.nodes()
            except ControlError as error:
                logger.info("%s", error)
            faults = await launcher_faults(self._control)
            self._launcher_faults = self._launcher_faults if faults is None else faults
        try:
            status, makers, days, alerts = await asyncio.gather(
                gateway.month_status(),
                gateway.manufacturers(),
                gateway.branch_days(),
                gateway.low_stock_alerts(),
            )
        except RemoteError as error:
            # NOT_FOUND: no month opened yet; anything else: the central is not answering as it should.
            if error.code is not grpc.StatusCode.NOT_FOUND:
                self._record(View(central_up=False))
                last = json.loads(self.dashboard.payload)
                last.update(
                    central_up=False, events=list(self._events), nodes=self._nodes, faults=self._faults()
                )
                await self.dashboard.publish(json.dumps(last))
                return
            status = None
            makers, days, alerts = await self._without_month()
        month = convert.month_status(status) if status is not None else None
        view = View(
            central_up=True,
            month=month["month"] if month else 0,
            state=month["state"] if month else "",
            lines={
                line["id"]: Line(line["manufacturer"], line["product"], line["available"])
                for line in (month["lines"] if month else [])
            },
            links={m["name"]: (m["connected"], m["pending_notifications"]) for m in makers},
            alerts=frozenset((a["branch"], a["product"]) for a in alerts),
            paused=bool(month and month["paused"]),
        )
        self._record(view)
        if month is not None:
            self._rate.observe(month["month"], month["order_count"], time.monotonic())
        await self.dashboard.publish(json.dumps(self._board(month, makers, days, alerts, central_up=True)))

    async def _without_month(self) -> tuple[list[Json], list[Json], list[Json]]:
        try:
            makers, days, alerts = await asyncio.gather(
                self._gateway.manufacturers(), self._gateway.branch_days(), self._gateway.low_stock_alerts()
            )
        except RemoteError:
            return [], [], []
        return makers, days, alerts

    def _record(self, view: View) -> None:
        at = datetime.now(UTC).isoformat()
        for event in self._feed.observe(view):
            self._events.appendleft({"at": at, "kind": event.kind, "text": event.text})
            if event.kind == "fault":
                # The feed's faults are the central's: answering again is the recovery.
                self._seen_faults.append({"at": at, "text": event.text, "recovered": view.central_up})

    def _faults(self) -> list[Json]:
        return fault_list(self._launcher_faults, self._seen_faults)

    def _board(
        self,
        month: Json | None,
        makers: list[Json],
        days: list[Json],
        alerts: list[Json],
        *,
        central_up: bool,
    ) -> Json:
        return {
            "central_up": central_up,
            "month": month,
            "manufacturers": makers,
            "branch_days": days,
            "alerts": alerts,
            "orders_per_s": self._rate.series(time.monotonic()),
            "events": list(self._events),
            "faults": self._faults(),
            "controls": self._control is not None,
            "nodes": self._nodes,
        }

    async def _read_hq(self) -> None:
        gateway = self._gateway
        try:
            days, inventory, top = await asyncio.gather(
                gateway.branch_days(), gateway.inventory_values(), gateway.top_products()
            )
        except RemoteError as error:
            logger.info("headquarters' figures not read: %s", error)
            return
        await self.hq.publish(json.dumps({"days": days, "inventory": inventory, "top": top}))
