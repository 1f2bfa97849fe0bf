"""Money and quantities the description types ``string`` (the vendors send them as JSON strings)
are ``Decimal`` in the generated models, by the name rule of :mod:`aries_async.apispec.amounts`:
read from a decimal string or a JSON number, ``""`` absent, and a value that is not a number
(``"N/A"``) read as None with a warning rather than failing the answer."""

from __future__ import annotations

import logging
import typing
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import pytest

import aries_async.models.generated as generated
from aries_async.apispec.amounts import is_decimal_string, lenient_decimal
from aries_async.models import structure, unstructure
from aries_async.models.generated import MODULES

CONVERTED = [
    ("Activity", "ask", "ask_price"),
    ("Activity", "bid", "bid_price"),
    ("Activity", "midpoint", "mid_price"),
    ("Activity", "price", "price"),
    ("Activity", "strikePrice", "strike_price"),
    ("Activity", "underlyingPrice", "underlying_price"),
    ("Activity", "costBasis", "cost_basis"),
    ("Activity", "size", "size"),
    ("Activity", "volume", "volume"),
    ("Activity", "openInterest", "open_interest"),
    ("AnalystInsightItem", "pt", "price_target"),
    ("AnalystRating", "averageReturn", "average_return"),
    ("AnalystRating", "successRate", "success_rate"),
    ("MergersAcquisition", "dealSize", "deal_size"),
    ("OptionSnapshotLastTrade", "decimalSize", "decimal_size"),
    ("TenderOffer", "maximumAmount", "maximum_amount"),
    ("TenderOffer", "minimumAmount", "minimum_amount"),
    ("TenderOffer", "preOfferPercent", "pre_offer_percent"),
    ("TenderOffer", "preOfferQuantity", "pre_offer_quantity"),
    ("TenderOffer", "targetPercent", "target_percent"),
    ("TenderOffer", "targetQuantity", "target_quantity"),
]
"""Every generated field the rule makes a ``Decimal`` (the changelog's list)."""

KEPT = [
    ("Rating", "action_pt", "action_price_target"),  # raised, lowered...
    ("ScreenClause", "value", "value"),  # a screen's operand: text or number
    ("StockScreenerResponseData", "text_value", "text_value"),
    ("MergersAcquisition", "targetExchange", "target_exchange"),  # the last word decides
    ("CompanyProfile", "marketCapCurrency", "market_cap_currency"),
    ("EquityDetailsDTO", "changeStatus", "change_status"),
    ("PredMdContract", "priceScale", "price_scale"),
    ("Activity", "tradeCount", "trade_count"),  # a count, not an amount
    ("Activity", "id", "id"),
    ("EconomicsCalendarEvent", "actual", "actual"),  # "3.2%": the source's text
    ("Spinoff", "ratio", "ratio"),  # "1:1"
    ("TenderOffer", "numberOfNewInstruments", "number_of_new_instruments"),
]
"""Number-like or money-looking string fields that stay ``str``, each for its reason."""


def _field(schema: str, name: str) -> attrs.Attribute[Any]:
    cls = getattr(generated, schema)
    found: attrs.Attribute[Any] = attrs.fields_dict(cls)[name]
    return found


@pytest.mark.parametrize(("schema", "wire", "name"), CONVERTED)
def test_an_amount_the_schema_types_string_is_a_lenient_decimal(
    schema: str, wire: str, name: str
) -> None:
    assert is_decimal_string(schema, wire) and lenient_decimal(schema, wire)
    a = _field(schema, name)
    hints = typing.get_type_hints(getattr(generated, schema))
    assert hints[name] == Decimal | None
    assert a.metadata.get("lenient"), a.metadata


@pytest.mark.parametrize(("schema", "wire", "name"), KEPT)
def test_text_that_looks_like_money_stays_str(schema: str, wire: str, name: str) -> None:
    assert not is_decimal_string(schema, wire)
    assert typing.get_type_hints(getattr(generated, schema))[name] == str | None


def test_the_generated_lenient_amounts_are_exactly_the_listed_fields() -> None:
    found = []
    for name in MODULES:
        cls = getattr(generated, name)
        if not attrs.has(cls) or getattr(cls, "__name__", name) != name:  # enums, aliases
            continue
        hints = typing.get_type_hints(cls)
        for a in attrs.fields(cls):
            if hints[a.name] == Decimal | None and a.metadata.get("lenient"):
                found.append((name, a.name))
    assert sorted(found) == sorted((schema, name) for schema, _, name in CONVERTED)


def test_the_venue_s_exact_strings_stay_strict() -> None:
    assert is_decimal_string("PredOrdersOrder", "price")
    assert not lenient_decimal("PredOrdersOrder", "price")
    tick = {"noPrice": "0.4", "quantity": 1, "timestamp": "2026-01-15T15:00:00Z"}
    assert structure({**tick, "yesPrice": "0.6"}, generated.PredMdTick).yes_price == Decimal("0.6")
    with pytest.raises(cattrs.errors.ClassValidationError) as caught:
        structure({**tick, "yesPrice": "N/A"}, generated.PredMdTick)
    assert "not a decimal number: 'N/A'" in repr(caught.value.exceptions)


WIRE = {
    "ask": "38.96",
    "bid": "38.90",
    "midpoint": "38.930",
    "strikePrice": "180",
    "size": 12,  # a JSON number, should the server send one
    "price": 38.93,
    "volume": "",  # absent
    "openInterest": "19847",
    "ticker": "AAPL",
}


def test_activity_reads_decimal_strings_and_numbers_exactly() -> None:
    activity = structure(WIRE, generated.Activity)
    assert activity.ask_price == Decimal("38.96") and isinstance(activity.ask_price, Decimal)
    assert str(activity.mid_price) == "38.930"  # the digits as sent
    assert activity.strike_price == Decimal(180)
    assert activity.size == Decimal(12)
    assert str(activity.price) == "38.93"  # a float by its shortest text, never 38.9299999...
    assert activity.volume is None
    assert activity.open_interest == Decimal(19847)
    back = unstructure(activity)
    assert back["ask"] == "38.96" and back["price"] == "38.93" and back["size"] == "12"
    assert "volume" not in back


@pytest.mark.parametrize("text", ["N/A", "-", "NaN", "1.2.3", "x" * 300])
def test_a_value_that_is_not_a_number_is_none_and_a_warning(
    text: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, "aries_async.models"):
        activity = structure({**WIRE, "bid": text}, generated.Activity)
    assert activity.bid_price is None
    assert activity == attrs.evolve(structure(WIRE, generated.Activity), bid_price=None)
    (record,) = caplog.records
    message = record.getMessage()
    assert "bid_price" in message and repr(text)[:40] in message and len(message) < 200


def test_a_page_with_one_bad_amount_keeps_the_others(caplog: pytest.LogCaptureFixture) -> None:
    page = {"activities": [WIRE, {**WIRE, "strikePrice": "N/A"}]}
    with caplog.at_level(logging.WARNING, "aries_async.models"):
        answer = structure(page, generated.OptionsActivityResponse)
    first, last = answer.activities
    assert first.strike_price == Decimal(180) and last.strike_price is None
    assert last.ask_price == Decimal("38.96")
    assert len(caplog.records) == 1
