"""Composition of a manufacturer: plant, desk and link, run until a stop signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from manufacturer_node.catalog import product_lines
from manufacturer_node.desk import Desk
from manufacturer_node.link import CentralLink
from manufacturer_node.plant import Plant
from manufacturer_node.settings import ManufacturerSettings
from nodekit.channel import open_channel
from nodekit.handshake import HandshakeRefused, check_handshake
from nodekit.reach import ReachNotice
from nodekit.refusals import is_refusal, refusal

logger = logging.getLogger(__name__)


async def run_manufacturer(settings: ManufacturerSettings, stop: asyncio.Event) -> int:
    """Produces and keeps the link up until ``stop`` is set (exit 0) or the link fails (exit 1)."""
    try:
        await check_handshake(settings.central, settings.tls)
    except HandshakeRefused as error:
        logger.error("%s", error)
        return 1
    plant = Plant(product_lines(settings.name, settings.seed), settings.month_seconds)
    desk = Desk(plant, settings.month_seconds)
    channel = open_channel(settings.central, settings.tls)
    link = CentralLink(
        channel, settings.key, plant, desk, settings.give_up_s, ReachNotice(settings.central), settings.name
    )
    lines = ", ".join(
        f"{line.product} @{line.unit_price_cents}c {line.rate_per_s}/s cap {line.capacity}"
        for line in plant.lines.values()
    )
    logger.info("%s producing: %s", settings.name, lines)
    plant.start()
    linking = asyncio.create_task(link.run(), name="central-link")
    stopping = asyncio.create_task(stop.wait(), name="stop-signal")
    try:
        await asyncio.wait({linking, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if linking.done():
            logger.error("%s", _failure_line(settings, linking.exception()))
            return 1
        logger.info("stopping")
        return 0
    finally:
        for task in (linking, stopping):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await plant.stop()
        await channel.close()


def _failure_line(settings: ManufacturerSettings, error: BaseException | None) -> str:
    """One line for a person: a refused key names what to check; nothing prints a raw gRPC error."""
    cause = error.__cause__ if error is not None else None
    if cause is not None and is_refusal(cause):
        who = f"the key of manufacturer {settings.name!r}"
        return str(refusal(who, cause, "check --key or $DISTRIBUTION_MANUFACTURER_KEY"))
    text = " ".join(str(error).split()) if error is not None else "it ended"
    return f"link to the central failed for good: {text}"
