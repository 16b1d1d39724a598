"""A real run: no child's command line (what ps shows every local user) holds a key."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from tests.e2e.test_run_py import finish, run_py
from tests.helpers import wait_for

pytestmark = pytest.mark.e2e

FLAGS = ["--months", "1", "--customers", "1", "--manufacturers", "2", "--branches", "1",
         "--pace", "brisk", "--month-seconds", "3", "--quiet", "--web"]  # fmt: skip
# central, two manufacturers, a customer, a branch and the web node
CHILDREN = 6
KEY_VARIABLES = ("DISTRIBUTION_OPERATOR_KEY", "DISTRIBUTION_MANUFACTURER_KEY", "DISTRIBUTION_BRANCH_KEY")
LIST_VARIABLES = ("DISTRIBUTION_MANUFACTURER_KEYS", "DISTRIBUTION_BRANCH_KEYS")


def children(run_dir: Path) -> dict[str, int]:
    with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
        pids = json.loads((run_dir / "pids.json").read_text())
        return {slug: int(child["pid"]) for slug, child in pids["children"].items()}
    return {}


def environment(pid: int) -> dict[str, str]:
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode().partition("=")[::2] for entry in entries if b"=" in entry)


def keys_in(env: dict[str, str]) -> set[str]:
    """The keys a child was given: single ones and those in NAME=KEY lists."""
    found = {env[name] for name in KEY_VARIABLES if env.get(name)}
    for name in LIST_VARIABLES:
        found |= {pair.partition("=")[2] for pair in env.get(name, "").split(",") if pair}
    return found


def test_no_child_of_a_run_has_a_key_on_its_command_line(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with run_py(run_dir, *FLAGS) as process:
        wait_for(lambda: len(children(run_dir)) >= CHILDREN, 60, "every child to start")
        wait_for((run_dir / "operator.key").exists, 60, "the operator key file")
        command_lines, keys = {}, {(run_dir / "operator.key").read_text().strip()}
        for slug, pid in children(run_dir).items():
            command_lines[slug] = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
            keys |= keys_in(environment(pid))
        run = finish(process, run_dir)

    assert run.returncode == 0, f"run.py failed:\n{run.stdout}\n{run.stderr}"
    # The operator's, two manufacturers' and a branch's: each node got its key, by environment.
    assert len(keys) == 4, keys
    leaks = {slug: line for slug, line in command_lines.items() if any(key in line for key in keys)}
    assert leaks == {}
    assert not any("key" in line.lower() for line in command_lines.values()), command_lines
