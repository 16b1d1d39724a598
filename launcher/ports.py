"""Free loopback ports for the children."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port the kernel just handed out on ``host``.

    The socket is closed before the child binds it, so another process could take the
    port in between; that is rare on loopback, and the child then exits with a bind
    error that the watchdog reports by name.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port
