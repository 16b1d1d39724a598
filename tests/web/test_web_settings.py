"""The web node's door settings: allowed Host names by flag or variable, the HTTPS pair checked at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodekit.certificates import CertificateAuthority
from web_node.door import allowed_hosts
from web_node.settings import parse_args


def test_allowed_hosts_come_from_flags_and_the_variable() -> None:
    env = {"DISTRIBUTION_ALLOWED_HOST": "room.example,10.0.0.5"}
    settings = parse_args(["--central", "127.0.0.1:1", "--allowed-host", "lecturer.local"], env)
    assert set(settings.allowed_hosts) == {"room.example", "10.0.0.5", "lecturer.local"}


def test_a_non_loopback_bind_allows_its_own_address_and_loopback_always_answers() -> None:
    hosts = allowed_hosts("192.168.1.20", ["Room.Example"])
    assert {"localhost", "127.0.0.1", "::1", "192.168.1.20", "room.example"} <= set(hosts)
    assert "evil.example" not in allowed_hosts("0.0.0.0")


def test_an_https_certificate_without_its_key_or_with_anothers_key_stops_the_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = CertificateAuthority(tmp_path)
    one, other = ca.issue_server("one"), ca.issue_server("other")
    with pytest.raises(SystemExit) as alone:
        parse_args(["--central", "127.0.0.1:1", "--https-cert", str(one.cert_file)], {})
    with pytest.raises(SystemExit) as mismatched:
        parse_args(
            [
                "--central",
                "127.0.0.1:1",
                "--https-cert",
                str(one.cert_file),
                "--https-key",
                str(other.key_file),
            ],
            {},
        )
    assert alone.value.code == mismatched.value.code == 2
    errors = capsys.readouterr().err.splitlines()
    assert "--https-cert and --https-key go together" in errors[0] and "is not the key" in errors[1]
    good = parse_args(
        ["--central", "127.0.0.1:1", "--https-cert", str(one.cert_file), "--https-key", str(one.key_file)], {}
    )
    assert good.https_cert == one.cert_file
