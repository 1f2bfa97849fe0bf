"""AccountStream's other topics against the simulator: P&L candles that follow prices and
positions, watchlist changes, news, ``account.info``, several accounts on one socket, every
payload variant the simulator can send, and a reconnect in the middle of each."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import orjson
import pytest
from stream_helpers import FakeTime, GatedTokens, answered, own_tasks, take, until

from aries_async import AriesClient
from aries_async.errors import (
    OrderStateUnknownError,
    StreamClosedError,
    StreamError,
    ValidationError,
)
from aries_async.models.events import (
    AccountInfoEvent,
    AccountSnapshot,
    BalanceEvent,
    NewsEvent,
    OrderEvent,
    PnlEvent,
    PositionEvent,
    ServerErrorMessage,
    StreamConnected,
    StreamDisconnected,
    UnknownEvent,
    WatchlistEvent,
)
from aries_async.models.orders import Order, OrderStatus
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, OrderLookup, StreamConfig
from aries_async.streaming.account_book import account_of
from aries_async.testing import capture_logs

MAIN, OTHER = "TEST-ACCOUNT-001", "TEST-SIM-001"
FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=5, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.fixture
def tokens(sim: Simulator) -> GatedTokens:
    return GatedTokens(sim)


@pytest.fixture
async def stream(sim: Simulator, tokens: GatedTokens) -> AsyncIterator[AccountStream]:
    async with AccountStream(sim.accounts_ws_url, tokens, [MAIN, OTHER], config=FAST) as s:
        await until(lambda: all(s.account(a).snapshot is not None for a in (MAIN, OTHER)))
        yield s


def day_pnl(sim: Simulator, account: str = MAIN) -> Decimal:
    return Decimal(sim.state.balance_wire(account)["dayTotalPnl"])


def place(sim: Simulator, account: str, **fields: str) -> str:
    body = {"tradingAccountId": account, "timeInForce": "DAY", **fields}
    ack = sim.state.place(body)
    assert ack["success"] is True
    return str(ack["clOrdId"])


def drained(consumer: Any) -> list[Any]:
    return [consumer.get_nowait() for _ in range(consumer.pending)]


def topic_sessions(hub: WsHub) -> list[Any]:
    return [s for s in hub.sessions if s.kind == "accounts" and not s.closed]


async def reconnect(stream: AccountStream, hub: WsHub, tokens: GatedTokens) -> None:
    """Drop the socket, hold the reconnect until the caller's changes are made, then let it."""
    tokens.gate.clear()
    calls = tokens.calls
    assert hub.drop("accounts") == 1
    await until(lambda: tokens.calls == calls + 1 and not stream.connected)


async def test_pnl_candles_follow_prices_and_positions(
    sim: Simulator, stream: AccountStream
) -> None:
    candles = stream.pnl_events()
    await stream.subscribe_pnl(interval="1m")
    first = (await take(candles, 1))[0]
    assert first.account_id == MAIN
    assert first.interval == "1m"
    assert first.topic == "pnl"
    candle = first.candle
    assert candle is not None
    assert candle.close == day_pnl(sim)
    assert candle.timestamp is not None
    assert candle.timestamp.tzinfo is not None
    assert candle.timestamp.timestamp() % 60 == 0
    sim.advance(30)  # AAPL is held: its steps move the P&L
    await until(lambda: candles.pending > 0)
    last = drained(candles)[-1].candle
    assert last is not None
    assert last.close == day_pnl(sim)
    assert last.high is not None and last.low is not None
    assert last.low <= last.close <= last.high
    assert last.open == candle.open  # the same minute: the candle is updated
    # A fill changes the positions: the candle follows at once.
    place(sim, MAIN, symbol="KO", side="BUY", type="MARKET", qty="10")
    await until(lambda: candles.pending > 0)
    after_fill = drained(candles)[-1].candle
    assert after_fill is not None
    assert after_fill.close == day_pnl(sim)


@pytest.mark.parametrize("shape", ["sdk", "object", "list", "legacy"])
async def test_every_payload_variant_is_typed(
    sim: Simulator, hub: WsHub, tokens: GatedTokens, shape: str
) -> None:
    sim.faults.ws_topic_shape = shape
    async with AccountStream(sim.accounts_ws_url, tokens, MAIN, config=FAST) as stream:
        events = stream.events()
        await stream.subscribe_pnl(interval="15s")
        await stream.subscribe_watchlist()
        await stream.subscribe_news()
        await until(lambda: any(s.topics.news for s in topic_sessions(hub)))
        hub.topics.watchlist_changed(MAIN, {"id": 41, "name": "Tech", "symbols": ["aapl"]})
        hub.topics.news("Apple ships a thing", symbols=["AAPL"], topics=["tech"])
        hub.topics.account_info(MAIN)
        got: dict[type, Any] = {}
        async with asyncio.timeout(5):
            async for event in events:
                got.setdefault(type(event), event)
                if {PnlEvent, WatchlistEvent, NewsEvent, AccountInfoEvent} <= set(got):
                    break
    assert isinstance(got[AccountSnapshot], AccountSnapshot)
    pnl = got[PnlEvent]
    assert (pnl.account_id, pnl.interval) == (MAIN, "15s")
    assert pnl.candle.close == day_pnl(sim)
    assert pnl.topic == ("pnlCandle" if shape == "legacy" else "pnl")
    watchlist = got[WatchlistEvent]
    assert [(w.id, w.name, w.symbols) for w in watchlist.watchlists] == [(41, "Tech", ("AAPL",))]
    assert watchlist.account_id == MAIN
    news = got[NewsEvent].items[0]
    assert news.headline == "Apple ships a thing"
    assert news.symbols == ("AAPL",)
    assert news.published_at is not None
    info = got[AccountInfoEvent]
    assert info.account_id == MAIN
    assert info.data["status"] == "OPEN"


async def test_watchlist_changes_without_a_subscription_when_the_server_sends_them(
    sim: Simulator, hub: WsHub, tokens: GatedTokens
) -> None:
    sim.faults.ws_watchlist_auto = True  # the watchlist page's reading (websocket.md 10.7)
    async with AccountStream(sim.accounts_ws_url, tokens, MAIN, config=FAST) as stream:
        watchlists = stream.watchlist_events()
        await until(lambda: stream.snapshot is not None)
        assert hub.topics.watchlist_changed(MAIN, {"id": 9, "symbols": ["KO"]}) == 1
        [event] = await take(watchlists, 1)
        assert event.watchlists[0].symbols == ("KO",)
    sim.faults.ws_watchlist_auto = False
    async with AccountStream(sim.accounts_ws_url, tokens, MAIN, config=FAST) as stream:
        await until(lambda: stream.snapshot is not None)
        assert hub.topics.watchlist_changed(MAIN, {"id": 9, "symbols": ["KO"]}) == 0


async def test_news_is_filtered_by_symbols_and_topics(
    sim: Simulator, hub: WsHub, stream: AccountStream
) -> None:
    news = stream.news_events()
    await stream.subscribe_news(symbols=["msft"], topics=["earnings"])
    await until(lambda: any(s.topics.news for s in topic_sessions(hub)))
    hub.topics.news("Oil moves", symbols=["XOM"])
    hub.topics.news("Microsoft ships", symbols=["MSFT"])
    hub.topics.news("Season starts", topics=["earnings"])
    got = await take(news, 2)
    assert [e.items[0].headline for e in got] == ["Microsoft ships", "Season starts"]
    await stream.unsubscribe_news()
    await until(lambda: not any(s.topics.news for s in topic_sessions(hub)))


async def test_two_accounts_on_one_socket(
    sim: Simulator, hub: WsHub, stream: AccountStream
) -> None:
    assert hub.open_sessions("accounts") == 1
    assert stream.account_ids == (MAIN, OTHER)
    assert stream.snapshot is stream.account(MAIN).snapshot
    other = stream.account(OTHER).snapshot
    assert other is not None
    assert other.account_id == OTHER
    main_order = place(sim, MAIN, symbol="KO", side="BUY", type="MARKET", qty="2")
    other_order = place(sim, OTHER, symbol="KO", side="BUY", type="MARKET", qty="3")
    done = await stream.wait_for_order(other_order, timeout=5)
    assert done.ord_status == OrderStatus.FILLED
    assert done.account_id == OTHER
    await stream.wait_for_order(main_order, timeout=5)
    assert other_order in stream.account(OTHER).orders
    assert other_order not in stream.account(MAIN).orders
    assert stream.account(OTHER).positions["KO"].quantity == Decimal(3)
    with pytest.raises(ValidationError):
        stream.account("NOPE")


async def test_add_and_remove_an_account(sim: Simulator, hub: WsHub, tokens: GatedTokens) -> None:
    async with AccountStream(sim.accounts_ws_url, tokens, MAIN, config=FAST) as stream:
        snapshots = stream.snapshots()
        await take(snapshots, 1)
        await stream.add_account(OTHER)
        added = (await take(snapshots, 1))[0]
        assert added.account_id == OTHER
        await stream.remove_account(OTHER)
        assert stream.account_ids == (MAIN,)
        session = topic_sessions(hub)[0]
        await until(lambda: OTHER not in session.account_listeners)
        with pytest.raises(ValidationError):
            await stream.remove_account(MAIN)


async def test_reconnect_in_the_middle_of_every_topic(
    sim: Simulator, hub: WsHub, stream: AccountStream, tokens: GatedTokens
) -> None:
    events = stream.events()
    await stream.subscribe_pnl(MAIN, interval="1m")
    await stream.subscribe_pnl(OTHER, interval="5m")
    await stream.subscribe_watchlist()
    await stream.subscribe_news(symbols=["AAPL"])
    await until(lambda: any(s.topics.news for s in topic_sessions(hub)))
    main_order = place(sim, MAIN, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
    other_order = place(sim, OTHER, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
    await until(lambda: main_order in stream.orders and other_order in stream.account(OTHER).orders)
    await until(lambda: events.pending > 0)
    before = drained(events)
    last_candle = [e for e in before if type(e) is PnlEvent and e.account_id == MAIN][-1].candle

    await reconnect(stream, hub, tokens)
    sim.advance(90)  # the next minute's candle, made while the stream is down
    for account, order in ((MAIN, main_order), (OTHER, other_order)):
        sim.state.order(account, order).price = Decimal(100_000)
    sim.state.match()  # both orders fill while the stream is down
    tokens.gate.set()

    await until(lambda: stream.reconnects == 1)
    session = topic_sessions(hub)[0]
    await until(lambda: set(session.topics.pnl) == {MAIN, OTHER} and session.topics.news)
    assert session.topics.watchlist
    assert set(session.account_listeners) == {MAIN, OTHER}
    hub.topics.watchlist_changed(MAIN, {"id": 2, "symbols": ["KO"]})
    hub.topics.news("After the gap", symbols=["AAPL"])
    seen: list[Any] = []
    async with asyncio.timeout(5):
        async for event in events:
            seen.append(event)
            if type(event) is NewsEvent:
                break
    kinds = [type(e) for e in seen]
    assert kinds[:2] == [StreamDisconnected, StreamConnected]  # the gap, signalled first
    resynced = {e.account_id for e in seen if type(e) is AccountSnapshot and e.resync}
    assert resynced == {MAIN, OTHER}
    filled = {e.order.cl_ord_id for e in seen if type(e) is OrderEvent and e.resync}
    assert filled == {main_order, other_order}  # no account event is lost
    assert stream.orders[main_order].ord_status == OrderStatus.FILLED
    assert stream.account(OTHER).orders[other_order].ord_status == OrderStatus.FILLED
    candles = [e for e in seen if type(e) is PnlEvent and e.account_id == MAIN]
    # Resubscribed from the last candle seen: that minute's candle comes again, then the
    # newer ones.
    times = [e.candle.timestamp for e in candles if e.candle is not None and e.candle.timestamp]
    assert last_candle is not None
    assert last_candle.timestamp is not None
    assert times[0] == last_candle.timestamp
    assert times[-1] > last_candle.timestamp
    assert {e.interval for e in seen if type(e) is PnlEvent and e.account_id == OTHER} == {"5m"}
    assert WatchlistEvent in kinds


async def test_bad_topic_input_is_refused_before_sending(hub: WsHub, stream: AccountStream) -> None:
    session = topic_sessions(hub)[0]
    with pytest.raises(ValidationError):
        await stream.subscribe_pnl(interval="2m")
    with pytest.raises(ValidationError):
        await stream.subscribe_pnl(start_time=datetime(2026, 1, 1))
    with pytest.raises(ValidationError):
        await stream.subscribe_news(symbols=[""])
    with pytest.raises(ValidationError):
        AccountStream("ws://127.0.0.1:1", GatedTokens.__call__, [])  # type: ignore[arg-type]
    assert session.topics.pnl == {}
    assert session.topics.news is None


@pytest.mark.parametrize(
    "filters", [{"symbols": []}, {"topics": ()}, {"symbols": [], "topics": []}]
)
async def test_an_empty_news_filter_is_refused_not_widened(
    hub: WsHub, stream: AccountStream, filters: dict[str, Any]
) -> None:
    # No filter is the server's choice (websocket.md 4.2: portfolio and watchlist news); an
    # empty one names no news at all, so sending none would widen what was asked for.
    session = topic_sessions(hub)[0]
    await stream.subscribe_news(symbols=["AAPL"])
    await until(lambda: session.topics.news is not None)
    with pytest.raises(ValidationError, match="unsubscribe_news") as caught:
        await stream.subscribe_news(**filters)
    assert caught.value.field in filters
    await stream.subscribe_news(symbols=["MSFT"])  # the next frame: the refused one was not sent
    await until(lambda: session.topics.news == (frozenset({"MSFT"}), frozenset()))


async def test_a_refused_pnl_subscription_is_a_server_error(
    sim: Simulator, stream: AccountStream
) -> None:
    events = stream.events()
    await stream.subscribe_pnl("NO-SUCH-ACCOUNT")
    start = datetime.fromtimestamp(sim.clock.now(), UTC) - timedelta(minutes=5)
    await stream.subscribe_pnl(OTHER, interval="1h", start_time=start)
    got = await take(events, 2)
    assert [type(e) for e in got] == [ServerErrorMessage, PnlEvent]
    assert got[0].error == "account not found"
    assert got[1].account_id == OTHER
    assert got[1].interval == "1h"


# -- refusals on an open socket, tied to their account and topic by the request's id ---------------


async def test_an_account_added_on_an_open_socket_and_refused_is_named(
    stream: AccountStream,
) -> None:
    """``add_account`` sends its subscription on the open socket; the server's refusal names
    the account in ``refused`` (known before the error reaches ``events()``), which removing
    the account clears."""
    events = stream.events()
    await stream.add_account("NO-SUCH-ACCOUNT")
    (error,) = await take(events, 1)
    assert type(error) is ServerErrorMessage
    assert error.error == "account not found"
    assert stream.refused == {"NO-SUCH-ACCOUNT": "account not found"}
    assert stream.refused_topics == {("account", "NO-SUCH-ACCOUNT"): "account not found"}
    assert stream.account_ids == (MAIN, OTHER, "NO-SUCH-ACCOUNT")  # asked again on a new socket
    await stream.remove_account("NO-SUCH-ACCOUNT")
    assert stream.refused == {}
    assert stream.refused_topics == {}


async def test_refused_topics_name_their_topic_and_account_until_served(
    sim: Simulator, hub: WsHub, stream: AccountStream, tokens: GatedTokens
) -> None:
    """Refusals of ``pnl`` (of one account), ``watchlist`` and ``news`` subscriptions are
    tied to their topic and account by the request's id, not to the accounts' own
    subscriptions; a refused topic is asked for again on the next socket (its refusal, the
    same again, is not told again), and leaves the view once the server acknowledges it, it
    is unsubscribed or its account removed."""
    refusals = {"news": "not entitled", "watchlist": "no watchlists", f"pnl {OTHER}": "no pnl"}
    sim.faults.ws_refused_subscriptions = dict(refusals)
    events = stream.events()
    await stream.subscribe_pnl(OTHER, interval="5m")
    await stream.subscribe_pnl(MAIN, interval="1m")
    await stream.subscribe_watchlist()
    await stream.subscribe_news(symbols=["KO"])
    got = await take(events, 4)
    assert sorted(e.error for e in got if type(e) is ServerErrorMessage) == sorted(
        refusals.values()
    )
    assert [e.account_id for e in got if type(e) is PnlEvent] == [MAIN]
    assert stream.refused == {}  # no account's orders subscription was refused
    assert stream.refused_topics == {
        ("pnl", OTHER): "no pnl",
        ("watchlist", None): "no watchlists",
        ("news", None): "not entitled",
    }

    asked = hub.subscribes
    await reconnect(stream, hub, tokens)  # refused again on the new socket: still named
    tokens.gate.set()
    await answered(hub, "accounts", stream, asked + 6)  # both accounts and the 4 topics
    assert not [e for e in drained(events) if type(e) is ServerErrorMessage]
    assert len(stream.refused_topics) == 3

    await stream.unsubscribe_news()
    assert set(stream.refused_topics) == {("pnl", OTHER), ("watchlist", None)}
    sim.faults.ws_refused_subscriptions = {}
    await reconnect(stream, hub, tokens)  # the server serves them now: acknowledged
    tokens.gate.set()
    await until(lambda: stream.reconnects == 2 and not stream.refused_topics)
    sim.faults.ws_refused_subscriptions = {f"pnl {OTHER}": "no pnl"}
    await stream.subscribe_pnl(OTHER, interval="1h")
    await until(lambda: ("pnl", OTHER) in stream.refused_topics)
    await stream.remove_account(OTHER)
    assert stream.refused_topics == {}


async def test_closed_stream_refuses_topics(sim: Simulator, tokens: GatedTokens) -> None:
    stream = AccountStream(sim.accounts_ws_url, tokens, MAIN, config=FAST)
    async with stream:
        pass
    with pytest.raises(StreamClosedError):
        await stream.subscribe_watchlist()
    with pytest.raises(StreamClosedError):
        stream.pnl_events()


async def test_a_watchlist_made_over_rest_is_pushed_on_the_account_socket(
    sim: Simulator, stream: AccountStream
) -> None:
    changes = stream.watchlist_events()
    await stream.subscribe_watchlist()
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        made = await client.watchlists.create(name="Semis", symbols=["NVDA", "AMD"])
        assert made.id is not None
        await client.watchlists.update(made.id, add_symbols=["INTC"])
    created, updated = await take(changes, 2)
    assert created.action == "created" and updated.action == "updated"
    # one watchlist, one id: what REST answered is what the stream says, type included
    assert [w.id for w in created.watchlists] == [made.id]
    assert type(created.watchlists[0].id) is int
    assert [w.name for w in created.watchlists] == ["Semis"]
    assert list(updated.watchlists[0].symbols or ()) == ["NVDA", "AMD", "INTC"]


async def test_a_bot_test_publishes_news_through_the_simulator(
    sim: Simulator, hub: WsHub, stream: AccountStream
) -> None:
    news = stream.news_events()
    await stream.subscribe_news(symbols=["NVDA"])
    await until(lambda: any(s.topics.news for s in topic_sessions(hub)))
    sim.publish_news("Chips up", symbols=["AMD"])  # filtered out: another symbol
    item = sim.publish_news("Chips rally", symbols=["nvda"], topics=["semis"])
    (event,) = await take(news, 1)
    assert [n.headline for n in event.items] == ["Chips rally"]
    assert item["symbols"] == ["NVDA"]


async def test_a_removed_account_loses_its_pnl_now_and_after_a_reconnect(
    sim: Simulator, hub: WsHub, stream: AccountStream, tokens: GatedTokens
) -> None:
    candles = stream.pnl_events()
    await stream.subscribe_pnl(OTHER, interval="5m")
    await stream.subscribe_pnl(MAIN, interval="1m")  # replayed after OTHER's
    first = await take(candles, 2)  # each subscription's current candle
    assert [e.account_id for e in first] == [OTHER, MAIN]
    await stream.remove_account(OTHER)
    session = topic_sessions(hub)[0]
    await until(lambda: OTHER not in session.account_listeners)
    assert set(session.topics.pnl) == {MAIN}
    place(sim, OTHER, symbol="KO", side="BUY", type="MARKET", qty="1")
    place(sim, MAIN, symbol="KO", side="BUY", type="MARKET", qty="1")
    (after,) = await take(candles, 1)
    assert after.account_id == MAIN  # the fill in OTHER made no candle of it

    await reconnect(stream, hub, tokens)
    tokens.gate.set()
    await until(lambda: stream.reconnects == 1)
    session = topic_sessions(hub)[0]
    await until(lambda: MAIN in session.topics.pnl)
    assert set(session.topics.pnl) == {MAIN}
    assert set(session.account_listeners) == {MAIN}


# -- removing an account while its answers or events are on their way --------------------------


def late_snapshot(sim: Simulator, account: str) -> str:
    """The line of an ``account`` subscription's answer (its snapshot), to send late."""
    payload = {"topic": "account", "data": sim.state.snapshot(account)}
    return orjson.dumps({"type": "event", "payload": payload}).decode()


@pytest.fixture
def watched(sim: Simulator, tokens: GatedTokens, fake_time: FakeTime) -> AccountStream:
    """MAIN and OTHER, on the fake clock: a new socket waits ``request_timeout`` (10 s) for
    their snapshots."""
    config = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0, request_timeout=10.0)
    return AccountStream(
        sim.accounts_ws_url,
        tokens,
        [MAIN, OTHER],
        config=config,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )


async def reconnect_unanswered(
    sim: Simulator, hub: WsHub, stream: AccountStream, tokens: GatedTokens
) -> None:
    """Reconnect on a socket that registers both accounts but sends neither snapshot."""
    await until(lambda: all(stream.account(a).snapshot is not None for a in (MAIN, OTHER)))
    await reconnect(stream, hub, tokens)
    sim.faults.ws_account_unanswered = True
    tokens.gate.set()
    await until(lambda: stream.reconnects == 1 and stream.connected)
    await until(lambda: {MAIN, OTHER} <= set(topic_sessions(hub)[0].account_listeners))


async def test_a_late_snapshot_of_a_removed_account_answers_no_other(
    sim: Simulator, hub: WsHub, watched: AccountStream, tokens: GatedTokens, fake_time: FakeTime
) -> None:
    """OTHER is removed while the new socket waits for both snapshots; its snapshot comes
    after that, MAIN's never: the stream still waits for MAIN's, and after ``request_timeout``
    asks again on a new socket."""
    async with watched as stream:
        events = stream.events()
        await reconnect_unanswered(sim, hub, stream, tokens)
        await stream.remove_account(OTHER)
        drained(events)
        seen: list[Any] = []

        def saw(kind: type[Any]) -> bool:
            seen.extend(drained(events))
            return any(type(e) is kind for e in seen)

        hub.inject(late_snapshot(sim, OTHER), "accounts")
        hub.inject('{"type":"brandNew","payload":{}}', "accounts")  # read after it
        await until(lambda: saw(UnknownEvent))
        sim.faults.ws_account_unanswered = False
        fake_time.advance(10.0)
        await until(lambda: saw(StreamConnected))
        await until(lambda: saw(AccountSnapshot))
        assert stream.reconnects == 2
        assert "snapshot" in next(e for e in seen if type(e) is StreamDisconnected).reason
        assert [e.account_id for e in seen if type(e) is AccountSnapshot] == [MAIN]


async def test_removing_the_last_account_awaited_answers_the_wait(
    sim: Simulator, hub: WsHub, watched: AccountStream, tokens: GatedTokens, fake_time: FakeTime
) -> None:
    """MAIN's snapshot comes, OTHER's not; OTHER is removed: nothing is awaited any more,
    and the socket stays past ``request_timeout``."""
    async with watched as stream:
        await reconnect_unanswered(sim, hub, stream, tokens)
        before = stream.snapshot
        hub.inject(late_snapshot(sim, MAIN), "accounts")  # MAIN's answer comes, OTHER's not
        await until(lambda: stream.snapshot is not before)
        await stream.remove_account(OTHER)
        fake_time.advance(10.0)
        for _ in range(20):  # what the end of the socket would set off, without any I/O
            await asyncio.sleep(0)
        assert stream.connected and stream.reconnects == 1


async def test_events_of_a_removed_account_on_their_way_are_dropped_until_it_is_added(
    sim: Simulator, stream: AccountStream
) -> None:
    events = stream.events()
    await stream.subscribe_pnl(OTHER, interval="5m")
    await until(lambda: any(type(e) is PnlEvent for e in drained(events)))
    with capture_logs() as capture:
        place(sim, OTHER, symbol="KO", side="BUY", type="MARKET", qty="1")  # queued, unread
        await stream.remove_account(OTHER)
        main_order = place(sim, MAIN, symbol="KO", side="BUY", type="MARKET", qty="1")
        await stream.wait_for_order(main_order, timeout=5)  # sent after OTHER's events
    assert {account_of(e) for e in drained(events)} == {MAIN}
    streaming = [r for r in capture.records if r.name == "aries_async.streaming"]
    assert not [r for r in streaming if r.levelno >= logging.WARNING]
    dropped = " ".join(r.getMessage() for r in streaming if OTHER in r.getMessage())
    for kind in (OrderEvent, PositionEvent, BalanceEvent, PnlEvent):
        assert kind.__name__ in dropped
    assert all(r.levelno == logging.DEBUG for r in streaming if OTHER in r.getMessage())

    await stream.add_account(OTHER)  # followed again, as at the start
    await until(lambda: any(type(e) is AccountSnapshot for e in drained(events)))
    other_order = place(sim, OTHER, symbol="KO", side="BUY", type="MARKET", qty="2")
    done = await stream.wait_for_order(other_order, timeout=5)
    assert done.account_id == OTHER
    await until(lambda: events.pending >= 4)
    assert {account_of(e) for e in drained(events)} == {OTHER}


def order_event(
    sim: Simulator, account: str, cl_ord_id: str, *, status: str = "CANCELED", says: str = ""
) -> str:
    """The line of an ``account.order`` event of one of ``account``'s orders in ``status``,
    saying the account ``says`` (by default none: the spec leaves the events' fields
    UNKNOWN)."""
    (order,) = [o for o in sim.state.snapshot(account)["ordersV2"] if o["clOrdId"] == cl_ord_id]
    data = {k: v for k, v in order.items() if k != "accountId"} | {"ordStatus": status}
    if says:
        data["accountId"] = says
    payload = {"topic": "account", "name": "account.order", "data": data}
    return orjson.dumps({"type": "event", "payload": payload}).decode()


@pytest.mark.parametrize("third", [[], ["NO-SUCH-ACCOUNT"]], ids=["one-left", "two-left"])
async def test_a_late_order_event_of_a_removed_account_without_its_account_is_dropped(
    sim: Simulator, hub: WsHub, tokens: GatedTokens, third: list[str]
) -> None:
    """An order event that does not say its account is placed by its order: one of a removed
    account is dropped like the account's other late events (logged at DEBUG), neither
    published nor given to the account that is left, or to one of the two left; one of an
    account followed still goes to that account."""
    accounts = [MAIN, OTHER, *third]
    async with AccountStream(sim.accounts_ws_url, tokens, accounts, config=FAST) as stream:
        await until(lambda: all(stream.account(a).snapshot is not None for a in (MAIN, OTHER)))
        await until(lambda: set(third) <= set(stream.refused))
        theirs = place(sim, OTHER, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
        ours = place(sim, MAIN, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
        await until(lambda: theirs in stream.account(OTHER).orders and ours in stream.orders)
        events = stream.events()
        late = order_event(sim, OTHER, theirs)
        await stream.remove_account(OTHER)
        seen: list[Any] = []

        def saw(kind: type[Any]) -> bool:
            seen.extend(drained(events))
            return any(type(e) is kind for e in seen)

        with capture_logs() as capture:
            hub.inject(late, "accounts")
            hub.inject('{"type":"brandNew","payload":{}}', "accounts")  # read after it
            await until(lambda: saw(UnknownEvent))
        assert [type(e) for e in seen] == [UnknownEvent]
        assert theirs not in stream.orders
        streaming = [r for r in capture.records if r.name == "aries_async.streaming"]
        assert [r.levelno for r in streaming] == [logging.DEBUG]
        assert OTHER in streaming[0].getMessage()

        hub.inject(order_event(sim, MAIN, ours), "accounts")
        await until(lambda: saw(OrderEvent))
        (told,) = [e for e in seen if type(e) is OrderEvent]
        assert told.order.cl_ord_id == ours
        assert stream.orders[ours].ord_status == OrderStatus.CANCELED


async def test_an_order_id_a_followed_account_holds_too_stays_with_that_account(
    sim: Simulator, hub: WsHub, stream: AccountStream
) -> None:
    """``clOrdId`` is the client's, so two accounts may hold the same one: an order event that
    names no account goes to the followed account that holds it, not dropped as the removed
    account's."""
    theirs = place(sim, OTHER, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
    await until(lambda: theirs in stream.account(OTHER).orders)
    hub.inject(order_event(sim, OTHER, theirs, status="NEW", says=MAIN), "accounts")
    await until(lambda: theirs in stream.orders)
    await stream.remove_account(OTHER)
    hub.inject(order_event(sim, OTHER, theirs), "accounts")
    await until(lambda: stream.orders[theirs].ord_status == OrderStatus.CANCELED)


# -- removing an account while its order lookup or an order waiter runs ---------------------------


async def test_removing_an_account_cancels_and_awaits_its_order_lookup(
    sim: Simulator, tokens: GatedTokens, hub: WsHub
) -> None:
    """OTHER's order, filled while the socket was down, is being looked up over REST when
    OTHER is removed: the lookup is cancelled and awaited before ``remove_account`` returns,
    and what it would have found is never published."""
    sim.faults.snapshot_working_orders_only = True
    started, release, cancelled = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow(account_id: str, orders: Sequence[Order]) -> list[Order]:
        if account_id != OTHER:
            return []
        started.set()
        try:
            await release.wait()
        except asyncio.CancelledError:
            for _ in range(5):  # a cleanup that takes a few turns: over only if awaited
                await asyncio.sleep(0)
            cancelled.set()
            raise
        return [attrs.evolve(o, ord_status=OrderStatus.FILLED) for o in orders]

    accounts = [MAIN, OTHER]
    async with AccountStream(
        sim.accounts_ws_url, tokens, accounts, config=FAST, reconcile=slow
    ) as stream:
        await until(lambda: all(stream.account(a).snapshot is not None for a in accounts))
        order = place(sim, OTHER, symbol="KO", side="BUY", type="LIMIT", qty="2", price="1.00")
        await until(lambda: order in stream.account(OTHER).orders)
        events = stream.events()
        await reconnect(stream, hub, tokens)
        sim.state.order(OTHER, order).price = Decimal(100_000)
        sim.state.match()  # filled while the socket is down
        tokens.gate.set()
        await asyncio.wait_for(started.wait(), 5)
        assert stream.reconciling == 1

        await asyncio.wait_for(stream.remove_account(OTHER), 5)
        assert cancelled.is_set()
        assert not [t for t in own_tasks() if "reconcile" in t.get_name()]
        release.set()
        main_order = place(sim, MAIN, symbol="KO", side="BUY", type="MARKET", qty="1")
        await until(lambda: main_order in stream.orders)  # sent after anything of the lookup
        seen = [e for e in drained(events) if account_of(e) is not None]
        assert {account_of(e) for e in seen if type(e) is not AccountSnapshot} == {MAIN}


async def test_a_wait_for_an_order_of_a_removed_account_ends_at_once(
    sim: Simulator, stream: AccountStream
) -> None:
    """A waiter on an order of OTHER (no timeout) raises as soon as OTHER is removed, as a
    wait for an order the stream cannot tell does, naming the account."""
    order = place(sim, OTHER, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
    await until(lambda: order in stream.account(OTHER).orders)
    waiter = asyncio.ensure_future(stream.wait_for_order(order))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiter.done()

    await stream.remove_account(OTHER)
    for _ in range(20):  # woken and ended without any I/O
        await asyncio.sleep(0)
    assert waiter.done()
    with pytest.raises(OrderStateUnknownError) as info:
        waiter.result()
    assert isinstance(info.value, StreamError)
    assert OTHER in str(info.value)
    assert info.value.cl_ord_id == order
    assert info.value.last_known.ord_status == OrderStatus.NEW


class SlowToCancel:
    """``client.orders.reconcile``, whose cancellation takes a few turns of the loop to clean
    up: over before the caller goes on only if the caller awaits it."""

    def __init__(self, lookup: OrderLookup) -> None:
        self.lookup = lookup
        self.cancelled = 0

    async def __call__(self, account_id: str, orders: Sequence[Order]) -> Iterable[Order]:
        try:
            return await self.lookup(account_id, orders)
        except asyncio.CancelledError:
            for _ in range(5):
                await asyncio.sleep(0)
            self.cancelled += 1
            raise


@contextlib.asynccontextmanager
async def held_lookup(
    sim: Simulator, tokens: GatedTokens
) -> AsyncIterator[tuple[AccountStream, SlowToCancel]]:
    """MAIN and OTHER with ``client.orders.reconcile`` as the lookup, and OTHER's order
    listing held by the server (until the simulator stops): a lookup in OTHER never ends."""
    sim.faults.route_latency[f"GET /v2/accounts/{OTHER}/orders"] = 3600.0
    accounts = [MAIN, OTHER]
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        lookup = SlowToCancel(client.orders.reconcile)
        async with AccountStream(
            sim.accounts_ws_url, tokens, accounts, config=FAST, reconcile=lookup
        ) as stream:
            await until(lambda: all(stream.account(a).snapshot is not None for a in accounts))
            yield stream, lookup


def lookups() -> list[asyncio.Task[Any]]:
    return [t for t in own_tasks() if "lookup" in t.get_name()]


async def test_removing_an_account_ends_a_waiter_whose_lookup_in_it_is_held(
    sim: Simulator, tokens: GatedTokens
) -> None:
    """A waiter looks an order the stream has not seen up in each account; OTHER's answer is
    held when OTHER is removed. The waiter raises at once, as a waiter on an order of a
    removed account does, and its lookup is cancelled and awaited by ``remove_account``."""
    async with held_lookup(sim, tokens) as (stream, lookup):
        waiter = asyncio.ensure_future(stream.wait_for_order("UNSEEN-1"))
        await until(lambda: sim.requests[("GET", f"/v2/accounts/{OTHER}/orders")] == 1)
        assert not waiter.done()
        await asyncio.wait_for(stream.remove_account(OTHER), 5)
        assert lookup.cancelled == 1
        assert lookups() == []
        for _ in range(20):  # woken and ended without any I/O
            await asyncio.sleep(0)
        assert waiter.done()
        with pytest.raises(OrderStateUnknownError, match=OTHER) as info:
            waiter.result()
        assert info.value.cl_ord_id == "UNSEEN-1"


async def test_a_held_lookup_ends_with_its_waiter_and_with_the_stream(
    sim: Simulator, tokens: GatedTokens
) -> None:
    """A waiter cancelled (its timeout, say) while its lookup is held takes the lookup with
    it; a stream closed while one is held ends its waiter with ``StreamClosedError``."""
    async with held_lookup(sim, tokens) as (stream, lookup):
        waiter = asyncio.ensure_future(stream.wait_for_order("UNSEEN-1"))
        await until(lambda: sim.requests[("GET", f"/v2/accounts/{OTHER}/orders")] == 1)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert lookup.cancelled == 1
        assert lookups() == []
        waiter = asyncio.ensure_future(stream.wait_for_order("UNSEEN-2"))
        await until(lambda: sim.requests[("GET", f"/v2/accounts/{OTHER}/orders")] == 2)
    with pytest.raises(StreamClosedError):
        await asyncio.wait_for(waiter, 5)
    assert own_tasks() == []


async def test_an_order_found_as_its_account_is_removed_is_neither_returned_nor_published(
    sim: Simulator, tokens: GatedTokens
) -> None:
    """A waiter looks an order the stream has not seen up in each account; OTHER's lookup
    finds it, and OTHER is removed before the waiter reads that answer. The wait ends with
    the error of a removed account (naming what was found), and no event of OTHER is
    published."""
    removals: list[asyncio.Future[None]] = []

    async def finds_in_other(account_id: str, orders: Sequence[Order]) -> list[Order]:
        if account_id != OTHER:
            return []
        # Runs before the waiter is woken by this answer.
        removals.append(asyncio.ensure_future(both.remove_account(OTHER)))
        done = OrderStatus.FILLED
        return [attrs.evolve(o, account_id=OTHER, ord_status=done) for o in orders]

    accounts = [MAIN, OTHER]
    async with AccountStream(
        sim.accounts_ws_url, tokens, accounts, config=FAST, reconcile=finds_in_other
    ) as both:
        await until(lambda: all(both.account(a).snapshot is not None for a in accounts))
        events = both.events()
        with pytest.raises(OrderStateUnknownError, match=OTHER) as info:
            await asyncio.wait_for(both.wait_for_order("UNSEEN-1"), 5)
        await asyncio.wait_for(removals[0], 5)
        assert both.account_ids == (MAIN,)
        assert info.value.cl_ord_id == "UNSEEN-1"
        assert info.value.last_known.ord_status == OrderStatus.FILLED
        assert not [e for e in drained(events) if account_of(e) == OTHER]
