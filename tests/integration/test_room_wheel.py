"""The class's wheel is built from a copy of the checkout: the checkout gains no build/ or egg-info."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

from launcher.room.wheel import build_wheel, copy_source, wheel_name

ROOT = Path(__file__).resolve().parents[2]


def clean_checkout(into: Path) -> Path:
    """The project's tracked files in ``into``, as a fresh clone would have them."""
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is still listed
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def every_path(root: Path) -> set[str]:
    """Every file and folder under ``root``, ignored ones included (git status would hide build/)."""
    return {str(path.relative_to(root)) for path in root.rglob("*")}


async def test_a_wheel_build_leaves_the_checkout_as_it_was(tmp_path: Path) -> None:
    checkout = clean_checkout(tmp_path / "checkout")
    before = every_path(checkout)

    built = await build_wheel(checkout, tmp_path / "wheel")

    assert built is not None and built.name == wheel_name(checkout)
    with zipfile.ZipFile(built) as wheel:
        assert "customer_node/__main__.py" in wheel.namelist()
    assert every_path(checkout) == before


def test_a_run_folder_inside_the_checkout_is_not_copied(tmp_path: Path) -> None:
    checkout = clean_checkout(tmp_path / "checkout")
    lecture = checkout / "lecture"
    (lecture / "wheel").mkdir(parents=True)
    (lecture / "central.sqlite3").write_bytes(b"changing while copied")

    copy = copy_source(checkout, tmp_path / "scratch", lecture / "wheel" / "..")

    assert (copy / "pyproject.toml").is_file() and (copy / "launcher" / "room" / "wheel.py").is_file()
    assert not (copy / "lecture").exists()
