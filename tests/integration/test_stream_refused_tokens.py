"""A token the server ended a socket's session with is not presented again, and a grant the
token endpoint refused for good is told once.

After the server revokes the tokens (``authExpired`` on every socket), or ends a session right
after accepting it, the reconnect asks the provider for another token, telling it the one
that was refused: a client's streams share one renewal, and the refused token is never
presented again (the simulator counts every token a websocket's ``POST /auth`` presents,
``context.ws_tokens``). When the renewal is refused for good (``invalid_grant``), each stream
says so once, at its end.

The simulator runs on a :class:`ManualClock` that is also the client's wall clock (token
expiry); the streams' keep-alive and backoff run on :class:`FakeTime`. Nothing waits for time.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from stream_helpers import FakeTime, client_on_sim, client_stream, take, until

from aries_async import AriesClient
from aries_async.errors import StreamAuthError
from aries_async.models.events import StreamConnected, StreamDisconnected, StreamReauthenticated
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig

ACCOUNT = "TEST-ACCOUNT-001"
KINDS = ("market", "accounts", "charts")
CONFIG = StreamConfig(backoff_initial=0.5, backoff_jitter=0.0)
TTL = 600.0
"""The tokens' lifetime: the server warns (``refreshAuth``) 300 s before a session's end."""


def client_and_sim(
    refresh_ttl: float | None = None,
) -> contextlib.AbstractAsyncContextManager[tuple[AriesClient, Simulator, WsHub]]:
    return client_on_sim(TTL, refresh_ttl)


def open_stream(kind: str, client: AriesClient, fake_time: FakeTime) -> Any:
    return client_stream(kind, client, fake_time, CONFIG, ACCOUNT)


@contextlib.asynccontextmanager
async def every_stream(
    fake_time: FakeTime, refresh_ttl: float | None = None
) -> AsyncIterator[tuple[AriesClient, Simulator, WsHub, tuple[Any, ...], list[Any]]]:
    """The client's market, charts and account streams, open on the simulator, and a status
    consumer of each."""
    async with (
        client_and_sim(refresh_ttl) as (client, sim, hub),
        open_stream("market", client, fake_time) as market,
        open_stream("charts", client, fake_time) as charts,
        open_stream("accounts", client, fake_time) as account,
    ):
        streams = (market, charts, account)
        yield client, sim, hub, streams, [stream.status() for stream in streams]


async def let_backoffs_through(fake_time: FakeTime, streams: tuple[Any, ...]) -> None:
    """Once every one of ``streams`` is down and waiting for its backoff, let them through."""
    await until(lambda: not any(s.connected for s in streams))
    await until(lambda: len(fake_time.waiting()) == len(streams))
    fake_time.advance(max(fake_time.waiting()))


async def test_revoked_tokens_are_not_presented_again_and_one_renewal_serves_every_stream(
    fake_time: FakeTime,
) -> None:
    async with every_stream(fake_time) as (client, sim, hub, streams, every_status):
        first = (await client.auth.token()).access_token
        assert sim.context.ws_tokens[first] == 3
        assert sim.revoke_tokens() > 0
        hub.check_deadlines()  # authExpired on every socket
        await let_backoffs_through(fake_time, streams)
        await until(lambda: all(s.connected and s.reconnects == 1 for s in streams))
        for status in every_status:
            down, up = await take(status, 2)
            assert isinstance(down, StreamDisconnected) and "authExpired" in down.reason
            assert isinstance(up, StreamConnected) and up.reconnect
        renewed = (await client.auth.token()).access_token
        assert renewed != first
        assert sim.context.ws_tokens[first] == 3  # each socket presented it once, no more
        assert sim.context.ws_tokens[renewed] == 3
        assert client.auth.refreshes == 1 and sim.token_requests == 1


@pytest.mark.parametrize("action", ["authExpired", "authRequired"])
@pytest.mark.parametrize("kind", KINDS)
async def test_a_session_ended_right_after_its_acceptance_is_not_begun_again_with_its_token(
    kind: str, action: str, fake_time: FakeTime
) -> None:
    """The server ends a live socket's session (``authExpired``), or says that it is no
    longer authenticated (``authRequired``, websocket.md 2.3: "authentication failed (e.g.
    invalid or expired token)"): either way the token it presented is done with, and the
    reconnect presents another."""
    async with client_and_sim() as (client, sim, hub):
        first = (await client.auth.token()).access_token

        def on_open(_: str, opened: int) -> None:
            sim.faults.ws_expire_after_auth = action if opened == 1 else None

        hub.on_open = on_open
        async with open_stream(kind, client, fake_time) as stream:
            await let_backoffs_through(fake_time, (stream,))
            # The account socket closes while its subscription is sent: no connection before.
            await until(lambda: stream.connected and sim.context.ws_tokens.total() == 2)
        assert sim.context.ws_tokens[first] == 1
        assert client.auth.refreshes == 1
        assert sim.context.ws_tokens[(await client.auth.token()).access_token] == 1


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_refresh_token_refused_for_good_is_told_once_per_stream(
    fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aries_async")
    async with every_stream(fake_time) as (_client, sim, hub, streams, every_status):
        assert sim.revoke_tokens(refresh_tokens=True) > 0
        hub.check_deadlines()
        await let_backoffs_through(fake_time, streams)
        for status in every_status:
            while True:
                (down,) = await take(status, 1)
                assert isinstance(down, StreamDisconnected)
                if not down.will_reconnect:
                    break
            with pytest.raises(StreamAuthError):
                await take(status, 1)
        told = warnings_of(caplog)
        for name in ("market", "charts", "accounts"):
            mine = [m for m in told if m.startswith(f"{name} stream")]
            assert len(mine) == 1, told
        assert sim.token_requests == 1  # the refusal is remembered, not asked again


async def test_a_refresh_token_dead_at_the_warning_is_told_once_per_stream_at_its_end(
    fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    """The refresh token expired before the server's warning: the renewal for the
    re-authentication is refused for good. Each stream goes on with the token in hand (it
    serves until the session ends, as documented), says at INFO why it does, and at the
    session's end fails with the refusal: one WARNING per stream, at that end."""
    caplog.set_level(logging.INFO, logger="aries_async")
    async with every_stream(fake_time, refresh_ttl=1.0) as (
        _client,
        sim,
        hub,
        streams,
        every_status,
    ):
        sim.advance(TTL - 299.0)
        hub.check_deadlines()  # refreshAuth: the renewal is refused
        await until(lambda: all(s.reauths == 1 for s in streams))
        assert warnings_of(caplog) == []
        assert all(s.connected for s in streams)
        sim.advance(299.0)
        hub.check_deadlines()  # the session's end
        await let_backoffs_through(fake_time, streams)
        for status in every_status:
            said, down, final = await take(status, 3)
            assert isinstance(said, StreamReauthenticated)
            assert isinstance(down, StreamDisconnected) and down.will_reconnect
            assert isinstance(final, StreamDisconnected) and not final.will_reconnect
            with pytest.raises(StreamAuthError, match="invalid_grant"):
                await take(status, 1)
        told = warnings_of(caplog)
        for name in ("market", "charts", "accounts"):
            mine = [m for m in told if m.startswith(f"{name} stream")]
            assert len(mine) == 1, told
        assert len(told) == 3, told
        assert sim.token_requests == 1  # refused once, not asked again
