"""Bearer-token metadata, principals and roles shared by servers and clients."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import quote, unquote

AUTHORIZATION = "authorization"
REQUEST_ID = "x-request-id"
# The name a manufacturer or branch runs under; a configured key is refused under another name.
NODE_NAME = "x-node-name"


class Role(enum.Enum):
    """Who a caller is."""

    CUSTOMER = "customer"
    MANUFACTURER = "manufacturer"
    BRANCH = "branch"
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: its role, its id in that role's table, and its name."""

    role: Role
    subject_id: str
    name: str


def bearer_metadata(token: str) -> tuple[tuple[str, str], ...]:
    """Call metadata that proves the caller's identity."""
    return ((AUTHORIZATION, f"Bearer {token}"),)


def node_metadata(key: str, name: str) -> tuple[tuple[str, str], ...]:
    """Call metadata of a manufacturer or branch: its key and the name it runs under.

    Header values are ASCII, so the name travels percent-encoded (``node_name`` decodes it).
    """
    return (*bearer_metadata(key), (NODE_NAME, quote(name, safe="")))


def node_name(value: str | bytes) -> str:
    """The name from a ``NODE_NAME`` header value."""
    return unquote(value.decode() if isinstance(value, bytes) else value)


def parse_bearer(value: str | bytes | None) -> str | None:
    """The token from an ``authorization`` value, or None if it is not a bearer token."""
    if value is None:
        return None
    text = value.decode() if isinstance(value, bytes) else value
    scheme, _, token = text.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def new_token() -> str:
    """A fresh random bearer token."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored instead of a token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()
