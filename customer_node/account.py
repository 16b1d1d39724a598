"""The shop's account file: who the person is at the central, kept owner-only so they can log back in."""

from __future__ import annotations

import json
import os
import re
import stat
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

_UNSAFE = re.compile(r"[^a-z0-9]+")


class AccountFileError(Exception):
    """The account file cannot be used; the message is one line for a person."""


@dataclass(frozen=True, slots=True)
class Account:
    """What logging back in needs: the central's customer id and bearer token, and the name shown."""

    customer_id: str
    token: str
    name: str


def default_path(name: str, env: Mapping[str, str] | None = None) -> Path:
    """Where the account of ``name`` lives without ``--account-file``.

    Under the XDG state directory (``$XDG_STATE_HOME``, else ``~/.local/state``), one file per
    name: the same name finds its account again, two names on one machine stay apart.
    """
    env = os.environ if env is None else env
    state = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "state")
    slug = _UNSAFE.sub("-", name.lower()).strip("-")[:40] or "shopper"
    # The checksum keeps names that slug alike ("Ann B" and "ann-b") in different files.
    return Path(state) / "distribution" / "shop" / f"{slug}-{zlib.crc32(name.encode()):08x}.json"


def load(path: Path) -> Account | None:
    """The account saved in ``path``, or None when there is no file yet.

    Raises:
        AccountFileError: When others may read the file (it holds a bearer token) or it is not
            an account file.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AccountFileError(f"cannot read the account file {path}: {error.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AccountFileError(
            f"the account file {path} is open to others (mode {stat.S_IMODE(mode):04o}); "
            f"it holds your token: run `chmod 600 {path}`"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Account(str(data["customer_id"]), str(data["token"]), str(data["name"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise AccountFileError(
            f"{path} is not a shop account file; move it away or give another --account-file"
        ) from None


def save(path: Path, account: Account) -> None:
    """Writes the account readable by the owner only, replacing the file atomically.

    Raises:
        AccountFileError: When the file or its directory cannot be written.
    """
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Created 0600 from the start: the token is never readable by others, not even briefly.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # a leftover temporary file keeps its old mode otherwise
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(asdict(account), handle)
            handle.write("\n")
        os.replace(temporary, path)
    except OSError as error:
        raise AccountFileError(f"cannot write the account file {path}: {error.strerror}") from None
