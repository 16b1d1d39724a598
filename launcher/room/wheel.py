"""The project's wheel, built at run start for the web node to serve to a class (``pip install URL``)."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

logger = logging.getLogger("launcher")

WHEEL_DIR = "wheel"
# The web node serves the files of this folder (the run's wheel) under /join/wheel/.
WHEEL_DIR_ENV = "DISTRIBUTION_WHEEL_DIR"
WHEEL_PATH = "join/wheel/"
# Left out of the copy the wheel is built from: environments, history, runs and earlier builds.
_NOT_SOURCE = shutil.ignore_patterns(
    ".venv*", ".git", "runs", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "node_modules"
)


def wheel_name(source: Path) -> str | None:
    """The file name ``pip wheel`` gives the project in ``source``, or None without a pyproject.toml."""
    pyproject = source / "pyproject.toml"
    if not pyproject.is_file():
        return None
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    # The wheel's name: the project's, runs of -_. as one underscore (the binary distribution format).
    name = re.sub(r"[-_.]+", "_", str(project["name"])).lower()
    return f"{name}-{project['version']}-py3-none-any.whl"


def build_argv(source: Path, into: Path) -> list[str]:
    """``pip wheel`` of the project alone: its dependencies come from the index on the student's side."""
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    return [*pip, "--disable-pip-version-check", "--quiet", "--wheel-dir", str(into), str(source)]


def copy_source(source: Path, scratch: Path, skip: Path | None = None) -> Path:
    """A copy of the project's sources in ``scratch``, to build from, without the folder ``skip``.

    setuptools writes build/ and *.egg-info beside the sources it builds: built from a copy,
    the lecturer's checkout stays as it was. ``skip`` is the run's own folder, when it lies
    inside the checkout: its databases change while the copy is made.
    """
    copy = scratch / "source"
    run_dir = skip.resolve() if skip is not None else None

    def ignored(folder: str, names: list[str]) -> set[str]:
        left_out = set(_NOT_SOURCE(folder, names))
        if run_dir is not None and run_dir.parent == Path(folder).resolve():
            left_out.add(run_dir.name)
        return left_out

    shutil.copytree(source, copy, ignore=ignored, symlinks=True)
    return copy


async def build_wheel(source: Path, into: Path) -> Path | None:
    """Builds the wheel into ``into`` from a temporary copy of ``source``; its path, or None (logged)."""
    name = wheel_name(source)
    if name is None:
        logger.warning("no pyproject.toml in %s: the web node serves no wheel", source)
        return None
    await asyncio.to_thread(into.mkdir, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="distribution-wheel-") as scratch:
        try:
            # The wheel's folder sits in the run's: neither goes into the copy.
            copy = await asyncio.to_thread(copy_source, source, Path(scratch), into.parent)
        except OSError as error:
            logger.warning("copying %s to build the wheel failed: %s", source, error)
            return None
        return await _pip_wheel(copy, into, name)


async def _pip_wheel(source: Path, into: Path, name: str) -> Path | None:
    # Niced: the run's own processes come first on a busy machine.
    process = await asyncio.create_subprocess_exec(
        "nice", *build_argv(source, into), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await process.communicate()
    except asyncio.CancelledError:
        # The run ended first: no build outlives it.
        process.kill()
        await process.wait()
        raise
    built = into / name
    if process.returncode != 0 or not built.is_file():
        tail = output.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        logger.warning("building the wheel failed (pip exited %s): %s", process.returncode, tail[0])
        return None
    logger.info("built %s for the class to install", built)
    return built
