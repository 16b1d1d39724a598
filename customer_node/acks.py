"""The order ids a simulated customer was answered OK for, appended to a file the launcher checks."""

from __future__ import annotations

import os
from collections.abc import Mapping

# Set by the launcher per customer process; unset (a person, a test) records nothing.
ENV_ACKS_FILE = "DISTRIBUTION_ACKS_FILE"


def record_ack(order_id: str, env: Mapping[str, str] | None = None) -> None:
    """Appends ``order_id`` as one line to the file named by $DISTRIBUTION_ACKS_FILE.

    The line is written and closed before the next call is made, so it is in the file
    (the kernel's page cache) even if this process is killed right after.
    """
    path = (os.environ if env is None else env).get(ENV_ACKS_FILE)
    if not path or not order_id:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(order_id + "\n")
