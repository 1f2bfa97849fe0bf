"""A simulator that runs for days starts a new session at each trading day's open, as a bot
reading quotes and daily bars over a week expects: the previous close is the last day's
close, the open, high, low and volume are the day's own, and each day the simulator ran has
its daily bar (found a defect: they were the values since the simulator started, and the
daily bars stopped at its first day).

The simulator starts on Monday 2026-11-23 10:00 New York; Thursday 2026-11-26 is
Thanksgiving, Friday an early close (13:00).

Its intraday bars fall within the sessions of trading days: regular hours (09:30-16:00, 13:00
on an early close), and pre-market and after-hours only when the request asks for them
(``includeExtended``); never overnight, on a weekend or a holiday (found a defect: the live
walk's minutes made bars around the clock, every day). The history before the live walk,
Thanksgiving 2025 and its early close included, has regular sessions only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from decimal import Decimal

import aiohttp
import pytest
from sim_http import SimApi

from aries_async import AriesClient, OrderRequest, Token
from aries_async.models import Resolution
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK
from aries_async.sim.sessions import extended_close, is_trading_day, regular_close, regular_open

SYMBOL = "AAPL"
ACCOUNT = "TEST-ACCOUNT-001"


def new_york(day: int, hour: int, minute: int = 0) -> float:
    """Unix seconds of November ``day``, 2026 at ``hour:minute`` in New York."""
    return datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK).timestamp()


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    clock = ManualClock(start=new_york(23, 10))
    week = 7 * 86400.0
    async with Simulator(
        seed=4, clock=clock, tick_interval=None, token_ttl=week, step_seconds=60.0
    ) as simulator:
        yield simulator


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    token = Token.from_response(sim.issue_token_response(), now=sim.clock.now())
    async with AriesClient(sim.client_config(), token=token, wall_clock=sim.clock.now) as c:
        yield c


def move_to(sim: Simulator, when: float) -> None:
    sim.advance(when - sim.clock.now())


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` in New York."""
    return datetime.combine(day, time(hour, minute), NEW_YORK)


async def test_a_new_trading_day_has_its_own_open_and_the_last_close(
    sim: Simulator, client: AriesClient
) -> None:
    monday_open = await client.market.quote(SYMBOL)
    move_to(sim, new_york(23, 16))
    monday_close = await client.market.quote(SYMBOL)
    move_to(sim, new_york(23, 19))  # after hours: still Monday's session
    evening = await client.market.quote(SYMBOL)
    assert evening.previous_close_price == monday_open.previous_close_price
    move_to(sim, new_york(24, 9, 31))
    tuesday = await client.market.quote(SYMBOL)
    assert tuesday.previous_close_price == monday_close.last_price
    assert tuesday.open_price != monday_open.open_price
    assert tuesday.low_price is not None and tuesday.high_price is not None
    assert tuesday.last_price is not None
    # Two steps (09:30, 09:31) of Tuesday's session: its range is theirs alone.
    assert tuesday.high_price - tuesday.low_price < Decimal("1.00")
    assert tuesday.low_price <= tuesday.last_price <= tuesday.high_price


async def test_the_holiday_keeps_the_last_close_and_the_early_close_ends_the_day(
    sim: Simulator, client: AriesClient
) -> None:
    move_to(sim, new_york(25, 16))
    wednesday_close = await client.market.quote(SYMBOL)
    move_to(sim, new_york(26, 12))  # Thanksgiving: no session, Wednesday's goes on
    holiday = await client.market.quote(SYMBOL)
    assert holiday.open_price == wednesday_close.open_price
    assert holiday.previous_close_price == wednesday_close.previous_close_price
    move_to(sim, new_york(27, 9, 30))
    friday_open = await client.market.quote(SYMBOL)
    assert friday_open.previous_close_price == wednesday_close.last_price
    move_to(sim, new_york(27, 13))  # Friday closes at 13:00
    friday_close = await client.market.quote(SYMBOL)
    move_to(sim, new_york(27, 15))  # the last price moves on, the session's values stand
    later = await client.market.quote(SYMBOL)
    assert (later.high_price, later.low_price, later.volume) == (
        friday_close.high_price,
        friday_close.low_price,
        friday_close.volume,
    )
    move_to(sim, new_york(30, 10))
    monday = await client.market.quote(SYMBOL)
    assert monday.previous_close_price == friday_close.last_price


async def test_each_trading_day_the_simulator_ran_has_its_daily_bar(
    sim: Simulator, client: AriesClient
) -> None:
    closes: dict[date, Decimal | None] = {}
    for number, close_hour in ((23, 16), (24, 16), (25, 16), (27, 13)):
        move_to(sim, new_york(number, close_hour))
        closes[date(2026, 11, number)] = (await client.market.quote(SYMBOL)).last_price
    move_to(sim, new_york(30, 11))
    bars = await client.market.bars(
        SYMBOL,
        "D",
        datetime(2026, 11, 20, tzinfo=UTC),
        datetime.combine(date(2026, 11, 30), time(23), UTC),
    )
    by_day = {b.timestamp.date(): b for b in bars}
    assert sorted(by_day) == [
        date(2026, 11, 20),
        *sorted(closes),
        date(2026, 11, 30),
    ]
    for day, close in closes.items():
        assert by_day[day].close == close, day
    last = by_day[date(2026, 11, 30)]
    now = await client.market.quote(SYMBOL)
    assert last.close == now.last_price and last.open == now.open_price


async def test_the_account_starts_each_trading_day_afresh(
    sim: Simulator, client: AriesClient
) -> None:
    quote = await client.market.quote(SYMBOL)
    assert quote.ask_price is not None
    ack = await client.orders.place(
        OrderRequest(
            account_id=ACCOUNT,
            symbol=SYMBOL,
            side="BUY",
            type="LIMIT",
            quantity=3,
            price=quote.ask_price + Decimal(5),
        )
    )
    assert ack.accepted
    sim.advance(60.0)
    monday = await client.accounts.balance(ACCOUNT)
    assert monday.value_bought is not None and monday.value_bought > 0
    move_to(sim, new_york(24, 10))
    tuesday = await client.accounts.balance(ACCOUNT)
    assert tuesday.value_bought == 0 and tuesday.value_sold == 0
    assert tuesday.day_realized_pnl == 0
    assert tuesday.start_of_day_cash == tuesday.cash_balance == monday.cash_balance
    (position,) = [p for p in await client.accounts.positions(ACCOUNT) if p.symbol == SYMBOL]
    now = sim.feed.quote(SYMBOL)
    assert position.quantity is not None
    # Carried from Monday: measured from Monday's close, not from the price paid.
    assert position.today_pnl == position.quantity * (now.last_price - now.previous_close_price)


# -- intraday bars ---------------------------------------------------------------------------


def window(day: date, extended: bool) -> tuple[datetime, datetime]:
    """Where the bars of a trading day may lie: its regular session, or 04:00 to the end of
    its after-hours."""
    opens, closes = regular_open(day), (extended_close if extended else regular_close)(day)
    assert opens is not None and closes is not None
    return (local(day, 4) if extended else opens), closes


def outside(bar_start: datetime, minutes: int, extended: bool) -> bool:
    """Whether a bar of ``minutes`` starting at ``bar_start`` reaches out of its session."""
    day = bar_start.astimezone(NEW_YORK).date()
    if not is_trading_day(day):
        return True
    first, last = window(day, extended)
    return not first <= bar_start < last


@pytest.mark.parametrize("extended", [False, True], ids=["regular", "extended"])
@pytest.mark.parametrize("resolution", ["1", "5", "60", "240"])
async def test_intraday_bars_lie_in_the_sessions_of_trading_days(
    sim: Simulator, client: AriesClient, resolution: Resolution, extended: bool
) -> None:
    move_to(sim, new_york(30, 11))
    start = datetime(2026, 11, 20, tzinfo=UTC)
    end = datetime(2026, 11, 30, 16, tzinfo=UTC)
    bars = await client.market.bars(SYMBOL, resolution, start, end, include_extended=extended)
    size = int(resolution)
    assert [b.timestamp for b in bars if outside(b.timestamp, size, extended)] == []
    days = {b.timestamp.astimezone(NEW_YORK).date() for b in bars}
    assert days == {date(2026, 11, d) for d in (20, 23, 24, 25, 27, 30)}
    for day in days:  # each session's bars on its own grid, from its open (but the first's)
        opens = window(day, extended)[0]
        starts = [b.timestamp for b in bars if b.timestamp.astimezone(NEW_YORK).date() == day]
        assert [t for t in starts if (t - opens).total_seconds() % (size * 60)] == [], day
        if not extended and day != date(2026, 11, 23):  # the simulator started at 10:00
            assert starts[0] == opens, day


async def test_extended_hours_bars_come_only_when_asked(
    sim: Simulator, client: AriesClient
) -> None:
    """The live walk trades around the clock: its pre-market and after-hours minutes are bars
    with ``includeExtended``; its nights never are."""
    move_to(sim, new_york(30, 11))
    wednesday, friday, monday = date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)
    start, end = local(wednesday, 0), local(monday, 11)
    regular = await client.market.bars(SYMBOL, "1", start, end)
    extended = await client.market.bars(SYMBOL, "1", start, end, include_extended=True)
    assert {b.timestamp for b in regular} < {b.timestamp for b in extended}
    times = {b.timestamp.astimezone(NEW_YORK) for b in extended}
    assert local(wednesday, 16) in times and local(wednesday, 19, 59) in times
    assert local(wednesday, 20) not in times
    assert local(friday, 13) in times and local(friday, 16, 59) in times
    assert local(friday, 17) not in times
    assert local(monday, 4) in times and local(monday, 3, 59) not in times
    closes = {b.timestamp.astimezone(NEW_YORK) for b in regular}
    assert local(friday, 12, 59) in closes and local(friday, 13) not in closes


async def test_the_history_closes_early_too(client: AriesClient) -> None:
    """The day after Thanksgiving 2025 (before the simulator started) ends at 13:00."""
    friday = date(2025, 11, 28)
    start, end = local(friday, 0), local(friday, 23)
    bars = await client.market.bars(SYMBOL, "1", start, end)
    assert bars[0].timestamp == local(friday, 9, 30)
    assert bars[-1].timestamp == local(friday, 12, 59)
    assert len(bars) == 210


async def test_a_range_without_a_session_points_at_the_last_bar_before_it(
    sim: Simulator,
) -> None:
    """Thanksgiving has no bars; ``nextTime`` names the last one before it: Wednesday's last
    regular minute (or, with ``includeExtended``, its last after-hours minute)."""
    move_to(sim, new_york(30, 11))
    thursday, wednesday = date(2026, 11, 26), date(2026, 11, 25)
    start, end = local(thursday, 0), local(thursday, 23, 59)
    query = {"symbol": SYMBOL, "resolution": "1"}
    query |= {"from": str(int(start.timestamp())), "to": str(int(end.timestamp()))}
    async with aiohttp.ClientSession() as session:
        api = SimApi(sim, session)
        _, regular = await api.call("GET", "/v1/chart/history", params=query)
        extended = {**query, "includeExtended": "true"}
        _, late = await api.call("GET", "/v1/chart/history", params=extended)
    assert regular["s"] == late["s"] == "no_data"
    assert regular["nextTime"] == local(wednesday, 15, 59).timestamp()
    assert late["nextTime"] == local(wednesday, 19, 59).timestamp()
