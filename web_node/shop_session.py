"""A person's shop session in one HttpOnly cookie: the central's bearer token, the name and the card's end."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Shopper:
    """Who is shopping in this browser."""

    token: str
    name: str
    card_last4: str

    def encode(self) -> str:
        """The cookie's value (URL-safe base64 of a small JSON object)."""
        raw = json.dumps({"t": self.token, "n": self.name, "c": self.card_last4}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Shopper | None:
        """The shopper in a cookie's value, or None for anything malformed."""
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            data = json.loads(raw)
            shopper = cls(str(data["t"]), str(data["n"]), str(data["c"]))
        except (binascii.Error, ValueError, KeyError, TypeError):
            return None
        return shopper if shopper.token else None
