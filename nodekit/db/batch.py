"""One batch of the group-commit writer: its queued operations, the node's hooks, and how it is applied."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection

from nodekit.db.asyncpg_form import is_asyncpg
from nodekit.db.prepared import Prepared
from nodekit.errors import DomainError

T = TypeVar("T")
Operation = Callable[[Connection], T]
Follow = Callable[[T], None]
LockRows = Callable[[Connection, Sequence[int]], None]
BeforeCommit = Callable[[Connection], None]


@dataclass(frozen=True, slots=True)
class BatchHooks:
    """What a node adds to every batch, inside its transaction.

    Attributes:
        lock_rows: Takes the row locks the batch's operations declared, all at once and in
            key order before any operation runs, so writers in several processes never wait
            on each other in a circle. None where one writer has the database to itself.
        lock_text: The same locks as one SQL text with the keys written in, so PostgreSQL's session
            can send it in one round trip with the batch's BEGIN. None: ``lock_rows`` takes them.
        begin: Runs first in every attempt at a batch (e.g. to forget what a rolled-back attempt noted).
        before_commit: Runs after the operations, just before the commit (e.g. a change notice
            that must be part of the same transaction).
    """

    lock_rows: LockRows | None = None
    lock_text: Callable[[Sequence[int]], str] | None = None
    begin: BeforeCommit | None = None
    before_commit: BeforeCommit | None = None


@dataclass(frozen=True, slots=True)
class Piped(Generic[T]):
    """An operation's first statement, sent with the same statement of the batch's other operations.

    On asyncpg the batch's operations of one ``statement`` send it in one pipelined
    round trip instead of one each, then each is finished by ``then`` from its row.
    Each row ends with the value of the parameter named ``tag`` (unique per operation),
    which tells whose row it is, since a parameter set may give no row. Elsewhere, or
    alone in its batch, the operation runs as a plain one.

    Attributes:
        statement: Gives at most one row per parameter set, its last column the ``tag``'s value.
        params: The parameters, made when the batch runs.
        tag: The parameter whose value ends each row.
        then: The rest of the operation, given the parameters and the row without its tag
            (None when the statement gave none); raises a ``DomainError`` to refuse.
    """

    statement: Prepared
    params: Callable[[], Mapping[str, Any]]
    tag: str
    then: Callable[[Connection, Mapping[str, Any], tuple[Any, ...] | None], T]


@dataclass(slots=True)
class Pending:
    """A queued operation, the rows it will lock, its caller's future and its outcome."""

    operation: Operation[Any]
    future: asyncio.Future[Any]
    follow: Follow[Any] | None = None
    locks: tuple[int, ...] = ()
    outcome: tuple[bool, Any] = field(default=(False, None))
    # Its caller was answered while the batch was written (the database hung): never run it again.
    abandoned: bool = False
    piped: Piped[Any] | None = None


def apply_batch(
    connection: Connection, batch: list[Pending], hooks: BatchHooks, locked: bool = False
) -> None:
    """Runs the batch's operations in the open transaction; a refusal is that operation's outcome.

    ``locked``: the session took the batch's row locks with its BEGIN already.

    Piped operations of one statement (asyncpg only) all run where the first of them
    stands in the batch, so whatever was queued ahead of them (``first``) still runs first.
    """
    if hooks.begin is not None:
        hooks.begin(connection)
    if hooks.lock_rows is not None and not locked:
        keys = sorted({key for item in batch for key in item.locks})
        if keys:
            hooks.lock_rows(connection, keys)
    groups = _piped_together(batch) if is_asyncpg(connection) else {}
    for item in batch:
        if item.piped is not None and id(item.piped.statement) in groups:
            group = groups[id(item.piped.statement)]
            if item is group[0]:
                _send(connection, group)
            continue
        try:
            item.outcome = (True, item.operation(connection))
        except DomainError as error:
            item.outcome = (False, error)
    if hooks.before_commit is not None:
        hooks.before_commit(connection)


def _piped_together(batch: list[Pending]) -> dict[int, list[Pending]]:
    """The piped operations by statement, where more than one share it."""
    groups: dict[int, list[Pending]] = {}
    for item in batch:
        if item.piped is not None:
            groups.setdefault(id(item.piped.statement), []).append(item)
    return {statement: items for statement, items in groups.items() if len(items) > 1}


def _send(connection: Connection, items: list[Pending]) -> None:
    """One statement for all ``items`` in one round trip, then each finished from its own row."""
    pipes = [item.piped for item in items if item.piped is not None]
    params = [pipe.params() for pipe in pipes]
    rows = pipes[0].statement.rows_many(connection, params)
    by_tag = {row[-1]: row[:-1] for row in rows}
    for item, pipe, given in zip(items, pipes, params, strict=True):
        try:
            item.outcome = (True, pipe.then(connection, given, by_tag.get(given[pipe.tag])))
        except DomainError as error:
            item.outcome = (False, error)
