"""A client's streams answer ``refreshAuth`` with a token that extends the session, and so do
streams built from their classes on the client's token provider (``client.auth.access_token``).

The simulator ends a socket's session at its token's expiry (as a server binding the session
to the JWT's ``exp`` would), and warns ``ws_refresh_warning`` (300 s) before. The client's
token is not due for renewal until 60 s before that expiry: re-authenticating with the token
in hand would be the same token again, the same end, and an ``authExpired`` gap at expiry.

The simulator runs on a :class:`ManualClock` that is also the client's wall clock (token
expiry); the streams' keep-alive and backoff run on :class:`FakeTime`. Nothing waits for time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from stream_helpers import FakeTime, client_on_sim, client_stream, take, until

from aries_async import AriesClient, Token
from aries_async.auth.store import sign_out
from aries_async.errors import StreamAuthError
from aries_async.models.events import StreamDisconnected, StreamReauthenticated
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.faults import ServerErrorFault
from aries_async.sim.ws import WsHub, hub_of
from aries_async.sim.ws_session import Session
from aries_async.streaming import AccountStream, ChartStream, MarketStream, StreamConfig
from aries_async.streaming.accounts import account_stream
from aries_async.streaming.market import market_stream

ACCOUNT = "TEST-ACCOUNT-001"
KINDS = ("market", "accounts", "charts")
TTL = 600.0
"""The tokens' lifetime: the server warns at 300 s, the client renews by itself at 540 s."""
CONFIG = StreamConfig(backoff_initial=0.5, backoff_jitter=0.0)
TOKEN_ROUTE = "POST /v1/oauth2/token"
TOKEN = ("POST", "/v1/oauth2/token")


def client_and_sim() -> contextlib.AbstractAsyncContextManager[
    tuple[AriesClient, Simulator, WsHub]
]:
    return client_on_sim(TTL)


def open_stream(kind: str, client: AriesClient, fake_time: FakeTime) -> Any:
    return client_stream(kind, client, fake_time, CONFIG, ACCOUNT)


def live(hub: WsHub, kind: str) -> Session:
    """The simulator's one open socket of ``kind``."""
    (session,) = [s for s in hub.sessions if s.kind == kind and not s.closed]
    return session


async def round_trip(hub: WsHub, kind: str, stream: Any) -> None:
    """Until the stream read a line sent after everything the server queued before it."""
    assert hub.inject("not json", kind) == 1
    await until(lambda: stream.malformed == 1)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_refresh_warning_renews_the_token_the_socket_uses_and_no_gap_follows(
    kind: str, fake_time: FakeTime
) -> None:
    async with (
        client_and_sim() as (client, sim, hub),
        open_stream(kind, client, fake_time) as stream,
    ):
        status = stream.status()
        first = await client.auth.token()
        ends_at = live(hub, kind).expires_at
        assert ends_at == first.expires_at  # the session ends with the token
        sim.advance(TTL - 299.0)
        hub.check_deadlines()  # 299 s left: refreshAuth, the token in hand not yet due
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated)
        renewed = await client.auth.token()
        assert renewed.access_token != first.access_token
        assert client.auth.refreshes == 1
        assert live(hub, kind).expires_at == renewed.expires_at == ends_at + TTL - 299.0
        sim.advance(299.0)  # the first token's expiry
        hub.check_deadlines()
        assert not live(hub, kind).closing  # no authExpired on its way
        await round_trip(hub, kind, stream)
        assert stream.connected and stream.reconnects == 0 and stream.reauths == 1
        assert status.pending == 0
        assert client.auth.refreshes == 1  # the REST calls share the renewed token
        assert await client.accounts.list()
        assert client.auth.refreshes == 1


@pytest.mark.parametrize("together", [True, False])
async def test_one_renewal_serves_every_stream_of_the_client(
    together: bool, fake_time: FakeTime
) -> None:
    """Warned at once, the three streams share the renewal; warned one after another, the
    later ones find the client's token renewed already (not the one their sockets use) and
    present it without renewing again."""
    async with (
        client_and_sim() as (client, sim, hub),
        open_stream("market", client, fake_time) as market,
        open_stream("charts", client, fake_time) as charts,
        open_stream("accounts", client, fake_time) as account,
    ):
        streams = dict(zip(KINDS, (market, account, charts), strict=True))
        every_status = {kind: stream.status() for kind, stream in streams.items()}
        sim.advance(TTL - 299.0)
        if together:
            hub.check_deadlines()
        for kind, status in every_status.items():
            if not together:
                assert hub.refresh_auth(kind) == 1
            (said,) = await take(status, 1)
            assert isinstance(said, StreamReauthenticated)
        assert client.auth.refreshes == 1 and sim.token_requests == 1
        renewed = await client.auth.token()
        assert {live(hub, kind).expires_at for kind in KINDS} == {renewed.expires_at}


@pytest.mark.parametrize("kind", KINDS)
async def test_a_renewal_that_fails_leaves_the_token_in_hand_and_the_reconnect_at_expiry(
    kind: str, fake_time: FakeTime
) -> None:
    """The token endpoint is down at the warning: the stream re-authenticates with what it has
    (that token stays good for the REST calls, not invalidated), the session ends at its
    expiry, and the reconnect after it renews as usual once the endpoint is back."""
    async with (
        client_and_sim() as (client, sim, hub),
        open_stream(kind, client, fake_time) as stream,
    ):
        status = stream.status()
        first = await client.auth.token()
        sim.faults.server_errors[TOKEN_ROUTE] = ServerErrorFault(count=None)
        sim.advance(TTL - 299.0)
        hub.check_deadlines()
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated)
        tried = sim.requests[TOKEN]
        assert tried > 0 and client.auth.refreshes == 0  # tried, and failed
        assert await client.accounts.list()  # the token in hand still serves
        assert (await client.auth.token()) == first and sim.requests[TOKEN] == tried
        sim.faults.server_errors.clear()
        sim.advance(299.0)
        hub.check_deadlines()  # the first token's expiry: authExpired
        (down,) = await take(status, 1)
        assert isinstance(down, StreamDisconnected) and down.will_reconnect
        await until(lambda: down.retry_in in fake_time.waiting())
        fake_time.advance(down.retry_in or 0.0)
        await until(lambda: stream.reconnects == 1 and stream.connected)
        await until(lambda: hub.open_sessions(kind) == 1)  # the expired socket was closed
        assert client.auth.refreshes == 1
        assert live(hub, kind).expires_at == (await client.auth.token()).expires_at


@pytest.mark.parametrize("kind", KINDS)
async def test_a_sign_out_found_at_the_renewal_ends_the_stream(
    kind: str, fake_time: FakeTime
) -> None:
    """Another process signed out (the store was cleared): the renewal finds no grant, and the
    stream ends with the credentials error rather than go on with the signed-out token."""
    async with (
        client_and_sim() as (client, sim, hub),
        open_stream(kind, client, fake_time) as stream,
    ):
        status = stream.status()
        assert await sign_out(client.auth.store)
        sim.advance(TTL - 299.0)
        hub.check_deadlines()
        (down,) = await take(status, 1)
        assert isinstance(down, StreamDisconnected) and not down.will_reconnect
        assert "no usable credentials" in down.reason and stream.reauths == 0
        with pytest.raises(StreamAuthError, match="no token in the token store"):
            await take(status, 1)


async def test_tokens_shorter_than_the_warning_are_renewed_at_half_life_not_each_warning(
    fake_time: FakeTime,
) -> None:
    """60-second tokens and a warning 300 s before a session's end: every session is warned
    as soon as it is (re-)authenticated. Renewing on each warning would ask the token
    endpoint again and again, as fast as the checks run; the token is renewed at half its
    life, as for REST, and the stream re-authenticates once per renewal, with no gap."""
    ttl = 60.0
    async with Simulator(seed=5, clock=ManualClock(), tick_interval=None, token_ttl=ttl) as sim:
        token = Token.from_response(sim.issue_token_response(), now=sim.clock.now())
        client = AriesClient(
            sim.client_config(), token=token, wall_clock=sim.clock.now, sleep=fake_time.sleep
        )
        hub = hub_of(sim.app)
        async with client, open_stream("market", client, fake_time) as stream:
            lines = itertools.count(1)

            async def check(seconds: float) -> None:
                """``seconds`` later, the server's check (warning a session not warned yet),
                and a line read after what it sent."""
                sim.advance(seconds)
                fake_time.advance(seconds)  # the keep-alive's pings go on meanwhile
                hub.check_deadlines()
                assert hub.inject("not json", "market") == 1
                line = next(lines)
                await until(lambda: stream.malformed == line)

            def reauths_over(count: int) -> Callable[[], bool]:
                return lambda: stream.reauths > count

            for renewals in range(3):
                for _ in range(5):
                    await check(ttl / 2 / 6)
                assert client.auth.refreshes == stream.reauths == renewals
                await check(ttl / 2 / 6)  # half the token's life
                await until(reauths_over(renewals))
                assert client.auth.refreshes == stream.reauths == renewals + 1
            assert stream.connected and stream.reconnects == 0


def hand_built(
    kind: str, client: AriesClient, sim: Simulator, fake_time: FakeTime, *, factory: bool = False
) -> Any:
    """A stream built from its class (or its module's factory function) on the client's token
    provider, not by the client."""
    options: dict[str, Any] = {
        "config": CONFIG,
        "sleep": fake_time.sleep,
        "monotonic": fake_time.clock,
    }
    tokens = client.auth.access_token
    if kind == "market":
        return (market_stream if factory else MarketStream)(sim.market_ws_url, tokens, **options)
    if kind == "charts":
        return ChartStream(sim.charts_ws_url, tokens, **options)
    build = account_stream if factory else AccountStream
    return build(sim.accounts_ws_url, tokens, ACCOUNT, **options)


@pytest.mark.parametrize(
    ("kind", "factory"), [*((kind, False) for kind in KINDS), ("market", True), ("accounts", True)]
)
async def test_a_stream_built_on_the_clients_token_provider_renews_as_the_clients_do(
    kind: str, factory: bool, fake_time: FakeTime
) -> None:
    """Given ``client.auth.access_token``, a stream built from its class gets the session's
    early renewal (and its invalidation): the warning extends the session, no gap follows."""
    async with (
        client_and_sim() as (client, sim, hub),
        hand_built(kind, client, sim, fake_time, factory=factory) as stream,
    ):
        status = stream.status()
        first = await client.auth.token()
        sim.advance(TTL - 299.0)
        hub.check_deadlines()
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated)
        renewed = await client.auth.token()
        assert renewed != first and client.auth.refreshes == 1  # (a Token's repr is redacted)
        assert live(hub, kind).expires_at == renewed.expires_at
        sim.advance(299.0)  # the first token's expiry
        hub.check_deadlines()
        assert not live(hub, kind).closing
        await round_trip(hub, kind, stream)
        assert stream.connected and stream.reconnects == 0 and stream.reauths == 1

        sim.revoke_tokens()  # refused: the session is told, the next token is a fresh one
        hub.check_deadlines()
        async with asyncio.timeout(5):
            while not (stream.reconnects == 1 and stream.connected):
                fake_time.advance(CONFIG.backoff_initial)  # the reconnect's backoff
                await asyncio.sleep(0.002)
        assert client.auth.refreshes == 2
        assert live(hub, kind).expires_at == (await client.auth.token()).expires_at


@pytest.mark.parametrize("kind", KINDS)
async def test_a_stream_told_not_to_renew_does_not(kind: str, fake_time: FakeTime) -> None:
    """``renew_token=None`` given outright is kept: the warning re-authenticates with the
    token in hand, and nothing is renewed."""
    async with client_and_sim() as (client, sim, hub):
        tokens = client.auth.access_token
        options: dict[str, Any] = {
            "config": CONFIG,
            "sleep": fake_time.sleep,
            "monotonic": fake_time.clock,
            "renew_token": None,
        }
        if kind == "market":
            stream: Any = MarketStream(sim.market_ws_url, tokens, **options)
        elif kind == "charts":
            stream = ChartStream(sim.charts_ws_url, tokens, **options)
        else:
            stream = AccountStream(sim.accounts_ws_url, tokens, ACCOUNT, **options)
        async with stream:
            status = stream.status()
            sim.advance(TTL - 299.0)
            hub.check_deadlines()
            (said,) = await take(status, 1)
            assert isinstance(said, StreamReauthenticated)
            assert client.auth.refreshes == 0


@pytest.mark.parametrize("kind", KINDS)
async def test_inside_the_margin_a_token_endpoint_down_neither_stops_a_reconnect_nor_a_reauth(
    kind: str, fake_time: FakeTime
) -> None:
    """The token in hand, due for renewal but good for 50 s more, serves the stream as it
    serves the REST calls while the token endpoint fails: a dropped socket reconnects with it
    and a re-authentication presents it, instead of failing for want of a renewed one."""
    async with (
        client_and_sim() as (client, sim, hub),
        open_stream(kind, client, fake_time) as stream,
    ):
        status = stream.status()
        sim.advance(TTL - 50.0)
        sim.faults.server_errors[TOKEN_ROUTE] = ServerErrorFault(count=None)
        assert hub.drop(kind) == 1
        (down,) = await take(status, 1)
        assert isinstance(down, StreamDisconnected) and down.will_reconnect
        await until(lambda: down.retry_in in fake_time.waiting())
        fake_time.advance(down.retry_in or 0.0)
        await until(lambda: stream.reconnects == 1 and stream.connected)
        await take(status, 1)  # connected again, with the token in hand
        assert live(hub, kind).expires_at == sim.clock.now() + 50.0
        assert hub.refresh_auth(kind) == 1
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated)
        assert live(hub, kind).expires_at == sim.clock.now() + 50.0
        assert client.auth.refreshes == 0
