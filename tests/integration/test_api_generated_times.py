"""The generated models' times and whole numbers, whatever the description's types say.

A chart pattern's point times (epoch seconds) and the epoch columns of the indicator and tick
answers (``t``, milliseconds) are aware UTC ``datetime``, written back in the wire's unit
(``apispec.naming.EPOCH_TIMES_OF``); a fiscal year and quarter, which the description types
``number``, are ``int`` (``apispec.amounts.WHOLE_NUMBERS``). The simulator answers bodies
written here (``Faults.answer_body``) with the values a real server sends.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import orjson
import pytest
from vendor_answers import answered_point, found_with

from aries_async import AriesClient
from aries_async.models import unstructure
from aries_async.sim import Simulator

INCOME = "GET /v1/financials/income-statements"


async def test_a_pattern_s_point_times_are_aware_utc_instants(
    sim: Simulator, aries: AriesClient
) -> None:
    point = await answered_point(sim, aries)
    assert point.atime == datetime(2025, 12, 1, tzinfo=UTC)
    assert point.btime == datetime(2025, 12, 2, tzinfo=UTC)
    assert point.start_time == datetime(2025, 12, 1, tzinfo=UTC)
    assert point.end_time == datetime(2025, 12, 4, tzinfo=UTC)
    assert point.sort_time == point.end_time  # the same instant, sent in milliseconds
    assert point.ctime is None
    # written back in the wire's unit, seconds
    back = unstructure(point)
    assert (back["atime"], back["end_time"]) == (1764547200, 1764806400)


async def test_the_indicator_s_and_tick_history_s_columns_of_times_are_instants(
    aries: AriesClient,
) -> None:
    indicator = await aries.technical_analysis.indicator(
        "AAPL", "D", "sma", datetime(2025, 12, 1, tzinfo=UTC), datetime(2025, 12, 31, tzinfo=UTC)
    )
    raw = await aries.request(
        "GET",
        "/v1/indicator",
        params={
            "symbol": "AAPL",
            "resolution": "D",
            "indicator": "sma",
            "from": "1764547200",
            "to": "1767139200",
        },
        parse=lambda body: body,
    )
    assert raw["t"] and len(indicator.t) == len(raw["t"])
    assert indicator.t == [datetime.fromtimestamp(ms / 1000, UTC) for ms in raw["t"]]
    assert all(t.tzinfo is UTC for t in indicator.t)
    assert unstructure(indicator)["t"] == raw["t"]  # written back as the wire's epochs

    ticks = await aries.chart.tick_history("AAPL", "10T")
    raw = await aries.request(
        "GET",
        "/v1/chart/tick-history",
        params={"symbol": "AAPL", "resolution": "10T"},
        parse=lambda body: body,
    )
    assert raw["t"] and len(ticks.t) == len(raw["t"]) == len(ticks.c)
    assert ticks.t == [datetime.fromtimestamp(ms / 1000, UTC) for ms in raw["t"]]
    assert unstructure(ticks)["t"] == raw["t"]


async def test_a_fiscal_year_and_quarter_are_whole_numbers(
    sim: Simulator, aries: AriesClient, caplog: pytest.LogCaptureFixture
) -> None:
    path = "/v1/financials/income-statements?tickers=AAPL"
    raw = await aries.request("GET", path, parse=lambda body: body)
    first, second = raw["results"][:2]
    first.update(fiscalYear=2026, fiscalQuarter=3.0)
    second.update(fiscalYear=2025.5, fiscalQuarter=4)
    sim.faults.answer_body[INCOME] = orjson.dumps(raw)
    with caplog.at_level(logging.WARNING, logger="aries_async.models"):
        page = await aries.financials.income_statements(tickers="AAPL")
    one, two = page.results[:2]
    assert (one.fiscal_year, one.fiscal_quarter) == (2026, 3)
    assert type(one.fiscal_year) is int and type(one.fiscal_quarter) is int
    # a year with a fraction is no year: None and a warning, the rest of the answer as sent
    assert (two.fiscal_year, two.fiscal_quarter) == (None, 4)
    assert "fiscal_year" in caplog.text and "2025.5" in caplog.text


_WINDOW = {
    "identifier": "SPX",
    "startTime": "12/01/2025 9:30 am",
    "endTime": "12/05/2025 4:00 pm",
}
_HH_MM_SS = r"\d\d:\d\d:\d\d"
TEXT_TIMES = [
    ("/v1/options/activity", {}, "activities", "time", _HH_MM_SS),
    ("/v1/analytics/ratings", {}, "ratings", "time", _HH_MM_SS),
    ("/v1/calendars/economics", {}, "events", "time", _HH_MM_SS),
    (
        "/v1/calendars/earnings",
        {"from": "2025-12-01", "to": "2025-12-31"},
        "",
        "time",
        _HH_MM_SS,
    ),
    ("/v1/calendars/conference-calls", {}, "conferenceCalls", "time", _HH_MM_SS),
    (
        "/v1/calendars/conference-calls",
        {},
        "conferenceCalls",
        "startTime",
        r"\d{4}-\d\d-\d\d \d\d:\d\d [AP]M E[SD]T",
    ),
    ("/v1/indices/bars", _WINDOW, "bars", "startTime", r"\d\d:\d\d [AP]M"),
    ("/v1/indices/bars", _WINDOW, "bars", "endTime", r"\d\d:\d\d [AP]M"),
    ("/v1/company/executive", {"symbol": "AAPL"}, "executives", "since", r"\d{4}"),
]


@pytest.mark.parametrize(
    ("path", "query", "listed", "wire", "form"),
    TEXT_TIMES,
    ids=[f"{t[0].rsplit('/', 1)[1]}.{t[3]}" for t in TEXT_TIMES],
)
async def test_the_simulator_sends_time_like_text_in_its_documented_form(
    aries: AriesClient, path: str, query: dict[str, str], listed: str, wire: str, form: str
) -> None:
    """The fields ``naming.TEXT_TIMES`` keeps as text are no instant on the wire (a time of day,
    free text, a year): the simulator sends them so, as the official package documents them,
    not as the RFC 3339 instants a client would read as ``datetime``."""
    raw = await aries.request("GET", path, params=query, parse=lambda body: body)
    items = found_with(raw, listed)[listed] if listed else raw  # "": the answer is the list
    sent = [item[wire] for item in items if item.get(wire) is not None]
    assert sent, raw
    assert all(re.fullmatch(form, text) for text in sent), sent


def test_every_time_of_day_kept_as_text_has_its_wire_form_in_the_simulator() -> None:
    from aries_async.apispec.naming import TEXT_TIMES as KEPT
    from aries_async.sim.field_values import text_time

    unwritten = sorted(key for key in KEPT if text_time(*key) is None)
    # a session word, a day in the source's format, a day or a period: no instant to write
    assert unwritten == [
        ("EarningRelease", "hour"),
        ("IndicesRealtimeIndexValue", "previousCloseDate"),
        ("MergersAcquisition", "dateExpected"),
    ]
