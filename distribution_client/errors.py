"""Failed calls as typed exceptions: one class per status code, all of them ``RemoteError``.

Built by ``nodekit.status.from_rpc_error`` (the inverse of the central's one error table), so
the ErrorInfo reason and metadata travel along; a caller catches the class it can handle.
A stream that ends with no status at all raises ``StreamEnded``.
"""

from __future__ import annotations

import grpc

from nodekit.status import RemoteError, from_rpc_error

__all__ = [
    "Conflict",
    "DeadlineExceeded",
    "InvalidArgument",
    "NotFound",
    "PermissionDenied",
    "PreconditionFailed",
    "RateLimited",
    "RemoteError",
    "StreamEnded",
    "Unauthenticated",
    "Unavailable",
    "remote_error",
]


class InvalidArgument(RemoteError):
    """The request was malformed (INVALID_ARGUMENT); sending it again will not help."""


class NotFound(RemoteError):
    """What the call names does not exist (NOT_FOUND)."""


class PreconditionFailed(RemoteError):
    """The state does not allow it now (FAILED_PRECONDITION): month not open, no stock, key reused."""


class Conflict(RemoteError):
    """Someone else changed it first (ABORTED)."""


class Unavailable(RemoteError):
    """The central (or its database) cannot be reached now (UNAVAILABLE), after the policy's retries."""


class DeadlineExceeded(RemoteError):
    """No answer within the call's deadline (DEADLINE_EXCEEDED)."""


class RateLimited(RemoteError):
    """Too many calls, or too large (RESOURCE_EXHAUSTED)."""


class Unauthenticated(RemoteError):
    """No valid token or key (UNAUTHENTICATED)."""


class PermissionDenied(RemoteError):
    """The caller's role may not do this, or the data is someone else's (PERMISSION_DENIED)."""


class StreamEnded(ConnectionError):
    """A stream (a link, the sales stream) ended without a status from the central: worth reopening."""


_CLASSES: dict[grpc.StatusCode, type[RemoteError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.FAILED_PRECONDITION: PreconditionFailed,
    grpc.StatusCode.ABORTED: Conflict,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.RESOURCE_EXHAUSTED: RateLimited,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
}


def remote_error(error: grpc.aio.AioRpcError | grpc.RpcError) -> RemoteError:
    """The typed exception for a failed call (``RemoteError`` itself for other codes)."""
    plain = from_rpc_error(error)
    cls = _CLASSES.get(plain.code, RemoteError)
    return cls(plain.code, plain.message, plain.reason, plain.metadata)
