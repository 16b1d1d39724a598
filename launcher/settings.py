"""The launcher's settings: one frozen dataclass, each setting declared once (``nodekit.declared``)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from launcher.records.addresses import LOOPBACK, HostError, resolve_host
from launcher.records.pace import DEFAULT_PACE, PACES, Pace, pace_for
from nodekit.config import apply_environment
from nodekit.declared import add_arguments, from_args, setting

# The directory the node packages are importable from: the repository root, or site-packages.
REPO_ROOT = Path(__file__).resolve().parent.parent
# Each run's output goes under the directory the command is run from, never into the installation.
RUNS_DIR = Path("runs")

MAX_MANUFACTURERS = 26
MAX_CENTRALS = 8


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything one simulation run needs; every child's seed derives from ``seed``.

    ``run_dir`` (logs, pids.json, databases, reports) is ``runs/<timestamp>/`` unless
    ``--run-dir``; ``month_seconds`` is the pace's unless ``--month-seconds`` (the central closes a
    month then, or earlier once every line is sold out); ``web`` starts unless ``--no-web``;
    ``node_root`` is where the node packages are run from (tests point it at fake nodes).
    """

    months: int = setting(3, parse=_count(1), help="trading months")
    manufacturers: int = setting(3, parse=_count(1, MAX_MANUFACTURERS), help="manufacturer processes")
    customers: int = setting(8, parse=_count(0), help="customer processes")
    branches: int = setting(2, parse=_count(0), help="branch stores")
    seed: int = setting(1, help="base seed of every child")
    db_url: str = setting(
        "", flag="--db", help="central database URL; a fresh SQLite file in the run dir when unset"
    )
    run_dir: Path = setting(
        RUNS_DIR / "latest", unset=None, help="output directory; runs/<timestamp>/ when unset"
    )
    month_seconds: int = setting(
        PACES[DEFAULT_PACE].month_seconds,
        unset=None,
        parse=_count(1),
        help="the month's real length in seconds (the pace's when unset); it closes earlier "
        "once every line is sold out",
    )
    pace: str = setting(
        DEFAULT_PACE,
        choices=sorted(PACES),
        help="tempo: brisk (5 s months), normal (12 s), slow (60 s, a lecture's)",
    )
    quiet: bool = setting(False, help="no live dashboard: plain lines, one summary per month")
    # Fixed when given, so people can join a run they planned for.
    port: int = setting(0, parse=_count(0, 65535), help="the central's port; 0 takes a free one")
    chaos: bool = setting(
        False,
        help="kill (SIGKILL) a manufacturer, a branch and the central at seeded moments, restart "
        "them, and check at the end that nothing acknowledged was lost",
    )
    centrals: int = setting(
        1,
        parse=_count(1, MAX_CENTRALS),
        help="central processes sharing one database; several need --postgres or a PostgreSQL --db",
    )
    postgres: bool = setting(
        False,
        help="run the centrals on a throwaway PostgreSQL started for the run (needs initdb and pg_ctl)",
    )
    node_root: Path = REPO_ROOT
    web: bool = setting(
        True,
        flag="--no-web",
        help="leave the web node out",
        opposite=(
            "--web",
            "start the web node: dashboard, shop, headquarters and the lecturer's controls "
            "(it starts unless --no-web)",
        ),
    )
    web_port: int = setting(0, parse=_count(0, 65535), help="the web node's port; 0 takes a free one")
    tls: bool = setting(
        False,
        help="mutual TLS on every link: a throwaway CA, certificates and keys (0600) in the run dir",
    )
    metrics: bool = setting(
        False,
        help="every node serves Prometheus /metrics; join.txt lists them, prometheus.yml scrapes them",
    )
    # Everything else of the run stays on loopback.
    host: str = setting(
        LOOPBACK,
        help="the address the centrals and the web node listen on, for a class to join: an IP "
        "address, or 'lan' for this machine's LAN address; everything else stays on loopback",
    )

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


def build_parser(env: Mapping[str, str] | None = None) -> argparse.ArgumentParser:
    """The command line of ``python run.py``; every flag also reads its ``DISTRIBUTION_*`` variable."""
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Start the distribution network as separate processes, run the months "
        "and write the report.",
    )
    add_arguments(parser, Settings)
    return apply_environment(parser, os.environ if env is None else env)


def parse_settings(
    argv: Sequence[str] | None = None, now: datetime | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Settings from flags and their variables; defaults filled in for the run dir and database."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    on_postgres = args.postgres or args.db_url.startswith("postgresql")
    if args.centrals > 1 and not on_postgres:
        parser.error(
            "several centrals share one PostgreSQL: add --postgres, or --db postgresql+asyncpg://..."
        )
    if args.postgres and args.db_url:
        parser.error("--postgres starts its own server: leave out --db, or leave out --postgres")
    if not args.web and args.web_port:
        parser.error("--web-port is the web node's port: leave it out with --no-web")
    try:
        host = resolve_host(args.host)
    except HostError as error:
        parser.error(f"--host: {error}")
    run_dir: Path = args.run_dir or default_run_dir(now or datetime.now())
    run_dir = run_dir.resolve()
    return from_args(
        Settings,
        args,
        # With --postgres the URL is known once the throwaway server runs.
        db_url=args.db_url or ("" if args.postgres else sqlite_url(run_dir)),
        run_dir=run_dir,
        month_seconds=pace_for(args.pace, args.month_seconds).month_seconds,
        host=host,
    )
