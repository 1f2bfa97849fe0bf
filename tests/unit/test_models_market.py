"""Chart quotes (the n/s conflict), bars, holidays and option contract symbols."""

from __future__ import annotations

import inspect
import warnings
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async._cli.common import jsonable
from aries_async._deprecation import renamed
from aries_async.errors import QuoteError, ResponseFormatError
from aries_async.models import (
    Bar,
    Holiday,
    OptionContract,
    Quote,
    QuoteBatch,
    bars_to_wire,
    parse_bars,
    parse_quote_batch,
    parse_quotes_response,
)
from aries_async.models.events import ChartQuote

VALUES = {
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
    "short_name": "AAPL",
    "description": "Apple Inc.",
    "exchange": "NASDAQ",
}


@pytest.mark.parametrize(
    ("item", "symbol", "name"),
    [
        # n carries the symbol (TradingView UDF): the name is the item's description
        ({"n": "AAPL", "s": "ok", "v": VALUES}, "AAPL", "Apple Inc."),
        ({"n": "AAPL", "s": "OK", "v": VALUES}, "AAPL", "Apple Inc."),
        ({"n": "AAPL", "v": VALUES}, "AAPL", "Apple Inc."),  # no status at all
        ({"n": "Apple Inc", "s": "AAPL", "v": VALUES}, "AAPL", "Apple Inc"),  # SDK reading
        ({"s": "AAPL", "v": VALUES}, "AAPL", "Apple Inc."),
        ({"n": "", "s": "ok", "v": VALUES}, "REQ", "Apple Inc."),  # falls back to requested
        ({"n": "AAPL", "s": "ok", "v": {"lp": 175.4}}, "AAPL", None),  # no description either
    ],
)
def test_quote_symbol_rule(item: dict[str, Any], symbol: str, name: str | None) -> None:
    quote = Quote.from_chart_item(item, requested="REQ")
    assert quote.symbol == symbol
    assert quote.name == name
    assert quote.last_price == Decimal("175.4")


def test_quote_values() -> None:
    q = Quote.from_chart_item({"n": "AAPL", "s": "ok", "v": VALUES})
    assert (q.bid_price, q.ask_price, q.change, q.change_percent) == (
        Decimal("175.38"),
        Decimal("175.41"),
        Decimal("-1.82"),
        Decimal("-1.05"),
    )
    assert (q.open_price, q.high_price, q.low_price, q.previous_close_price) == (
        Decimal("173.9"),
        Decimal("176.02"),
        Decimal("173.55"),
        Decimal("173.58"),
    )
    assert q.volume == Decimal(48213377)
    assert (q.short_name, q.description, q.exchange) == ("AAPL", "Apple Inc.", "NASDAQ")
    assert q.mid_price == Decimal("175.395")


def test_quote_missing_values_are_none() -> None:
    q = Quote.from_chart_item({"n": "X", "s": "ok", "v": {"lp": 1}})
    assert q.bid_price is None
    assert q.volume is None
    assert q.mid_price is None
    assert q.exchange is None


def test_quote_item_error_raises() -> None:
    with pytest.raises(ResponseFormatError, match="ZZZZ"):
        Quote.from_chart_item({"n": "ZZZZ", "s": "error", "v": {}})
    with pytest.raises(ResponseFormatError, match=r"QQQQ.*unknown symbol"):
        Quote.from_chart_item({"s": "error", "v": {"errmsg": "unknown symbol"}}, requested="QQQQ")


@pytest.mark.parametrize(
    "item",
    [
        "AAPL",
        {"s": "ok", "v": VALUES},  # no symbol anywhere and none requested
        {"n": "AAPL", "s": "ok", "v": [1, 2]},
        {"n": "AAPL", "s": "ok", "v": {"lp": "abc"}},
    ],
)
def test_malformed_quote_items(item: Any) -> None:
    with pytest.raises(ResponseFormatError):
        Quote.from_chart_item(item)


@pytest.mark.parametrize("symbol_in", ["n", "s"])
def test_quote_chart_item_round_trip(symbol_in: Any) -> None:
    original = Quote.from_chart_item({"n": "Apple Inc.", "s": "AAPL", "v": VALUES})
    item = original.to_chart_item(symbol_in)
    assert item["v"] == VALUES  # the same JSON numbers
    if symbol_in == "n":
        assert (item["n"], item["s"]) == ("AAPL", "ok")
        assert Quote.from_chart_item(item) == attrs.evolve(original, name=original.description)
    else:
        assert (item["n"], item["s"]) == ("Apple Inc.", "AAPL")
        assert Quote.from_chart_item(item) == original


def test_parse_quotes_response() -> None:
    quotes = parse_quotes_response(
        {"s": "ok", "d": [{"n": "AAPL", "s": "ok", "v": VALUES}, {"n": "M", "s": "MSFT", "v": {}}]}
    )
    assert [q.symbol for q in quotes] == ["AAPL", "MSFT"]
    assert parse_quotes_response({"s": "ok", "d": []}) == []
    assert parse_quotes_response({"s": "ok"}) == []


def test_a_quote_batch_sorts_quotes_from_errors_and_names_the_missing() -> None:
    body = {
        "s": "ok",
        "d": [
            {"n": "AAPL", "s": "ok", "v": VALUES},
            {"n": "BAD1", "s": "error", "errmsg": "unknown symbol"},
            {"s": "error", "v": {"errmsg": "halted"}},  # names no symbol
        ],
    }
    quotes, errors = parse_quote_batch(body, ["AAPL", "BAD1", "GONE"])
    assert list(quotes) == ["AAPL"]
    assert (errors["BAD1"].symbol, errors["BAD1"].reason) == ("BAD1", "unknown symbol")
    assert (errors["GONE"].symbol, errors["GONE"].reason) == ("GONE", "halted")
    everything_bad = {"s": "error", "d": [{"n": "X", "s": "error"}]}
    assert list(parse_quote_batch(everything_bad, ["X"])[1]) == ["X"]
    with pytest.raises(ResponseFormatError, match="no symbols"):  # the whole request refused
        parse_quote_batch({"s": "error", "errmsg": "no symbols"}, ["X"])


def test_a_quote_batch_is_the_dict_of_its_quotes_with_errors_beside() -> None:
    import pickle

    quote = Quote.from_chart_item({"n": "AAPL", "s": "ok", "v": VALUES})
    batch = QuoteBatch({"AAPL": quote}, {"BAD": QuoteError("BAD", "unknown symbol")})
    assert batch == {"AAPL": quote} and isinstance(batch, dict)
    assert repr(batch) == "QuoteBatch(1 quote: AAPL; 1 error: BAD (unknown symbol))"
    again = pickle.loads(pickle.dumps(batch))  # noqa: S301 - our own bytes
    assert again == batch and list(again.errors) == ["BAD"]
    assert again["aapl"] is again["AAPL"] and "bad" in again.errors  # pickled, still so
    batch.errors = {"NOSUCH": QuoteError("NOSUCH", "unknown symbol")}  # set: looked up so too
    assert batch.errors.get("nosuch") is batch.errors["NOSUCH"]


def test_a_big_quote_batch_s_repr_names_a_few_symbols_and_counts_them_all() -> None:
    # A notebook cell or a log line shows the batch of a 500-symbol watchlist in one line.
    symbols = [f"S{n:03}" for n in range(500)]
    quotes = {s: Quote.from_chart_item({"n": s, "s": "ok", "v": VALUES}) for s in symbols}
    errors = {s: QuoteError(s, "unknown symbol") for s in ("X1", "X2", "X3", "X4", "X5", "X6")}
    assert repr(QuoteBatch(quotes, errors)) == (
        "QuoteBatch(500 quotes: S000, S001, S002, S003, S004, ... 495 more; 6 errors: "
        "X1 (unknown symbol), X2 (unknown symbol), X3 (unknown symbol), X4 (unknown symbol), "
        "X5 (unknown symbol), ... 1 more)"
    )
    assert repr(QuoteBatch()) == "QuoteBatch(0 quotes; 0 errors)"
    few = QuoteBatch({s: quotes[s] for s in symbols[:2]}, {"BAD": QuoteError("BAD")})
    assert repr(few) == "QuoteBatch(2 quotes: S000, S001; 1 error: BAD)"
    # Each quote keeps its own full repr.
    assert repr(few["S000"]).startswith("Quote(symbol='S000', ")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"s": "error", "errmsg": "bad symbols"}, "bad symbols"),
        ({"s": "error"}, "error"),
        ({"s": "weird", "d": []}, "weird"),
        ([], "object"),
        ({"s": "ok", "d": {"n": "AAPL"}}, "not a list"),
        ({"s": "ok", "d": [{"n": "ZZZZ", "s": "error"}]}, "ZZZZ"),
    ],
)
def test_quotes_response_errors(body: Any, message: str) -> None:
    with pytest.raises(ResponseFormatError, match=message):
        parse_quotes_response(body)


# ---------------------------------------------------------------------------------------------
# Bars


BARS_BODY = {
    "s": "ok",
    "t": [1672531200, 1672534800],
    "o": [129.93, 130.15],
    "h": [130.28, 131.05],
    "l": [129.88, 130.09],
    "c": [130.15, 130.89],
    "v": [1234567, 1345678],
    "nextTime": 1672542000,
}


def test_parse_bars_values() -> None:
    first, second = parse_bars(BARS_BODY)
    assert first == Bar(
        timestamp=datetime(2023, 1, 1, tzinfo=UTC),
        open=Decimal("129.93"),
        high=Decimal("130.28"),
        low=Decimal("129.88"),
        close=Decimal("130.15"),
        volume=Decimal(1234567),
    )
    assert second.timestamp == datetime(2023, 1, 1, 1, tzinfo=UTC)
    assert second.timestamp.tzinfo is not None


def test_parse_tick_bars_in_milliseconds() -> None:
    body = {"s": "ok", "t": [1672531200123], "o": [1], "h": [1], "l": [1], "c": [1], "v": [3]}
    (bar,) = parse_bars(body)
    assert bar.timestamp == datetime(2023, 1, 1, 0, 0, 0, 123000, tzinfo=UTC)


def test_parse_bars_without_volume() -> None:
    body = {k: v for k, v in BARS_BODY.items() if k != "v"}
    assert [b.volume for b in parse_bars(body)] == [None, None]


@pytest.mark.parametrize(
    "body", [{"s": "no_data"}, {"s": "no_data", "errmsg": "none", "nextTime": 5}, {"s": "ok"}]
)
def test_no_bars(body: dict[str, Any]) -> None:
    assert parse_bars(body) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"s": "error", "errmsg": "resolution not supported"}, "resolution not supported"),
        ({**BARS_BODY, "c": [1]}, "'c' has 1 values"),
        ({**BARS_BODY, "v": [1, 2, 3]}, "'v' has 3 values"),
        ({**BARS_BODY, "o": "129"}, "not a list"),
        ({**BARS_BODY, "h": [1, "x"]}, r"h\[1\]"),
        ({**BARS_BODY, "l": [1, None]}, "empty"),
        ({**BARS_BODY, "t": ["noon", 1]}, r"t\[0\]"),
        ("nope", "object"),
        ({"s": "maybe"}, "maybe"),
    ],
)
def test_bad_bars(body: Any, message: str) -> None:
    with pytest.raises(ResponseFormatError, match=message):
        parse_bars(body)


def test_bars_to_wire_round_trip() -> None:
    bars = parse_bars(BARS_BODY)
    wire = bars_to_wire(bars, next_time=1672542000)
    assert wire == BARS_BODY
    assert parse_bars(wire) == bars
    assert bars_to_wire([]) == {"s": "no_data"}
    ms = bars_to_wire(bars, time_unit="ms")
    assert ms["t"] == [1672531200000, 1672534800000]
    assert parse_bars(ms) == bars


# ---------------------------------------------------------------------------------------------
# Holidays and option contracts


@pytest.mark.parametrize(
    ("hours", "early"), [("09:30-13:00", True), ("", False), (None, False), ("  ", False)]
)
def test_holiday_early_close(hours: str | None, early: bool) -> None:
    assert Holiday(event_name="X", trading_hour=hours).early_close is early


@pytest.mark.parametrize(
    ("symbol", "osi", "put_call"),
    [
        ("O:AAPL250117C00150000", "AAPL250117C00150000", "CALL"),
        ("O:AAPL250117P00150000", "AAPL250117P00150000", "PUT"),
        ("AAPL250117P00150000", "AAPL250117P00150000", "PUT"),
        ("AAPL", "AAPL", None),
        (None, None, None),
    ],
)
def test_option_contract_symbols(symbol: str | None, osi: str | None, put_call: str | None) -> None:
    contract = OptionContract(symbol=symbol, strike_price=Decimal(150))
    assert contract.osi == osi
    assert contract.put_call == put_call


# One vocabulary: Quote and the charts socket's ChartQuote name what they share alike, and
# the names of Quote's previous release still read, with a DeprecationWarning. (ChartQuote is
# newer than those names: it never had them.)

ITEM = {"n": "AAPL", "s": "ok", "v": VALUES}

QUOTE_RENAMES = {
    "last": "last_price",
    "bid": "bid_price",
    "ask": "ask_price",
    "open": "open_price",
    "high": "high_price",
    "low": "low_price",
    "prev_close": "previous_close_price",
    "mid": "mid_price",
}


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
        for new in ("bid_price", "ask_price"):
            getattr(chart, new)
        assert quote.mid_price == Decimal("175.395")


def test_the_old_names_are_not_fields() -> None:
    names = {field.name for field in attrs.fields(Quote)}
    assert names.isdisjoint(QUOTE_RENAMES)
    assert set(QUOTE_RENAMES.values()) - {"mid_price"} <= names  # mid_price: a property
    with pytest.raises(TypeError):
        Quote(symbol="AAPL", bid=Decimal(1))  # type: ignore[call-arg]
    chart = ChartQuote("AAPL", ITEM)
    for old in QUOTE_RENAMES:
        with pytest.raises(AttributeError):
            getattr(chart, old)


def _public_values(model: object, skip: set[str]) -> dict[str, Any]:
    """Each public attribute of ``model`` with what it reads, but the old names and the
    symbol and its display name (``n``, which is also a value of ``v`` here)."""
    skip = skip | {"symbol", "name"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an old name read here would be a mistake
        names = [
            n
            for n in dir(model)
            if not n.startswith("_")
            and n not in skip
            and not isinstance(inspect.getattr_static(model, n), renamed)
        ]
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
    quote = _name_of_each_wire_value(Quote.from_chart_item(ITEM), set(QUOTE_RENAMES))
    chart = _name_of_each_wire_value(ChartQuote("AAPL", ITEM), set())
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
    printed = jsonable(quote)
    assert printed["last_price"] == "1.50" and printed["volume"] == "7"
    assert printed["bid_price"] is None and printed["ask_price"] is None
    assert printed["received_at"] == "2026-01-02T15:30:00Z"
    assert "bid" not in printed and "last" not in printed  # no deprecated name
