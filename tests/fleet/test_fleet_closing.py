"""A client's close with a token renewal in flight on a Redis token store: a renewal that has
not sent its grant is given up at once (nothing is lost), one whose grant is in flight is
waited for until its answer (it carries the rotated refresh token), and the store's work after
it (the save, the lock's release) at most the store's ``close_timeout``: closing does not wait
out a stalled Redis (until the socket timeout of the store's Redis client: 5 s).

Redis is stalled with ``CLIENT PAUSE ... WRITE`` (the ``paused`` fixture: a renewal reads the
token, then waits to take the lock), or by a relay that keeps its replies back
(:func:`redis_server.reply_gate`: the store's commands reach it, their answers do not come
back). The closes run on virtual
time (:func:`virtual_from_here`): within them nothing waits for an answer from Redis, which
does not come, so the clock moves from one of the loop's timers to the next and the close's
length is the loop's exactly, whatever the machine's speed; without the bound the close would
end at the socket timeout.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
import redis.asyncio
from redis_server import reply_gate
from sim_http import follow_consent
from stream_helpers import WallClockAhead
from virtual_time import loop_time, virtual_from_here

from aries_async import AriesClient
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.renewal_outage import SERVE_FLOOR
from aries_async.errors import ClientClosedError, RequestTimeoutError
from aries_async.sim import Simulator
from aries_async.testing import capture_logs

CALL_TIMEOUT = 0.2
CLOSE_TIMEOUT = 0.5
PAST_THE_FLOOR = 100 - SERVE_FLOOR + 1
"""How far ahead the clients' clock runs for a token of 100 s: due, and too near its end to
serve through an outage, so that the calls wait for the renewal (up to their timeout)."""


async def _due_client(
    sim: Simulator, store: RedisTokenStore, wall_clock: WallClockAhead
) -> AriesClient:
    """A client that made a call on a token saved in ``store``, which is due from now on."""
    await store.save(sim.issue_token(ttl=100))
    client = AriesClient(
        sim.client_config(timeout=CALL_TIMEOUT), token_store=store, wall_clock=wall_clock
    )
    await client.market.quote("AAPL")
    wall_clock.ahead = PAST_THE_FLOOR  # due: the next call renews under the store's lock
    return client


async def _timed_close(client: AriesClient) -> tuple[float, list[str]]:
    """Close ``client``: how long it took on the loop's clock, and the warnings it logged."""
    with capture_logs() as logs:
        started = loop_time()
        async with asyncio.timeout(30):
            await client.aclose()
        took = loop_time() - started
    return took, [r.getMessage() for r in logs.records if r.levelno >= logging.WARNING]


async def test_a_renewal_waiting_on_a_stalled_store_does_not_hold_up_the_close(
    redis_url: str, paused: redis.asyncio.Redis
) -> None:
    """Its grant was not sent: the close gives it up at once, and a call waiting on it ends
    with ``ClientClosedError``, not sent."""
    async with Simulator(tick_interval=None) as sim:
        store = RedisTokenStore(redis_url, client_id=sim.client_id, close_timeout=CLOSE_TIMEOUT)
        client = await _due_client(sim, store, WallClockAhead())
        await paused.client_pause(60_000, all=False)
        with pytest.raises(RequestTimeoutError):
            await client.market.quote("AAPL")  # the renewal goes on, stuck taking the lock

        async def patient() -> None:
            with client.timeout(60):
                await client.market.quote("AAPL")

        waiting = asyncio.ensure_future(patient())
        with virtual_from_here():
            took, _ = await _timed_close(client)
        assert took < CLOSE_TIMEOUT
        with pytest.raises(ClientClosedError) as raised:
            await waiting
        assert raised.value.request_sent is False
        assert sim.token_requests == 0
        await paused.client_unpause()
        await store.aclose()


async def test_a_renewed_token_the_stalled_store_does_not_take_is_given_up_after_the_bound(
    redis_url: str,
) -> None:
    """The grant's answer is waited for; its save, on a Redis that stopped answering
    meanwhile, for ``close_timeout``, then given up with a warning."""
    async with Simulator(tick_interval=None) as sim, reply_gate(redis_url) as gate:
        store = RedisTokenStore(gate.url, client_id=sim.client_id, close_timeout=CLOSE_TIMEOUT)
        client = await _due_client(sim, store, WallClockAhead())
        sim.faults.late_token_answers = 1.0
        with pytest.raises(RequestTimeoutError):
            await client.market.quote("AAPL")  # the grant is in flight
        assert sim.token_requests == 1
        gate.hold()
        with virtual_from_here():
            took, warnings = await _timed_close(client)
        assert CLOSE_TIMEOUT <= took <= 1.0 + CLOSE_TIMEOUT
        (warning,) = warnings
        assert store.token_key in warning
        assert "not be saved" in warning
        gate.let_go()
        await store.aclose()


async def test_a_code_exchange_the_stalled_store_does_not_save_is_given_up_after_the_bound(
    redis_url: str,
) -> None:
    """A code exchange that outlived its caller is waited for as a renewal is: its answer
    for as long as it takes, its save, on a Redis that stopped answering meanwhile, for
    ``close_timeout``, then given up with a warning."""
    async with Simulator(tick_interval=None) as sim, reply_gate(redis_url) as gate:
        store = RedisTokenStore(gate.url, client_id=sim.client_id, close_timeout=CLOSE_TIMEOUT)
        assert await store.load() is None  # its connection open before the gate holds
        client = AriesClient(sim.client_config(), token_store=store)
        request = client.oauth.authorization_url()
        callback = await follow_consent(request.url)
        sim.faults.late_token_answers = 1.0
        with virtual_from_here():  # from here on, nothing awaits an answer from Redis
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(CALL_TIMEOUT):
                    await client.oauth.exchange_code(callback, request)
            assert sim.token_requests == 1  # the grant is in flight
            gate.hold()
            took, warnings = await _timed_close(client)
        assert CLOSE_TIMEOUT <= took <= 1.0 + CLOSE_TIMEOUT
        (warning,) = warnings
        assert "code exchange" in warning
        assert store.token_key in warning
        gate.let_go()
        await store.aclose()


async def test_a_renewal_whose_grant_is_in_flight_is_saved_past_the_bound(redis_url: str) -> None:
    """The store answering, the close waits for the grant's answer however long it takes
    (it holds the only copy of the rotated refresh token) and saves it."""
    async with Simulator(tick_interval=None) as sim:
        store = RedisTokenStore(redis_url, client_id=sim.client_id, close_timeout=0.05)
        old = sim.issue_token(ttl=100)
        await store.save(old)
        wall_clock = WallClockAhead()
        client = AriesClient(
            sim.client_config(timeout=CALL_TIMEOUT), token_store=store, wall_clock=wall_clock
        )
        await client.market.quote("AAPL")
        wall_clock.ahead = PAST_THE_FLOOR
        sim.faults.late_token_answers = 0.3
        with pytest.raises(RequestTimeoutError):
            await client.market.quote("AAPL")
        await client.aclose()
        saved = await store.load()
        assert saved is not None and saved.refresh_token != old.refresh_token
        assert sim.token_requests == 1
        await store.aclose()
