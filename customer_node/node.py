"""The simulated customer process: wait for the central, sign in, follow the catalog, shop."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import grpc

from customer_node.catalog import CatalogView
from customer_node.cli import SimulateSettings, simulated_card
from customer_node.follow import CatalogFollower
from customer_node.session import Session
from customer_node.simulate import SimulatedShopper
from customer_node.strategy import Limits
from nodekit.channel import open_channel
from nodekit.handshake import HandshakeRefused
from nodekit.health import wait_until_serving
from nodekit.reach import ReachNotice
from nodekit.refusals import is_refusal, refusal
from nodekit.retry import Backoff
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)


async def run_simulation(settings: SimulateSettings, stop: asyncio.Event) -> int:
    """Runs one simulated customer until ``stop`` is set or its months are done.

    Args:
        settings: The customer's settings.
        stop: Set by SIGTERM/SIGINT.

    Returns:
        0 after a stop or after ``settings.months`` months; 1 when the central cannot be
        reached or refuses this customer.
    """
    work = asyncio.create_task(_simulate(settings), name="customer")
    stopped = asyncio.create_task(stop.wait(), name="stop")
    await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if work.done():
        stopped.cancel()
        return work.result()
    logger.info("stopping")
    work.cancel()
    # Cancellation of in-flight calls is safe: a half-done checkout is replayed by its key.
    await asyncio.gather(work, return_exceptions=True)
    return 0


async def _simulate(settings: SimulateSettings) -> int:
    try:
        notice = ReachNotice(settings.central)
        await wait_until_serving(settings.central, settings.startup_timeout_s, notice, settings.tls)
    except (TimeoutError, HandshakeRefused) as error:
        logger.error("%s", error)
        return 1
    async with open_channel(settings.central, settings.tls) as channel:
        session = Session(channel, settings.timeout_s)
        try:
            await sign_in_patiently(session, settings)
        except RemoteError as error:
            if is_refusal(error):
                logger.error("%s", customer_refused(settings.name, error))
            else:
                logger.error("could not register: %s", error)
            return 1
        follower = CatalogFollower(session, CatalogView(), settings.watch_timeout_s)
        shopper = SimulatedShopper(
            settings.name,
            settings.seed,
            session,
            follower,
            Limits(max_think_ms=settings.think_ms, month_seconds=settings.month_seconds),
            market_seed=settings.market_seed,
        )
        return await _shop_while_following(shopper, follower, settings.months, settings.name)


def customer_refused(name: str, error: BaseException) -> str:
    """The one line for a customer whose token the central refused."""
    return str(
        refusal(
            f"customer {name!r}", error, "start it again with another --token-file (or none) to register anew"
        )
    )


async def _shop_while_following(
    shopper: SimulatedShopper, follower: CatalogFollower, months: int, name: str
) -> int:
    following = asyncio.create_task(follower.run(), name="catalog")
    shopping = asyncio.create_task(shopper.run(months), name="shopping")
    try:
        await asyncio.wait({following, shopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (following, shopping):
            task.cancel()
        await asyncio.gather(following, shopping, return_exceptions=True)
    if shopping.done() and not shopping.cancelled() and shopping.exception() is None:
        logger.info("done after %d month(s)", months)
        return 0
    failed = following if not following.cancelled() else shopping
    error = failed.exception()
    if error is not None and is_refusal(error):
        logger.error("%s", customer_refused(name, error))
    else:
        logger.error("customer stopped: %s", error)
    return 1


async def sign_in_patiently(session: Session, settings: SimulateSettings) -> None:
    """``sign_in``, tried again while the central is unavailable, for up to the start-up timeout.

    A central killed and restarted while the customer starts (the lecturer's kill, a chaos
    strike) answers UNAVAILABLE for a moment; that is no reason to leave. A registration whose
    answer was lost leaves an account nobody uses, and the next try registers another.
    """
    backoff = Backoff(give_up_s=settings.startup_timeout_s)
    while True:
        try:
            await sign_in(session, settings)
            return
        except RemoteError as error:
            if error.code != grpc.StatusCode.UNAVAILABLE or backoff.exhausted():
                raise
            logger.info("the central is unavailable while signing in (%s); trying again", error.message)
        await asyncio.sleep(backoff.next_wait())


async def sign_in(session: Session, settings: SimulateSettings) -> None:
    """Reuses the token in ``settings.token_file`` if the central knows it, else registers.

    A new token is written to the token file (mode 0600), so a restarted customer keeps its
    identity, its cart and its orders, and replays rather than repeats a checkout.

    Raises:
        nodekit.status.RemoteError: When registration is refused.
    """
    token = read_token(settings.token_file)
    if token:
        session.use_token(token)
        try:
            await session.get_cart()
        except RemoteError as error:
            if error.code != grpc.StatusCode.UNAUTHENTICATED:
                raise
            logger.info("saved token is not known to the central; registering again")
        else:
            logger.info("signed in as %s with the saved token", settings.name)
            return
    reply = await session.register(settings.name, simulated_card())
    if settings.token_file is not None:
        write_token(settings.token_file, reply.token)
    logger.info(
        "registered as %s (customer %s, card ending %s)",
        settings.name,
        reply.customer_id,
        reply.card_last4,
    )


def read_token(path: Path | None) -> str:
    """The token saved in ``path``, or "" when there is none."""
    if path is None or not path.is_file():
        return ""
    return path.read_text(encoding="utf-8").strip()


def write_token(path: Path, token: str) -> None:
    """Saves ``token`` readable by the owner only, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    os.replace(temporary, path)
