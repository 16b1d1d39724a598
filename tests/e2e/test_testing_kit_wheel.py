"""The testing kit as an outside tester gets it: the wheel in a fresh virtual environment, the example suite.

Only the installed package is importable there (the suite runs from a copy outside the
checkout, with no PYTHONPATH): the kit's fixtures come from its ``pytest11`` entry point.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["central", "distribution_client", "distribution_testing", "operator_cli", "manufacturer_node",
            "customer_node", "branch_node", "nodekit", "generated", "benchmarks", "launcher",
            "web_node"]  # fmt: skip
EXAMPLES = ROOT / "docs" / "examples" / "testing"
BUILD_TIMEOUT_S = 240.0
# The dependencies come from pip's cache on this machine, from PyPI the first time.
INSTALL_TIMEOUT_S = 600.0
SUITE_TIMEOUT_S = 240.0

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(BUILD_TIMEOUT_S + INSTALL_TIMEOUT_S + SUITE_TIMEOUT_S)]


def run(argv: list[str], cwd: Path, timeout_s: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s)


def build_wheel(work: Path) -> Path:
    """The project's wheel, built from a copy of the checkout (nothing left in it)."""
    source = work / "source"
    source.mkdir()
    for name in ["pyproject.toml", "README.md"]:
        shutil.copy(ROOT / name, source / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    out = work / "dist"
    built = run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
                work, BUILD_TIMEOUT_S)  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    return wheel


def test_the_example_suite_passes_against_the_installed_wheel(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    env_dir = tmp_path / "env"
    # No pip of its own (installing it is 3.6 s of CPU): this interpreter's pip installs into
    # the environment (--python), which then holds the wheel and its dependencies only.
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # --no-compile: the suite's processes compile what they import; compiling every installed
    # module beforehand was a fifth of this test's CPU (50 -> 39 s measured).
    installed = run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                     "--disable-pip-version-check", "--no-compile", f"{wheel}[kit]"],
                    tmp_path, INSTALL_TIMEOUT_S)  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-3000:]
    suite = tmp_path / "suite"
    shutil.copytree(EXAMPLES, suite, ignore=shutil.ignore_patterns("__pycache__"))

    ran = run([str(python), "-m", "pytest", "-q", "-x"], suite, SUITE_TIMEOUT_S)

    assert ran.returncode == 0, ran.stdout[-5000:] + ran.stderr[-2000:]
    assert "2 passed" in ran.stdout
    where = run([str(python), "-c", "import distribution_testing; print(distribution_testing.__file__)"],
                suite, 30)  # fmt: skip
    assert str(env_dir) in where.stdout, where.stdout
