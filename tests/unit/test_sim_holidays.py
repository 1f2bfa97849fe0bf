"""The simulator's market holidays follow the NYSE's rules for any year, not a table that ends:
the table the simulator shipped with (2026 and 2027, from the exchange's published calendar) is
the oracle, and a later year's dates are the exchange's."""

from __future__ import annotations

from datetime import date, datetime

from aries_async.sim.clock import NEW_YORK
from aries_async.sim.sessions import holidays, is_trading_day, session_name

PUBLISHED: tuple[tuple[str, str, str], ...] = (
    ("New Year's Day", "2026-01-01", ""),
    ("Martin Luther King, Jr. Day", "2026-01-19", ""),
    ("Washington's Birthday", "2026-02-16", ""),
    ("Good Friday", "2026-04-03", ""),
    ("Memorial Day", "2026-05-25", ""),
    ("Juneteenth National Independence Day", "2026-06-19", ""),
    ("Independence Day (observed)", "2026-07-03", ""),
    ("Labor Day", "2026-09-07", ""),
    ("Thanksgiving Day", "2026-11-26", ""),
    ("Day after Thanksgiving", "2026-11-27", "09:30-13:00"),
    ("Christmas Eve", "2026-12-24", "09:30-13:00"),
    ("Christmas", "2026-12-25", ""),
    ("New Year's Day", "2027-01-01", ""),
    ("Martin Luther King, Jr. Day", "2027-01-18", ""),
    ("Washington's Birthday", "2027-02-15", ""),
    ("Good Friday", "2027-03-26", ""),
    ("Memorial Day", "2027-05-31", ""),
    ("Juneteenth National Independence Day (observed)", "2027-06-18", ""),
    ("Independence Day (observed)", "2027-07-05", ""),
    ("Labor Day", "2027-09-06", ""),
    ("Thanksgiving Day", "2027-11-25", ""),
    ("Day after Thanksgiving", "2027-11-26", "09:30-13:00"),
    ("Christmas (observed)", "2027-12-24", ""),
)


def test_the_rules_give_the_published_calendar() -> None:
    assert (*holidays(2026), *holidays(2027)) == PUBLISHED


def test_a_later_year_has_its_holidays_and_early_closes() -> None:
    days = {day: (name, hours) for name, day, hours in holidays(2028)}
    assert "2028-01-01" not in days and "2027-12-31" not in days  # a Saturday: not observed
    assert days["2028-01-17"][0] == "Martin Luther King, Jr. Day"
    assert days["2028-02-21"][0] == "Washington's Birthday"
    assert days["2028-04-14"][0] == "Good Friday"
    assert days["2028-05-29"][0] == "Memorial Day"
    assert days["2028-06-19"][0] == "Juneteenth National Independence Day"
    assert days["2028-07-03"] == ("Day before Independence Day", "09:30-13:00")  # a Monday
    assert days["2028-07-04"] == ("Independence Day", "")
    assert days["2028-09-04"][0] == "Labor Day"
    assert days["2028-11-23"] == ("Thanksgiving Day", "")
    assert days["2028-11-24"] == ("Day after Thanksgiving", "09:30-13:00")
    assert days["2028-12-25"] == ("Christmas", "")
    assert "2028-12-24" not in days  # a Sunday
    assert not is_trading_day(date(2028, 4, 14))
    close = datetime(2028, 11, 24, 13, 30, tzinfo=NEW_YORK)
    assert session_name(close) == "after-hours"
