"""The revisions, oldest first; Alembic reads them by path (see nodekit.db.migrate)."""
