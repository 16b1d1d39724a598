from generated.distribution.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListStockLinesRequest(_message.Message):
    __slots__ = ("product", "manufacturer_name")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_NAME_FIELD_NUMBER: _ClassVar[int]
    product: str
    manufacturer_name: str
    def __init__(self, product: _Optional[str] = ..., manufacturer_name: _Optional[str] = ...) -> None: ...

class ListStockLinesResponse(_message.Message):
    __slots__ = ("month", "month_state", "stock_lines", "month_paused", "month_seconds")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    MONTH_STATE_FIELD_NUMBER: _ClassVar[int]
    STOCK_LINES_FIELD_NUMBER: _ClassVar[int]
    MONTH_PAUSED_FIELD_NUMBER: _ClassVar[int]
    MONTH_SECONDS_FIELD_NUMBER: _ClassVar[int]
    month: int
    month_state: _common_pb2.MonthState
    stock_lines: _containers.RepeatedCompositeFieldContainer[_common_pb2.StockLine]
    month_paused: bool
    month_seconds: int
    def __init__(self, month: _Optional[int] = ..., month_state: _Optional[_Union[_common_pb2.MonthState, str]] = ..., stock_lines: _Optional[_Iterable[_Union[_common_pb2.StockLine, _Mapping]]] = ..., month_paused: _Optional[bool] = ..., month_seconds: _Optional[int] = ...) -> None: ...

class WatchCatalogRequest(_message.Message):
    __slots__ = ("product", "manufacturer_name")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_NAME_FIELD_NUMBER: _ClassVar[int]
    product: str
    manufacturer_name: str
    def __init__(self, product: _Optional[str] = ..., manufacturer_name: _Optional[str] = ...) -> None: ...

class WatchCatalogResponse(_message.Message):
    __slots__ = ("snapshot", "month", "month_state", "stock_lines", "month_paused", "month_seconds")
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    MONTH_STATE_FIELD_NUMBER: _ClassVar[int]
    STOCK_LINES_FIELD_NUMBER: _ClassVar[int]
    MONTH_PAUSED_FIELD_NUMBER: _ClassVar[int]
    MONTH_SECONDS_FIELD_NUMBER: _ClassVar[int]
    snapshot: bool
    month: int
    month_state: _common_pb2.MonthState
    stock_lines: _containers.RepeatedCompositeFieldContainer[_common_pb2.StockLine]
    month_paused: bool
    month_seconds: int
    def __init__(self, snapshot: _Optional[bool] = ..., month: _Optional[int] = ..., month_state: _Optional[_Union[_common_pb2.MonthState, str]] = ..., stock_lines: _Optional[_Iterable[_Union[_common_pb2.StockLine, _Mapping]]] = ..., month_paused: _Optional[bool] = ..., month_seconds: _Optional[int] = ...) -> None: ...
