"""Starting the web node as one of the run's children, and the endpoint of the lecturer's controls."""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from collections.abc import Mapping, Sequence

from launcher.control.endpoint import ControlEndpoint, Controls, serve_controls
from launcher.records.addresses import LOOPBACK, dial_host, shown_host, url_host
from launcher.records.join import OPERATOR_KEY_ENV
from launcher.supervise.processes import ChildSpec, Supervisor

WEB_SLUG = "web"
# Stopped first: a browser's page goes quiet before the network it shows.
WEB_TIER = 3
CONTROL_URL_ENV = "DISTRIBUTION_CONTROL_URL"
CONTROL_TOKEN_ENV = "DISTRIBUTION_CONTROL_TOKEN"
POLL_S = 0.05


def new_control_token() -> str:
    """The per-run secret between the launcher's control endpoint and the web node."""
    return secrets.token_urlsafe(24)


def web_spec(
    central: str,
    port: int,
    operator_key: str,
    control_url: str,
    control_token: str,
    tls_args: Sequence[str] = (),
    host: str = LOOPBACK,
    env: Mapping[str, str] | None = None,
) -> ChildSpec:
    """``python -m web_node`` on ``host:port``; keys go by environment, never argv (TLS files: paths).

    ``env`` adds the Join panel's public variables (the card, the wheel's folder, the CA).
    """
    argv = (sys.executable, "-m", "web_node", "--central", central, "--host", host, "--port", str(port))
    secrets_env = {
        OPERATOR_KEY_ENV: operator_key,
        CONTROL_URL_ENV: control_url,
        CONTROL_TOKEN_ENV: control_token,
    }
    return ChildSpec(WEB_SLUG, "web node", (*argv, *tls_args), WEB_TIER, {**(env or {}), **secrets_env})


async def wait_for_web(port: int, timeout_s: float, host: str = LOOPBACK) -> None:
    """Polls until the web node accepts connections on ``host:port``, or raises TimeoutError."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            _, writer = await asyncio.open_connection(dial_host(host), port)
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the web node did not listen on port {port} within {timeout_s:.0f}s"
                ) from None
            await asyncio.sleep(POLL_S)
            continue
        writer.close()
        await writer.wait_closed()
        return


class WebRun:
    """The web node of a run: its URL, and the control endpoint to close at the end."""

    def __init__(self, url: str, control: ControlEndpoint) -> None:
        self.url = url
        self._control = control

    async def close(self) -> None:
        """Closes the control endpoint (the supervisor stops the web node with the others)."""
        await self._control.close()


def web_url(host: str, port: int, scheme: str = "http") -> str:
    """The web node's URL as the room reaches it."""
    return f"{scheme}://{url_host(shown_host(host))}:{port}/"


async def start_web(
    supervisor: Supervisor,
    controls: Controls,
    central: str,
    operator_key: str,
    port: int,
    timeout_s: float,
    tls_args: Sequence[str] = (),
    host: str = LOOPBACK,
    env: Mapping[str, str] | None = None,
) -> WebRun:
    """Opens the endpoint of ``controls`` (on loopback), starts the web node on ``host:port``, waits."""
    token = new_control_token()
    control = await serve_controls(controls, token)
    control_url = f"http://{LOOPBACK}:{control.port}"
    await supervisor.start(web_spec(central, port, operator_key, control_url, token, tls_args, host, env))
    try:
        await wait_for_web(port, timeout_s, host)
    except TimeoutError:
        await control.close()
        raise
    scheme = "https" if any(arg.startswith("--https-cert") for arg in tls_args) else "http"
    return WebRun(web_url(host, port, scheme), control)
