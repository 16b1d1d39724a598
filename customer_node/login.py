"""Signing a person into the shop: log back in with the saved account, or register and save one."""

from __future__ import annotations

from pathlib import Path

import grpc

from customer_node import account as accounts
from customer_node.account import Account
from customer_node.cli import CardInput, ShopSettings, parse_card, simulated_card
from customer_node.reader import Reader
from customer_node.session import Session
from nodekit.status import RemoteError


def card_prompt() -> str:
    """The card question, with the test card the central accepts (any Luhn-valid, unexpired number)."""
    test = simulated_card()
    return (
        f"card (NUMBER MM/YYYY; the test card is {test.number} {test.expiry_month:02d}/{test.expiry_year};"
        " empty to browse only): "
    )


async def log_in(session: Session, settings: ShopSettings, reader: Reader) -> Account | None:
    """Logs back in with the account file's token, or registers anew and saves the account.

    Returns:
        The signed-in account, or None when the person leaves at the card prompt.

    Raises:
        customer_node.account.AccountFileError: When the account file cannot be used.
        nodekit.status.RemoteError: When the central fails otherwise than by not knowing the token.
    """
    path = settings.account_file or accounts.default_path(settings.name)
    saved = accounts.load(path)
    if saved is not None:
        session.use_token(saved.token)
        try:
            await session.get_cart()  # any customer call tells whether the central knows the token
        except RemoteError as error:
            if error.code != grpc.StatusCode.UNAUTHENTICATED:
                raise
            print(f"this central does not know the account in {path}; registering anew")
        else:
            if settings.card is not None:
                print(f"card ending {await session.update_card(settings.card)} saved")
            print(f"welcome back, {saved.name}")
            return saved
    return await _register(session, settings, reader, path)


async def _register(session: Session, settings: ShopSettings, reader: Reader, path: Path) -> Account | None:
    """Registers the person, asking for a card until the central accepts one; None to leave."""
    card = settings.card
    asked = card is None
    while True:
        if asked:
            text = await reader.ask(card_prompt())
            if text is None:
                return None
            try:
                card = parse_card(text) if text.strip() else None
            except ValueError as error:
                print(error)
                continue
        try:
            reply = await session.register(settings.name, card)
        except RemoteError as error:
            print(error.message or error.code.name)
            if not asked or card is None:
                return None
            continue
        account = Account(reply.customer_id, reply.token, settings.name)
        accounts.save(path, account)
        print(f"welcome, {settings.name}" + _card_note(card, reply.card_last4))
        print(f"your account is kept in {path}; start the shop with it again to log back in")
        return account


def _card_note(card: CardInput | None, last4: str) -> str:
    return f" (card ending {last4})" if card is not None else " (no card: you can browse only)"
