"""The shop's account file: owner-only, refused when others may read it, one file per name by default."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from customer_node.account import Account, AccountFileError, default_path, load, save


def test_saved_owner_only_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "ann.json"
    assert load(path) is None
    save(path, Account("c1", "t1", "Ann"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load(path) == Account("c1", "t1", "Ann")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "ann.json"
    save(path, Account("c1", "t1", "Ann"))
    path.chmod(mode)
    with pytest.raises(AccountFileError, match=rf"mode {mode:04o}.*chmod 600"):
        load(path)


def test_not_an_account_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ann.json"
    path.write_text("not json")
    path.chmod(0o600)
    with pytest.raises(AccountFileError, match="not a shop account file"):
        load(path)


def test_default_path_is_per_name_under_the_state_directory() -> None:
    env = {"XDG_STATE_HOME": "/state", "HOME": "/home/ann"}
    ann = default_path("Ann B", env)
    assert ann.parent == Path("/state/distribution/shop") and ann.name.startswith("ann-b-")
    assert default_path("ann-b", env) != ann
    assert default_path("Ann B", {"HOME": "/home/ann"}).parent == Path(
        "/home/ann/.local/state/distribution/shop"
    )
