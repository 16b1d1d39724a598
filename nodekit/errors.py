"""Domain errors every node raises; plain Python, no gRPC (the status table lives in status.py)."""

from __future__ import annotations

import enum
from collections.abc import Mapping


class ErrorKind(enum.Enum):
    """What went wrong, in the caller's terms; status.py maps each kind to one gRPC code."""

    INVALID_ARGUMENT = "invalid_argument"
    NOT_FOUND = "not_found"
    ALREADY_EXISTS = "already_exists"
    FAILED_PRECONDITION = "failed_precondition"
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"
    RESOURCE_EXHAUSTED = "resource_exhausted"
    UNAUTHENTICATED = "unauthenticated"
    PERMISSION_DENIED = "permission_denied"


class DomainError(Exception):
    """An error a caller can act on.

    Args:
        kind: The category, which decides the gRPC status code.
        reason: UPPER_SNAKE_CASE machine-readable reason, e.g. ``INSUFFICIENT_STOCK``.
        message: A sentence a person understands; every value in ``metadata`` appears in it.
        metadata: Machine-readable details (string values), sent as ``ErrorInfo.metadata``.
    """

    def __init__(
        self,
        kind: ErrorKind,
        reason: str,
        message: str,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.reason = reason
        self.message = message
        self.metadata: dict[str, str] = dict(metadata or {})

    def __repr__(self) -> str:
        return f"DomainError({self.kind.name}, {self.reason!r}, {self.message!r})"


def invalid(reason: str, message: str, **metadata: object) -> DomainError:
    """An INVALID_ARGUMENT error."""
    return DomainError(ErrorKind.INVALID_ARGUMENT, reason, message, _strs(metadata))


def not_found(reason: str, message: str, **metadata: object) -> DomainError:
    """A NOT_FOUND error."""
    return DomainError(ErrorKind.NOT_FOUND, reason, message, _strs(metadata))


def precondition(reason: str, message: str, **metadata: object) -> DomainError:
    """A FAILED_PRECONDITION error."""
    return DomainError(ErrorKind.FAILED_PRECONDITION, reason, message, _strs(metadata))


def denied(reason: str, message: str, **metadata: object) -> DomainError:
    """A PERMISSION_DENIED error."""
    return DomainError(ErrorKind.PERMISSION_DENIED, reason, message, _strs(metadata))


def unauthenticated(reason: str, message: str) -> DomainError:
    """An UNAUTHENTICATED error."""
    return DomainError(ErrorKind.UNAUTHENTICATED, reason, message)


def _strs(metadata: Mapping[str, object]) -> dict[str, str]:
    return {key: str(value) for key, value in metadata.items()}
