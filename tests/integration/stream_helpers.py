"""Shared by the stream tests: a fake monotonic clock and sleep, a simulator-backed token source,
bounded waits for socket traffic and the streams' own tasks, and the account stream's order
lookups and gaps; raw sockets read one message at a time."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import itertools
import json
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from types import ModuleType
from typing import Any

import aiohttp

from aries_async import AriesClient, Token
from aries_async.errors import ReauthenticationRequired
from aries_async.models.orders import Order
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub, hub_of
from aries_async.streaming import AccountStream, ChartStream, MarketStream, StreamConfig
from aries_async.streaming.accounts import OrderLookup

FREE_PASSES = 20
"""Loop passes :func:`until` looks again after without sleeping, before it sleeps 2 ms a look."""


class WallClockAhead:
    """A wall clock (Unix seconds) ``ahead`` seconds past the real one: a client given it sees
    its tokens due while the simulator, on the real clock, still honours them."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead


class FakeTime:
    """A monotonic clock and a sleep that only move when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        if delay <= 0:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + delay, next(self._seq), future))
        await future

    def waiting(self) -> list[float]:
        """The delays of the sleeps pending now (from the current time)."""
        return [at - self.now for at, _, future in self._timers if not future.done()]

    def advance(self, seconds: float) -> None:
        self.now += seconds
        while self._timers and self._timers[0][0] <= self.now:
            _, _, future = heapq.heappop(self._timers)
            if not future.done():
                future.set_result(None)


class Tokens:
    """A token source backed by the simulator; ``invalidate`` mints a fresh token."""

    def __init__(self, sim: Simulator, ttl: float | None = None) -> None:
        self.sim = sim
        self.ttl = ttl
        self.current = sim.issue_token(ttl=ttl).access_token
        self.calls = 0
        self.invalidated = 0
        self.refused: list[str] = []  # the tokens invalidated, in order
        self.grant_revoked = False
        self.fresh_each_call = False

    async def __call__(self) -> str:
        self.calls += 1
        if self.grant_revoked:
            raise ReauthenticationRequired("the grant was revoked", error="invalid_grant")
        if self.fresh_each_call:
            self.current = self.sim.issue_token(ttl=self.ttl).access_token
        return self.current

    async def invalidate(self, token: str) -> None:
        self.invalidated += 1
        self.refused.append(token)
        if not self.grant_revoked:
            self.current = self.sim.issue_token(ttl=self.ttl).access_token


class GatedTokens:
    """A token provider whose calls wait while the gate is shut (holds a reconnect back)."""

    def __init__(self, sim: Simulator) -> None:
        self.token = sim.issue_token().access_token
        self.calls = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self) -> str:
        self.calls += 1
        await self.gate.wait()
        return self.token


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for socket traffic to make ``predicate`` true."""
    async with asyncio.timeout(timeout):
        passes = 0
        while not predicate():  # polling socket-driven state
            # Loopback traffic between tasks of this loop needs a pass or a few per hop: try
            # those first (a real 2 ms sleep at each look added up to seconds of the suite),
            # then leave the machine to what it has to do elsewhere (a thread, a process).
            await asyncio.sleep(0 if passes < FREE_PASSES else 0.002)
            passes += 1


class CountingLookup:
    """Wraps an order lookup (``client.orders.reconcile``) and records what it was asked."""

    def __init__(self, lookup: OrderLookup, account_id: str | None = None) -> None:
        self.lookup = lookup
        self.account_id = account_id
        self.asked: list[list[str | None]] = []

    async def __call__(self, account_id: str, orders: Sequence[Order]) -> Iterable[Order]:
        assert self.account_id in (None, account_id)
        self.asked.append([o.cl_ord_id for o in orders])
        return await self.lookup(account_id, orders)


async def next_gap(stream: AccountStream, hub: WsHub) -> None:
    """Drop the account socket and wait until the stream has resynced and finished any
    lookup."""
    reconnects, snapshot = stream.reconnects, stream.snapshot
    assert hub.drop("accounts") == 1
    await until(
        lambda: (
            stream.reconnects == reconnects + 1
            and stream.snapshot is not snapshot
            and stream.reconciling == 0
        )
    )


async def take(iterator: AsyncIterator[Any], count: int, timeout: float = 5.0) -> list[Any]:
    out = []
    async with asyncio.timeout(timeout):
        async for item in iterator:
            out.append(item)
            if len(out) >= count:
                break
    return out


async def answered(hub: WsHub, kind: str, stream: Any, subscribes: int) -> None:
    """Until the simulator has read ``subscribes`` subscribe messages in all and the stream has
    read everything the simulator sent before (a round trip)."""
    await until(lambda: hub.subscribes == subscribes)
    malformed = stream.malformed
    assert hub.inject("not json", kind) == 1
    await until(lambda: stream.malformed == malformed + 1)


def resting_order(sim: Simulator, account: str) -> str:
    """A limit buy of 1 KO at 1.00, placed straight into the simulator's books (it rests)."""
    body = {"tradingAccountId": account, "timeInForce": "DAY", "symbol": "KO", "side": "BUY"}
    ack = sim.state.place({**body, "type": "LIMIT", "qty": "1", "price": "1.00"})
    assert ack["success"] is True
    return str(ack["clOrdId"])


def cancel_resting(sim: Simulator, account: str, cl_ord_id: str) -> None:
    """Cancel a :func:`resting_order` in the simulator's books."""
    body = {"tradingAccountId": account, "origClOrdId": cl_ord_id, "symbol": "KO", "side": "BUY"}
    sim.state.cancel({**body, "qty": "1"})
    assert sim.state.order(account, cl_ord_id).status == "CANCELED"


async def read_through(stream: AccountStream, hub: WsHub) -> None:
    """Until the account stream read a line sent after everything the server queued before
    it."""
    malformed = stream.malformed
    assert hub.inject("not json", "accounts") == 1
    await until(lambda: stream.malformed == malformed + 1)


def drained(consumer: Any) -> list[Any]:
    """What ``consumer`` holds now."""
    return [consumer.get_nowait() for _ in range(consumer.pending)]


STREAM_TASKS = ("aries-market-", "aries-accounts-", "aries-charts-")
"""How the tasks of every stream face are named (``aries-<face>-<what>``)."""


async def interrupt_cell(
    close: Callable[[], Awaitable[Any]], under_way: Callable[[], bool] = lambda: True
) -> None:
    """A notebook cell that awaits ``close()`` then goes on, interrupted (its task cancelled)
    once the close waits: the cell must stop there, with its ``CancelledError``.
    ``under_way``: true while the close is still going on, checked before the interrupt."""
    went_on: list[str] = []

    async def cell() -> None:
        await close()
        went_on.append("the statement after the close")  # an order, say

    task = asyncio.ensure_future(cell())
    await asyncio.sleep(0)  # the cell now waits for what the close waits for
    assert under_way()
    task.cancel()  # the notebook's interrupt
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the interrupted cell ended normally")
    assert went_on == []


def own_tasks() -> list[asyncio.Task[Any]]:
    """The streams' tasks still running (supervisor, keep-alive, re-auth, reconcile)."""
    return [
        t for t in asyncio.all_tasks() if t.get_name().startswith(STREAM_TASKS) and not t.done()
    ]


async def held_growth(
    cycle: Callable[[], Awaitable[None]], modules: Iterable[ModuleType], few: int, many: int
) -> int:
    """Bytes allocated in ``modules`` that ``many`` more runs of ``cycle`` leave held beyond
    what ``few`` left: what a long-lived stream would accumulate per run."""
    books = {module.__file__ for module in modules}

    async def runs(count: int) -> int:
        for _ in range(count):
            await cycle()
        gc.collect()  # what only a collection would free is not held
        # Grouped by file first and the books' files picked after: a snapshot's
        # ``filter_traces()`` matches every trace against each file's pattern, which took
        # most of the time of a test of 140 re-authentications.
        held = tracemalloc.take_snapshot().statistics("filename")
        return sum(stat.size for stat in held if stat.traceback[0].filename in books)

    tracemalloc.start()
    try:
        before = await runs(few)
        after = await runs(many)
    finally:
        tracemalloc.stop()
    return after - before


async def subscription_growth(stream: Any, modules: Iterable[ModuleType]) -> int:
    """Bytes allocated in ``modules`` (a stream's subscription books) that 1,000 more
    subscribe/unsubscribe cycles leave held beyond what 100 left: a whole symbol subscribed and
    dropped, and a symbol's trades asked for and dropped (superseding its quotes request)."""

    async def cycle() -> None:
        await stream.subscribe("MSFT")
        await stream.unsubscribe("MSFT")
        await stream.subscribe("AAPL", channels=["trades"])
        await stream.unsubscribe("AAPL", channels=["trades"])

    return await held_growth(cycle, modules, 100, 1_000)


def make_stream(
    kind: str,
    sim: Simulator,
    fake_time: FakeTime,
    config: StreamConfig,
    tokens: Any,
    *,
    account: str | Iterable[str] = "TEST-ACCOUNT-001",
    **extra: Any,
) -> Any:
    """A stream of ``kind`` (``market``, ``charts``, ``accounts``: of ``account``, one or
    several) on ``sim``,
    on ``fake_time``, its tokens from ``tokens``; ``extra``: more keyword arguments of the
    stream."""
    options: dict[str, Any] = {
        "config": config,
        "sleep": fake_time.sleep,
        "monotonic": fake_time.clock,
    }
    if kind == "market":
        return MarketStream(sim.market_ws_url, tokens, **options, **extra)
    if kind == "charts":
        return ChartStream(sim.charts_ws_url, tokens, **options, **extra)
    return AccountStream(sim.accounts_ws_url, tokens, account, **options, **extra)


def chart_whole(sim: Simulator, symbol: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a whole chart quote's ``v`` and a whole chart trade's ``lp``/``v`` of ``symbol``
    (a stock) carry now: the feed's current state under the charts socket's TradingView
    names (websocket.md section 5)."""
    snap = sim.feed.quote(symbol)
    quote = snap.chart_quote_data(sim.feed.info(symbol).exchange, symbol)
    return quote, {"lp": snap.last, "v": snap.last_size}


Socket = aiohttp.ClientWebSocketResponse


class Reader:
    """The messages of a raw socket one at a time (a frame carries several)."""

    def __init__(self, ws: Socket) -> None:
        self.ws = ws
        self.held: list[dict[str, Any]] = []

    async def next(self, wanted: Any = None) -> dict[str, Any]:
        """The next message ``wanted`` accepts (the others skipped)."""
        while True:
            while not self.held:
                lines = (await self.ws.receive_str(timeout=5)).splitlines()
                self.held = [json.loads(line) for line in lines]
            message = self.held.pop(0)
            if wanted is None or wanted(message):
                return message


def action(name: str) -> Any:
    """A ``wanted`` of :meth:`Reader.next`: a message whose ``payload.action`` is ``name``."""
    return lambda m: (m.get("payload") or {}).get("action") == name


async def raw_auth(ws: Socket, sim: Simulator) -> Reader:
    """Authenticate ``ws`` with a fresh token of ``sim``; its reader, past ``authSuccess``."""
    token = sim.issue_token().access_token
    body = {"method": "POST", "path": "/auth", "body": {"token": token}}
    await ws.send_str(json.dumps({"type": "request", "id": "a1", "payload": body}))
    reader = Reader(ws)
    await reader.next(action("authSuccess"))
    return reader


async def until_pong(reader: Reader) -> list[dict[str, Any]]:
    """The messages up to the next pong, that one included."""
    heard = [await reader.next()]
    while heard[-1].get("type") != "pong":
        heard.append(await reader.next())
    return heard


async def _no_sleep(_: float) -> None:
    """A client's retry sleep: a failing token endpoint is given up on at once."""


@contextlib.asynccontextmanager
async def client_on_sim(
    ttl: float, refresh_ttl: float | None = None
) -> AsyncIterator[tuple[AriesClient, Simulator, WsHub]]:
    """A signed-in client on a simulator whose :class:`ManualClock` is the client's wall
    clock, its tokens living ``ttl`` seconds (refresh tokens ``refresh_ttl``, when given)."""
    async with Simulator(seed=5, clock=ManualClock(), tick_interval=None, token_ttl=ttl) as sim:
        if refresh_ttl is not None:
            sim.auth.refresh_ttl = refresh_ttl
        token = Token.from_response(sim.issue_token_response(), now=sim.clock.now())
        client = AriesClient(
            sim.client_config(), token=token, wall_clock=sim.clock.now, sleep=_no_sleep
        )
        async with client:
            yield client, sim, hub_of(sim.app)


def client_stream(
    kind: str, client: AriesClient, fake_time: FakeTime, config: StreamConfig, account: str
) -> Any:
    """The opener of ``client``'s stream of ``kind`` (``market``, ``charts``, ``accounts``:
    of ``account``) on ``fake_time``."""
    options: dict[str, Any] = {
        "config": config,
        "sleep": fake_time.sleep,
        "monotonic": fake_time.clock,
    }
    if kind == "market":
        return client.market_stream(**options)
    if kind == "charts":
        return client.chart_stream(**options)
    return client.account_stream(account, **options)
