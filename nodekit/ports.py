"""Free loopback ports for servers that tests, the launcher and the benchmarks start."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port the kernel just handed out on ``host``.

    The socket is closed before the caller's server binds the port, so another process
    could take it in between; that is rare on loopback, and the server then fails to bind
    with an error that names the port.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
