"""The one table from domain errors to gRPC statuses, and its inverse for clients."""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from nodekit.errors import DomainError, ErrorKind

logger = logging.getLogger(__name__)

ERROR_DOMAIN = "distribution.v1"

STATUS_BY_KIND: dict[ErrorKind, grpc.StatusCode] = {
    ErrorKind.INVALID_ARGUMENT: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorKind.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    ErrorKind.ALREADY_EXISTS: grpc.StatusCode.ALREADY_EXISTS,
    ErrorKind.FAILED_PRECONDITION: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorKind.CONFLICT: grpc.StatusCode.ABORTED,
    ErrorKind.UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
    ErrorKind.RESOURCE_EXHAUSTED: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorKind.UNAUTHENTICATED: grpc.StatusCode.UNAUTHENTICATED,
    ErrorKind.PERMISSION_DENIED: grpc.StatusCode.PERMISSION_DENIED,
}
_KIND_BY_STATUS = {code: kind for kind, code in STATUS_BY_KIND.items()}

INTERNAL_MESSAGE = "The server hit an unexpected error; it has been logged. Please try again."


def to_status(error: DomainError) -> grpc.Status:
    """Builds the rich status (one ErrorInfo) for a domain error."""
    code = STATUS_BY_KIND[error.kind]
    info = error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN, metadata=error.metadata)
    detail = any_pb2.Any()
    detail.Pack(info)
    status = status_pb2.Status(code=code.value[0], message=error.message, details=[detail])
    # grpcio-status ships no type information.
    rich: grpc.Status = rpc_status.to_status(status)
    return rich


def internal_status() -> grpc.Status:
    """The generic status for an unexpected exception: no Python text reaches the caller."""
    status = status_pb2.Status(code=code_pb2.INTERNAL, message=INTERNAL_MESSAGE)
    rich: grpc.Status = rpc_status.to_status(status)
    return rich


async def abort_with(
    context: grpc.aio.ServicerContext[Any, Any], error: BaseException, method: str = ""
) -> NoReturn:
    """Ends the call with the status for ``error`` (a domain error or anything else)."""
    if isinstance(error, DomainError):
        if error.kind is ErrorKind.INVALID_ARGUMENT:
            # One line per bad input: enough to see who sends what, never a traceback.
            logger.info("%s refused bad input: %s: %s", method or "an RPC", error.reason, error.message)
        await context.abort_with_status(to_status(error))
    logger.error("unexpected error in %s", method or "an RPC", exc_info=error)
    await context.abort_with_status(internal_status())
    raise AssertionError("abort_with_status returned")  # pragma: no cover


class RemoteError(Exception):
    """A failed call seen from the client: status code, reason and metadata from ErrorInfo."""

    def __init__(self, code: grpc.StatusCode, message: str, reason: str, metadata: dict[str, str]) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.metadata = metadata
        self.kind = _KIND_BY_STATUS.get(code)


def from_rpc_error(error: grpc.aio.AioRpcError | grpc.RpcError) -> RemoteError:
    """Turns a failed call back into a typed error, reading ErrorInfo when present."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    reason, metadata = "", {}
    status = rpc_status.from_call(error) if isinstance(error, grpc.Call) else None
    if status is None and isinstance(error, grpc.aio.AioRpcError):
        status = _status_from_trailers(error)
    if status is not None:
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            if detail.Unpack(info):
                reason, metadata = info.reason, dict(info.metadata)
                break
    return RemoteError(code, message or "", reason, metadata)


def _status_from_trailers(error: grpc.aio.AioRpcError) -> status_pb2.Status | None:
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            return status_pb2.Status.FromString(value)
    return None
