"""Amounts the vendors send as JSON strings (options activity's prices and sizes, an analyst's
price target, a tender offer's amounts) come out of the client as the ``Decimal`` of the very
string the simulator sent; one that is not a number (``Faults.malformed_amount``) reads as
None with a warning, and the rest of the answer as it would have."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async import AriesClient
from aries_async.sim import Simulator

ACTIVITY = "/v1/options/activity"
TENDER_OFFERS = "/v1/corporate-actions/tender-offers"
TENDER_QUERY = {
    "identifier": "AAPL",
    "identifierType": "Symbol",
    "startDate": "2026-01-01",
    "endDate": "2026-01-31",
}


async def _raw(aries: AriesClient, path: str, params: dict[str, str] | None = None) -> Any:
    return await aries.request("GET", path, params=params, parse=lambda body: body)


def _same_amounts(item: Any, raw: dict[str, Any], fields: dict[str, str]) -> int:
    """Check each field (Python name -> wire name) is the Decimal of the string sent; how many
    were sent."""
    sent = 0
    for name, wire in fields.items():
        value = getattr(item, name)
        if raw.get(wire) is None:
            assert value is None, (name, value)
            continue
        assert isinstance(raw[wire], str), (wire, raw[wire])
        assert isinstance(value, Decimal) and value == Decimal(raw[wire]), (name, value)
        assert str(value) == raw[wire]  # the digits as sent, not a float's
        sent += 1
    return sent


ACTIVITY_FIELDS = {
    "ask_price": "ask",
    "bid_price": "bid",
    "mid_price": "midpoint",
    "price": "price",
    "strike_price": "strikePrice",
    "underlying_price": "underlyingPrice",
    "cost_basis": "costBasis",
    "size": "size",
    "volume": "volume",
    "open_interest": "openInterest",
}


async def test_options_activity_amounts_are_the_decimals_of_the_strings_sent(
    aries: AriesClient,
) -> None:
    raw = (await _raw(aries, ACTIVITY))["activities"]
    page = await aries.options.activity()
    assert len(page.activities) == len(raw) > 1
    sent = sum(
        _same_amounts(item, wire, ACTIVITY_FIELDS)
        for item, wire in zip(page.activities, raw, strict=True)
    )
    assert sent == len(raw) * len(ACTIVITY_FIELDS)


async def test_an_analyst_price_target_is_the_decimal_of_the_string_sent(
    aries: AriesClient,
) -> None:
    raw = (await _raw(aries, "/v1/analytics/insights"))["insights"]
    page = await aries.analytics.analyst_insights()
    assert [item.price_target for item in page.insights] == [Decimal(r["pt"]) for r in raw]


async def test_tender_offer_amounts_are_the_decimals_of_the_strings_sent(
    aries: AriesClient,
) -> None:
    raw = (await _raw(aries, TENDER_OFFERS, TENDER_QUERY))["tenderOffers"]
    answer = await aries.corporate_actions.tender_offers(
        "AAPL", "Symbol", date(2026, 1, 1), date(2026, 1, 31)
    )
    fields = {
        "maximum_amount": "maximumAmount",
        "minimum_amount": "minimumAmount",
        "pre_offer_percent": "preOfferPercent",
        "pre_offer_quantity": "preOfferQuantity",
        "target_percent": "targetPercent",
        "target_quantity": "targetQuantity",
    }
    assert raw
    for item, wire in zip(answer.tender_offers, raw, strict=True):
        assert _same_amounts(item, wire, fields) == len(fields)
        assert isinstance(item.number_of_new_instruments, str)  # a ratio's term: text


CALLS: dict[str, Callable[[AriesClient], Awaitable[list[Any]]]] = {
    f"GET {ACTIVITY}": lambda aries: _items(aries.options.activity(), "activities"),
    f"GET {TENDER_OFFERS}": lambda aries: _items(
        aries.corporate_actions.tender_offers(
            "AAPL", "Symbol", date(2026, 1, 1), date(2026, 1, 31)
        ),
        "tender_offers",
    ),
}


async def _items(call: Awaitable[Any], name: str) -> list[Any]:
    items: list[Any] = getattr(await call, name)
    return items


@pytest.mark.parametrize("route", CALLS)
@pytest.mark.parametrize("text", ["N/A", "-"])
async def test_an_amount_that_is_not_a_number_reads_as_none_and_warns(
    sim: Simulator,
    aries: AriesClient,
    caplog: pytest.LogCaptureFixture,
    route: str,
    text: str,
) -> None:
    before = await CALLS[route](aries)
    sim.faults.malformed_amount[route] = text
    with caplog.at_level(logging.WARNING, "aries_async"):
        after = await CALLS[route](aries)
    assert after[:-1] == before[:-1]
    spoiled = [
        a.name
        for a in attrs.fields(type(after[-1]))
        if getattr(after[-1], a.name) != getattr(before[-1], a.name)
    ]
    (name,) = spoiled
    assert getattr(after[-1], name) is None and isinstance(getattr(before[-1], name), Decimal)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert name in warning and repr(text) in warning
