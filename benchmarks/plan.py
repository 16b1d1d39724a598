"""What a run measures and for how long (the full run stays under two minutes on 2 cores)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

BRANCH = "bench-branch"


@dataclass(frozen=True)
class Plan:
    """Durations, concurrencies and sizes of one run.

    Attributes:
        duration_s: Measured wall time of each measurement.
        warmup_s: Discarded run of each operation before its measurement.
        slices: Turns each measurement is split into, taken in turn with the echo's.
        concurrency: Closed-loop clients of the main figures.
        spread_lines: Stock lines the spread scenarios share out (one hot line besides).
        scaling: Client counts of the throughput table (echo and reserve).
        stream_window: Messages in flight on the bidi streams.
        watchers: Catalog watchers (and idle echo streams) for the memory figure.
        channels: Client channels per server; worker ``i`` uses channel ``i % channels``.
        branch_keys: Branch name -> key the central is started with.
    """

    duration_s: float = 4.0
    warmup_s: float = 0.5
    slices: int = 4
    concurrency: int = 64
    spread_lines: int = 64
    scaling: tuple[int, ...] = (1, 4, 16, 64, 256)
    stream_window: int = 64
    watchers: int = 1000
    channels: int = 4
    branch_keys: dict[str, str] = field(default_factory=lambda: {BRANCH: "bench-branch-key"})

    @classmethod
    def quick(cls) -> Plan:
        """A smoke run of about 30 seconds."""
        return cls(duration_s=1.0, warmup_s=0.2, slices=1)

    def with_overrides(
        self,
        duration_s: float | None = None,
        slices: int | None = None,
        concurrency: int | None = None,
        watchers: int | None = None,
        channels: int | None = None,
    ) -> Plan:
        """A copy with every given value replaced (a shorter duration shortens the warm-up too)."""
        return dataclasses.replace(
            self,
            duration_s=self.duration_s if duration_s is None else duration_s,
            warmup_s=self.warmup_s if duration_s is None else min(self.warmup_s, duration_s / 4),
            slices=self.slices if slices is None else slices,
            concurrency=self.concurrency if concurrency is None else concurrency,
            watchers=self.watchers if watchers is None else watchers,
            channels=self.channels if channels is None else channels,
        )
