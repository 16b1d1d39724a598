"""The branch table: configured branches and their keys, and tenant validation of callers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from central.branches.schema import branches
from central.service.accounts import Accounts
from central.storage.serialize import Exclusive, one_at_a_time
from nodekit.auth import Principal, Role, token_digest
from nodekit.db.writer import WriteQueue
from nodekit.errors import denied


class BranchDirectory:
    """Knows which branches exist; registers their keys with the accounts."""

    def __init__(
        self,
        writer: WriteQueue,
        clock: Callable[[], datetime],
        branch_keys: Mapping[str, str],
        accounts: Accounts,
    ) -> None:
        self._writer = writer
        self._clock = clock
        self._branch_keys = branch_keys
        self._accounts = accounts
        self._ids: dict[str, int] = {}

    async def load_configured(self) -> None:
        """Upserts every configured branch with its key digest and lets its key in."""
        keys = dict(self._branch_keys)
        now = self._clock()
        ids = await self._writer.run(lambda c: _upsert(c, keys, now))
        for name, branch_id in ids.items():
            self._accounts.add_principal(keys[name], Principal(Role.BRANCH, str(branch_id), name))
        self._ids = ids

    def tenant(self, caller: Principal, branch_name: str) -> int:
        """The caller's branch id when ``branch_name`` is the caller's own branch.

        Raises:
            DomainError: PERMISSION_DENIED for any other (or unknown) branch.
        """
        branch_id = self._ids.get(branch_name)
        if caller.role is not Role.BRANCH or branch_id is None or str(branch_id) != caller.subject_id:
            raise denied(
                "NOT_YOUR_BRANCH",
                f"{caller.name} may only act for its own branch, not {branch_name!r}.",
                caller=caller.name,
                branch_name=branch_name,
            )
        return branch_id

    def caller_branch(self, caller: Principal) -> int:
        """The branch id of a branch caller."""
        return self.tenant(caller, caller.name)


def _upsert(connection: Connection, keys: Mapping[str, str], now: datetime) -> dict[str, int]:
    one_at_a_time(connection, Exclusive.BRANCHES)
    ids: dict[str, int] = {}
    for name, key in keys.items():
        digest = token_digest(key)
        row = connection.execute(select(branches.c.branch_id).where(branches.c.name == name)).first()
        if row is None:
            result = connection.execute(
                insert(branches).values(name=name, key_digest=digest, last_sequence=0, created_at=now)
            )
            ids[name] = int(result.inserted_primary_key[0])  # type: ignore[index]
        else:
            connection.execute(
                update(branches).where(branches.c.branch_id == row[0]).values(key_digest=digest)
            )
            ids[name] = int(row[0])
    return ids
