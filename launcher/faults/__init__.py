"""Faults on purpose: seeded chaos, the lecturer's kills and cuts, the relays that cut and slow links."""

from __future__ import annotations

from launcher.faults.central_switch import CentralSwitch, chaos_cause
from launcher.faults.chaos import HANDED_ON_S, Chaos, ChaosTarget, Strike, every_central, is_due, plan_strikes
from launcher.faults.lecturer import CUT, KILLED, SLOWED, LecturerFaults
from launcher.faults.link_controls import LINK_ACTIONS, LinkControls, open_links
from launcher.faults.links import MAX_LATENCY_MS, Relay

__all__ = [
    "CUT",
    "HANDED_ON_S",
    "KILLED",
    "LINK_ACTIONS",
    "MAX_LATENCY_MS",
    "SLOWED",
    "CentralSwitch",
    "Chaos",
    "ChaosTarget",
    "LecturerFaults",
    "LinkControls",
    "Relay",
    "Strike",
    "chaos_cause",
    "every_central",
    "is_due",
    "open_links",
    "plan_strikes",
]
