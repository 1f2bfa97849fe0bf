"""``ClientConfig(rate_limit=...)`` in one process: calls wait for their turn, within their
timeout; order writes go first; a 429's ``Retry-After`` holds back the calls that follow."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from stream_helpers import FakeTime, until

from aries_async import AriesClient, RateLimit
from aries_async.config import RetryPolicy
from aries_async.errors import ConfigurationError, RateLimitError, RequestTimeoutError
from aries_async.http.budget import LocalRateBudget, Pacer
from aries_async.models import Quote
from aries_async.sim import RateLimitFault, ServerErrorFault, Simulator

QUOTES = ("GET", "/v1/chart/quotes")


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_an_order_waiting_goes_before_the_quote_polls_waiting(fake_time: FakeTime) -> None:
    budget = LocalRateBudget(sleep=fake_time.sleep, monotonic=fake_time.clock)
    pacer = Pacer(
        RateLimit(per_second=1000, burst=100),
        budget,
        app="app",
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )
    await budget.pause("app:*", 1.0)  # the first call holds its turn through the pause
    done: list[str] = []
    deadline = fake_time.now + 30

    async def call(name: str, method: str, path: str) -> None:
        await pacer.wait(method, "http://h" + path, deadline)
        done.append(name)

    tasks = [asyncio.create_task(call(f"quote{n}", *QUOTES)) for n in range(3)]
    await _settle()
    tasks.append(asyncio.create_task(call("order", "POST", "/v1/orders")))
    tasks.append(asyncio.create_task(call("cancel", "POST", "/v1/orders/cancel")))
    await _settle()
    assert done == []
    fake_time.advance(1.0)
    await asyncio.gather(*tasks)
    assert done == ["quote0", "order", "cancel", "quote1", "quote2"]


async def test_first_come_first_served_without_priority(fake_time: FakeTime) -> None:
    budget = LocalRateBudget(sleep=fake_time.sleep, monotonic=fake_time.clock)
    limit = RateLimit(per_second=1000, burst=100, priority=())
    pacer = Pacer(limit, budget, app="a", sleep=fake_time.sleep, monotonic=fake_time.clock)
    await budget.pause("a:*", 1.0)
    done: list[str] = []

    async def call(name: str, method: str, path: str) -> None:
        await pacer.wait(method, "http://h" + path, fake_time.now + 30)
        done.append(name)

    first = asyncio.create_task(call("quote", *QUOTES))
    await _settle()
    second = asyncio.create_task(call("quote2", *QUOTES))
    await _settle()
    third = asyncio.create_task(call("order", "POST", "/v1/orders"))
    await _settle()
    fake_time.advance(1.0)
    await asyncio.gather(first, second, third)
    assert done == ["quote", "quote2", "order"]


async def test_a_turn_handed_over_after_the_deadline_is_refused_unspent(
    fake_time: FakeTime,
) -> None:
    # The holder's pause and the waiter's deadline pass in one jump of the clock (a busy or
    # suspended process): the lane comes to the waiter when its time is already up.
    budget = LocalRateBudget(sleep=fake_time.sleep, monotonic=fake_time.clock)
    limit = RateLimit(per_second=0.01, burst=2)  # two turns, then one every 100 s
    pacer = Pacer(limit, budget, app="a", sleep=fake_time.sleep, monotonic=fake_time.clock)
    await budget.pause("a:*", 10.0)
    url = "http://h/v1/chart/quotes"
    holder = asyncio.create_task(pacer.wait("GET", url, fake_time.now + 30))
    await _settle()
    waiter = asyncio.create_task(pacer.wait("GET", url, fake_time.now + 2))
    await _settle()
    fake_time.advance(10)
    await holder
    with pytest.raises(RequestTimeoutError, match="leaves no turn"):
        await waiter
    await pacer.wait("GET", url, fake_time.now + 0.001)  # the second turn is still there


async def _rate_limited(sim: Simulator, client: AriesClient, retry_after: float) -> None:
    """One quote answered 429 with ``retry_after``: the client records the pause."""
    sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=1, retry_after=retry_after)
    with pytest.raises(RateLimitError):
        await client.market.quote("AAPL")


@pytest.fixture
async def paced(
    sim: Simulator, fake_time: FakeTime
) -> AsyncIterator[tuple[Simulator, AriesClient, FakeTime]]:
    """An entered client paced at 1000 calls a second, without retries, on ``fake_time``."""
    config = sim.client_config(
        rate_limit=RateLimit(per_second=1000, burst=100),
        retry=RetryPolicy(max_attempts=1),
        timeout=30,
    )
    async with AriesClient(
        config, token=sim.issue_token(), sleep=fake_time.sleep, monotonic=fake_time.clock
    ) as client:
        yield sim, client, fake_time


async def test_a_429_holds_back_the_next_calls_for_its_retry_after(
    paced: tuple[Simulator, AriesClient, FakeTime],
) -> None:
    sim, client, fake_time = paced
    await _rate_limited(sim, client, 5)
    assert sim.requests[QUOTES] == 1
    later = asyncio.create_task(client.market.quote("MSFT"))
    await _settle()
    assert fake_time.waiting() == [5.0]
    assert sim.requests[QUOTES] == 1  # nothing sent during the pause
    fake_time.advance(4.9)
    await _settle()
    assert sim.requests[QUOTES] == 1
    fake_time.advance(0.1)
    assert (await later).symbol == "MSFT"
    assert sim.requests[QUOTES] == 2


@pytest.mark.usefixtures("loop_clock")  # the 0.05 s left and the 0.5 s answer: virtual
async def test_a_call_that_waited_for_its_turn_has_only_the_rest_of_its_time(
    paced: tuple[Simulator, AriesClient, FakeTime],
) -> None:
    sim, client, fake_time = paced
    await _rate_limited(sim, client, 29.95)  # the next call waits 29.95 of its 30 s
    sim.faults.route_latency["/v1/chart/quotes"] = 0.5  # a slow answer, longer than what is left
    later = asyncio.create_task(client.market.quote("MSFT"))
    await _settle()
    assert fake_time.waiting() == [pytest.approx(29.95)]
    fake_time.advance(29.95)
    with pytest.raises(RequestTimeoutError):
        await later  # in its last 0.05 s, not after the answer's 0.5 s
    assert sim.requests[QUOTES] == 2


async def test_a_pause_longer_than_the_timeout_fails_the_call_at_once_unsent(
    paced: tuple[Simulator, AriesClient, FakeTime],
) -> None:
    sim, client, fake_time = paced
    await _rate_limited(sim, client, 8)
    with client.timeout(5), pytest.raises(RequestTimeoutError, match="rate limit"):
        await client.market.quote("MSFT")
    assert sim.requests[QUOTES] == 1
    assert fake_time.waiting() == []


async def test_token_requests_do_not_wait_for_the_budget(
    paced: tuple[Simulator, AriesClient, FakeTime],
) -> None:
    sim, client, fake_time = paced
    await _rate_limited(sim, client, 20)
    token = await client.oauth.client_credentials()  # while the calls' budget is paused
    assert token.access_token
    assert sim.token_requests == 1
    assert fake_time.waiting() == []


async def _holder_and_waiter(
    sim: Simulator, client: AriesClient
) -> tuple[asyncio.Task[Quote], asyncio.Task[Quote]]:
    """After a 429 that pauses the budget for 10 s: a call that waits out the pause (the
    holder of the lane) and one behind it with 2 s to live (the waiter)."""
    await _rate_limited(sim, client, 10)
    holder = asyncio.create_task(client.market.quote("MSFT"))
    await _settle()

    async def short() -> Quote:
        with client.timeout(2):
            return await client.market.quote("NVDA")

    waiter = asyncio.create_task(short())
    await _settle()
    return holder, waiter


@pytest.mark.parametrize("one_jump", [False, True], ids=["deadline-first", "in-one-jump"])
async def test_a_call_waiting_behind_another_is_not_sent_after_its_deadline(
    paced: tuple[Simulator, AriesClient, FakeTime], one_jump: bool
) -> None:
    """The waiter's 2 s pass while the holder waits out the pause: it ends at its deadline.
    When the pause and its deadline pass in one jump of the clock (a busy or suspended
    process), the lane comes to it when its time is already up: it is refused then, without
    spending the turn. Either way it sends nothing."""
    sim, client, fake_time = paced
    holder, waiter = await _holder_and_waiter(sim, client)
    fake_time.advance(10 if one_jump else 2)
    with pytest.raises(RequestTimeoutError, match="leaves no turn" if one_jump else "rate limit"):
        await waiter
    if not one_jump:
        assert sim.requests[QUOTES] == 1
        fake_time.advance(8)
    assert (await holder).symbol == "MSFT"
    assert sim.requests[QUOTES] == 2  # the 429 and the holder's: the waiter sent nothing


async def test_a_retry_waits_for_its_turn_like_a_first_attempt(
    sim: Simulator, fake_time: FakeTime
) -> None:
    # Two clients of one app share a budget (as a fleet's processes do): the other one's 429
    # pauses the budget while ours waits to retry a 503; the retry waits for the pause too.
    budget = LocalRateBudget(sleep=fake_time.sleep, monotonic=fake_time.clock)

    def client(attempts: int) -> AriesClient:
        retry = RetryPolicy(jitter=0.0, max_attempts=attempts)
        limit = RateLimit(per_second=1000, burst=100)
        return AriesClient(
            sim.client_config(rate_limit=limit, retry=retry, timeout=30),
            token=sim.issue_token(),
            sleep=fake_time.sleep,
            monotonic=fake_time.clock,
            rate_budget=budget,
        )

    async with client(3) as ours, client(1) as other:
        sim.faults.server_errors["GET /v1/chart/quotes"] = ServerErrorFault(count=1)
        call = asyncio.create_task(ours.market.quote("MSFT"))
        await until(lambda: fake_time.waiting() == [0.5])  # the 503's backoff
        await _rate_limited(sim, other, 5)
        fake_time.advance(0.5)
        await until(lambda: fake_time.waiting() == [4.5])  # the rest of the pause
        assert sim.requests[QUOTES] == 2  # the 503 and the 429: the retry is not sent yet
        fake_time.advance(4.5)
        assert (await call).symbol == "MSFT"
    assert sim.requests[QUOTES] == 3


async def test_route_budgets_are_separate(sim: Simulator, fake_time: FakeTime) -> None:
    limit = RateLimit(per_second=1000, burst=100, routes={"/v1/chart": 1000})
    config = sim.client_config(rate_limit=limit, retry=RetryPolicy(max_attempts=1))
    async with AriesClient(
        config, token=sim.issue_token(), sleep=fake_time.sleep, monotonic=fake_time.clock
    ) as client:
        await _rate_limited(sim, client, 5)
        # The quotes' budget is paused; the default budget is not.
        assert (await client.market.status()) is not None
        with client.timeout(1), pytest.raises(RequestTimeoutError):
            await client.market.quote("AAPL")


def test_a_rate_budget_needs_a_rate_limit() -> None:
    with pytest.raises(ConfigurationError, match="rate_limit"):
        AriesClient(rate_budget=LocalRateBudget())
