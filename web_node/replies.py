"""JSON replies of the pages' API: the central's typed errors as HTTP statuses, one table."""

from __future__ import annotations

from typing import Any

import grpc
from starlette.responses import JSONResponse

from nodekit.status import RemoteError

HTTP_BY_CODE: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}
# Only the central's own domain messages are shown to a person; anything else gets this.
GENERIC_MESSAGE = "The central could not answer; please try again."


def ok(payload: Any) -> JSONResponse:
    """200 with ``payload``."""
    return JSONResponse(payload)


def refused(status: int, message: str, reason: str) -> JSONResponse:
    """An error reply: ``{"error": message, "reason": reason}``."""
    return JSONResponse({"error": message, "reason": reason}, status_code=status)


def from_remote(error: RemoteError) -> JSONResponse:
    """The central's refusal as an HTTP reply (its message is for people; no Python text is in it)."""
    status = HTTP_BY_CODE.get(error.code, 502)
    message = error.message if error.kind is not None else GENERIC_MESSAGE
    return refused(status, message, error.reason or error.code.name)
