"""Starting a run's processes: the centrals, the relays, and every child with its keys and certificates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from launcher.records.addresses import dial_host, shown_host, url_host
from launcher.records.names import central_label, central_slug
from launcher.report.loss_check import ACKS_DIR, ACKS_ENV
from launcher.settings import Settings
from launcher.supervise.cast import Cast, Member, NodeKind, central_argv, central_env, member_argv, member_env
from launcher.supervise.processes import ChildSpec, Supervisor
from launcher.supervise.students import student_names
from launcher.supervise.tls import LAUNCHER, RunTls, make_run_tls
from nodekit.health import wait_until_serving
from nodekit.ports import free_port

STARTUP_TIMEOUT_S = 30.0
# Stop order: shoppers first, then manufacturers, the central last.
_TIERS = {NodeKind.CENTRAL: 0, NodeKind.MANUFACTURER: 1, NodeKind.CUSTOMER: 2, NodeKind.BRANCH: 2}


def child_spec(member: Member, argv: Sequence[str], env: Mapping[str, str] | None = None) -> ChildSpec:
    """The child spec of ``member``: its label, command line, stop tier and environment."""
    label = member.name if member.role is NodeKind.CENTRAL else f"{member.role.value} {member.name}"
    return ChildSpec(member.slug, label, tuple(argv), _TIERS[member.role], dict(env or {}))


def controllable(cast: Cast) -> dict[str, str]:
    """The nodes the lecturer's controls offer (slug -> label): manufacturers and branches."""
    return {m.slug: f"{m.role.value} {m.name}" for m in (*cast.manufacturers, *cast.branches)}


def branch_db(settings: Settings, branch: Member) -> str:
    """The branch's own SQLite file in the run directory."""
    return str(settings.run_dir / f"{branch.slug}.sqlite3")


async def start_children(
    settings: Settings, cast: Cast, supervisor: Supervisor, dial: Mapping[str, str], tls: RunTls
) -> None:
    """Starts the manufacturers, the customers and the branches, each dialling its address in ``dial``."""
    acks = settings.run_dir / ACKS_DIR
    acks.mkdir(parents=True, exist_ok=True)
    for member in cast.manufacturers:
        argv = member_argv(member, dial[member.slug]) + tls.client_args(member.slug)
        await supervisor.start(child_spec(member, argv, member_env(member)))
    for member in cast.customers:
        env = {ACKS_ENV: str(acks / f"{member.slug}.txt")}
        argv = member_argv(member, dial[member.slug]) + tls.client_args(member.slug)
        await supervisor.start(child_spec(member, argv, env))
    for branch in cast.branches:
        argv = member_argv(branch, dial[branch.slug], branch_db(settings, branch))
        argv += tls.client_args(branch.slug)
        await supervisor.start(child_spec(branch, argv, member_env(branch)))


async def start_centrals(settings: Settings, cast: Cast, supervisor: Supervisor, tls: RunTls) -> list[str]:
    """Starts the central processes on one database; returns their addresses once each serves."""
    addresses = []
    for index in range(settings.centrals):
        port = (settings.port if index == 0 else 0) or free_port()
        argv = central_argv(port, settings.db_url, settings.host) + tls.server_args(index)
        spec = child_spec(cast.central, argv, central_env(cast))
        if index:
            spec = replace(spec, slug=central_slug(index), label=central_label(index, settings.centrals))
        await supervisor.start(spec)
        addresses.append(f"{url_host(dial_host(settings.host))}:{port}")
    for address in addresses:
        await wait_until_serving(address, timeout_s=STARTUP_TIMEOUT_S, tls=tls.client(LAUNCHER))
    return addresses


def run_tls(settings: Settings, cast: Cast) -> RunTls:
    """The run's certificates (``--tls``): one per child, the web node and the launcher itself."""
    if not settings.tls:
        return RunTls.plaintext()
    children = [m.slug for m in (*cast.manufacturers, *cast.customers, *cast.branches)]
    children += student_names(settings)  # the room's pairs, handed out by the web node
    return make_run_tls(settings.run_dir, settings.centrals, children, hosts=[shown_host(settings.host)])
