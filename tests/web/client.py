"""A cookie-keeping HTTP client of the web node that sends anything: any Host, body, cookie or source."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from dataclasses import dataclass, field


@dataclass(slots=True)
class Reply:
    """A reply's status, headers and body (parsed as JSON when it is)."""

    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> dict[str, object]:
        """The body as a JSON object."""
        value = json.loads(self.text)
        assert isinstance(value, dict)
        return value


@dataclass(slots=True)
class Client:
    """A browser-like client: it loads ``/shop`` for its CSRF cookie and token, then sends what a test wants.

    Args:
        url: The web node's ``http://127.0.0.1:PORT``.
        source: The loopback address to connect from (127.0.0.2 is another client to the node).
    """

    url: str
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def __post_init__(self) -> None:
        page = self.request("GET", "/shop")
        found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
        assert found is not None, page.text[:200]
        self.token = found.group(1)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        """One request on a new connection; Set-Cookie replies are kept."""
        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=20, source_address=(self.source, 0)
        )
        sent = {"Host": parts.netloc, **(headers or {})}
        if self.cookies and "Cookie" not in sent:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    cookie = rest.split(";")[0].strip('"')
                    if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = cookie
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def post(self, path: str, body: object | bytes, headers: dict[str, str] | None = None) -> Reply:
        """A same-site JSON POST with this client's token (``body`` as given when bytes)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", "X-CSRF-Token": self.token, **(headers or {})}
        return self.request("POST", path, raw, sent)
