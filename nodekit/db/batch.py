"""One batch of the group-commit writer: its queued operations, the node's hooks, and how it is applied."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

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
        begin: Runs first in every attempt at a batch (e.g. to forget what a rolled-back attempt noted).
        before_commit: Runs after the operations, just before the commit (e.g. a change notice
            that must be part of the same transaction).
    """

    lock_rows: LockRows | None = None
    begin: BeforeCommit | None = None
    before_commit: BeforeCommit | None = None


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


def apply_batch(connection: Connection, batch: list[Pending], hooks: BatchHooks) -> None:
    """Runs the batch's operations in the open transaction; a refusal is that operation's outcome."""
    if hooks.begin is not None:
        hooks.begin(connection)
    if hooks.lock_rows is not None:
        keys = sorted({key for item in batch for key in item.locks})
        if keys:
            hooks.lock_rows(connection, keys)
    for item in batch:
        try:
            item.outcome = (True, item.operation(connection))
        except DomainError as error:
            item.outcome = (False, error)
    if hooks.before_commit is not None:
        hooks.before_commit(connection)
