from generated.distribution.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ConnectRequest(_message.Message):
    __slots__ = ("hello", "offer", "ack")
    HELLO_FIELD_NUMBER: _ClassVar[int]
    OFFER_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    hello: Hello
    offer: OfferReply
    ack: NotificationAck
    def __init__(self, hello: _Optional[_Union[Hello, _Mapping]] = ..., offer: _Optional[_Union[OfferReply, _Mapping]] = ..., ack: _Optional[_Union[NotificationAck, _Mapping]] = ...) -> None: ...

class Hello(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class OfferReply(_message.Message):
    __slots__ = ("request_id", "month", "lines")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    month: int
    lines: _containers.RepeatedCompositeFieldContainer[_common_pb2.OfferLine]
    def __init__(self, request_id: _Optional[str] = ..., month: _Optional[int] = ..., lines: _Optional[_Iterable[_Union[_common_pb2.OfferLine, _Mapping]]] = ...) -> None: ...

class NotificationAck(_message.Message):
    __slots__ = ("notification_id",)
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    notification_id: int
    def __init__(self, notification_id: _Optional[int] = ...) -> None: ...

class ConnectResponse(_message.Message):
    __slots__ = ("welcome", "offer_request", "notification")
    WELCOME_FIELD_NUMBER: _ClassVar[int]
    OFFER_REQUEST_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    welcome: Welcome
    offer_request: OfferRequest
    notification: Notification
    def __init__(self, welcome: _Optional[_Union[Welcome, _Mapping]] = ..., offer_request: _Optional[_Union[OfferRequest, _Mapping]] = ..., notification: _Optional[_Union[Notification, _Mapping]] = ...) -> None: ...

class Welcome(_message.Message):
    __slots__ = ("manufacturer_id", "name")
    MANUFACTURER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    manufacturer_id: int
    name: str
    def __init__(self, manufacturer_id: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class OfferRequest(_message.Message):
    __slots__ = ("request_id", "month", "deadline_ms")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_MS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    month: int
    deadline_ms: int
    def __init__(self, request_id: _Optional[str] = ..., month: _Optional[int] = ..., deadline_ms: _Optional[int] = ...) -> None: ...

class Depletion(_message.Message):
    __slots__ = ("month", "stock_line_id", "product", "quantity_sold")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    STOCK_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_SOLD_FIELD_NUMBER: _ClassVar[int]
    month: int
    stock_line_id: int
    product: str
    quantity_sold: int
    def __init__(self, month: _Optional[int] = ..., stock_line_id: _Optional[int] = ..., product: _Optional[str] = ..., quantity_sold: _Optional[int] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("notification_id", "depletion", "month_report")
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPLETION_FIELD_NUMBER: _ClassVar[int]
    MONTH_REPORT_FIELD_NUMBER: _ClassVar[int]
    notification_id: int
    depletion: Depletion
    month_report: _common_pb2.MonthReport
    def __init__(self, notification_id: _Optional[int] = ..., depletion: _Optional[_Union[Depletion, _Mapping]] = ..., month_report: _Optional[_Union[_common_pb2.MonthReport, _Mapping]] = ...) -> None: ...
