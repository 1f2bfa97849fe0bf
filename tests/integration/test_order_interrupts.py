"""A placement interrupted after its order may have reached the server: Ctrl-C in a script
under ``asyncio.run``, a ``KeyboardInterrupt`` raised inside the coroutine, an interrupt that
stops the event loop itself while the placement waits (Ctrl-C in IPython's terminal).

Whatever interrupts it, the user must learn the client id to look the order up by, the
interruption must go on as it came, and the order must never be sent twice. The order is held
in flight by the simulator's ``hold_order_answers`` (executed, its answer not yet sent).

A placement interrupted before its request left (waiting for its turn under the rate limit,
for its token, or inside aiohttp for a pooled connection or its connect) is told apart: the
order was not placed, and no warning says it may have been; the client id is still named.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator
from decimal import Decimal
from typing import Any, Generic, TypeVar

import pytest
from sim_http import Gate
from stream_helpers import FakeTime, until

from aries_async import AriesClient, OrderRequest, RateLimit
from aries_async.config import ClientConfig, RetryPolicy
from aries_async.errors import OrderOutcomeUnknownError, RateLimitError, RequestTimeoutError
from aries_async.http.whole_attempts import whole_attempts
from aries_async.models import OrderAck
from aries_async.sim import RateLimitFault, Simulator

T = TypeVar("T")
PLACE = ("POST", "/v1/orders")
ACCOUNT = "TEST-ACCOUNT-001"


@contextlib.asynccontextmanager
async def order_in_flight(held: Gate) -> AsyncIterator[tuple[Simulator, AriesClient, str]]:
    """A simulator whose order writes wait on ``held`` once executed, a client on it and the
    simulated account's id."""
    async with (
        Simulator(seed=8) as sim,
        AriesClient(sim.client_config(timeout=5), token=sim.issue_token()) as client,
    ):
        account = (await client.accounts.list())[0].id
        assert account
        sim.faults.hold_order_answers = held
        yield sim, client, account


def buy(account: str, client_id: str | None = None) -> OrderRequest:
    return OrderRequest(
        account_id=account,
        symbol="AAPL",
        side="BUY",
        type="MARKET",
        quantity=3,
        client_id=client_id,
    )


def ctrl_c() -> None:
    """What Python's default SIGINT handler does in the frame it interrupts."""
    raise KeyboardInterrupt


def client_id_in(text: str) -> str:
    """The client id a warning or note names (the last quoted word)."""
    client_id = text.split("'")[-2]
    assert client_id.startswith("aa-"), text
    return client_id


class InterruptedWhereItWaits(Generic[T]):
    """Await ``coro``; a cancellation of the task reaches it as a :class:`KeyboardInterrupt`
    instead, raised where it waits (as Python's default SIGINT handler raises one in the frame
    that runs), and the ``KeyboardInterrupt`` that comes out is returned, not raised, so that
    the test's event loop goes on."""

    def __init__(self, coro: Coroutine[Any, Any, T]) -> None:
        self._coro = coro

    def __await__(self) -> Generator[Any, Any, T | KeyboardInterrupt]:
        sent: Any = None
        thrown: BaseException | None = None
        while True:
            try:
                waited = self._coro.send(sent) if thrown is None else self._coro.throw(thrown)
            except StopIteration as done:
                result: T = done.value
                return result
            except KeyboardInterrupt as interrupt:
                return interrupt
            sent, thrown = None, None
            try:
                sent = yield waited
            except asyncio.CancelledError:
                thrown = KeyboardInterrupt()
            except BaseException as exc:  # anything else thrown in goes on as it came
                thrown = exc


async def test_a_keyboard_interrupt_in_a_placement_names_the_client_id_and_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    held = Gate()
    async with order_in_flight(held) as (sim, client, account):

        async def interrupted() -> OrderAck | KeyboardInterrupt:
            return await InterruptedWhereItWaits(client.orders.place(buy(account)))

        task = asyncio.create_task(interrupted())
        async with asyncio.timeout(5):  # the order reached the simulator and is held there
            await held.arrived.wait()
        with caplog.at_level(logging.WARNING, logger="aries_async"):
            task.cancel()  # delivered as a KeyboardInterrupt
            interrupt = await task
        assert type(interrupt) is KeyboardInterrupt  # neither swallowed nor turned into another
        (record,) = [r for r in caplog.records if "interrupted" in r.getMessage()]
        client_id = client_id_in(record.getMessage())
        assert "KeyboardInterrupt" in record.getMessage()
        assert "may have been placed" in record.getMessage()  # it reached the server
        assert [client_id_in(note) for note in interrupt.__notes__] == [client_id]
        found = await client.orders.find_by_client_id(account, client_id)
        assert found is not None and found.quantity == Decimal("3")
        assert sim.requests[PLACE] == 1


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signals: main thread"
)
def test_ctrl_c_under_asyncio_run_reaches_a_placement_as_a_cancellation_naming_the_client_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # asyncio.Runner turns SIGINT into a cancellation of its main task when Python's own
    # handler is in place, as it is in a script; the test runner's may be another.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    held = Gate(lambda: signal.raise_signal(signal.SIGINT))  # Ctrl-C once the order is held
    try:
        with asyncio.Runner() as runner:
            setup = contextlib.AsyncExitStack()
            sim, client, account = runner.run(setup.enter_async_context(order_in_flight(held)))
            try:
                with (
                    caplog.at_level(logging.WARNING, logger="aries_async"),
                    pytest.raises(KeyboardInterrupt) as info,
                ):
                    runner.run(client.orders.place(buy(account)))
                # what asyncio.run raises carries the cancellation that went through place()
                cancelled = info.value.__context__
                assert isinstance(cancelled, asyncio.CancelledError)
                (record,) = [r for r in caplog.records if "cancelled" in r.getMessage()]
                client_id = client_id_in(record.getMessage())
                assert "may have been placed" in record.getMessage()
                assert [client_id_in(note) for note in cancelled.__notes__] == [client_id]
                found = runner.run(client.orders.find_by_client_id(account, client_id))
                assert found is not None and found.quantity == Decimal("3")
                assert sim.requests[PLACE] == 1
            finally:
                runner.run(setup.aclose())
    finally:
        signal.signal(signal.SIGINT, previous)


def test_an_interrupt_that_leaves_the_loop_leaves_the_placement_running_never_resent() -> None:
    # IPython's terminal runs each input on one loop that lasts from input to input, under
    # Python's own SIGINT handler: Ctrl-C while the loop waits for the answer stops the loop,
    # not the placement, which goes on when the next input runs the loop.
    held = Gate(ctrl_c)
    with asyncio.Runner() as runner:
        setup = contextlib.AsyncExitStack()
        sim, client, account = runner.run(setup.enter_async_context(order_in_flight(held)))
        try:
            sim.faults.swallow_order_response = 1  # then the answer is lost: an unknown outcome
            request = buy(account, client_id="my-order-1")  # the user's own tag
            placing: list[asyncio.Task[Any]] = []

            async def cell() -> OrderAck:
                task = asyncio.current_task()
                assert task is not None
                placing.append(task)
                return await client.orders.place(request)

            with pytest.raises(KeyboardInterrupt):
                runner.run(cell())
            (task,) = placing
            assert not task.done()  # in the background, its outcome for nobody to read
            found = runner.run(client.orders.find_by_client_id(account, "my-order-1"))
            assert found is not None and found.quantity == Decimal("3")
            held.set()
            runner.run(asyncio.wait([task]))
            error = task.exception()
            assert isinstance(error, OrderOutcomeUnknownError)
            assert error.client_id == "my-order-1"
            assert sim.requests[PLACE] == 1
            active = runner.run(client.orders.active(account))
            assert [o.client_id for o in active].count("my-order-1") == 1
        finally:
            runner.run(setup.aclose())


# -- interrupted before the request left: not placed ----------------------------------------

Waiting = Callable[[Coroutine[Any, Any, Any]], Awaitable[object]]
"""Given the placement's coroutine: what waits until the placement waits where the test
interrupts it."""


@contextlib.asynccontextmanager
async def waiting_for_its_token(
    _: FakeTime,
) -> AsyncIterator[tuple[Simulator, AriesClient, Waiting]]:
    """A client whose token has expired, its renewal held at the simulator's token endpoint;
    yields the simulator, the client and the wait for the placement to wait for its renewal."""
    held = Gate()
    async with Simulator(seed=8) as sim:
        client = AriesClient(sim.client_config(timeout=5), token=sim.issue_token(ttl=0))
        async with client:
            sim.faults.hold_token_requests = held
            try:
                yield sim, client, lambda _: held.arrived.wait()
            finally:
                held.set()  # the renewal ends, so that closing the client need not wait


@contextlib.asynccontextmanager
async def waiting_for_its_turn(
    fake_time: FakeTime,
) -> AsyncIterator[tuple[Simulator, AriesClient, Waiting]]:
    """A client under a rate limit that a 429 paused for 5 s (of fake time, which never
    moves): yields the simulator, the client and the wait for the placement to wait for its
    turn."""
    async with Simulator(seed=8) as sim:
        config = sim.client_config(
            timeout=60,
            rate_limit=RateLimit(per_second=1000, burst=100),
            retry=RetryPolicy(max_attempts=1),
        )
        client = AriesClient(
            config, token=sim.issue_token(), sleep=fake_time.sleep, monotonic=fake_time.clock
        )
        async with client:
            sim.faults.rate_limit["GET /v1/market/status"] = RateLimitFault(count=1, retry_after=5)
            with pytest.raises(RateLimitError):
                await client.market.status()

            yield sim, client, lambda _: until(lambda: bool(fake_time.waiting()))


STATUS = ("GET", "/v1/market/status")


def waits_in_aiohttp_connector(coro: Coroutine[Any, Any, Any]) -> bool:
    """Whether ``coro`` is suspended inside aiohttp's connector (waiting for a connection):
    some coroutine on the chain of what it awaits runs in ``aiohttp/connector.py``."""
    where = os.path.join("aiohttp", "connector.py")
    awaited: Any = coro
    while awaited is not None and hasattr(awaited, "cr_frame"):
        frame = awaited.cr_frame
        if frame is not None and frame.f_code.co_filename.endswith(where):
            return True
        awaited = awaited.cr_await
    return False


@contextlib.asynccontextmanager
async def waiting_for_a_connection(
    _: FakeTime,
) -> AsyncIterator[tuple[Simulator, AriesClient, Waiting]]:
    """A client with one pooled connection, held by a market-status call whose answer the
    simulator delays: yields the simulator, the client and the wait for the placement to wait
    for that connection (inside aiohttp)."""
    async with Simulator(seed=8) as sim:
        client = AriesClient(sim.client_config(timeout=60, pool_size=1), token=sim.issue_token())
        async with client:
            sim.faults.route_latency["GET /v1/market/status"] = 60  # until the test ends
            holder = asyncio.create_task(client.market.status())
            try:
                await until(lambda: sim.requests[STATUS] == 1)
                yield (
                    sim,
                    client,
                    lambda placing: until(lambda: waits_in_aiohttp_connector(placing)),
                )
            finally:
                holder.cancel()
                await asyncio.wait([holder])


@contextlib.asynccontextmanager
async def waiting_for_its_connect(
    _: FakeTime,
) -> AsyncIterator[tuple[Simulator, AriesClient, Waiting]]:
    """A client whose API is a port that answers no connect (its queue of connections to
    accept is full: the kernel drops the next ones' SYNs, the connect waits for an answer):
    yields the simulator that issued the token, the client and the wait for the placement to
    wait for its connect (inside aiohttp)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)  # room for one connection, never accepted
        host, port = listener.getsockname()
        with socket.create_connection((host, port)):  # takes that room
            async with Simulator(seed=8) as sim:
                config = ClientConfig.for_base_url(f"http://{host}:{port}", timeout=60)
                async with AriesClient(config, token=sim.issue_token()) as client:
                    yield (
                        sim,
                        client,
                        lambda placing: until(lambda: waits_in_aiohttp_connector(placing)),
                    )


def placed_nothing(sim: Simulator) -> bool:
    """Whether no order was sent to the simulator, nor made there."""
    made = [o for o in sim.state.orders[ACCOUNT] if not (o.client_id or "").startswith("seed-")]
    return sim.requests[PLACE] == 0 and made == []


WAITS: dict[str, Callable[[FakeTime], Any]] = {
    "its token": waiting_for_its_token,
    "its turn": waiting_for_its_turn,
    "a pooled connection": waiting_for_a_connection,
    "its connect": waiting_for_its_connect,
}


@pytest.mark.parametrize("where", WAITS)
async def test_a_placement_cancelled_before_it_was_sent_says_not_placed(
    where: str, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    async with WAITS[where](fake_time) as (sim, client, waiting):
        placing = client.orders.place(buy(ACCOUNT))
        task = asyncio.create_task(placing)
        async with asyncio.timeout(5):
            await waiting(placing)
        with caplog.at_level(logging.INFO, logger="aries_async"):
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as info:
                await task
        (note,) = info.value.__notes__
        client_id = client_id_in(note)
        assert "was not placed" in note and "may have been placed" not in note
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert [client_id_in(r.getMessage()) for r in caplog.records] == [client_id]
        assert placed_nothing(sim)


@pytest.mark.parametrize("where", WAITS)
async def test_a_keyboard_interrupt_before_the_placement_was_sent_says_not_placed(
    where: str, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    async with WAITS[where](fake_time) as (sim, client, waiting):
        placing = client.orders.place(buy(ACCOUNT, "mine-1"))

        async def interrupted() -> OrderAck | KeyboardInterrupt:
            return await InterruptedWhereItWaits(placing)

        task = asyncio.create_task(interrupted())
        async with asyncio.timeout(5):
            await waiting(placing)
        with caplog.at_level(logging.WARNING, logger="aries_async"):
            task.cancel()  # delivered as a KeyboardInterrupt
            interrupt = await task
        assert type(interrupt) is KeyboardInterrupt
        (note,) = interrupt.__notes__
        assert "interrupted (KeyboardInterrupt)" in note and "was not placed" in note
        assert "tagged 'mine-1'" in note  # the user's own tag, to check by
        assert caplog.records == []
        assert placed_nothing(sim)


@contextlib.asynccontextmanager
async def connection_held(sim: Simulator, client: AriesClient) -> AsyncIterator[None]:
    """A block in which a call of a minute holds a pooled connection of ``client`` (the only
    one, with ``pool_size=1``); its attempt is not cut at ``attempt_timeout``."""
    sim.faults.route_latency["GET /v1/market/status"] = 60
    with whole_attempts():
        holder = asyncio.create_task(client.request("GET", "/v1/market/status", timeout=60))
    try:
        await until(lambda: sim.requests[STATUS] == 1)
        yield
    finally:
        holder.cancel()
        await asyncio.wait([holder])


@pytest.mark.parametrize(
    ("timeout", "attempt_timeout", "attempts"),
    [(0.5, None, 3), (5.0, 0.5, 2)],
    ids=["one-attempt", "every-attempt"],
)
async def test_a_placement_that_times_out_waiting_for_a_connection_was_not_placed(
    loop_clock: Callable[[], float], timeout: float, attempt_timeout: float | None, attempts: int
) -> None:
    """Out of time while the only pooled connection is busy: nothing of the order left, so
    the answer is the timeout itself, saying so, not an unknown outcome. Each attempt cut at
    ``attempt_timeout`` so: the placement is retried (nothing left), and its last attempt,
    as unsent as its first, is told so too."""
    async with Simulator(seed=8) as sim:
        retry = RetryPolicy(max_attempts=attempts, jitter=0.0)
        config = sim.client_config(
            timeout=timeout, attempt_timeout=attempt_timeout, pool_size=1, retry=retry
        )
        # The call's deadline on the loop's clock too: a retry (nothing was sent) is not
        # begun once the wait for the connection took the whole timeout.
        token = sim.issue_token()
        async with (
            AriesClient(config, token=token, monotonic=loop_clock) as client,
            connection_held(sim, client),
        ):
            started = loop_clock()
            with pytest.raises(RequestTimeoutError) as info:
                await client.orders.place(buy(ACCOUNT))
            assert info.value.request_sent is False
            least = attempts * 0.5 if attempt_timeout else timeout  # every attempt's wait
            assert least <= loop_clock() - started <= timeout + 0.01
            assert placed_nothing(sim)


async def test_a_placement_that_times_out_after_it_was_sent_may_have_been_placed(
    loop_clock: Callable[[], float],
) -> None:
    """The other side: out of time once the order was sent is an unknown outcome."""
    async with Simulator(seed=8) as sim:
        config = sim.client_config(timeout=0.5)
        async with AriesClient(config, token=sim.issue_token()) as client:
            sim.faults.route_latency["POST /v1/orders"] = 60
            with pytest.raises(OrderOutcomeUnknownError) as info:
                await client.orders.place(buy(ACCOUNT))
            assert isinstance(info.value.__cause__, RequestTimeoutError)
            assert info.value.__cause__.request_sent is True
            assert sim.requests[PLACE] == 1
