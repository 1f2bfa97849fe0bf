"""Subscriptions across a re-authentication on the live socket (``refreshAuth``).

websocket.md 2.4 leaves UNKNOWN whether a server keeps a socket's subscriptions when the client
re-authenticates on it. The simulator keeps them by default and drops them with
``faults.ws_reauth_drops_subscriptions``. The streams send their subscriptions again after
every re-authentication. On a server that drops them the updates go on. On one that keeps them
the repeated subscribes bring nothing a reconnect's replay would not (a snapshot per market
symbol, an account's resync snapshot), the bookkeeping stays as it was and nothing grows.

Time never passes for real: the simulator runs on a ManualClock (``sim.advance(STEP)`` is one
step of its walk), the streams' keep-alive and backoff on :class:`FakeTime`. The only waits are
for socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from stream_helpers import (
    FakeTime,
    GatedTokens,
    Tokens,
    answered,
    drained,
    held_growth,
    make_stream,
    take,
    until,
)
from websockets.asyncio.client import connect as ws_connect

from aries_async.models.events import (
    AccountSnapshot,
    ChartQuote,
    NewsEvent,
    OrderEvent,
    PnlEvent,
    QuoteUpdate,
    ServerErrorMessage,
    StreamConnected,
    StreamDisconnected,
    StreamReauthenticated,
)
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import (
    Consumer,
    StreamConfig,
    accounts,
    connection,
    link,
)
from aries_async.streaming.protocol import Channel, account_requests, charts, session, subscriptions

ACCOUNT = "TEST-ACCOUNT-001"
KINDS = ("market", "charts", "accounts")
STEP = 0.5
"""One step of the simulator's walk (its ``step_seconds``)."""
CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
BOOKS = (subscriptions, session, link, connection)
"""The modules that keep a stream's subscriptions and its re-authentications."""


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as s:
        yield s


def make(kind: str, sim: Simulator, fake_time: FakeTime, tokens: Any = None) -> Any:
    """A stream of ``kind`` on ``sim``, each token fresh (a re-authentication renews it)."""
    if tokens is None:
        tokens = Tokens(sim)
        tokens.fresh_each_call = True
    return make_stream(kind, sim, fake_time, CONFIG, tokens, account=ACCOUNT)


def place(sim: Simulator) -> str:
    """A resting order (a limit far below the market): its clOrdId."""
    body = {"tradingAccountId": ACCOUNT, "timeInForce": "DAY", "symbol": "KO", "side": "BUY"}
    ack = sim.state.place({**body, "type": "LIMIT", "price": "1.00", "qty": "1"})
    assert ack["success"] is True
    return str(ack["clOrdId"])


async def reauthenticate(hub: WsHub, kind: str, status: Consumer[Any]) -> None:
    """One ``refreshAuth``, until the stream says it re-authenticated."""
    assert hub.refresh_auth(kind) == 1
    (said,) = await take(status, 1)
    assert isinstance(said, StreamReauthenticated)


# -- the simulator's switch -------------------------------------------------------------------

SUBSCRIBE = {
    "market": [{"symbol": "AAPL", "quoteFields": "*"}],
    "charts": {"type": "quotes", "symbol": "AAPL"},
    "accounts": {"topic": "account", "params": {"accountId": ACCOUNT}},
}


def _auth(sim: Simulator, request_id: str) -> bytes:
    token = sim.issue_token().access_token
    payload = {"method": "POST", "path": "/auth", "body": {"token": token}}
    return orjson.dumps({"type": "request", "id": request_id, "payload": payload})


async def _until_answer(ws: Any, request_id: str) -> list[dict[str, Any]]:
    """The messages the socket sends, up to the one that answers ``request_id``."""
    messages: list[dict[str, Any]] = []
    while True:
        for line in (await asyncio.wait_for(ws.recv(), 5)).splitlines():
            message = orjson.loads(line)
            messages.append(message)
            payload = message.get("payload")
            answer = payload.get("id") if isinstance(payload, dict) else None
            if request_id in (message.get("id"), answer):
                return messages


def _is_data(kind: str, message: dict[str, Any]) -> bool:
    payload = message.get("payload") or {}
    if kind == "market":
        return payload.get("type") == "quote"
    if kind == "charts":
        return payload.get("symbol") == "AAPL"
    return payload.get("name") == "account.order"


async def _data_after_a_change(sim: Simulator, kind: str, ws: Any, ping: str) -> bool:
    """Whether a price step (an order, on the account socket) reaches the socket, before the
    pong of a ping sent after it."""
    if kind == "accounts":
        place(sim)
    else:
        sim.advance(STEP)
    await ws.send(orjson.dumps({"type": "ping", "id": ping}))
    return any(_is_data(kind, m) for m in await _until_answer(ws, ping))


@pytest.mark.parametrize("drops", [False, True])
@pytest.mark.parametrize("kind", KINDS)
async def test_the_switch_drops_the_subscriptions_of_a_reauthenticated_socket(
    kind: str, drops: bool, sim: Simulator
) -> None:
    """Off, a socket's subscriptions outlive its re-authentication; on, they are gone, the
    socket stays open and authenticated, and a subscribe brings them back."""
    sim.faults.ws_reauth_drops_subscriptions = drops
    url = {"market": sim.market_ws_url, "charts": sim.charts_ws_url}.get(kind)
    subscribe = {"type": "subscribe", "id": "s1", "payload": SUBSCRIBE[kind]}
    async with ws_connect(url or sim.accounts_ws_url) as ws:
        await ws.send(_auth(sim, "a1"))
        await _until_answer(ws, "a1")
        await ws.send(orjson.dumps(subscribe))
        await _until_answer(ws, "s1")
        assert await _data_after_a_change(sim, kind, ws, "p1")
        await ws.send(_auth(sim, "a2"))
        answer = (await _until_answer(ws, "a2"))[-1]
        assert answer["payload"]["action"] == "authSuccess"
        assert await _data_after_a_change(sim, kind, ws, "p2") is not drops
        await ws.send(orjson.dumps({**subscribe, "id": "s2"}))
        await _until_answer(ws, "s2")
        assert await _data_after_a_change(sim, kind, ws, "p3")


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_the_switch_answers_a_subscribe_of_what_the_socket_holds_with_an_error(
    kind: str, sim: Simulator
) -> None:
    """On, a subscribe of what the socket holds already is answered by the generic error event
    (websocket.md 2.6) alone: no acknowledgement, no snapshot, and the symbol stays
    subscribed."""
    sim.faults.ws_already_subscribed = True
    url = {"market": sim.market_ws_url, "charts": sim.charts_ws_url}[kind]
    subscribe = {"type": "subscribe", "id": "s1", "payload": SUBSCRIBE[kind]}
    async with ws_connect(url) as ws:
        await ws.send(_auth(sim, "a1"))
        await _until_answer(ws, "a1")
        await ws.send(orjson.dumps(subscribe))
        assert (await _until_answer(ws, "s1"))[-1] == {"type": "subscribed", "id": "s1"}
        await ws.send(orjson.dumps({**subscribe, "id": "s2"}))
        (*_, answer) = await _until_answer(ws, "s2")
        assert answer["type"] == "event"
        assert set(answer["payload"]) == {"action", "error", "id", "timestamp"}
        assert answer["payload"]["action"] == "error"
        assert answer["payload"]["error"] == "already subscribed: AAPL"
        await ws.send(orjson.dumps({"type": "ping", "id": "p0"}))
        after = await _until_answer(ws, "p0")
        assert [m["type"] for m in after] == ["pong"]  # nothing else answered s2
        assert await _data_after_a_change(sim, kind, ws, "p1")


UNSUBSCRIBE = {"market": ["AAPL"], "charts": {"type": "quotes", "symbol": "AAPL"}}


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_the_switch_counts_the_subscribes_of_a_symbol(kind: str, sim: Simulator) -> None:
    """On, a socket that got two subscribes of a symbol's channel sends its updates after one
    unsubscribe, and stops after the second; a subscribe afterwards counts from zero."""
    sim.faults.ws_counting_subscriptions = True
    url = {"market": sim.market_ws_url, "charts": sim.charts_ws_url}[kind]
    subscribe = {"type": "subscribe", "id": "s1", "payload": SUBSCRIBE[kind]}
    unsubscribe = {"type": "unsubscribe", "id": "u1", "payload": UNSUBSCRIBE[kind]}
    async with ws_connect(url) as ws:
        await ws.send(_auth(sim, "a1"))
        await _until_answer(ws, "a1")
        for request_id in ("s1", "s2"):
            await ws.send(orjson.dumps({**subscribe, "id": request_id}))
            await _until_answer(ws, request_id)
        await ws.send(orjson.dumps(unsubscribe))
        await _until_answer(ws, "u1")
        assert await _data_after_a_change(sim, kind, ws, "p1")  # counted once more
        await ws.send(orjson.dumps({**unsubscribe, "id": "u2"}))
        await _until_answer(ws, "u2")
        assert not await _data_after_a_change(sim, kind, ws, "p2")
        await ws.send(orjson.dumps({**subscribe, "id": "s3"}))
        await _until_answer(ws, "s3")
        await ws.send(orjson.dumps({**unsubscribe, "id": "u3"}))
        await _until_answer(ws, "u3")
        assert not await _data_after_a_change(sim, kind, ws, "p3")


# -- a server that drops them: the updates go on ----------------------------------------------


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_quotes_go_on_after_a_reauthentication_that_dropped_their_subscriptions(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The socket stays up and authenticated after the re-authentication, and every step of
    the walk still brings a quote of each symbol."""
    sim.faults.ws_reauth_drops_subscriptions = True
    stream = make(kind, sim, fake_time)
    status = stream.status()
    async with stream:
        quotes = stream.quotes()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
        assert {q.symbol for q in await take(quotes, 2)} == {"AAPL", "MSFT"}  # the snapshots
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        await reauthenticate(hub, kind, status)
        for _ in range(3):
            # The first step may come before the resubscription: then its snapshots tell it.
            sim.advance(STEP)
            assert {q.symbol for q in await take(quotes, 2)} == {"AAPL", "MSFT"}
        assert stream.connected and stream.reconnects == 0 and stream.reauths == 1


async def test_account_events_go_on_after_a_reauthentication_that_dropped_them(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """An order placed right after the re-authentication is told (live, or by the resync
    snapshot that answers the resubscription when the server had not read it yet), a later
    one live, and the other topics go on too."""
    sim.faults.ws_reauth_drops_subscriptions = True
    stream = make("accounts", sim, fake_time)
    status = stream.status()
    async with stream:
        orders, news = stream.order_events(), stream.news_events()
        await stream.subscribe_news()
        await stream.subscribe_pnl()
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        await until(lambda: stream.snapshot is not None)
        await reauthenticate(hub, "accounts", status)
        placed = place(sim)  # before the resubscription, maybe: its resync snapshot tells it
        (event,) = await take(orders, 1)
        assert event.order.cl_ord_id == placed
        await answered(hub, "accounts", stream, 6)  # account, news and pnl, twice
        again = place(sim)
        (event,) = await take(orders, 1)
        assert (event.order.cl_ord_id, event.resync) == (again, False)
        hub.topics.news("Coca-Cola raises its dividend", symbols=["KO"])
        (item,) = await take(news, 1)
        assert isinstance(item, NewsEvent)
        assert stream.connected and stream.reconnects == 0 and not stream.refused_topics


# -- a server that counts them: one unsubscribe is not enough --------------------------------


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_an_unsubscribe_after_reauthentications_on_a_counting_server_holds(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The replays after two re-authentications leave MSFT counted three times on the
    server: after one unsubscribe its quotes keep coming. Neither the consumers nor latest()
    get them; the stream unsubscribes again once an update arrives after its unsubscribe was
    acknowledged, one unsubscribe for a burst of them, until the server stops."""
    sim.faults.ws_counting_subscriptions = True
    stream = make(kind, sim, fake_time)
    status = stream.status()
    async with stream:
        quotes, events = stream.quotes(), stream.events()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
        assert {q.symbol for q in await take(quotes, 2)} == {"AAPL", "MSFT"}  # the snapshots
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        for _ in range(2):
            await reauthenticate(hub, kind, status)
        await answered(hub, kind, stream, {"market": 3, "charts": 6}[kind])

        async def unsubscribes(count: int) -> None:
            """Until the server read ``count`` unsubscribes, and the stream its answers."""
            await until(lambda: hub.unsubscribes == count)
            await answered(hub, kind, stream, hub.subscribes)

        await stream.unsubscribe("MSFT")
        await unsubscribes(1)
        drained(quotes), drained(events)
        assert stream.withheld == 0 and stream.latest("MSFT") is None
        sim.advance(STEP)  # a burst: two steps before the stream's next unsubscribe is read
        sim.advance(STEP)
        await unsubscribes(2)
        assert stream.withheld == 2  # both withheld, one unsubscribe sent for them
        sim.advance(STEP)
        await unsubscribes(3)
        assert stream.withheld == 3
        for _ in range(3):  # the server counts no more: nothing comes of MSFT
            sim.advance(STEP)
            await answered(hub, kind, stream, hub.subscribes)
        assert stream.withheld == 3 and hub.unsubscribes == 3
        assert {q.symbol for q in drained(quotes)} == {"AAPL"}
        heard = [e for e in drained(events) if getattr(e, "symbol", None) is not None]
        assert heard and {e.symbol for e in heard} == {"AAPL"}
        assert stream.latest("MSFT") is None and stream.latest("AAPL") is not None
        assert set(stream.subscriptions) == {"AAPL"}


# -- the user's (un)subscribes around the re-authentication -------------------------------------


async def test_what_the_user_changes_around_a_reauthentication_is_what_the_server_keeps(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """Changed while the re-authentication fetches its token (the server reads the changes,
    then the re-authentication drops everything), then right after the server accepted it
    (before or after the resubscription goes out): the server ends up with what is wanted."""
    sim.faults.ws_reauth_drops_subscriptions = True
    tokens = GatedTokens(sim)
    stream = make("market", sim, fake_time, tokens)
    status = stream.status()
    async with stream:
        quotes = stream.quotes()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
        await take(status, 1)
        tokens.gate.clear()
        assert hub.refresh_auth("market") == 1
        await until(lambda: tokens.calls == 2)  # the re-authentication waits for its token
        await stream.unsubscribe("MSFT")
        await stream.subscribe("TSLA", channels=["quotes"])
        await until(lambda: stream.acknowledged == {"AAPL", "TSLA"})  # read by the server
        tokens.gate.set()
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated)
        await stream.unsubscribe("TSLA")
        await stream.subscribe("NVDA", channels=["quotes"])
        await until(lambda: stream.acknowledged == {"AAPL", "NVDA"} and not stream.awaiting)
        await answered(hub, "market", stream, hub.subscribes)
        drained(quotes)
        sim.advance(STEP)
        await answered(hub, "market", stream, hub.subscribes)
        assert sorted(q.symbol for q in drained(quotes)) == ["AAPL", "NVDA"]
        assert set(stream.subscriptions) == {"AAPL", "NVDA"}
        assert not stream.refused and not stream.awaiting


# -- a server that keeps them: nothing changes but the snapshots, nothing grows -------------------


async def test_market_reauthentications_on_a_server_that_keeps_the_subscriptions(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """Each re-authentication brings the snapshot of each symbol, as a reconnect's replay
    does, but not the refusal of a channel refused before: that socket is not asked for it
    again (it stays refused, for the same reason). A step of the walk still brings one update
    of each, and nothing accumulates."""
    sim.faults.ws_refused_channels = {"MSFT": frozenset({"level2"})}
    stream = make("market", sim, fake_time)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        events = stream.events()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes", "level2"])
        await answered(hub, "market", stream, 1)
        acknowledged = dict(stream.acknowledged_channels)
        quotes, level2 = Channel.QUOTES, Channel.LEVEL2
        assert acknowledged == {"AAPL": {quotes, level2}, "MSFT": {quotes}}
        refused = {"MSFT": {level2: "not entitled to level2"}}
        assert stream.refused_channels == refused and not stream.awaiting
        drained(events)
        sim.advance(STEP)
        await answered(hub, "market", stream, 1)
        step = sorted((type(e).__name__, e.symbol) for e in drained(events))
        assert step == [("Level2Update", "AAPL"), ("QuoteUpdate", "AAPL"), ("QuoteUpdate", "MSFT")]

        async def cycle() -> None:
            asked = hub.subscribes
            await reauthenticate(hub, "market", status)
            await answered(hub, "market", stream, asked + 1)
            heard = drained(events)
            assert [type(e) for e in heard[:1]] == [StreamReauthenticated]
            assert sorted(e.symbol for e in heard if type(e) is QuoteUpdate) == ["AAPL", "MSFT"]
            assert len(heard) == 3
            assert stream.acknowledged_channels == acknowledged
            assert stream.refused_channels == refused and not stream.awaiting

        for _ in range(5):
            await cycle()
        sim.advance(STEP)
        await answered(hub, "market", stream, hub.subscribes)
        assert sorted((type(e).__name__, e.symbol) for e in drained(events)) == step
        assert await held_growth(cycle, BOOKS, 20, 120) < 4_096
        sim.faults.ws_refused_channels = {}  # entitled now: the next request of it is granted
        asked = hub.subscribes
        await reauthenticate(hub, "market", status)
        await answered(hub, "market", stream, asked + 1)
        assert stream.refused_channels == refused  # not asked again on this socket
        await stream.subscribe("MSFT", channels=["level2"])  # but asked by the user
        await answered(hub, "market", stream, asked + 2)
        assert stream.acknowledged_channels == {"AAPL": {quotes, level2}, "MSFT": {quotes, level2}}
        assert not stream.refused_channels and not stream.awaiting
        assert stream.reauths == 146 and stream.reconnects == 0


async def test_chart_reauthentications_on_a_server_that_keeps_the_subscriptions(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The charts socket sends no quote for a subscription it holds already: a re-authentication
    is only said, and a step still brings one quote of each symbol."""
    stream = make("charts", sim, fake_time)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        events = stream.events()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
        await answered(hub, "charts", stream, 2)
        acknowledged = {"AAPL": {Channel.QUOTES}, "MSFT": {Channel.QUOTES}}
        assert stream.acknowledged_channels == acknowledged

        async def cycle() -> None:
            asked = hub.subscribes
            await reauthenticate(hub, "charts", status)
            await answered(hub, "charts", stream, asked + 2)
            assert [type(e) for e in drained(events)] == [StreamReauthenticated]
            assert stream.acknowledged_channels == acknowledged
            assert not stream.refused_channels and not stream.awaiting

        drained(events)
        for _ in range(5):
            await cycle()
        sim.advance(STEP)
        await answered(hub, "charts", stream, hub.subscribes)
        heard = drained(events)
        assert all(type(e) is ChartQuote for e in heard)
        assert sorted(e.symbol for e in heard) == ["AAPL", "MSFT"]
        assert await held_growth(cycle, (*BOOKS, charts), 20, 120) < 4_096
        assert stream.reauths == 145 and stream.reconnects == 0


async def test_account_reauthentications_on_a_server_that_keeps_the_subscriptions(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """Each re-authentication brings the account's resync snapshot (nothing changed: no order
    is told again) and the P&L from the last candle's start, as a reconnect does; an order
    placed after them is told once, as before them."""
    stream = make("accounts", sim, fake_time)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        events = stream.events()
        await stream.subscribe_news()
        await stream.subscribe_pnl()
        await answered(hub, "accounts", stream, 3)
        drained(events)
        place(sim)
        await answered(hub, "accounts", stream, 3)
        told = [type(e) for e in drained(events)]
        assert told.count(OrderEvent) == 1

        async def cycle() -> None:
            asked = hub.subscribes
            await reauthenticate(hub, "accounts", status)
            await answered(hub, "accounts", stream, asked + 3)
            heard = drained(events)
            assert [type(e) for e in heard[:2]] == [StreamReauthenticated, AccountSnapshot]
            assert heard[1].resync
            assert {type(e) for e in heard[2:]} == {PnlEvent}
            assert not stream.refused_topics and stream.reconciling == 0

        for _ in range(5):
            await cycle()
        place(sim)
        await answered(hub, "accounts", stream, hub.subscribes)
        assert [type(e) for e in drained(events)] == told
        hub.topics.news("Coca-Cola raises its dividend", symbols=["KO"])
        await answered(hub, "accounts", stream, hub.subscribes)
        assert [type(e) for e in drained(events)] == [NewsEvent]
        # Not account_topics: CPython leaves tracemalloc traces behind the P&L start times it
        # formats (datetime.isoformat), held by nothing.
        modules = (*BOOKS, account_requests, accounts)
        assert await held_growth(cycle, modules, 20, 120) < 4_096
        assert stream.reauths == 145 and stream.reconnects == 0


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_already_subscribed_answers_are_no_refusals_and_the_updates_go_on(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A server that keeps the subscriptions answers each re-authentication's resubscription,
    and the user's subscribe of what it holds, with "already subscribed" errors and no
    acknowledgement: the symbols stay wanted and acknowledged, nothing is refused or awaited,
    no error reaches the consumers, and every step still brings a quote of each symbol."""
    sim.faults.ws_already_subscribed = True
    stream = make(kind, sim, fake_time)
    status = stream.status()
    frames = 1 if kind == "market" else 2  # subscribe messages a replay of the two sends
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        events = stream.events()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
        await answered(hub, kind, stream, frames)
        drained(events)

        async def steady(heard: list[Any]) -> None:
            assert not any(type(e) is ServerErrorMessage for e in heard)
            assert stream.acknowledged == {"AAPL", "MSFT"} == set(stream.subscriptions)
            assert not stream.refused and not stream.awaiting
            sim.advance(STEP)
            await answered(hub, kind, stream, hub.subscribes)
            assert sorted(e.symbol for e in drained(events)) == ["AAPL", "MSFT"]

        for _ in range(3):
            asked = hub.subscribes
            await reauthenticate(hub, kind, status)
            await answered(hub, kind, stream, asked + frames)
            heard = drained(events)
            assert [type(e) for e in heard] == [StreamReauthenticated]
            await steady(heard)
        asked = hub.subscribes
        await stream.unsubscribe("MSFT")
        await stream.subscribe("MSFT", channels=["quotes"])  # a new subscription: answered
        await stream.subscribe("AAPL", channels=["quotes"])  # held already (charts: not sent)
        # subscribe() returns once its frame is sent: wait until the server has read them.
        await answered(hub, kind, stream, asked + (2 if kind == "market" else 1))
        heard = drained(events)
        assert [(type(e), e.symbol) for e in heard] == [(type(heard[0]), "MSFT")]  # a snapshot
        await steady(heard)
        assert stream.reauths == 3 and stream.reconnects == 0


# -- what an account socket owes after a re-authentication -----------------------------------------


async def test_a_reauthentication_while_the_opening_snapshot_is_owed_waits_for_its_own(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The opening's snapshot has not come when the re-authentication sends the account's
    subscription again: the snapshot that answers it is the one waited for, and the wait of
    the opening no longer ends the connection."""
    sim.faults.ws_account_unanswered = True
    stream = make("accounts", sim, fake_time)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        await until(lambda: hub.subscribes == 1)  # left unanswered
        await until(lambda: CONFIG.request_timeout in fake_time.waiting())  # waited for
        sim.faults.ws_account_unanswered = False
        await reauthenticate(hub, "accounts", status)
        await until(lambda: stream.snapshot is not None)
        fake_time.advance(CONFIG.request_timeout)  # where the opening's wait ends
        await answered(hub, "accounts", stream, 2)
        assert stream.connected and stream.reconnects == 0 and status.pending == 0


async def test_a_resubscription_whose_snapshot_does_not_come_replaces_the_socket(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """On a server that dropped the subscriptions, the events the account missed meanwhile
    are told by the resubscription's snapshot only: without it in ``request_timeout``, a new
    socket asks again, as when a new socket's snapshot does not come."""
    sim.faults.ws_reauth_drops_subscriptions = True
    stream = make("accounts", sim, fake_time)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        await until(lambda: stream.snapshot is not None)
        snapshots = stream.snapshots()
        sim.faults.ws_account_unanswered = True  # the resubscription's answer is lost
        hub.on_open = lambda kind, count: setattr(sim.faults, "ws_account_unanswered", False)
        await reauthenticate(hub, "accounts", status)
        await until(lambda: CONFIG.request_timeout in fake_time.waiting())
        fake_time.advance(CONFIG.request_timeout)
        (down,) = await take(status, 1)
        assert isinstance(down, StreamDisconnected) and down.will_reconnect
        assert down.reason == "no snapshot for the subscriptions within 10 s"
        (back,) = await take(status, 1)
        assert isinstance(back, StreamConnected) and back.reconnect
        (snapshot,) = await take(snapshots, 1)
        assert snapshot.resync and stream.reauths == 1
