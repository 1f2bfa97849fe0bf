"""The simulator's daily bars fall on trading days only: no weekend, no exchange holiday, and
no bar for today when today has no session (a simulator started on a Sunday), as a real
exchange's history has none."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aries_async import AriesClient
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK
from aries_async.sim.sessions import is_trading_day

SUNDAY = datetime(2026, 1, 18, 15, 0, tzinfo=UTC)  # the Sunday before Martin Luther King Day
THURSDAY = datetime(2026, 1, 22, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("started", [SUNDAY, THURSDAY], ids=["sunday", "thursday"])
async def test_daily_bars_are_trading_days_only(started: datetime) -> None:
    clock = ManualClock(started.timestamp())
    async with (
        Simulator(seed=3, clock=clock, tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        bars = await client.market.bars("AAPL", "D", started - timedelta(days=40), started)
    days = [bar.timestamp.date() for bar in bars]
    assert days, "no daily bars"
    assert [d for d in days if not is_trading_day(d)] == []
    assert date(2026, 1, 19) not in days  # Martin Luther King Day
    assert date(2026, 1, 1) not in days  # New Year's Day
    today = started.astimezone(NEW_YORK).date()
    assert (today in days) == is_trading_day(today)
    assert days[-1] == max(d for d in days)
