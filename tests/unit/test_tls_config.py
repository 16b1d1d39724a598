"""TLS files are checked at start-up: every node's flags, one line for each kind of mistake, exit 2."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from branch_node.settings import parse_args as branch_args
from central.settings import parse_args as central_args
from customer_node.cli import parse_args as customer_args
from manufacturer_node.settings import parse_args as manufacturer_args
from nodekit.certificates import CertificateAuthority, IssuedPair
from nodekit.tls import TlsClientConfig, TlsConfigError, client_tls_config, server_tls_config
from operator_cli.cli import parse_args as admin_args
from tests.processes import ROOT, node_env
from web_node.settings import parse_args as web_args


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def pair(ca: CertificateAuthority) -> IssuedPair:
    return ca.issue_client("someone")


def test_no_flag_is_plaintext_and_a_full_set_is_mutual_tls(
    ca: CertificateAuthority, pair: IssuedPair
) -> None:
    assert client_tls_config(None, None, None) is None
    assert client_tls_config(ca.cert_file, None, None) == TlsClientConfig(ca.cert_file)
    full = client_tls_config(ca.cert_file, pair.cert_file, pair.key_file)
    assert full == TlsClientConfig(ca.cert_file, pair.cert_file, pair.key_file)


def test_the_key_files_are_owner_only(pair: IssuedPair) -> None:
    assert pair.key_file.stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in pair.key_file.read_bytes()


def mistakes(ca: CertificateAuthority, pair: IssuedPair, tmp: Path) -> dict[str, tuple[tuple[Any, ...], str]]:
    other = ca.issue_client("other")
    garbage = tmp / "garbage.pem"
    garbage.write_text("hello\n")
    encrypted = tmp / "encrypted.key"
    key = serialization.load_pem_private_key(pair.key_file.read_bytes(), password=None)
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    return {
        "cert without key": ((ca.cert_file, pair.cert_file, None), "--tls-cert and --tls-key go together"),
        "key without cert": ((ca.cert_file, None, pair.key_file), "--tls-cert and --tls-key go together"),
        "cert without ca": ((None, pair.cert_file, pair.key_file), "need --tls-ca"),
        "missing ca": ((tmp / "nope.crt", None, None), "no such file"),
        "ca is a directory": ((tmp, None, None), "is a directory"),
        "ca not pem": ((garbage, None, None), "not a PEM certificate"),
        "key not pem": ((ca.cert_file, pair.cert_file, garbage), "not a PEM private key"),
        "encrypted key": ((ca.cert_file, pair.cert_file, encrypted), "the key is encrypted"),
        "someone else's key": (
            (ca.cert_file, pair.cert_file, other.key_file),
            "is not the key of the certificate",
        ),
    }


def test_each_mistake_is_named_in_one_line(
    ca: CertificateAuthority, pair: IssuedPair, tmp_path: Path
) -> None:
    for name, (files, says) in mistakes(ca, pair, tmp_path).items():
        with pytest.raises(TlsConfigError) as raised:
            client_tls_config(*files)
        message = str(raised.value)
        assert says in message and "\n" not in message, (name, message)


def test_the_server_side_checks_its_pair_and_client_ca(
    ca: CertificateAuthority, pair: IssuedPair, tmp_path: Path
) -> None:
    server = ca.issue_server("central")
    assert server_tls_config(None, None, None) is None
    assert server_tls_config(server.cert_file, server.key_file, ca.cert_file) is not None
    with pytest.raises(TlsConfigError, match="needs --tls-cert and --tls-key"):
        server_tls_config(None, None, ca.cert_file)
    with pytest.raises(TlsConfigError, match="is not the key"):
        server_tls_config(server.cert_file, pair.key_file, None)
    with pytest.raises(TlsConfigError, match="no such file"):
        server_tls_config(server.cert_file, server.key_file, tmp_path / "missing-ca.crt")


Parse = Callable[[Sequence[str]], object]
NODES: dict[str, tuple[Parse, list[str]]] = {
    "manufacturer": (manufacturer_args, ["--central", "127.0.0.1:1", "--name", "m", "--key", "k"]),
    "branch": (branch_args, ["--central", "127.0.0.1:1", "--name", "b", "--key", "k", "--db", "b.db"]),
    "customer": (customer_args, ["--central", "127.0.0.1:1", "--name", "ann"]),
    "shop": (customer_args, ["shop", "--central", "127.0.0.1:1", "--name", "ann"]),
    "web": (web_args, ["--central", "127.0.0.1:1"]),
}


@pytest.mark.parametrize("node", sorted(NODES))
def test_every_node_takes_the_client_flags_and_refuses_a_bad_file_in_one_line(
    node: str, ca: CertificateAuthority, pair: IssuedPair, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parse, argv = NODES[node]
    flags = [f"--tls-ca={ca.cert_file}", f"--tls-cert={pair.cert_file}", f"--tls-key={pair.key_file}"]
    settings: Any = parse([*argv, *flags])
    assert settings.tls == TlsClientConfig(ca.cert_file, pair.cert_file, pair.key_file)
    with pytest.raises(SystemExit) as raised:
        parse([*argv, f"--tls-ca={ca.cert_file}", f"--tls-cert={pair.cert_file}"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--tls-cert and --tls-key go together" in err, err


def test_the_operator_command_and_the_central_refuse_bad_files_in_one_line(
    ca: CertificateAuthority, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"DISTRIBUTION_OPERATOR_KEY": "k"}
    with pytest.raises(SystemExit) as raised:
        admin_args(["--central", "127.0.0.1:1", f"--tls-ca={tmp_path / 'x.crt'}", "status"], env)
    assert raised.value.code == 2
    with pytest.raises(SystemExit) as raised:
        central_args([f"--tls-client-ca={ca.cert_file}"], {})
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "no such file" in err and "--tls-client-ca needs" in err, err


def test_a_node_process_with_a_missing_file_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "missing.crt"
    argv = ["--central", "127.0.0.1:1", "--name", "m", "--key", "k", f"--tls-ca={missing}"]
    done = subprocess.run(
        [sys.executable, "-m", "manufacturer_node", *argv],
        cwd=ROOT,
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"python -m manufacturer_node: error: --tls-ca {missing}: no such file"
    ]
