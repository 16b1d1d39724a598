import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CartLineState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CART_LINE_STATE_UNSPECIFIED: _ClassVar[CartLineState]
    CART_LINE_STATE_RESERVED: _ClassVar[CartLineState]
    CART_LINE_STATE_EXPIRED: _ClassVar[CartLineState]
CART_LINE_STATE_UNSPECIFIED: CartLineState
CART_LINE_STATE_RESERVED: CartLineState
CART_LINE_STATE_EXPIRED: CartLineState

class CartLine(_message.Message):
    __slots__ = ("reservation_id", "stock_line_id", "product", "manufacturer_name", "quantity", "unit_price_cents", "state", "expires_at")
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    STOCK_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_NAME_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_CENTS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    reservation_id: str
    stock_line_id: int
    product: str
    manufacturer_name: str
    quantity: int
    unit_price_cents: int
    state: CartLineState
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, reservation_id: _Optional[str] = ..., stock_line_id: _Optional[int] = ..., product: _Optional[str] = ..., manufacturer_name: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_price_cents: _Optional[int] = ..., state: _Optional[_Union[CartLineState, str]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AddCartItemRequest(_message.Message):
    __slots__ = ("stock_line_id", "quantity")
    STOCK_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    stock_line_id: int
    quantity: int
    def __init__(self, stock_line_id: _Optional[int] = ..., quantity: _Optional[int] = ...) -> None: ...

class AddCartItemResponse(_message.Message):
    __slots__ = ("line",)
    LINE_FIELD_NUMBER: _ClassVar[int]
    line: CartLine
    def __init__(self, line: _Optional[_Union[CartLine, _Mapping]] = ...) -> None: ...

class RemoveCartItemRequest(_message.Message):
    __slots__ = ("stock_line_id", "reservation_id")
    STOCK_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    stock_line_id: int
    reservation_id: str
    def __init__(self, stock_line_id: _Optional[int] = ..., reservation_id: _Optional[str] = ...) -> None: ...

class RemoveCartItemResponse(_message.Message):
    __slots__ = ("released_quantity",)
    RELEASED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    released_quantity: int
    def __init__(self, released_quantity: _Optional[int] = ...) -> None: ...

class GetCartRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCartResponse(_message.Message):
    __slots__ = ("lines", "total_cents")
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CENTS_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[CartLine]
    total_cents: int
    def __init__(self, lines: _Optional[_Iterable[_Union[CartLine, _Mapping]]] = ..., total_cents: _Optional[int] = ...) -> None: ...
