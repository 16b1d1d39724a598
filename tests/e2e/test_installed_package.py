"""The built wheel: typed stubs, protos and py.typed inside; installed, ``distribution-run`` runs anywhere."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "central", "distribution_client", "distribution_testing", "operator_cli", "manufacturer_node",
    "customer_node", "branch_node", "nodekit", "generated", "benchmarks", "launcher", "web_node",
]  # fmt: skip
PROTOS = sorted(p.name for p in (ROOT / "protos" / "distribution" / "v1").glob("*.proto"))
BUILD_TIMEOUT_S = 240.0
RUN_TIMEOUT_S = 120.0
# A client of the installed package: strict mypy must know what a call returns.
PROBE = """\
import grpc

from generated.distribution.v1 import month_pb2, month_pb2_grpc


async def status(channel: grpc.aio.Channel) -> int:
    reply = await month_pb2_grpc.MonthServiceStub(channel).GetMonthStatus(month_pb2.GetMonthStatusRequest())
    reveal_type(reply)
    return reply.status.month
"""

# Building the wheel in an isolated setuptools environment is slow on a busy machine.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of the checkout (no build/ left in it)."""
    source = tmp_path_factory.mktemp("source")
    for name in ["pyproject.toml", "README.md"]:
        shutil.copy(ROOT / name, source / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        check=True, capture_output=True, timeout=BUILD_TIMEOUT_S,
    )  # fmt: skip
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_carries_typed_stubs_the_protos_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    assert {f"{package}/py.typed" for package in PACKAGES} <= names
    assert {f"generated/distribution/v1/{proto}" for proto in PROTOS} <= names
    services = {f"generated/distribution/v1/{p.removesuffix('.proto')}_pb2_grpc.pyi" for p in PROTOS}
    assert services <= names


def test_grpcio_tools_is_only_needed_to_generate_and_the_launcher_has_a_command(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    requires = email.message_from_bytes(archive.read(metadata)).get_all("Requires-Dist") or []
    tools = [r for r in requires if r.startswith("grpcio-tools")]
    (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]

    assert tools and all('extra == "generate"' in r for r in tools), tools
    assert "distribution-run = launcher.__main__:main" in archive.read(entry_points).decode()


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed (without its dependencies, which this environment has) into a folder."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, timeout=BUILD_TIMEOUT_S,
    )  # fmt: skip
    return target


def test_mypy_sees_the_installed_stubs_types(site: Path, tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text(PROBE)
    env = {**os.environ, "PYTHONPATH": str(site)}

    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable",
         sys.executable, "client.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout
    revealed = 'Revealed type is "generated.distribution.v1.month_pb2.GetMonthStatusResponse"'
    assert revealed in done.stdout, done.stdout


def test_the_installed_command_runs_without_grpcio_tools_and_writes_runs_where_it_is_run(
    site: Path, tmp_path: Path
) -> None:
    # Any import of grpc_tools at run time fails the run.
    shadow = tmp_path / "shadow" / "grpc_tools"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('grpcio-tools is for generating stubs only')\n")
    work = tmp_path / "work"
    work.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(shadow.parent)]),
        "PYTHONUNBUFFERED": "1",
    }
    flags = ["--months", "1", "--customers", "1", "--manufacturers", "1", "--branches", "0",
             "--pace", "brisk", "--month-seconds", "2", "--quiet"]  # fmt: skip

    done = subprocess.run(
        [str(site / "bin" / "distribution-run"), *flags],
        cwd=work, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
    )  # fmt: skip

    assert done.returncode == 0, f"distribution-run failed:\n{done.stdout}\n{done.stderr}"
    (run_dir,) = (work / "runs").iterdir()
    assert (run_dir / "report.json").is_file()
    assert not (site / "runs").exists()
