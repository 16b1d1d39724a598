"""Supervising the run's processes: who takes part, their command lines, environment, certificates."""

from __future__ import annotations

from launcher.supervise.cast import (
    BRANCH_FLAGS,
    KEY_VARIABLES,
    Cast,
    Member,
    NodeKind,
    branch_name,
    build_cast,
    central_argv,
    central_env,
    derive_seed,
    member_argv,
    member_env,
)
from launcher.supervise.environment import children_environment
from launcher.supervise.metrics_targets import METRICS_ENV, MetricsTargets
from launcher.supervise.processes import ChildExit, ChildSpec, Supervisor, read_tail
from launcher.supervise.signals import StopSignals
from launcher.supervise.starting import (
    STARTUP_TIMEOUT_S,
    controllable,
    run_tls,
    start_centrals,
    start_children,
)
from launcher.supervise.tls import BY_HAND, LAUNCHER, WEB, RunTls, make_run_tls

__all__ = [
    "BRANCH_FLAGS",
    "BY_HAND",
    "KEY_VARIABLES",
    "LAUNCHER",
    "METRICS_ENV",
    "STARTUP_TIMEOUT_S",
    "WEB",
    "Cast",
    "ChildExit",
    "ChildSpec",
    "Member",
    "MetricsTargets",
    "NodeKind",
    "RunTls",
    "StopSignals",
    "Supervisor",
    "branch_name",
    "build_cast",
    "central_argv",
    "central_env",
    "children_environment",
    "controllable",
    "derive_seed",
    "make_run_tls",
    "member_argv",
    "member_env",
    "read_tail",
    "run_tls",
    "start_centrals",
    "start_children",
]
