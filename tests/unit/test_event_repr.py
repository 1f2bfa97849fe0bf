"""What ``print()`` shows of a stream event: a market-data update's symbol, time and every
field it carries, converted (a notebook user reads the update, not only its symbol), and every
other event's fields, whatever class it is."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import orjson
import pytest

from aries_async.models._deferred import deferred_names
from aries_async.models.events import (
    AccountEvent,
    ChartEvent,
    ChartQuote,
    ChartTrade,
    ControlMessage,
    GapUnchecked,
    GreeksUpdate,
    MarketEvent,
    MarketStatusUpdate,
    QuoteUpdate,
    StatusEvent,
    StreamConnected,
    StreamDisconnected,
    StreamReauthenticated,
    TimeAndSalesUpdate,
    TradeUpdate,
)
from aries_async.streaming.protocol import Decoder
from aries_async.streaming.protocol.charts import ChartDecoder

MS = 1_768_489_200_000  # 2026-01-15T15:00:00Z
AT = datetime(2026, 1, 15, 15, tzinfo=UTC)


def test_a_quote_updates_repr_shows_what_it_carries_and_leaves_out_the_rest() -> None:
    update = QuoteUpdate("AAPL", {"bidPrice": 189.49, "askPrice": 189.51, "bidSize": 3}, MS)
    text = repr(update)
    assert text.startswith("QuoteUpdate(symbol='AAPL', timestamp=")
    assert f"timestamp={AT!r}" in text
    assert "bid_price=Decimal('189.49')" in text
    assert "ask_price=Decimal('189.51')" in text
    assert "bid_size=Decimal('3')" in text
    assert "ask_size" not in text  # not sent: not shown
    assert "data=" not in text  # the wire mapping stays out: the fields say it
    assert str(update) == text


@pytest.mark.parametrize(
    ("update", "shown"),
    [
        (TradeUpdate("MSFT", {"lastPrice": 410.5, "lastSize": 100}, MS), "last_price="),
        (TimeAndSalesUpdate("MSFT", {"price": 410.5, "size": 7}, MS), "price="),
        (GreeksUpdate("O:AAPL270115C00190000", {"delta": 0.5}, MS), "delta=Decimal('0.5')"),
        (
            ChartQuote("AAPL", {"s": "ok", "n": "AAPL", "v": {"lp": 227.8}}, MS),
            "last_price=Decimal('227.8')",
        ),
        (ChartTrade("AAPL", {"lp": 227.8, "v": 5}, MS), "price=Decimal('227.8')"),
    ],
    ids=["trade", "time-and-sales", "greeks", "chart-quote", "chart-trade"],
)
def test_every_market_update_shows_its_fields(update: Any, shown: str) -> None:
    text = repr(update)
    assert text.startswith(f"{type(update).__name__}(symbol=")
    assert shown in text


def test_a_repr_of_an_update_without_time_or_fields_is_its_symbol() -> None:
    assert repr(QuoteUpdate("AAPL", {})) == "QuoteUpdate(symbol='AAPL')"


def test_an_update_equal_to_another_is_so_whatever_was_read_of_it() -> None:
    # repr() converts and keeps the fields it shows; equality still compares the wire data.
    one = QuoteUpdate("AAPL", {"bidPrice": 1.5}, MS)
    other = QuoteUpdate("AAPL", {"bidPrice": 1.5}, MS)
    repr(one)
    assert one == other
    assert one.bid_price == Decimal("1.5")


# -- every event class, built from the wire ---------------------------------------------------

STAMP = 1_750_858_504_905
ORDER = {
    "accountId": "ACC123456",
    "clOrdId": "c-1",
    "symbol": "AAPL",
    "side": "BUY",
    "type": "LIMIT",
    "qty": "100",
    "price": "189.50",
    "ordStatus": "PARTIALLY_FILLED",
}
POSITION = {"accountId": "ACC123456", "symbol": "AAPL", "quantity": "40", "averagePrice": "189.48"}
BALANCE = {"accountId": "ACC123456", "balance": "25012.80", "cashBalance": "17430.80"}


def _event(payload: dict[str, Any]) -> dict[str, Any]:
    return {"type": "event", "payload": {**payload, "timestamp": STAMP}}


def _update(kind: str, symbol: str, data: dict[str, Any]) -> dict[str, Any]:
    return _event({"action": "update", "type": kind, "symbol": symbol, "data": data})


def _account(name: str | None, data: dict[str, Any], topic: str = "account") -> dict[str, Any]:
    return _event({"topic": topic, "data": data, **({} if name is None else {"name": name})})


# One representative wire message per class (the spec's examples, trimmed), and what its repr
# must show beside every field the generic check finds (the fields held only in ``data``).
MARKET_WIRE: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    (_update("quote", "AAPL", {"bidPrice": 189.49, "askPrice": 189.51}), ()),
    (_update("trade", "AAPL", {"lastPrice": 189.5, "size": 100, "tick": "+"}), ()),
    (_update("timeAndSales", "AAPL", {"price": "189.50", "size": "100", "tradeSeq": "8"}), ()),
    (_update("level2", "AAPL", {"orderBook": ["200:189.51:0"], "quotes": []}), ()),
    (_update("greeks", "AAPL240119C00150000", {"delta": 0.61, "impliedVolatility": 0.28}), ()),
    (
        _update(
            "marketStatus",
            "",
            {
                "market": "closed",
                "earlyHours": False,
                "afterHours": True,
                "exchanges": {"nasdaq": "closed"},
                "currencies": {"fx": "open"},
                "indicesGroups": {"s_and_p": "open"},
                "serverTime": "2025-07-17T03:33:11.000Z",
            },
        ),
        (
            "market='closed'",
            "early_hours=False",
            "after_hours=True",
            "exchanges={'nasdaq': 'closed'}",
            "currencies={'fx': 'open'}",
            "indices_groups={'s_and_p': 'open'}",
            "server_time=datetime.datetime(2025, 7, 17, 3, 33, 11",
            "timestamp=datetime.datetime(",
        ),
    ),
    (_event({"action": "error", "error": "invalid symbol", "id": "sub-1"}), ()),
    (_event({"action": "authSuccess", "id": "auth-1", "data": {"expiresIn": 3900000}}), ()),
    (_event({"action": "authRequired", "error": "authenticate first"}), ()),
    (_event({"action": "refreshAuth"}), ()),
    (_event({"action": "authExpired"}), ()),
    ({"type": "pong", "id": "ping-42"}, ()),
    ({"type": "subscribed", "id": "sub-2"}, ()),
    ({"type": "response", "id": "req-1", "payload": {"status": 200, "data": [1]}}, ("data",)),
    ({"type": "mystery", "payload": {"what": 1}}, ("'mystery'", "'what': 1")),
    (_account("account.order", ORDER), ()),
    (_account("account.position", POSITION), ()),
    (_account("account.balance", BALANCE), ()),
    (_account(None, {"account": BALANCE, "positions": [POSITION], "ordersV2": [ORDER]}), ()),
    (_account("account.info", {"accountId": "A1", "dayTradeCount": 2}), ("'dayTradeCount': 2",)),
    (_account(None, {"accountId": "A1", "interval": "1m", "t": STAMP, "c": "1.5"}, "pnl"), ()),
    (_account(None, {"id": 7, "name": "Tech", "symbols": ["KO"]}, "watchlist"), ()),
    (_account(None, {"headline": "Up", "symbols": ["KO"]}, "news"), ()),
]
CHART_WIRE: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    (
        {"type": "event", "payload": {"symbol": "AAPL", "data": {"s": "ok", "v": {"lp": 189.5}}}},
        (),
    ),
    ({"type": "event", "payload": {"symbol": "AAPL", "data": {"lp": 189.5, "v": 100}}}, ()),
]
SYNTHESIZED: list[tuple[Any, tuple[str, ...]]] = [
    (
        GapUnchecked(account_id="A1", since=AT, until=None, reason="the order lookup failed"),
        ("since=", "until=None"),
    ),
]
"""Events the stream makes itself (no wire message is one)."""
STATUS = [
    StreamConnected(attempt=2, reconnect=True, at=1.5),
    StreamDisconnected(reason="server closed (1006)", will_reconnect=True, retry_in=0.5, at=1.0),
    StreamReauthenticated(at=2.0),
]


def _built() -> list[tuple[Any, tuple[str, ...]]]:
    out: list[tuple[Any, tuple[str, ...]]] = []
    for decoder, table in ((Decoder(), MARKET_WIRE), (ChartDecoder(), CHART_WIRE)):
        for message, shown in table:
            [event] = decoder.feed(orjson.dumps(message))
            out.append((event, shown))
    return out + SYNTHESIZED + [(status, ("at=", "timestamp=")) for status in STATUS]


BUILT = _built()


def _kinds(union: Any) -> set[type]:
    return set(typing.get_args(union))


def test_the_table_builds_every_event_class() -> None:
    every = set().union(
        *(_kinds(u) for u in (MarketEvent, ChartEvent, AccountEvent, StatusEvent, ControlMessage))
    )
    assert {type(event) for event, _ in BUILT} == every


def _values(event: Any) -> dict[str, Any]:
    """The fields an event holds: its attrs fields (but the ``raw`` wire copy, and the wire
    ``data`` of a lazy update, which its fields read) and its lazily converted ones."""
    names = [a.name for a in attrs.fields(type(event)) if a.name != "raw"]
    lazy = deferred_names(type(event))
    if lazy or isinstance(event, MarketStatusUpdate):
        names = [n for n in names if n not in ("data", "timestamp_ms", "symbol")]
        names += ["symbol"] if getattr(event, "symbol", "") else []
    return {name: getattr(event, name) for name in [*names, *lazy]}


@pytest.mark.parametrize(
    ("event", "shown"), BUILT, ids=[f"{type(e).__name__}-{i}" for i, (e, _) in enumerate(BUILT)]
)
def test_every_event_repr_shows_its_fields(event: Any, shown: tuple[str, ...]) -> None:
    text = repr(event)
    assert text.startswith(f"{type(event).__name__}(")
    for name, value in _values(event).items():
        if value is not None:
            assert f"{name}={value!r}" in text, name
    for part in shown:
        assert part in text
    if getattr(event, "timestamp_ms", None) is not None:
        assert "timestamp" in text  # the envelope time, raw or read
