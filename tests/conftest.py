"""Shared fixtures come from the testing kit's pytest plugin (``rc``, ``stubs``, ``central``, ...).

Installed, the package's ``pytest11`` entry point loads it under this same name, and pytest
loads a plugin only once per name, so naming it here too is safe.

The longest files are collected first, so that pytest-xdist (``--dist loadfile
--no-loadscope-reorder``, as ``run_tests.py`` runs it) hands them out at the start and the
many short files fill the workers at the end, instead of one long file running alone last.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["distribution_testing.plugin"]

# Collection rank of a file by its markers, longest first: several central processes, then
# whole networks of processes; unmarked files next, unit tests (short, in-process) last.
RANK_BY_MARKER = {"several_centrals": 0, "e2e": 1}
RANK_UNMARKED = 2
RANK_UNIT = 3


def _rank(item: pytest.Item) -> int:
    if item.nodeid.startswith("tests/unit/"):
        return RANK_UNIT
    marked = [rank for name, rank in RANK_BY_MARKER.items() if item.get_closest_marker(name)]
    return min(marked, default=RANK_UNMARKED)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Orders the files longest first, keeping their own order within and between files of one rank."""
    file_rank: dict[str, int] = {}
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        file_rank[path] = min(file_rank.get(path, RANK_UNIT), _rank(item))
    items.sort(key=lambda item: file_rank[item.nodeid.split("::", 1)[0]])
