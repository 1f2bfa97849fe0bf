"""Chart quotes (the n/s conflict), bars, holidays and option contract symbols."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

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
    assert q.mid == Decimal("175.395")


def test_quote_missing_values_are_none() -> None:
    q = Quote.from_chart_item({"n": "X", "s": "ok", "v": {"lp": 1}})
    assert q.bid_price is None
    assert q.volume is None
    assert q.mid is None
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
    assert "errors={'BAD': QuoteError(" in repr(batch)
    again = pickle.loads(pickle.dumps(batch))  # noqa: S301 - our own bytes
    assert again == batch and list(again.errors) == ["BAD"]


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
        time=datetime(2023, 1, 1, tzinfo=UTC),
        open=Decimal("129.93"),
        high=Decimal("130.28"),
        low=Decimal("129.88"),
        close=Decimal("130.15"),
        volume=Decimal(1234567),
    )
    assert second.time == datetime(2023, 1, 1, 1, tzinfo=UTC)
    assert second.time.tzinfo is not None


def test_parse_tick_bars_in_milliseconds() -> None:
    body = {"s": "ok", "t": [1672531200123], "o": [1], "h": [1], "l": [1], "c": [1], "v": [3]}
    (bar,) = parse_bars(body)
    assert bar.time == datetime(2023, 1, 1, 0, 0, 0, 123000, tzinfo=UTC)


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
