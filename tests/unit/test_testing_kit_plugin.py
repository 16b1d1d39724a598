"""The kit's plugin is loaded once, whether by its entry point, by tests/conftest.py, or by both."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "distribution_testing.plugin"


def registered(*flags: str, env: dict[str, str] | None = None) -> list[str]:
    """The plugin registrations pytest reports when collecting this repository's kit tests."""
    argv = [sys.executable, "-m", "pytest", "--co", "-q", "--trace-config", *flags]
    argv.append("tests/integration/test_testing_kit.py")
    environment = {**os.environ, **(env or {})}
    done = subprocess.run(argv, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if f"module '{PLUGIN}'" in line]


def test_the_entry_point_names_the_plugin_by_its_module() -> None:
    assert [ep.value for ep in entry_points(group="pytest11") if ep.name == PLUGIN] == [PLUGIN]


def test_entry_point_and_conftest_together_register_it_once() -> None:
    assert len(registered()) == 1


def test_without_the_entry_point_the_conftest_still_brings_it() -> None:
    flags = ("-p", "pytest_asyncio.plugin", "-p", "pytest_timeout")
    assert len(registered(*flags, env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})) == 1
