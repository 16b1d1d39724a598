"""The address a class joins on: ``--host ADDR``, or ``lan`` for this machine's own LAN address."""

from __future__ import annotations

import ipaddress
import socket

LOOPBACK = "127.0.0.1"
LAN = "lan"
# Any address outside this machine: connecting a UDP socket sends nothing, it only picks the
# interface (and so the source address) the kernel would route through.
_PROBE = ("192.0.2.1", 9)  # TEST-NET-1, never a real host


class HostError(ValueError):
    """The --host value is not an address this machine can listen on."""


def resolve_host(text: str) -> str:
    """The IP address to listen on for ``text`` (an IP address, ``lan``, or ``localhost``)."""
    if text == LAN:
        return lan_address()
    if text == "localhost":
        return LOOPBACK
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        raise HostError(f"{text!r} is not an IP address; give one, or 'lan' for this machine's") from None
    if address.is_multicast:
        raise HostError(f"{text} is a multicast address; give one of this machine's own")
    return str(address)


def lan_address() -> str:
    """This machine's address on the network its default route leaves by."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(_PROBE)
            found = str(probe.getsockname()[0])
        except OSError:
            found = ""
    if found and not ipaddress.ip_address(found).is_loopback:
        return found
    raise HostError("this machine has no route to a network; give the address with --host ADDR")


def dial_host(host: str) -> str:
    """The address the launcher's own clients dial: a wildcard listener is reached on loopback."""
    return LOOPBACK if ipaddress.ip_address(host).is_unspecified else host


def shown_host(host: str) -> str:
    """The address others are told: a wildcard listener (``0.0.0.0``) is told as the LAN address."""
    if not ipaddress.ip_address(host).is_unspecified:
        return host
    try:
        return lan_address()
    except HostError:
        return LOOPBACK


def url_host(host: str) -> str:
    """``host`` as it goes into a URL or ``host:port`` (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    """True when only this machine reaches ``host``."""
    return ipaddress.ip_address(host).is_loopback
