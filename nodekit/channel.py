"""Client channels with keepalive, optional TLS, and the default per-call deadline.

A channel reaches one central (``host:port``) or several (``A:1,B:2``). Several are one
static list for gRPC's own ``round_robin`` policy: every call goes to the next ready
central, a central whose connection fails drops out of the rotation until it is back, and
a call (or a stream's reconnect) made while one is down goes to a live one.
"""

from __future__ import annotations

import ipaddress
import json
import socket

import grpc

from nodekit.addresses import parse_central_addresses, split_host_port
from nodekit.observability.grpc_metrics import client_interceptors
from nodekit.tls import TlsClientConfig, client_channel_credentials

__all__ = ["CHANNEL_OPTIONS", "DEFAULT_TIMEOUT_S", "TlsClientConfig", "channel_target", "open_channel"]

DEFAULT_TIMEOUT_S = 10.0

ChannelOption = tuple[str, int | str]

# Keepalive pings let both ends notice a dead peer on long-lived streams.
CHANNEL_OPTIONS: tuple[ChannelOption, ...] = (
    ("grpc.keepalive_time_ms", 20_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.max_receive_message_length", 16 * 1024 * 1024),
)
ROUND_ROBIN = json.dumps({"loadBalancingConfig": [{"round_robin": {}}]})
# gRPC backs off up to 120 s between attempts to reach a down address; a restarted central
# should rejoin the rotation within seconds.
MAX_RECONNECT_BACKOFF_MS = 5_000


def channel_target(target: str) -> tuple[str, tuple[ChannelOption, ...]]:
    """The gRPC target and the extra channel options for ``target``.

    One address is passed on as it is (gRPC's DNS resolver, first address that answers).
    Several become gRPC's static ``ipv4:`` (or ``ipv6:``) list with ``round_robin``; host
    names among them are resolved once, here, since gRPC's DNS resolver takes one name and
    one port. The authority (and so the name a TLS certificate must carry) is the first
    address's host.

    Raises:
        ValueError: One line for a person: a malformed list, a host name that does not
            resolve, or hosts that share no address family (one list is IPv4 or IPv6).
    """
    if "," not in target:
        return target, ()
    addresses = parse_central_addresses(target)
    if len(addresses) == 1:
        return addresses[0], ()
    resolved = [_resolve(address) for address in addresses]
    if all(by_family[socket.AF_INET] for by_family in resolved):
        scheme, family = "ipv4", socket.AF_INET
    elif all(by_family[socket.AF_INET6] for by_family in resolved):
        scheme, family = "ipv6", socket.AF_INET6
    else:
        raise ValueError(f"--central mixes IPv4-only and IPv6-only hosts; give one family: {target!r}")
    endpoints = dict.fromkeys(endpoint for by_family in resolved for endpoint in by_family[family])
    options: tuple[ChannelOption, ...] = (
        ("grpc.service_config", ROUND_ROBIN),
        ("grpc.default_authority", addresses[0]),
        ("grpc.max_reconnect_backoff_ms", MAX_RECONNECT_BACKOFF_MS),
    )
    return f"{scheme}:{','.join(endpoints)}", options


def open_channel(target: str, tls: TlsClientConfig | None = None) -> grpc.aio.Channel:
    """Opens an asyncio channel to ``target``: ``host:port``, or several comma-separated.

    Raises:
        ValueError: When ``target`` lists several addresses that cannot be used (see ``channel_target``).
        OSError: When a TLS file cannot be read.
    """
    grpc_target, extra = channel_target(target)
    options = CHANNEL_OPTIONS + extra
    interceptors = client_interceptors(target)
    if tls is None:
        return grpc.aio.insecure_channel(grpc_target, options=options, interceptors=interceptors)
    return grpc.aio.secure_channel(
        grpc_target, client_channel_credentials(tls), options=options, interceptors=interceptors
    )


def _resolve(address: str) -> dict[int, list[str]]:
    """Endpoints (``ip:port``, IPv6 in brackets) of one address, by address family."""
    host, port = split_host_port(address)
    try:
        ips = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise ValueError(f"--central: cannot resolve {host!r} ({error.strerror})") from None
        ips = [ipaddress.ip_address(info[4][0]) for info in found]
    by_family: dict[int, list[str]] = {socket.AF_INET: [], socket.AF_INET6: []}
    for ip in dict.fromkeys(ips):
        if ip.version == 4:
            by_family[socket.AF_INET].append(f"{ip}:{port}")
        else:
            by_family[socket.AF_INET6].append(f"[{ip}]:{port}")
    return by_family
