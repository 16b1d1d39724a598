"""The environment every child starts with: the launcher's own, less its flags' variables and any key."""

from __future__ import annotations

from collections.abc import Mapping

from launcher.settings import build_parser
from launcher.supervise.cast import KEY_VARIABLES
from nodekit.config import options


def children_environment(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the launcher's own variables and without any key variable.

    A child's flag of the same name is not the run's: ``DISTRIBUTION_MONTHS`` sets the run's
    months, and a customer reading it would leave after them. Keys are the run's own, handed
    to each child by ``launcher.supervise.cast``; one left in the shell
    (``DISTRIBUTION_MANUFACTURER_KEY_FILE``) would win over them.
    """
    dropped = KEY_VARIABLES | {option.variable for option in options(build_parser({}))}
    return {name: value for name, value in env.items() if name not in dropped}
