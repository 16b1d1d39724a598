"""Mutual TLS with real node processes: certificates of the run's CA get in; none, or another CA's, do not."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from central.testing import OPERATOR_KEY, RunningCentral, running_central
from generated.distribution.v1 import month_pb2, month_pb2_grpc
from nodekit.certificates import CertificateAuthority
from nodekit.tls import TlsClientConfig, TlsServerConfig
from operator_cli.app import run_admin
from tests.helpers import assert_eventually
from tests.processes import node_process, stop

START_S = 30.0  # a cold Python start on a busy 2-core machine
MAKER, MAKER_KEY = "Acme Foods", "acme-foods-key-1"
BRANCH, BRANCH_KEY = "north", "north-key-1"
NOISE = ("Traceback", "AioRpcError", "tick failed")


@dataclass(frozen=True)
class Pki:
    """The run's CA, and another CA nobody trusts."""

    ours: CertificateAuthority
    theirs: CertificateAuthority

    def client_flags(self, name: str, ca: CertificateAuthority | None = None) -> list[str]:
        pair = (ca or self.ours).issue_client(name)
        return [
            f"--tls-ca={self.ours.cert_file}",
            f"--tls-cert={pair.cert_file}",
            f"--tls-key={pair.key_file}",
        ]


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return Pki(CertificateAuthority(tmp_path / "ours"), CertificateAuthority(tmp_path / "theirs"))


@contextlib.asynccontextmanager
async def mutual_tls_central(pki: Pki) -> AsyncIterator[RunningCentral]:
    server = pki.ours.issue_server("central")
    operator = pki.ours.issue_client("operator")
    async with running_central(
        manufacturer_keys={MAKER: MAKER_KEY},
        branch_keys={BRANCH: BRANCH_KEY},
        tls=TlsServerConfig(server.cert_file, server.key_file, pki.ours.cert_file),
        client_tls=TlsClientConfig(pki.ours.cert_file, operator.cert_file, operator.key_file),
    ) as rc:
        yield rc


def node_argv(module: str, rc: RunningCentral, tmp_path: Path) -> list[str]:
    if module == "manufacturer_node":
        return ["--central", rc.address, "--name", MAKER, "--key", MAKER_KEY]
    if module == "branch_node":
        return [
            "--central",
            rc.address,
            "--name",
            BRANCH,
            "--key",
            BRANCH_KEY,
            "--db",
            str(tmp_path / "b.db"),
        ]
    return ["--central", rc.address, "--name", "ann", "--token-file", str(tmp_path / "token.txt")]


async def signed_in(module: str, rc: RunningCentral, tmp_path: Path) -> None:
    """The node has made calls that only pass the handshake: connected, registered."""
    if module == "manufacturer_node":
        months = month_pb2_grpc.MonthServiceStub(rc.channel)
        reply = await months.ListManufacturers(
            month_pb2.ListManufacturersRequest(), metadata=rc.operator_metadata, timeout=5
        )
        assert [m.connected for m in reply.manufacturers] == [True]
    elif module == "branch_node":
        assert (tmp_path / "b.db").exists(), "the branch has not made its database yet"
        with contextlib.closing(sqlite3.connect(tmp_path / "b.db")) as db:
            try:
                rows = db.execute("SELECT value FROM state WHERE key = 'customer_token'").fetchall()
            except sqlite3.OperationalError as error:  # its schema is not there yet
                raise AssertionError(str(error)) from None
        assert rows, "the branch has not registered its account yet"
    else:
        token = tmp_path / "token.txt"
        assert token.exists() and token.read_text().strip(), "the customer has not registered yet"


@pytest.mark.parametrize("module", ["manufacturer_node", "customer_node", "branch_node"])
async def test_a_node_with_a_certificate_of_the_ca_works_over_mutual_tls(
    module: str, pki: Pki, tmp_path: Path
) -> None:
    log = tmp_path / "node.log"
    async with mutual_tls_central(pki) as rc:
        argv = node_argv(module, rc, tmp_path) + pki.client_flags(module)
        with node_process(module, argv, log) as process:

            async def in_business() -> None:
                assert process.poll() is None, log.read_text()
                await signed_in(module, rc, tmp_path)

            await assert_eventually(in_business, timeout_s=START_S)
            assert await asyncio.to_thread(stop, process) == 0, log.read_text()


@pytest.mark.parametrize(
    ("module", "flags", "says"),
    [
        ("manufacturer_node", "none", "hung up at once: it talks TLS"),
        ("manufacturer_node", "ca-only", "it wants a client certificate"),
        ("manufacturer_node", "other-ca", "does not accept the client certificate"),
        ("customer_node", "other-ca", "does not accept the client certificate"),
        ("branch_node", "ca-only", "it wants a client certificate"),
        ("branch_node", "other-ca", "does not accept the client certificate"),
    ],
)
async def test_a_node_the_central_refuses_at_the_handshake_exits_1_with_one_line(
    module: str, flags: str, says: str, pki: Pki, tmp_path: Path
) -> None:
    log = tmp_path / "node.log"
    extra = {
        "none": [],
        "ca-only": [f"--tls-ca={pki.ours.cert_file}"],
        "other-ca": pki.client_flags(module, pki.theirs),
    }[flags]
    async with mutual_tls_central(pki) as rc:
        with node_process(module, node_argv(module, rc, tmp_path) + extra, log) as process:
            code = await asyncio.to_thread(process.wait, START_S)
    text = log.read_text()
    assert code == 1, text
    lines = [line for line in text.splitlines() if says in line]
    assert len(lines) == 1, text
    assert not [noise for noise in NOISE if noise in text], text


async def test_a_node_that_does_not_trust_the_centrals_certificate_says_so(pki: Pki, tmp_path: Path) -> None:
    log = tmp_path / "node.log"
    theirs = pki.theirs.issue_client("maker")
    flags = [
        f"--tls-ca={pki.theirs.cert_file}",
        f"--tls-cert={theirs.cert_file}",
        f"--tls-key={theirs.key_file}",
    ]
    async with mutual_tls_central(pki) as rc:
        with node_process(
            "manufacturer_node", node_argv("manufacturer_node", rc, tmp_path) + flags, log
        ) as process:
            code = await asyncio.to_thread(process.wait, START_S)
    text = log.read_text()
    assert code == 1, text
    assert "its certificate is not signed by the CA in --tls-ca" in text, text
    assert not [noise for noise in NOISE if noise in text], text


async def test_the_operator_command_talks_mutual_tls_and_a_refusal_is_one_line(
    pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"DISTRIBUTION_OPERATOR_KEY": OPERATOR_KEY}
    async with mutual_tls_central(pki) as rc:
        base = ["--central", rc.address]
        assert await run_admin([*base, *pki.client_flags("operator-2"), "manufacturers"], env) == 0
        assert MAKER in capsys.readouterr().out
        assert await run_admin([*base, f"--tls-ca={pki.ours.cert_file}", "manufacturers"], env) == 1
        assert await run_admin([*base, *pki.client_flags("stranger", pki.theirs), "manufacturers"], env) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2, err
    assert "refused the TLS handshake: it wants a client certificate" in err[0]
    assert "does not accept the client certificate" in err[1]


async def test_a_tls_node_of_a_plaintext_central_is_told_so(pki: Pki, tmp_path: Path) -> None:
    log = tmp_path / "node.log"
    async with running_central(manufacturer_keys={MAKER: MAKER_KEY}) as rc:
        argv = node_argv("manufacturer_node", rc, tmp_path) + pki.client_flags("maker")
        with node_process("manufacturer_node", argv, log) as process:
            code = await asyncio.to_thread(process.wait, START_S)
    text = log.read_text()
    assert code == 1, text
    assert "does not talk TLS (started without --tls-cert?)" in text, text
    assert not [noise for noise in NOISE if noise in text], text
