"""A fault the launcher injected and when the network recovered from it, for the dashboard and the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FaultRecord:
    """One injected fault: when, which node, what kind (e.g. "SIGKILL"), detail, and when it was back."""

    at: datetime
    node: str
    kind: str
    detail: str
    recovered_at: datetime | None
