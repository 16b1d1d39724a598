"""A whole small network as real processes: a central, N manufacturers, M branches, K simulated shoppers.

The cast (names, keys, seeds, command lines) is the launcher's own (``launcher.supervise.cast``), so a
test runs what ``run.py`` runs. Every manufacturer and branch dials the central through a
relay the test controls (cut, slow, restore); the central can be killed and restarted on its
port and database. Each control waits, with a bound, for its outcome.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from distribution_client import CentralClient, Operator, connect
from distribution_testing.months import MonthControl
from distribution_testing.polling import TIMEOUT, until
from distribution_testing.processes import ROOT, node_env
from launcher.faults.links import Relay
from launcher.report.loss_check import ACKS_ENV, acknowledged_orders
from launcher.supervise.cast import (
    Cast,
    Member,
    build_cast,
    central_argv,
    central_env,
    member_argv,
    member_env,
)
from nodekit.db.engine import sqlite_url
from nodekit.health import wait_until_serving
from nodekit.ports import free_port

SERVING_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


@dataclass
class Network:
    """One running network; ``slugs`` name its nodes (``manufacturer-acme-foods``, ``branch-toronto``)."""

    cast: Cast
    work_dir: Path
    db_url: str
    port: int
    extra_keys: dict[str, dict[str, str]]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    relays: dict[str, Relay] = field(default_factory=dict)
    client: CentralClient | None = None

    @property
    def address(self) -> str:
        """The central's ``host:port``."""
        return f"127.0.0.1:{self.port}"

    @property
    def operator(self) -> Operator:
        """The operator's caller on the central."""
        assert self.client is not None
        return self.client.operator(self.cast.operator_key)

    @property
    def acks_dir(self) -> Path:
        """Where the simulated shoppers write the order ids they were answered OK for."""
        return self.work_dir / "acks"

    def acknowledged_orders(self) -> set[str]:
        """Every order id a simulated shopper was answered OK for."""
        return acknowledged_orders(self.acks_dir)

    async def month(self) -> MonthControl:
        """The month on command, waited for through a shopper registered for it."""
        assert self.client is not None
        watcher = self.client.shopper()
        await watcher.register("kit-watcher", None)
        return MonthControl(self.operator, watcher)

    def _spawn(self, slug: str, argv: list[str], env: dict[str, str]) -> None:
        with (self.work_dir / f"{slug}.log").open("ab") as log:
            self.processes[slug] = subprocess.Popen(
                argv,
                cwd=ROOT,
                env={**node_env(), **env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start_central(self, timeout_s: float = SERVING_TIMEOUT_S) -> None:
        """Starts the central on its port and database and waits until it is SERVING."""
        env = central_env(self.cast)
        for variable, pairs in self.extra_keys.items():
            extra = ",".join(f"{name}={key}" for name, key in pairs.items())
            env[variable] = ",".join(filter(None, [env.get(variable, ""), extra]))
        self._spawn("central", central_argv(self.port, self.db_url), env)
        await wait_until_serving(self.address, timeout_s)

    async def start(self) -> None:
        """The central, then a relay and a process per manufacturer and branch, then the shoppers."""
        await self.start_central()
        self.client = connect(self.address)
        self.acks_dir.mkdir(parents=True, exist_ok=True)
        for member in (*self.cast.manufacturers, *self.cast.branches):
            relay = Relay(member.slug, [self.address])
            await relay.start()
            self.relays[member.slug] = relay
            db = str(self.work_dir / f"{member.slug}.sqlite3")
            self._spawn(member.slug, member_argv(member, relay.address, db), member_env(member))
        for member in self.cast.customers:
            env = {ACKS_ENV: str(self.acks_dir / f"{member.slug}.txt")}
            self._spawn(member.slug, member_argv(member, self.address), env)

    def member(self, slug: str) -> Member:
        """The participant named ``slug``."""
        everyone = (*self.cast.manufacturers, *self.cast.branches, *self.cast.customers)
        return next(member for member in everyone if member.slug == slug)

    async def wait_linked(self, timeout_s: float = SERVING_TIMEOUT_S) -> None:
        """Waits until the central lists every manufacturer connected."""
        wanted = {member.name for member in self.cast.manufacturers}

        async def linked() -> bool:
            links = await self.operator.manufacturers()
            return wanted <= {info.name for info in links if info.connected}

        await until(linked, timeout_s, f"manufacturers {sorted(wanted)} linked")

    async def cut(self, slug: str, timeout_s: float = TIMEOUT) -> None:
        """Cuts the link of ``slug`` (live connections drop, new ones are held); waits until none is live."""
        relay = self.relays[slug]
        relay.cut()

        async def dropped() -> bool:
            return relay.connections == 0

        await until(dropped, timeout_s, f"the link of {slug} cut")

    def slow(self, slug: str, latency_ms: int) -> None:
        """Holds every chunk on the link of ``slug`` for ``latency_ms`` in each direction (0 restores)."""
        self.relays[slug].set_latency(latency_ms)

    async def restore(self, slug: str, timeout_s: float = SERVING_TIMEOUT_S) -> None:
        """Restores the link of ``slug`` and waits until the node is connected through it again."""
        relay = self.relays[slug]
        relay.restore()
        relay.set_latency(0)

        async def back() -> bool:
            return relay.connections > 0

        await until(back, timeout_s, f"{slug} connected again")

    async def kill_central(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """SIGKILLs the central (a crash: no drain) and waits until its process is gone."""
        process = self.processes["central"]
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, timeout_s)

    async def restart_central(self, timeout_s: float = SERVING_TIMEOUT_S) -> None:
        """Starts the central again on its port and database and waits until it is SERVING."""
        if self.processes["central"].poll() is None:
            await self.kill_central()
        await self.start_central(timeout_s)

    def log(self, slug: str) -> str:
        """Everything ``slug`` printed so far."""
        path = self.work_dir / f"{slug}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    async def close(self) -> None:
        """Stops every process (the central last; SIGTERM, then SIGKILL) and every relay."""
        if self.client is not None:
            await self.client.close()
        central = self.processes.pop("central", None)
        for process in [*self.processes.values(), *([central] if central else [])]:
            await asyncio.to_thread(_stop, process)
        for relay in self.relays.values():
            await relay.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)


class NetworkFactory:
    """Starts networks in ``work_dir`` and stops every one of them at the end."""

    def __init__(self, work_dir: Path) -> None:
        self._work_dir = work_dir
        self._networks: list[Network] = []

    async def __call__(
        self,
        manufacturers: int = 1,
        branches: int = 0,
        shoppers: int = 0,
        seed: int = 1,
        db_url: str = "",
        manufacturer_keys: dict[str, str] | None = None,
        branch_keys: dict[str, str] | None = None,
    ) -> Network:
        """A started network (SQLite unless ``db_url``); ``*_keys`` configure more nodes (scripted ones)."""
        work_dir = self._work_dir / f"network-{len(self._networks) + 1}"
        work_dir.mkdir(parents=True)
        network = Network(
            build_cast(seed, manufacturers, shoppers, branches),
            work_dir,
            db_url or sqlite_url(str(work_dir / "central.sqlite3")),
            free_port(),
            {
                "DISTRIBUTION_MANUFACTURER_KEYS": dict(manufacturer_keys or {}),
                "DISTRIBUTION_BRANCH_KEYS": dict(branch_keys or {}),
            },
        )
        self._networks.append(network)
        await network.start()
        return network

    async def close(self) -> None:
        """Stops every network started."""
        for network in self._networks:
            await network.close()
