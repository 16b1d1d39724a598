"""The run's faults and recoveries as JSON rows: what ``GET /faults`` on the controls gives the web node."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from launcher.records.faults import FaultRecord


def fault_rows(records: Sequence[FaultRecord]) -> list[dict[str, object]]:
    """Every fault the board holds (chaos, the lecturer's, an outage), oldest first, times in UTC.

    A naive time is the launcher's local clock; UTC lets a browser in another zone show it right.
    """
    return [
        {
            "at": record.at.astimezone(UTC).isoformat(),
            "node": record.node,
            "kind": record.kind,
            "detail": record.detail,
            "recovered_at": record.recovered_at.astimezone(UTC).isoformat() if record.recovered_at else None,
        }
        for record in records
    ]
