"""Shared fixtures come from the testing kit's pytest plugin (``rc``, ``stubs``, ``central``, ...).

Installed, the package's ``pytest11`` entry point loads it under this same name, and pytest
loads a plugin only once per name, so naming it here too is safe.
"""

pytest_plugins = ["distribution_testing.plugin"]
