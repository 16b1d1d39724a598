"""The join card: --host, the addresses the room dials, the wheel and CA; nothing of the operator's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launcher.records.addresses import LOOPBACK, HostError, dial_host, resolve_host
from launcher.records.join import JOIN_CARD_ENV, JoinInfo
from launcher.room.card import announced, plan_room
from launcher.room.wheel import WHEEL_DIR_ENV, wheel_name
from launcher.settings import REPO_ROOT, parse_settings
from launcher.supervise.students import JOIN_CLIENTS_ENV, STUDENTS, student_names
from launcher.supervise.tls import BY_HAND, RunTls, make_run_tls

ROOM = "10.20.30.1"


def test_the_default_stays_on_loopback_and_host_takes_an_address(tmp_path: Path) -> None:
    assert parse_settings(["--run-dir", str(tmp_path)]).host == LOOPBACK
    assert parse_settings(["--run-dir", str(tmp_path), "--host", ROOM]).host == ROOM
    assert resolve_host("localhost") == LOOPBACK
    assert dial_host("0.0.0.0") == LOOPBACK and dial_host(ROOM) == ROOM


@pytest.mark.parametrize("bad", ["my-laptop", "224.0.0.1", "10.0.0"])
def test_a_host_that_is_no_address_of_ours_is_refused_in_one_line(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        parse_settings(["--run-dir", str(tmp_path), "--host", bad])
    assert "--host:" in capsys.readouterr().err
    with pytest.raises(HostError):
        resolve_host(bad)


def test_the_centrals_are_announced_on_the_rooms_address() -> None:
    assert announced([f"{ROOM}:5000", f"{ROOM}:5001"], ROOM) == f"{ROOM}:5000,{ROOM}:5001"


def test_the_card_tells_the_room_the_shop_the_wheel_and_keeps_the_operator_to_this_machine(
    tmp_path: Path,
) -> None:
    settings = parse_settings(["--run-dir", str(tmp_path), "--host", ROOM])
    room = plan_room(settings, [f"{ROOM}:5000"], 8080, tmp_path / "operator.key", RunTls.plaintext())
    card = room.card
    name = wheel_name(REPO_ROOT)
    assert name is not None and name.endswith("-py3-none-any.whl")
    assert card.web_url == f"http://{ROOM}:8080/" and card.shop_url == f"http://{ROOM}:8080/shop"
    assert card.wheel_url == f"http://{ROOM}:8080/join/wheel/{name}"
    assert room.wheel_dir == settings.run_dir / "wheel"
    assert room.web_env[WHEEL_DIR_ENV] == str(room.wheel_dir)
    lines = "\n".join(card.lines())
    assert f"pip install {card.wheel_url}" in lines
    assert f"shop-venv/bin/distribution-customer shop --central {ROOM}:5000" in lines
    # This machine's commands name the run's own console scripts, so they run as printed.
    assert card.shop_command.split()[0].endswith("/distribution-customer")
    assert Path(card.shop_command.split()[0]).exists()
    assert "python -m" not in lines
    # The lecturer logs in at the room's address: a log-in holds for one address.
    assert f": http://{ROOM}:8080/hq\nweb: http://{ROOM}:8080/" in lines
    public = json.loads(room.web_env[JOIN_CARD_ENV])
    assert public["shop_url"] == card.shop_url and public["install"] == card.install_commands
    assert "operator" not in json.dumps(public) and "key" not in json.dumps(public)


def test_on_loopback_no_wheel_is_built_or_offered(tmp_path: Path) -> None:
    settings = parse_settings(["--run-dir", str(tmp_path)])
    room = plan_room(settings, [f"{LOOPBACK}:5000"], 8080, tmp_path / "operator.key", RunTls.plaintext())
    assert room.wheel_dir is None and not room.card.install_commands


def test_a_tls_card_names_the_ca_to_trust_and_its_fingerprint(tmp_path: Path) -> None:
    settings = parse_settings(["--run-dir", str(tmp_path), "--host", ROOM, "--tls"])
    tls = make_run_tls(tmp_path, 1, student_names(settings), hosts=[ROOM])
    room = plan_room(settings, [f"{ROOM}:5000"], 8080, tmp_path / "operator.key", tls)
    # The web node of a TLS run serves HTTPS: the card says so.
    assert room.card.ca_url == f"https://{ROOM}:8080/join/ca.pem"
    assert len(room.card.ca_fingerprint.split(":")) == 32
    assert any("run-ca.pem" in line for line in room.card.lines())
    # Each student fetches a pair of their own and the shop's command names it; nothing else.
    assert room.card.client_url == f"https://{ROOM}:8080/join/client.pem"
    fetch, shop = room.card.install_commands[-2:]
    assert fetch == f"curl --cacert run-ca.pem -o client.pem {room.card.client_url}"
    assert shop.endswith("--tls-ca run-ca.pem --tls-cert client.pem --tls-key client.pem")
    pairs = json.loads(room.web_env[JOIN_CLIENTS_ENV])
    assert len(pairs) == STUDENTS and all(Path(cert).name.startswith("client-student-") for cert, _ in pairs)
    assert str(tls.clients[BY_HAND].key_file) not in room.web_env[JOIN_CLIENTS_ENV]
    assert "operator" not in json.dumps(room.card.public_card())


def test_a_plaintext_run_issues_no_student_pairs(tmp_path: Path) -> None:
    assert student_names(parse_settings(["--run-dir", str(tmp_path), "--host", ROOM])) == []
    assert student_names(parse_settings(["--run-dir", str(tmp_path), "--tls", "--no-web"])) == []


def test_join_lines_without_a_web_node_still_name_the_central(tmp_path: Path) -> None:
    card = JoinInfo(f"{ROOM}:5000", tmp_path / "operator.key")
    assert card.lines()[0] == f"central: {ROOM}:5000" and not card.install_commands
