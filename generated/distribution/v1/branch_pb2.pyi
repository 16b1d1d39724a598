import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_METHOD_UNSPECIFIED: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CASH: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_DEBIT: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CREDIT: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_MOBILE: _ClassVar[PaymentMethod]
PAYMENT_METHOD_UNSPECIFIED: PaymentMethod
PAYMENT_METHOD_CASH: PaymentMethod
PAYMENT_METHOD_DEBIT: PaymentMethod
PAYMENT_METHOD_CREDIT: PaymentMethod
PAYMENT_METHOD_MOBILE: PaymentMethod

class SaleItem(_message.Message):
    __slots__ = ("product", "quantity", "unit_price_cents")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_CENTS_FIELD_NUMBER: _ClassVar[int]
    product: str
    quantity: int
    unit_price_cents: int
    def __init__(self, product: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_price_cents: _Optional[int] = ...) -> None: ...

class SaleTransaction(_message.Message):
    __slots__ = ("transaction_id", "sequence", "occurred_at", "business_day", "items", "subtotal_cents", "tax_cents", "total_cents", "payment_method", "customer_name", "trace_parent")
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DAY_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    SUBTOTAL_CENTS_FIELD_NUMBER: _ClassVar[int]
    TAX_CENTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CENTS_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NAME_FIELD_NUMBER: _ClassVar[int]
    TRACE_PARENT_FIELD_NUMBER: _ClassVar[int]
    transaction_id: str
    sequence: int
    occurred_at: _timestamp_pb2.Timestamp
    business_day: str
    items: _containers.RepeatedCompositeFieldContainer[SaleItem]
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    payment_method: PaymentMethod
    customer_name: str
    trace_parent: str
    def __init__(self, transaction_id: _Optional[str] = ..., sequence: _Optional[int] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., business_day: _Optional[str] = ..., items: _Optional[_Iterable[_Union[SaleItem, _Mapping]]] = ..., subtotal_cents: _Optional[int] = ..., tax_cents: _Optional[int] = ..., total_cents: _Optional[int] = ..., payment_method: _Optional[_Union[PaymentMethod, str]] = ..., customer_name: _Optional[str] = ..., trace_parent: _Optional[str] = ...) -> None: ...

class StreamSalesRequest(_message.Message):
    __slots__ = ("sale",)
    SALE_FIELD_NUMBER: _ClassVar[int]
    sale: SaleTransaction
    def __init__(self, sale: _Optional[_Union[SaleTransaction, _Mapping]] = ...) -> None: ...

class StreamSalesResponse(_message.Message):
    __slots__ = ("resume", "acks")
    RESUME_FIELD_NUMBER: _ClassVar[int]
    ACKS_FIELD_NUMBER: _ClassVar[int]
    resume: SalesResume
    acks: SaleAcks
    def __init__(self, resume: _Optional[_Union[SalesResume, _Mapping]] = ..., acks: _Optional[_Union[SaleAcks, _Mapping]] = ...) -> None: ...

class SalesResume(_message.Message):
    __slots__ = ("last_sequence",)
    LAST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    last_sequence: int
    def __init__(self, last_sequence: _Optional[int] = ...) -> None: ...

class SaleAcks(_message.Message):
    __slots__ = ("acks",)
    ACKS_FIELD_NUMBER: _ClassVar[int]
    acks: _containers.RepeatedCompositeFieldContainer[SaleAck]
    def __init__(self, acks: _Optional[_Iterable[_Union[SaleAck, _Mapping]]] = ...) -> None: ...

class SaleAck(_message.Message):
    __slots__ = ("sequence", "transaction_id", "duplicate")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    transaction_id: str
    duplicate: bool
    def __init__(self, sequence: _Optional[int] = ..., transaction_id: _Optional[str] = ..., duplicate: _Optional[bool] = ...) -> None: ...

class SubmitDailyReportRequest(_message.Message):
    __slots__ = ("branch_name", "business_day", "revenue_cents", "loss_cents", "transaction_count")
    BRANCH_NAME_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DAY_FIELD_NUMBER: _ClassVar[int]
    REVENUE_CENTS_FIELD_NUMBER: _ClassVar[int]
    LOSS_CENTS_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    branch_name: str
    business_day: str
    revenue_cents: int
    loss_cents: int
    transaction_count: int
    def __init__(self, branch_name: _Optional[str] = ..., business_day: _Optional[str] = ..., revenue_cents: _Optional[int] = ..., loss_cents: _Optional[int] = ..., transaction_count: _Optional[int] = ...) -> None: ...

class SubmitDailyReportResponse(_message.Message):
    __slots__ = ("created", "streamed_revenue_cents", "flagged")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    STREAMED_REVENUE_CENTS_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_FIELD_NUMBER: _ClassVar[int]
    created: bool
    streamed_revenue_cents: int
    flagged: bool
    def __init__(self, created: _Optional[bool] = ..., streamed_revenue_cents: _Optional[int] = ..., flagged: _Optional[bool] = ...) -> None: ...

class InventoryItem(_message.Message):
    __slots__ = ("product", "quantity", "unit_cost_cents", "reorder_point")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_COST_CENTS_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_FIELD_NUMBER: _ClassVar[int]
    product: str
    quantity: int
    unit_cost_cents: int
    reorder_point: int
    def __init__(self, product: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_cost_cents: _Optional[int] = ..., reorder_point: _Optional[int] = ...) -> None: ...

class LowStockAlert(_message.Message):
    __slots__ = ("product", "quantity", "reorder_point", "raised_at")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_FIELD_NUMBER: _ClassVar[int]
    RAISED_AT_FIELD_NUMBER: _ClassVar[int]
    product: str
    quantity: int
    reorder_point: int
    raised_at: _timestamp_pb2.Timestamp
    def __init__(self, product: _Optional[str] = ..., quantity: _Optional[int] = ..., reorder_point: _Optional[int] = ..., raised_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReportInventoryRequest(_message.Message):
    __slots__ = ("branch_name", "items", "open_alerts")
    BRANCH_NAME_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    OPEN_ALERTS_FIELD_NUMBER: _ClassVar[int]
    branch_name: str
    items: _containers.RepeatedCompositeFieldContainer[InventoryItem]
    open_alerts: _containers.RepeatedCompositeFieldContainer[LowStockAlert]
    def __init__(self, branch_name: _Optional[str] = ..., items: _Optional[_Iterable[_Union[InventoryItem, _Mapping]]] = ..., open_alerts: _Optional[_Iterable[_Union[LowStockAlert, _Mapping]]] = ...) -> None: ...

class ReportInventoryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
