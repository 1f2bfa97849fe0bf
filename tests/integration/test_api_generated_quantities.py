"""Quantities of shares and contracts in the generated models are ``Decimal``, as the package's
every quantity is (README), though the description types them ``integer``: an ETF holding's and
an ownership record's ``share`` and ``change``, volumes, trade and quote sizes, open and short
interest, a prediction tick's ``quantity`` (``apispec.amounts.INTEGER_QUANTITIES``). A
fractional count (a fund's 1,234.5 shares after a split) is that ``Decimal``, where an ``int``
field failed the whole answer. The simulator answers bodies written here
(``Faults.answer_body``) with the values a real server may send."""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import orjson
import pytest
from vendor_answers import read_with_fraction

from aries_async import AriesClient
from aries_async.apispec import schemas
from aries_async.apispec.amounts import INTEGER_QUANTITIES
from aries_async.apispec.naming import field_name, variants
from aries_async.models import generated
from aries_async.sim import Simulator

QUANTITIES: list[tuple[str, str, Callable[[AriesClient], Awaitable[Any]], str, str]] = [
    (
        "GET /v1/etf/holdings",
        "/v1/etf/holdings?symbol=SPY",
        lambda c: c.etf.holdings(symbol="SPY"),
        "share",
        "share",
    ),
    (
        "GET /v1/ownership/insider-transactions",
        "/v1/ownership/insider-transactions?symbol=AAPL",
        lambda c: c.ownership.insider_transactions("AAPL"),
        "change",
        "change",
    ),
    (
        "GET /v1/ownership/fund",
        "/v1/ownership/fund?symbol=AAPL",
        lambda c: c.ownership.fund_ownership("AAPL"),
        "share",
        "share",
    ),
    (
        "GET /v1/institutional/portfolio",
        "/v1/institutional/portfolio?cik=0001067983&from=2026-01-01&to=2026-06-30",
        lambda c: c.ownership.institutional_portfolio(
            "0001067983", date(2026, 1, 1), date(2026, 6, 30)
        ),
        "share",
        "share",
    ),
    (
        "GET /v1/financials/short-volume",
        "/v1/financials/short-volume?ticker=AAPL",
        lambda c: c.financials.short_volume(ticker="AAPL"),
        "shortVolume",
        "short_volume",
    ),
    (
        "GET /v1/options/stocks/top-volume",
        "/v1/options/stocks/top-volume",
        lambda c: c.analytics.stocks_top_volume(),
        "openInterest",
        "open_interest",
    ),
    (
        "GET /v1/etf/profile",
        "/v1/etf/profile?symbol=SPY",
        lambda c: c.etf.profile("SPY"),
        "avgVolume",
        "average_volume",
    ),
]


@pytest.mark.parametrize(
    ("route", "path", "call", "wire", "name"), QUANTITIES, ids=[q[0] for q in QUANTITIES]
)
async def test_a_quantity_of_shares_or_contracts_is_a_decimal(
    sim: Simulator,
    aries: AriesClient,
    route: str,
    path: str,
    call: Callable[[AriesClient], Awaitable[Any]],
    wire: str,
    name: str,
) -> None:
    value = await read_with_fraction(sim, aries, (route, path), call, (wire, name), 1234.5)
    assert isinstance(value, Decimal) and value == Decimal("1234.5"), value


SHARES = ("volume", "size", "share", "shares", "change", "interest", "quantity")
"""Last words of the names of fields that count shares or contracts (a page size is no such
count: it is named in :data:`NOT_QUANTITIES`)."""
NOT_QUANTITIES = {("LogoSyncResponse", "pageSize")}


def test_every_integer_quantity_of_a_generated_model_is_a_decimal() -> None:
    # found from the description, not from the table, so that a field the table misses fails
    found = set()
    for name, schema in schemas().items():
        cls = getattr(generated, name, None)
        if cls is None or not cls.__module__.startswith(generated.__name__):
            continue  # no model, or a hand-written one (EquityDetails keeps its types)
        hints = typing.get_type_hints(cls)
        for wire, prop in (schema.get("properties") or {}).items():
            kinds = {alt.get("type") for alt in variants(prop)} - {"null"}
            python = field_name(wire, name)
            if kinds != {"integer"} or (name, wire) in NOT_QUANTITIES:
                continue
            if "volume" in python or python.rsplit("_", 1)[-1] in SHARES:
                found.add((name, wire))
                assert Decimal in typing.get_args(hints[python]) or hints[python] is Decimal, (
                    name,
                    wire,
                    hints[python],
                )
    assert ("Holding", "share") in found and ("PredMdTick", "quantity") in found
    listed = {(owner, wire) for owner, wires in INTEGER_QUANTITIES.items() for wire in wires}
    assert found == listed


ECONOMICS = "GET /v1/calendars/economics"


async def test_the_economic_calendar_s_important_dates_are_days(
    sim: Simulator, aries: AriesClient
) -> None:
    raw = await aries.request("GET", "/v1/calendars/economics", parse=lambda body: body)
    assert raw["importantDates"]  # the simulator's own answer: days as text
    answer = await aries.calendars.economics(from_=date(2026, 12, 1), to=date(2026, 12, 31))
    assert answer.important_dates and all(type(d) is date for d in answer.important_dates)
    # a day with a time of day, as some vendors write one: the day it is
    raw["importantDates"] = ["2026-12-04", "2026-12-10T08:30:00", "2026-12-11 14:00:00"]
    sim.faults.answer_body[ECONOMICS] = orjson.dumps(raw)
    answer = await aries.calendars.economics(from_=date(2026, 12, 1), to=date(2026, 12, 31))
    assert answer.important_dates == [date(2026, 12, 4), date(2026, 12, 10), date(2026, 12, 11)]
