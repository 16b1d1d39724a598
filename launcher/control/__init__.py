"""The lecturer's controls: the endpoint the web node calls to kill, cut, pause and change the pace."""

from __future__ import annotations

from launcher.control.endpoint import ControlEndpoint, Controls, serve_controls
from launcher.control.simulation import PaceChoice, SimulationControl

__all__ = ["ControlEndpoint", "Controls", "PaceChoice", "SimulationControl", "serve_controls"]
