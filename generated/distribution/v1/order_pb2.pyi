import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DropReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DROP_REASON_UNSPECIFIED: _ClassVar[DropReason]
    DROP_REASON_OUT_OF_STOCK: _ClassVar[DropReason]
    DROP_REASON_MONTH_CLOSED: _ClassVar[DropReason]
DROP_REASON_UNSPECIFIED: DropReason
DROP_REASON_OUT_OF_STOCK: DropReason
DROP_REASON_MONTH_CLOSED: DropReason

class OrderLine(_message.Message):
    __slots__ = ("stock_line_id", "product", "manufacturer_name", "quantity", "unit_price_cents")
    STOCK_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_NAME_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_CENTS_FIELD_NUMBER: _ClassVar[int]
    stock_line_id: int
    product: str
    manufacturer_name: str
    quantity: int
    unit_price_cents: int
    def __init__(self, stock_line_id: _Optional[int] = ..., product: _Optional[str] = ..., manufacturer_name: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_price_cents: _Optional[int] = ...) -> None: ...

class DroppedLine(_message.Message):
    __slots__ = ("stock_line_id", "product", "requested", "available", "reason")
    STOCK_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    stock_line_id: int
    product: str
    requested: int
    available: int
    reason: DropReason
    def __init__(self, stock_line_id: _Optional[int] = ..., product: _Optional[str] = ..., requested: _Optional[int] = ..., available: _Optional[int] = ..., reason: _Optional[_Union[DropReason, str]] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("order_id", "month", "lines", "dropped_lines", "total_cents", "card_last4", "created_at", "idempotency_key")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    DROPPED_LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CENTS_FIELD_NUMBER: _ClassVar[int]
    CARD_LAST4_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    month: int
    lines: _containers.RepeatedCompositeFieldContainer[OrderLine]
    dropped_lines: _containers.RepeatedCompositeFieldContainer[DroppedLine]
    total_cents: int
    card_last4: str
    created_at: _timestamp_pb2.Timestamp
    idempotency_key: str
    def __init__(self, order_id: _Optional[str] = ..., month: _Optional[int] = ..., lines: _Optional[_Iterable[_Union[OrderLine, _Mapping]]] = ..., dropped_lines: _Optional[_Iterable[_Union[DroppedLine, _Mapping]]] = ..., total_cents: _Optional[int] = ..., card_last4: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CheckoutRequest(_message.Message):
    __slots__ = ("idempotency_key",)
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    idempotency_key: str
    def __init__(self, idempotency_key: _Optional[str] = ...) -> None: ...

class CheckoutResponse(_message.Message):
    __slots__ = ("order", "replayed")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    order: Order
    replayed: bool
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders",)
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ...) -> None: ...
