"""The simulator's session rule: which session an order belongs to, and when it ends."""

from __future__ import annotations

from datetime import datetime

import pytest

from aries_async.sim.clock import NEW_YORK
from aries_async.sim.sessions import (
    calendar_day_end,
    next_end,
    order_deadline,
    session_name,
)


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("time_in_force", "placed", "ends"),
    [
        pytest.param("DAY", ny(1, 15, 10), ny(1, 15, 16), id="day-in-session"),
        pytest.param("DAY", ny(1, 15, 3), ny(1, 15, 16), id="day-before-the-open"),
        pytest.param("DAY", ny(1, 15, 16), ny(1, 16, 16), id="day-at-the-close"),
        pytest.param("DAY", ny(1, 16, 18), ny(1, 20, 16), id="day-friday-before-a-holiday"),
        pytest.param("DAY", ny(1, 19, 11), ny(1, 20, 16), id="day-on-a-holiday"),
        pytest.param("DAY", ny(11, 27, 10), ny(11, 27, 13), id="day-early-close"),
        pytest.param("DAY", ny(11, 25, 17), ny(11, 27, 13), id="day-over-thanksgiving"),
        pytest.param("AT_THE_CLOSE", ny(1, 15, 10), ny(1, 15, 16), id="atc"),
        pytest.param("AT_THE_OPENING", ny(1, 15, 9), ny(1, 15, 9, 30), id="ato-before"),
        pytest.param("AT_THE_OPENING", ny(1, 15, 9, 30), ny(1, 16, 9, 30), id="ato-after"),
        pytest.param("EXTENDED_HOURS", ny(1, 15, 17), ny(1, 15, 20), id="ext-after-hours"),
        pytest.param("EXTENDED_HOURS", ny(1, 15, 20), ny(1, 16, 20), id="ext-late"),
        pytest.param("EXTENDED_HOURS", ny(11, 27, 14), ny(11, 27, 17), id="ext-early-close"),
    ],
)
def test_an_order_expires_at_the_end_of_the_first_session_after_its_placement(
    time_in_force: str, placed: datetime, ends: datetime
) -> None:
    deadline = order_deadline(time_in_force, placed.timestamp())
    assert deadline is not None
    at, text = deadline
    assert datetime.fromtimestamp(at, NEW_YORK) == ends
    assert text.startswith(f"{time_in_force} order expired at ")


@pytest.mark.parametrize("time_in_force", ["GTC", "IOC", "FOK"])
def test_no_session_ends_the_other_times_in_force(time_in_force: str) -> None:
    assert order_deadline(time_in_force, ny(1, 15, 10).timestamp()) is None


def test_the_close_is_where_the_market_status_leaves_the_regular_session() -> None:
    for placed in (ny(1, 15, 10), ny(11, 27, 10)):
        deadline = order_deadline("DAY", placed.timestamp())
        assert deadline is not None
        close = datetime.fromtimestamp(deadline[0], NEW_YORK)
        assert session_name(close) == "after-hours"
        assert session_name(datetime.fromtimestamp(deadline[0] - 1, NEW_YORK)) == "regular"


def test_a_calendar_day_session_ends_at_new_york_midnight() -> None:
    assert next_end(ny(3, 7, 23, 59).timestamp(), calendar_day_end) == ny(3, 8, 0).timestamp()


def test_after_hours_of_an_early_close_end_at_five() -> None:
    """On an early-close day (13:00) the after-hours session ends at 17:00, not 20:00."""
    assert session_name(ny(11, 27, 16, 59)) == "after-hours"
    assert session_name(ny(11, 27, 17)) == ""
    assert session_name(ny(11, 30, 19, 59)) == "after-hours"  # a usual Monday
