"""JSON replies of the pages' API: the central's errors as HTTP statuses, in the project's own words."""

from __future__ import annotations

import logging
from typing import Any

import grpc
from starlette.responses import JSONResponse

from nodekit.status import RemoteError

logger = logging.getLogger(__name__)

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
# A status without the central's ErrorInfo came from the transport (gRPC's own text, never shown).
TRANSPORT: dict[grpc.StatusCode, tuple[int, str]] = {
    grpc.StatusCode.UNAVAILABLE: (503, "The central is not answering; try again in a moment."),
    grpc.StatusCode.DEADLINE_EXCEEDED: (504, "The central took too long to answer; try again in a moment."),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (413, "That request is too large for the central."),
    grpc.StatusCode.CANCELLED: (503, "The call to the central was cut off; try again in a moment."),
}
GENERIC_MESSAGE = "The central could not answer; please try again."


def ok(payload: Any) -> JSONResponse:
    """200 with ``payload``."""
    return JSONResponse(payload)


def refused(status: int, message: str, reason: str) -> JSONResponse:
    """An error reply ``{"error": message, "reason": reason}``, logged in one line (unless throttled)."""
    if status != 429:
        logger.info("refused %d %s: %s", status, reason, message)
    return JSONResponse({"error": message, "reason": reason}, status_code=status)


def from_remote(error: RemoteError) -> JSONResponse:
    """The central's refusal as an HTTP reply.

    Only a domain refusal (it carries the central's ErrorInfo) shows the central's message,
    which is written for people; a transport failure or any other status gets a plain sentence.
    """
    if error.reason and error.kind is not None:
        return refused(HTTP_BY_CODE.get(error.code, 502), error.message, error.reason)
    status, message = TRANSPORT.get(error.code, (502, GENERIC_MESSAGE))
    return refused(status, message, error.code.name)
