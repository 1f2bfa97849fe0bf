"""The transport under misbehaving servers and hostile input: the call's time budget, a closed
client, the token's origin, ids in paths, the response size cap and pages that never end."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from stream_helpers import FakeTime as StreamFakeTime

from aries_async import (
    AriesClient,
    OrderOutcomeUnknownError,
    OrderRequest,
    RateLimit,
    RetryPolicy,
)
from aries_async.client_options import ConfigOptions
from aries_async.errors import (
    ClientClosedError,
    RateLimitError,
    RequestTimeoutError,
    ResponseTooLargeError,
    ServerError,
    ValidationError,
)
from aries_async.http.budget import LocalRateBudget
from aries_async.sim import RateLimitFault, ServerErrorFault, Simulator
from aries_async.testing import RecordingSleep

ACCOUNT = "TEST-SIM-001"
STATUS = "/v1/market/status"


class FakeTime:
    """A monotonic clock that only moves when the client sleeps (its ``sleep``)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def requests_to(sim: Simulator, path: str) -> int:
    return sum(1 for r in sim.journal if r.raw_path == path)


# -- 9. timeout is the whole call's budget ---------------------------------------------------


async def test_retries_and_waits_stay_inside_the_timeout(sim: Simulator) -> None:
    fake = FakeTime()
    cfg = sim.client_config(retry=RetryPolicy(jitter=0.0, max_attempts=4), timeout=1.0)
    async with AriesClient(cfg, token=sim.issue_token(), sleep=fake.sleep, monotonic=fake) as c:
        sim.faults.server_errors[STATUS] = ServerErrorFault(count=4, status=503)
        with pytest.raises(ServerError):
            await c.market.status()
    # 0.5 s fits in the 1 s budget; the next wait (1 s) would not: the last error is raised.
    assert fake.waits == [0.5]
    assert requests_to(sim, STATUS) == 2


async def test_a_retry_after_beyond_the_budget_is_not_waited_for(sim: Simulator) -> None:
    fake = FakeTime()
    cfg = sim.client_config(retry=RetryPolicy(jitter=0.0), timeout=2.0)
    async with AriesClient(cfg, token=sim.issue_token(), sleep=fake.sleep, monotonic=fake) as c:
        sim.faults.rate_limit[STATUS] = RateLimitFault(count=1, retry_after=5)
        with pytest.raises(RateLimitError):
            await c.market.status()
        with c.timeout(10):  # a block's timeout is a budget too: now the wait fits
            sim.faults.rate_limit[STATUS] = RateLimitFault(count=1, retry_after=5)
            assert await c.market.status()
    assert fake.waits == [5.0]


async def test_a_byte_at_a_time_server_cannot_hold_a_call_past_its_timeout(
    sim: Simulator, loop_clock: Callable[[], float]
) -> None:
    # The body would take 0.02 s a byte, some 2 s in all: the 0.3 s timeout is the whole
    # call's, not a read's (each byte would keep a read timeout from firing).
    cfg = sim.client_config(retry=RetryPolicy(max_attempts=4), timeout=0.3)
    token = sim.issue_token()
    async with AriesClient(cfg, token=token, sleep=RecordingSleep(), monotonic=loop_clock) as c:
        sim.faults.trickle_body[STATUS] = 0.02
        started = loop_clock()
        with pytest.raises(RequestTimeoutError):
            await c.market.status()
        assert loop_clock() - started == pytest.approx(0.3)  # nothing left to retry in
    assert requests_to(sim, STATUS) == 1


async def test_attempt_timeout_leaves_room_for_a_retry(
    sim: Simulator, loop_clock: Callable[[], float]
) -> None:
    cfg = sim.client_config(retry=RetryPolicy(max_attempts=2), timeout=5.0, attempt_timeout=0.15)
    sleep = RecordingSleep()
    async with AriesClient(cfg, token=sim.issue_token(), sleep=sleep, monotonic=loop_clock) as c:
        sim.faults.trickle_body[STATUS] = 0.02
        started = loop_clock()
        with pytest.raises(RequestTimeoutError):
            await c.market.status()
        assert loop_clock() - started == pytest.approx(0.3)  # two attempts of 0.15 s
    assert requests_to(sim, STATUS) == 2
    assert len(sleep.waits) == 1


async def test_attempt_timeout_caps_the_attempts_of_a_call_given_a_longer_timeout(
    sim: Simulator, loop_clock: Callable[[], float]
) -> None:
    cfg = sim.client_config(retry=RetryPolicy(max_attempts=2), timeout=5.0, attempt_timeout=0.15)
    sleep = RecordingSleep()
    async with AriesClient(cfg, token=sim.issue_token(), sleep=sleep, monotonic=loop_clock) as c:
        sim.faults.trickle_body[STATUS] = 0.02
        with c.timeout(30), pytest.raises(RequestTimeoutError):
            await c.market.status()
    assert requests_to(sim, STATUS) == 2  # the first attempt was cut: there was a retry
    assert len(sleep.waits) == 1


# -- 10. aclose() means closed -----------------------------------------------------------------


async def _arrived(sim: Simulator, path: str) -> None:
    """Wait (by polling the journal, not the clock) until ``path`` reached the simulator."""
    for _ in range(2000):
        if requests_to(sim, path):
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"{path} never arrived")


@pytest.mark.parametrize(
    "pool",
    [{}, {"pool_size": 8, "pool_size_per_host": 1}],
    ids=["pool", "per-host pool limit"],
)
async def test_aclose_ends_an_in_flight_call_with_a_typed_error_not_a_retry(
    sim: Simulator, pool: ConfigOptions
) -> None:
    # Under a per-host limit aiohttp's connector would hold the call until its timeout.
    sleep = RecordingSleep()
    client = AriesClient(sim.client_config(**pool), token=sim.issue_token(), sleep=sleep)
    await client.__aenter__()
    sim.faults.route_latency[STATUS] = 3600  # an answer that never comes: only close ends it
    call = asyncio.create_task(client.market.status())
    await _arrived(sim, STATUS)
    await client.aclose()
    with pytest.raises(ClientClosedError):
        await asyncio.wait_for(call, 5)  # reached only if close left the call waiting
    assert requests_to(sim, STATUS) == 1
    assert sleep.waits == []


async def test_aclose_ends_a_retry_wait_at_once(
    sim: Simulator, loop_clock: Callable[[], float]
) -> None:
    config = sim.client_config(retry=RetryPolicy(jitter=0.0, initial_backoff=8))
    client = AriesClient(config, monotonic=loop_clock)
    await client.auth.set_token(sim.issue_token())
    sim.faults.server_errors[STATUS] = ServerErrorFault(count=1)
    started = loop_clock()
    call = asyncio.create_task(client.market.status())
    await asyncio.sleep(1)  # the 503 came back; the 8 s wait before the retry began
    assert requests_to(sim, STATUS) == 1 and not call.done()
    await client.aclose()
    with pytest.raises(ClientClosedError):
        await call
    assert loop_clock() - started == pytest.approx(1)  # at once, not after the wait
    assert requests_to(sim, STATUS) == 1


async def test_a_call_after_aclose_raises_and_opens_no_pool(sim: Simulator) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        await client.market.status()
    session = client._transport._session
    with pytest.raises(ClientClosedError):
        await client.market.status()
    with pytest.raises(ClientClosedError):
        await client.request("GET", STATUS, params={"exchange": "US"})
    assert client._transport._session is session and session is not None and session.closed
    assert requests_to(sim, STATUS) == 1
    await client.aclose()  # closing twice is fine
    with pytest.raises(ClientClosedError):
        async with client:
            pass


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_aclose_ends_the_calls_waiting_for_their_turn_under_the_rate_limit(
    sim: Simulator, fake_time: StreamFakeTime
) -> None:
    config = sim.client_config(
        rate_limit=RateLimit(per_second=1000, burst=100), retry=RetryPolicy(max_attempts=1)
    )
    client = AriesClient(
        config, token=sim.issue_token(), sleep=fake_time.sleep, monotonic=fake_time.clock
    )
    sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=1, retry_after=5)
    with pytest.raises(RateLimitError):
        await client.market.quote("AAPL")  # the budget now pauses for 5 s of fake time
    order = OrderRequest(
        account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity=1, price="1.00"
    )
    calls: list[asyncio.Task[Any]] = [
        asyncio.create_task(client.market.quote("MSFT")),
        asyncio.create_task(client.orders.place(order)),
    ]
    await _settle()
    assert fake_time.waiting()  # waiting for their turns, which never come
    await client.aclose()
    await _settle()
    assert all(call.done() for call in calls)  # at once, not when their turn or time comes
    for call in calls:  # none was sent, the order either: not an unknown outcome
        with pytest.raises(ClientClosedError) as info:
            await call
        assert not info.value.request_sent
    assert fake_time.waiting() == []
    assert requests_to(sim, "/v1/chart/quotes") == 1
    assert requests_to(sim, "/v1/orders") == 0


async def test_aclose_ends_a_retry_waiting_for_its_turn_under_the_rate_limit(
    sim: Simulator, fake_time: StreamFakeTime
) -> None:
    budget = LocalRateBudget(sleep=fake_time.sleep, monotonic=fake_time.clock)
    config = sim.client_config(
        rate_limit=RateLimit(per_second=1000, burst=100), retry=RetryPolicy(jitter=0.0)
    )
    client = AriesClient(
        config,
        token=sim.issue_token(),
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
        rate_budget=budget,
    )
    sim.faults.server_errors[STATUS] = ServerErrorFault(count=1)
    call = asyncio.create_task(client.market.status())
    for _ in range(100_000):  # until the 503 came back and the wait before the retry began
        if fake_time.waiting():
            break
        await asyncio.sleep(0)
    assert fake_time.waiting() == [0.5]
    await budget.pause(f"{sim.client_id}:*", 10.0)  # another process was answered 429
    fake_time.advance(0.5)
    await _settle()
    assert fake_time.waiting() == [9.5]  # the retry waits for its turn
    await client.aclose()
    await _settle()
    assert call.done()
    with pytest.raises(ClientClosedError):
        await call
    assert requests_to(sim, STATUS) == 1


@pytest.mark.usefixtures("loop_clock")  # the 2 s answer and the 1 s bounds: virtual
async def test_aclose_ends_a_call_waiting_for_a_pooled_connection_with_a_typed_error(
    sim: Simulator,
) -> None:
    # Not a bare CancelledError: nobody cancelled the caller (a TaskGroup would take the call
    # for cancelled and drop it silently), and the caller is not left half-cancelled either
    # (an asyncio.timeout() around its next await would misread it).
    client = AriesClient(sim.client_config(pool_size=1), token=sim.issue_token())
    sim.faults.route_latency[STATUS] = 2.0

    async def call(make: Callable[[], Awaitable[object]]) -> tuple[bool, int]:
        with pytest.raises(ClientClosedError) as info:
            await make()
        task = asyncio.current_task()
        assert task is not None
        return info.value.request_sent, task.cancelling()

    holder = asyncio.create_task(call(client.market.status))
    await _arrived(sim, STATUS)
    waiter = asyncio.create_task(call(lambda: client.market.quote("AAPL")))
    order = OrderRequest(
        account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity=1, price="1.00"
    )
    placing = asyncio.create_task(call(lambda: client.orders.place(order)))
    cancelled = asyncio.create_task(client.market.quote("MSFT"))
    await _settle()  # all three waiting for the pool's one connection
    cancelled.cancel()  # by its caller, as the client closes: it stays cancelled
    await client.aclose()
    assert await asyncio.wait_for(holder, 1.0) == (True, 0)
    assert (await asyncio.wait_for(waiter, 1.0))[1] == 0
    # not an unknown outcome: the order never left the pool's queue
    assert await asyncio.wait_for(placing, 1.0) == (False, 0)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert requests_to(sim, "/v1/chart/quotes") == 0
    assert requests_to(sim, "/v1/orders") == 0


# -- 11. the bearer token goes only to the API origin ---------------------------------------


async def test_an_absolute_url_on_another_origin_is_refused_before_sending(
    sim: Simulator,
) -> None:
    # localhost and 127.0.0.1 reach the same simulator but are different origins.
    foreign = sim.base_url.replace("127.0.0.1", "localhost") + "/v1/users/me"
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        for url in (
            foreign,
            sim.base_url.replace("http://", "https://") + "/v1/users/me",
            "http://127.0.0.1:1/v1/users/me",
            sim.base_url + "@localhost:1/v1/users/me",  # the host is localhost
            sim.base_url.replace("://", "://user@") + "/v1/users/me",  # credentials of its own
        ):
            with pytest.raises(ValidationError) as info:
                await client.request("GET", url)
            assert info.value.field == "path"
        assert requests_to(sim, "/v1/users/me") == 0
        assert await client.request("GET", sim.base_url + "/v1/users/me")  # same origin: fine
        # Without the token any URL may be called.
        health = foreign.replace("/v1/users/me", "/health")
        assert await client.request("GET", health, authenticated=False) == {"status": "ok"}
    assert [r.raw_path for r in sim.journal] == ["/v1/users/me", "/health"]


# -- 13. responses have a size cap; big bodies are parsed off the loop -----------------------


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_body_over_the_cap_raises_while_reading(sim: Simulator, chunked: bool) -> None:
    cfg = sim.client_config(max_response_bytes=100_000)
    async with AriesClient(cfg, token=sim.issue_token(), sleep=RecordingSleep()) as client:
        sim.faults.huge_body[STATUS] = 5_000_000
        sim.faults.huge_body_chunked = chunked
        with pytest.raises(ResponseTooLargeError) as info:
            await client.market.status()
        assert info.value.limit == 100_000
        sim.faults.huge_body[STATUS] = 99_000  # under the cap: fine
        assert await client.market.status()
        sim.faults.huge_body[STATUS] = 100_000  # the cap itself: fine
        assert await client.market.status()
        sim.faults.huge_body[STATUS] = 100_001  # one byte over: refused
        with pytest.raises(ResponseTooLargeError):
            await client.market.status()
    assert requests_to(sim, STATUS) == 4  # not retried


@pytest.mark.parametrize("chunked", [False, True])
async def test_the_cap_is_on_the_decoded_body_of_a_gzip_answer(
    sim: Simulator, chunked: bool
) -> None:
    # A few kilobytes on the wire (with their Content-Length, unless chunked) that decode to
    # megabytes: the cap counts what they decode to.
    cfg = sim.client_config(max_response_bytes=100_000)
    async with AriesClient(cfg, token=sim.issue_token(), sleep=RecordingSleep()) as client:
        sim.faults.gzip_body.add(STATUS)
        sim.faults.huge_body[STATUS] = 5_000_000
        sim.faults.huge_body_chunked = chunked
        with pytest.raises(ResponseTooLargeError) as info:
            await client.market.status()
        assert (info.value.limit, info.value.status) == (100_000, 200)
        sim.faults.huge_body[STATUS] = 100_000  # the cap itself, decoded: fine
        assert await client.market.status()
    assert requests_to(sim, STATUS) == 2  # not retried


async def test_the_default_cap_refuses_a_body_announced_larger(sim: Simulator) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        sim.faults.huge_body[STATUS] = 65 * 2**20
        with pytest.raises(ResponseTooLargeError):
            await client.market.status()


async def test_a_large_body_is_decoded_and_parsed_off_the_event_loop(sim: Simulator) -> None:
    threads: list[int] = []

    def spy(data: Any) -> Any:
        threads.append(threading.get_ident())
        return data

    cfg = sim.client_config(offload_parse_bytes=50_000)
    params = {"exchange": "US"}
    async with AriesClient(cfg, token=sim.issue_token()) as client:
        small = await client.request("GET", STATUS, params=params, parse=spy)
        sim.faults.huge_body[STATUS] = 200_000
        large = await client.request("GET", STATUS, params=params, parse=spy)
        chain = await client.market.option_chain("AAPL", (await _expiry(client)))
    assert small["exchange"] == large["exchange"] == "US"
    assert chain.calls
    loop_thread = threading.get_ident()
    assert threads[0] == loop_thread  # a small body is parsed in place...
    assert threads[1] != loop_thread  # ...a large one in a worker thread


async def test_a_type_built_for_the_first_time_is_built_off_the_event_loop(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cattrs writes and compiles a type's code the first time it is built: not on the loop."""
    from aries_async.resources import _base

    threads: list[tuple[str, int]] = []
    parse = _base.Resource._parse

    def spy(data: Any, cls: Any, what: str) -> Any:
        threads.append((what, threading.get_ident()))
        return parse(data, cls, what)

    monkeypatch.setattr(_base, "BUILT_TYPES", set())  # every type cold, as in a new process
    monkeypatch.setattr(_base.Resource, "_parse", staticmethod(spy))
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        for _ in range(2):
            await client.users.me()
            await client.market.search("AAPL")
            await client.accounts.list()
    loop_thread = threading.get_ident()
    first, again = threads[:3], threads[3:]
    assert [what for what, _ in first] == ["user", "search", "accounts"]
    assert all(thread != loop_thread for _, thread in first)
    assert [thread for _, thread in again] == [loop_thread] * 3  # built: cheap, in place


async def _expiry(client: AriesClient) -> Any:
    return (await client.market.option_expirations("AAPL"))[0]


async def test_an_order_in_flight_when_the_client_closes_is_an_unknown_outcome(
    sim: Simulator,
) -> None:
    # The order reached the server (which executes it and never answers): closing the client
    # must not make it look like an order that was never sent.
    client = AriesClient(sim.client_config(), token=sim.issue_token())
    await client.__aenter__()
    sim.faults.swallow_order_response = 1
    sim.faults.swallow_mode = "hang"
    order = OrderRequest(
        account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity=1, price="1.00"
    )
    call = asyncio.create_task(client.orders.place(order))
    await _arrived(sim, "/v1/orders")
    await client.aclose()
    with pytest.raises(OrderOutcomeUnknownError) as info:
        await asyncio.wait_for(call, 1.0)
    assert isinstance(info.value.__cause__, ClientClosedError)
    with pytest.raises(ClientClosedError):  # after close nothing is sent: not unknown
        await client.orders.place(order)
    assert requests_to(sim, "/v1/orders") == 1
