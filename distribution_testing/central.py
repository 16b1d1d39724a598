"""An in-process central for tests: the server on port 0, on a temporary SQLite file or any database."""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import grpc

from central.app import CollectorFactory, create_server
from central.running import Central
from central.settings import CentralSettings
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.db.engine import sqlite_url
from nodekit.timestamps import utcnow
from nodekit.tls import TlsClientConfig

OPERATOR_KEY = "test-operator-key"


@dataclass
class RunningCentral:
    """What a test needs: the address, the operator's token, a channel, and the central itself."""

    address: str
    operator_token: str
    channel: grpc.aio.Channel
    central: Central
    db_path: Path

    @property
    def db_url(self) -> str:
        """The central's database (SQLAlchemy URL), for the ledger checks."""
        return self.central.settings.db_url

    @property
    def operator_metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata for operator calls."""
        return bearer_metadata(self.operator_token)


@contextlib.asynccontextmanager
async def running_central(
    db_path: Path | None = None,
    collector: CollectorFactory | None = None,
    clock: Callable[[], datetime] = utcnow,
    client_tls: TlsClientConfig | None = None,
    **overrides: Any,
) -> AsyncIterator[RunningCentral]:
    """Starts the central on 127.0.0.1:0 and stops it afterwards.

    Args:
        db_path: SQLite file to use; a temporary one when None.
        collector: Builds the month desk's offer collector; the manufacturer links when None.
        clock: The central's aware UTC now (a test moves it to skip time).
        client_tls: How the test's own channel talks TLS, for a central given ``tls=``.
        **overrides: Any ``CentralSettings`` field, e.g. ``reservation_ttl_s=0.5`` or ``db_url``.
    """
    with contextlib.ExitStack() as stack:
        if db_path is None:
            db_path = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "central.sqlite3"
        fields: dict[str, Any] = {
            "port": 0,
            "db_url": sqlite_url(str(db_path)),
            "operator_key": OPERATOR_KEY,
            "drain_grace_s": 1.0,
        }
        # Any field may be overridden, the database too (e.g. a PostgreSQL URL).
        settings = dataclasses.replace(CentralSettings(), **{**fields, **overrides})
        central = await create_server(settings, collector=collector, clock=clock)
        channel = open_channel(f"127.0.0.1:{central.port}", client_tls)
        try:
            yield RunningCentral(f"127.0.0.1:{central.port}", OPERATOR_KEY, channel, central, db_path)
        finally:
            await channel.close()
            await central.stop()
