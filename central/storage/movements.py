"""Appends stock movements, the audit trail of every change to a stock line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from central.domain.stock import Movement
from central.storage.schema import stock_movements
from nodekit.db.prepared import prepared_insert

_FIELDS = ("stock_line_id", "kind", "quantity", "actor", "reason", "reference", "at")
_INSERT = prepared_insert(stock_movements, *_FIELDS)


@dataclass(frozen=True, slots=True)
class MovementRow:
    """One movement to append."""

    stock_line_id: int
    kind: Movement
    quantity: int
    actor: str
    reason: str
    reference: str = ""


def append(connection: Connection, rows: list[MovementRow], at: datetime) -> None:
    """Inserts ``rows`` in one statement."""
    if not rows:
        return
    _INSERT.execute_many(
        connection,
        [
            {
                "stock_line_id": row.stock_line_id,
                "kind": row.kind.value,
                "quantity": row.quantity,
                "actor": row.actor,
                "reason": row.reason,
                "reference": row.reference,
                "at": at,
            }
            for row in rows
        ],
    )
