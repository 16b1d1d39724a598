"""bootstrap.py on a small project: one .venv for both commands, installed once, quietly, pip left alone."""

from __future__ import annotations

import ensurepip
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STEP_TIMEOUT_S = 240.0

pytestmark = pytest.mark.e2e

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "bootprobe"
version = "0.1.0"

[project.optional-dependencies]
test = []

[tool.setuptools]
py-modules = ["bootprobe"]
"""
# Stands in for run.py (no extra) and run_tests.py (the test extra).
PROBE = """\
import sys

from bootstrap import ensure_environment

ensure_environment(tuple(sys.argv[1:]))
print(sys.prefix)
"""


@dataclass
class Step:
    """One run of the probe: where it ended up running, and what the bootstrap said."""

    prefix: Path
    stderr: str


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "bootstrap.py", tmp_path / "bootstrap.py")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "bootprobe.py").write_text('"""Nothing; only installed."""\n')
    (tmp_path / "probe.py").write_text(PROBE)
    return tmp_path


def run(project: Path, *extras: str) -> Step:
    env = {k: v for k, v in os.environ.items() if k != "DISTRIBUTION_NO_BOOTSTRAP"}
    done = subprocess.run(
        [sys.executable, str(project / "probe.py"), *extras],
        cwd=project, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT_S,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return Step(Path(done.stdout.strip()), done.stderr)


# Three real installs into a fresh venv (each builds in an isolated setuptools environment).
@pytest.mark.timeout(900)
def test_one_environment_serves_both_commands_and_is_installed_once_quietly(project: Path) -> None:
    venv = project / ".venv"

    first = run(project)
    assert first.prefix == venv
    # Two lines, no pip upgrade and no setuptools warning block.
    assert first.stderr.splitlines() == [
        f"bootstrap: creating {venv}",
        f"bootstrap: installing . into {venv} (once)",
    ]
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, text=True, check=True
    )
    assert pip.stdout.startswith(f"pip {ensurepip.version()} ")

    assert run(project) == Step(venv, "")
    assert run(project, "test").stderr == f"bootstrap: installing .[test] into {venv} (once)\n"
    # Neither command undoes the other's install.
    assert run(project) == Step(venv, "")
    assert run(project, "test") == Step(venv, "")

    # A changed pyproject.toml is installed once more, with the extras installed before.
    with (project / "pyproject.toml").open("a") as pyproject:
        pyproject.write("# changed\n")
    assert run(project).stderr == f"bootstrap: installing .[test] into {venv} (once)\n"
    assert run(project, "test") == Step(venv, "")
