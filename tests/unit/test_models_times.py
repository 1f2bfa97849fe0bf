"""Time fields the schema types as plain integers or strings (``apispec.naming.EPOCH_TIMES`` and
``DATE_STRINGS``) read as aware UTC ``datetime`` and ``date``, and write back as the wire had them.
"""

from __future__ import annotations

import logging
import typing
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import aries_async.models.generated as generated
from aries_async.models._converter import structure, unstructure

INSTANT = datetime(2026, 1, 15, 15, 0, 0, 123456, tzinfo=UTC)
SECONDS = 1_768_489_200  # INSTANT without its fraction


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (SECONDS, INSTANT.replace(microsecond=0)),  # seconds
        (SECONDS * 10**3 + 123, INSTANT.replace(microsecond=123000)),  # milliseconds
        (SECONDS * 10**6 + 123456, INSTANT),  # microseconds
        (SECONDS * 10**9 + 123456789, INSTANT),  # nanoseconds: below a microsecond dropped
        ("2026-01-15T10:00:00.123456-05:00", INSTANT),  # RFC 3339, any offset
    ],
)
def test_an_epoch_field_reads_any_unit_as_the_wire_instant(
    wire: int | str, expected: datetime
) -> None:
    trade = structure({"sipTimestamp": wire, "price": 1.5}, generated.StockTradesResponseResult)
    assert trade.sip_timestamp == expected
    assert trade.sip_timestamp is not None and trade.sip_timestamp.tzinfo is UTC


def test_epoch_fields_write_back_in_their_documented_unit() -> None:
    nanos = SECONDS * 10**9 + 123456000
    trade = structure(
        {"sipTimestamp": nanos, "participantTimestamp": nanos, "price": 1.5},
        generated.StockTradesResponseResult,
    )
    assert unstructure(trade) == {
        "conditions": [],
        "sipTimestamp": nanos,
        "participantTimestamp": nanos,
        "price": "1.5",
    }
    bar = structure({"t": SECONDS * 1000, "c": 2}, generated.StockOhlcBar)  # milliseconds
    assert bar.t == INSTANT.replace(microsecond=0)
    assert unstructure(bar) == {"t": SECONDS * 1000, "c": "2"}
    row = structure({"symbol": "AAPL", "timestamp": SECONDS}, generated.SymbolDetails)  # seconds
    assert row.timestamp == INSTANT.replace(microsecond=0)
    assert unstructure(row) == {"symbol": "AAPL", "timestamp": SECONDS}


def test_date_strings_are_dates_and_the_type_is_not_hidden_by_a_field_named_date() -> None:
    release = structure(
        {"symbol": "AAPL", "date": "2026-01-29", "epsEstimate": 2.1}, generated.EarningRelease
    )
    assert release.date == date(2026, 1, 29)
    assert typing.get_type_hints(generated.EarningRelease)["date"] == date | None
    bar = structure(
        {"startDate": "01/14/2026", "endDate": "2026-01-15"}, generated.IndexBarsResponseBar
    )
    assert (bar.start_date, bar.end_date) == (date(2026, 1, 14), date(2026, 1, 15))
    dividend = structure(
        {"exDividendDate": "2026-02-09", "payDate": "2026-02-12T00:00:00Z"}, generated.DividendItem
    )
    assert (dividend.ex_dividend_date, dividend.pay_date) == (date(2026, 2, 9), date(2026, 2, 12))


def test_a_date_string_that_is_not_a_date_does_not_break_the_answer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, "aries_async.models"):
        releases = structure(
            [
                {"symbol": "AAPL", "date": "TBD", "epsEstimate": 2.1},
                {"symbol": "MSFT", "date": "2026-01-28"},
            ],
            list[generated.EarningRelease],
        )
    assert [(r.symbol, r.date) for r in releases] == [("AAPL", None), ("MSFT", date(2026, 1, 28))]
    assert releases[0].eps_estimate == Decimal("2.1")
    assert "'TBD'" in caplog.text and "date" in caplog.text
