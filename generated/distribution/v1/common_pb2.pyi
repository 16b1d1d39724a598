import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MonthState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MONTH_STATE_UNSPECIFIED: _ClassVar[MonthState]
    MONTH_STATE_COLLECTING: _ClassVar[MonthState]
    MONTH_STATE_OPEN: _ClassVar[MonthState]
    MONTH_STATE_CLOSED: _ClassVar[MonthState]

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIORITY_UNSPECIFIED: _ClassVar[Priority]
    PRIORITY_A: _ClassVar[Priority]
    PRIORITY_B: _ClassVar[Priority]
    PRIORITY_C: _ClassVar[Priority]
MONTH_STATE_UNSPECIFIED: MonthState
MONTH_STATE_COLLECTING: MonthState
MONTH_STATE_OPEN: MonthState
MONTH_STATE_CLOSED: MonthState
PRIORITY_UNSPECIFIED: Priority
PRIORITY_A: Priority
PRIORITY_B: Priority
PRIORITY_C: Priority

class StockLine(_message.Message):
    __slots__ = ("stock_line_id", "month", "manufacturer_id", "manufacturer_name", "product", "unit_price_cents", "offered", "reserved", "sold", "available")
    STOCK_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_ID_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_NAME_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_CENTS_FIELD_NUMBER: _ClassVar[int]
    OFFERED_FIELD_NUMBER: _ClassVar[int]
    RESERVED_FIELD_NUMBER: _ClassVar[int]
    SOLD_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    stock_line_id: int
    month: int
    manufacturer_id: int
    manufacturer_name: str
    product: str
    unit_price_cents: int
    offered: int
    reserved: int
    sold: int
    available: int
    def __init__(self, stock_line_id: _Optional[int] = ..., month: _Optional[int] = ..., manufacturer_id: _Optional[int] = ..., manufacturer_name: _Optional[str] = ..., product: _Optional[str] = ..., unit_price_cents: _Optional[int] = ..., offered: _Optional[int] = ..., reserved: _Optional[int] = ..., sold: _Optional[int] = ..., available: _Optional[int] = ...) -> None: ...

class OfferLine(_message.Message):
    __slots__ = ("product", "quantity", "unit_price_cents")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_CENTS_FIELD_NUMBER: _ClassVar[int]
    product: str
    quantity: int
    unit_price_cents: int
    def __init__(self, product: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_price_cents: _Optional[int] = ...) -> None: ...

class ProductResult(_message.Message):
    __slots__ = ("product", "offered", "sold", "revenue_cents", "unsold", "unmet_demand")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    OFFERED_FIELD_NUMBER: _ClassVar[int]
    SOLD_FIELD_NUMBER: _ClassVar[int]
    REVENUE_CENTS_FIELD_NUMBER: _ClassVar[int]
    UNSOLD_FIELD_NUMBER: _ClassVar[int]
    UNMET_DEMAND_FIELD_NUMBER: _ClassVar[int]
    product: str
    offered: int
    sold: int
    revenue_cents: int
    unsold: int
    unmet_demand: int
    def __init__(self, product: _Optional[str] = ..., offered: _Optional[int] = ..., sold: _Optional[int] = ..., revenue_cents: _Optional[int] = ..., unsold: _Optional[int] = ..., unmet_demand: _Optional[int] = ...) -> None: ...

class ProductionRecommendation(_message.Message):
    __slots__ = ("product", "daily_demand_milli", "recommended_quantity", "priority")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    DAILY_DEMAND_MILLI_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    product: str
    daily_demand_milli: int
    recommended_quantity: int
    priority: Priority
    def __init__(self, product: _Optional[str] = ..., daily_demand_milli: _Optional[int] = ..., recommended_quantity: _Optional[int] = ..., priority: _Optional[_Union[Priority, str]] = ...) -> None: ...

class MonthReport(_message.Message):
    __slots__ = ("month", "results", "recommendations", "closed_at")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    month: int
    results: _containers.RepeatedCompositeFieldContainer[ProductResult]
    recommendations: _containers.RepeatedCompositeFieldContainer[ProductionRecommendation]
    closed_at: _timestamp_pb2.Timestamp
    def __init__(self, month: _Optional[int] = ..., results: _Optional[_Iterable[_Union[ProductResult, _Mapping]]] = ..., recommendations: _Optional[_Iterable[_Union[ProductionRecommendation, _Mapping]]] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
