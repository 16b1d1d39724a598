"""The launcher's settings: one frozen dataclass, built from the command line in one place."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from launcher.records.pace import DEFAULT_PACE, PACES, Pace, pace_for
from launcher.room.addresses import LOOPBACK, HostError, resolve_host
from launcher.supervise.cast import KEY_VARIABLES
from nodekit.config import apply_environment, options

# The directory the node packages are importable from: the repository root, or site-packages.
REPO_ROOT = Path(__file__).resolve().parent.parent
# Each run's output goes under the directory the command is run from, never into the installation.
RUNS_DIR = Path("runs")

MAX_MANUFACTURERS = 26
MAX_CENTRALS = 8


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one simulation run needs.

    Attributes:
        months: Trading months to run (default 3).
        manufacturers: Manufacturer processes (default 3, at most 26).
        customers: Simulated customer processes (default 8).
        branches: Branch-store processes (default 2); started only if branch_node is runnable.
        seed: Base seed; every child's seed is derived from it, so a run can be repeated.
        db_url: The central's database URL (default: a fresh SQLite file in the run dir).
        run_dir: Where logs, pids.json, the databases and the reports go (default: under
            ``runs/`` in the current directory).
        month_seconds: The month's real length (default: the pace's, 12 s for ``normal``):
            shoppers spread their buying over it and the central closes the month then, or
            earlier once every line is sold out.
        pace: The run's tempo (``brisk``, ``normal``, ``slow``; see ``launcher.pace``).
        quiet: No live dashboard, plain lines only (as when stdout is not a terminal).
        port: The central's port (0: a free one); fixed, people can join a run they planned for.
        chaos: Kill a manufacturer, a branch and the central at seeded moments and restart them.
        centrals: Central processes sharing one database (more than one needs PostgreSQL).
        postgres: Run the centrals on a throwaway PostgreSQL server started for the run.
        node_root: Directory the node packages are run from (the repository root);
            tests point it at fake nodes.
        web: Start the web node (dashboard, shop, headquarters, the lecturer's controls); on by default.
        web_port: The web node's port (0: a free one).
        host: The address the centrals and the web node listen on, the one the class joins
            (loopback by default; everything else of the run stays on loopback).
        tls: Mutual TLS on every link, with a throwaway CA made for the run (see ``launcher.tls_run``).
        metrics: Every child serves Prometheus /metrics (see ``launcher.metrics_targets``).
    """

    months: int = 3
    manufacturers: int = 3
    customers: int = 8
    branches: int = 2
    seed: int = 1
    db_url: str = ""
    run_dir: Path = RUNS_DIR / "latest"
    month_seconds: int = PACES[DEFAULT_PACE].month_seconds
    pace: str = DEFAULT_PACE
    quiet: bool = False
    port: int = 0
    chaos: bool = False
    centrals: int = 1
    postgres: bool = False
    node_root: Path = REPO_ROOT
    web: bool = True
    web_port: int = 0
    tls: bool = False
    metrics: bool = False
    host: str = LOOPBACK

    def to_json(self) -> dict[str, object]:
        """The settings as the report records them."""
        return {
            "months": self.months,
            "manufacturers": self.manufacturers,
            "customers": self.customers,
            "branches": self.branches,
            "seed": self.seed,
            "db_url": self.db_url,
            "run_dir": str(self.run_dir),
            "month_seconds": self.month_seconds,
            "pace": self.pace,
            "centrals": self.centrals,
        }

    @property
    def tempo(self) -> Pace:
        """The pace with this run's month length."""
        return pace_for(self.pace, self.month_seconds)


def default_run_dir(now: datetime) -> Path:
    """``runs/<timestamp>/`` under the current directory, one per run."""
    return Path.cwd() / RUNS_DIR / now.strftime("%Y%m%d-%H%M%S-%f")


def sqlite_url(run_dir: Path) -> str:
    """A fresh SQLite file for the central inside the run dir."""
    return f"sqlite+aiosqlite:///{run_dir.resolve() / 'central.sqlite3'}"


def _count(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type for an int within bounds, so a bad flag fails before anything starts."""

    def parse(text: str) -> int:
        value = int(text)
        if value < minimum or (maximum is not None and value > maximum):
            upper = "" if maximum is None else f" and at most {maximum}"
            raise argparse.ArgumentTypeError(f"must be at least {minimum}{upper}, got {value}")
        return value

    parse.__name__ = "int"
    return parse


def build_parser(env: Mapping[str, str] | None = None) -> argparse.ArgumentParser:
    """The command line of ``python run.py``; every flag also reads its ``DISTRIBUTION_*`` variable."""
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Start the distribution network as separate processes, run the months "
        "and write the report.",
    )
    parser.add_argument("--months", type=_count(1), default=3, help="trading months")
    parser.add_argument(
        "--manufacturers",
        type=_count(1, MAX_MANUFACTURERS),
        default=3,
        help="manufacturer processes",
    )
    parser.add_argument("--customers", type=_count(0), default=8, help="customer processes")
    parser.add_argument("--branches", type=_count(0), default=2, help="branch stores")
    parser.add_argument("--seed", type=int, default=1, help="base seed of every child")
    parser.add_argument(
        "--db", default="", help="central database URL; a fresh SQLite file in the run dir when unset"
    )
    parser.add_argument(
        "--run-dir", type=Path, default=None, help="output directory; runs/<timestamp>/ when unset"
    )
    parser.add_argument(
        "--pace",
        choices=sorted(PACES),
        default=DEFAULT_PACE,
        help="tempo: brisk (5 s months), normal (12 s), slow (60 s, a lecture's)",
    )
    parser.add_argument(
        "--month-seconds",
        type=_count(1),
        default=None,
        help="the month's real length in seconds (the pace's when unset); it closes earlier "
        "once every line is sold out",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no live dashboard: plain lines, one summary per month"
    )
    parser.add_argument(
        "--port", type=_count(0, 65535), default=0, help="the central's port; 0 takes a free one"
    )
    parser.add_argument(
        "--chaos",
        action="store_true",
        help="kill (SIGKILL) a manufacturer, a branch and the central at seeded moments, restart "
        "them, and check at the end that nothing acknowledged was lost",
    )
    parser.add_argument(
        "--centrals",
        type=_count(1, MAX_CENTRALS),
        default=1,
        help="central processes sharing one database; several need --postgres or a PostgreSQL --db",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run the centrals on a throwaway PostgreSQL started for the run (needs initdb and pg_ctl)",
    )
    parser.add_argument(
        "--host",
        default=LOOPBACK,
        help="the address the centrals and the web node listen on, for a class to join: an IP "
        "address, or 'lan' for this machine's LAN address; everything else stays on loopback",
    )
    web = parser.add_mutually_exclusive_group()
    web.add_argument(
        "--web",
        action="store_true",
        # No default shown: "(default: off)" beside a node that starts unless --no-web misleads.
        default=argparse.SUPPRESS,
        help="start the web node: dashboard, shop, headquarters and the lecturer's controls "
        "(it starts unless --no-web)",
    )
    web.add_argument("--no-web", action="store_true", help="leave the web node out")
    parser.add_argument(
        "--web-port", type=_count(0, 65535), default=0, help="the web node's port; 0 takes a free one"
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="mutual TLS on every link: a throwaway CA, certificates and keys (0600) in the run dir",
    )
    parser.add_argument(
        "--metrics",
        action="store_true",
        help="every node serves Prometheus /metrics; join.txt lists them, prometheus.yml scrapes them",
    )
    return apply_environment(parser, os.environ if env is None else env)


def parse_settings(
    argv: Sequence[str] | None = None, now: datetime | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Settings from flags and their variables; defaults filled in for the run dir and database."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    on_postgres = args.postgres or args.db.startswith("postgresql")
    if args.centrals > 1 and not on_postgres:
        parser.error(
            "several centrals share one PostgreSQL: add --postgres, or --db postgresql+asyncpg://..."
        )
    if args.postgres and args.db:
        parser.error("--postgres starts its own server: leave out --db, or leave out --postgres")
    if args.no_web and args.web_port:
        parser.error("--web-port is the web node's port: leave it out with --no-web")
    try:
        host = resolve_host(args.host)
    except HostError as error:
        parser.error(f"--host: {error}")
    run_dir: Path = args.run_dir or default_run_dir(now or datetime.now())
    run_dir = run_dir.resolve()
    return Settings(
        months=args.months,
        manufacturers=args.manufacturers,
        customers=args.customers,
        branches=args.branches,
        seed=args.seed,
        # With --postgres the URL is known once the throwaway server runs.
        db_url=args.db or ("" if args.postgres else sqlite_url(run_dir)),
        run_dir=run_dir,
        month_seconds=pace_for(args.pace, args.month_seconds).month_seconds,
        pace=args.pace,
        quiet=args.quiet,
        port=args.port,
        chaos=args.chaos,
        centrals=args.centrals,
        postgres=args.postgres,
        web=not args.no_web,
        web_port=args.web_port,
        tls=args.tls,
        metrics=args.metrics,
        host=host,
    )


def children_environment(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the launcher's own variables and without any key variable.

    A child's flag of the same name is not the run's: ``DISTRIBUTION_MONTHS`` sets the run's
    months, and a customer reading it would leave after them. Keys are the run's own, handed
    to each child by ``launcher.cast``; one left in the shell (``DISTRIBUTION_MANUFACTURER_KEY_FILE``)
    would win over them.
    """
    dropped = KEY_VARIABLES | {option.variable for option in options(build_parser({}))}
    return {name: value for name, value in env.items() if name not in dropped}
