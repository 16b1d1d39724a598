"""The committed stubs in generated/ are exactly what scripts/gen_protos.py makes from protos/."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _differences(left: Path, right: Path) -> list[str]:
    compare = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found = [f"only in committed: {n}" for n in compare.left_only]
    found += [f"missing from committed: {n}" for n in compare.right_only]
    found += [f"differs: {n}" for n in compare.diff_files]
    for sub in compare.common_dirs:
        found += _differences(left / sub, right / sub)
    return found


def test_generated_stubs_are_up_to_date(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_protos.py"), "--out", str(tmp_path)],
        check=True,
    )
    assert _differences(ROOT / "generated", tmp_path / "generated") == []
