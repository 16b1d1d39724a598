"""A person's shop session in one HttpOnly cookie: the central's bearer token, the name and the card's end."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

# The central's bearer tokens are short printable ASCII; anything else never reaches gRPC metadata.
TOKEN = re.compile(r"[!-~]{1,512}")
# A cookie longer than this is not one this node set.
MAX_COOKIE = 2048


@dataclass(frozen=True, slots=True)
class ShopCookie:
    """Who is shopping in this browser."""

    token: str
    name: str
    card_last4: str

    def encode(self) -> str:
        """The cookie's value (URL-safe base64 of a small JSON object)."""
        raw = json.dumps({"t": self.token, "n": self.name, "c": self.card_last4}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> ShopCookie | None:
        """The shopper in a cookie's value, or None for anything malformed."""
        if len(value) > MAX_COOKIE or not value.isascii():
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            data = json.loads(raw)
            shopper = cls(str(data["t"]), str(data["n"]), str(data["c"]))
            # A lone surrogate (from a JSON escape) could be neither sent on nor shown.
            (shopper.name + shopper.card_last4).encode("utf-8")
        except (binascii.Error, ValueError, KeyError, TypeError, RecursionError):
            return None
        return shopper if TOKEN.fullmatch(shopper.token) else None
