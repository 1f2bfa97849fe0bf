"""The index bars' window (``startTime``/``endTime`` of ``indices.bar()``, ``bars()`` and
``chart_bars()``) is documented as a wall time, ``MM/DD/YYYY hh:mm am/pm`` in the index's
own zone (finance-dev's docs; the US indices': New York's). An aware ``datetime`` is sent in
that form, converted to New York's time whatever its zone (summer time included), the start
at the minute it falls in and the end at the next whole minute, so the window covers every
instant asked for; a naive one is refused, as every time of the package is aware."""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sim_http import SimApi

from aries_async import AriesClient
from aries_async.errors import ValidationError
from aries_async.sim import Simulator

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def _query(sim: Simulator) -> dict[str, str]:
    return dict(sim.journal[-1].query)


async def test_an_aware_window_is_sent_as_new_york_wall_time_and_answered(
    aries: AriesClient, sim: Simulator
) -> None:
    start = datetime(2025, 12, 22, 14, 30, tzinfo=UTC)  # 9:30 am in New York (EST)
    answer = await aries.indices.bars("SPX", start, datetime(2025, 12, 22, 21, 0, tzinfo=UTC))
    assert answer.bars
    query = _query(sim)
    assert query["startTime"] == "12/22/2025 9:30 am"
    assert query["endTime"] == "12/22/2025 4:00 pm"


@pytest.mark.parametrize(
    ("call", "sent"),
    [
        # summer time (EDT): 13:30 UTC is 9:30 am
        (
            lambda c: c.indices.chart_bars(
                "SPX",
                datetime(2026, 7, 1, 13, 30, tzinfo=UTC),
                datetime(2026, 7, 1, 17, 5, tzinfo=UTC),
            ),
            {"startTime": "07/01/2026 9:30 am", "endTime": "07/01/2026 1:05 pm"},
        ),
        # another zone: Tokyo's 00:15 on the 2nd is New York's 11:15 am on the 1st (EDT)
        (
            lambda c: c.indices.bar("SPX", datetime(2026, 7, 2, 0, 15, tzinfo=TOKYO)),
            {"endTime": "07/01/2026 11:15 am"},
        ),
        # noon and midnight, and a datetime already in New York's zone
        (
            lambda c: c.indices.bars(
                "SPX",
                datetime(2026, 3, 2, 0, 0, tzinfo=NEW_YORK),
                datetime(2026, 3, 2, 12, 0, tzinfo=NEW_YORK),
            ),
            {"startTime": "03/02/2026 12:00 am", "endTime": "03/02/2026 12:00 pm"},
        ),
        # seconds: the start's minute, the end's next minute (the window covers both)
        (
            lambda c: c.indices.bars(
                "SPX",
                datetime(2026, 3, 2, 9, 30, 40, tzinfo=NEW_YORK),
                datetime(2026, 3, 2, 15, 59, 0, 1, tzinfo=NEW_YORK),
            ),
            {"startTime": "03/02/2026 9:30 am", "endTime": "03/02/2026 4:00 pm"},
        ),
    ],
)
async def test_every_index_window_takes_new_york_wall_time(
    aries: AriesClient,
    sim: Simulator,
    call: Callable[[AriesClient], Awaitable[Any]],
    sent: dict[str, str],
) -> None:
    await call(aries)
    query = _query(sim)
    assert {name: query[name] for name in sent} == sent


async def test_a_naive_window_is_refused_before_sending(aries: AriesClient, sim: Simulator) -> None:
    with pytest.raises(ValidationError) as raised:
        await aries.indices.bars(
            "SPX", datetime(2025, 12, 22, 9, 30), datetime(2025, 12, 22, 16, 0, tzinfo=UTC)
        )
    assert raised.value.field == "start_time" and "aware" in str(raised.value)
    assert len(sim.journal) == 0


@pytest.mark.parametrize(
    "other",
    ["2025-12-22T14:30:00Z", "2025-12-22T09:30:00-05:00", "2025-12-22", "1766413800"],
)
async def test_a_window_in_another_form_is_refused_before_sending(
    aries: AriesClient, sim: Simulator, other: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        await aries.indices.bars("SPX", other, "12/22/2025 4:00 pm")
    assert raised.value.field == "start_time"
    assert "MM/DD/YYYY hh:mm am/pm" in str(raised.value)
    assert len(sim.journal) == 0


async def test_a_day_is_sent_as_the_wall_times_that_hold_it(
    aries: AriesClient, sim: Simulator
) -> None:
    # a day as the window's start is its first minute; as its end, the whole day
    await aries.indices.bars("SPX", date(2025, 12, 22), date(2025, 12, 22))
    query = _query(sim)
    assert query["startTime"] == "12/22/2025 12:00 am"
    assert query["endTime"] == "12/23/2025 12:00 am"


@pytest.mark.parametrize("wire", ["startTime", "endTime"])
@pytest.mark.parametrize("other", ["2025-12-22T14:30:00Z", "2025-12-22", "1766413800"])
async def test_the_simulator_answers_a_window_in_another_form_with_a_400(
    api: SimApi, wire: str, other: str
) -> None:
    wall = {"identifier": "SPX", "startTime": "12/22/2025 9:30 am", "endTime": "12/22/2025 4:00 pm"}
    status, body = await api.call("GET", "/v1/indices/bars", params={**wall, wire: other})
    assert status == 400, body
    assert body["error"]["details"]["field"] == wire
    status, body = await api.call("GET", "/v1/indices/bars", params=wall)
    assert status == 200, body


@pytest.mark.parametrize(
    ("start", "end", "sent"),
    [
        # a day's end is New York's midnight after it (05:00 UTC in winter), not UTC's: a start
        # at 03:00 UTC (10 pm in New York) is inside the day
        (
            datetime(2025, 12, 23, 3, 0, tzinfo=UTC),
            date(2025, 12, 22),
            {"startTime": "12/22/2025 10:00 pm", "endTime": "12/23/2025 12:00 am"},
        ),
        # in summer (EDT) the day ends at 04:00 UTC: 03:00 UTC is 11 pm on the day
        (
            datetime(2026, 7, 2, 3, 0, tzinfo=UTC),
            date(2026, 7, 1),
            {"startTime": "07/01/2026 11:00 pm", "endTime": "07/02/2026 12:00 am"},
        ),
    ],
)
async def test_a_window_with_a_day_is_checked_as_new_york_sends_it(
    aries: AriesClient, sim: Simulator, start: Any, end: Any, sent: dict[str, str]
) -> None:
    # the check reads a day as the wall times sent for it, not as a UTC day
    await aries.indices.bars("SPX", start, end)
    query = _query(sim)
    assert {name: query[name] for name in sent} == sent


@pytest.mark.parametrize(
    ("start", "end"),
    [
        # 03:00 UTC on the 23rd is 10 pm on the 22nd in New York, before its 23rd begins
        (date(2025, 12, 23), datetime(2025, 12, 23, 3, 0, tzinfo=UTC)),
        # 02:00 UTC on the 2nd (EDT: 10 pm on the 1st) is before New York's 2 July
        (date(2026, 7, 2), datetime(2026, 7, 2, 2, 0, tzinfo=UTC)),
        # 06:00 UTC on the 23rd is 1 am there, after the 22nd's New York day
        (datetime(2025, 12, 23, 6, 0, tzinfo=UTC), date(2025, 12, 22)),
    ],
)
async def test_a_backwards_window_with_a_day_is_refused_before_sending(
    aries: AriesClient, sim: Simulator, start: Any, end: Any
) -> None:
    with pytest.raises(ValidationError) as raised:
        await aries.indices.bars("SPX", start, end)
    assert raised.value.field == "start_time" and "backwards" in str(raised.value)
    assert len(sim.journal) == 0
