"""A Redis restarted under a running fleet: the connections its processes pooled were closed
by the old server, and the first command on each must not fail the call that sends it. The
commands are safe to send twice (a reply lost with its connection), and the clients made from
a URL send a command again, once, on a connection error.

The restart tests run a Redis server of their own, which they restart on the same port
(without persistence: the restarted Redis is empty, and the store puts its token back). The
lost reply tests cut the connection between Redis running a command and its reply reaching the
store (:class:`redis_server.ReplyGate`), so that the command runs twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
import redis.asyncio
import yarl
from redis_server import ReplyGate, numbered_token, reply_gate
from stream_helpers import WallClockAhead

from aries_async import AriesClient, RateLimit, RedisRateBudget, RedisTokenStore
from aries_async.sim import Simulator
from aries_async.testing import capture_logs, redis_server

QUOTES = ("GET", "/v1/chart/quotes")
PASSWORD = "pw-restart-123456"


async def test_a_call_after_a_redis_restart_succeeds(redis_binary: str) -> None:
    wall_clock = WallClockAhead()
    async with Simulator(tick_interval=None) as sim:
        config = sim.client_config(rate_limit=RateLimit(per_second=1000, burst=100))
        with redis_server(redis_binary, password=PASSWORD) as url:
            store = RedisTokenStore(url, client_id=sim.client_id)
            budget = RedisRateBudget(url)
            await store.save(sim.issue_token(ttl=100))  # due 50 s on
            client = AriesClient(
                config, token_store=store, rate_budget=budget, wall_clock=wall_clock
            )
            await client.market.quote("AAPL")  # the store's and the budget's connections pooled
        with redis_server(redis_binary, password=PASSWORD, port=yarl.URL(url).port):
            try:
                wall_clock.ahead = 60.0  # the token is due: lock, load, save, release
                with capture_logs() as logs:
                    await client.market.quote("AAPL")
            finally:
                await client.aclose()
                await store.aclose()
                await budget.aclose()
    assert sim.requests[QUOTES] == 2 and sim.token_requests == 1
    assert not [line for line in logs.lines if "WARNING" in line and "restored" not in line]


Call = Callable[[RedisTokenStore, RedisRateBudget], Awaitable[object]]


async def _locked_save(store: RedisTokenStore, _: RedisRateBudget) -> None:
    async with store.lock():
        token = await store.load()
        assert token is not None
        await store.save(token)


CALLS: dict[str, Call] = {
    "load": lambda store, _: store.load(),
    "lock_owner": lambda store, _: store.lock_owner(),
    "refusal": lambda store, _: store.refusal(),
    "clear": lambda store, _: store.clear(),
    "locked_save": _locked_save,
    "acquire": lambda _, budget: budget.acquire("b", 1000, 100, 1.0),
    "pause": lambda _, budget: budget.pause("b", 0.001),
}


@pytest.mark.parametrize("name", sorted(CALLS))
async def test_each_first_command_after_a_restart_succeeds(redis_binary: str, name: str) -> None:
    with redis_server(redis_binary, password=PASSWORD) as url:
        store = RedisTokenStore(url, client_id="app")
        budget = RedisRateBudget(url)
        async with Simulator(tick_interval=None) as sim:
            await store.save(sim.issue_token())
        await budget.acquire("b", 1000, 100, 1.0)
    with redis_server(redis_binary, password=PASSWORD, port=yarl.URL(url).port):
        try:
            await CALLS[name](store, budget)
        finally:
            await store.aclose()
            await budget.aclose()


async def _lose_the_reply(gate: ReplyGate, call: Awaitable[object]) -> object:
    """Send ``call``'s command through ``gate``, cut its connection once Redis has run it, and
    return what ``call`` returns after it sent the command again."""
    gate.hold()
    sending = asyncio.ensure_future(call)
    async with asyncio.timeout(5):
        await gate.held.wait()
    gate.cut()
    async with asyncio.timeout(5):  # not the lease (60 s) of a lock found taken
        return await sending


def _warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if " WARNING " in line]


async def test_a_lock_taken_whose_reply_was_lost_is_held(redis_url: str) -> None:
    async with reply_gate(redis_url) as gate, RedisTokenStore(gate.url, client_id="app") as store:
        await store.lock_owner()  # connected before the replies are held

        async def enter() -> str | None:
            async with store.lock():
                return await store.lock_owner()

        with capture_logs() as logs:
            assert await _lose_the_reply(gate, enter()) is not None
        assert await store.lock_owner() is None  # released
        assert not _warnings(logs.lines)


async def test_a_save_whose_reply_was_lost_is_saved_once(redis_url: str) -> None:
    async with reply_gate(redis_url) as gate, RedisTokenStore(gate.url, client_id="app") as store:
        await store.save(numbered_token(1, 100.0))
        with capture_logs() as logs:
            async with store.lock():
                assert await store.load() == numbered_token(1, 100.0)
                await _lose_the_reply(gate, store.save(numbered_token(2, 200.0)))
                await store.save(numbered_token(3, 300.0))  # checked against its own write
            await _lose_the_reply(gate, store.save(numbered_token(4, 400.0)))  # unchecked
        assert await store.load() == numbered_token(4, 400.0)
        assert not _warnings(logs.lines)
    raw = redis.asyncio.Redis.from_url(redis_url)
    try:
        assert await raw.hget(store.token_key, "version") == b"4"  # one version a save
    finally:
        await raw.aclose()


async def test_a_release_whose_reply_was_lost_frees_the_lock_quietly(redis_url: str) -> None:
    async with reply_gate(redis_url) as gate, RedisTokenStore(gate.url, client_id="app") as store:
        entered = asyncio.Event()

        async def hold_then_release() -> None:
            async with store.lock():
                entered.set()
                gate.hold()  # the next reply is the release's

        with capture_logs() as logs:
            holding = asyncio.ensure_future(hold_then_release())
            await entered.wait()
            await _lose_the_reply(gate, holding)
        assert await store.lock_owner() is None
        assert not _warnings(logs.lines)


async def test_a_turn_whose_reply_was_lost_costs_the_fleet_one_turn_at_most(
    redis_url: str,
) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async with reply_gate(redis_url) as gate, RedisRateBudget(gate.url, sleep=record) as budget:
        await budget.pause("other", 0.001)  # connected before the replies are held
        assert await _lose_the_reply(gate, budget.acquire("b", 10, 1, 1.0)) is True
    # The first run's turn is now, unused; the second's one interval (0.1 s) later at most.
    assert sum(waits) <= 0.1
