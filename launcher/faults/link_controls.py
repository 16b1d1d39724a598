"""The run's relays by node, opened at start, and the lecturer's cut, restore and latency on them."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from launcher.faults.links import MAX_LATENCY_MS, Relay
from launcher.supervise.cast import Cast

logger = logging.getLogger(__name__)

LINK_ACTIONS = ("cut", "restore", "latency")

Reply = tuple[int, dict[str, object]]


class LinkControls:
    """One relay per manufacturer and branch, by its node's slug."""

    def __init__(self) -> None:
        self._relays: dict[str, Relay] = {}
        self._labels: dict[str, str] = {}

    async def open(self, slug: str, label: str, upstreams: Sequence[str]) -> str:
        """Starts the relay of ``slug`` in front of ``upstreams``; returns the address its child dials."""
        relay = Relay(label, upstreams)
        await relay.start()
        self._relays[slug] = relay
        self._labels[slug] = label
        return relay.address

    def state(self, slug: str) -> dict[str, object] | None:
        """The link of ``slug`` as the page shows it, or None if it has no relay."""
        relay = self._relays.get(slug)
        if relay is None:
            return None
        return {"cut": relay.is_cut, "latency_ms": relay.latency_ms}

    def act(self, slug: str, action: str, value: str = "") -> Reply:
        """Cuts, restores or slows the link of ``slug`` (``value``: the latency in ms)."""
        relay = self._relays.get(slug)
        if relay is None:
            return 404, {"error": f"no link {slug!r} to control"}
        label = self._labels[slug]
        if action == "latency":
            try:
                relay.set_latency(int(value))
            except ValueError:
                return 400, {"error": f"latency is a whole number of ms from 0 to {MAX_LATENCY_MS}"}
        elif action in ("cut", "restore"):
            if relay.is_cut == (action == "cut"):
                return 409, {"error": f"the link of {label} is {'cut' if relay.is_cut else 'up'} already"}
            relay.cut() if action == "cut" else relay.restore()
        else:
            return 404, {"error": f"no action {action!r}"}
        logger.info("lecturer's control: %s %s %s", action, label, value)
        return 200, {}

    def restore_all(self) -> list[str]:
        """Restores every cut link; the labels of those that were cut."""
        restored = []
        for slug, relay in self._relays.items():
            if relay.is_cut:
                relay.restore()
                restored.append(self._labels[slug])
        return restored

    async def close(self) -> None:
        """Stops every relay."""
        for relay in self._relays.values():
            await relay.close()
        self._relays.clear()


async def open_links(cast: Cast, links: LinkControls, centrals: Sequence[str]) -> dict[str, str]:
    """A relay per manufacturer and branch; slug -> the address each child dials.

    Shoppers dial the centrals themselves: theirs is the bulk of the traffic, and carried
    through the launcher's own event loop it slows short months measurably.
    """
    dial = {member.slug: ",".join(centrals) for member in cast.customers}
    for member in (*cast.manufacturers, *cast.branches):
        dial[member.slug] = await links.open(member.slug, f"{member.role.value} {member.name}", centrals)
    return dial
