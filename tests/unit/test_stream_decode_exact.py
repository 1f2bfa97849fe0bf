"""The decoder reads a frame holding a number no float holds exactly, by the rule of the REST
answers (``http.decode.loads``): alone (``feed``) or among the frames of one socket read
(``feed_many``, which looks for such a number once for the read)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aries_async.models.events import ChartQuote, QuoteUpdate
from aries_async.streaming.protocol import Decoder
from aries_async.streaming.protocol.charts import ChartDecoder

LONG = "123456789012345678.25"


def _quote(symbol: str, bid: str, ask: str = "10.5") -> bytes:
    return (
        b'{"type":"event","payload":{"action":"update","type":"quote","symbol":"%s",'
        b'"data":{"bidPrice":%s,"askPrice":%s},"timestamp":1750839134003}}'
        % (symbol.encode(), bid.encode(), ask.encode())
    )


@pytest.mark.parametrize("per_frame", [1, 3])
def test_feed_many_reads_the_frame_with_a_long_number_exactly(per_frame: int) -> None:
    lines = [_quote("AAA", "1.25"), _quote("BBB", LONG), _quote("CCC", "2.5")] * 2
    frames = [b"\n".join(lines[i : i + per_frame]) for i in range(0, len(lines), per_frame)]
    got = Decoder().feed_many(frames)
    assert [type(q) for q in got] == [QuoteUpdate] * 6
    assert [str(q.bid_price) for q in got] == ["1.25", LONG, "2.5"] * 2
    assert {q.ask_price for q in got} == {Decimal("10.5")}


def test_a_read_without_a_long_number_reads_floats() -> None:
    got = Decoder().feed_many([_quote("AAA", "1.25"), _quote("BBB", "0.1")])
    assert [type(q.data["bidPrice"]) for q in got] == [float, float]
    assert [q.bid_price for q in got] == [Decimal("1.25"), Decimal("0.1")]


@pytest.mark.parametrize("frame", [_quote("BBB", LONG), _quote("BBB", LONG).decode()])
def test_feed_reads_a_long_number_exactly_from_bytes_or_text(frame: bytes | str) -> None:
    (quote,) = Decoder().feed(frame)
    assert str(quote.bid_price) == LONG


def test_a_chart_quote_reads_a_long_number_exactly() -> None:
    frame = (
        b'{"type":"event","payload":{"symbol":"AAPL",'
        b'"data":{"n":"AAPL","s":"ok","v":{"lp":%s,"bid":1.5}}}}'
    )
    (quote,) = ChartDecoder().feed_many([frame % LONG.encode(), frame % b"2.5"])[:1]
    assert isinstance(quote, ChartQuote)
    assert str(quote.last_price) == LONG and quote.bid_price == Decimal("1.5")
