"""The testing kit: an in-process central, authorised callers, scripted nodes, a real network, ledger checks.

Installed with the wheel; its pytest plugin (``distribution_testing.plugin``) brings the
fixtures. See docs/testing.md.
"""

from distribution_testing.central import OPERATOR_KEY, RunningCentral, running_central
from distribution_testing.ledger import assert_ledger_holds, ledger_violations
from distribution_testing.polling import assert_eventually, eventually, until, wait_for

__all__ = [
    "OPERATOR_KEY",
    "RunningCentral",
    "assert_eventually",
    "assert_ledger_holds",
    "eventually",
    "ledger_violations",
    "running_central",
    "until",
    "wait_for",
]
