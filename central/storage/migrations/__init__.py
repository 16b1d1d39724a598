"""The central's schema migrations (Alembic), shipped in the package and applied at start-up."""

from __future__ import annotations

from pathlib import Path

# The branch-store tables live on the central's metadata too; the newest revision makes both.
import central.branches.schema  # noqa: F401
from central.storage.schema import metadata
from nodekit.db.migrate import Migrations

MIGRATIONS = Migrations(directory=Path(__file__).parent, metadata=metadata, baseline="0001")
