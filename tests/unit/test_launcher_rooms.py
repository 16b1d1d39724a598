"""The launcher's rooms import one way, so each room's ``__init__`` can name what it offers."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "launcher"
# The hall's own modules that rooms may import (the settings); the entry and wiring stay above all.
ABOVE_ALL = {"__main__", "app", "simulation"}


def room_of(module: str) -> str:
    """``launcher.faults.chaos`` -> ``faults``; ``launcher.settings`` -> ``settings``."""
    return module.split(".")[1]


def room_imports() -> dict[str, set[str]]:
    """Each room (and hall module) -> the other rooms its modules import from."""
    graph: dict[str, set[str]] = {}
    for path in sorted(LAUNCHER.rglob("*.py")):
        parts = path.relative_to(LAUNCHER).with_suffix("").parts
        room = parts[0]
        graph.setdefault(room, set())
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("launcher."):
                other = room_of(node.module or "")
                if other != room:
                    graph[room].add(other)
    return graph


def test_the_rooms_import_one_way() -> None:
    graph = room_imports()
    order = list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a circle
    assert order.index("records") < order.index("settings") < order.index("supervise")


def test_the_records_import_no_room_and_no_room_imports_the_hall() -> None:
    graph = room_imports()
    assert graph["records"] == set()
    assert not any(graph[room] & ABOVE_ALL for room in graph if room not in ABOVE_ALL)


def test_every_room_names_what_it_offers() -> None:
    rooms = [path.parent for path in LAUNCHER.glob("*/__init__.py")]
    assert len(rooms) >= 9
    for init in (room / "__init__.py" for room in rooms):
        assert "__all__" in init.read_text(), init
