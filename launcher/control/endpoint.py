"""The lecturer's controls: a local HTTP endpoint through which the web node kills, restarts and cuts nodes.

A starlette app in uvicorn, bound to 127.0.0.1 on a free port and guarded by a per-run
bearer token that only the web node gets (by environment). ``GET /nodes`` lists what can be controlled; ``POST
/nodes/<slug>/kill`` and ``POST /nodes/<slug>/restart`` act through the supervisor, whose
deliberate kills the watchdog does not count as failures (the central's through its switch,
in step with the month driver); ``POST /nodes/<slug>/cut``, ``.../restore`` and
``.../latency/<ms>`` act on the node's link (its relay);
``/simulation/...`` pauses, resumes and paces the run (``launcher.control.simulation``);
``GET /faults`` lists the run's faults (``launcher.control.fault_feed``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import socket
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from launcher.control.fault_feed import fault_rows
from launcher.control.simulation import SimulationControl
from launcher.faults.central_switch import CentralSwitch
from launcher.faults.lecturer import CUT, KILLED, LecturerFaults
from launcher.faults.link_controls import LINK_ACTIONS, LinkControls
from launcher.supervise.processes import Supervisor

logger = logging.getLogger(__name__)

# How long the endpoint takes to start, and to finish the requests under way when it closes.
READ_TIMEOUT_S = 5.0


@dataclass(slots=True)
class Controls:
    """Kills and restarts the children named in ``labels`` (slug -> label), the central and links."""

    supervisor: Supervisor
    labels: Mapping[str, str]
    links: LinkControls | None = None
    # One switch per central, the first (slug ``central``) first.
    centrals: Sequence[CentralSwitch] = ()
    down: set[str] = field(default_factory=set)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Pause, resume and pace (``launcher.control.simulation``), when the run offers them.
    simulation: SimulationControl | None = None
    # Where the kills, cuts and latency go as faults (the ticker and the report), when a board follows.
    faults: LecturerFaults | None = None

    def nodes(self) -> list[dict[str, object]]:
        """Every controllable node, whether it runs, and its link (None: not relayed)."""
        links = self.links or LinkControls()
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


class _LauncherServer(uvicorn.Server):
    """Uvicorn without its signal handlers: the launcher keeps its own and closes this server itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class ControlEndpoint:
    """The controls served over HTTP by uvicorn on 127.0.0.1, until ``close``."""

    def __init__(self, server: uvicorn.Server, serving: asyncio.Task[None], port: int) -> None:
        self.port = port
        self._server = server
        self._serving = serving

    async def close(self) -> None:
        """Stops taking requests and waits for those under way."""
        self._server.should_exit = True
        await self._serving


def control_app(controls: Controls, token: str) -> Starlette:
    """The endpoint's routes, every one behind the run's bearer token; replies are JSON objects."""

    def authorised(request: Request) -> bool:
        offered = request.headers.get("authorization", "").removeprefix("Bearer ")
        return hmac.compare_digest(offered.encode(), token.encode())

    def reply(status: int, body: Mapping[str, object]) -> JSONResponse:
        return JSONResponse(dict(body), status_code=status)

    async def nodes(request: Request) -> Response:
        if not authorised(request):
            return reply(401, {"error": "unauthorized"})
        return reply(200, {"nodes": controls.nodes()})

    async def act(request: Request) -> Response:
        if not authorised(request):
            return reply(401, {"error": "unauthorized"})
        params = request.path_params
        return reply(*await controls.act(params["slug"], params["action"], params.get("value", "")))

    async def faults(request: Request) -> Response:
        if not authorised(request):
            return reply(401, {"error": "unauthorized"})
        return reply(200, {"faults": fault_rows(controls.faults.records if controls.faults else ())})

    async def simulation(request: Request) -> Response:
        if not authorised(request):
            return reply(401, {"error": "unauthorized"})
        if controls.simulation is None:
            return reply(404, {"error": "not found"})
        parts = [part for part in request.path_params.get("rest", "").split("/") if part]
        return reply(*await controls.simulation.answer(request.method, parts))

    async def not_found(request: Request, error: Exception) -> Response:
        # Unknown paths and methods answer like every other refusal here: a JSON object.
        if not authorised(request):
            return reply(401, {"error": "unauthorized"})
        return reply(404, {"error": "not found"})

    return Starlette(
        routes=[
            Route("/nodes", nodes, methods=["GET"]),
            Route("/nodes/{slug}/{action}", act, methods=["POST"]),
            Route("/nodes/{slug}/{action}/{value}", act, methods=["POST"]),
            Route("/faults", faults, methods=["GET"]),
            Route("/simulation", simulation, methods=["GET", "POST"]),
            Route("/simulation/{rest:path}", simulation, methods=["GET", "POST"]),
        ],
        exception_handlers={404: not_found, 405: not_found},
    )


async def serve_controls(controls: Controls, token: str) -> ControlEndpoint:
    """Starts the endpoint on 127.0.0.1, on a free port (``endpoint.port``), and waits until it listens."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    config = uvicorn.Config(
        control_app(controls, token),
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=int(READ_TIMEOUT_S),
    )
    server = _LauncherServer(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    deadline = asyncio.get_running_loop().time() + READ_TIMEOUT_S
    while not server.started:
        if serving.done() or asyncio.get_running_loop().time() > deadline:
            server.should_exit = True
            await serving
            raise RuntimeError("the lecturer's control endpoint did not start")
        await asyncio.sleep(0.01)
    return ControlEndpoint(server, serving, port)
