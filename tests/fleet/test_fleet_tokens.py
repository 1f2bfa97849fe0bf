"""Eight bot processes share one grant on one Redis, against a simulator that rotates refresh
tokens: one renewal among them at expiry, no process signed out, even when the process holding
the refresh lock is killed mid-refresh.

Each bot (``tests/integration/token_bot.py``) names its Redis connection ``bot<i>``, so
``CLIENT LIST`` shows what each last asked Redis: the test releases the renewal held at the
simulator only once every other bot has asked for the lock (``SET NX``) and been refused, so a
broken lock would show as a second token request. Nothing waits for time: the held renewal is
released by the test, and the dead holder's lease is brought to its end with ``PEXPIRE`` (Redis
expiring the key, as it would an hour later). The lease is an hour so that a fleet waiting for
it to pass a second time, rather than taking the lock once it is free, would not finish within
``Bots.finish``'s minute.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import attrs
import pytest
import redis.asyncio
from child_process import BotAnswer, Bots, sim_env

from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.tokens import CLIENT_CREDENTIALS, Token
from aries_async.sim import Simulator

PROCESSES = 8
LEASE = 3600.0


def _infos(redis_url: str, sim: Simulator, grant: str) -> list[dict[str, Any]]:
    return [
        {
            "store": "redis",
            "url": redis_url,
            "client_id": sim.client_id,
            "grant": grant,
            "name": f"bot{i}",
            "lease": LEASE,
        }
        for i in range(PROCESSES)
    ]


def _expired(sim: Simulator, grant: str) -> Token:
    """An expired token whose grant the simulator still honours: a user's (with a refresh
    token) or an app's (client credentials, no refresh token)."""
    token = sim.issue_token(ttl=0)
    if grant == "app":
        token = attrs.evolve(token, refresh_token=None, grant_type=CLIENT_CREDENTIALS)
    assert token.needs_refresh()
    return token


async def _all_at_the_lock(raw: redis.asyncio.Redis, sim: Simulator, renewals: int) -> None:
    """Until ``renewals`` token requests reached the simulator and every bot but one was
    refused the lock (its last command the lock script's ``EVALSHA``), the one left holding
    it."""
    async with asyncio.timeout(60):
        while True:
            clients = await raw.client_list()
            refused = [c for c in clients if c["name"].startswith("bot") and c["cmd"] == "evalsha"]
            if sim.token_requests == renewals and len(refused) == PROCESSES - 1:
                return
            await asyncio.sleep(0.01)


def _succeeded(answers: list[BotAnswer]) -> list[dict[str, Any]]:
    failures = [(code, err) for code, _, err in answers if code != 0]
    assert not failures, failures
    return [answer for _, answer, _ in answers]


@pytest.fixture
async def raw(redis_url: str) -> Any:
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.mark.parametrize("grant", ["user", "app"])
async def test_eight_processes_on_one_redis_renew_once(
    grant: str, redis_url: str, raw: redis.asyncio.Redis, tmp_path: Path
) -> None:
    async with Simulator(seed=2, rotate_refresh_tokens=True, tick_interval=None) as sim:
        store = RedisTokenStore(redis_url, client_id=sim.client_id, grant=grant)
        stale = _expired(sim, grant)
        await store.save(stale)
        hold = asyncio.Event()
        sim.faults.hold_token_requests = hold
        async with Bots(_infos(redis_url, sim, grant), sim_env(sim, tmp_path)) as bots:
            await bots.go()
            await _all_at_the_lock(raw, sim, renewals=1)
            hold.set()
            results = _succeeded(await bots.finish())
        token_requests = sim.token_requests
        saved = await store.load()
        await store.aclose()

    assert token_requests == 1
    assert sorted(r["refreshes"] for r in results) == [0] * (PROCESSES - 1) + [1]
    for result in results:
        assert {"TEST-ACCOUNT-001", "TEST-SIM-001"} <= set(result["accounts"])
    assert saved is not None and not saved.needs_refresh()
    assert saved.access_token != stale.access_token
    assert {r["access_token"] for r in results} == {saved.access_token}
    if grant == "user":
        assert saved.refresh_token and saved.refresh_token != stale.refresh_token
    else:
        assert (saved.grant_type, saved.refresh_token) == (CLIENT_CREDENTIALS, None)
    assert await raw.exists(store.lock_key) == 0


async def test_the_lock_holder_killed_mid_refresh_frees_the_fleet_after_its_lease(
    redis_url: str, raw: redis.asyncio.Redis, tmp_path: Path
) -> None:
    async with Simulator(seed=2, rotate_refresh_tokens=True, tick_interval=None) as sim:
        store = RedisTokenStore(redis_url, client_id=sim.client_id)
        stale = _expired(sim, "user")
        await store.save(stale)
        sim.faults.stall_token_requests = 1  # the first renewal never comes back
        async with Bots(_infos(redis_url, sim, "user"), sim_env(sim, tmp_path)) as bots:
            await bots.go()
            await _all_at_the_lock(raw, sim, renewals=1)
            owner = await store.lock_owner()
            assert owner is not None
            holder = bots.by_pid(int(owner.split(":")[1]))
            holder.send_signal(signal.SIGKILL)
            assert await holder.wait() == -signal.SIGKILL
            # The dead holder's lease still blocks the others; nobody sent another renewal.
            assert await raw.pttl(store.lock_key) > (LEASE - 30) * 1000
            assert sim.token_requests == 1
            assert all(bot.returncode is None for bot in bots.processes if bot is not holder)
            await raw.pexpire(store.lock_key, 1)  # the lease ends (Redis expires the key)
            answers = await bots.finish()  # within a minute: not another lease
        token_requests = sim.token_requests
        saved = await store.load()
        await store.aclose()

    results = _succeeded(
        [a for bot, a in zip(bots.processes, answers, strict=True) if bot is not holder]
    )
    assert len(results) == PROCESSES - 1
    # The stalled renewal never used the refresh token; one survivor renewed with it, the others
    # read its result: nobody was refused, nobody signed out.
    assert token_requests == 2
    assert sorted(r["refreshes"] for r in results) == [0] * (PROCESSES - 2) + [1]
    assert saved is not None and not saved.needs_refresh()
    assert saved.refresh_token and saved.refresh_token != stale.refresh_token
    assert {r["access_token"] for r in results} == {saved.access_token}
