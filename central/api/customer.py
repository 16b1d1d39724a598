"""CustomerService: registration, payment card, finishing a month."""

from __future__ import annotations

from typing import Any

import grpc

from central.service.accounts import Accounts, CardInput
from central.service.months import MonthDesk
from generated.distribution.v1 import customer_pb2, customer_pb2_grpc
from nodekit.guard import principal


def _card(message: customer_pb2.PaymentCard) -> CardInput:
    return CardInput(message.number, message.expiry_month, message.expiry_year)


class CustomerServicer(customer_pb2_grpc.CustomerServiceServicer):
    """Parses, calls one use case, answers."""

    def __init__(self, accounts: Accounts, months: MonthDesk) -> None:
        self._accounts = accounts
        self._months = months

    async def RegisterCustomer(
        self, request: customer_pb2.RegisterCustomerRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> customer_pb2.RegisterCustomerResponse:
        card = _card(request.card) if request.HasField("card") else None
        done = await self._accounts.register(request.name, card)
        return customer_pb2.RegisterCustomerResponse(
            customer_id=done.customer_id, token=done.token, card_last4=done.card_last4
        )

    async def UpdatePaymentCard(
        self, request: customer_pb2.UpdatePaymentCardRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> customer_pb2.UpdatePaymentCardResponse:
        last4 = await self._accounts.update_card(principal().subject_id, _card(request.card))
        return customer_pb2.UpdatePaymentCardResponse(card_last4=last4)

    async def FinishShopping(
        self, request: customer_pb2.FinishShoppingRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> customer_pb2.FinishShoppingResponse:
        count = await self._months.finish_shopping(principal().subject_id, request.month)
        return customer_pb2.FinishShoppingResponse(finished_shoppers=count)
