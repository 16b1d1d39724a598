"""The kit's pytest plugin: fixtures for a central in-process, authorised callers, scripted nodes.

Loaded by the ``pytest11`` entry point once the wheel is installed (this repository's own
tests name it in ``tests/conftest.py``; pytest loads a plugin once under its module name).
Every fixture stops what it started.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from distribution_client import Branch, Card, CentralClient, ManufacturerLink, Operator, Shopper, connect
from distribution_testing.central import RunningCentral, running_central
from distribution_testing.cutting_proxy import CuttingProxy
from distribution_testing.months import MonthControl
from distribution_testing.network import NetworkFactory
from distribution_testing.postgres import postgres_server
from distribution_testing.scripted import ScriptedBranch, ScriptedManufacturer
from distribution_testing.several_centrals import Centrals, several_centrals
from distribution_testing.stubs import Stubs
from launcher.postgres.server import fresh_database

# The scripted manufacturer's and branch's names and keys, configured at the kit's central.
MANUFACTURER = ("Acme", "kit-acme-key")
BRANCH = ("north", "kit-north-key")
CARD = Card("4242 4242 4242 4242", 12, 2031)
POSTGRES_OPTION = "--kit-postgres"
POSTGRES_MARKER = "kit_postgres"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--kit-postgres`` puts every ``central`` on a throwaway PostgreSQL server."""
    parser.addoption(
        POSTGRES_OPTION,
        action="store_true",
        help="the testing kit's central fixture on a throwaway PostgreSQL server (else SQLite)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declares the kit's marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line("markers", f"{POSTGRES_MARKER}: this test's central on a throwaway PostgreSQL")


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A throwaway PostgreSQL server for the session (skipped without its binaries); its admin URL."""
    with postgres_server() as url:
        yield url


@pytest_asyncio.fixture
async def rc(tmp_path: Path) -> AsyncIterator[RunningCentral]:
    """A bare central in-process on port 0, on a SQLite file in ``tmp_path`` (no node keys)."""
    async with running_central(tmp_path / "central.sqlite3") as running:
        yield running


@pytest.fixture
def stubs(rc: RunningCentral) -> Stubs:
    """Raw stubs on ``rc``'s channel, for tests of the wire itself."""
    return Stubs.on(rc.channel)


@pytest.fixture
def central_overrides() -> dict[str, Any]:
    """More ``CentralSettings`` for ``central`` (override this fixture to change them)."""
    return {}


@pytest_asyncio.fixture
async def central(
    request: pytest.FixtureRequest, tmp_path: Path, central_overrides: dict[str, Any]
) -> AsyncIterator[RunningCentral]:
    """A central in-process with the kit's manufacturer and branch keys; SQLite, or PostgreSQL when asked.

    PostgreSQL (a fresh database on the session's throwaway server) with ``--kit-postgres`` or
    the ``kit_postgres`` marker.
    """
    settings: dict[str, Any] = {"manufacturer_keys": dict([MANUFACTURER]), "branch_keys": dict([BRANCH])}
    if request.config.getoption(POSTGRES_OPTION) or request.node.get_closest_marker(POSTGRES_MARKER):
        admin_url = request.getfixturevalue("postgres_admin_url")
        settings["db_url"] = await fresh_database(admin_url, "kit")
    async with running_central(tmp_path / "central.sqlite3", **{**settings, **central_overrides}) as running:
        yield running


@pytest_asyncio.fixture
async def central_client(central: RunningCentral) -> AsyncIterator[CentralClient]:
    """The client package on ``central`` (one channel for every caller below)."""
    async with connect(central.address) as client:
        yield client


@pytest.fixture
def operator(central: RunningCentral, central_client: CentralClient) -> Operator:
    """The operator's caller, authorised."""
    return central_client.operator(central.operator_token)


@pytest_asyncio.fixture
async def shopper(central_client: CentralClient) -> Shopper:
    """A shopper registered (with a valid card) and signed in."""
    shopper = central_client.shopper()
    await shopper.register("kit-shopper", CARD)
    return shopper


@pytest.fixture
def manufacturer_link(central_client: CentralClient) -> ManufacturerLink:
    """The kit manufacturer's link caller, under its configured name and key."""
    return central_client.manufacturer_link(MANUFACTURER[1], MANUFACTURER[0])


@pytest.fixture
def branch(central_client: CentralClient) -> Branch:
    """The kit branch's caller, under its configured name and key."""
    return central_client.branch(BRANCH[1], BRANCH[0])


@pytest_asyncio.fixture
async def scripted_manufacturer(manufacturer_link: ManufacturerLink) -> AsyncIterator[ScriptedManufacturer]:
    """The kit manufacturer, connected: it offers what ``offer`` set and keeps every notice."""
    scripted = ScriptedManufacturer(manufacturer_link)
    await scripted.connect()
    try:
        yield scripted
    finally:
        await scripted.close()


@pytest_asyncio.fixture
async def scripted_branch(branch: Branch) -> AsyncIterator[ScriptedBranch]:
    """The kit branch's sales stream, open: ``send`` streams sales and waits for their acks."""
    scripted = ScriptedBranch(branch)
    await scripted.open()
    try:
        yield scripted
    finally:
        await scripted.close()


@pytest.fixture
def month(operator: Operator, shopper: Shopper) -> MonthControl:
    """The month on command (open, pause, resume, close), each waited for until a shopper sees it."""
    return MonthControl(operator, shopper)


@pytest_asyncio.fixture
async def cutting_proxy(central: RunningCentral) -> AsyncIterator[CuttingProxy]:
    """A proxy in front of ``central`` that cuts chosen calls after they commit (``cut``)."""
    proxy = CuttingProxy(central.address)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()


@pytest_asyncio.fixture
async def network(tmp_path: Path) -> AsyncIterator[NetworkFactory]:
    """Starts whole networks of real processes (``await network(manufacturers=2, ...)``); stops them all."""
    factory = NetworkFactory(tmp_path)
    try:
        yield factory
    finally:
        await factory.close()


@pytest_asyncio.fixture
async def centrals_on_postgres(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Callable[..., Awaitable[Centrals]]]:
    """Starts groups of central processes on fresh databases of the session's throwaway PostgreSQL.

    ``await centrals_on_postgres(3, manufacturer_keys=...)``; every group is stopped at the end.
    """
    admin_url = request.getfixturevalue("postgres_admin_url")
    started: list[Centrals] = []
    async with contextlib.AsyncExitStack() as stack:

        async def start(count: int = 3, **options: Any) -> Centrals:
            work_dir = tmp_path / f"centrals-{len(started) + 1}"
            work_dir.mkdir()
            group = await stack.enter_async_context(several_centrals(admin_url, work_dir, count, **options))
            started.append(group)
            return group

        yield start
