"""Connecting to the central: one configuration, one channel, the callers on it.

The channel itself is ``nodekit.channel.open_channel`` (keepalive, TLS, several centrals
round-robin); what every call on it does is ``distribution_client.policy``'s table.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

import grpc

from distribution_client.branch import Branch
from distribution_client.link import ManufacturerLink
from distribution_client.operator import Operator
from distribution_client.service import CentralService
from distribution_client.shopper import Shopper
from nodekit.channel import open_channel
from nodekit.tls import TlsClientConfig

__all__ = ["CentralClient", "ConnectConfig", "connect"]


@dataclass(frozen=True, slots=True)
class ConnectConfig:
    """How to reach the central.

    Attributes:
        target: ``host:port``, or several comma-separated (round-robin over them).
        tls: TLS (and client certificate) settings; None for plaintext.
        timeout_s: Deadline of every unary call, replacing the policy table's; None keeps it.
        retry: False makes every call once (someone at a prompt sees the failure and decides).
    """

    target: str
    tls: TlsClientConfig | None = None
    timeout_s: float | None = None
    retry: bool = True


class CentralClient:
    """One channel to the central and the callers on it; ``async with`` closes the channel."""

    def __init__(self, channel: grpc.aio.Channel, timeout_s: float | None = None, retry: bool = True) -> None:
        self.channel = channel
        self.service = CentralService(channel, timeout_s, retry)

    def shopper(self, token: str = "") -> Shopper:
        """A customer's calls (register first when ``token`` is empty)."""
        return Shopper(self.service, token)

    def operator(self, key: str) -> Operator:
        """The operator's calls."""
        return Operator(self.service, key)

    def branch(self, key: str, name: str = "") -> Branch:
        """A branch's calls under its key."""
        return Branch(self.service, key, name)

    def manufacturer_link(self, key: str, name: str = "") -> ManufacturerLink:
        """A manufacturer's stream."""
        return ManufacturerLink(self.service, key, name)

    async def close(self) -> None:
        """Closes the channel (calls in flight are cancelled)."""
        await self.channel.close()

    async def __aenter__(self) -> CentralClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()


def connect(config: ConnectConfig | str) -> CentralClient:
    """Opens a channel to the central (no connection is made until the first call).

    Raises:
        ValueError: When the target lists several addresses that cannot be used together.
        OSError: When a TLS file cannot be read.
    """
    if isinstance(config, str):
        config = ConnectConfig(config)
    return CentralClient(open_channel(config.target, config.tls), config.timeout_s, config.retry)
