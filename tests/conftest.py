"""Shared fixtures come from the testing kit's pytest plugin (``rc``, ``stubs``, ``central``, ...).

Installed, the package's ``pytest11`` entry point loads it under this same name, and pytest
loads a plugin only once per name, so naming it here too is safe.

The unit tests are collected first, then the other files with those that start several
central processes spread evenly among them: pytest-xdist (``--dist loadfile
--no-loadscope-reorder``, as ``run_tests.py`` runs it) hands files out in this order, so those
long files neither start all at once (a dozen centrals starting together on two cores miss
their start-up bound) nor run alone at the end. (Unit tests first, as xdist's own order
mostly has them: short, they start the workers quickly.) Right after the unit files go the
files held by the clock rather than the CPU (``CLOCK_BOUND``: runs of ``run.py`` timed by
their months, two minutes and more on one worker), so that none of them starts near the end.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

pytest_plugins = ["distribution_testing.plugin"]

HEAVY_MARKER = "several_centrals"
UNIT = "tests/unit/"
# The long files are spread over this share of the other files, so none is left to the end.
HEAVY_SPAN = 0.9
# Runs timed by their months: they take minutes whatever the machine's load, on little CPU.
CLOCK_BOUND = ("tests/e2e/test_month_length_slow.py", "tests/e2e/test_month_length.py")
# xdist tops a worker up with the next file whenever it has this many tests queued or fewer,
# so the file after a clock-bound one waits behind it on the same worker.
TOP_UP = 2


@pytest.fixture(autouse=True)
def _root_logger_left_as_found() -> Iterator[None]:
    """Puts the root logger's handlers and level back after each test.

    A test of a node's logging set-up (``setup_logging``) replaces the root handler with one on
    the test's captured stderr, closed once the test ends; a later test in the same worker that
    logs would then print "Logging error" into its own captured stderr.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def server(postgres_admin_url: str) -> str:
    """The worker's throwaway PostgreSQL server (each test makes its own database on it)."""
    return postgres_admin_url


def _file(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def spread(heavy: list[str], light: list[str]) -> list[str]:
    """``light`` in its order with ``heavy`` inserted at even intervals over its first ``HEAVY_SPAN``."""
    if not heavy:
        return light
    step = len(light) * HEAVY_SPAN / len(heavy)
    ordered = list(light)
    for n, path in reversed(list(enumerate(heavy))):
        ordered.insert(round(n * step), path)
    return ordered


def after_units(clock_bound: list[str], unit: list[str], tests: dict[str, int]) -> list[str]:
    """``unit``, then each of ``clock_bound`` followed by a unit file of more than ``TOP_UP`` tests.

    That quick file is what waits behind the long one, and the worker holding both is not
    topped up with the next clock-bound file, which goes to another worker.
    """
    chasers = [path for path in unit if tests[path] > TOP_UP][-len(clock_bound) :] if clock_bound else []
    order = [path for path in unit if path not in chasers]
    for n, path in enumerate(clock_bound):
        order += [path, *chasers[n : n + 1]]
    return order


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Orders the files as the module docstring says; the tests keep their order within a file."""
    by_file: dict[str, list[pytest.Item]] = {}
    heavy: set[str] = set()
    for item in items:
        by_file.setdefault(_file(item), []).append(item)
        if item.get_closest_marker(HEAVY_MARKER):
            heavy.add(_file(item))
    unit = [path for path in by_file if path.startswith(UNIT)]
    clock_bound = [path for path in CLOCK_BOUND if path in by_file]
    others = [p for p in by_file if p not in heavy and p not in clock_bound and not p.startswith(UNIT)]
    first = after_units(clock_bound, unit, {path: len(tests) for path, tests in by_file.items()})
    order = first + spread([path for path in by_file if path in heavy], others)
    items[:] = [item for path in order for item in by_file[path]]
