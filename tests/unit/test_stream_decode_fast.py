"""The decoder's fast paths keep the contract: Decimal values (the Decimal of the float's
repr), converted once, frozen models, and one bad line in a frame costs only that line."""

from __future__ import annotations

import pickle
import random
import struct
from decimal import Decimal
from typing import Any

import orjson
import pytest

from aries_async.models._deferred import deferred_names
from aries_async.models._market_events import convert_quote_prices
from aries_async.models.events import (
    GreeksUpdate,
    Level2Update,
    MarketStatusUpdate,
    QuoteUpdate,
    TimeAndSalesUpdate,
    TradeUpdate,
    UnknownEvent,
)
from aries_async.streaming.protocol import Decoder


def _quote_line(symbol: str, bid: Any, ask: Any = 1.5, **payload: Any) -> str:
    body: dict[str, Any] = {
        "action": "update",
        "type": "quote",
        "symbol": symbol,
        "data": {"bidPrice": bid, "askPrice": ask, "bidSize": 100},
        "timestamp": 1750839134330,
    }
    body.update(payload)
    return orjson.dumps({"type": "event", "payload": body}).decode()


LAZY_MODELS = [QuoteUpdate, TradeUpdate, TimeAndSalesUpdate, Level2Update, GreeksUpdate]


@pytest.mark.parametrize(
    "value",
    [
        189.49,
        0.1,
        100.0,
        1.0,
        -1.5,
        1e-05,
        0.0001,
        1e16,
        1e22,
        5e-324,
        1.7976931348623157e308,
        9007199254740993.0,
        123456789012345678.0,
        -0.0,
        0.0,
    ],
)
def test_a_float_becomes_the_decimal_of_its_repr(value: float) -> None:
    expected = Decimal(repr(value)).as_tuple()
    lazy = QuoteUpdate("A", {"bidPrice": value, "askPrice": value})
    # two quotes in one frame: their prices are converted together, in one batch
    batch = Decoder().feed(_quote_line("A", value, value) + "\n" + _quote_line("B", 1.5, value))
    for price in (lazy.bid_price, lazy.ask_price, batch[0].bid_price, batch[1].ask_price):
        assert price is not None
        assert price.as_tuple() == expected


def test_random_floats_convert_like_repr() -> None:
    rng = random.Random(6)
    for _ in range(5000):
        value = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        expected = Decimal(repr(value))
        result = QuoteUpdate("A", {"askPrice": value}).ask_price
        if not expected.is_finite():
            assert result is None
        else:
            assert result is not None
            assert result.as_tuple() == expected.as_tuple()


def test_zero_keeps_its_sign_whatever_was_converted_before() -> None:
    assert QuoteUpdate("A", {"bidPrice": 0.0}).bid_price == Decimal("0.0")
    negative = QuoteUpdate("A", {"bidPrice": -0.0}).bid_price
    assert negative is not None
    assert negative.is_signed()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "junk", "", None])
def test_values_that_are_not_numbers_read_as_none(value: Any) -> None:
    assert QuoteUpdate("A", {"bidPrice": value}).bid_price is None


def test_a_frame_of_quotes_reads_each_price_as_one_decimal() -> None:
    rng = random.Random(1)
    prices = [(round(rng.uniform(5, 900), 2), round(rng.uniform(5, 900), 4)) for _ in range(50)]
    frame = "\n".join(_quote_line(f"S{i}", bid, ask) for i, (bid, ask) in enumerate(prices))
    quotes = Decoder().feed(frame)
    for quote, (bid, ask) in zip(quotes, prices, strict=True):
        assert quote.bid_price == Decimal(repr(bid))
        assert quote.bid_price is quote.bid_price
        assert quote.ask_price == Decimal(repr(ask))
        assert quote.bid_size == 100


def test_a_frame_mixing_floats_with_other_prices_reads_each_right() -> None:
    frame = "\n".join(
        [
            _quote_line("A", "189.49", 189.51),
            _quote_line("B", 7, 8.25),
            _quote_line("C", None, "junk"),
            _quote_line("D", 1.25, 1.5),
        ]
    )
    a, b, c, d = Decoder().feed(frame)
    assert (a.bid_price, a.ask_price) == (Decimal("189.49"), Decimal("189.51"))
    assert (b.bid_price, b.ask_price) == (Decimal(7), Decimal("8.25"))
    assert (c.bid_price, c.ask_price) == (None, None)
    assert (d.bid_price, d.ask_price) == (Decimal("1.25"), Decimal("1.5"))


def test_each_quote_of_a_mixed_frame_gets_its_own_prices() -> None:
    messages: list[Any] = [
        QuoteUpdate("A", {"bidPrice": 1.5, "askPrice": 2.5}),
        TradeUpdate("A", {"lastPrice": 9.75}),
        QuoteUpdate("B", {"bidPrice": 3.25, "askPrice": 4.125}),
        UnknownEvent(raw={"type": "x"}),
        QuoteUpdate("C", {"bidPrice": 1e-07, "askPrice": 1e22}),
    ]
    convert_quote_prices(messages)
    prices = [(m.bid_price, m.ask_price) for m in messages if type(m) is QuoteUpdate]
    assert prices == [
        (Decimal("1.5"), Decimal("2.5")),
        (Decimal("3.25"), Decimal("4.125")),
        (Decimal("1E-7"), Decimal("1E+22")),
    ]
    assert messages[1].last_price == Decimal("9.75")


def test_a_batch_with_an_infinite_price_leaves_it_to_the_lazy_read() -> None:
    quotes = [
        QuoteUpdate("A", {"bidPrice": 1.5, "askPrice": 2.5}),
        QuoteUpdate("B", {"bidPrice": float("inf"), "askPrice": 3.5}),
    ]
    convert_quote_prices(quotes)
    assert (quotes[0].bid_price, quotes[0].ask_price) == (Decimal("1.5"), Decimal("2.5"))
    assert (quotes[1].bid_price, quotes[1].ask_price) == (None, Decimal("3.5"))


def test_a_frame_with_one_malformed_line_keeps_the_others() -> None:
    decoder = Decoder()
    good = [_quote_line(f"S{i}", 10 + i) for i in range(5)]
    frame = "\n".join([*good[:2], '{"type": "event", "payload": {', *good[2:]])
    out = decoder.feed(frame)
    assert [q.symbol for q in out] == ["S0", "S1", "S2", "S3", "S4"]
    assert [q.bid_price for q in out] == [Decimal(10 + i) for i in range(5)]
    assert decoder.malformed == 1
    assert decoder.lines == 5


def test_a_frame_with_a_json_value_that_is_not_an_object_keeps_the_others() -> None:
    decoder = Decoder()
    frame = "\n".join([_quote_line("A", 1.25), "[1, 2]", "7", _quote_line("B", 2.5)])
    out = decoder.feed(frame.encode())
    assert [(q.symbol, q.bid_price) for q in out] == [("A", Decimal("1.25")), ("B", Decimal("2.5"))]
    assert decoder.malformed == 2
    assert decoder.lines == 2


def test_decoded_models_equal_those_built_by_the_constructor() -> None:
    (decoded,) = Decoder().feed(_quote_line("AAPL", 189.49, 189.51))
    built = QuoteUpdate("AAPL", dict(decoded.data), 1750839134330)
    assert type(decoded) is QuoteUpdate
    assert decoded == built
    assert repr(decoded) == repr(built)
    assert "bid_price=Decimal('189.49')" in repr(decoded)
    assert decoded.bid_price == built.bid_price == Decimal("189.49")
    assert decoded.mid_price == Decimal("189.50")


@pytest.mark.parametrize("model", LAZY_MODELS)
def test_lazy_models_are_immutable(model: type[Any]) -> None:
    update = model("A", {"price": 1.5, "bidPrice": 1.5, "delta": 0.5, "orderBook": []}, 1)
    for name in ("symbol", "data", "timestamp_ms", "anything_else"):
        with pytest.raises(AttributeError):
            setattr(update, name, "X")
        with pytest.raises(AttributeError):
            delattr(update, name)
    lazy = next(
        name for name in ("bid_price", "price", "delta", "order_book") if hasattr(model, name)
    )
    before = getattr(update, lazy)
    with pytest.raises(AttributeError):
        setattr(update, lazy, Decimal(0))
    assert getattr(update, lazy) is before


def test_market_status_is_immutable_too() -> None:
    status = MarketStatusUpdate({"market": "open"})
    with pytest.raises(AttributeError):
        status.data = {}  # type: ignore[misc]


@pytest.mark.parametrize("model", LAZY_MODELS)
def test_every_lazy_field_reads_the_same_object_twice(model: type[Any]) -> None:
    data = {
        "bidPrice": 1.25,
        "askPrice": "1.5",
        "price": "2.5",
        "lastPrice": 2.5,
        "size": "10",
        "delta": 0.5,
        "tick": "+",
        "tradeTimestamp": 1750839134330,
        "quoteTimestamp": "2025-06-25T08:12:14Z",
        "orderBook": ["200:189.51:0"],
        "quotes": ["X:1:2:3:4"],
        # every other field of every model, so that ``is`` below compares real values
        "bidSize": 100,
        "askSize": "200",
        "bidExchange": "NSDQ",
        "askExchange": "ARCA",
        "bidChange": 0.01,
        "askChange": "-0.02",
        "totalVolume": 12345,
        "tickVolume": 7,
        "openPrice": 2.4,
        "highPrice": "2.6",
        "lowPrice": 2.3,
        "netChange": -0.1,
        "previousClosePrice": 2.6,
        "tradeSeq": 42,
        "tradeExchange": "XNYS",
        "gamma": 0.01,
        "theta": "-0.02",
        "vega": 0.1,
        "rho": 0.05,
        "iv": 0.3,
    }
    update = model("A", data, 1750839134330)
    names = deferred_names(model)
    assert names
    for name in names:
        assert getattr(update, name) is getattr(update, name), name
    # ``is`` proves nothing for None: every field must have been filled from the data above.
    filled = [name for name in names if getattr(update, name) is not None]
    assert filled == names, (model.__name__, sorted(set(names) - set(filled)))


def test_pickled_models_keep_values_and_stay_lazy() -> None:
    quote = QuoteUpdate("A", {"bidPrice": 3.5, "askPrice": 3.75}, 12)
    assert quote.bid_price == Decimal("3.5")  # one field converted before pickling
    again = pickle.loads(pickle.dumps(quote))  # noqa: S301 - bytes made on the line itself
    assert again == quote
    assert (again.bid_price, again.ask_price, again.spread) == (
        Decimal("3.5"),
        Decimal("3.75"),
        Decimal("0.25"),
    )


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        # the fast path does not take these; the general path still decodes them
        (
            {"action": "update", "type": "marketStatus", "data": {"market": "open"}},
            MarketStatusUpdate,
        ),
        (
            {"action": "update", "type": "quote", "data": {"symbol": "A", "bidPrice": 1}},
            QuoteUpdate,
        ),
        (
            {"action": "update", "type": ["quote"], "symbol": "A", "data": {"bidPrice": 1}},
            QuoteUpdate,
        ),
        (
            {"action": "update", "type": "quote", "symbol": "", "data": {"bidPrice": 1}},
            UnknownEvent,
        ),
        ({"action": "update", "type": "quote", "symbol": 7, "data": {"bidPrice": 1}}, UnknownEvent),
        ({"action": "update", "type": "quote", "symbol": "A", "data": [1]}, UnknownEvent),
        ({"action": "update", "type": "quote", "symbol": "A"}, UnknownEvent),
        ({"action": "update", "type": "news", "symbol": "A", "data": {"x": 1}}, UnknownEvent),
    ],
)
def test_updates_the_fast_path_leaves_to_the_general_one(
    payload: dict[str, Any], kind: type[Any]
) -> None:
    (message,) = Decoder().feed(orjson.dumps({"type": "event", "payload": payload}))
    assert type(message) is kind


@pytest.mark.parametrize("payload", [[1, 2], "text", None, 3])
def test_payloads_of_other_json_types_become_unknown_events(payload: Any) -> None:
    decoder = Decoder()
    (message,) = decoder.feed(orjson.dumps({"type": "event", "payload": payload}))
    assert type(message) is UnknownEvent
    assert decoder.unknown == 1


ONE_LINE_FRAMES = [
    b'{"type":"event","payload":{"action":"update","type":"quote","symbol":"A",'
    b'"data":{"bidPrice":1.5,"askPrice":1.6},"timestamp":7}}',
    b'{"type":"event","payload":{"action":"update","type":"trade","symbol":"A",'
    b'"data":{"lastPrice":2}}}',
    b'{"type":"event","payload":{"action":"update","type":"quote","symbol":"A","data":[1]}}',
    b'{"type":"event","payload":{"action":"authSuccess"},"id":"auth-1"}',
    b'{"type":"response","id":"s1","payload":{"action":"subscribe","status":"ok"}}',
    b'{"type":"brandNew","payload":{"x":1}}',
    b'{"type":"event","payload":3}',
    b'{"type":"event"}',
    b"[1,2]",
    b'"text"',
    b'{"type":"event","payload":{"action":"upd',
    b"",
]


@pytest.mark.parametrize("line", ONE_LINE_FRAMES)
def test_a_one_line_frame_decodes_as_the_general_path_decodes_it(line: bytes) -> None:
    fast, general = Decoder(), Decoder()
    got = fast.feed(line)  # bytes without a newline: the one-line path
    expected = general.feed(line.decode())  # text: the general path
    assert got == expected
    assert [type(m) for m in got] == [type(m) for m in expected]
    counters = ("lines", "malformed", "invalid", "unknown")
    assert [getattr(fast, c) for c in counters] == [getattr(general, c) for c in counters]


def test_the_frames_of_one_read_decode_as_each_frame_alone() -> None:
    quotes = [_quote_line(f"S{i}", 10 + i / 8).encode() for i in range(6)]
    reads = [
        quotes[:3],  # one-line frames
        [quotes[3], b"\n".join(quotes[4:6]), quotes[0]],  # a frame of two lines among them
        [quotes[1] + b"\n", quotes[2]],  # a newline at a frame's end
        [quotes[3], b"", quotes[4]],  # an empty frame
        [quotes[5], b"\n\n".join(quotes[:2])],  # a blank line inside a frame
        ONE_LINE_FRAMES,  # every kind of message, malformed ones included
        [quotes[0]],
    ]
    counters = ("lines", "malformed", "invalid", "unknown")
    together, alone = Decoder(), Decoder()
    for frames in reads:
        got = together.feed_many(list(frames))
        expected = [item for frame in frames for item in alone.feed(frame)]
        assert got == expected
        assert [type(m) for m in got] == [type(m) for m in expected]
        assert [getattr(together, c) for c in counters] == [getattr(alone, c) for c in counters]
        quotes_got = [m for m in got if type(m) is QuoteUpdate]
        assert [(q.bid_price, q.ask_price) for q in quotes_got] == [
            (q.bid_price, q.ask_price) for q in expected if type(q) is QuoteUpdate
        ]
    assert together.malformed > 0 and together.unknown > 0  # the bad frames were in it


@pytest.mark.parametrize("wire", [12.5, "12.5", " 12.5 ", float("inf"), float("nan"), "x"])
def test_a_sequence_number_that_is_not_whole_is_not_cut_to_one(wire: Any) -> None:
    """``tradeSeq`` is an int: a value with a fraction is unreadable (None; ``data`` keeps
    it), never a truncated number that may repeat another trade's."""
    assert TradeUpdate("A", {"tradeSeq": wire}).trade_sequence is None
    assert TimeAndSalesUpdate("A", {"tradeSeq": wire}).trade_sequence is None


@pytest.mark.parametrize("wire", [42, 42.0, "42", " 42 ", "42.0", "4.2e1"])
def test_a_whole_sequence_number_reads_as_an_int(wire: Any) -> None:
    seq = TradeUpdate("A", {"tradeSeq": wire}).trade_sequence
    assert seq == 42 and type(seq) is int


@pytest.mark.parametrize(
    ("update", "field", "expected"),
    [
        (TradeUpdate("A", {"lastPrice": 2.5, "price": 3}), "last_price", Decimal("2.5")),
        (TradeUpdate("A", {"price": 3}), "last_price", Decimal(3)),
        (TradeUpdate("A", {"lastPrice": "", "price": "3"}), "last_price", Decimal(3)),
        (TradeUpdate("A", {"lastPrice": 2.5, "price": 3}), "price", Decimal(3)),
        (TradeUpdate("A", {"lastPrice": 2.5}), "price", Decimal("2.5")),
        (TradeUpdate("A", {"price": "x", "lastPrice": 2.5}), "price", Decimal("2.5")),
        (TradeUpdate("A", {}), "price", None),
        (GreeksUpdate("A", {"impliedVolatility": 0.2, "iv": 0.3}), "implied_volatility", 0.2),
        (GreeksUpdate("A", {"iv": "0.3"}), "implied_volatility", Decimal("0.3")),
        (GreeksUpdate("A", {"impliedVolatility": None, "iv": 0.3}), "implied_volatility", 0.3),
        (GreeksUpdate("A", {}), "implied_volatility", None),
    ],
)
def test_a_field_with_two_wire_names_reads_the_second_when_the_first_is_unreadable(
    update: Any, field: str, expected: Any
) -> None:
    got = getattr(update, field)
    assert got == (Decimal(repr(expected)) if type(expected) is float else expected)
