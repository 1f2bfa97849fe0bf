"""How the client behaves under each HTTP fault of the simulator, and the pytest plugin."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aries_async import AriesClient, MemoryTokenStore, OrderRequest, RetryPolicy
from aries_async.auth.tokens import Token
from aries_async.errors import (
    ConfigurationError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    ValidationError,
)
from aries_async.sim import ManualClock, RateLimitFault, ServerErrorFault, Simulator
from aries_async.sim.unanswered import UnansweredConnects
from aries_async.testing import RecordingSleep


async def test_plugin_fixtures_rate_limit_is_waited_out(
    aries_sim: Simulator, aries_client: AriesClient, loop_clock: Callable[[], float]
) -> None:
    # On virtual time: the retry waits the policy's backoff (0.5 s at most) for real otherwise.
    started = loop_clock()
    aries_sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=1, retry_after=0)
    quotes = await aries_client.market.quotes(["AAPL"])
    assert quotes["AAPL"].last_price is not None
    assert aries_sim.requests[("GET", "/v1/chart/quotes")] == 2
    assert 0.375 <= loop_clock() - started < 1.0


async def test_retry_after_is_honoured_and_capped() -> None:
    sleep = RecordingSleep()
    policy = RetryPolicy(jitter=0.0, retry_after_cap=10.0)
    async with Simulator(seed=1) as sim:
        cfg = sim.client_config(retry=policy)
        async with AriesClient(cfg, token=sim.issue_token(), sleep=sleep) as client:
            sim.faults.rate_limit["/v2/users/me/accounts"] = RateLimitFault(count=2, retry_after=4)
            assert await client.accounts.list()
            assert sleep.waits == [4.0, 4.0]
            sim.faults.rate_limit["/v2/users/me/accounts"] = RateLimitFault(count=1, retry_after=10)
            assert await client.accounts.list()  # as long as the cap is still waited out
            assert sleep.waits == [4.0, 4.0, 10.0]
            sim.faults.rate_limit["/v2/users/me/accounts"] = RateLimitFault(count=1, retry_after=60)
            with pytest.raises(RateLimitError) as info:
                await client.accounts.list()
            assert info.value.retry_after == 60.0


@pytest.mark.parametrize("http_date", [False, True], ids=["seconds", "http-date"])
@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_of_a_429_or_a_503_is_honoured_and_capped(
    status: int, http_date: bool
) -> None:
    def fault(seconds: float) -> RateLimitFault | ServerErrorFault:
        if status == 429:
            return RateLimitFault(count=1, retry_after=seconds)
        return ServerErrorFault(count=1, status=status, retry_after=seconds)

    sleep = RecordingSleep()
    policy = RetryPolicy(jitter=0.0, retry_after_cap=10.0)
    async with Simulator(seed=1) as sim:  # the wall clock, which an HTTP date is read against
        sim.faults.retry_after_http_date = http_date
        cfg = sim.client_config(retry=policy)
        async with AriesClient(cfg, token=sim.issue_token(), sleep=sleep) as client:
            key = "rate_limit" if status == 429 else "server_errors"
            getattr(sim.faults, key)["/v2/users/me/accounts"] = fault(6)
            assert await client.accounts.list()
            (wait,) = sleep.waits  # an HTTP date says whole seconds, rounded up
            assert 5.0 < wait < 7.0 if http_date else wait == 6.0
            getattr(sim.faults, key)["/v2/users/me/accounts"] = fault(60)
            with pytest.raises(RateLimitError if status == 429 else ServerError) as info:
                await client.accounts.list()  # past the cap: raised, not retried sooner
            assert info.value.retry_after is not None and info.value.retry_after > 50
            assert len(sleep.waits) == 1


@pytest.mark.parametrize("status", [429, 503])
async def test_an_http_date_retry_after_is_read_against_the_clients_clock(status: int) -> None:
    # The simulator and the client share a manual clock (15 January 2026), months away from
    # the system clock: the date is 6 s after the client's now, whatever time.time() says.
    clock = ManualClock()
    assert abs(time.time() - clock.now()) > 86_400
    sleep = RecordingSleep()
    policy = RetryPolicy(jitter=0.0, retry_after_cap=10.0)
    async with Simulator(seed=1, clock=clock, tick_interval=None) as sim:
        sim.faults.retry_after_http_date = True
        if status == 429:
            sim.faults.rate_limit["/v2/users/me/accounts"] = RateLimitFault(retry_after=6)
        else:
            sim.faults.server_errors["/v2/users/me/accounts"] = ServerErrorFault(retry_after=6)
        cfg = sim.client_config(retry=policy)
        token = sim.issue_token()
        async with AriesClient(cfg, token=token, sleep=sleep, wall_clock=clock.now) as client:
            assert await client.accounts.list()
            assert sleep.waits == [6.0]
            sim.faults.rate_limit["/v2/users/me/accounts"] = RateLimitFault(retry_after=60)
            with pytest.raises(RateLimitError) as info:
                await client.accounts.list()  # past the cap on the client's clock: raised
            assert info.value.retry_after == 60.0
            assert sleep.waits == [6.0]


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "nan"}, 0.5),  # not a wait: the backoff, never "retry now"
        ({"Retry-After": "inf"}, 0.5),
        ({"Retry-After": "-3"}, 0.5),
        ({"Retry-After": "-1", "retry-after-ms": "nan"}, 0.5),
        ({"Retry-After": "3", "retry-after-ms": "nan"}, 3.0),  # the valid one is honoured
        ({"Retry-After": "nan", "retry-after-ms": "1500"}, 1.5),
    ],
)
@pytest.mark.parametrize("status", [429, 503])
async def test_a_malformed_retry_after_is_not_a_wait_of_zero(
    status: int, headers: dict[str, str], wait: float
) -> None:
    sleep = RecordingSleep()
    async with Simulator(seed=1) as sim:
        sim.faults.retry_after_headers = headers
        if status == 429:
            sim.faults.rate_limit["/v2/users/me/accounts"] = RateLimitFault(count=1)
        else:
            sim.faults.server_errors["/v2/users/me/accounts"] = ServerErrorFault(retry_after=1)
        cfg = sim.client_config(retry=RetryPolicy(jitter=0.0))
        async with AriesClient(cfg, token=sim.issue_token(), sleep=sleep) as client:
            assert await client.accounts.list()
        assert sleep.waits == [wait]


@pytest.mark.parametrize("empty_body", [False, True])
async def test_server_error_burst_is_retried_with_backoff(empty_body: bool) -> None:
    sleep = RecordingSleep()
    async with Simulator(seed=1) as sim:
        cfg = sim.client_config(retry=RetryPolicy(jitter=0.0, max_attempts=4))
        async with AriesClient(cfg, token=sim.issue_token(), sleep=sleep) as client:
            sim.faults.server_errors["/v1/chart/quotes"] = ServerErrorFault(
                count=3, status=503, empty_body=empty_body
            )
            assert (await client.market.quote("MSFT")).symbol == "MSFT"
            assert sleep.waits == [0.5, 1.0, 2.0]
            sim.faults.server_errors["/v1/chart/quotes"] = ServerErrorFault(count=4, status=502)
            with pytest.raises(ServerError) as info:
                await client.market.quote("MSFT")
            assert info.value.status == 502


async def test_latency_beyond_the_per_call_timeout_raises_timeout(
    loop_clock: Callable[[], float],
) -> None:
    # On virtual time: the 0.05 s timeout and the 0.3 s latency are the loop's timers.
    async with Simulator(seed=1) as sim:
        cfg = sim.client_config(retry=RetryPolicy(max_attempts=1))
        async with AriesClient(cfg, token=sim.issue_token()) as client:
            sim.faults.route_latency["/v1/market/status"] = 0.3
            with pytest.raises(RequestTimeoutError):
                await client.request(
                    "GET", "/v1/market/status", params={"exchange": "US"}, timeout=0.05
                )


async def test_waiting_for_a_busy_pool_is_not_a_connect_timeout(
    loop_clock: Callable[[], float],
) -> None:
    # One pooled connection, held 0.2 s by a slow answer: the second call waits for it far
    # longer than the connect timeout, which bounds opening a connection, not that wait. On
    # virtual time, so that opening the connection on a loaded machine does not itself take
    # longer than the 0.02 s (a retried connect, seen under load).
    sleep = RecordingSleep()
    async with Simulator(seed=1) as sim:
        cfg = sim.client_config(pool_size=1, connect_timeout=0.02)
        async with AriesClient(cfg, token=sim.issue_token(), sleep=sleep) as client:
            sim.faults.route_latency["GET /v1/chart/quotes"] = 0.2
            first, second = await asyncio.gather(
                client.market.quote("AAPL"), client.market.quote("MSFT")
            )
    assert (first.symbol, second.symbol) == ("AAPL", "MSFT")
    assert sleep.waits == []  # nothing failed and was retried
    assert sim.requests[("GET", "/v1/chart/quotes")] == 2


@pytest.mark.usefixtures("loop_clock")  # the connect timeout: virtual
async def test_a_connect_timeout_says_the_request_was_not_sent() -> None:
    """aiohttp's ``ConnectionTimeoutError`` ends a call before any byte of it was written,
    whichever session sent it (an order write's traced one, or the plain one)."""
    async with Simulator(seed=1) as sim:
        cfg = sim.client_config(retry=RetryPolicy(max_attempts=1), connect_timeout=1.0)
        async with AriesClient(cfg, token=sim.issue_token()) as client:
            async with UnansweredConnects(sim):
                with pytest.raises(RequestTimeoutError) as info:
                    await client.market.quote("AAPL")
            assert info.value.request_sent is False
            assert sim.requests[("GET", "/v1/chart/quotes")] == 0
            assert (await client.market.quote("AAPL")).symbol == "AAPL"


async def test_quotes_of_one_string_is_one_symbol_not_its_letters() -> None:
    async with Simulator(seed=1) as sim:
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            quotes = await client.market.quotes("aapl")
        assert list(quotes) == ["AAPL"]
        assert sim.requests[("GET", "/v1/chart/quotes")] == 1


START = datetime.now(UTC) - timedelta(days=1)
QUARTER = timedelta(days=91)
TAGGED = OrderRequest(
    account_id="TEST-SIM-001", symbol="AAPL", side="BUY", type="MARKET", quantity=1, client_id="t"
)


async def _called(call: Any, client: AriesClient) -> None:
    """Call, and await what a coroutine function returned (stream factories are plain)."""
    result = call(client)
    if asyncio.iscoroutine(result):
        await result


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.market.search("a", limit=True), "limit"),
        (lambda c: c.market.status(""), "exchange"),
        (lambda c: c.market.holidays(-1), "exchange"),
        (lambda c: c.orders.find_by_client_id("TEST-SIM-001", " "), "client_id"),
        (lambda c: c.orders.active("TEST-SIM-001", page_size=0), "page_size"),
        (lambda c: c.account_stream(""), "account_id"),
        (lambda c: c.account_stream(5), "account_id"),
        (lambda c: c.accounts.balance(""), "account_id"),
        (lambda c: c.market.search(""), "query"),
        (lambda c: c.market.search("a", limit=0), "limit"),
        (lambda c: c.market.bars("AAPL", "7", 1, 2), "resolution"),
        (lambda c: c.market.bars("AAPL", "D", datetime(2026, 1, 1), 2), "start"),
        (lambda c: c.market.bars("AAPL", "D", 5, 5), "end"),
        (lambda c: c.market.quotes([]), "symbols"),
        (lambda c: c.market.quotes(["AAPL", " "]), "symbol"),
        (lambda c: c.market.quotes(["AAPL,MSFT"]), "symbol"),
        (lambda c: c.market.quote("AAPL,MSFT"), "symbol"),
        (lambda c: c.market.quote("AA PL"), "symbol"),  # the rule of orders and the CLI
        (lambda c: c.market.quotes(["AAPL", "AA\tPL"]), "symbol"),
        (lambda c: c.market.bars("AA\x00PL", "D", 1, 2), "symbol"),
        (lambda c: c.market.option_expirations("A" * 22), "symbol"),
        (lambda c: c.orders.find_by_client_id("TEST-SIM-001", ""), "client_id"),
        (lambda c: c.orders.find_by_client_id("TEST-SIM-001", "t", lookback=QUARTER), "lookback"),
        (lambda c: c.orders.find_placed(TAGGED, since=START - QUARTER), "since"),
        (lambda c: c.orders.history("TEST-SIM-001", START, START + timedelta(days=91)), "end"),
        (lambda c: c.orders.history("TEST-SIM-001", START - timedelta(days=365)), "start"),
        (lambda c: c.orders.history("TEST-SIM-001", datetime(2026, 1, 1)), "start"),
        (lambda c: c.orders.history("TEST-SIM-001", START.isoformat()), "start"),
        (lambda c: c.orders.history("TEST-SIM-001", START, START.date()), "end"),
        (lambda c: c.orders.history("TEST-SIM-001", START, exclude_today="no"), "exclude_today"),
        (lambda c: c.orders.history("TEST-SIM-001", START, cursor=-1), "cursor"),
        (lambda c: c.orders.history("TEST-SIM-001", START, cursor="2"), "cursor"),
    ],
)
async def test_bad_input_is_refused_before_anything_reaches_the_simulator(
    call: Any, field: str
) -> None:
    async with Simulator(seed=1) as sim:
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            before = sum(sim.requests.values())
            with pytest.raises(ValidationError) as info:
                await _called(call, client)
        assert info.value.field == field
        assert sum(sim.requests.values()) == before


def test_the_connect_timeout_survives_a_per_call_timeout() -> None:
    from aries_async.http.exchange import client_timeout

    assert client_timeout(5.0, 2.0).sock_connect == 2.0
    assert client_timeout(1.0, 2.0).sock_connect == 1.0  # never beyond the call's total
    assert client_timeout(5.0, 2.0).connect is None  # no bound on waiting for the pool


@pytest.mark.usefixtures("loop_clock")  # the 0.3 s latency and 0.05 s timeout: virtual
async def test_timeout_block_applies_to_resource_calls() -> None:
    async with Simulator(seed=1) as sim:
        cfg = sim.client_config(retry=RetryPolicy(max_attempts=1))
        async with AriesClient(cfg, token=sim.issue_token()) as client:
            sim.faults.route_latency["/v2/users/me/accounts"] = 0.3
            with client.timeout(0.05), pytest.raises(RequestTimeoutError):
                await client.accounts.list()
            sim.faults.route_latency.clear()
            assert await client.accounts.list()  # the override ended with the block


@pytest.mark.usefixtures("loop_clock")  # the 0.3 s latency and 0.05 s timeout: virtual
async def test_timeout_block_works_with_async_with_too() -> None:
    """``async with``, as for ``asyncio.timeout``, works as ``with`` does."""
    async with Simulator(seed=1) as sim:
        cfg = sim.client_config(retry=RetryPolicy(max_attempts=1))
        async with AriesClient(cfg, token=sim.issue_token()) as client:
            sim.faults.route_latency["/v2/users/me/accounts"] = 0.3
            with pytest.raises(RequestTimeoutError):
                async with client.timeout(0.05):
                    await client.accounts.list()
            sim.faults.route_latency.clear()
            assert await client.accounts.list()
            with pytest.raises(
                ValidationError, match=r"^timeout must be a finite number of seconds > 0"
            ):
                async with client.timeout(0):
                    pass


@pytest.mark.usefixtures("loop_clock")  # the 0.3 s latency and 0.05 s timeout: virtual
async def test_a_caller_timing_out_mid_refresh_does_not_lose_the_rotated_refresh_token() -> None:
    async with Simulator(seed=3) as sim:
        old = sim.issue_token(ttl=0)  # expired on arrival: the next call refreshes
        store = MemoryTokenStore(old)
        async with AriesClient(sim.client_config(), token_store=store) as client:
            sim.faults.route_latency["POST /v1/oauth2/token"] = 0.3
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.auth.token(), timeout=0.05)
            await client.auth.settle()  # the refresh went on without its caller
            saved = await store.load()
            assert saved is not None and saved.access_token != old.access_token
            assert sim.token_requests == 1
            sim.faults.route_latency.clear()
            # The rotated refresh token was saved: no second grant, no sign-in needed.
            assert await client.accounts.list()
            assert sim.token_requests == 1


@pytest.mark.parametrize("attempt_timeout", [None, 0.5], ids=["call-timeout", "attempt-timeout"])
async def test_a_grant_answered_after_the_call_timeout_is_not_lost(
    loop_clock: Callable[[], float], attempt_timeout: float | None
) -> None:
    """The token endpoint rotates the refresh token and answers after the client's timeout
    (a slow endpoint, or a loop too busy to read the answer in time): that answer holds the
    only copy of the new refresh token, so the renewal waits for it, and the client stays
    signed in. The caller that asked still ends at its own timeout. With an attempt timeout
    too: an attempt cut short and retried would present the spent refresh token."""
    async with Simulator(seed=6) as sim:
        old = sim.issue_token(ttl=0)  # expired on arrival: the next call renews it
        store = MemoryTokenStore(old)
        config = sim.client_config(timeout=1.0, attempt_timeout=attempt_timeout)
        async with AriesClient(config, token_store=store, monotonic=loop_clock) as client:
            sim.faults.late_token_answers = 3.0
            started = loop_clock()
            with pytest.raises(RequestTimeoutError, match="access token"):
                await client.accounts.list()
            assert loop_clock() - started == pytest.approx(1.0)
            await client.auth.settle()  # the renewal went on without its caller
            sim.faults.late_token_answers = 0.0
            saved = await store.load()
            assert saved is not None and saved.refresh_token != old.refresh_token
            assert await client.accounts.list()  # no sign-in needed
            assert sim.token_requests == 1


async def test_a_token_that_cannot_be_saved_is_still_used_by_this_process() -> None:
    class ReadOnlyStore(MemoryTokenStore):
        async def save(self, token: Token) -> None:
            raise ConfigurationError("cannot write the token file: Read-only file system")

    async with Simulator(seed=4) as sim:
        store = ReadOnlyStore(sim.issue_token(ttl=0))  # due for a refresh
        async with AriesClient(sim.client_config(), token_store=store) as client:
            with pytest.raises(ConfigurationError, match="Read-only"):
                await client.accounts.list()  # the save failed: said loudly
            assert await client.accounts.list()  # and the new grant is kept in memory
            assert sim.token_requests == 1  # the rotated refresh token was not lost


@pytest.mark.usefixtures("loop_clock")  # the 0.3 s latency and 0.05 s timeout: virtual
async def test_callers_after_a_cancelled_one_join_its_refresh_not_start_another() -> None:
    class UnlockedStore(MemoryTokenStore):  # a store of one's own, with no lock of its own
        @contextlib.asynccontextmanager
        async def lock(self) -> AsyncIterator[None]:
            yield

    async with Simulator(seed=5) as sim:
        store = UnlockedStore(sim.issue_token(ttl=0))  # due for a refresh
        async with AriesClient(sim.client_config(), token_store=store) as client:
            sim.faults.route_latency["POST /v1/oauth2/token"] = 0.3
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.auth.token(), timeout=0.05)
            # The refresh is still on its way; these callers wait for it instead of sending
            # the refresh token again (the server rotates it: a second grant would fail).
            tokens = await asyncio.gather(*(client.auth.token() for _ in range(20)))
            assert len({t.access_token for t in tokens}) == 1
            assert sim.token_requests == 1
