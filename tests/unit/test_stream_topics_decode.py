"""The decoder on the account socket's other topics and on socket-request answers: the
envelope typed, the UNKNOWN rest kept, every shape and legacy name accepted."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest

from aries_async.models.events import (
    AccountInfoEvent,
    NewsEvent,
    PnlEvent,
    PnlInterval,
    ServerErrorMessage,
    SubscribeAck,
    UnknownEvent,
    WatchlistEvent,
)
from aries_async.streaming.protocol import Decoder
from aries_async.streaming.socket_requests import answer_data


def decode(payload: object, **envelope: object) -> object:
    [message] = Decoder().feed(orjson.dumps({"type": "event", "payload": payload, **envelope}))
    return message


@pytest.mark.parametrize("topic", ["pnl", "pnlCandle"])
def test_a_pnl_candle_object_with_decimal_strings(topic: str) -> None:
    event = decode(
        {
            "topic": topic,
            "data": {
                "accountId": "A1",
                "interval": "1m",
                "time": "2026-01-15T15:00:00Z",
                "open": "-1.50",
                "high": "2",
                "low": "-3.25",
                "close": "0.10",
                "extra": {"kept": True},
            },
            "timestamp": 1768489200000,
        }
    )
    assert isinstance(event, PnlEvent)
    assert (event.account_id, event.interval, event.topic) == ("A1", "1m", topic)
    candle = event.candle
    assert candle is not None
    assert candle.timestamp == datetime(2026, 1, 15, 15, tzinfo=UTC)
    assert (candle.open, candle.high, candle.low, candle.close) == (
        Decimal("-1.50"),
        Decimal(2),
        Decimal("-3.25"),
        Decimal("0.10"),
    )
    assert candle.raw["extra"] == {"kept": True}
    assert event.timestamp_ms == 1768489200000


def test_pnl_candles_as_a_list_with_short_keys_and_junk() -> None:
    event = decode(
        {
            "topic": "pnl",
            "accountId": "A1",
            "interval": "15s",
            "data": [{"t": 1768489200000, "o": 1.5, "c": 2}, {"t": "soon", "o": "n/a"}, "junk"],
        }
    )
    assert isinstance(event, PnlEvent)
    assert [c.open for c in event.candles] == [Decimal("1.5"), None]
    assert event.candles[0].close == Decimal(2)
    assert event.candles[1].timestamp is None
    assert event.account_id == "A1"


@pytest.mark.parametrize("topic", ["watchlist", "watchlistUpdates"])
@pytest.mark.parametrize("as_list", [True, False])
def test_watchlists_as_list_or_object(topic: str, as_list: bool) -> None:
    item = {"id": 7, "name": "Tech", "symbols": ["aapl", {"symbol": "msft"}], "action": "updated"}
    event = decode({"topic": topic, "data": [item] if as_list else item})
    assert isinstance(event, WatchlistEvent)
    [watchlist] = event.watchlists
    assert (watchlist.id, watchlist.name, watchlist.symbols) == (7, "Tech", ("AAPL", "MSFT"))
    assert event.action == "updated"


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        (7, 7),
        ("7", 7),  # a numeric string: the REST model's int
        (" 12 ", 12),
        (7.0, 7),
        ("w1", None),  # not a whole number: no id (the wire value stays in raw)
        (7.5, None),
        (True, None),
        ("", None),
        (None, None),
    ],
)
def test_a_watchlist_id_is_the_int_of_the_rest_model(sent: object, read: int | None) -> None:
    for key in ("id", "watchlistId"):
        event = decode({"topic": "watchlist", "data": {key: sent, "name": "Tech"}})
        assert isinstance(event, WatchlistEvent)
        [watchlist] = event.watchlists
        assert watchlist.id == read
        assert watchlist.id is None or type(watchlist.id) is int
        assert watchlist.raw[key] == sent
        assert watchlist.name == "Tech"


def test_news_items_and_account_info() -> None:
    news = decode(
        {
            "topic": "news",
            "data": {"items": [{"title": "T", "tickers": "aapl, ko", "published": 1768489200000}]},
        }
    )
    assert isinstance(news, NewsEvent)
    assert news.items[0].headline == "T"
    assert news.items[0].symbols == ("AAPL", "KO")
    assert news.items[0].published_at == datetime(2026, 1, 15, 15, tzinfo=UTC)
    info = decode(
        {"topic": "accUpdates", "name": "account.info", "data": {"accountId": "A1", "x": 1}}
    )
    assert isinstance(info, AccountInfoEvent)
    assert info.account_id == "A1"
    assert info.data["x"] == 1


@pytest.mark.parametrize(
    "payload",
    [{"topic": "weather", "data": {}}, {"topic": "pnl"}, {"topic": "account", "data": []}],
)
def test_what_does_not_fit_stays_an_unknown_event(payload: object) -> None:
    assert isinstance(decode(payload), UnknownEvent)


def test_intervals_cover_both_documented_lists() -> None:
    assert {i.value for i in PnlInterval} >= {"15s", "1m", "5m", "15m", "1h", "1d", "1mo"}
    assert {i.value for i in PnlInterval} >= {"4h", "1w", "1y"}


def test_request_answers_and_refusals() -> None:
    decoder = Decoder()
    ok, refused = decoder.feed(
        b'{"type":"response","id":"req-1","payload":{"status":200,"data":{"a":1}}}\n'
        b'{"type":"response","id":"req-2","payload":{"status":404,"code":"NF","message":"gone"}}'
    )
    assert isinstance(ok, SubscribeAck)
    assert ok.request_id == "req-1"
    assert answer_data(ok.payload) == {"a": 1}
    assert isinstance(refused, ServerErrorMessage)
    assert (refused.request_id, refused.status, refused.code) == ("req-2", 404, "NF")
    assert refused.error == "gone"
    assert answer_data({"status": 200, "body": [1]}) == [1]
    assert answer_data({"status": 200, "id": "x", "symbol": "A"}) == {"symbol": "A"}


def test_whole_numbers_of_a_frame_read_exactly_stay_whole() -> None:
    # A long number anywhere in a frame has the frame read exactly: its other numbers with a
    # fraction come as Decimal too, and a whole one among them must still read as an int.
    long = b"123456789012345678.25"
    watchlist = Decoder().feed(
        b'{"type":"event","payload":{"topic":"watchlist","data":'
        b'{"id":7.0,"name":"Tech","note":%s}}}' % long
    )
    trade = Decoder().feed(
        b'{"type":"event","payload":{"action":"update","type":"trade","symbol":"AAPL",'
        b'"data":{"price":%s,"tradeSeq":42.0}}}' % long
    )
    [event], [update] = watchlist, trade
    assert isinstance(event, WatchlistEvent)
    assert event.watchlists[0].id == 7
    assert type(event.watchlists[0].id) is int
    assert update.trade_sequence == 42 and str(update.price) == long.decode()
