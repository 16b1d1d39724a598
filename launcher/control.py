"""The lecturer's controls: a local HTTP endpoint through which the web node kills, restarts and cuts nodes.

Bound to 127.0.0.1 on a free port and guarded by a per-run bearer token that only the web
node gets (by environment). ``GET /nodes`` lists what can be controlled; ``POST
/nodes/<slug>/kill`` and ``POST /nodes/<slug>/restart`` act through the supervisor, whose
deliberate kills the watchdog does not count as failures (the central's through its switch,
in step with the month driver); ``POST /nodes/<slug>/cut``, ``.../restore`` and
``.../latency/<ms>`` act on the node's link (its relay);
``GET /faults`` lists the run's faults (``launcher.fault_feed``);
``/simulation/...`` pauses, resumes and paces the run (``launcher.simulation_control``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from launcher.central_switch import CentralSwitch
from launcher.fault_feed import fault_rows
from launcher.lecturer_faults import CUT, KILLED, LecturerFaults
from launcher.link_controls import LINK_ACTIONS, Links
from launcher.processes import Supervisor
from launcher.simulation_control import SimulationControl

logger = logging.getLogger(__name__)

MAX_HEADER_BYTES = 8192
READ_TIMEOUT_S = 5.0


@dataclass(slots=True)
class Controls:
    """Kills and restarts the children named in ``labels`` (slug -> label), the central and links."""

    supervisor: Supervisor
    labels: Mapping[str, str]
    links: Links | None = None
    # One switch per central, the first (slug ``central``) first.
    centrals: Sequence[CentralSwitch] = ()
    down: set[str] = field(default_factory=set)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Pause, resume and pace (``launcher.simulation_control``), when the run offers them.
    simulation: SimulationControl | None = None
    # Where the kills, cuts and latency go as faults (the ticker and the report), when a board follows.
    faults: LecturerFaults | None = None

    def nodes(self) -> list[dict[str, object]]:
        """Every controllable node, whether it runs, and its link (None: not relayed)."""
        links = self.links or Links()
        nodes = [central.node() for central in self.centrals]
        nodes += [
            {
                "slug": s,
                "label": label,
                "running": s not in self.down,
                "killable": True,
                "link": links.state(s),
            }
            for s, label in self.labels.items()
        ]
        return nodes

    async def act(self, slug: str, action: str, value: str = "") -> tuple[int, dict[str, object]]:
        """Kills, restarts, cuts, restores or slows ``slug``; an HTTP status and a JSON reply."""
        if action in LINK_ACTIONS and self.links is not None:
            status, reply = self.links.act(slug, action, value)
            if status != 200:
                return status, reply
            self._link_fault(self.labels.get(slug, slug), action, value)
            return status, {"nodes": self.nodes()}
        switch = next((central for central in self.centrals if central.slug == slug), None)
        if switch is not None:
            async with self._lock:
                try:
                    status, reply = await switch.act(action)
                except (KeyError, RuntimeError) as error:
                    return 409, {"error": f"{switch.label}: {error}"}
            return status, reply if status != 200 else {"nodes": self.nodes()}
        if slug not in self.labels:
            return 404, {"error": f"no node {slug!r} to control"}
        if action not in ("kill", "restart"):
            return 404, {"error": f"no action {action!r}"}
        async with self._lock:
            try:
                if action == "kill" and slug not in self.down:
                    await self.supervisor.kill(slug)
                    self.down.add(slug)
                elif action == "restart" and slug in self.down:
                    await self.supervisor.restart(slug)
                    self.down.discard(slug)
                else:
                    state = "down" if slug in self.down else "running"
                    return 409, {"error": f"{self.labels[slug]} is {state} already"}
            except (KeyError, RuntimeError) as error:
                # Not started yet, or ended meanwhile (the run is stopping).
                return 409, {"error": f"{self.labels[slug]}: {error}"}
        logger.info("lecturer's control: %s %s", action, self.labels[slug])
        if self.faults is not None:
            if action == "kill":
                self.faults.began(self.labels[slug], KILLED)
            else:
                self.faults.ended(self.labels[slug], KILLED, "restarted by the lecturer")
        return 200, {"nodes": self.nodes()}

    def _link_fault(self, label: str, action: str, value: str) -> None:
        if self.faults is None:
            return
        if action == "cut":
            self.faults.began(label, CUT)
        elif action == "restore":
            self.faults.ended(label, CUT, "link restored by the lecturer")
        else:
            self.faults.latency(label, int(value))


async def serve_controls(controls: Controls, token: str) -> asyncio.Server:
    """Starts the endpoint on 127.0.0.1 (a free port: ``server.sockets[0].getsockname()``)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, reply = await asyncio.wait_for(_answer(reader, controls, token), READ_TIMEOUT_S)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            status, reply = 400, {"error": "bad request"}
        body = json.dumps(reply).encode()
        head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"Connection: close\r\n\r\n" + body)
        try:
            await writer.drain()
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0, limit=MAX_HEADER_BYTES)


async def _answer(
    reader: asyncio.StreamReader, controls: Controls, token: str
) -> tuple[int, dict[str, object]]:
    head = await reader.readuntil(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, path, _ = request_line.split(" ", 2)
    headers = dict(line.split(":", 1) for line in header_lines if ":" in line)
    headers = {name.strip().lower(): value.strip() for name, value in headers.items()}
    offered = headers.get("authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(offered.encode(), token.encode()):
        return 401, {"error": "unauthorized"}
    parts = path.strip("/").split("/")
    if method == "GET" and parts == ["nodes"]:
        return 200, {"nodes": controls.nodes()}
    if method == "GET" and parts == ["faults"]:
        return 200, {"faults": fault_rows(controls.faults.records if controls.faults else ())}
    if method == "POST" and len(parts) in (3, 4) and parts[0] == "nodes":
        return await controls.act(*parts[1:])
    if parts[0] == "simulation" and controls.simulation is not None:
        return await controls.simulation.answer(method, parts[1:])
    return 404, {"error": "not found"}
