"""The project's wheel, built at run start for the web node to serve to a class (``pip install URL``)."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import tomllib
from pathlib import Path

logger = logging.getLogger("launcher")

WHEEL_DIR = "wheel"
# The web node serves the files of this folder (the run's wheel) under /join/wheel/.
WHEEL_DIR_ENV = "DISTRIBUTION_WHEEL_DIR"
WHEEL_PATH = "join/wheel/"


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


async def build_wheel(source: Path, into: Path) -> Path | None:
    """Builds the wheel into ``into``; its path, or None (logged) when it cannot be built."""
    name = wheel_name(source)
    if name is None:
        logger.warning("no pyproject.toml in %s: the web node serves no wheel", source)
        return None
    await asyncio.to_thread(into.mkdir, parents=True, exist_ok=True)
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
