"""Shared fixtures: an in-process central on a temporary SQLite file and its stubs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from central.testing import RunningCentral, running_central
from tests.helpers import Stubs


@pytest.fixture
async def rc(tmp_path: Path) -> AsyncIterator[RunningCentral]:
    """The central, in-process on port 0."""
    async with running_central(tmp_path / "central.sqlite3") as running:
        yield running


@pytest.fixture
def stubs(rc: RunningCentral) -> Stubs:
    """Stubs on the central's channel."""
    return Stubs.on(rc.channel)
