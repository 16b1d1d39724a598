"""The client of the central: one channel, one policy per method, typed calls by role, plain records.

async with connect("127.0.0.1:50051") as central:
    shopper = central.shopper()
    await shopper.register("Ada", Card("4111111111111111", 12, 2030))
    catalog = await shopper.catalog()
"""

from distribution_client.branch import Branch, OpenSales
from distribution_client.channel import CentralClient, ConnectConfig, connect
from distribution_client.errors import (
    Conflict,
    DeadlineExceeded,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    RateLimited,
    RemoteError,
    StreamEnded,
    Unauthenticated,
    Unavailable,
)
from distribution_client.link import ManufacturerLink, OpenLink
from distribution_client.operator import Operator
from distribution_client.policy import POLICIES, MethodPolicy, Retry
from distribution_client.records import *  # noqa: F403 - the records are the package's vocabulary
from distribution_client.records import __all__ as _records
from distribution_client.service import CentralService
from distribution_client.shopper import Shopper
from nodekit.tls import TlsClientConfig

__all__ = [
    "POLICIES",
    "Branch",
    "CentralClient",
    "CentralService",
    "Conflict",
    "ConnectConfig",
    "DeadlineExceeded",
    "InvalidArgument",
    "ManufacturerLink",
    "MethodPolicy",
    "NotFound",
    "OpenLink",
    "OpenSales",
    "Operator",
    "PermissionDenied",
    "PreconditionFailed",
    "RateLimited",
    "RemoteError",
    "Retry",
    "Shopper",
    "StreamEnded",
    "TlsClientConfig",
    "Unauthenticated",
    "Unavailable",
    "connect",
    *_records,
]
