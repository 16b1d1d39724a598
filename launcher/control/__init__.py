"""The lecturer's controls: the endpoint the web node calls (kill, cut, pause, pace); the web node's start."""

from __future__ import annotations

from launcher.control.endpoint import ControlEndpoint, Controls, serve_controls
from launcher.control.simulation import PaceChoice, SimulationControl
from launcher.control.web import CONTROL_TOKEN_ENV, WebRun, start_web, web_spec, web_url

__all__ = [
    "CONTROL_TOKEN_ENV",
    "ControlEndpoint",
    "Controls",
    "PaceChoice",
    "SimulationControl",
    "WebRun",
    "serve_controls",
    "start_web",
    "web_spec",
    "web_url",
]
