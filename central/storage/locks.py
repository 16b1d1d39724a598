"""Row locks of the central's writes, taken once per batch in stock line order (several centrals)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from central.storage import changes
from central.storage.schema import stock_lines
from nodekit.db.asyncpg_form import AsyncpgForm, columns_of, is_asyncpg
from nodekit.db.batch import BatchHooks
from nodekit.db.engine import is_sqlite

# One array parameter rather than an IN list: one SQL text whatever the number of lines, so the
# driver prepares it once (an IN list is rendered, and prepared, once per length).
_LOCK_LINES = (
    select(stock_lines.c.stock_line_id)
    .where(stock_lines.c.stock_line_id == any_(bindparam("ids", type_=ARRAY(BigInteger))))
    .order_by(stock_lines.c.stock_line_id)
    .with_for_update()
)
# The lock with the ids written in: a simple query, which may follow a BEGIN in one message.
_LOCK_TEXT = (
    "SELECT stock_line_id FROM stock_lines WHERE stock_line_id IN ({ids}) ORDER BY stock_line_id FOR UPDATE"
)
# Compiled for asyncpg at the first batch (it needs the engine's dialect).
_lock_form: AsyncpgForm | None = None


def lock_stock_lines(connection: Connection, line_ids: Sequence[int]) -> None:
    """Locks the lines a batch will change, lowest id first.

    Every write that changes a reservation also changes (or at least locks) its
    line, so two batches that would touch the same reservation or line meet
    first on the lowest line they share, and one waits for the other instead of
    each holding what the other needs.
    """
    params = {"ids": list(line_ids)}
    if not is_asyncpg(connection):
        connection.execute(_LOCK_LINES, params)
        return
    global _lock_form
    if _lock_form is None:
        _lock_form = AsyncpgForm(_LOCK_LINES, columns_of(_LOCK_LINES), connection.dialect)
    # Straight on the driver, once a batch: SQLAlchemy's execution path costs more than the lock.
    _lock_form.execute(connection, params)


def lock_text(line_ids: Sequence[int]) -> str:
    """The same locks as one SQL text with the ids written in (integers only), sent with the batch's BEGIN."""
    ids = ",".join(str(int(line_id)) for line_id in line_ids)
    return _LOCK_TEXT.format(ids=ids)


def central_batch_hooks(engine: AsyncEngine, central_id: str) -> BatchHooks:
    """The central's hooks: none on SQLite (one writer at a time).

    On PostgreSQL: ordered line locks, and the change notice sent with each commit.
    """
    if is_sqlite(engine):
        return BatchHooks()
    return BatchHooks(
        lock_rows=lock_stock_lines,
        lock_text=lock_text,
        begin=changes.forget,
        before_commit=changes.announcer(central_id),
    )
