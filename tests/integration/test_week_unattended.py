"""A small bot left alone for a simulated week: it must still trade, stream and agree with
REST on the last day as on the first.

The week is Monday 2026-11-23 to Sunday 2026-11-29 (New York): Thanksgiving (Thursday) is a
holiday, Friday closes early (13:00), then a weekend. Access tokens live an hour, so the
client renews them some 170 times and the sockets re-authenticate as often (``refreshAuth``);
refresh tokens live 26 hours, so only their rotation keeps the grant alive. What goes wrong,
and what the bot must see through it:

* every day the market and account sockets drop (every other trading day an order fills
  while the account socket is down): both come back, say so (``StreamDisconnected``, then
  ``StreamConnected``), deliver quotes again, and the streamed positions and cash agree
  with REST's;
* Tuesday evening three sockets in a row drop after three lines (``ws_drop_after``);
* Wednesday evening every socket stalls for half an hour: each stream says once that it
  went stale (the only warnings the week is owed) and reconnects;
* from Wednesday 23:50 to Thursday 01:00 the token endpoint fails: the sessions end
  unrenewed, the streams say so and come back when it answers again;
* Friday's server drops the subscriptions at each re-authentication.

Each trading day the bot reads the market status (REST and the pushed one), checks the
previous close is the last day's close and the day's figures start afresh, places a
marketable order (it fills; the positions agree at once), a resting ``DAY`` order that it
replaces, one it cancels and a ``GTC`` one; after the close the ``DAY`` orders are
``EXPIRED`` on the stream and on REST, the ``GTC`` ones work on, and the day has its daily
bar. At each day's end every order the stream holds is as REST's history says, the
positions and cash agree, the latest quotes are the simulator's, and the loop's tasks, the
open connections and sockets, and the pending timers are no more than on the first day.
Nothing may be logged at WARNING or above that the week does not explain.

It found the simulator's days not rolling (the previous close, the session's values, the
daily bars and the accounts' day figures stayed those of its first day).

Time is the simulator's :class:`~aries_async.sim.ManualClock`, which is also the client's
wall clock and the streams' monotonic clock and sleep (:class:`~virtual_time.VirtualTime`):
the driver moves it three minutes a step and gives the loop :data:`PASSES` passes to carry
what the step caused (no real sleeps), so the week takes a few seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pytest
from virtual_time import VirtualTime

from aries_async import AriesClient, OrderRequest, Token
from aries_async.auth.store import MemoryTokenStore
from aries_async.models.events import StreamConnected, StreamDisconnected
from aries_async.models.orders import CancelRequest, OrderStatus, ReplaceRequest
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK
from aries_async.sim.faults import ServerErrorFault
from aries_async.sim.sessions import is_trading_day, regular_close
from aries_async.sim.ws import WsHub, hub_of
from aries_async.stream_opener import OpenerOptions
from aries_async.streaming import AccountStream, MarketStream, StreamConfig
from aries_async.testing import LogCapture, capture_logs

T = TypeVar("T")

ACCOUNT = "TEST-ACCOUNT-001"
SYMBOLS = ("AAPL", "MSFT", "KO")
FIRST_DAY = date(2026, 11, 23)
DAYS = 7
STEP = 180.0
"""Simulated seconds per driver step."""
TOKEN_TTL = 3600.0
PASSES = 40
"""Loop passes per step: enough for a token request and a re-authentication to complete
within the step that started them, as they would within a second against a real server."""

WAITS = 600.0
"""Simulated seconds the client waits for an answer to its authentication or its account
subscription, and the simulator for an account socket's authentication: longer than a
step, so that an answer that comes within the loop passes of the next step is in time."""

STREAMS = StreamConfig(
    ping_interval=60.0,
    pong_timeout=300.0,
    stale_after=900.0,
    auth_timeout=WAITS,
    request_timeout=WAITS,
)
"""Keep-alive on the scale of the driver's steps; a lost socket is retried after the
default backoff (0.5 s, doubled up to 30 s)."""


def new_york(day: date, at: time) -> float:
    return datetime.combine(day, at, NEW_YORK).timestamp()


@attrs.define
class Seen:
    """What the bot's consumers read from a stream."""

    quotes: int = 0
    events: Counter[str] = attrs.Factory(Counter)
    disconnects: int = 0
    connects: int = 0


@attrs.define
class DayEnd:
    day: date
    tasks: int
    names: list[str]
    connections: int
    sockets: int
    orders_kept: int
    timers: int


class Week:
    """The driver: moves time, holds the bot's client and streams and what they saw."""

    def __init__(self, sim: Simulator, time_: VirtualTime, client: AriesClient) -> None:
        self.sim = sim
        self.hub: WsHub = hub_of(sim.app)
        self.time = time_
        self.client = client
        self.market: MarketStream | None = None
        self.account: AccountStream | None = None
        self.seen = {"market": Seen(), "account": Seen()}
        self.tasks: list[asyncio.Task[Any]] = []
        self.failures: list[str] = []
        self.gtc: list[str] = []
        self.day_ends: list[DayEnd] = []
        self.last_close: Decimal | None = None
        self.explained: set[int] = set()
        """Ids of the log records the scenario's own trouble explains (a stall's)."""
        self.logs: LogCapture | None = None

    # -- time -------------------------------------------------------------------------------

    async def settle(self) -> None:
        # Loopback traffic needs a loop pass per hop (server write, client read, answer):
        # a few passes carry what one step caused, without waiting on the real clock.
        for _ in range(PASSES):
            await asyncio.sleep(0)

    async def step(self, seconds: float = STEP) -> None:
        self.sim.advance(seconds)
        self.hub.check_deadlines()
        self.time.wake()
        await self.settle()

    async def move_to(self, when: float) -> None:
        while (left := when - self.time.now()) > 0:
            await self.step(min(STEP, left))

    async def until(self, predicate: Callable[[], bool], what: str, steps: int = 60) -> bool:
        """Step (a few simulated seconds each) until ``predicate`` holds."""
        for _ in range(steps):
            for _ in range(20):
                if predicate():
                    return True
                # Loop passes, not real sleeps: what a predicate waits for here came with the
                # last step's passes or needs the next step (a real 1 ms at each look made a
                # quarter of the week's time, and never once ended a wait).
                await asyncio.sleep(0)
            await self.step(5.0)
        self.failures.append(f"{self.today()}: {what}")
        return False

    async def during(self, call: Awaitable[T]) -> T:
        """Await ``call`` while time goes on (a fill needs a step of the walk)."""
        task = asyncio.ensure_future(call)
        for _ in range(200):
            if task.done():
                break
            await self.step(5.0)
        return await asyncio.wait_for(task, 5.0)

    def today(self) -> str:
        return datetime.fromtimestamp(self.time.now(), NEW_YORK).strftime("%a %m-%d %H:%M")

    # -- the bot's streams ------------------------------------------------------------------

    async def _status(self, stream: Any, seen: Seen) -> None:
        async for event in stream.status():
            if isinstance(event, StreamDisconnected):
                seen.disconnects += 1
            elif isinstance(event, StreamConnected):
                seen.connects += 1

    async def _quotes(self, stream: MarketStream, seen: Seen) -> None:
        async for _ in stream.quotes():
            seen.quotes += 1

    async def _events(self, stream: AccountStream, seen: Seen) -> None:
        async for event in stream.events():
            seen.events[type(event).__name__] += 1

    async def open_streams(self, stack: AsyncExitStack) -> None:
        options: OpenerOptions = {
            "config": STREAMS,
            "sleep": self.time.sleep,
            "monotonic": self.time.now,
        }
        self.market = await stack.enter_async_context(self.client.market_stream(**options))
        self.account = await stack.enter_async_context(
            self.client.account_stream(ACCOUNT, **options)
        )
        await self.market.subscribe(list(SYMBOLS), channels=["quotes"])
        for name, coro in (
            ("market-status", self._status(self.market, self.seen["market"])),
            ("account-status", self._status(self.account, self.seen["account"])),
            ("market-quotes", self._quotes(self.market, self.seen["market"])),
            ("account-events", self._events(self.account, self.seen["account"])),
        ):
            self.tasks.append(asyncio.create_task(coro, name=f"bot-{name}"))

    # -- a trading day ----------------------------------------------------------------------

    def order(self, symbol: str, price: Decimal, tif: str = "DAY") -> OrderRequest:
        return OrderRequest(
            account_id=ACCOUNT,
            symbol=symbol,
            side="BUY",
            type="LIMIT",
            quantity=1,
            price=price,
            time_in_force=tif,
        )

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(f"{self.today()}: {what}")

    async def morning(self, day: date) -> list[str]:
        """Trade: returns the DAY orders that should expire at the close."""
        client, account = self.client, self.account
        assert account is not None
        status = await client.market.status()
        self.check(status.is_open is True, f"market status at the open: {status}")
        pushed = self.market.market_status if self.market is not None else None
        self.check(pushed is not None and pushed.is_open, f"pushed market status: {pushed}")
        quote = await client.market.quote("AAPL")
        assert quote.ask_price is not None
        if self.last_close is not None:  # a new session: from yesterday's close, afresh
            self.check(
                quote.previous_close_price == self.last_close,
                f"previous close {quote.previous_close_price}, the last close {self.last_close}",
            )
            balance = await client.accounts.balance(ACCOUNT)
            self.check(
                balance.value_bought == 0 and balance.day_realized_pnl == 0,
                f"the day's figures at the open: {balance}",
            )
        ack = await client.orders.place(self.order("AAPL", quote.ask_price + Decimal("1.00")))
        self.check(ack.accepted, f"marketable order refused: {ack}")
        assert ack.cl_ord_id is not None
        filled = await self.during(account.wait_for_order(ack, timeout=600))
        self.check(filled.ord_status == OrderStatus.FILLED, f"marketable order: {filled}")
        await self.positions_agree("right after a fill")
        resting = await client.orders.place(self.order("KO", Decimal("1.00")))
        assert resting.cl_ord_id is not None
        await self.during(account.wait_for_order(resting, "NEW", timeout=600))
        replaced = await client.orders.replace(
            ReplaceRequest(
                orig_cl_ord_id=resting.cl_ord_id,
                account_id=ACCOUNT,
                symbol="KO",
                price=Decimal("1.10"),
            )
        )
        self.check(replaced.accepted, f"replace refused: {replaced}")
        assert replaced.cl_ord_id is not None
        new = await self.during(account.wait_for_order(replaced.cl_ord_id, "NEW", timeout=600))
        self.check(new.price == Decimal("1.10"), f"replacement's price: {new.price}")
        old = await self.during(account.wait_for_order(resting, timeout=600))
        self.check(old.ord_status == OrderStatus.REPLACED, f"replaced order: {old.ord_status}")
        doomed = await client.orders.place(self.order("KO", Decimal("1.01")))
        assert doomed.cl_ord_id is not None
        await self.during(account.wait_for_order(doomed, "NEW", timeout=600))
        cancel = await client.orders.cancel(
            CancelRequest(
                orig_cl_ord_id=doomed.cl_ord_id, account_id=ACCOUNT, symbol="KO", side="BUY"
            )
        )
        self.check(cancel.accepted, f"cancel refused: {cancel}")
        ended = await self.during(account.wait_for_order(doomed, timeout=600))
        self.check(ended.ord_status == OrderStatus.CANCELED, f"cancelled: {ended.ord_status}")
        gtc = await client.orders.place(self.order("MSFT", Decimal("2.00"), "GTC"))
        assert gtc.cl_ord_id is not None
        await self.during(account.wait_for_order(gtc, "NEW", timeout=600))
        self.gtc.append(gtc.cl_ord_id)
        return [replaced.cl_ord_id]

    async def drop_sockets(self, fill_meanwhile: bool = False) -> None:
        """The market and account sockets drop; both come back, say so, and deliver (and the
        positions agree with REST's, also after a fill the account socket missed)."""
        market, account = self.market, self.account
        assert market is not None and account is not None
        before = {k: attrs.evolve(s) for k, s in self.seen.items()}
        reconnects = (market.reconnects, account.reconnects)
        self.check(self.hub.drop("market") == 1, "no market socket to drop")
        self.check(self.hub.drop("accounts") == 1, "no account socket to drop")
        if fill_meanwhile:
            price = self.sim.feed.quote("KO").last_price
            ack = await self.client.orders.place(self.order("KO", price))
            assert ack.cl_ord_id is not None
            self.sim.feed.set_price("KO", price - Decimal("0.50"))
            order = self.sim.state.order(ACCOUNT, ack.cl_ord_id)
            self.check(order.status == "FILLED", f"the fill while down: {order.status}")
        await self.until(
            lambda: (
                market.connected
                and account.connected
                and (market.reconnects, account.reconnects) > reconnects
            ),
            "the streams did not come back after a drop",
        )
        for kind in ("market", "account"):
            now, was = self.seen[kind], before[kind]
            self.check(
                now.disconnects > was.disconnects and now.connects > was.connects,
                f"{kind} reconnect not reported: {was} -> {now}",
            )
        quotes = self.seen["market"].quotes
        await self.until(lambda: self.seen["market"].quotes > quotes, "no quotes after a drop")
        await self.until(lambda: not account.reconciling, "the account resync does not end")
        await self.positions_agree()

    async def after_close(self, expiring: list[str]) -> None:
        client, account = self.client, self.account
        assert account is not None
        today = datetime.fromtimestamp(self.time.now(), NEW_YORK).date()
        midnight = datetime.combine(today, time(0), UTC)
        bars = await client.market.bars("AAPL", "D", midnight, midnight + timedelta(hours=1))
        self.check(len(bars) == 1, f"the day's bar: {bars}")
        self.last_close = bars[-1].close if bars else None
        await self.until(
            lambda: all(
                (o := account.orders.get(c)) is not None and o.ord_status == OrderStatus.EXPIRED
                for c in expiring
            ),
            f"DAY orders not EXPIRED on the stream: {[account.orders.get(c) for c in expiring]}",
        )
        rest = {o.cl_ord_id: o for o in await client.orders.active(ACCOUNT)}
        for cl in expiring:
            got = rest.get(cl)
            self.check(
                got is not None and got.ord_status == OrderStatus.EXPIRED,
                f"DAY order on REST: {got}",
            )
        for cl in self.gtc:
            on_stream, on_rest = account.orders.get(cl), rest.get(cl)
            self.check(
                on_stream is not None and on_stream.ord_status == OrderStatus.NEW,
                f"GTC order on the stream: {on_stream}",
            )
            self.check(
                on_rest is not None and on_rest.ord_status == OrderStatus.NEW,
                f"GTC order on REST: {on_rest}",
            )
        pushed = self.market.market_status if self.market is not None else None
        self.check(pushed is not None and not pushed.is_open, f"pushed status: {pushed}")
        await self.positions_agree()

    async def positions_agree(self, when: str = "") -> None:
        account = self.account
        assert account is not None
        rest = {
            p.symbol: (p.quantity, p.average_price, p.cost_basis)
            for p in await self.client.accounts.positions(ACCOUNT)
        }
        streamed: dict[str, Any] = {}
        for _ in range(50):  # what the last step sent may still be on its way
            streamed = {
                s: (p.quantity, p.average_price, p.cost_basis) for s, p in account.positions.items()
            }
            if streamed == rest:
                break
            await asyncio.sleep(0.001)
        self.check(streamed == rest, f"positions {when}: stream {streamed}, REST {rest}")
        balance = await self.client.accounts.balance(ACCOUNT)
        mine = account.balance
        self.check(
            mine is not None and mine.cash_balance == balance.cash_balance,
            f"cash {when}: stream {mine and mine.cash_balance}, REST {balance.cash_balance}",
        )

    async def orders_agree(self) -> None:
        """Every order the stream holds is in the state REST's order history says."""
        account = self.account
        assert account is not None
        start = datetime.combine(FIRST_DAY, time(0), NEW_YORK)
        end = datetime.fromtimestamp(self.time.now(), NEW_YORK) + timedelta(days=1)
        rest = {o.cl_ord_id: o async for o in self.client.orders.history(ACCOUNT, start, end)}
        for cl, order in account.orders.items():
            other = rest.get(cl)
            self.check(
                other is not None
                and (other.ord_status, other.cumulative_quantity)
                == (order.ord_status, order.cumulative_quantity),
                f"order {cl}: stream {order.ord_status} {order.cumulative_quantity}, REST "
                + ("none" if other is None else f"{other.ord_status} {other.cumulative_quantity}"),
            )

    def quotes_current(self) -> None:
        market = self.market
        assert market is not None
        for symbol in SYMBOLS:
            latest, now = market.latest(symbol), self.sim.feed.quote(symbol)
            self.check(
                latest is not None and latest.bid_price == now.bid_price,
                f"{symbol}: latest {latest}, the simulator's bid {now.bid_price}",
            )

    async def day_end(self, day: date) -> None:
        account = self.account
        assert account is not None
        # A re-authentication under way (the hourly token) is no growth: counted after it.
        await self.until(
            lambda: not any(t.get_name().endswith("-reauth") for t in asyncio.all_tasks()),
            "a re-authentication does not end",
        )
        await self.orders_agree()
        await self.positions_agree("at the day's end")
        self.quotes_current()
        self.day_ends.append(
            DayEnd(
                day=day,
                tasks=len(asyncio.all_tasks()),
                names=sorted(t.get_name() for t in asyncio.all_tasks()),
                connections=self.sim.open_connections,
                sockets=self.hub.open_sessions(),
                orders_kept=len(account.orders),
                timers=self.time.timers,
            )
        )


@pytest.fixture
async def week() -> AsyncIterator[Week]:
    clock = ManualClock(start=new_york(FIRST_DAY, time(8, 0)))
    async with Simulator(
        seed=3, clock=clock, tick_interval=None, token_ttl=TOKEN_TTL, step_seconds=60.0
    ) as sim:
        time_ = VirtualTime(clock)
        token = Token.from_response(sim.issue_token_response(), now=clock.now())
        config = sim.client_config(timeout=5.0)
        client = AriesClient(
            config,
            token=token,
            token_store=MemoryTokenStore(),
            wall_clock=time_.now,
            sleep=time_.sleep,
        )
        async with client:
            yield Week(sim, time_, client)


async def trading_day(week: Week, day: date, n: int) -> None:
    """A trading day: trade at the open, sockets dropped at 11:00 (every other day with a
    fill the account socket misses), checks after the close."""
    await week.move_to(new_york(day, time(9, 35)))
    expiring = await week.morning(day)
    await week.move_to(new_york(day, time(11, 0)))
    await week.drop_sockets(fill_meanwhile=n % 2 == 0)
    close = regular_close(day)
    assert close is not None
    await week.move_to(close.timestamp() + 300)
    await week.after_close(expiring)


async def closed_day(week: Week, day: date) -> None:
    """A holiday or a weekend day: the market says it is closed, the sockets drop at noon."""
    await week.move_to(new_york(day, time(12, 0)))
    status = await week.client.market.status()
    week.check(not status.is_open, f"market status: {status}")
    await week.drop_sockets()


async def drops_in_a_row(week: Week, day: date) -> None:
    """Three sockets in a row are dropped after three lines each, then none."""
    week.sim.faults.ws_drop_after = 3
    week.sim.faults.ws_drop_after_count = 3
    await week.move_to(new_york(day, time(18, 0)))
    week.sim.faults.ws_drop_after = None


async def stall(week: Week, seconds: float) -> None:
    """Every socket goes silent (no data, no pongs) for ``seconds``: the streams must notice,
    say so and come back."""
    seen = {k: attrs.evolve(v) for k, v in week.seen.items()}
    assert week.logs is not None
    before = len(week.logs.records)
    week.sim.faults.ws_stall = True
    await week.move_to(week.time.now() + seconds)
    week.sim.faults.ws_stall = False
    market, account = week.market, week.account
    assert market is not None and account is not None
    # A socket opened during the stall waits out its authentication's answer first.
    await week.until(
        lambda: market.connected and account.connected,
        "no reconnect after a stall",
        steps=int(2 * WAITS / 5),
    )
    # Each stream says once that it went stale: the warning a stall is owed.
    stale = [r for r in week.logs.records[before:] if "is stale" in r.getMessage()]
    week.check(len(stale) == 2, f"stale warnings: {[r.getMessage() for r in stale]}")
    week.explained.update(id(r) for r in stale)
    for kind in ("market", "account"):
        week.check(
            week.seen[kind].disconnects > seen[kind].disconnects,
            f"{kind}: the stall was not reported",
        )


async def token_outage(week: Week, until: float) -> None:
    """The token endpoint fails (503) until ``until``, longer than a token lives: the
    sessions end unrenewed (said), and once it answers again the streams come back and the
    account agrees with REST."""
    seen = {k: attrs.evolve(v) for k, v in week.seen.items()}
    week.sim.faults.server_errors["POST /v1/oauth2/token"] = ServerErrorFault(count=1_000_000)
    await week.move_to(until)
    week.sim.faults.server_errors.pop("POST /v1/oauth2/token")
    market, account = week.market, week.account
    assert market is not None and account is not None
    await week.until(
        lambda: market.connected and account.connected, "no reconnect after the token outage"
    )
    for kind in ("market", "account"):
        week.check(
            week.seen[kind].disconnects > seen[kind].disconnects
            and week.seen[kind].connects > seen[kind].connects,
            f"{kind}: the token outage's gap was not reported",
        )
    await week.positions_agree("after the token outage")


async def test_a_bot_runs_a_week_unattended(week: Week) -> None:
    # Refresh tokens live a little over a day: only their rotation at every renewal keeps the
    # grant alive over the week.
    week.sim.auth.refresh_ttl = 26 * 3600.0
    week.sim.settings.ws_auth_timeout = WAITS
    warnings: list[logging.LogRecord] = []
    with capture_logs(logging.WARNING) as logs:  # what the week may not log, and the stalls
        week.logs = logs
        async with AsyncExitStack() as stack:
            await week.open_streams(stack)
            try:
                for n in range(DAYS):
                    day = FIRST_DAY + timedelta(days=n)
                    # Friday's server drops the subscriptions at each re-authentication.
                    week.sim.faults.ws_reauth_drops_subscriptions = n == 4
                    if is_trading_day(day):
                        await trading_day(week, day, n)
                    else:
                        await closed_day(week, day)
                    if n == 1:
                        await drops_in_a_row(week, day)
                    if n == 2:
                        await week.move_to(new_york(day, time(20, 0)))
                        await stall(week, 1800.0)
                    await week.move_to(new_york(day, time(23, 45)))
                    await week.day_end(day)
                    if n == 2:  # a renewal falls due while the token endpoint is down
                        await token_outage(week, new_york(day + timedelta(days=1), time(1, 0)))
            finally:
                for task in week.tasks:
                    task.cancel()
                await asyncio.gather(*week.tasks, return_exceptions=True)
        warnings = [
            r for r in logs.records if r.levelno >= logging.WARNING and id(r) not in week.explained
        ]
    report = "\n".join(
        [
            *week.failures,
            *(str(d) for d in week.day_ends),
            f"refreshes: {week.client.auth.refreshes}, token requests {week.sim.token_requests}",
            f"seen: {week.seen}",
            f"connections: {dict(week.hub.connections)}",
            *(f"{r.name} {r.levelname} {r.getMessage()}" for r in warnings[:30]),
        ]
    )
    print(report)
    assert not week.failures, report
    # Nothing grows: the second half of the week holds no more than the first half's peak. A
    # day may well need one more pooled connection than the first did (its gap sweep reading
    # the history beside the bot's own calls, on the day after a night away): a leak grows on.
    days = len(week.day_ends)
    first = week.day_ends[: (days + 1) // 2]
    peak = {key: max(getattr(d, key) for d in first) for key in ("tasks", "connections")}
    for end in week.day_ends[(days + 1) // 2 :]:
        assert end.tasks <= peak["tasks"], report
        assert end.connections <= peak["connections"], report
    for end in week.day_ends[1:]:
        assert end.sockets <= first[0].sockets, report
        assert end.timers <= first[0].timers + 2, report
    assert not warnings, report
