from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PaymentCard(_message.Message):
    __slots__ = ("number", "expiry_month", "expiry_year")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_MONTH_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_YEAR_FIELD_NUMBER: _ClassVar[int]
    number: str
    expiry_month: int
    expiry_year: int
    def __init__(self, number: _Optional[str] = ..., expiry_month: _Optional[int] = ..., expiry_year: _Optional[int] = ...) -> None: ...

class RegisterCustomerRequest(_message.Message):
    __slots__ = ("name", "card")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    name: str
    card: PaymentCard
    def __init__(self, name: _Optional[str] = ..., card: _Optional[_Union[PaymentCard, _Mapping]] = ...) -> None: ...

class RegisterCustomerResponse(_message.Message):
    __slots__ = ("customer_id", "token", "card_last4")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    CARD_LAST4_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    token: str
    card_last4: str
    def __init__(self, customer_id: _Optional[str] = ..., token: _Optional[str] = ..., card_last4: _Optional[str] = ...) -> None: ...

class UpdatePaymentCardRequest(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: PaymentCard
    def __init__(self, card: _Optional[_Union[PaymentCard, _Mapping]] = ...) -> None: ...

class UpdatePaymentCardResponse(_message.Message):
    __slots__ = ("card_last4",)
    CARD_LAST4_FIELD_NUMBER: _ClassVar[int]
    card_last4: str
    def __init__(self, card_last4: _Optional[str] = ...) -> None: ...

class FinishShoppingRequest(_message.Message):
    __slots__ = ("month",)
    MONTH_FIELD_NUMBER: _ClassVar[int]
    month: int
    def __init__(self, month: _Optional[int] = ...) -> None: ...

class FinishShoppingResponse(_message.Message):
    __slots__ = ("finished_shoppers",)
    FINISHED_SHOPPERS_FIELD_NUMBER: _ClassVar[int]
    finished_shoppers: int
    def __init__(self, finished_shoppers: _Optional[int] = ...) -> None: ...
