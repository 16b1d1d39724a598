"""The ledger checks of a central's database, now in the testing kit (distribution_testing.ledger)."""

from distribution_testing.ledger import fetch, ledger_violations

__all__ = ["fetch", "ledger_violations"]
