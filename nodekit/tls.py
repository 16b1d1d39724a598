"""Server-side TLS and mutual TLS credentials from PEM files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc


@dataclass(frozen=True, slots=True)
class TlsServerConfig:
    """Certificate and key, plus a client CA when clients must present certificates."""

    cert_file: Path
    key_file: Path
    client_ca_file: Path | None = None


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
