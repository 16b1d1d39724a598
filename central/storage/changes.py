"""The change feed's sending side: what a transaction changed, announced to the other centrals in it.

Writes note what they changed on their connection; just before the commit
the batch sends one ``pg_notify`` with all of it, so the notice is part of
the transaction: the other centrals hear of a change if and only if it
committed, and in commit order. Only PostgreSQL has other centrals; on
SQLite the notes are not kept.

Not every change is announced: a line's counters moving is not news unless
the line reached an edge, no unit left to reserve (``available`` 0, sold out
among them). Those lines' counters travel in the notice (``counts``: id,
offered, reserved, sold, version, as the write returned them) and ``lines``
lists them with the lines created; a batch that only moved counters sends no
notice at all. The other centrals read the rest at a bounded rate
(``central.storage.feed``), so following costs per second, not per call: no
``NOTIFY`` per batch (a global lock at commit, a queue read by every
listening backend, a wake-up at every other central).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection

CHANNEL = "distribution_changes"
# A NOTIFY payload must stay under 8,000 bytes; more lines than this go in several notices
# (a line with its counters takes about fifty bytes).
LINES_PER_NOTICE = 120
_KEY = "distribution_changes"


@dataclass(slots=True)
class Changes:
    """What one transaction changed, by kind."""

    # Lines created (new offers): the others read them.
    lines: set[int] = field(default_factory=set)
    # Per line its latest counters in this transaction: offered, reserved, sold, version.
    counts: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    month: bool = False
    notices: set[int] = field(default_factory=set)
    offers: bool = False
    links: bool = False

    def edges(self) -> set[int]:
        """Lines this transaction left with no unit to reserve (sold out among them)."""
        return {i for i, (offered, reserved, sold, _) in self.counts.items() if reserved + sold >= offered}

    def news(self) -> bool:
        """Whether the other centrals must hear of this transaction now (anything but counters moving)."""
        return bool(self.lines or self.month or self.notices or self.offers or self.links or self.edges())

    def payloads(self, sender: str) -> list[str]:
        """The NOTIFY payloads that announce these changes (the edges' counters, not every line's)."""
        lines = sorted(self.lines | self.edges())
        chunks = [lines[i : i + LINES_PER_NOTICE] for i in range(0, len(lines), LINES_PER_NOTICE)] or [[]]
        first = {
            "from": sender,
            "lines": chunks[0],
            "counts": self._counts(chunks[0]),
            "month": self.month,
            "notices": sorted(self.notices),
            "offers": self.offers,
            "links": self.links,
        }
        rest = [{"from": sender, "lines": chunk, "counts": self._counts(chunk)} for chunk in chunks[1:]]
        return [json.dumps(payload, separators=(",", ":")) for payload in (first, *rest)]

    def _counts(self, line_ids: list[int]) -> list[list[int]]:
        return [[line_id, *self.counts[line_id]] for line_id in line_ids if line_id in self.counts]


def sender_prefix(sender: str) -> str:
    """How every payload ``sender`` sends begins: a central skips its own notices without decoding them."""
    return '{"from":' + json.dumps(sender) + ","


def _notes(connection: Connection) -> Changes | None:
    if connection.dialect.name != "postgresql":
        return None
    notes = connection.info.get(_KEY)
    if notes is None:
        notes = connection.info[_KEY] = Changes()
    return notes


def lines(connection: Connection, stock_line_ids: Iterable[int]) -> None:
    """Notes stock lines whose counters changed or that were created."""
    notes = _notes(connection)
    if notes is not None:
        notes.lines.update(stock_line_ids)


def counted(connection: Connection, line_id: int, counts: tuple[int, int, int, int]) -> None:
    """Notes a line a write changed, with its counters after the write (offered, reserved, sold, version)."""
    notes = _notes(connection)
    if notes is not None:
        held = notes.counts.get(line_id)
        if held is None or held[3] < counts[3]:
            notes.counts[line_id] = counts


def month(connection: Connection) -> None:
    """Notes a month transition (begun, opened, closed)."""
    notes = _notes(connection)
    if notes is not None:
        notes.month = True


def notices(connection: Connection, manufacturer_ids: Iterable[int]) -> None:
    """Notes notifications queued for these manufacturers."""
    notes = _notes(connection)
    if notes is not None:
        notes.notices.update(manufacturer_ids)


def offers(connection: Connection) -> None:
    """Notes a manufacturer's answer to an offer request."""
    notes = _notes(connection)
    if notes is not None:
        notes.offers = True


def links(connection: Connection) -> None:
    """Notes a manufacturer's stream that began or ended at this central."""
    notes = _notes(connection)
    if notes is not None:
        notes.links = True


def announcer(sender: str) -> Callable[[Connection], None]:
    """The batch hook that sends the transaction's notes, then forgets them."""

    def announce(connection: Connection) -> None:
        notes: Changes | None = connection.info.pop(_KEY, None)
        if notes is None or not notes.news():
            return
        for payload in notes.payloads(sender):
            connection.execute(
                text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
            )

    return announce


def forget(connection: Connection) -> None:
    """Drops notes of a transaction that rolled back."""
    connection.info.pop(_KEY, None)
