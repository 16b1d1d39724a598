from generated.distribution.v1 import branch_pb2 as _branch_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetBranchRevenueRequest(_message.Message):
    __slots__ = ("branch_name",)
    BRANCH_NAME_FIELD_NUMBER: _ClassVar[int]
    branch_name: str
    def __init__(self, branch_name: _Optional[str] = ...) -> None: ...

class BranchDay(_message.Message):
    __slots__ = ("branch_name", "business_day", "revenue_cents", "loss_cents", "streamed_revenue_cents", "transaction_count", "flagged")
    BRANCH_NAME_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DAY_FIELD_NUMBER: _ClassVar[int]
    REVENUE_CENTS_FIELD_NUMBER: _ClassVar[int]
    LOSS_CENTS_FIELD_NUMBER: _ClassVar[int]
    STREAMED_REVENUE_CENTS_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_FIELD_NUMBER: _ClassVar[int]
    branch_name: str
    business_day: str
    revenue_cents: int
    loss_cents: int
    streamed_revenue_cents: int
    transaction_count: int
    flagged: bool
    def __init__(self, branch_name: _Optional[str] = ..., business_day: _Optional[str] = ..., revenue_cents: _Optional[int] = ..., loss_cents: _Optional[int] = ..., streamed_revenue_cents: _Optional[int] = ..., transaction_count: _Optional[int] = ..., flagged: _Optional[bool] = ...) -> None: ...

class GetBranchRevenueResponse(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: _containers.RepeatedCompositeFieldContainer[BranchDay]
    def __init__(self, days: _Optional[_Iterable[_Union[BranchDay, _Mapping]]] = ...) -> None: ...

class GetInventoryValueRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class BranchInventoryValue(_message.Message):
    __slots__ = ("branch_name", "value_cents", "units")
    BRANCH_NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_CENTS_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    branch_name: str
    value_cents: int
    units: int
    def __init__(self, branch_name: _Optional[str] = ..., value_cents: _Optional[int] = ..., units: _Optional[int] = ...) -> None: ...

class GetInventoryValueResponse(_message.Message):
    __slots__ = ("branches",)
    BRANCHES_FIELD_NUMBER: _ClassVar[int]
    branches: _containers.RepeatedCompositeFieldContainer[BranchInventoryValue]
    def __init__(self, branches: _Optional[_Iterable[_Union[BranchInventoryValue, _Mapping]]] = ...) -> None: ...

class ListTopProductsRequest(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class TopProduct(_message.Message):
    __slots__ = ("product", "units", "revenue_cents")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    REVENUE_CENTS_FIELD_NUMBER: _ClassVar[int]
    product: str
    units: int
    revenue_cents: int
    def __init__(self, product: _Optional[str] = ..., units: _Optional[int] = ..., revenue_cents: _Optional[int] = ...) -> None: ...

class ListTopProductsResponse(_message.Message):
    __slots__ = ("products",)
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[TopProduct]
    def __init__(self, products: _Optional[_Iterable[_Union[TopProduct, _Mapping]]] = ...) -> None: ...

class ListLowStockAlertsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class BranchAlert(_message.Message):
    __slots__ = ("branch_name", "alert")
    BRANCH_NAME_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    branch_name: str
    alert: _branch_pb2.LowStockAlert
    def __init__(self, branch_name: _Optional[str] = ..., alert: _Optional[_Union[_branch_pb2.LowStockAlert, _Mapping]] = ...) -> None: ...

class ListLowStockAlertsResponse(_message.Message):
    __slots__ = ("alerts",)
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[BranchAlert]
    def __init__(self, alerts: _Optional[_Iterable[_Union[BranchAlert, _Mapping]]] = ...) -> None: ...
