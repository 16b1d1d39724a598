"""The control of `benchmarks centrals`: the same callers split over centrals that share nothing.

Three centrals on one database cost more per call than one central with all the
callers. Part of that is coherence (the change feed, the refresh, the ownership
tries), part is the split itself: each process has a third of the callers in hand
(smaller group commits, fewer calls per wake-up of its event loop and of gRPC's
poller) and more processes share the same cores. The control takes the split
without the coherence: 2 and 3 single centrals, each on its own database of the
same server, the callers dealt over them as the client deals them over centrals
on one database. Beside it, 3 centrals on one database with every call on the
first: the other two only follow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from benchmarks.centrals_cost import Loadable
from benchmarks.load import Op


@dataclasses.dataclass(frozen=True)
class Apart:
    """Independent configurations loaded as one: worker i calls part i mod k, as its worker i // k."""

    parts: Sequence[Loadable]

    def reserve(self, shape: str) -> Op:
        """Each part's reserve, the workers dealt over the parts."""
        ops = [part.reserve(shape) for part in self.parts]

        async def op(worker: int) -> None:
            await ops[worker % len(ops)](worker // len(ops))

        return op
