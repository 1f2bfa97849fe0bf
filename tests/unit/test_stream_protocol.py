"""Sans-I/O streaming protocol: encoders, decoder, subscription books, heartbeat, backoff."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from aries_async.config import RetryPolicy
from aries_async.errors import ValidationError
from aries_async.models.events import (
    AccountSnapshot,
    AuthExpired,
    AuthFailure,
    AuthSuccess,
    GreeksUpdate,
    Level2Update,
    MarketStatusUpdate,
    OrderEvent,
    Pong,
    QuoteUpdate,
    RefreshAuth,
    ServerErrorMessage,
    SubscribeAck,
    TimeAndSalesUpdate,
    TradeUpdate,
    UnknownEvent,
)
from aries_async.streaming.protocol import (
    AccountRequests,
    AccountSubscriptions,
    Backoff,
    Channel,
    Decoder,
    Heartbeat,
    HeartbeatAction,
    MarketSubscription,
    MarketSubscriptions,
    encode_account_subscribe,
    encode_account_unsubscribe,
    encode_auth,
    encode_market_subscribe,
    encode_ping,
    topic_key,
)
from aries_async.streaming.protocol.charts import ChartSubscription

EXAMPLES = Path("/work/shared/aries-api/examples/ws")


def _example(name: str) -> str:
    return json.dumps(json.loads((EXAMPLES / name).read_text()))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("market.quote.update.json", QuoteUpdate),
        ("market.trade.update.json", TradeUpdate),
        ("market.index.trade.update.json", TradeUpdate),
        ("market.timeandsales.update.json", TimeAndSalesUpdate),
        ("market.level2.update.json", Level2Update),
        ("market.greeks.update.json", GreeksUpdate),
        ("market.market_status.update.json", MarketStatusUpdate),
        ("market.auth.success.json", AuthSuccess),
        ("market.auth.error.json", ServerErrorMessage),
        ("market.auth_required.event.json", AuthFailure),
        ("market.refresh_auth.event.json", RefreshAuth),
        ("market.auth_expired.event.json", AuthExpired),
        ("market.pong.response.json", Pong),
        ("market.subscribe.error.json", ServerErrorMessage),
        ("accounts.account.snapshot.json", AccountSnapshot),
        ("accounts.order.event.json", OrderEvent),
        ("charts.quote.event.json", UnknownEvent),
        ("market.legacy.pong.response.json", UnknownEvent),
    ],
)
def test_every_spec_example_decodes_to_its_type(name: str, kind: type) -> None:
    if not (EXAMPLES / name).exists():
        pytest.skip("spec examples not available")
    (message,) = Decoder().feed(_example(name))
    assert type(message) is kind


def test_quote_values_are_lazy_decimals() -> None:
    (q,) = Decoder().feed(
        '{"type":"event","payload":{"action":"update","type":"quote","symbol":"AAPL",'
        '"data":{"bidPrice":189.49,"askPrice":"189.51","bidSize":300},"timestamp":1750839134330}}'
    )
    assert q.bid_price == Decimal("189.49")
    assert q.ask_price == Decimal("189.51")
    assert q.bid_price is q.bid_price  # cached
    assert q.mid_price == Decimal("189.50")
    assert q.ask_size is None
    with pytest.raises(AttributeError):
        q.symbol = "X"


def test_ndjson_frame_with_malformed_and_blank_lines_goes_on() -> None:
    decoder = Decoder()
    frame = '{"type":"pong","id":"1"}\n\n{not json\n[1]\n{"type":"subscribed","id":"s1"}\n'
    out = decoder.feed(frame)
    assert out == [Pong(request_id="1"), SubscribeAck(request_id="s1")]
    assert decoder.malformed == 2


def test_bytes_frames_and_unknown_update_kind_fall_back_on_contents() -> None:
    frame = orjson.dumps(
        {
            "type": "event",
            "payload": {
                "action": "update",
                "type": "mystery",
                "symbol": "X",
                "data": {"bidPrice": 1},
            },
        }
    )
    (q,) = Decoder().feed(frame + b"\n" + frame)[:1]
    assert isinstance(q, QuoteUpdate)


def test_partial_updates_merge() -> None:
    old = QuoteUpdate("A", {"bidPrice": 1.0, "askPrice": 2.0})
    new = QuoteUpdate("A", {"bidPrice": 1.5})
    merged = old.merged(new)
    assert (merged.bid_price, merged.ask_price) == (Decimal("1.5"), Decimal("2.0"))


def test_level2_rows_parse_and_skip_junk() -> None:
    update = Level2Update("A", {"orderBook": ["200:189.51:0", "bad"], "quotes": ["X:1:2:3:4"]})
    assert update.order_book[0].price == Decimal("189.51")
    assert len(update.order_book) == 1
    assert update.quotes[0].bid_size == 4


def test_encoders() -> None:
    auth = orjson.loads(encode_auth("tok", "auth-1"))
    assert auth["payload"]["body"] == {"token": "tok"}
    assert auth["payload"]["path"] == "/auth"
    assert orjson.loads(encode_ping("p-1")) == {"type": "ping", "id": "p-1"}
    sub = MarketSubscription.build("AAPL", ["quotes"], quote_fields=["bidPrice"])
    message = orjson.loads(encode_market_subscribe("s-1", [sub.to_wire()]))
    assert message["payload"] == [{"symbol": "AAPL", "quoteFields": ["bidPrice"]}]


@pytest.mark.parametrize(
    ("encode", "kind"),
    [(encode_account_subscribe, "subscribe"), (encode_account_unsubscribe, "unsubscribe")],
)
def test_account_frames_carry_their_topic_and_params_only_when_given(
    encode: Any, kind: str
) -> None:
    """Both account encoders send ``{topic, params}``, leaving out params that are empty."""
    with_params = orjson.loads(encode("u-1", "pnl", {"interval": "1m"}))
    assert with_params == {
        "type": kind,
        "id": "u-1",
        "payload": {"topic": "pnl", "params": {"interval": "1m"}},
    }
    no_params: tuple[dict[str, str] | None, ...] = (None, {})
    for params in no_params:
        bare = orjson.loads(encode("u-2", "account", params))
        assert bare == {"type": kind, "id": "u-2", "payload": {"topic": "account"}}


def test_market_subscriptions_desired_vs_acknowledged() -> None:
    book = MarketSubscriptions()
    book.add(MarketSubscription.build("AAPL", ["quotes"], quote_fields="bidPrice"))
    merged = book.add(MarketSubscription.build("AAPL", ["trades", "quotes"]))
    assert merged.channels == {Channel.QUOTES, Channel.TRADES}
    assert merged.quote_fields == {"*"}
    book.sent("s-1", ["AAPL"])
    assert book.acknowledge("s-1")
    assert book.acknowledged == {"AAPL"}
    book.reset()
    assert book.acknowledged == set()
    assert [i["symbol"] for i in book.replay()] == ["AAPL"]
    assert book.remove("AAPL", ["quotes"]) == {"symbol": "AAPL", "quote": True}
    assert book.remove("AAPL", ["trades"]) == "AAPL"
    assert book.replay() == []


def test_requests_without_an_answer_are_bounded_by_the_desired_symbols() -> None:
    # A bot subscribing and unsubscribing the same symbols all day on a server that never
    # acknowledges: what is kept does not grow with the number of requests.
    book = MarketSubscriptions()
    ids = itertools.count()
    for _ in range(5_000):
        for symbol in ("AAPL", "MSFT", "SPY"):
            item = book.add(MarketSubscription.build(symbol, ["quotes"])).to_wire()
            book.sent(f"s-{next(ids)}", [item["symbol"]])
        book.add(MarketSubscription.build("AAPL", ["trades"]))  # a merge is sent again
        book.sent(f"s-{next(ids)}", ["AAPL"])
        book.remove("MSFT")
        book.remove("SPY", ["quotes"])
    last = next(ids) - 1
    assert book.in_flight == {f"s-{last}": ("AAPL",)}
    assert not book.acknowledge(f"s-{last - 1}")  # superseded or unsubscribed: not ours
    assert book.acknowledge(f"s-{last}") and book.acknowledged == {"AAPL"}
    assert book.in_flight == {}


def test_only_the_latest_request_of_a_symbol_acknowledges_it() -> None:
    book = MarketSubscriptions()
    for symbol in ("AAPL", "MSFT"):
        book.add(MarketSubscription.build(symbol, ["quotes"]))
    book.sent("s-1", ["AAPL", "MSFT"])
    book.sent("s-2", ["MSFT"])  # MSFT again: s-1 now answers for AAPL only
    assert book.in_flight == {"s-1": ("AAPL",), "s-2": ("MSFT",)}
    assert book.acknowledge("s-1") and book.acknowledged == {"AAPL"}
    assert book.reject("s-2", "invalid symbol") == ("MSFT",) and book.acknowledged == {"AAPL"}
    book.remove("AAPL")
    book.sent("s-3", ["MSFT"])
    book.reset()
    assert book.in_flight == {} and not book.acknowledge("s-3")
    # An answer on its way when its symbol was unsubscribed does not acknowledge the
    # subscription sent after.
    book.sent("s-4", ["MSFT"])
    book.remove("MSFT")
    book.add(MarketSubscription.build("MSFT", ["quotes"]))
    book.sent("s-5", ["MSFT"])
    assert not book.acknowledge("s-4") and book.acknowledged == set()
    assert book.acknowledge("s-5") and book.acknowledged == {"MSFT"}


def test_a_refusal_names_its_symbols_until_acknowledged_or_unsubscribed() -> None:
    book = MarketSubscriptions()
    for symbol in ("AAPL", "NOPE", "GONE"):
        book.add(MarketSubscription.build(symbol, ["quotes"]))
    book.sent("s-1", ["NOPE", "GONE"])
    book.sent("s-2", ["AAPL"])
    assert book.reject("s-9", "not ours") == () and book.refusals == {}
    assert book.reject("s-1", "invalid symbol") == ("NOPE", "GONE")
    assert book.acknowledge("s-2")
    assert book.refusals == {"NOPE": "invalid symbol", "GONE": "invalid symbol"}
    book.reset()  # a reconnect: the refusal stands until the replay is answered
    assert book.refusals == {"NOPE": "invalid symbol", "GONE": "invalid symbol"}
    book.remove("GONE")
    book.sent("s-3", ["NOPE"])
    assert book.acknowledge("s-3") and book.refusals == {}


def test_account_requests_stay_bounded_and_only_the_latest_one_answers() -> None:
    # A bot re-subscribing its topics all day on a server that never answers: what waits does
    # not grow with the number of requests, and an answer to a superseded request is not ours.
    book = AccountRequests()
    ids = itertools.count()
    for _ in range(5_000):
        for key in (("pnl", "ACC-1"), ("news", None), ("account", "ACC-2")):
            book.sent(f"s-{next(ids)}", key)
    last = next(ids) - 1
    assert book.in_flight == {
        f"s-{last - 2}": ("pnl", "ACC-1"),
        f"s-{last - 1}": ("news", None),
        f"s-{last}": ("account", "ACC-2"),
    }
    assert book.reject(f"s-{last - 5}", "no pnl") is None and book.refusals == {}
    assert book.reject(f"s-{last - 2}", "no pnl") == ("pnl", "ACC-1")
    assert book.acknowledge(f"s-{last - 1}") == ("news", None)
    assert book.refusals == {("pnl", "ACC-1"): "no pnl"}
    book.forget(("account", "ACC-2"))  # served by its snapshot, or removed
    assert book.in_flight == {} and book.acknowledge(f"s-{last}") is None


def test_an_account_refusal_stands_until_a_later_request_is_acknowledged_or_forgotten() -> None:
    book = AccountRequests()
    book.sent("s-1", topic_key("watchlist", None))
    book.sent("s-2", topic_key("pnl", {"accountId": "ACC-1", "interval": "1m"}))
    assert book.reject("s-1", "no watchlists") == ("watchlist", None)
    assert book.reject("s-2", "no pnl") == ("pnl", "ACC-1")
    book.reset()  # a reconnect: the refusals stand until the replay is answered
    assert book.in_flight == {}
    assert book.refusals == {("watchlist", None): "no watchlists", ("pnl", "ACC-1"): "no pnl"}
    book.sent("s-3", ("watchlist", None))
    assert book.acknowledge("s-3") == ("watchlist", None)
    book.forget(("pnl", "ACC-1"))  # unsubscribed
    assert book.refusals == {}


def test_an_account_request_a_replay_followed_is_still_answered_once() -> None:
    # The user's subscribe, then a re-authentication's replay of it (and of it again, and
    # again): both the user's and the latest replay wait; the user's refusal is news, the
    # replay's repeat of it is not. A newer request of the user's supersedes the older.
    book = AccountRequests()
    news = ("news", None)
    book.sent("s-1", news)
    for request_id in ("s-2", "s-3", "s-4"):
        book.sent(request_id, news, replay=True)
    assert book.in_flight == {"s-1": news, "s-4": news}
    assert not book.repeats("s-1", "no news") and book.reject("s-1", "no news") == news
    assert book.repeats("s-4", "no news") and book.reject("s-4", "no news") == news
    assert book.in_flight == {} and book.refusals == {news: "no news"}
    book.sent("s-5", news)
    book.sent("s-6", news, replay=True)
    book.sent("s-7", news)
    assert book.in_flight == {"s-7": news}
    book.sent("s-8", news, replay=True)
    book.forget(news)
    assert book.in_flight == {} and book.refusals == {}


def test_an_idless_refusal_among_several_is_tied_to_the_one_left_unanswered() -> None:
    book = AccountRequests()
    for request_id, account in (("s-1", "LOCKED"), ("s-2", "ACC-1"), ("s-3", "ACC-2")):
        book.sent(request_id, ("account", account))
    assert book.attribute(None) is None and book.untied("locked") == ([], False)
    assert book.acknowledge("s-2") == ("account", "ACC-1") and book.settle() == []
    assert book.forget(("account", "ACC-2"), served=True) == ["s-1"]  # its snapshot came
    assert book.refusals == {("account", "LOCKED"): "locked"} and book.in_flight == {}
    book.sent("s-4", ("news", None))
    book.sent("s-5", ("watchlist", None))
    assert book.untied("no news") == ([], False)
    assert book.forget(("watchlist", None)) == []  # unwanted: it may have been the one
    assert book.in_flight == {"s-4": ("news", None)} and book.settle() == []
    assert book.untied("no news") == (["s-4"], False)


def _level2(request_id: str, reason: str) -> ServerErrorMessage:
    """A refusal of MSFT's level 2."""
    return ServerErrorMessage(
        error=reason, request_id=request_id, symbols=("MSFT",), channels=("level2",)
    )


def test_a_replays_refusal_is_news_only_when_it_refuses_something_new() -> None:
    book = MarketSubscriptions()
    book.add(MarketSubscription.build("MSFT", ["quotes", "level2"]))
    book.sent("s-1", ["MSFT"])
    assert book.error(_level2("s-1", "no level2"))  # the user's request: told
    assert book.acknowledge("s-1") and book.acknowledged_channels() == {"MSFT": {Channel.QUOTES}}
    # A re-authentication's replay leaves the refused channel out, and waits for no answer
    # about it: the acknowledgement does not take it.
    (item,) = book.replay(refused=False)
    assert "level2" not in item and item["symbol"] == "MSFT"
    book.sent("s-2", ["MSFT"], replay=True, refused=False)
    assert book.awaiting_channels() == {"MSFT": {Channel.QUOTES}}
    assert book.acknowledge("s-2")
    assert book.refused_channels() == {"MSFT": {Channel.LEVEL2: "no level2"}}
    # A reconnect's replay asks again: the same refusal again is no news, another reason is.
    book.reset()
    assert "level2" in book.replay()[0]
    book.sent("s-3", ["MSFT"], replay=True)
    assert not book.error(_level2("s-3", "no level2"))
    book.sent("s-4", ["MSFT"], replay=True)
    assert book.error(_level2("s-4", "level2 is paid"))
    book.sent("s-5", ["MSFT"])  # the user's own: told, whatever it repeats
    assert book.error(_level2("s-5", "level2 is paid"))
    assert book.error(_level2("s-9", "level2 is paid"))  # not an answer of ours: told
    assert book.refused_channels() == {"MSFT": {Channel.LEVEL2: "level2 is paid"}}
    # An answer saying it is subscribed already acknowledges, and is not told; the user's
    # request the replay follows still waits for its answer about the quotes.
    book.sent("s-6", ["MSFT"], replay=True, refused=False)
    assert not book.error(ServerErrorMessage(error="Already subscribed", request_id="s-6"))
    assert book.acknowledged_channels() == {"MSFT": {Channel.QUOTES}}
    assert book.in_flight == {"s-5": ("MSFT",)}
    assert not book.error(ServerErrorMessage(error="Already subscribed", request_id="s-5"))
    assert book.in_flight == {}
    assert book.refused_channels() == {"MSFT": {Channel.LEVEL2: "level2 is paid"}}


def test_the_answers_of_a_request_a_replay_followed_are_taken_and_told_once() -> None:
    book = MarketSubscriptions()
    book.add(MarketSubscription.build("MSFT", ["quotes"]))
    book.sent("s-1", ["MSFT"])  # the user's
    book.sent("s-2", ["MSFT"], replay=True, refused=False)  # a re-authentication's
    assert book.in_flight == {"s-1": ("MSFT",), "s-2": ("MSFT",)}
    assert book.error(ServerErrorMessage(error="no", request_id="s-1"))  # news: told
    assert book.refusals == {"MSFT": "no"}
    assert not book.error(ServerErrorMessage(error="no", request_id="s-2"))  # a repeat
    # Without ids, the user's request is answered first; a newer one of the user's
    # supersedes it, and an unsubscribe forgets both.
    book.sent("s-3", ["MSFT"])
    book.sent("s-4", ["MSFT"], replay=True, refused=True)
    assert book.reject(None, "later", ["MSFT"]) == ("MSFT",)
    assert book.in_flight == {"s-4": ("MSFT",)}
    book.sent("s-5", ["MSFT"], replay=True)
    book.sent("s-6", ["MSFT"])
    assert book.in_flight == {"s-6": ("MSFT",)}
    book.sent("s-7", ["MSFT"], replay=True)
    book.discard("MSFT")
    assert book.in_flight == {} and book.awaiting_channels() == {}


def test_a_partial_refusal_refuses_the_symbols_it_names_and_an_ack_takes_the_rest() -> None:
    book = MarketSubscriptions()
    for symbol in ("AAPL", "NOPE", "MSFT", "GONE"):
        book.add(MarketSubscription.build(symbol, ["quotes"]))
    book.sent("s-1", ["AAPL", "NOPE", "MSFT"])
    # The error names the bad symbols (in any case); the request still waits for the rest.
    assert book.reject("s-1", "invalid symbol", ["nope", "ELSE"]) == ("NOPE",)
    assert book.refusals == {"NOPE": "invalid symbol"}
    assert book.in_flight == {"s-1": ("AAPL", "MSFT")}
    assert book.acknowledge("s-1") and book.acknowledged == {"AAPL", "MSFT"}
    assert book.refusals == {"NOPE": "invalid symbol"} and book.in_flight == {}
    # Without a list every symbol of the request is refused; the acknowledgement that
    # follows has none left to acknowledge.
    book.reset()
    book.sent("s-2", ["AAPL", "GONE"])
    assert book.reject("s-2", "invalid symbol") == ("AAPL", "GONE")
    assert not book.acknowledge("s-2") and book.acknowledged == set()
    assert book.refusals == {s: "invalid symbol" for s in ("NOPE", "AAPL", "GONE")}
    # A list of nothing usable is no list.
    book.sent("s-3", ["MSFT"])
    assert book.reject("s-3", "invalid symbol", []) == ("MSFT",)


def test_an_error_names_the_refused_symbols_only_when_it_lists_some() -> None:
    def error(**extra: Any) -> bytes:
        payload = {"action": "error", "error": "invalid symbol", "id": "s-1", **extra}
        return orjson.dumps({"type": "event", "payload": payload})

    frame = [error(symbols=["NOPE", 3, "GONE"]), error(symbols=[7]), error(symbols="NOPE")]
    out = Decoder().feed(b"\n".join([*frame, error()]))
    assert [type(e) for e in out] == [ServerErrorMessage] * 4
    assert [e.symbols for e in out] == [("NOPE", "GONE"), None, None, None]


def test_a_refusal_naming_channels_refuses_those_and_an_ack_takes_the_rest() -> None:
    book = MarketSubscriptions()
    book.add(MarketSubscription.build("AAPL", ["quotes"]))
    book.sent("s-1", ["AAPL"])
    assert book.acknowledge("s-1") and book.acknowledged == {"AAPL"}
    book.add(MarketSubscription.build("AAPL", ["level2", "trades"]))  # all three resent
    book.sent("s-2", ["AAPL"])
    # Its latest request awaits its answer: only the quotes are acknowledged so far.
    assert book.acknowledged == set()
    assert book.acknowledged_channels() == {"AAPL": {Channel.QUOTES}}
    # The error names the channels (an unknown one, a singular name): the request waits on
    # for the others, which its acknowledgement then acknowledges.
    assert book.reject("s-2", "not entitled", ["AAPL"], ["level2", "depth", "quote"]) == ("AAPL",)
    assert book.in_flight == {"s-2": ("AAPL",)}
    assert book.refused_channels() == {
        "AAPL": {Channel.QUOTES: "not entitled", Channel.LEVEL2: "not entitled"}
    }
    assert book.acknowledged_channels() == {}
    assert book.acknowledge("s-2")
    assert book.acknowledged_channels() == {"AAPL": {Channel.TRADES}}
    assert book.refused_channels() == {
        "AAPL": {Channel.QUOTES: "not entitled", Channel.LEVEL2: "not entitled"}
    }
    assert book.refusals == {"AAPL": "not entitled"} and book.acknowledged == set()
    # A reconnect: the refusal stands; the replay acknowledged in full lifts it.
    book.reset()
    assert book.acknowledged_channels() == {} and set(book.refusals) == {"AAPL"}
    book.sent("s-3", ["AAPL"])
    assert book.acknowledge("s-3") and book.acknowledged == {"AAPL"}
    assert book.refusals == {} and book.refused_channels() == {}


def test_a_refusal_without_channels_refuses_what_its_request_added() -> None:
    book = MarketSubscriptions()
    book.add(MarketSubscription.build("AAPL", ["quotes"]))
    book.sent("s-1", ["AAPL"])
    assert book.acknowledge("s-1")
    book.add(MarketSubscription.build("AAPL", ["level2"]))
    book.sent("s-2", ["AAPL"])
    assert book.reject("s-2", "no level 2") == ("AAPL",) and book.in_flight == {}
    assert book.refused_channels() == {"AAPL": {Channel.LEVEL2: "no level 2"}}
    assert book.acknowledged_channels() == {"AAPL": {Channel.QUOTES}}
    # Unsubscribed, the channel's refusal goes (asked for again, it is not refused yet).
    assert book.remove("AAPL", ["level2"]) == {"symbol": "AAPL", "level2": True}
    assert book.refusals == {} and book.acknowledged == {"AAPL"}
    book.add(MarketSubscription.build("AAPL", ["level2", "trades"]))
    assert book.refused_channels() == {}
    # Refused again, for reasons of their own: the symbol's reason is the latest.
    for request_id, channel, reason in [("s-4", "level2", "r1"), ("s-5", "trades", "r2")]:
        book.sent(request_id, ["AAPL"])
        book.reject(request_id, reason, ["AAPL"], [channel])
    book.sent("s-6", ["AAPL"])
    book.reject("s-6", "r3", None, ["level2"])
    assert book.refusals == {"AAPL": "r3"}
    assert book.refused_channels() == {"AAPL": {Channel.LEVEL2: "r3", Channel.TRADES: "r2"}}
    assert book.remove("AAPL", ["level2", "trades"]) == {
        "symbol": "AAPL",
        "level2": True,
        "trade": True,
    }
    # A request that adds nothing (new fields): all it asked for is refused, and is not
    # acknowledged any more.
    book.add(MarketSubscription.build("AAPL", ["quotes"], quote_fields=["bidPrice"]))
    book.sent("s-3", ["AAPL"])
    assert book.reject("s-3", "bad field") == ("AAPL",)
    assert book.refused_channels() == {"AAPL": {Channel.QUOTES: "bad field"}}
    assert book.acknowledged_channels() == {} and book.acknowledged == set()
    book.remove("AAPL")
    assert book.refusals == {} and book.acknowledged_channels() == {}


def test_an_error_names_the_refused_channels_only_when_it_lists_some() -> None:
    def error(**extra: Any) -> bytes:
        payload = {"action": "error", "error": "not entitled", "id": "s-1", **extra}
        return orjson.dumps({"type": "event", "payload": payload})

    frame = [error(channels=["level2", 2]), error(channels=[]), error(channels="level2")]
    out = Decoder().feed(b"\n".join(frame))
    assert [e.channels for e in out] == [("level2",), None, None]


def test_option_symbols_and_greeks_are_options() -> None:
    sub = MarketSubscription.build("AAPL240119C00150000", ["greeks"])
    assert sub.to_wire() == {
        "symbol": "AAPL240119C00150000",
        "symbolType": "option",
        "greeksFields": ["*"],
    }


def test_account_subscriptions_keyed_by_topic_and_params() -> None:
    book = AccountSubscriptions()
    assert book.add("account", {"accountId": "A"})
    assert not book.add("account", {"accountId": "A"})
    assert book.add("account", {"accountId": "B"})
    assert book.remove("account", {"accountId": "A"})
    assert book.replay() == [("account", {"accountId": "B"})]


def test_heartbeat_pings_then_declares_dead() -> None:
    hb = Heartbeat(ping_interval=10, pong_timeout=5, stale_after=30, now=0)
    assert hb.check(5) is HeartbeatAction.NOTHING
    assert hb.next_check(5) == 5
    assert hb.check(10) is HeartbeatAction.PING
    hb.ping_sent(10)
    assert hb.check(14) is HeartbeatAction.NOTHING
    hb.last_received = 12  # any frame after the ping satisfies it
    assert hb.check(16) is HeartbeatAction.NOTHING
    assert hb.check(20) is HeartbeatAction.PING
    hb.ping_sent(20)
    assert hb.check(25) is HeartbeatAction.DEAD
    assert "ping" in hb.reason


def test_heartbeat_staleness_without_any_frame() -> None:
    hb = Heartbeat(ping_interval=100, pong_timeout=100, stale_after=30, now=0)
    assert hb.check(29.9) is HeartbeatAction.NOTHING
    assert hb.check(30) is HeartbeatAction.DEAD
    assert "no frames" in hb.reason


def test_backoff_grows_caps_jitters_and_resets_after_a_stable_period() -> None:
    policy = RetryPolicy(initial_backoff=1, max_backoff=8, multiplier=2, jitter=0.5)
    b = Backoff(policy, reset_after=60)
    assert b.next_delay(0.5) == 0.75  # 1 * (1 - 0.5 * 0.5): jitter only shortens a delay
    assert b.next_delay(0.0) == 2
    assert b.next_delay(0.999) == pytest.approx(2, rel=0.01)  # 4 * (1 - 0.5 * 0.999)
    b.connected(100)
    b.disconnected(120)  # 20 s up: not stable
    assert b.failures == 3
    b.connected(200)
    b.disconnected(300)
    assert b.failures == 0


@pytest.mark.parametrize("initial", [0.0, 0.5])
def test_backoff_keeps_going_after_thousands_of_failures_in_a_row(initial: float) -> None:
    """The exponent once overflowed a float after about a thousand failures (2 ** 1024),
    which ended the stream's supervisor with OverflowError."""
    policy = RetryPolicy(initial_backoff=initial, max_backoff=30, multiplier=2, jitter=0.0)
    b = Backoff(policy, reset_after=60)
    delays = [b.next_delay(0.5) for _ in range(3000)]
    assert delays[-1] == (30 if initial else 0)
    assert b.failures == 3000


@pytest.mark.parametrize(
    ("symbol", "channels", "field", "message"),
    [
        ("", ["quotes"], "symbol", "non-empty"),
        ("   ", ["quotes"], "symbol", "non-empty"),
        (7, ["quotes"], "symbol", "non-empty"),
        ("AAPL", [], "channels", "at least one channel"),
        ("AAPL", ["quotes", "nope"], "channels", "unknown channel 'nope'"),
    ],
)
def test_a_bad_subscription_is_a_validation_error(
    symbol: Any, channels: list[str], field: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        MarketSubscription.build(symbol, channels)
    assert info.value.field == field


SUBSCRIPTIONS = [MarketSubscription.build, ChartSubscription.build]
"""How the market and charts streams turn a symbol the caller gave into a subscription."""


@pytest.mark.parametrize("build", SUBSCRIPTIONS, ids=["market", "charts"])
@pytest.mark.parametrize(
    ("symbol", "message"),
    [
        ("AA PL", "no space"),
        ("AA\tPL", "no space"),
        ("AAPL\x00", "control character"),
        ("AAPL,MSFT", "one symbol per item"),
        ("A" * 22, "21 characters at most"),
    ],
)
def test_a_malformed_symbol_is_refused_by_the_one_symbol_rule(
    build: Any, symbol: str, message: str
) -> None:
    """The rule of orders, REST market calls and the CLI (``_validate.require_symbol``)."""
    with pytest.raises(ValidationError, match=message) as info:
        build(symbol, ["quotes"])
    assert info.value.field == "symbol"


@pytest.mark.parametrize("build", SUBSCRIPTIONS, ids=["market", "charts"])
@pytest.mark.parametrize("symbol", ["aapl260116c00230000", "ABCDEF260116P00230000", "BRK.B"])
def test_option_and_dotted_symbols_pass_the_one_symbol_rule(build: Any, symbol: str) -> None:
    sub = build(symbol, ["quotes"])
    assert sub.symbol == symbol.upper()
    assert sub.option == (symbol != "BRK.B")


def test_streams_http_and_lookups_back_off_by_one_rule() -> None:
    """One policy type and one jitter rule: the stream's backoff settings are a RetryPolicy,
    and the reconnect delays are the delays an HTTP retry with that policy waits."""
    from aries_async.http.retry import retry_delay
    from aries_async.streaming import StreamConfig

    config = StreamConfig(
        backoff_initial=0.5, backoff_max=4.0, backoff_multiplier=2.0, backoff_jitter=0.2
    )
    policy = config.retry_policy
    assert (policy.initial_backoff, policy.max_backoff, policy.multiplier, policy.jitter) == (
        0.5,
        4.0,
        2.0,
        0.2,
    )
    backoff = Backoff.from_config(config)
    for attempt, rand in enumerate([0.0, 0.5, 0.999, 0.3, 0.7, 0.0], start=1):
        delay = backoff.next_delay(rand)
        assert delay == policy.delay(attempt, rand)
        assert delay == retry_delay(
            RuntimeError("down"), attempt, policy, itertools.repeat(rand).__next__
        )
    assert RetryPolicy().delay(3, 0.0) == 2.0
