"""run.py --tls: a student fetches a client pair of their own from the web node, shops with it, and
the pair opens nothing of the operator's."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from generated.distribution.v1 import month_pb2, month_pb2_grpc
from launcher.room.card import fingerprint
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.tls import TlsClientConfig
from tests.browser.lecture import lecture_run
from tests.terminal_shop import CARD, buy_one_line

pytestmark = pytest.mark.e2e

FLAGS = ["--tls", "--months", "1", "--month-seconds", "90", "--manufacturers", "1", "--customers", "1",
         "--branches", "0"]  # fmt: skip


def fetch(url: str, context: ssl.SSLContext) -> bytes:
    with urllib.request.urlopen(url, context=context, timeout=10) as reply:
        return bytes(reply.read())


def shop_buys_one(central: str, pem: Path, ca: Path, home: Path) -> dict[str, str]:
    """The terminal shop with the student's pair lists, adds and checks out; its account file."""
    argv = [sys.executable, "-m", "customer_node", "shop", "--central", central, "--tls-ca", str(ca)]
    argv += ["--tls-cert", str(pem), "--tls-key", str(pem), "--name", "carol", "--card", CARD]
    argv += ["--account-file", str(home / "carol.json")]
    log = home / "shop.log"
    env = {key: value for key, value in os.environ.items() if key != "DISTRIBUTION_OPERATOR_KEY"}
    with log.open("wb") as out:
        shop = subprocess.Popen(argv, cwd=home, env=env, stdin=subprocess.PIPE, stdout=out, stderr=out)
    try:
        buy_one_line(shop, log)
    finally:
        if shop.poll() is None:
            shop.kill()
            shop.wait(timeout=10)
        if shop.stdin is not None:
            shop.stdin.close()
    account: dict[str, str] = json.loads((home / "carol.json").read_text())
    return account


async def operator_codes(central: str, tls: TlsClientConfig, token: str) -> list[grpc.StatusCode]:
    """An operator call over the student's pair: with no token, and with the student's own."""
    codes = []
    async with open_channel(central, tls) as channel:
        months = month_pb2_grpc.MonthServiceStub(channel)
        for metadata in ((), bearer_metadata(token)):
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await months.PauseMonth(month_pb2.PauseMonthRequest(), metadata=metadata, timeout=10)
            codes.append(refused.value.code())
    return codes


def test_a_student_shops_over_tls_with_a_fetched_pair_that_opens_nothing_of_the_operators(
    tmp_path: Path,
) -> None:
    with lecture_run(tmp_path, *FLAGS) as (_, url, _key):
        run_dir = tmp_path / "run"
        home = tmp_path / "student"
        home.mkdir()
        # The CA as a student gets it: downloaded unverified, then checked against the card's print.
        unverified = ssl.create_default_context()
        unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
        card = json.loads(fetch(url + "/join/card", unverified))
        ca = home / "run-ca.pem"
        ca.write_bytes(fetch(card["ca_url"], unverified))
        assert fingerprint(ca) == card["ca_fingerprint"]
        trusted = ssl.create_default_context(cafile=str(ca))
        assert card["client_url"] == url + "/join/client.pem"
        pem = home / "client.pem"
        pem.write_bytes(fetch(card["client_url"], trusted))
        again = fetch(card["client_url"], trusted)

        (certificate,) = x509.load_pem_x509_certificates(pem.read_bytes())
        (other,) = x509.load_pem_x509_certificates(again)
        name = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        assert str(name).startswith("client-student-")
        assert certificate.serial_number != other.serial_number, "two students got the same pair"
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]
        assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert b"PRIVATE KEY" in pem.read_bytes()

        central = card["central"]
        account = shop_buys_one(central, pem, ca, home)
        codes = asyncio.run(operator_codes(central, TlsClientConfig(ca, pem, pem), account["token"]))
        assert codes == [grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED]
        assert "operator.key" not in json.dumps(card)
        assert (run_dir / "operator.key").exists()
