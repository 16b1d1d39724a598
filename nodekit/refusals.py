"""Credentials the central refused (UNAUTHENTICATED, PERMISSION_DENIED): never retried, one line, exit 1.

Asking again with the same key or token gets the same answer, so a node that hears
either stops at once and tells the person what to fix instead of retrying forever.
"""

from __future__ import annotations

import grpc

from nodekit.status import RemoteError

REFUSED_CODES = frozenset({grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED})


class CredentialsRefused(Exception):
    """The central refused a node's credentials; ``str()`` is one line for a person."""


def refused_code(error: BaseException) -> grpc.StatusCode | None:
    """The status code if ``error`` is a call refused for its credentials, else None."""
    if isinstance(error, grpc.aio.AioRpcError):
        code = error.code()
    elif isinstance(error, RemoteError):
        code = error.code
    else:
        return None
    return code if code in REFUSED_CODES else None


def is_refusal(error: BaseException) -> bool:
    """True for a call the central refused for its credentials."""
    return refused_code(error) is not None


def refusal(who: str, error: BaseException, fix: str) -> CredentialsRefused:
    """The one line saying that the central refused ``who``, why, and what to check.

    Args:
        who: Whose credentials, e.g. ``"the key of branch north"``.
        error: The refused call (``AioRpcError`` or ``RemoteError``).
        fix: What the person can check, e.g. ``"check --key or $DISTRIBUTION_BRANCH_KEY"``.
    """
    code = refused_code(error)
    name = code.name if code is not None else "REFUSED"
    if isinstance(error, grpc.aio.AioRpcError):
        detail = error.details() or ""
    elif isinstance(error, RemoteError):
        detail = error.message
    else:
        detail = str(error)
    detail = " ".join(detail.split())  # one line, whatever the server wrote
    return CredentialsRefused(f"the central refused {who} ({name}: {detail}); {fix}")
