"""A client and the event loops it meets: made outside any loop, used on one, then met by
another (each ``asyncio.run()`` is a new loop, as in a script run twice or a REPL).

A client belongs to the loop it is first used on; another loop gets
:class:`~aries_async.errors.WrongEventLoopError` at once, before anything is sent, instead of
an error from deep inside aiohttp or a hang. The client's loops here run on threads of their
own, so that the test's loop stays free to serve the simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import pytest
from stream_helpers import FakeTime

from aries_async import AriesClient, MemoryTokenStore, Token
from aries_async.errors import AuthenticationError, ClientClosedError, WrongEventLoopError
from aries_async.sim import ServerErrorFault, Simulator
from aries_async.sim.ws import WsHub
from aries_async.testing import capture_logs

T = TypeVar("T")
QUOTES = ("GET", "/v1/chart/quotes")
STATUS = "/v1/market/status"


_LEFT_ON_PURPOSE = ("Unclosed client session", "Unclosed connector", "Task was destroyed")


def quiet_loop() -> asyncio.AbstractEventLoop:
    """A new event loop that does not report what is left on it when it ends: these tests end
    loops under an open client, or in the middle of a call, on purpose (what the garbage
    collector then says of them, "Unclosed client session", "Task was destroyed but it is
    pending", is the scenario, not a leak of the suite). Anything else it reports as usual."""
    loop = asyncio.new_event_loop()

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if not str(context.get("message", "")).startswith(_LEFT_ON_PURPOSE):
            loop.default_exception_handler(context)

    loop.set_exception_handler(handle)
    return loop


async def run_on(loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[T]]) -> T:
    """``call()`` run to its end on ``loop``, driven from a thread (left open: the caller
    closes it, or not)."""

    async def main() -> T:
        return await call()

    return await asyncio.to_thread(loop.run_until_complete, main())


async def in_new_run(call: Callable[[], Awaitable[T]]) -> T:
    """``call()`` under a fresh ``asyncio.run()`` on a thread."""

    async def main() -> T:
        return await call()

    def run() -> T:
        with asyncio.Runner(loop_factory=quiet_loop) as runner:
            return runner.run(main())

    return await asyncio.to_thread(run)


async def test_a_client_made_outside_any_loop_works_on_the_first_and_refuses_the_second(
    sim: Simulator,
) -> None:
    made: list[AriesClient] = []  # made on a thread where no loop runs, as at import time
    await asyncio.to_thread(
        lambda: made.append(AriesClient(sim.client_config(), token=sim.issue_token()))
    )
    (client,) = made

    async def quote() -> str:
        return (await client.market.quote("AAPL")).symbol

    assert await in_new_run(quote) == "AAPL"
    with pytest.raises(WrongEventLoopError, match=r"asyncio\.run") as info:
        await in_new_run(quote)
    assert isinstance(info.value, RuntimeError)  # what asyncio raises for this misuse too
    with pytest.raises(WrongEventLoopError):
        await in_new_run(lambda: client.request("GET", "/v1/market/status"))
    assert sim.requests[QUOTES] == 1  # nothing was sent from the second loop
    # The first loop is closed: closing the client from another one is the way to clean up.
    await in_new_run(client.aclose)
    assert client._transport.closed


async def test_a_second_loop_is_refused_while_the_first_is_still_open(sim: Simulator) -> None:
    # new_event_loop() without close(): the pooled connection still belongs to the first loop.
    first, second = quiet_loop(), quiet_loop()
    try:
        client = AriesClient(sim.client_config(), token=sim.issue_token())

        async def quote() -> str:
            return (await client.market.quote("AAPL")).symbol

        assert await run_on(first, quote) == "AAPL"
        with pytest.raises(WrongEventLoopError, match="another event loop") as info:
            await run_on(second, quote)
        assert "loop scope" in str(info.value)  # the usual cause under pytest-asyncio
        with pytest.raises(WrongEventLoopError):
            await run_on(second, lambda: client.__aenter__())
        with pytest.raises(WrongEventLoopError):  # its connections are the first loop's
            await run_on(second, client.aclose)
        assert await run_on(first, quote) == "AAPL"  # still open, and its own loop's
        await run_on(first, client.aclose)  # where it closes as usual
        with pytest.raises(ClientClosedError):
            await run_on(first, quote)
        assert sim.requests[QUOTES] == 2
    finally:
        first.close()
        second.close()


class LockedElsewhere(MemoryTokenStore):
    """A token store whose lock another process holds for ever."""

    entered = False

    @contextlib.asynccontextmanager
    async def lock(self) -> AsyncIterator[None]:
        self.entered = True
        await asyncio.get_running_loop().create_future()
        yield


@pytest.mark.parametrize("left_in", ["a retry wait", "a token refresh"])
async def test_a_client_whose_loop_closed_in_the_middle_of_a_call_closes_at_once(
    left_in: str, sim: Simulator, fake_time: FakeTime
) -> None:
    # A loop stopped mid-call (Ctrl-C in run_until_complete, then loop.close()) leaves the call
    # waiting, before a retry or for its token, on a loop nothing will run again. Closing the
    # client from the next loop must neither touch that loop nor wait for it.
    sim.faults.server_errors[STATUS] = ServerErrorFault(count=1)
    store = LockedElsewhere(sim.issue_token(ttl=0 if left_in == "a token refresh" else None))
    client = AriesClient(sim.client_config(), token_store=store, sleep=fake_time.sleep)
    stopped = quiet_loop()

    def waiting() -> bool:
        return bool(fake_time.waiting()) or store.entered

    async def start_call() -> asyncio.Task[Any]:
        call = asyncio.create_task(client.market.status())
        for _ in range(100_000):  # until the answer came back, or the refresh began
            if waiting():
                break
            await asyncio.sleep(0)
        assert waiting()
        return call

    try:
        call = await run_on(stopped, start_call)
    finally:
        stopped.close()
    await in_new_run(lambda: asyncio.wait_for(client.aclose(), 5))
    assert client._transport.closed
    # What the garbage collector would do to the call left on the dead loop (its cleanup
    # needs that loop, and says so).
    with contextlib.suppress(RuntimeError):
        call.get_coro().close()


async def test_a_stream_opened_on_another_loop_is_refused_before_connecting(
    sim: Simulator, hub: WsHub
) -> None:
    client = AriesClient(sim.client_config(), token=sim.issue_token())
    await in_new_run(lambda: client.market.quote("AAPL"))

    async def open_stream() -> Any:
        async with client.market_stream():
            raise AssertionError("a stream opened on a loop the client does not belong to")

    with pytest.raises(WrongEventLoopError):
        await in_new_run(open_stream)
    assert hub.connections["market"] == 0
    await in_new_run(client.aclose)


AUTH_CALLS: dict[str, Callable[[AriesClient, Token], Awaitable[object]]] = {
    "token": lambda client, _: client.auth.token(),
    "access_token": lambda client, _: client.auth.access_token(),
    "access_token_other_than": lambda client, token: client.auth.access_token_other_than(
        token.access_token
    ),
    "invalidate": lambda client, token: client.auth.invalidate(token.access_token),
    "set_token": lambda client, _: client.auth.set_token(Token(access_token="other")),
    "save_initial": lambda client, _: client.auth.save_initial(),
    "clear": lambda client, _: client.auth.clear(),
    "settle": lambda client, _: client.auth.settle(),
}


@pytest.mark.parametrize("call", AUTH_CALLS)
async def test_the_auth_session_refuses_another_loop_before_doing_anything(
    call: str, sim: Simulator
) -> None:
    # As a REST call from a second asyncio.run() is: the session's token, its lock and its
    # renewal belong to the client's loop, and its store is the client's.
    token = sim.issue_token()
    store = MemoryTokenStore()
    client = AriesClient(sim.client_config(), token=token, token_store=store)
    await in_new_run(lambda: client.market.quote("AAPL"))
    with pytest.raises(WrongEventLoopError, match=r"asyncio\.run"):
        await in_new_run(lambda: AUTH_CALLS[call](client, token))
    assert client.auth.cached() == token  # nothing done: not renewed, dropped nor replaced
    assert await store.load() == token
    assert sim.token_requests == 0
    await in_new_run(client.aclose)


async def test_the_auth_session_belongs_to_the_loop_of_the_clients_first_call(
    sim: Simulator,
) -> None:
    # A first call that needed no token still gave the client, its auth session included, to
    # its loop: the session may not start a life of its own on another.
    client = AriesClient(sim.client_config(), token=sim.issue_token())
    with contextlib.suppress(AuthenticationError):
        await in_new_run(lambda: client.request("GET", STATUS, authenticated=False))
    assert sim.requests[("GET", STATUS)] == 1
    with pytest.raises(WrongEventLoopError, match=r"asyncio\.run"):
        await in_new_run(client.auth.token)
    await in_new_run(client.aclose)


async def test_a_client_closed_from_the_next_loop_is_not_reported_unclosed(
    sim: Simulator,
) -> None:
    # The README's way: used in one asyncio.run(), closed in the next. aiohttp's session and
    # connector, left open on the ended loop, each said "Unclosed" when collected (an ERROR
    # log record). The ended loop's sockets are its own: asyncio's ResourceWarning for them
    # (hidden by default) is not ours to silence.
    made = [AriesClient(sim.client_config(), token=sim.issue_token())]

    async def quote() -> str:
        return (await made[0].market.quote("AAPL")).symbol

    assert await asyncio.to_thread(asyncio.run, quote()) == "AAPL"
    await asyncio.to_thread(asyncio.run, made[0].aclose())
    with warnings.catch_warnings(record=True) as warned, capture_logs() as logs:
        warnings.simplefilter("always")
        made.clear()
        gc.collect()
    said = [str(w.message) for w in warned] + [r.getMessage() for r in logs.records]
    assert not [line for line in said if "Unclosed" in line], said
