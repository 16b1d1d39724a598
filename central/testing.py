"""An in-process central for tests, now in the testing kit (distribution_testing.central)."""

from distribution_testing.central import OPERATOR_KEY, RunningCentral, running_central

__all__ = ["OPERATOR_KEY", "RunningCentral", "running_central"]
