"""Tells a central that refuses our TLS (or our plaintext) apart from one that is not there, at start-up.

gRPC reports both as UNAVAILABLE and reconnects for ever, so a node with the wrong CA or
certificate would otherwise just say "cannot reach the central" until it gives up. One
health check without ``wait_for_ready`` shows how the connection failed:

- "Tls handshake failed": we refused the central's certificate (not signed by our
  ``--tls-ca``, wrong name) or the central does not talk TLS;
- "Socket closed" while connecting: the central hung up during the handshake, which is
  how a TLS server refuses a client without a certificate, with one from another CA, or
  a plaintext client.

A central that is not listening gives "Connection refused" and is left to the node's own
wait. The check is repeated a few times so that a central that just died is not mistaken
for a refusal.
"""

from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from nodekit.channel import open_channel
from nodekit.tls import TlsClientConfig

ATTEMPTS = 3
PAUSE_S = 0.2
CHECK_TIMEOUT_S = 2.0


class HandshakeRefused(Exception):
    """The central and this node do not agree on TLS; ``str()`` is one line for a person."""


def refusal_line(target: str, error: grpc.aio.AioRpcError, tls: TlsClientConfig | None) -> str | None:
    """The line for a failed call that is a TLS disagreement with the central at ``target``, else None."""
    if error.code() != grpc.StatusCode.UNAVAILABLE:
        return None
    details = error.details() or ""
    where = f"the central at {target}"
    if "handshake failed" in details.lower():
        if tls is None:
            return None
        if "WRONG_VERSION_NUMBER" in details:
            return f"{where} does not talk TLS (started without --tls-cert?); drop --tls-ca or give it TLS"
        return (
            f"TLS handshake with {where} failed: its certificate is not signed by the CA in "
            f"--tls-ca {tls.ca_file} or does not name the host"
        )
    if "socket closed" in details.lower() and "failed to connect" in details.lower():
        if tls is None:
            return f"{where} hung up at once: it talks TLS; give --tls-ca, --tls-cert and --tls-key"
        if tls.cert_file is None:
            return (
                f"{where} refused the TLS handshake: it wants a client certificate; "
                "give --tls-cert and --tls-key signed by its --tls-client-ca"
            )
        return (
            f"{where} refused the TLS handshake: it does not accept the client certificate "
            f"--tls-cert {tls.cert_file} (not signed by its --tls-client-ca)"
        )
    return None


async def check_handshake(target: str, tls: TlsClientConfig | None) -> None:
    """Returns once the central at ``target`` answers, or does not answer at all; raises on a refusal.

    Raises:
        HandshakeRefused: Every attempt failed as a TLS disagreement (see the module docstring).
    """
    async with open_channel(target, tls) as channel:
        await probe(health_pb2_grpc.HealthStub(channel), target, tls)


async def probe(stub: health_pb2_grpc.HealthStub, target: str, tls: TlsClientConfig | None) -> None:
    """``check_handshake`` on a channel the caller has open (with the same ``tls``)."""
    line = None
    for attempt in range(ATTEMPTS):
        if attempt:
            await asyncio.sleep(PAUSE_S)
        try:
            await stub.Check(health_pb2.HealthCheckRequest(), timeout=CHECK_TIMEOUT_S)
            return
        except grpc.aio.AioRpcError as error:
            line = refusal_line(target, error, tls)
            if line is None:
                return  # an answer (any status) or nobody listening: not ours to judge
    raise HandshakeRefused(line)
