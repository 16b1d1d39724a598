"""Real node processes for tests, now in the testing kit (distribution_testing.processes)."""

from distribution_testing.processes import ROOT, node_env, node_process, stop, stop_async

__all__ = ["ROOT", "node_env", "node_process", "stop", "stop_async"]
