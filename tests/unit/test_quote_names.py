"""One vocabulary for quotes: the REST Quote and the charts socket's ChartQuote name what they
share alike, and the names of the previous release still read, with a DeprecationWarning."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async.cli import quote_json
from aries_async.models import Quote
from aries_async.models.events import ChartQuote

VALUES: dict[str, Any] = {
    "lp": 175.4,
    "bid": 175.38,
    "ask": 175.41,
    "ch": -1.82,
    "chp": -1.05,
    "volume": 48213377,
    "open_price": 173.9,
    "high_price": 176.02,
    "low_price": 173.55,
    "prev_close_price": 173.58,
    "short_name": "APPLE",
    "description": "Apple Inc.",
    "exchange": "NASDAQ",
}
ITEM = {"n": "AAPL", "s": "ok", "v": VALUES}

QUOTE_RENAMES = {
    "last": "last_price",
    "bid": "bid_price",
    "ask": "ask_price",
    "open": "open_price",
    "high": "high_price",
    "low": "low_price",
    "prev_close": "previous_close_price",
}
CHART_QUOTE_RENAMES = {"bid": "bid_price", "ask": "ask_price"}


def _read_old_name(model: object, old: str) -> tuple[Any, warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = getattr(model, old)
    assert len(caught) == 1
    return value, caught[0]


@pytest.mark.parametrize(
    ("model", "old", "new"),
    [
        *[(Quote.from_chart_item(ITEM), old, new) for old, new in QUOTE_RENAMES.items()],
        *[(ChartQuote("AAPL", ITEM), old, new) for old, new in CHART_QUOTE_RENAMES.items()],
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_an_old_name_reads_the_new_one_and_warns_at_the_reader(
    model: object, old: str, new: str
) -> None:
    value, warning = _read_old_name(model, old)
    assert value == getattr(model, new) and value is not None
    assert warning.category is DeprecationWarning
    cls = type(model).__name__
    assert f"{cls}.{old} is deprecated" in str(warning.message)
    assert f"use {cls}.{new}" in str(warning.message)
    assert warning.filename == __file__  # the line that read it, not the SDK's


def test_the_new_names_do_not_warn() -> None:
    quote, chart = Quote.from_chart_item(ITEM), ChartQuote("AAPL", ITEM)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for new in QUOTE_RENAMES.values():
            getattr(quote, new)
        for new in CHART_QUOTE_RENAMES.values():
            getattr(chart, new)
        assert quote.mid == Decimal("175.395")


def test_the_old_names_are_not_fields() -> None:
    names = {field.name for field in attrs.fields(Quote)}
    assert names.isdisjoint(QUOTE_RENAMES)
    assert set(QUOTE_RENAMES.values()) <= names
    with pytest.raises(TypeError):
        Quote(symbol="AAPL", bid=Decimal(1))  # type: ignore[call-arg]


def _public_values(model: object, skip: set[str]) -> dict[str, Any]:
    """Each public attribute of ``model`` (old names left out) with what it reads."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an old name read here would be a mistake
        names = [n for n in dir(model) if not n.startswith("_") and n not in skip]
        values = {name: getattr(model, name) for name in names}
    return {name: value for name, value in values.items() if not callable(value)}


def _name_of_each_wire_value(model: object, skip: set[str]) -> dict[str, str]:
    """Wire key inside ``v`` -> the attribute that reads it (the values are all distinct)."""
    public = _public_values(model, skip)
    found = {}
    for key, sent in VALUES.items():
        names = [
            name
            for name, value in public.items()
            if value is not None
            and (str(value) == sent if isinstance(sent, str) else value == Decimal(str(sent)))
        ]
        if names:
            found[key] = names
    return {key: names[0] for key, names in found.items() if len(names) == 1}


def test_quote_and_chart_quote_name_what_they_share_alike() -> None:
    quote = _name_of_each_wire_value(Quote.from_chart_item(ITEM), set(QUOTE_RENAMES) | {"name"})
    chart = _name_of_each_wire_value(ChartQuote("AAPL", ITEM), set(CHART_QUOTE_RENAMES) | {"name"})
    shared = quote.keys() & chart.keys()
    assert {key: quote[key] for key in shared} == {key: chart[key] for key in shared}
    # every number of the item and the texts both read are among them
    assert shared == set(VALUES) - {"description"}
    assert {quote[key] for key in shared} >= {
        "last_price",
        "bid_price",
        "ask_price",
        "open_price",
        "high_price",
        "low_price",
        "previous_close_price",
    }


def test_a_quote_built_by_hand_has_no_receipt_time_and_the_time_is_not_compared() -> None:
    assert Quote(symbol="AAPL").received_at is None
    assert Quote.from_chart_item(ITEM).received_at is None
    when = datetime(2026, 1, 2, 15, 30, tzinfo=UTC)
    received = Quote.from_chart_item(ITEM, None, when)
    assert received.received_at == when
    later = Quote.from_chart_item(ITEM, None, datetime(2026, 1, 2, 15, 31, tzinfo=UTC))
    assert received == later and hash(received) == hash(later)  # an unchanged quote
    assert "received_at=datetime.datetime(2026, 1, 2, 15, 30" in repr(received)
    odd = {"n": "X", "s": "ok", "v": {"bid": "1.50"}}  # a string: built by the constructor
    assert Quote.from_chart_item(odd, None, when).received_at == when


def test_the_cli_prints_python_names_and_null_for_what_is_missing() -> None:
    when = datetime(2026, 1, 2, 15, 30, tzinfo=UTC)
    quote = Quote(symbol="X", last_price=Decimal("1.50"), volume=Decimal(7), received_at=when)
    assert quote_json(quote) == {
        "last_price": "1.50",
        "bid_price": None,
        "ask_price": None,
        "volume": "7",
        "received_at": "2026-01-02T15:30:00+00:00",
    }
