"""The index bars' window (``startTime``/``endTime`` of ``indices.bar()``, ``bars()`` and
``chart_bars()``) is documented as a wall time, ``MM/DD/YYYY hh:mm am/pm`` in the index's
own zone (finance-dev's docs; the US indices': New York's). An aware ``datetime`` is sent in
that form, converted to New York's time whatever its zone (summer time included), the start
at the minute it falls in and the end at the next whole minute, so the window covers every
instant asked for; a naive one is refused, as every time of the package is aware."""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

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
