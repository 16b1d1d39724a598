"""Request decoding that never fails inside grpc: undecodable bytes reach the handler as a marker.

grpc runs a method's request deserializer before its handler and answers a
failure there with UNKNOWN and the Python exception's text. Wrapped with
``tolerant``, the deserializer hands the handler an ``Undecodable`` instead,
and the guard answers INVALID_ARGUMENT with a plain message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.protobuf.message import DecodeError

from nodekit.errors import DomainError, invalid

Deserializer = Callable[[bytes], Any]


class Undecodable:
    """Stands in for a request message whose bytes did not decode."""

    __slots__ = ()


UNDECODABLE = Undecodable()


def tolerant(deserializer: Deserializer | None) -> Deserializer | None:
    """``deserializer``, answering undecodable bytes with ``UNDECODABLE`` instead of raising."""
    if deserializer is None:
        return None

    def deserialize(data: bytes) -> Any:
        try:
            return deserializer(data)
        except (DecodeError, ValueError, RecursionError):
            return UNDECODABLE

    return deserialize


def malformed(method: str) -> DomainError:
    """The INVALID_ARGUMENT error for undecodable request bytes."""
    rpc = method.rsplit("/", 1)[-1] or method
    return invalid("MALFORMED_REQUEST", f"The request to {rpc} could not be decoded.", rpc=rpc)
