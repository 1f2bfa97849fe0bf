"""A renewal whose token the store missed: Redis fails between the grant and the save.

The simulator rotates refresh tokens, so once the grant is made the token the store still holds
is dead at the server, and the new one lives only in the memory of the process that renewed.
That process keeps it as pending, serves its calls with it, and saves it at its next access to
the store once it answers again (a check-and-set under the store's lock): only over the token it
was renewed from, never over a logout or a newer token saved meanwhile; a closing client tries
once more. Then the others renew with it: nobody is signed out.

The outage starts from the simulator's ``after_token_grant`` hook, right after the grant: Redis
stopped (the read after the grant fails; it comes back empty on the same port) or refusing
writes (``maxmemory`` of one byte: the save fails with ``OOM``, reads still work). The clients'
wall clock runs ahead of the simulator's (:class:`WallClockAhead`); nothing sleeps: a client's
wait (the background save's backoff) ends when the test moves that clock past its end
(:class:`ClockSleep`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest
import redis.asyncio
import yarl
from log_secrets import assert_no_secret as no_secret_in
from stream_helpers import WallClockAhead, until

from aries_async import AriesClient, NotSignedInError, RedisTokenStore, StoreUnavailableError, Token
from aries_async.sim import Simulator
from aries_async.testing import redis_server

PASSWORD = "pw-secret-654321"
LIFE = 100.0
"""The first token's life on the simulator's clock: due 50 s on (half a short life)."""
STORE_DOWN = "stopped"
WRITES_REFUSED = "refusing writes"


class ClockSleep:
    """The clients' sleep: it records each wait, which ends once :meth:`advance` has moved the
    wall clock past its end (none sleeps for real)."""

    def __init__(self, wall_clock: WallClockAhead) -> None:
        self.wall_clock = wall_clock
        self.waits: list[float] = []
        self._timers: list[tuple[float, asyncio.Future[None]]] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        ends = asyncio.get_running_loop().create_future()
        self._timers.append((self.wall_clock.ahead + seconds, ends))
        await ends

    def waiting(self) -> int:
        """How many waits have not ended."""
        return sum(not ends.done() for _, ends in self._timers)

    def advance(self, seconds: float) -> None:
        """Move the wall clock ``seconds`` on, ending the waits that end by then."""
        self.wall_clock.ahead += seconds
        for at, ends in list(self._timers):
            if at <= self.wall_clock.ahead and not ends.done():
                ends.set_result(None)
        self._timers = [(at, ends) for at, ends in self._timers if not ends.done()]


async def stored(store: RedisTokenStore, token: Token, reads: int = 500) -> bool:
    """Whether ``store`` holds ``token`` within ``reads`` reads (each an answer of Redis's,
    a pass of the loop apart: a save in flight elsewhere in this loop has its turns)."""
    for _ in range(reads):
        if await store.load() == token:
            return True
        await asyncio.sleep(0)
    return False


@attrs.define
class Fleet:
    """Two processes, ``a`` (which renews) and ``b``, each with its own store on one Redis,
    both holding ``old``; ``outage()`` starts the store's outage, ``back()`` ends it."""

    sim: Simulator
    binary: str
    servers: contextlib.ExitStack
    url: str
    raw: redis.asyncio.Redis
    wall_clock: WallClockAhead
    sleep: ClockSleep
    old: Token
    a: AriesClient
    b: AriesClient
    store_a: RedisTokenStore
    store_b: RedisTokenStore
    kind: str = WRITES_REFUSED

    async def outage(self) -> None:
        self.sim.faults.after_token_grant = None
        if self.kind == STORE_DOWN:
            self.servers.close()  # Redis stops: the connections are refused
        else:
            await self.raw.config_set("maxmemory", 1)  # noeviction: every write is refused

    async def back(self) -> None:
        if self.kind == STORE_DOWN:  # the same Redis restarted, empty
            port = yarl.URL(self.url).port
            self.servers.enter_context(redis_server(self.binary, password=PASSWORD, port=port))
        else:
            # The refresh lock a's renewal could not release is there for its lease, unless
            # a's background save took it since (a store releases its own lock first).
            await self.raw.config_set("maxmemory", 0)

    async def renew_into_the_outage(self) -> Token:
        """``a`` renews (its token due), the store failing right after the grant; the new
        token, which its calls use."""
        self.sim.faults.after_token_grant = self.outage
        self.wall_clock.ahead = 60.0
        await self.a.market.quote("AAPL")
        fresh = await self.a.auth.token()
        assert fresh.access_token != self.old.access_token
        assert fresh.refresh_token != self.old.refresh_token
        assert self.sim.token_requests == 1
        return fresh

    def next_attempt(self) -> None:
        """Past the backoff of the failed save: ``a`` tries the store again."""
        self.sleep.advance(self.a.config.retry.max_backoff)

    async def failed_again(self) -> None:
        """Wait until ``a``'s attempt has failed: it waits for its next backoff."""
        await until(lambda: self.sleep.waiting() == 1)


@contextlib.asynccontextmanager
async def fleet(
    binary: str, kind: str = WRITES_REFUSED, store: type[RedisTokenStore] = RedisTokenStore
) -> AsyncIterator[Fleet]:
    wall_clock = WallClockAhead()
    sleep = ClockSleep(wall_clock)
    async with Simulator(tick_interval=None, rotate_refresh_tokens=True) as sim:
        with contextlib.ExitStack() as servers:
            url = servers.enter_context(redis_server(binary, password=PASSWORD))
            raw = redis.asyncio.Redis.from_url(url)
            store_a = store(url, client_id=sim.client_id)
            store_b = RedisTokenStore(url, client_id=sim.client_id)
            old = sim.issue_token(ttl=LIFE)
            await store_a.save(old)
            config = sim.client_config()
            clients: dict[str, Any] = {"wall_clock": wall_clock, "sleep": sleep}
            a = AriesClient(config, token_store=store_a, **clients)
            b = AriesClient(config, token_store=store_b, **clients)
            await a.market.quote("AAPL")
            await b.market.quote("AAPL")
            try:
                yield Fleet(
                    sim,
                    binary,
                    servers,
                    url,
                    raw,
                    wall_clock,
                    sleep,
                    old,
                    a,
                    b,
                    store_a,
                    store_b,
                    kind,
                )
            finally:
                with contextlib.suppress(redis.RedisError):
                    await raw.config_set("maxmemory", 0)
                for closing in (a, b, store_a, store_b, raw):
                    await closing.aclose()


def said(caplog: pytest.LogCaptureFixture, text: str) -> list[tuple[str, str]]:
    """The level and message of each record that says ``text``."""
    return [(r.levelname, r.getMessage()) for r in caplog.records if text in r.getMessage()]


def assert_no_secret(caplog: pytest.LogCaptureFixture, *tokens: Token) -> None:
    no_secret_in(caplog.records, tokens, PASSWORD)


@pytest.mark.parametrize("kind", [STORE_DOWN, WRITES_REFUSED])
async def test_the_token_the_store_missed_is_saved_once_it_answers_and_the_fleet_renews_on(
    redis_binary: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with fleet(redis_binary, kind) as f:
        fresh = await f.renew_into_the_outage()  # the call is served: the new token is valid
        await f.a.market.quote("AAPL")  # the backoff runs: from memory, the store not asked
        f.next_attempt()
        await f.failed_again()
        await f.a.market.quote("AAPL")  # the store still fails: served all the same
        assert await f.a.auth.token() == fresh
        await f.back()
        f.next_attempt()  # a's background save tries again: it is saved, no call needed
        assert await stored(f.store_b, fresh)
        # b's token (the old one) is long due, and the new one is due too by now: b renews
        # with the refresh token a's grant brought, and is not refused.
        due = fresh.refresh_due(fresh.renewal_margin(60.0))
        assert due is not None
        f.wall_clock.ahead += due - f.wall_clock() + 1
        await f.b.market.quote("AAPL")
        renewed = await f.b.auth.token()
        await f.a.market.quote("AAPL")  # a takes b's token from the store
        in_a = await f.a.auth.token()
        requests = f.sim.token_requests
    assert requests == 2 and f.b.auth.refreshes == 1 and f.a.auth.refreshes == 1
    assert renewed.access_token not in {fresh.access_token, f.old.access_token}
    assert in_a == renewed
    (warning,) = said(caplog, "could not save the renewed token")
    assert warning[0] == "WARNING" and f.store_a.token_key in warning[1]
    (info,) = said(caplog, "saved the renewed token")
    assert info[0] == "INFO" and f.store_a.token_key in info[1]
    assert not [r for r in caplog.records if "sign in again" in r.getMessage()]
    assert_no_secret(caplog, f.old, fresh, renewed)


async def test_a_logout_while_the_token_is_pending_wins(
    redis_binary: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with fleet(redis_binary) as f:
        await f.renew_into_the_outage()
        await f.back()
        await f.store_b.clear()  # a logout elsewhere while a's token is pending
        f.next_attempt()
        await until(lambda: f.a.auth.cached() is None)  # a's background save: signed out
        with pytest.raises(NotSignedInError):
            await f.a.market.quote("AAPL")
        with pytest.raises(NotSignedInError):
            await f.a.auth.token()
        in_store = await f.store_b.load()
    assert in_store is None
    assert f.sim.token_requests == 1
    assert not said(caplog, "saved the renewed token")
    assert said(caplog, "it was cleared (signed out)")


async def test_a_newer_token_saved_while_the_token_is_pending_wins(
    redis_binary: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with fleet(redis_binary) as f:
        fresh = await f.renew_into_the_outage()
        await f.back()
        newer = f.sim.issue_token()  # a sign-in elsewhere while a's token is pending
        await f.store_b.save(newer)
        f.next_attempt()
        await until(lambda: f.a.auth.cached() == newer)  # a's background save took it
        await f.a.market.quote("AAPL")
        in_a = await f.a.auth.token()
        in_store = await f.store_b.load()
    assert in_a == newer and in_store == newer
    assert in_a.access_token != fresh.access_token
    assert f.sim.token_requests == 1
    assert not said(caplog, "saved the renewed token")


@pytest.mark.parametrize("answers", [True, False])
async def test_a_client_closing_with_a_pending_token_tries_the_store_once_more(
    redis_binary: str, answers: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with fleet(redis_binary) as f:
        fresh = await f.renew_into_the_outage()
        if answers:
            await f.back()  # the backoff still runs: only the close tries it again
        await f.a.aclose()
        await f.raw.config_set("maxmemory", 0)
        in_store = await f.store_b.load()
    lost = said(caplog, "sign in again")
    if answers:
        assert in_store is not None and in_store.access_token == fresh.access_token
        assert [level for level, _ in said(caplog, "saved the renewed token")] == ["INFO"]
        assert not lost
    else:
        assert in_store == f.old
        ((level, message),) = lost
        assert level == "WARNING" and f.store_a.token_key in message
        assert "may be lost" in message
    assert_no_secret(caplog, f.old, fresh)


@pytest.mark.parametrize("kind", [STORE_DOWN, WRITES_REFUSED])
async def test_an_idle_process_saves_its_pending_token_once_the_store_answers(
    redis_binary: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``a`` makes no call after the store missed its renewed token: the save does not wait
    for one. Once the backoff has passed with the store back, the token is in the store, and
    ``b``, whose token (the one ``a`` renewed) has expired meanwhile, is not refused."""
    caplog.set_level(logging.DEBUG)
    async with fleet(redis_binary, kind) as f:
        fresh = await f.renew_into_the_outage()
        f.next_attempt()  # the store still fails: a tries it again, later
        await f.failed_again()
        await f.back()
        f.next_attempt()
        saved = await stored(f.store_b, fresh)
        f.sleep.advance(LIFE)  # b's old token has expired; a still made no call
        # Unsaved, b would renew the old token, whose refresh token a's grant rotated away:
        # refused (ReauthenticationRequired, shared with the fleet), every process signed out.
        await f.b.market.quote("AAPL")
        in_b = await f.b.auth.token()
    assert saved
    assert in_b.access_token != f.old.access_token
    (info,) = said(caplog, "saved the renewed token")
    assert info[0] == "INFO"
    assert not said(caplog, "sign in again")
    assert_no_secret(caplog, f.old, fresh)


async def test_a_logout_the_store_does_not_take_keeps_the_pending_token(
    redis_binary: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``clear()`` failing (the store refusing writes), nobody is signed out: the pending token
    is still saved once the store answers (a logout tried again clears it then)."""
    caplog.set_level(logging.DEBUG)
    async with fleet(redis_binary) as f:
        fresh = await f.renew_into_the_outage()
        with pytest.raises(StoreUnavailableError):
            await f.a.auth.clear()
        await f.back()
        f.next_attempt()
        assert await stored(f.store_b, fresh)
    assert_no_secret(caplog, f.old, fresh)


class OvertakenStore(RedisTokenStore):
    """A store whose next read, once :attr:`overtake` is set, is followed at once by a save of
    that token by another process, without the lock (a sign-in elsewhere): the save of this
    process that follows the read is skipped by its version check."""

    overtake: tuple[RedisTokenStore, Token] | None = None
    """The other process's store, and the token it saves."""

    async def load(self) -> Token | None:
        token = await super().load()
        overtake, self.overtake = self.overtake, None
        if overtake is not None:
            elsewhere, newer = overtake
            await elsewhere.save(newer)
        return token


async def test_a_pending_save_skipped_by_the_version_check_is_not_said_saved(
    redis_binary: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with fleet(redis_binary, store=OvertakenStore) as f:
        fresh = await f.renew_into_the_outage()
        await f.back()
        newer = f.sim.issue_token()
        assert isinstance(f.store_a, OvertakenStore)
        f.store_a.overtake = (f.store_b, newer)
        f.next_attempt()
        await until(lambda: f.a.auth.cached() != fresh)  # a takes the store's token
        in_a = await f.a.auth.token()
        in_store = await f.store_b.load()
    assert in_store == newer and in_a == newer
    assert not said(caplog, "saved the renewed token")
    assert said(caplog, "kept the newer token")
