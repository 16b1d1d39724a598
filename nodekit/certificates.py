"""A throwaway certificate authority: a CA, server and client certificates as PEM files for one run."""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Long enough for any run, short enough that a forgotten run directory is soon worthless.
VALID_FOR = datetime.timedelta(days=7)
# Clocks of processes on one machine agree, but a certificate valid from "now" can look
# not-yet-valid to a peer that rounds differently.
BACKDATE = datetime.timedelta(minutes=5)
LOOPBACK_NAMES = ("localhost",)
LOOPBACK_IPS = ("127.0.0.1", "::1")


@dataclass(frozen=True, slots=True)
class IssuedPair:
    """A certificate and its private key, as files."""

    cert_file: Path
    key_file: Path


class CertificateAuthority:
    """A CA whose key lives only in memory; it signs server and client certificates into ``directory``.

    Args:
        directory: Where the CA certificate and every issued pair are written.
        name: Common name of the CA (shows in a peer's error when a certificate is refused).
    """

    def __init__(self, directory: Path, name: str = "distribution throwaway CA") -> None:
        self._directory = directory
        self._directory.mkdir(parents=True, exist_ok=True)
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = _now()
        self._cert = (
            x509.CertificateBuilder()
            .subject_name(self._name)
            .issuer_name(self._name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + VALID_FOR)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        self.cert_file = directory / "ca.crt"
        self.cert_file.write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))

    def issue_server(self, name: str, ips: Sequence[str] = ()) -> IssuedPair:
        """A server certificate for loopback and ``ips``, written as ``name``.crt/.key."""
        names: list[x509.GeneralName] = [x509.DNSName(host) for host in LOOPBACK_NAMES]
        names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in dict.fromkeys([*LOOPBACK_IPS, *ips])]
        return self._issue(name, names, ExtendedKeyUsageOID.SERVER_AUTH)

    def issue_client(self, name: str) -> IssuedPair:
        """A client certificate for mutual TLS, with ``name`` as its common name."""
        return self._issue(name, [x509.DNSName(name)], ExtendedKeyUsageOID.CLIENT_AUTH)

    def _issue(
        self, name: str, alt_names: list[x509.GeneralName], usage: x509.ObjectIdentifier
    ) -> IssuedPair:
        key = ec.generate_private_key(ec.SECP256R1())
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(self._name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + VALID_FOR)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), critical=False
            )
            .sign(self._key, hashes.SHA256())
        )
        pair = IssuedPair(self._directory / f"{name}.crt", self._directory / f"{name}.key")
        pair.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        write_private(pair.key_file, key_pem)
        return pair


def write_private(path: Path, data: bytes) -> None:
    """Writes ``data`` to a file only its owner can read, created so from the start (no window at 0644)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
