"""Composition root: builds the central's parts and its gRPC server; serve() only runs it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import grpc
from grpc_health.v1 import health
from grpc_reflection.v1alpha import reflection, reflection_pb2_grpc
from sqlalchemy.exc import SQLAlchemyError

from central.api.availability import WatchedAuthenticator, guarded_by
from central.api.branch import BRANCH_SERVICE_NAMES, install_branch_stores
from central.api.cart import CartServicer
from central.api.catalog import CatalogServicer
from central.api.customer import CustomerServicer
from central.api.link import ManufacturerLinkServicer, manufacturer_lister
from central.api.month import ManufacturerLister, MonthServicer
from central.api.order import OrderServicer
from central.api.policy import POLICY
from central.link import LinkRegistry, queue_month_reports
from central.metrics import observe_central, observe_feed, observe_months
from central.running import Central
from central.service.accounts import Accounts
from central.service.book import StockBook
from central.service.cart import Cart
from central.service.catalog import Catalog
from central.service.checkout import Checkout
from central.service.coherence import Coherence
from central.service.database_watch import DatabaseWatch
from central.service.events import EventBus
from central.service.expiry import ExpirySweeper
from central.service.hub import CatalogHub
from central.service.month_opening import OfferCollector
from central.service.month_pause import PauseDesk
from central.service.months import MonthDesk
from central.service.offers import OfferDesk
from central.settings import CentralSettings
from central.startup import StartupError, check_database, database_cause, listen, safe_url
from central.storage.feed import ChangeFeed, asyncpg_dsn
from central.storage.locks import central_batch_hooks
from central.storage.migrations import MIGRATIONS
from central.storage.probe import probe_for
from generated.distribution.v1 import (
    cart_pb2,
    cart_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    customer_pb2,
    customer_pb2_grpc,
    manufacturer_pb2,
    manufacturer_pb2_grpc,
    month_pb2,
    month_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
)
from nodekit.db.engine import create_engine, is_sqlite
from nodekit.db.migrate import SchemaTooNew, migrate
from nodekit.db.writer import WriteQueue
from nodekit.guard import Guard
from nodekit.health import add_health, set_serving
from nodekit.ids import new_id
from nodekit.rate_limit import RateLimit
from nodekit.registrar import Registrar
from nodekit.timestamps import utcnow

logger = logging.getLogger(__name__)

# Builds the month desk's offer collector on the offer desk; tests pass one to stand in for the links.
CollectorFactory = Callable[[OfferDesk], OfferCollector]

SERVER_OPTIONS = (
    ("grpc.keepalive_time_ms", 20_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.min_ping_interval_without_data_ms", 5_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.max_receive_message_length", 4 * 1024 * 1024),
    # A second central on the same port must fail to bind, not share the port and take clients.
    ("grpc.so_reuseport", 0),
)


async def create_server(
    settings: CentralSettings,
    list_manufacturers: ManufacturerLister | None = None,
    collector: CollectorFactory | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Central:
    """Builds and starts the central on ``settings.port`` (0 = a free port); SERVING when it returns.

    Args:
        settings: The central's settings.
        list_manufacturers: The operator's manufacturer list; the links' view when None.
        collector: Builds the offer collector; the manufacturer links when None.
        clock: Aware UTC now of the central's months, reservations and records (tests set it).

    Raises:
        StartupError: The port is in use or the database cannot be opened (one line).
    """
    check_database(settings.db_url)
    # The port first: a central that cannot listen says so before it touches the database.
    server = grpc.aio.server(options=SERVER_OPTIONS)
    port = listen(server, settings.host, settings.port, settings.tls)
    engine = create_engine(settings.db_url)
    try:
        await migrate(engine, MIGRATIONS)
    except (SQLAlchemyError, OSError, SchemaTooNew) as error:
        await engine.dispose()
        await server.stop(None)
        raise StartupError(
            f"cannot open database {safe_url(settings.db_url)}: {database_cause(error)}"
        ) from error
    central_id = new_id()
    # On PostgreSQL other centrals may share the database: they hear of each other's commits.
    shared = not is_sqlite(engine)
    writer = WriteQueue(engine, hooks=central_batch_hooks(engine, central_id))
    await writer.start()
    # The month's stock in memory, the catalog's watchers and the committed events, shared by the parts.
    book, hub, events = StockBook(), CatalogHub(), EventBus()
    observe_central(engine, writer, book, events, clock)
    accounts = Accounts(settings, engine, writer, clock)
    await accounts.load_configured()
    # The links record the offers they collect with the offer desk, which needs no month desk; so
    # the links exist before the month desk that asks them, and every part gets its parts built.
    offers = OfferDesk(writer, book, hub, clock)
    links = LinkRegistry(
        engine, writer, book, clock, offers, settings.manufacturer_keys, central_id=central_id, shared=shared
    )
    months = MonthDesk(
        engine,
        writer,
        book,
        hub,
        events,
        clock,
        links if collector is None else collector(offers),
        settings.offer_deadline_ms,
        [queue_month_reports],
        owner=not shared,
    )
    await months.recover()
    coherence = Coherence(engine, book, hub, months, links)
    # Health and reflection are open to all, and also kept out of grpc's registered methods.
    open_to_all = Registrar(server)
    health_servicer = add_health(open_to_all)

    async def availability(up: bool) -> None:
        # Back: the book reads again what commits it may have missed, then calls are welcome again.
        if up and not guard.drain.closing:
            await coherence.caught_up()
        if not guard.drain.closing:
            await set_serving(health_servicer, up)

    watch = DatabaseWatch(probe_for(engine), availability, writer.abandon, heartbeat=shared)
    watch.start()
    observe_months(months)
    feed = None
    if shared:
        feed = ChangeFeed(asyncpg_dsn(settings.db_url), central_id, coherence, watch)
        observe_feed(feed)
        await feed.start()
    ttl_s = settings.reservation_ttl_s
    cart = Cart(engine, writer, book, hub, clock, ttl_s, shared=shared, reload_month=months.reload)
    checkout = Checkout(engine, writer, book, hub, events, clock, months.after_sales)
    catalog = Catalog(book, hub, settings.watch_coalesce_s)
    sweeper = ExpirySweeper(
        engine,
        writer,
        book,
        hub,
        clock,
        interval_s=settings.sweep_interval_s,
        ttl_s=ttl_s,
        watch=watch,
    )
    await sweeper.sweep_once()
    sweeper.start()

    rate = RateLimit(settings.rate_per_s, settings.rate_per_s * 2) if settings.rate_per_s else None
    # Every servicer is added through the guard, as one method table (see nodekit.registrar); inside
    # the guard the database watch answers UNAVAILABLE while the database is gone.
    guard = Guard(WatchedAuthenticator(accounts, watch), POLICY, rate)
    guarded = Registrar(server, guarded_by(guard, watch)).as_server()
    customer_pb2_grpc.add_CustomerServiceServicer_to_server(CustomerServicer(accounts, months), guarded)
    catalog_pb2_grpc.add_CatalogServiceServicer_to_server(CatalogServicer(catalog), guarded)
    cart_pb2_grpc.add_CartServiceServicer_to_server(CartServicer(cart), guarded)
    order_pb2_grpc.add_OrderServiceServicer_to_server(OrderServicer(checkout), guarded)
    events.subscribe(links.on_event)
    manufacturer_pb2_grpc.add_ManufacturerLinkServiceServicer_to_server(
        ManufacturerLinkServicer(links), guarded
    )
    month_pb2_grpc.add_MonthServiceServicer_to_server(
        MonthServicer(
            months,
            offers,
            list_manufacturers or manufacturer_lister(links),
            PauseDesk(writer, clock, months.reload, months.status),
        ),
        guarded,
    )
    await install_branch_stores(engine, writer, clock, settings.branch_keys, accounts, guarded)
    services = [
        customer_pb2.DESCRIPTOR.services_by_name["CustomerService"].full_name,
        catalog_pb2.DESCRIPTOR.services_by_name["CatalogService"].full_name,
        cart_pb2.DESCRIPTOR.services_by_name["CartService"].full_name,
        order_pb2.DESCRIPTOR.services_by_name["OrderService"].full_name,
        month_pb2.DESCRIPTOR.services_by_name["MonthService"].full_name,
        manufacturer_pb2.DESCRIPTOR.services_by_name["ManufacturerLinkService"].full_name,
        health.SERVICE_NAME,
        *BRANCH_SERVICE_NAMES,
        reflection.SERVICE_NAME,
    ]
    # enable_server_reflection picks the aio servicer only for a grpc.aio.Server itself.
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(
        reflection.aio.ReflectionServicer(services), open_to_all
    )
    await server.start()
    await set_serving(health_servicer, True)
    logger.info("central SERVING on %s:%d (db %s)", settings.host, port, safe_url(settings.db_url))
    return Central(
        settings,
        server,
        port,
        engine,
        writer,
        book,
        clock,
        accounts,
        months,
        cart,
        checkout,
        catalog,
        sweeper,
        health_servicer,
        links,
        guard.drain,
        feed,
        watch,
    )
