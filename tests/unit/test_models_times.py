"""Time fields the schema types as plain integers or strings (``apispec.naming.EPOCH_TIMES``,
``DATE_STRINGS`` and ``DATETIME_STRINGS``) read as aware UTC ``datetime`` and ``date``, and write
back as the wire had them (date-time text as RFC 3339).
"""

from __future__ import annotations

import logging
import re
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import aries_async.models.generated as generated
from aries_async.apispec import naming
from aries_async.models import structure, unstructure

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
    assert bar.timestamp == INSTANT.replace(microsecond=0)
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


# -- date-time text: strings without a format that hold instants (DATETIME_STRINGS) ----------

DATETIME_TEXT = sorted(
    (owner, wire) for owner, wires in naming.DATETIME_STRINGS.items() for wire in wires
)


def _model_field(owner: str, wire: str) -> tuple[type[Any], str]:
    """The generated model of schema ``owner`` and the Python name of its field ``wire``."""
    return getattr(generated, owner), naming.field_name(wire, owner)


@pytest.mark.parametrize(("owner", "wire"), DATETIME_TEXT)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15T15:00:00Z", INSTANT.replace(microsecond=0)),
        ("2026-01-15T10:00:00.123456-05:00", INSTANT),  # an offset
        ("2026-01-15 15:00:00.123456789", INSTANT),  # a space, nanoseconds, naive: UTC
        ("2026-01-15 15:00:00+00:00", INSTANT.replace(microsecond=0)),
        ("2026-01-15T15:00", INSTANT.replace(second=0, microsecond=0)),  # no seconds
    ],
)
def test_date_time_text_reads_as_an_aware_utc_instant(
    owner: str, wire: str, text: str, expected: datetime
) -> None:
    cls, name = _model_field(owner, wire)
    assert typing.get_type_hints(cls)[name] == datetime | None
    value = getattr(structure({wire: text}, cls), name)
    assert value == expected and value.tzinfo is UTC
    assert unstructure(structure({wire: text}, cls))[wire] == expected.isoformat().replace(
        "+00:00", "Z"
    )


def test_date_time_text_that_is_no_time_is_none_and_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As a date string that is no date: the schema promises only a string, so one vendor's odd
    # value must not lose the answer; the warning names the field and the value.
    with caplog.at_level(logging.WARNING, "aries_async.models"):
        rows = structure(
            [{"timestamp": "pending", "advancers": 10}, {"timestamp": "2026-01-15T15:00:00Z"}],
            list[generated.MarketBreadth],
        )
    assert [row.timestamp for row in rows] == [None, INSTANT.replace(microsecond=0)]
    assert rows[0].advancers == 10
    assert "'pending'" in caplog.text and "timestamp" in caplog.text
    logo = structure({"createdAt": "99999999999999999999999"}, generated.LogoSearchResponseData)
    assert logo.created_at is None  # digits beyond any epoch: no time either


# every ``string`` field without a format whose name says "time" or "date" is typed, or says why
_TIME_LIKE = re.compile(
    r"^(time|date|since|hour|expiry|updated?)$|Time|Date|[sS]tamp|Updated?$|At$"
)


def _plain_strings(schema: dict[str, Any]) -> bool:
    alts = [a for a in naming.variants(schema) if a.get("type") != "null"]
    return bool(alts) and all(a.get("type") == "string" and "format" not in a for a in alts)


def test_every_time_like_text_field_is_a_time_or_says_why_it_stays_text() -> None:
    from aries_async.apispec import schemas

    unexplained = [
        (owner, wire)
        for owner, schema in schemas().items()
        for wire, prop in schema.get("properties", {}).items()
        if _TIME_LIKE.search(wire)
        and _plain_strings(prop)
        and "enum" not in prop
        and not naming.date_string(wire)
        and not naming.datetime_string(owner, wire)
        and (owner, wire) not in naming.TEXT_TIMES
        # words, not times: an order's duration, a job's kind, a contract's time rule
        and wire not in ("timeInForce", "fullTimePosition", "timeSpecifier")
    ]
    assert unexplained == []
    assert not {w for o, w in naming.TEXT_TIMES if naming.datetime_string(o, w)}
