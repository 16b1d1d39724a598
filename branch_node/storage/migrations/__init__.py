"""The branch's schema migrations (Alembic), shipped in the package and applied at start-up."""

from __future__ import annotations

from pathlib import Path

from branch_node.storage.schema import metadata
from nodekit.db.migrate import Migrations

MIGRATIONS = Migrations(directory=Path(__file__).parent, metadata=metadata, baseline="0001")
