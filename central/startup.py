"""Start-up failures a person can act on: a port in use, a database that cannot be opened."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import grpc
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from nodekit.db.engine import sqlite_url
from nodekit.tls import TlsServerConfig, server_credentials


class StartupError(Exception):
    """The central cannot start; the message is one line that names the cause."""


def database_url(value: str) -> str:
    """``--db`` as a SQLAlchemy URL: a plain path is taken as a SQLite file."""
    if "://" in value:
        return value
    return sqlite_url(str(Path(value).expanduser()))


def check_database(url: str) -> None:
    """Refuses a URL that does not parse, or a SQLite file whose directory cannot hold it.

    SQLite in WAL mode writes two files beside the database, so its directory
    must exist and be writable, not only the file.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StartupError(f"--db {url!r} is neither a database URL nor a file path") from None
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    directory = path.parent
    if not directory.is_dir():
        raise StartupError(f"cannot open database {path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StartupError(f"cannot open database {path}: directory {directory} is not writable")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StartupError(f"cannot open database {path}: the file is not readable and writable")


def database_cause(error: BaseException) -> str:
    """The driver's own first line for a database error, without SQLAlchemy's wrapping."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def safe_url(url: str) -> str:
    """``url`` fit for a log line or a message."""
    # Never log a database password.
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return scheme + sep + rest


def listen(server: grpc.aio.Server, host: str, port: int, tls: TlsServerConfig | None) -> int:
    """Binds the server's port; a port in use (or any other bind failure) is a ``StartupError``."""
    address = f"{host}:{port}"
    try:
        if tls is None:
            bound = server.add_insecure_port(address)
        else:
            bound = server.add_secure_port(address, server_credentials(tls))
    except RuntimeError:
        bound = 0
    if bound == 0:
        raise StartupError(f"cannot listen on {address}: {_bind_problem(host, port)}")
    return int(bound)


def _bind_problem(host: str, port: int) -> str:
    """Why ``host:port`` cannot be bound, asked of the operating system directly."""
    try:
        family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host.strip("[]"), port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return f"port {port} is in use"
        return error.strerror or str(error)
    return "the address was refused"
