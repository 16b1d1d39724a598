"""The key throttle's waits and total cap, and the operator sessions' expiry, on a clock the test moves."""

from __future__ import annotations

from dataclasses import dataclass

from web_node.sessions import OperatorSessions
from web_node.throttle import (
    FORGET_AFTER_S,
    FREE_TRIES,
    LONGEST_WAIT_S,
    TOTAL_BURST,
    KeyThrottle,
    retry_after,
)


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_waits_longer_after_each_wrong_key_up_to_a_minute() -> None:
    clock = Clock()
    throttle = KeyThrottle(clock)
    waits = []
    for _ in range(FREE_TRIES + 10):
        wait = throttle.wait_s("10.0.0.1")
        waits.append(wait)
        clock.now += wait
        throttle.wrong("10.0.0.1")
    assert waits[: FREE_TRIES + 1] == [0.0] * (FREE_TRIES + 1)
    assert waits[FREE_TRIES + 1 : FREE_TRIES + 4] == [0.5, 1.0, 2.0]
    assert max(waits) == LONGEST_WAIT_S
    assert throttle.wait_s("10.0.0.2") == 0.0
    assert retry_after(0.2) == "1" and retry_after(2.5) == "3"


def test_a_right_key_or_a_long_quiet_clears_an_address() -> None:
    clock = Clock()
    throttle = KeyThrottle(clock)
    for _ in range(FREE_TRIES + 3):
        throttle.wrong("10.0.0.1")
    assert throttle.wait_s("10.0.0.1") > 0
    throttle.right("10.0.0.1")
    assert throttle.wait_s("10.0.0.1") == 0.0
    for _ in range(FREE_TRIES + 3):
        throttle.wrong("10.0.0.3")
    clock.now += FORGET_AFTER_S + 1
    assert throttle.wait_s("10.0.0.3") == 0.0


def test_wrong_keys_from_many_addresses_meet_the_total_cap_briefly() -> None:
    clock = Clock()
    throttle = KeyThrottle(clock)
    for n in range(int(TOTAL_BURST)):
        throttle.wrong(f"10.1.0.{n}")
    wait = throttle.wait_s("10.2.0.1")
    assert 0 < wait <= 0.2
    clock.now += wait
    assert throttle.wait_s("10.2.0.1") == 0.0


def test_a_session_lasts_until_log_out_or_its_age_and_each_is_new() -> None:
    clock = Clock()
    sessions = OperatorSessions(ttl_s=100.0, clock=clock)
    first, second = sessions.open(), sessions.open()
    assert first != second and sessions.valid(first) and sessions.valid(second)
    sessions.close(first)
    assert not sessions.valid(first) and sessions.valid(second)
    clock.now += 100.0
    assert not sessions.valid(second)
    assert not sessions.valid("") and not sessions.valid("forged")
