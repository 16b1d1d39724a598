"""Client channels with keepalive, optional TLS, and the default per-call deadline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

DEFAULT_TIMEOUT_S = 10.0

# Keepalive pings let both ends notice a dead peer on long-lived streams.
CHANNEL_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.keepalive_time_ms", 20_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.max_receive_message_length", 16 * 1024 * 1024),
)


@dataclass(frozen=True, slots=True)
class TlsClientConfig:
    """Files for a TLS (or mutual TLS, with cert and key) client."""

    ca_file: Path
    cert_file: Path | None = None
    key_file: Path | None = None


def open_channel(target: str, tls: TlsClientConfig | None = None) -> grpc.aio.Channel:
    """Opens an asyncio channel to ``target`` (host:port)."""
    if tls is None:
        return grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=tls.ca_file.read_bytes(),
        private_key=tls.key_file.read_bytes() if tls.key_file else None,
        certificate_chain=tls.cert_file.read_bytes() if tls.cert_file else None,
    )
    return grpc.aio.secure_channel(target, credentials, options=CHANNEL_OPTIONS)
