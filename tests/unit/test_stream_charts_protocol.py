"""The charts socket's protocol without I/O: the decoder on the spec's examples and on every
variant of its open points, the chart models, and the subscriptions' wire types."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from aries_async.models.events import (
    AuthSuccess,
    ChartQuote,
    ChartTrade,
    Pong,
    ServerErrorMessage,
    SubscribeAck,
    UnknownEvent,
)
from aries_async.streaming.protocol import Channel
from aries_async.streaming.protocol.charts import (
    ChartDecoder,
    ChartSubscription,
    ChartSubscriptions,
)
from aries_async.streaming.protocol.overtaken import LIMIT

EXAMPLES = Path("/work/shared/aries-api/examples/ws")
QUOTE_DATA = {"s": "ok", "n": "AAPL", "v": {"lp": 189.5, "bid": 189.49, "ask": 189.51, "ch": 1.37}}
TRADE_DATA = {"s": "ok", "t": 1750839134, "lp": 189.5, "v": 100}


def line(payload: dict[str, Any], **envelope: Any) -> bytes:
    return orjson.dumps({"type": "event", **envelope, "payload": payload})


def example(name: str) -> bytes:
    path = EXAMPLES / f"charts.{name}.json"
    if not path.exists():
        pytest.skip("the shared spec examples are not on this machine")
    return orjson.dumps(orjson.loads(path.read_bytes()))


def test_the_spec_examples_decode_to_typed_events() -> None:
    decoder = ChartDecoder()
    (quote,) = decoder.feed(example("quote.event"))
    (trade,) = decoder.feed(example("trade.event"))
    (pong,) = decoder.feed(example("pong.response"))
    assert type(quote) is ChartQuote and quote.symbol == "AAPL"
    assert quote.last_price == Decimal("189.5") and quote.bid_price == Decimal("189.49")
    assert quote.previous_close_price == Decimal("188.13") and quote.volume == 41235678
    assert quote.exchange == "NASDAQ" and quote.short_name == "AAPL" and quote.ok
    assert type(trade) is ChartTrade and trade.size == 100
    assert trade.trade_timestamp == datetime(2025, 6, 25, 8, 12, 14, tzinfo=UTC)
    assert pong == Pong(request_id="ping-1")
    assert decoder.unknown == 0 and decoder.lines == 3


@pytest.mark.parametrize(
    ("raw", "kind", "stamp"),
    [
        # the SDK's shape, several lines a frame, in one read
        (line({"symbol": "AAPL", "data": QUOTE_DATA}), ChartQuote, None),
        # typed, with the envelope timestamp in RFC 3339 and the payload's in ms
        (
            line(
                {"action": "update", "type": "quotes", "symbol": "AAPL", "data": QUOTE_DATA},
                timestamp="2025-06-25T08:12:14.500Z",
            ),
            ChartQuote,
            1750839134500,
        ),
        (
            line(
                {
                    "action": "update",
                    "type": "trade",
                    "symbol": "AAPL",
                    "data": TRADE_DATA,
                    "timestamp": 7,
                }
            ),
            ChartTrade,
            7,
        ),
        # no symbol in the payload: the quote's ``n``
        (line({"data": QUOTE_DATA}), ChartQuote, None),
        # a trade with strings and ``t`` in milliseconds
        (
            line({"symbol": "AAPL", "data": {"t": "1750839134000", "lp": "189.5", "v": "100"}}),
            ChartTrade,
            None,
        ),
    ],
)
def test_every_event_variant_is_read(raw: bytes, kind: type[Any], stamp: int | None) -> None:
    decoder = ChartDecoder()
    (event,) = decoder.feed(raw)
    assert type(event) is kind
    assert event.symbol == "AAPL" and event.timestamp_ms == stamp
    if kind is ChartTrade:
        assert event.price == Decimal("189.5") and event.size == 100
        assert event.trade_timestamp == datetime(2025, 6, 25, 8, 12, 14, tzinfo=UTC)
    else:
        assert event.last_price == Decimal("189.5") and event.change == Decimal("1.37")
    # The same line inside a frame of several, and among the frames of one read.
    two = decoder.feed(raw + b"\n" + raw)
    assert [type(e) for e in two] == [kind, kind]
    many = decoder.feed_many([raw, raw + b"\n" + raw])
    assert [e.data for e in many] == [event.data] * 3


def test_control_messages_acks_errors_and_junk() -> None:
    decoder = ChartDecoder()
    frame = b"\n".join(
        [
            orjson.dumps({"type": "event", "payload": {"action": "authSuccess", "id": "auth-1"}}),
            orjson.dumps({"type": "subscribed", "id": "sub-1"}),
            orjson.dumps({"type": "response", "id": "sub-2", "payload": {"status": 200}}),
            orjson.dumps(
                {"type": "event", "payload": {"action": "error", "error": "bad", "id": "sub-3"}}
            ),
            b'{"type":"event","payload":{"symb',
            b"[1, 2]",
            line({"symbol": "AAPL", "data": {"s": "error", "errmsg": "no data"}}),
            line({"action": "update", "type": "bars", "symbol": "AAPL", "data": {}}),
        ]
    )
    out = decoder.feed(frame)
    assert [type(m) for m in out] == [
        AuthSuccess,
        SubscribeAck,
        SubscribeAck,
        ServerErrorMessage,
        UnknownEvent,
        UnknownEvent,
    ]
    assert out[2].status == 200 and out[3].request_id == "sub-3"
    assert decoder.malformed == 2 and decoder.unknown == 2


def test_chart_quotes_merge_partial_updates_inside_v() -> None:
    first = ChartQuote("AAPL", QUOTE_DATA)
    newer = ChartQuote("AAPL", {"v": {"lp": 190}}, 5)
    merged = first.merged(newer)
    assert merged.last_price == Decimal("190") and merged.bid_price == Decimal("189.49")
    assert merged.status == "ok" and merged.timestamp_ms == 5
    assert newer.values == {"lp": 190} and ChartQuote("X", {"v": 3}).values == {}
    assert first.merged(ChartQuote("AAPL", QUOTE_DATA)).data is QUOTE_DATA
    trade = ChartTrade("AAPL", TRADE_DATA).merged(ChartTrade("AAPL", {"lp": 1}))
    assert trade.size == 100 and trade.last_price == Decimal("1")


def test_wire_types_follow_what_the_server_accepts() -> None:
    subs = ChartSubscriptions()
    subs.add(ChartSubscription.build("msft", ["trades"]))
    option = subs.add(ChartSubscription.build("AAPL260116C00230000", ["quotes"]))
    assert option.option and option.to_wire("quotes") == {
        "type": "quotes",
        "symbol": "AAPL260116C00230000",
        "symbolType": "option",
    }
    merged = subs.add(ChartSubscription.build("MSFT", [Channel.QUOTES]))
    assert merged.channels == {Channel.QUOTES, Channel.TRADES}
    assert subs.wire_types("MSFT") == {"quotes", "trades"}
    subs.trades_in_quotes = True
    assert subs.wire_types("MSFT") == {"quotes"}
    subs.sent_type("sub-1", "MSFT", "trades")
    assert subs.refused("sub-1") == ("trades", ("MSFT",))
    subs.sent_type("sub-2", "MSFT", "quotes")
    assert subs.acknowledge("sub-2") and subs.acknowledged == {"MSFT"}
    subs.remove("MSFT", [Channel.QUOTES, Channel.TRADES])
    assert subs.wire_types("MSFT") == frozenset() and subs.acknowledged == set()


@pytest.mark.parametrize(
    ("kind", "reason", "of_the_type"),
    [
        ("trades", "unsupported subscription type 'trades'", True),  # the simulator's
        ("trades", "Unsupported type", True),
        ("trades", "trades are not supported", True),
        ("trades", "invalid symbol", False),
        ("trades", "unknown symbol 'NOPE'", False),
        ("trades", "invalid symbolType", False),
        ("quotes", "unsupported subscription type 'quotes'", False),
    ],
)
def test_only_a_refusal_of_the_trades_type_says_trades_come_with_quotes(
    kind: str, reason: str, of_the_type: bool
) -> None:
    subs = ChartSubscriptions()
    subs.add(ChartSubscription.build("NOPE", [kind]))
    subs.sent_type("sub-1", "NOPE", kind)
    assert subs.refused_type("sub-1", reason) is of_the_type
    if not of_the_type:
        # A refusal of the symbol's type: told.
        assert subs.error(ServerErrorMessage(error=reason, request_id="sub-1"))
    # A refusal of the symbol is recorded; one of the trades type refuses no symbol.
    assert subs.refusals == ({} if of_the_type else {"NOPE": reason})
    assert subs.in_flight == {} and not subs.refused_type("sub-1", reason)  # answered: not ours


@pytest.mark.parametrize("kind", ["quotes", "trades"])
def test_an_already_subscribed_answer_acknowledges_the_request(kind: str) -> None:
    subs = ChartSubscriptions()
    subs.add(ChartSubscription.build("AAPL", [kind]))
    subs.sent_type("sub-1", "AAPL", kind)
    reason = f"already subscribed to {kind}: AAPL"  # names trades: still no refused type
    assert not subs.refused_type("sub-1", reason)
    assert not subs.error(ServerErrorMessage(error=reason, request_id="sub-1"))  # not told
    assert subs.acknowledged == {"AAPL"} and subs.refusals == {} and subs.in_flight == {}
    assert not subs.trades_in_quotes


def test_a_refusal_naming_its_symbol_refuses_that_type_of_it_not_the_type() -> None:
    subs = ChartSubscriptions()
    subs.add(ChartSubscription.build("AAPL", ["quotes", "trades"]))
    subs.sent_type("sub-1", "AAPL", "quotes")
    subs.sent_type("sub-2", "AAPL", "trades")
    assert subs.acknowledge("sub-1")
    reason = "not entitled to trades"  # names trades and not "symbol", but lists AAPL
    assert not subs.refused_type("sub-2", reason, ["AAPL"])
    refusal = ServerErrorMessage(
        error=reason, request_id="sub-2", symbols=("AAPL",), channels=("trades",)
    )
    assert subs.error(refusal)
    assert not subs.trades_in_quotes and subs.in_flight == {}
    assert subs.refused_channels() == {"AAPL": {Channel.TRADES: reason}}
    assert subs.acknowledged_channels() == {"AAPL": {Channel.QUOTES}}
    assert subs.acknowledged == set() and subs.refusals == {"AAPL": reason}
    # Unsubscribed, the refusal goes: asked for again, the trades are not refused yet.
    subs.remove("AAPL", [Channel.TRADES])
    subs.add(ChartSubscription.build("AAPL", ["trades"]))
    assert subs.refused_channels() == {} and subs.refusals == {}
    # Trades taken from the quotes (learned from another refusal): the quotes subscription,
    # acknowledged, carries both channels, and the trades type's refusal no longer applies.
    subs.trades_in_quotes = True
    assert subs.acknowledged_channels() == {"AAPL": {Channel.QUOTES, Channel.TRADES}}
    assert subs.acknowledged == {"AAPL"} and subs.refusals == {}


def test_the_sim_cli_sets_every_charts_switch() -> None:
    import argparse

    from aries_async.sim.cli import add_arguments, build_faults

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = build_faults(parser.parse_args([]))
    assert (defaults.charts_trades, defaults.charts_ack) == ("separate", "subscribed")
    args = parser.parse_args(
        [
            "--charts-trades",
            "with_quotes",
            "--charts-envelope",
            "typed",
            "--charts-trade-time",
            "iso",
            "--charts-numbers",
            "string",
            "--charts-ack",
            "none",
        ]
    )
    faults = build_faults(args)
    assert (faults.charts_trades, faults.charts_envelope, faults.charts_trade_time) == (
        "with_quotes",
        "typed",
        "iso",
    )
    assert (faults.charts_numbers, faults.charts_ack) == ("string", "none")


def test_requests_without_an_answer_are_bounded_per_symbol_and_type() -> None:
    subs = ChartSubscriptions()
    ids = itertools.count()
    for _ in range(5_000):
        for symbol in ("AAPL", "MSFT"):
            subs.add(ChartSubscription.build(symbol, ["quotes", "trades"]))
            for kind in sorted(subs.wire_types(symbol)):
                subs.sent_type(f"sub-{next(ids)}", symbol, kind)
        subs.remove("MSFT", None)
        subs.remove("AAPL", [Channel.TRADES])
    last = next(ids) - 1
    # AAPL's trades request awaits no answer once its channel is dropped, nor do MSFT's; their
    # answers are known for overtaken (a refusal of the trades type still teaches that trades
    # come with the quotes: ChartRefusals), a bounded number of them.
    assert subs.in_flight == {f"sub-{last - 3}": ("AAPL",)}
    assert subs.overtaken(f"sub-{last - 2}") == "trades"
    assert subs.overtaken(f"sub-{last - 2}") is None  # forgotten once answered
    assert subs.refused(f"sub-{last}") == (None, ())  # MSFT's, unsubscribed since
    assert subs.overtaken(f"sub-{last}") == "trades"
    assert len(subs._overtaken) <= LIMIT  # no time passed: only the memory bound
    assert subs.acknowledge(f"sub-{last - 3}") and subs.acknowledged == {"AAPL"}
    assert subs.in_flight == {}
