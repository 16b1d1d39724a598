import datetime

from generated.distribution.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OpenMonthRequest(_message.Message):
    __slots__ = ("offer_deadline_ms", "expected_shoppers", "close_after_seconds")
    OFFER_DEADLINE_MS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_SHOPPERS_FIELD_NUMBER: _ClassVar[int]
    CLOSE_AFTER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    offer_deadline_ms: int
    expected_shoppers: int
    close_after_seconds: int
    def __init__(self, offer_deadline_ms: _Optional[int] = ..., expected_shoppers: _Optional[int] = ..., close_after_seconds: _Optional[int] = ...) -> None: ...

class OpenMonthResponse(_message.Message):
    __slots__ = ("month", "state", "offered_manufacturers", "skipped_manufacturers", "stock_line_count")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OFFERED_MANUFACTURERS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_MANUFACTURERS_FIELD_NUMBER: _ClassVar[int]
    STOCK_LINE_COUNT_FIELD_NUMBER: _ClassVar[int]
    month: int
    state: _common_pb2.MonthState
    offered_manufacturers: _containers.RepeatedScalarFieldContainer[str]
    skipped_manufacturers: _containers.RepeatedScalarFieldContainer[str]
    stock_line_count: int
    def __init__(self, month: _Optional[int] = ..., state: _Optional[_Union[_common_pb2.MonthState, str]] = ..., offered_manufacturers: _Optional[_Iterable[str]] = ..., skipped_manufacturers: _Optional[_Iterable[str]] = ..., stock_line_count: _Optional[int] = ...) -> None: ...

class CloseMonthRequest(_message.Message):
    __slots__ = ("month",)
    MONTH_FIELD_NUMBER: _ClassVar[int]
    month: int
    def __init__(self, month: _Optional[int] = ...) -> None: ...

class CloseMonthResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: MonthStatus
    def __init__(self, status: _Optional[_Union[MonthStatus, _Mapping]] = ...) -> None: ...

class GetMonthStatusRequest(_message.Message):
    __slots__ = ("month",)
    MONTH_FIELD_NUMBER: _ClassVar[int]
    month: int
    def __init__(self, month: _Optional[int] = ...) -> None: ...

class GetMonthStatusResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: MonthStatus
    def __init__(self, status: _Optional[_Union[MonthStatus, _Mapping]] = ...) -> None: ...

class ManufacturerResult(_message.Message):
    __slots__ = ("manufacturer_name", "results", "recommendations")
    MANUFACTURER_NAME_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    manufacturer_name: str
    results: _containers.RepeatedCompositeFieldContainer[_common_pb2.ProductResult]
    recommendations: _containers.RepeatedCompositeFieldContainer[_common_pb2.ProductionRecommendation]
    def __init__(self, manufacturer_name: _Optional[str] = ..., results: _Optional[_Iterable[_Union[_common_pb2.ProductResult, _Mapping]]] = ..., recommendations: _Optional[_Iterable[_Union[_common_pb2.ProductionRecommendation, _Mapping]]] = ...) -> None: ...

class MonthStatus(_message.Message):
    __slots__ = ("month", "state", "stock_lines", "order_count", "revenue_cents", "skipped_manufacturers", "finished_shoppers", "unmet_demand", "opened_at", "closed_at", "manufacturer_results", "close_reason", "shopper_names", "paused", "paused_at", "paused_ms", "close_after_seconds", "closes_at", "recommendation_horizon_days", "recommendation_window")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STOCK_LINES_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    REVENUE_CENTS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_MANUFACTURERS_FIELD_NUMBER: _ClassVar[int]
    FINISHED_SHOPPERS_FIELD_NUMBER: _ClassVar[int]
    UNMET_DEMAND_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_RESULTS_FIELD_NUMBER: _ClassVar[int]
    CLOSE_REASON_FIELD_NUMBER: _ClassVar[int]
    SHOPPER_NAMES_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PAUSED_AT_FIELD_NUMBER: _ClassVar[int]
    PAUSED_MS_FIELD_NUMBER: _ClassVar[int]
    CLOSE_AFTER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATION_HORIZON_DAYS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATION_WINDOW_FIELD_NUMBER: _ClassVar[int]
    month: int
    state: _common_pb2.MonthState
    stock_lines: _containers.RepeatedCompositeFieldContainer[_common_pb2.StockLine]
    order_count: int
    revenue_cents: int
    skipped_manufacturers: _containers.RepeatedScalarFieldContainer[str]
    finished_shoppers: int
    unmet_demand: int
    opened_at: _timestamp_pb2.Timestamp
    closed_at: _timestamp_pb2.Timestamp
    manufacturer_results: _containers.RepeatedCompositeFieldContainer[ManufacturerResult]
    close_reason: str
    shopper_names: _containers.RepeatedScalarFieldContainer[str]
    paused: bool
    paused_at: _timestamp_pb2.Timestamp
    paused_ms: int
    close_after_seconds: int
    closes_at: _timestamp_pb2.Timestamp
    recommendation_horizon_days: int
    recommendation_window: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, month: _Optional[int] = ..., state: _Optional[_Union[_common_pb2.MonthState, str]] = ..., stock_lines: _Optional[_Iterable[_Union[_common_pb2.StockLine, _Mapping]]] = ..., order_count: _Optional[int] = ..., revenue_cents: _Optional[int] = ..., skipped_manufacturers: _Optional[_Iterable[str]] = ..., finished_shoppers: _Optional[int] = ..., unmet_demand: _Optional[int] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., manufacturer_results: _Optional[_Iterable[_Union[ManufacturerResult, _Mapping]]] = ..., close_reason: _Optional[str] = ..., shopper_names: _Optional[_Iterable[str]] = ..., paused: _Optional[bool] = ..., paused_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., paused_ms: _Optional[int] = ..., close_after_seconds: _Optional[int] = ..., closes_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recommendation_horizon_days: _Optional[int] = ..., recommendation_window: _Optional[_Iterable[int]] = ...) -> None: ...

class SubmitOfferRequest(_message.Message):
    __slots__ = ("manufacturer_name", "month", "lines")
    MANUFACTURER_NAME_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    manufacturer_name: str
    month: int
    lines: _containers.RepeatedCompositeFieldContainer[_common_pb2.OfferLine]
    def __init__(self, manufacturer_name: _Optional[str] = ..., month: _Optional[int] = ..., lines: _Optional[_Iterable[_Union[_common_pb2.OfferLine, _Mapping]]] = ...) -> None: ...

class SubmitOfferResponse(_message.Message):
    __slots__ = ("stock_lines",)
    STOCK_LINES_FIELD_NUMBER: _ClassVar[int]
    stock_lines: _containers.RepeatedCompositeFieldContainer[_common_pb2.StockLine]
    def __init__(self, stock_lines: _Optional[_Iterable[_Union[_common_pb2.StockLine, _Mapping]]] = ...) -> None: ...

class ListManufacturersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ManufacturerInfo(_message.Message):
    __slots__ = ("manufacturer_id", "name", "connected", "last_seen_at", "pending_notifications")
    MANUFACTURER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_AT_FIELD_NUMBER: _ClassVar[int]
    PENDING_NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    manufacturer_id: int
    name: str
    connected: bool
    last_seen_at: _timestamp_pb2.Timestamp
    pending_notifications: int
    def __init__(self, manufacturer_id: _Optional[int] = ..., name: _Optional[str] = ..., connected: _Optional[bool] = ..., last_seen_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pending_notifications: _Optional[int] = ...) -> None: ...

class ListManufacturersResponse(_message.Message):
    __slots__ = ("manufacturers",)
    MANUFACTURERS_FIELD_NUMBER: _ClassVar[int]
    manufacturers: _containers.RepeatedCompositeFieldContainer[ManufacturerInfo]
    def __init__(self, manufacturers: _Optional[_Iterable[_Union[ManufacturerInfo, _Mapping]]] = ...) -> None: ...

class PauseMonthRequest(_message.Message):
    __slots__ = ("month",)
    MONTH_FIELD_NUMBER: _ClassVar[int]
    month: int
    def __init__(self, month: _Optional[int] = ...) -> None: ...

class PauseMonthResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: MonthStatus
    def __init__(self, status: _Optional[_Union[MonthStatus, _Mapping]] = ...) -> None: ...

class ResumeMonthRequest(_message.Message):
    __slots__ = ("month",)
    MONTH_FIELD_NUMBER: _ClassVar[int]
    month: int
    def __init__(self, month: _Optional[int] = ...) -> None: ...

class ResumeMonthResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: MonthStatus
    def __init__(self, status: _Optional[_Union[MonthStatus, _Mapping]] = ...) -> None: ...
