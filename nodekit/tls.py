"""TLS and mutual TLS from PEM files: the flags every client takes, checked files, gRPC credentials.

A file problem (missing, unreadable, not PEM, a certificate without its key or with
another's key) is found at start-up and told in one line, before any connection is tried.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import grpc

if TYPE_CHECKING:
    # cryptography is imported only where files are checked: every node process imports this
    # module, most run without TLS, and the import is about 5% of a central's start-up CPU.
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from nodekit.declared import add_arguments, from_args, setting


class TlsConfigError(ValueError):
    """A TLS file that cannot be used; ``str()`` is one line for a person."""


@dataclass(frozen=True, slots=True)
class TlsServerConfig:
    """Certificate and key, plus a client CA when clients must present certificates."""

    cert_file: Path
    key_file: Path
    client_ca_file: Path | None = None


@dataclass(frozen=True, slots=True)
class TlsClientConfig:
    """Files for a TLS (or mutual TLS, with cert and key) client."""

    ca_file: Path
    cert_file: Path | None = None
    key_file: Path | None = None


def server_credentials(tls: TlsServerConfig) -> grpc.ServerCredentials:
    """Credentials for ``server.add_secure_port``."""
    pair = (tls.key_file.read_bytes(), tls.cert_file.read_bytes())
    if tls.client_ca_file is None:
        return grpc.ssl_server_credentials([pair])
    return grpc.ssl_server_credentials(
        [pair],
        root_certificates=tls.client_ca_file.read_bytes(),
        require_client_auth=True,
    )


def client_channel_credentials(tls: TlsClientConfig) -> grpc.ChannelCredentials:
    """Credentials for ``grpc.aio.secure_channel``: the CA to trust, and the client pair for mTLS."""
    return grpc.ssl_channel_credentials(
        root_certificates=tls.ca_file.read_bytes(),
        private_key=tls.key_file.read_bytes() if tls.key_file else None,
        certificate_chain=tls.cert_file.read_bytes() if tls.cert_file else None,
    )


@dataclass(frozen=True, kw_only=True)
class ClientTlsFiles:
    """The client's TLS flags, each declared once; ``client_tls_from_args`` checks them into a config."""

    tls_ca: Path | None = setting(
        None,
        metavar="FILE",
        help="CA certificate (PEM) that signed the central's certificate: talk TLS (default: plaintext)",
    )
    tls_cert: Path | None = setting(
        None, metavar="FILE", help="client certificate (PEM) for mutual TLS; needs --tls-key"
    )
    tls_key: Path | None = setting(
        None, metavar="FILE", help="client private key (PEM) for mutual TLS; needs --tls-cert"
    )


def add_client_tls_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds ``--tls-ca``, ``--tls-cert`` and ``--tls-key`` (read back with ``client_tls_from_args``)."""
    add_arguments(parser, ClientTlsFiles)


def client_tls_from_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> TlsClientConfig | None:
    """The checked client TLS settings of parsed ``args``; one line on stderr and exit 2 when unusable."""
    files = from_args(ClientTlsFiles, args)
    try:
        return client_tls_config(files.tls_ca, files.tls_cert, files.tls_key)
    except TlsConfigError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")


def client_tls_config(ca: Path | None, cert: Path | None, key: Path | None) -> TlsClientConfig | None:
    """Checked client TLS settings: None for plaintext (no flag given).

    Raises:
        TlsConfigError: A flag without its partner, or a file that is missing, unreadable or
            not what it should be.
    """
    if ca is None and cert is None and key is None:
        return None
    if (cert is None) != (key is None):
        raise TlsConfigError("--tls-cert and --tls-key go together")
    if ca is None:
        raise TlsConfigError(
            "--tls-cert and --tls-key need --tls-ca (the CA that signed the central's certificate)"
        )
    check_certificates("--tls-ca", ca)
    if cert is not None and key is not None:
        check_pair("--tls-cert", cert, "--tls-key", key)
    return TlsClientConfig(ca, cert, key)


def server_tls_config(cert: Path | None, key: Path | None, client_ca: Path | None) -> TlsServerConfig | None:
    """Checked server TLS settings: None for plaintext.

    Raises:
        TlsConfigError: As ``client_tls_config``; ``--tls-client-ca`` alone is refused too.
    """
    if cert is None and key is None:
        if client_ca is not None:
            raise TlsConfigError("--tls-client-ca needs --tls-cert and --tls-key (mutual TLS is TLS first)")
        return None
    if cert is None or key is None:
        raise TlsConfigError("--tls-cert and --tls-key go together")
    check_pair("--tls-cert", cert, "--tls-key", key)
    if client_ca is not None:
        check_certificates("--tls-client-ca", client_ca)
    return TlsServerConfig(cert, key, client_ca)


def check_certificates(flag: str, path: Path) -> list[x509.Certificate]:
    """The PEM certificates in ``path``.

    Raises:
        TlsConfigError: The file is missing, unreadable, or holds no PEM certificate.
    """
    from cryptography import x509

    data = _read(flag, path)
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError:
        raise TlsConfigError(f"{flag} {path}: not a PEM certificate") from None


def check_pair(cert_flag: str, cert_path: Path, key_flag: str, key_path: Path) -> None:
    """Checks that ``key_path`` holds the private key of the (first) certificate in ``cert_path``.

    Raises:
        TlsConfigError: Either file unusable, or the key belongs to another certificate.
    """
    from cryptography.hazmat.primitives import serialization

    certificate = check_certificates(cert_flag, cert_path)[0]
    key = _private_key(key_flag, key_path)
    if _public_der(key) != certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise TlsConfigError(
            f"{key_flag} {key_path} is not the key of the certificate in {cert_flag} {cert_path}"
        )


def _private_key(flag: str, path: Path) -> PrivateKeyTypes:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    data = _read(flag, path)
    try:
        return serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise TlsConfigError(f"{flag} {path}: the key is encrypted; give an unencrypted PEM key") from None
    except (ValueError, UnsupportedAlgorithm):
        raise TlsConfigError(f"{flag} {path}: not a PEM private key") from None


def _public_der(key: PrivateKeyTypes) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _read(flag: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TlsConfigError(f"{flag} {path}: no such file") from None
    except IsADirectoryError:
        raise TlsConfigError(f"{flag} {path}: is a directory, not a PEM file") from None
    except OSError as error:
        raise TlsConfigError(f"{flag} {path}: cannot read it ({error.strerror})") from None
