"""A refresh refused while the token store changed, or failed, under the renewal.

When the token endpoint refuses a refresh token, the session reads the store again: a token
another process saved meanwhile is not the one refused, so the refusal is neither kept for it
(which would sign the fleet out) nor raised; and when that read fails, the refusal is still
the grant's, remembered as one (the dead grant is not sent again).

The simulator rotates refresh tokens: a process of the test's own (``x``) renews the token the
others hold, whose refresh token is dead from then on, as when a process renewed into a store
outage and keeps its token pending. The grant under test is held at the simulator
(``hold_token_requests``) while the test changes the store. The clients' wall clock runs ahead
of the simulator's; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest
import yarl
from stream_helpers import WallClockAhead, until

from aries_async import AriesClient, RedisTokenStore, Token
from aries_async.errors import ReauthenticationRequired
from aries_async.models import Quote
from aries_async.sim import Simulator
from aries_async.testing import redis_server

PASSWORD = "pw-secret-987654"
DUE = 60.0
"""How far ahead the clients' clock runs: a token of 100 s is due (half its life)."""


async def _rotate_away(sim: Simulator, old: Token) -> None:
    """Renew ``old`` elsewhere (a process with a store of its own): its refresh token dies."""
    ahead = WallClockAhead()
    ahead.ahead = DUE
    async with AriesClient(sim.client_config(), token=old, wall_clock=ahead) as x:
        await x.market.quote("AAPL")
        assert x.auth.refreshes == 1


async def _held_grant(
    sim: Simulator, client: AriesClient
) -> tuple[asyncio.Event, asyncio.Task[Quote]]:
    """Start a call of ``client``'s whose renewal's grant the simulator holds; the gate."""
    gate = asyncio.Event()
    sim.faults.hold_token_requests = gate
    sent = sim.token_requests
    call = asyncio.ensure_future(client.market.quote("AAPL"))
    await until(lambda: sim.token_requests == sent + 1)
    return gate, call


async def test_a_refusal_is_not_kept_for_a_token_saved_while_its_grant_was_in_flight(
    redis_url: str,
) -> None:
    wall_clock = WallClockAhead()
    async with (
        Simulator(tick_interval=None, rotate_refresh_tokens=True) as sim,
        contextlib.AsyncExitStack() as stack,
    ):
        store_b, store_c, elsewhere = [
            await stack.enter_async_context(RedisTokenStore(redis_url, client_id=sim.client_id))
            for _ in range(3)
        ]
        old = sim.issue_token(ttl=100)
        await store_b.save(old)
        config = sim.client_config()
        b = await stack.enter_async_context(
            AriesClient(config, token_store=store_b, wall_clock=wall_clock)
        )
        await b.market.quote("AAPL")
        await _rotate_away(sim, old)
        wall_clock.ahead = DUE
        gate, call = await _held_grant(sim, b)
        newer = sim.issue_token(ttl=100)  # a sign-in elsewhere, due as well on this clock
        await elsewhere.save(newer)
        gate.set()
        await call
        assert await store_c.refusal() is None  # kept for newer, it would sign all out
        c = await stack.enter_async_context(
            AriesClient(config, token_store=store_c, wall_clock=wall_clock)
        )
        await c.market.quote("AAPL")  # renews newer, which was never refused
        await b.market.quote("AAPL")  # takes c's token from the store
        in_b, in_c = await b.auth.token(), await c.auth.token()
    assert in_b == in_c and in_c.access_token not in {old.access_token, newer.access_token}


async def test_a_refusal_whose_reread_fails_is_remembered_as_a_refusal(
    redis_binary: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wall_clock = WallClockAhead()
    async with Simulator(tick_interval=None, rotate_refresh_tokens=True) as sim:
        with contextlib.ExitStack() as servers:
            url = servers.enter_context(redis_server(redis_binary, password=PASSWORD))
            store = RedisTokenStore(url, client_id=sim.client_id)
            old = sim.issue_token(ttl=100)
            await store.save(old)
            b = AriesClient(sim.client_config(), token_store=store, wall_clock=wall_clock)
            try:
                await b.market.quote("AAPL")
                await _rotate_away(sim, old)
                wall_clock.ahead = DUE
                gate, call = await _held_grant(sim, b)
                servers.close()  # Redis stops while the grant is in flight
                gate.set()
                await call  # refused; the token in hand serves to its end (one warning)
                port = yarl.URL(url).port
                servers.enter_context(redis_server(redis_binary, password=PASSWORD, port=port))
                wall_clock.ahead += b.config.retry.max_backoff  # past any backoff
                requests = sim.token_requests
                with contextlib.suppress(ReauthenticationRequired):
                    await b.market.quote("AAPL")
            finally:
                await b.aclose()
                await store.aclose()
    assert sim.token_requests == requests  # the refused grant is not sent again
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("grant was refused" in warning for warning in warnings), warnings
