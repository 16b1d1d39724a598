"""The dashboard's faults list: the launcher's fault records and the feed's own, newest first, kept apart.

The launcher knows every fault it or the lecturer caused (a kill, a cut link, added latency, a
chaos strike, an outage) and when each ended; the web node reads them from the launcher's
controls (``GET /faults``). What the web node saw itself (the central not answering) joins
them. Nothing here scrolls off with routine news: the list holds the whole run's faults.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from web_node.control import ControlClient, ControlError

logger = logging.getLogger(__name__)

Json = dict[str, Any]


async def launcher_faults(control: ControlClient) -> list[Json] | None:
    """The launcher's fault records; None when they could not be read (keep the last ones)."""
    try:
        status, reply = await control.request("GET", "/faults")
    except ControlError as error:
        logger.info("%s", error)
        return None
    if status != 200:
        # A launcher without the endpoint: its faults show only as the feed sees them.
        return []
    rows = reply.get("faults", [])
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def fault_item(row: Json) -> Json:
    """One launcher record as a line of the list: ``{at, text, node, kind, recovered}``."""
    node, kind = str(row.get("node", "")), str(row.get("kind", ""))
    text = f"{kind} {node}" + (f" ({row['detail']})" if row.get("detail") else "")
    recovered = row.get("recovered_at")
    if isinstance(recovered, str):
        took = _seconds_between(str(row.get("at", "")), recovered)
        text += f" · back after {took:.1f}s" if took is not None else " · back"
    return {
        "at": row.get("at", ""),
        "text": text,
        "node": node,
        "kind": kind,
        "recovered": recovered is not None,
    }


def fault_list(records: Sequence[Json], seen: Iterable[Json]) -> list[Json]:
    """The launcher's ``records`` and the feed's own fault events ``seen``, newest first."""
    items = [fault_item(row) for row in records]
    items += [
        {
            "at": event["at"],
            "text": event["text"],
            "node": "",
            "kind": "web node",
            "recovered": bool(event.get("recovered")),
        }
        for event in seen
    ]
    return sorted(items, key=lambda item: _sort_key(str(item["at"])), reverse=True)


def _parse(moment: str) -> datetime | None:
    try:
        return datetime.fromisoformat(moment)
    except ValueError:
        return None


def _seconds_between(start: str, end: str) -> float | None:
    began, ended = _parse(start), _parse(end)
    if began is None or ended is None or (began.tzinfo is None) != (ended.tzinfo is None):
        return None
    return (ended - began).total_seconds()


def _sort_key(moment: str) -> float:
    parsed = _parse(moment)
    if parsed is None or parsed.tzinfo is None:
        return 0.0
    return parsed.timestamp()
