"""The launcher's faults reach the web node through ``GET /faults`` on the real controls endpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from launcher.control.endpoint import Controls, serve_controls
from launcher.faults.lecturer import CUT, KILLED, LecturerFaults
from launcher.screen.board import Board
from launcher.supervise.processes import Supervisor
from web_node.control import ControlClient
from web_node.faults import fault_list, launcher_faults

TOKEN = "fault-feed-token"
START = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)


class Clock:
    """Steps a second per reading, so each fault has its own moment."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


async def test_the_lecturers_kill_and_cut_reach_the_web_node_with_their_recovery(tmp_path: Path) -> None:
    lecturer = LecturerFaults(Board(), now=Clock())
    controls = Controls(Supervisor(tmp_path, cwd=tmp_path), {}, faults=lecturer)
    server = await serve_controls(controls, TOKEN)
    port = server.port
    try:
        lecturer.began("Acme Foods", KILLED)
        lecturer.began("Borealis Tools", CUT)
        lecturer.ended("Acme Foods", KILLED, "restarted by the lecturer")
        records = await launcher_faults(ControlClient(f"http://127.0.0.1:{port}", TOKEN))
        assert records is not None
        assert [(row["node"], row["kind"], row["recovered_at"] is not None) for row in records] == [
            ("Acme Foods", KILLED, True),
            ("Borealis Tools", CUT, False),
        ]
        # A caller without the run's token learns nothing.
        assert await launcher_faults(ControlClient(f"http://127.0.0.1:{port}", "wrong")) == []
    finally:
        await server.close()

    seen: list[dict[str, object]] = [
        {"at": (START + timedelta(seconds=10)).isoformat(), "text": "central not answering"},
        {
            "at": (START + timedelta(seconds=12)).isoformat(),
            "text": "central answering again",
            "recovered": True,
        },
    ]
    items = fault_list(records, seen)
    assert [item["text"] for item in items] == [
        "central answering again",
        "central not answering",
        "link cut Borealis Tools (by the lecturer, between months)",
        "SIGKILL Acme Foods (by the lecturer, between months) · back after 2.0s",
    ]
    assert [item["recovered"] for item in items] == [True, False, False, True]


async def test_an_unreachable_launcher_keeps_the_last_faults() -> None:
    # Port 9 (discard) on loopback: nobody listens in the test, so the connection is refused.
    assert await launcher_faults(ControlClient("http://127.0.0.1:9", TOKEN)) is None
