"""The shared parts, built once by the composition root; most use cases take only the parts they need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from central.service.book import StockBook
from central.service.events import EventBus
from central.service.hub import CatalogHub
from central.settings import CentralSettings
from nodekit.db.writer import WriteQueue
from nodekit.timestamps import utcnow


@dataclass
class Core:
    """Engine, group-commit writer, in-memory book, catalog hub, events, settings and clock.

    ``shared`` is true when other centrals may write the same database (PostgreSQL).
    """

    settings: CentralSettings
    engine: AsyncEngine
    writer: WriteQueue
    central_id: str = ""
    shared: bool = False
    book: StockBook = field(default_factory=StockBook)
    hub: CatalogHub = field(default_factory=CatalogHub)
    events: EventBus = field(default_factory=EventBus)
    clock: Callable[[], datetime] = utcnow
