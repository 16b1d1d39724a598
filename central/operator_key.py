"""The operator key when none is configured: made once, kept in an owner-only file, its path logged."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from nodekit.auth import new_token

logger = logging.getLogger(__name__)

KEY_FILE = "central-operator.key"


def key_file_for(db_url: str) -> Path:
    """Beside a SQLite database; in the working directory for any other database."""
    parsed = make_url(db_url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database).resolve().parent / KEY_FILE
    return Path.cwd() / KEY_FILE


def generated_key(path: Path) -> str:
    """The key in ``path``, made there first (mode 0600) when the file does not exist.

    A restarted central finds the same key, so the operator's ``--key-file`` keeps working.
    """
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                path.chmod(0o600)
            logger.info("operator key (none configured) read from %s", path)
            return key
    key = new_token()
    # Created owner-only from the start: the key is never readable by others, not even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    path.chmod(0o600)
    logger.warning(
        "operator key generated in %s (owner-only; none was configured): "
        "python -m operator_cli --key-file %s",
        path,
        path,
    )
    return key
