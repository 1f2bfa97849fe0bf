"""The retry table at the transport seam, against the simulator's faults: a 408, a sequence of
different 5xx, a reset or a timeout of one request, a 400 on a read, a connection refused then
accepted. The other failures the simulator injects are in
``tests/integration/test_client_requests.py`` and ``test_client_faults.py``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from aries_async import AriesClient, OrderRequest, RetryPolicy
from aries_async.errors import (
    BadRequestError,
    ConnectionFailedError,
    OrderOutcomeUnknownError,
    RequestTimeoutError,
)
from aries_async.http.retry import should_retry
from aries_async.sim import ServerErrorFault, Simulator
from aries_async.testing import RecordingSleep

ACCOUNTS = ("GET", "/v2/users/me/accounts")
PLACE = ("POST", "/v1/orders")
ACCOUNT = "TEST-SIM-001"


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(tick_interval=None) as simulator:
        yield simulator


def make_client(sim: Simulator, sleep: RecordingSleep, **config: Any) -> AriesClient:
    cfg = sim.client_config(**{"retry": RetryPolicy(jitter=0.0), **config})
    return AriesClient(cfg, token=sim.issue_token(), sleep=sleep)


def order(client_id: str | None = None) -> OrderRequest:
    market: dict[str, Any] = {"symbol": "AAPL", "side": "BUY", "type": "MARKET"}
    return OrderRequest(account_id=ACCOUNT, quantity=1, client_id=client_id, **market)


@pytest.mark.parametrize(
    ("failures", "expect_error", "attempts", "waits"),
    [
        ([408], None, 2, [0.5]),
        ([502, 504], None, 3, [0.5, 1.0]),
        ([400], BadRequestError, 1, []),
    ],
)
async def test_retry_table_for_idempotent_calls(
    sim: Simulator,
    failures: list[int],
    expect_error: type[Exception] | None,
    attempts: int,
    waits: list[float],
) -> None:
    # Each failure under its own spelling of the route: the fault middleware answers with the
    # first one that still has a count, so they come one after the other.
    routes = iter(["GET /v2/users/me/accounts", "/v2/users/me/accounts"])
    for status in failures:
        sim.faults.server_errors[next(routes)] = ServerErrorFault(count=1, status=status)
    sleep = RecordingSleep()
    async with make_client(sim, sleep) as client:
        if expect_error is None:
            accounts = await client.accounts.list()
            assert accounts[0].id
        else:
            with pytest.raises(expect_error):
                await client.accounts.list()
    assert sim.requests[ACCOUNTS] == attempts
    assert sleep.waits == waits


async def test_a_reset_read_is_retried_after_a_wait(sim: Simulator) -> None:
    # aiohttp itself sends an idempotent request again, at once, when its connection closes
    # unanswered (from 3.10 on): two resets in a row reach the client's retry policy.
    sim.faults.drop_connection["GET /v2/users/me/accounts"] = 2
    sleep = RecordingSleep()
    async with make_client(sim, sleep) as client:
        assert (await client.accounts.list())[0].id
    assert sim.requests[ACCOUNTS] == 3
    assert sleep.waits[0] == 0.5


@pytest.mark.parametrize("mode", ["drop", "hang"])
@pytest.mark.looptime(start=time.monotonic)  # the 0.2 s of a hung answer: virtual, not cut short
async def test_place_is_never_retried_after_sending(sim: Simulator, mode: str) -> None:
    sim.faults.swallow_order_response = 1
    sim.faults.swallow_mode = mode
    sleep = RecordingSleep()
    async with make_client(sim, sleep) as client:
        with client.timeout(0.2), pytest.raises(OrderOutcomeUnknownError) as info:
            await client.orders.place(order("my-tag-1"))
    assert sim.requests[PLACE] == 1
    assert info.value.client_id == "my-tag-1" and info.value.account_id == ACCOUNT
    if mode == "hang":
        assert isinstance(info.value.__cause__, RequestTimeoutError)
    assert sleep.waits == []
    assert len(sim.state.find_by_client_id("my-tag-1")) == 1  # it did land


async def test_connection_refused_is_not_an_unknown_outcome(sim: Simulator) -> None:
    await sim.stop()  # nothing listens on its port now
    async with make_client(sim, RecordingSleep(), retry=RetryPolicy(max_attempts=1)) as client:
        with pytest.raises(ConnectionFailedError) as info:
            await client.orders.place(order())
    assert info.value.request_sent is False


async def test_connection_refused_names_the_host_and_port(sim: Simulator) -> None:
    """Which server could not be reached, as ``host:port`` (not the URL: no query); the
    error's attributes as ever."""
    await sim.stop()
    where = f"{sim.host}:{sim.port}"
    async with make_client(sim, RecordingSleep(), retry=RetryPolicy(max_attempts=1)) as client:
        with pytest.raises(ConnectionFailedError) as info:
            await client.accounts.list()
    assert str(info.value) == f"GET /v2/users/me/accounts: cannot connect to {where}"
    assert info.value.request_sent is False
    assert info.value.__cause__ is not None


async def test_place_is_retried_when_the_connection_could_not_be_opened(sim: Simulator) -> None:
    await sim.stop()

    class StartOnWait(RecordingSleep):
        """The wait before the retry brings the server up: refused, then accepted."""

        async def __call__(self, seconds: float) -> None:
            await super().__call__(seconds)
            await sim.start()

    sleep = StartOnWait()
    async with make_client(sim, sleep) as client:
        ack = await client.orders.place(order())
    assert ack.cl_ord_id and len(sleep.waits) == 1
    assert sim.requests[PLACE] == 1


@pytest.mark.parametrize("kind", [ConnectionFailedError, RequestTimeoutError])
def test_only_a_request_never_sent_is_retried_for_a_write(
    kind: type[ConnectionFailedError | RequestTimeoutError],
) -> None:
    """A refused connect, or one that timed out (or a wait for a pooled connection), sent
    nothing: safe to retry even for an order write. A failure after sending is not."""
    policy = RetryPolicy()
    never_sent = kind("x", request_sent=False)
    maybe_sent = kind("x", request_sent=True)
    assert should_retry(never_sent, idempotent=False, policy=policy)
    assert not should_retry(maybe_sent, idempotent=False, policy=policy)
    assert should_retry(maybe_sent, idempotent=True, policy=policy)
