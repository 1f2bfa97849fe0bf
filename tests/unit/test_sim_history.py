"""The seeded daily history: its last sessions drawn alone agree with the whole of it, and the
history shared between walkers of the same inputs is never changed through one of them."""

from __future__ import annotations

from datetime import date

import pytest

from aries_async.sim.clock import DEFAULT_START
from aries_async.sim.feed import Feed, ManualClock
from aries_async.sim.symbols import SYMBOLS
from aries_async.sim.walk import HISTORY_DAYS, Walker, daily_history, recent_closes

DAY = 86400.0


@pytest.mark.parametrize(
    ("seed", "symbol", "start"),
    [
        pytest.param(0, "AAPL", DEFAULT_START, id="thursday"),
        pytest.param(0, "MSFT", DEFAULT_START + 3 * DAY, id="sunday"),
        pytest.param(7, "VIX", DEFAULT_START + 5 * DAY, id="the-tuesday-after-a-holiday"),
    ],
)
def test_the_last_sessions_drawn_alone_are_the_end_of_the_whole_history(
    seed: int, symbol: str, start: float
) -> None:
    feed = Feed(seed=seed, clock=ManualClock(start))
    whole = feed.history_closes(symbol)
    assert len(whole) == HISTORY_DAYS
    for count in (1, 2, 8, 40):
        assert feed.recent_closes(symbol, count) == tuple(whole[-count:])
    assert feed.recent_closes(symbol, 0) == ()
    assert feed.recent_closes(symbol, HISTORY_DAYS + 5) == tuple(whole)


def test_the_history_depends_on_the_date_of_the_start_not_its_time() -> None:
    morning = Feed(seed=3, clock=ManualClock(DEFAULT_START - 5 * 3600), step_seconds=2.0)
    evening = Feed(seed=3, clock=ManualClock(DEFAULT_START + 4 * 3600))
    assert morning.history_closes("AAPL") == evening.history_closes("AAPL")
    assert morning.history_closes("AAPL")[-1][0] == date(2026, 1, 14)


def test_walkers_of_the_same_inputs_share_a_history_none_of_them_can_change() -> None:
    info = SYMBOLS.get("AAPL")
    assert info is not None
    first = Walker(info, 0, DEFAULT_START, 0.5)
    second = Walker(info, 0, DEFAULT_START, 0.5)
    key = first.history_key
    assert key == second.history_key
    assert daily_history(key) is daily_history(second.history_key)  # computed once
    before = list(daily_history(key))

    first.history().clear()  # a walker's list is its own
    first_recent = first.recent_closes(3)
    with pytest.raises(TypeError):
        first_recent[0] = (date(2000, 1, 3), 1.0)  # type: ignore[index]

    assert second.history() == before
    assert list(daily_history(key)) == before
    assert recent_closes(key, 3) == tuple((b.day, b.close) for b in before[-3:])
    assert Walker(info, 0, DEFAULT_START, 0.5).history() == before
