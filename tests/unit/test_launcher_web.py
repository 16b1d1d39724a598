"""run.py's web flags, the web line of join.txt and the web node's child spec (keys by environment only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from launcher.control.web import CONTROL_TOKEN_ENV, web_spec
from launcher.records.join import OPERATOR_KEY_ENV, JoinInfo
from launcher.settings import parse_settings


def test_the_web_node_runs_by_default_and_no_web_leaves_it_out(tmp_path: Path) -> None:
    assert parse_settings(["--run-dir", str(tmp_path)]).web
    assert parse_settings(["--run-dir", str(tmp_path), "--web"]).web
    assert not parse_settings(["--run-dir", str(tmp_path), "--no-web"]).web
    with_port = parse_settings(["--run-dir", str(tmp_path), "--web-port", "8080"])
    assert with_port.web and with_port.web_port == 8080


def test_no_web_with_a_web_port_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        parse_settings(["--run-dir", str(tmp_path), "--no-web", "--web-port", "8080"])


def test_join_names_the_web_url_only_when_there_is_one(tmp_path: Path) -> None:
    plain = JoinInfo("127.0.0.1:5", tmp_path / "operator.key")
    assert not any(line.startswith("web:") for line in plain.lines())
    web = JoinInfo("127.0.0.1:5", tmp_path / "operator.key", "http://127.0.0.1:8080/")
    assert web.lines()[-1] == "web: http://127.0.0.1:8080/"


def test_the_keys_reach_the_web_node_by_environment_never_argv() -> None:
    spec = web_spec("127.0.0.1:5", 8080, "op-secret", "http://127.0.0.1:9", "control-secret")
    assert not any("secret" in arg for arg in spec.argv)
    assert spec.env[OPERATOR_KEY_ENV] == "op-secret" and spec.env[CONTROL_TOKEN_ENV] == "control-secret"
    assert spec.argv[-6:] == ("--central", "127.0.0.1:5", "--host", "127.0.0.1", "--port", "8080")
