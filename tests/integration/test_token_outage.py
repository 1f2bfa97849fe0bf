"""A token endpoint that is down while the access token in hand is inside its renewal margin.

The renewal fails for a reason that says nothing of the grant (a 5xx, a 429, a reset, a refused
connection), while the token in hand is still good for a while: the calls go on with it, one
warning says so, the renewal is tried again after the retry policy's backoff (not on every
call), and the outage is raised only once the token is about to expire.

Every simulator runs on a :class:`ManualClock` that is the client's token clock too: tokens
expire, and backoffs end, when the test moves that clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable

import attrs
import pytest

from aries_async import AriesClient, MemoryTokenStore, Token
from aries_async.auth.renewal_outage import RENEWAL_PATIENCE, SERVE_FLOOR
from aries_async.errors import AuthError, ReauthenticationRequired, TokenRefreshError
from aries_async.sim import ManualClock, RateLimitFault, ServerErrorFault, Simulator

TOKEN = ("POST", "/v1/oauth2/token")
TOKEN_ROUTE = "POST /v1/oauth2/token"
MARGIN = 60.0  # the client's default refresh_skew
LIFE = 3600.0


async def instantly(_: float) -> None:
    """The transport's retry sleep: its waits between a renewal's attempts take no time."""


@contextlib.asynccontextmanager
async def on_sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7, clock=ManualClock(), tick_interval=None, token_ttl=LIFE) as sim:
        yield sim


def bot(sim: Simulator, *, token_url: str | None = None, **kwargs: object) -> AriesClient:
    """A client on ``sim``'s clock whose retries do not wait (``token_url``: another one)."""
    config = sim.client_config(pool_size=100)
    if token_url is not None:
        config = attrs.evolve(config, endpoints=attrs.evolve(config.endpoints, token_url=token_url))
    return AriesClient(config, wall_clock=sim.clock.now, sleep=instantly, **kwargs)  # type: ignore[arg-type]


def signed_in(sim: Simulator) -> Token:
    return Token.from_response(sim.issue_token_response(), now=sim.clock.now())


def closed_port_url() -> str:
    """A token URL on loopback where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1/oauth2/token"


def answers_503(sim: Simulator) -> None:
    sim.faults.server_errors[TOKEN_ROUTE] = ServerErrorFault(count=None, status=503)


def answers_429(sim: Simulator) -> None:
    # Longer than the policy's cap: raised at once rather than waited out.
    sim.faults.rate_limit[TOKEN_ROUTE] = RateLimitFault(count=None, retry_after=90.0)


def resets(sim: Simulator) -> None:
    sim.faults.drop_connection[TOKEN_ROUTE] = 1_000_000


def portal(sim: Simulator) -> None:
    # A captive portal or a proxy between the bot and the token endpoint: its page, as a 200.
    sim.faults.token_response_body = b"<html><body>Sign in to the Wi-Fi</body></html>"


OUTAGES: dict[str, Callable[[Simulator], None]] = {
    "503": answers_503,
    "429": answers_429,
    "reset": resets,
    "portal": portal,
}


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("outage", sorted(OUTAGES))
async def test_a_call_inside_the_margin_goes_on_with_the_token_in_hand(
    outage: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with on_sim() as sim:
        token = signed_in(sim)
        async with bot(sim, token=token) as client:
            sim.advance(LIFE - 30)  # due for renewal, good for 30 s more
            OUTAGES[outage](sim)
            with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
                assert await client.accounts.list()
                assert await client.orders.active("TEST-ACCOUNT-001") is not None
            assert (await client.auth.token()).access_token == token.access_token
            (warning,) = warnings_of(caplog)
            assert token.refresh_token and token.refresh_token not in warning
            assert "renew" in warning and token.access_token not in warning
            assert client.auth.refreshes == 0


async def test_a_refused_connection_inside_the_margin_serves_the_token_in_hand() -> None:
    async with on_sim() as sim:
        token = signed_in(sim)
        async with bot(sim, token=token, token_url=closed_port_url()) as client:
            sim.advance(LIFE - 30)
            assert await client.accounts.list()
            sim.advance(30 - SERVE_FLOOR)  # too close to its expiry to trust it to arrive
            with pytest.raises(TokenRefreshError) as failed:
                await client.accounts.list()
            assert failed.value.status is None  # no answer: a connection refused


async def test_an_app_token_inside_the_margin_serves_too() -> None:
    async with on_sim() as sim, bot(sim) as client:
        app = await client.oauth.client_credentials()
        sim.advance(LIFE - 30)
        answers_503(sim)
        assert await client.market.status()
        assert (await client.auth.token()).access_token == app.access_token
        sim.advance(30)  # expired: the outage is the answer, as before
        with pytest.raises(TokenRefreshError) as failed:
            await client.market.status()
        assert failed.value.status == 503


async def test_a_thousand_calls_make_one_renewal_then_wait_for_the_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with on_sim() as sim, bot(sim, token=signed_in(sim)) as client:
        attempts = client.config.retry.max_attempts  # one renewal's requests
        longest = client.config.retry.max_backoff
        sim.advance(LIFE - MARGIN + 1)
        answers_503(sim)
        before = sim.requests[TOKEN]
        with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
            results = await asyncio.gather(*(client.accounts.list() for _ in range(1000)))
            assert len(results) == 1000
            assert sim.requests[TOKEN] - before == attempts
            for _ in range(20):  # within the backoff: no renewal at all
                assert await client.accounts.list()
            assert sim.requests[TOKEN] - before == attempts
            renewals = 1
            for _ in range(4):  # after each backoff, one renewal more, however many calls
                sim.advance(longest)
                await asyncio.gather(*(client.accounts.list() for _ in range(100)))
                renewals += 1
                assert sim.requests[TOKEN] - before == attempts * renewals
        assert len(warnings_of(caplog)) == 1  # one outage, one warning


async def test_the_endpoint_back_renews_and_clears_the_outage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with on_sim() as sim, bot(sim, token=signed_in(sim)) as client:
        old = await client.auth.token()
        sim.advance(LIFE - 40)
        answers_503(sim)
        assert await client.accounts.list()
        sim.faults.server_errors.clear()
        before = sim.requests[TOKEN]
        assert await client.accounts.list()  # still backing off: the token in hand
        assert sim.requests[TOKEN] == before
        sim.advance(client.config.retry.max_backoff)
        results = await asyncio.gather(*(client.accounts.list() for _ in range(1000)))
        assert len(results) == 1000
        assert sim.requests[TOKEN] - before == 1  # one refresh for a thousand callers
        fresh = await client.auth.token()
        assert fresh.access_token != old.access_token and client.auth.refreshes == 1
        # A later outage is news again, with a warning of its own.
        sim.advance(LIFE - 40)
        answers_503(sim)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
            assert await client.accounts.list()
        assert len(warnings_of(caplog)) == 1


async def test_a_page_in_place_of_a_token_is_an_outage_not_a_refusal() -> None:
    # A captive portal's page answered for the token: it says nothing of the grant. The token
    # in hand serves, the renewal waits for the backoff, and renews once the page is gone;
    # near the token's expiry the page's error is raised, as an outage's would be.
    async with on_sim() as sim, bot(sim, token=signed_in(sim)) as client:
        old = await client.auth.token()
        sim.advance(LIFE - 40)
        portal(sim)
        before = sim.requests[TOKEN]
        assert await client.accounts.list()
        assert await client.accounts.list()  # backing off: not asked again
        assert sim.requests[TOKEN] - before == 1
        sim.advance(40 - SERVE_FLOOR)
        with pytest.raises(AuthError, match="no JSON object"):
            await client.accounts.list()
        sim.faults.token_response_body = None
        assert await client.accounts.list()  # renewed: the grant was never refused
        assert (await client.auth.token()).access_token != old.access_token


async def test_the_outage_is_raised_once_the_token_nears_its_expiry() -> None:
    async with on_sim() as sim, bot(sim, token=signed_in(sim)) as client:
        sim.advance(LIFE - 30)
        answers_503(sim)
        assert await client.accounts.list()
        sim.advance(30 - SERVE_FLOOR - 1)
        assert await client.accounts.list()  # still served (its backoff may be over)
        sim.advance(1)
        before = sim.requests[TOKEN]
        with pytest.raises(TokenRefreshError) as failed:
            await client.accounts.list()
        assert failed.value.status == 503
        assert sim.requests[TOKEN] > before  # tried, as any renewal of a token past serving


async def test_a_token_refused_with_401_is_not_served_through_an_outage() -> None:
    async with on_sim() as sim, bot(sim, token=signed_in(sim)) as client:
        sim.advance(LIFE - 30)
        answers_503(sim)
        assert await client.accounts.list()
        sim.revoke_tokens()  # the server no longer takes the token in hand
        with pytest.raises(TokenRefreshError):
            await client.accounts.list()


async def test_a_dead_grant_inside_an_outage_is_still_a_dead_grant() -> None:
    async with on_sim() as sim:
        sim.auth.refresh_ttl = LIFE - 35  # the refresh token dies while the endpoint is down
        async with bot(sim, token=signed_in(sim)) as client:
            sim.advance(LIFE - 40)
            answers_503(sim)
            assert await client.accounts.list()
            sim.faults.server_errors.clear()
            sim.advance(client.config.retry.max_backoff)
            before = sim.requests[TOKEN]
            assert await client.accounts.list()  # refused for good: served to its end, as before
            assert await client.accounts.list()
            assert sim.requests[TOKEN] - before == 1
            sim.advance(40)
            with pytest.raises(ReauthenticationRequired):
                await client.accounts.list()


async def test_a_token_endpoint_that_does_not_answer_holds_the_calls_a_moment_only(
    loop_clock: Callable[[], float], caplog: pytest.LogCaptureFixture
) -> None:
    async with on_sim() as sim, bot(sim, token=signed_in(sim)) as client:
        token = await client.auth.token()
        sim.advance(LIFE - 30)
        sim.faults.stall_token_requests = 1_000  # asked, never answered
        before, started = sim.token_requests, loop_clock()
        with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
            results = await asyncio.gather(*(client.accounts.list() for _ in range(100)))
            assert len(results) == 100
            assert loop_clock() - started == pytest.approx(RENEWAL_PATIENCE)
            assert await client.accounts.list()  # the renewal still in flight: at once
            assert loop_clock() - started == pytest.approx(RENEWAL_PATIENCE)
        assert sim.token_requests - before == 1
        assert (await client.auth.token()).access_token == token.access_token
        (warning,) = warnings_of(caplog)
        assert "RequestTimeoutError" in warning


class CountedStore(MemoryTokenStore):
    """A memory store that counts its loads (a Redis store makes a GET of each)."""

    def __init__(self, token: Token | None = None) -> None:
        super().__init__(token)
        self.loads = 0

    async def load(self) -> Token | None:
        self.loads += 1
        return await super().load()


async def test_calls_served_through_an_outage_do_not_read_the_store_each() -> None:
    """While the backoff runs, the token in hand is served from memory as outside an outage:
    the store is read at each renewal attempt, not at each call."""
    async with on_sim() as sim:
        store = CountedStore(signed_in(sim))
        async with bot(sim, token_store=store) as client:
            assert await client.accounts.list()
            sim.advance(LIFE - MARGIN + 1)
            answers_503(sim)
            assert await client.accounts.list()  # the first renewal fails: the outage begins
            loads = store.loads
            for _ in range(4):  # 4 x 250 calls, a renewal attempt after each backoff
                for _ in range(250):
                    assert await client.accounts.list()
                sim.advance(client.config.retry.max_backoff)
            assert store.loads - loads <= 3 * 4  # a renewal reads the store twice or so
            assert client.auth.refreshes == 0


async def test_a_token_stored_elsewhere_during_an_outage_is_used_at_the_next_attempt() -> None:
    """Another process renewed meanwhile (its token endpoint answered): its token is taken
    from the store when the backoff ends, without a grant of this process."""
    async with on_sim() as sim:
        store = CountedStore(signed_in(sim))
        async with bot(sim, token_store=store) as client:
            sim.advance(LIFE - MARGIN + 1)
            answers_503(sim)
            assert await client.accounts.list()
            elsewhere = signed_in(sim)
            await store.save(elsewhere)
            sim.advance(client.config.retry.max_backoff)
            before = sim.requests[TOKEN]
            assert await client.accounts.list()
            assert (await client.auth.token()).access_token == elsewhere.access_token
            assert sim.requests[TOKEN] == before


async def test_calls_while_a_slow_renewal_runs_do_not_read_the_store_each(
    loop_clock: Callable[[], float],
) -> None:
    """A token endpoint that does not answer: once a call stopped waiting for the renewal
    (:data:`RENEWAL_PATIENCE`), the calls go on with the token in hand from memory, the
    store untouched until the renewal ends."""
    async with on_sim() as sim:
        store = CountedStore(signed_in(sim))
        async with bot(sim, token_store=store) as client:
            token = await client.auth.token()
            sim.advance(LIFE - 30)
            sim.faults.stall_token_requests = 1_000  # asked, never answered
            assert await client.accounts.list()  # after RENEWAL_PATIENCE, the token in hand
            loads, started = store.loads, loop_clock()
            for _ in range(1000):
                assert await client.accounts.list()
            assert loop_clock() - started < 1.0
            assert store.loads == loads
            assert (await client.auth.token()).access_token == token.access_token
            assert sim.token_requests == 1
