"""How a room joins a run: the join card and file, the operator key file and the wheel it installs."""

from __future__ import annotations

from launcher.room.card import announced, plan_room
from launcher.room.join import write_join, write_operator_key
from launcher.room.wheel import WHEEL_DIR, WHEEL_DIR_ENV, WHEEL_PATH, build_wheel, wheel_name

__all__ = [
    "WHEEL_DIR",
    "WHEEL_DIR_ENV",
    "WHEEL_PATH",
    "announced",
    "build_wheel",
    "plan_room",
    "wheel_name",
    "write_join",
    "write_operator_key",
]
