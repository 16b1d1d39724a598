"""The live topic on its own: followers cancelled in the middle of publishes never stop the others."""

from __future__ import annotations

import asyncio
import random

import pytest

from tests.helpers import eventually
from web_node.topic import Topic

ROUNDS = 40


async def _follow(topic: Topic, seen: list[str], idle_s: float = 5.0) -> None:
    async for payload in topic.follow(idle_s):
        if payload is not None:
            seen.append(payload)


@pytest.mark.parametrize("seed", range(ROUNDS))
async def test_followers_cancelled_during_publishes_leave_the_rest_updated(seed: int) -> None:
    chance = random.Random(seed)
    topic = Topic("0")
    staying: list[list[str]] = [[] for _ in range(10)]
    stayers = [asyncio.create_task(_follow(topic, seen)) for seen in staying]
    # Leavers with a short idle time are often inside their keepalive timeout when cancelled.
    leavers = [asyncio.create_task(_follow(topic, [], chance.choice((0.001, 5.0)))) for _ in range(40)]
    await asyncio.sleep(0)
    for version in range(1, 60):
        publishing = asyncio.create_task(topic.publish(str(version)))
        # Tabs close while the value changes: some before the publish runs, some while it wakes followers.
        for leaver in chance.sample(leavers, k=2):
            leaver.cancel()
        await asyncio.sleep(chance.choice((0, 0, 0.001)))
        for leaver in chance.sample(leavers, k=2):
            leaver.cancel()
        await publishing
        if version % 7 == 0:
            leavers += [asyncio.create_task(_follow(topic, [], 0.001)) for _ in range(5)]
    await asyncio.wait_for(topic.publish("last"), 2.0)
    await eventually(lambda: all(seen and seen[-1] == "last" for seen in staying), 5.0)
    assert not any(task.done() for task in stayers)
    await asyncio.wait_for(topic.close(), 2.0)
    await asyncio.wait_for(asyncio.gather(*stayers), 2.0)
    for leaver in leavers:
        leaver.cancel()
    await asyncio.gather(*leavers, return_exceptions=True)


async def test_a_slow_follower_gets_the_newest_payload_not_a_backlog() -> None:
    topic = Topic("a")
    follower = topic.follow(idle_s=5.0)
    assert await anext(follower) == "a"
    for payload in ("b", "c", "d"):
        await topic.publish(payload)
    assert await anext(follower) == "d"
    await topic.close()
    with pytest.raises(StopAsyncIteration):
        await anext(follower)


async def test_a_quiet_topic_yields_none_for_a_keepalive() -> None:
    topic = Topic("a")
    follower = topic.follow(idle_s=0.05)
    assert await anext(follower) == "a"
    assert await anext(follower) is None
    await topic.close()
