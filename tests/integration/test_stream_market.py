"""MarketStream against the simulator: subscriptions, fan-out, reconnects, re-auth, faults.

Time never passes for real: the simulator runs on a ManualClock (prices move only on
``sim.advance``), and the stream's keep-alive/backoff run on :class:`FakeTime`. The only waits
are for socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import gc
import traceback
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import orjson
import pytest
from stream_helpers import FakeTime, Tokens, own_tasks, subscription_growth, take, until
from websockets.asyncio.client import connect as ws_connect

from aries_async.errors import (
    StreamAuthError,
    StreamClosedError,
    ValidationError,
)
from aries_async.models.events import (
    QuoteUpdate,
    ServerErrorMessage,
    StreamConnected,
    StreamDisconnected,
    TradeUpdate,
    UnknownEvent,
)
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import MarketStream, StreamConfig
from aries_async.streaming.protocol import Channel, subscriptions
from aries_async.streaming.socket import FrameSocket

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as s:
        yield s


async def subscribed(stream: MarketStream, *symbols: str) -> None:
    """Wait until the server acknowledged ``symbols`` (it then steps them with the feed)."""
    await until(lambda: set(symbols) <= stream.acknowledged)


def make_stream(
    sim: Simulator, tokens: Tokens, fake_time: FakeTime, config: StreamConfig = FAST
) -> MarketStream:
    return MarketStream(
        sim.market_ws_url,
        tokens,
        config=config,
        invalidate_token=tokens.invalidate,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )


async def test_subscribe_snapshot_typed_decimals_and_latest(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        assert stream.connected
        assert stream.market_status is not None
        assert stream.market_status.market in (
            "open",
            "closed",
        )
        quotes = stream.quotes()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes", "trades"])
        first = await take(quotes, 2)  # the snapshots on subscribe
        assert {q.symbol for q in first} == {"AAPL", "MSFT"}
        for q in first:
            assert isinstance(q.bid_price, Decimal)
            assert isinstance(q.ask_price, Decimal)
            assert q.bid_price < q.ask_price
        sim.advance(0.5)  # one step of each symbol
        more = await take(quotes, 2)
        latest = stream.latest(more[-1].symbol)
        assert latest is not None
        assert latest.bid_price == more[-1].bid_price
        assert stream.latest_trade("AAPL") is not None
        await until(lambda: stream.acknowledged == {"AAPL", "MSFT"})


async def test_batches_from_a_live_stream_match_one_by_one(
    sim: Simulator, fake_time: FakeTime
) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        one_by_one = stream.quotes()
        batched = stream.quotes()
        await stream.subscribe(["AAPL", "MSFT", "KO"], channels=["quotes"])
        await subscribed(stream, "AAPL", "MSFT", "KO")
        sim.advance(0.5)  # one more quote of each symbol
        expected = await take(one_by_one, 6)
        got: list[QuoteUpdate] = []
        batches = batched.batches()
        async with asyncio.timeout(5):
            while len(got) < 6:
                got.extend(await anext(batches))
        assert [(q.symbol, q.data) for q in got] == [(q.symbol, q.data) for q in expected]
        assert all(isinstance(q.bid_price, Decimal) for q in got)
        assert batched.delivered == 6


async def test_refused_names_the_symbols_of_a_refused_request_until_unsubscribed(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await stream.subscribe("nosuch", channels=["quotes"])
        async with asyncio.timeout(5):
            async for event in events:
                if isinstance(event, ServerErrorMessage):
                    break
        # Known by the time the refusal is delivered: a consumer can ask which it was.
        assert stream.refused == {"NOSUCH": "invalid symbol"}
        await subscribed(stream, "AAPL")
        assert stream.refused == {"NOSUCH": "invalid symbol"}
        await stream.unsubscribe("NOSUCH")
        assert stream.refused == {}


async def test_a_partly_refused_request_acknowledges_its_good_symbols(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    # One request, one bad symbol among good ones: the simulator answers an error naming
    # the bad one, then acknowledges the request.
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        events = stream.events()
        await stream.subscribe(["AAPL", "nosuch", "MSFT"], channels=["quotes"])
        async with asyncio.timeout(5):
            async for event in events:
                if isinstance(event, ServerErrorMessage):
                    break
        assert stream.refused == {"NOSUCH": "invalid symbol"}
        assert isinstance(event, ServerErrorMessage)
        assert event.symbols == ("NOSUCH",)
        await subscribed(stream, "AAPL", "MSFT")
        assert stream.acknowledged == {"AAPL", "MSFT"}
        assert stream.refused == {"NOSUCH": "invalid symbol"}


async def test_a_bad_symbol_subscribes_nothing_and_channels_may_be_an_iterator(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        with pytest.raises(ValidationError) as info:
            await stream.subscribe(["AAPL", " "], channels=["quotes"])
        assert info.value.field == "symbol"
        with pytest.raises(ValidationError, match="unknown channel"):
            await stream.subscribe("AAPL", channels=["quote"])
        assert dict(stream.subscriptions) == {}
        await stream.subscribe(["AAPL", "MSFT"], channels=(c for c in ["quotes"]))
        assert {s: set(sub.channels) for s, sub in stream.subscriptions.items()} == {
            "AAPL": {Channel.QUOTES},
            "MSFT": {Channel.QUOTES},
        }
        await subscribed(stream, "AAPL", "MSFT")
        with pytest.raises(ValidationError, match="unknown channel"):
            await stream.unsubscribe(["AAPL", "MSFT"], channels=["quotes", "nope"])
        assert set(stream.subscriptions) == {"AAPL", "MSFT"}  # nothing dropped
        with pytest.raises(ValidationError, match="buffer"):
            stream.quotes(buffer=0)  # 0 used to mean "the default" silently
        with pytest.raises(ValidationError, match="symbols"):
            stream.quotes(["AAPL", ""])


async def test_a_malformed_symbol_is_refused_before_anything_is_sent(
    sim: Simulator, fake_time: FakeTime
) -> None:
    """The one symbol rule of orders, REST market calls and the CLI, before the server's
    refusal could come; an option (OSI) symbol passes."""
    option = "AAPL260116C00230000"
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        for bad in ("AA PL", "AAPL,MSFT", "A" * 22, "AA\nPL"):
            with pytest.raises(ValidationError) as info:
                await stream.subscribe(["AAPL", bad], channels=["quotes"])
            assert info.value.field == "symbol"
        assert dict(stream.subscriptions) == {}
        await stream.subscribe([option.lower(), "AAPL"], channels=["quotes"])
        await subscribed(stream, option, "AAPL")  # after any refusal of what came before
        assert stream.subscriptions[option].option
        assert stream.refused == {} and set(stream.acknowledged) == {option, "AAPL"}


async def test_field_selection_and_channels(sim: Simulator, fake_time: FakeTime) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        events = stream.events()
        await stream.subscribe("KO", channels=["quotes"], quote_fields=["bidPrice"])
        await stream.subscribe("PFE", channels=["level2", "timeAndSales"])
        await subscribed(stream, "KO", "PFE")
        sim.advance(2.0)
        got = await take(events, 6)
        kinds = {(type(e).__name__, getattr(e, "symbol", None)) for e in got}
        assert ("QuoteUpdate", "KO") in kinds
        assert not any(isinstance(e, TradeUpdate) for e in got)
        ko = next(e for e in got if isinstance(e, QuoteUpdate))
        assert set(ko.data) == {"bidPrice"}
        assert ko.ask_price is None
        book = next(e for e in got if type(e).__name__ == "Level2Update")
        assert book.order_book
        assert book.quotes[0].exchange == "NSDQ"
        await stream.unsubscribe("KO")
        assert "KO" not in stream.subscriptions


async def test_many_consumers_each_get_every_update(sim: Simulator, fake_time: FakeTime) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        a, b = stream.trades(), stream.trades()
        await stream.subscribe(["AAPL", "KO"], channels=["trades"])
        await subscribed(stream, "AAPL", "KO")
        sim.advance(5.0)  # ten steps per symbol
        got_a = await take(a, 22)
        got_b = await take(b, 22)
        assert [(t.symbol, t.trade_sequence) for t in got_a] == [
            (t.symbol, t.trade_sequence) for t in got_b
        ]


async def test_drops_reconnect_replay_and_signal_every_gap(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    before = set(asyncio.all_tasks())
    tokens = Tokens(sim)
    async with make_stream(sim, tokens, fake_time) as stream:
        status = stream.status()
        events = stream.events()
        await stream.subscribe(["AAPL", "MSFT", "KO"], channels=["trades"])
        for i in range(3):
            await until(lambda: stream.acknowledged == {"AAPL", "MSFT", "KO"})
            sim.advance(1.0)
            assert hub.drop("market") == 1

            def reconnected(times: int = i + 1) -> bool:
                return stream.reconnects == times and stream.connected

            await until(reconnected)
        sim.advance(1.0)
        await until(lambda: stream.reconnects == 3)
        changes = await take(status, 6)
        assert [type(c) for c in changes] == [StreamDisconnected, StreamConnected] * 3
        assert all(c.reconnect for c in changes if isinstance(c, StreamConnected))
        assert tokens.calls == 4  # a fresh token for every attempt
        # No duplicate delivery within one connection (the snapshot after a reconnect repeats
        # the current trade, which is a new connection).
        seen: set[tuple[str, int | None]] = set()
        while (item := events.get_nowait()) is not None:
            if isinstance(item, StreamConnected):
                seen.clear()
            elif isinstance(item, TradeUpdate):
                key = (item.symbol, item.trade_sequence)
                assert key not in seen
                seen.add(key)
    await asyncio.sleep(0)
    assert own_tasks() == []
    assert not [t for t in asyncio.all_tasks() - before if t.get_name().startswith("aries-m")]


async def test_drop_after_fault_keeps_the_stream_going(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        trades = stream.trades()
        await stream.subscribe(["AAPL", "MSFT"], channels=["trades"])
        await subscribed(stream, "AAPL", "MSFT")
        sim.faults.ws_drop_after = 12
        for drops in range(1, 5):
            sim.advance(3.0)  # more lines than the socket has left: it is dropped

            def resubscribed(drops: int = drops) -> bool:
                # the next socket subscribed: the next steps reach it
                return stream.reconnects == drops and hub.subscribes == drops + 1

            await until(resubscribed)
        sim.faults.ws_drop_after = None
        sim.advance(1.0)
        got = await take(trades, 5)
        assert got


async def test_drop_after_count_drops_one_socket_then_the_next_keeps_receiving(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        await stream.subscribe(["AAPL", "MSFT"], channels=["trades"])
        await subscribed(stream, "AAPL", "MSFT")
        sim.faults.ws_drop_after = 12
        sim.faults.ws_drop_after_count = 1
        sim.advance(3.0)  # more lines than the socket has left: it is dropped
        await until(lambda: stream.reconnects == 1 and hub.subscribes == 2)
        assert sim.faults.ws_drop_after_count == 0  # the one drop is spent
        await subscribed(stream, "AAPL", "MSFT")
        (session,) = [s for s in hub.sessions if not s.closed]
        trades = stream.trades()
        sim.advance(10.0)  # far more than 12 lines on the new socket: it stays
        got = await take(trades, 10)
        assert {trade.symbol for trade in got} == {"AAPL", "MSFT"}
        await until(lambda: session.lines_sent > 12)
        assert (stream.reconnects, hub.connections["market"]) == (1, 2)
        assert not session.closed


async def test_malformed_frames_and_unknown_types_do_not_end_the_stream(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await subscribed(stream, "AAPL")
        sim.faults.ws_malformed_every = 1
        sim.advance(2.0)
        await until(lambda: stream.malformed >= 1)
        sim.faults.ws_malformed_every = None
        hub.inject('{"type":"brandNew","payload":{"x":1}}\n[1,2]\nnot json')
        await until(lambda: stream.unknown >= 1)
        sim.advance(1.0)
        await until(lambda: events.pending >= 3)
        got = [events.get_nowait() for _ in range(events.pending)]
        assert any(isinstance(e, UnknownEvent) and e.type == "brandNew" for e in got)
        assert any(isinstance(e, QuoteUpdate) for e in got)
        assert stream.connected
        assert stream.reconnects == 0


async def test_stall_is_detected_by_the_watchdog(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    config = StreamConfig(
        ping_interval=5.0,
        pong_timeout=3.0,
        stale_after=20.0,
        backoff_initial=1.0,
        backoff_jitter=0.0,
    )
    async with make_stream(sim, Tokens(sim), fake_time, config) as stream:
        status = stream.status()
        await stream.subscribe("AAPL", channels=["quotes"])
        await subscribed(stream, "AAPL")
        sim.faults.ws_stall = True
        fake_time.advance(5.0)  # ping at 5 s, no answer 3 s later: dead, never silent
        await until(lambda: fake_time.waiting() == [3.0])  # the ping went out
        assert not status.pending
        fake_time.advance(3.0)
        down = await take(status, 1)
        assert isinstance(down[0], StreamDisconnected)
        assert "ping" in down[0].reason
        assert down[0].retry_in == 1.0
        sim.faults.ws_stall = False
        fake_time.advance(1.0)  # the backoff
        up = await take(status, 1)
        assert isinstance(up[0], StreamConnected)
        assert up[0].reconnect
        await until(lambda: "AAPL" in stream.acknowledged)


async def test_refresh_auth_reauthenticates_on_the_live_socket(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    tokens = Tokens(sim)
    tokens.fresh_each_call = True
    async with make_stream(sim, tokens, fake_time) as stream:
        assert hub.refresh_auth("market") == 1
        await until(lambda: stream.reauths == 1)
        assert tokens.calls == 2
        assert stream.reconnects == 0


@pytest.mark.parametrize("place", ["payload", "envelope", "none"])
async def test_every_reauthentication_is_counted_wherever_auth_success_puts_the_id(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, place: str
) -> None:
    sim.faults.ws_auth_success_id = place
    tokens = Tokens(sim)
    tokens.fresh_each_call = True
    async with make_stream(sim, tokens, fake_time) as stream:
        for count, symbol in ((1, "AAPL"), (2, "MSFT")):
            assert hub.refresh_auth("market") == 1
            calls = count + 1  # the token of each attempt, then the one of each re-auth
            await until(lambda: tokens.calls == calls)  # noqa: B023 - awaited in the loop
            # A round trip after the re-auth request: its authSuccess came before this ack.
            await stream.subscribe(symbol, channels=["quotes"])
            await subscribed(stream, symbol)
            assert stream.reauths == count
        assert stream.reconnects == 0


async def test_a_refused_reauthentication_replaces_the_token_and_reconnects_at_once(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    tokens = Tokens(sim)
    config = StreamConfig(backoff_initial=5.0, backoff_jitter=0.0)
    async with make_stream(sim, tokens, fake_time, config) as stream:
        status = stream.status()
        tokens.current = "a-token-the-server-refuses"  # what the cache holds at refreshAuth
        assert hub.refresh_auth("market") == 1
        [gone] = await take(status, 1)
        assert isinstance(gone, StreamDisconnected) and gone.reason == "re-authentication refused"
        assert (gone.will_reconnect, gone.retry_in) == (True, 0.0)  # no backoff: a fresh token
        [back] = await take(status, 1)
        assert isinstance(back, StreamConnected) and back.reconnect
        assert tokens.refused == ["a-token-the-server-refuses"]  # that one, not the first
        assert stream.connected and stream.reauths == 0


async def test_token_expiry_refresh_then_expired_session_reconnects(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    sim.settings.ws_refresh_warning = 10.0
    tokens = Tokens(sim, ttl=60.0)
    tokens.fresh_each_call = True
    async with make_stream(sim, tokens, fake_time) as stream:
        sim.advance(55.0)
        hub.check_deadlines()  # token ends in 5 s: refreshAuth
        await until(lambda: stream.reauths == 1)
        sim.advance(10.0)
        hub.check_deadlines()  # the old token's expiry passed; the new session lives on
        # A round trip after the deadline check: an authExpired would have come before its ack.
        await stream.subscribe("MSFT", channels=["quotes"])
        await subscribed(stream, "MSFT")
        assert stream.connected and stream.reconnects == 0
        assert hub.expire("market") == 1  # server-side authExpired: reconnect at once
        await until(lambda: stream.reconnects == 1 and stream.connected)


async def _actions_until(ws: Any, last: str) -> list[str]:
    """The actions (or message types) the socket sends, up to and including ``last``."""
    actions: list[str] = []
    while last not in actions:
        for line in (await asyncio.wait_for(ws.recv(), 5)).splitlines():
            message = orjson.loads(line)
            actions.append((message.get("payload") or {}).get("action") or message["type"])
    return actions


async def test_the_simulator_warns_each_session_end_once(sim: Simulator, hub: WsHub) -> None:
    # A client that answers refreshAuth with the token it holds does not move the end: warned
    # again at once, it would re-authenticate without pause (aries-async sim --token-ttl 60).
    sim.settings.ws_refresh_warning = 10.0

    def auth(token: str) -> bytes:
        payload = {"method": "POST", "path": "/auth", "body": {"token": token}}
        return orjson.dumps({"type": "request", "id": "a1", "payload": payload})

    first = auth(sim.issue_token(ttl=60.0).access_token)
    async with ws_connect(sim.market_ws_url) as ws:
        await ws.send(first)
        await _actions_until(ws, "authSuccess")  # with the market status
        sim.advance(55.0)
        hub.check_deadlines()
        assert (await _actions_until(ws, "refreshAuth"))[-1] == "refreshAuth"
        await ws.send(first)  # the same token: the same end
        assert await _actions_until(ws, "authSuccess") == ["authSuccess"]
        hub.check_deadlines()
        await ws.send(orjson.dumps({"type": "ping", "id": "p1"}))
        assert await _actions_until(ws, "pong") == ["pong"]  # no second warning
        await ws.send(auth(sim.issue_token(ttl=60.0).access_token))  # a later end
        assert await _actions_until(ws, "authSuccess") == ["authSuccess"]
        sim.advance(50.0)
        hub.check_deadlines()
        assert await _actions_until(ws, "refreshAuth") == ["refreshAuth"]  # warned of that one


async def test_revoked_token_is_replaced_then_revoked_grant_is_fatal(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    tokens = Tokens(sim)
    async with make_stream(sim, tokens, fake_time) as stream:
        quotes = stream.quotes()
        status = stream.status()
        sim.revoke_tokens()
        hub.check_deadlines()  # revoked: authExpired + close
        await until(lambda: stream.reconnects == 1 and stream.connected)
        assert tokens.invalidated == 1  # refused once, fresh token, connected
        tokens.grant_revoked = True
        sim.revoke_tokens()
        hub.check_deadlines()
        with pytest.raises(StreamAuthError):
            await take(quotes, 1)
        changes: list[Any] = []

        async def drain() -> None:
            async for change in status:
                changes.append(change)

        with pytest.raises(StreamAuthError):  # the status iterator delivers, then raises
            await drain()
        assert isinstance(changes[-1], StreamDisconnected)
        assert not changes[-1].will_reconnect
    assert own_tasks() == []


async def test_a_fatal_error_reaches_each_consumer_with_its_own_traceback(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    # Every consumer raises the stream's one error: each with the frames of its own raise,
    # not with those of every consumer that raised it before (its traceback grew each time).
    tokens = Tokens(sim)
    async with make_stream(sim, tokens, fake_time) as stream:
        consumers = [stream.quotes() for _ in range(5)]
        tokens.grant_revoked = True
        sim.revoke_tokens()
        hub.check_deadlines()
        depths = []
        for consumer in consumers:
            with pytest.raises(StreamAuthError) as raised:
                await take(consumer, 1)
            depths.append(len(traceback.extract_tb(raised.value.__traceback__)))
        assert len(set(depths)) == 1, depths
    assert own_tasks() == []


async def test_two_tokens_refused_in_a_row_for_reasons_of_their_own_do_not_end_it(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A revoked token (its session ends), then its two replacements revoked too before the
    stream could use them (the server revoked every token again): two refusals in a row, each
    of another token. The fourth token is good, and the stream goes on."""

    class RevokedAgain(Tokens):
        async def invalidate(self, token: str) -> None:
            await super().invalidate(token)
            if self.invalidated <= 2:
                self.sim.revoke_tokens()  # the fresh token dies before it is presented

    tokens = RevokedAgain(sim)
    async with make_stream(sim, tokens, fake_time) as stream:
        status = stream.status()
        sim.revoke_tokens()
        hub.check_deadlines()  # revoked: authExpired + close
        await until(lambda: stream.reconnects == 1 and stream.connected)
        assert tokens.invalidated == 3
        down, up = await take(status, 2)  # one outage: the revocation, then two refusals
        assert isinstance(down, StreamDisconnected) and "authExpired" in down.reason
        assert isinstance(up, StreamConnected) and up.failed_attempts == 2
    assert own_tasks() == []


async def test_refused_credentials_raise_on_enter(sim: Simulator, fake_time: FakeTime) -> None:
    async def bad_token() -> str:
        return "not-a-token"

    stream = MarketStream(
        sim.market_ws_url, bad_token, sleep=fake_time.sleep, monotonic=fake_time.clock
    )
    with pytest.raises(StreamAuthError):
        async with stream:
            pass
    assert own_tasks() == []


async def test_slow_consumer_on_many_symbols_is_bounded_fast_one_gets_all(
    sim: Simulator, fake_time: FakeTime
) -> None:
    symbols = [info.symbol for info in sim.feed.symbols][:1000]
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        slow = stream.quotes(buffer=100)
        fast = stream.quotes()
        received = 0

        async def drain() -> None:
            nonlocal received
            async for _ in fast:
                received += 1

        reader = asyncio.create_task(drain())
        await stream.subscribe(symbols, channels=["quotes"])
        await subscribed(stream, *symbols)
        expected = len(symbols)  # one snapshot per symbol, then one per step
        for _ in range(5):
            expected += sim.advance(0.5)

            def all_received(count: int = expected) -> bool:
                return received == count

            await until(all_received, timeout=20)
        assert slow.pending <= 100 + len(symbols)
        assert slow.conflated >= expected - slow.pending - 100
        reader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reader


async def test_cancelled_consumer_and_context_exit_tear_down_cleanly(
    sim: Simulator, fake_time: FakeTime
) -> None:
    stream = make_stream(sim, Tokens(sim), fake_time)
    async with stream:
        await stream.subscribe("AAPL", channels=["quotes"])
        await subscribed(stream, "AAPL")

        seen = {"cancelled": 0, "survivor": 0}

        async def consume(name: str) -> int:
            async with stream.quotes() as quotes:
                async for _ in quotes:
                    seen[name] += 1
            return seen[name]

        cancelled = asyncio.create_task(consume("cancelled"))
        survivor = asyncio.create_task(consume("survivor"))
        await until(lambda: stream.consumers == 2)
        sim.advance(1.0)
        await until(lambda: seen["cancelled"] >= 1 and seen["survivor"] >= 1)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        assert stream.consumers == 1
        abandoned = stream.quotes()  # a plain iterator that is dropped is unregistered too
        assert stream.consumers == 2
        del abandoned
        gc.collect()
        assert stream.consumers == 1
        sim.advance(1.0)
        await until(lambda: seen["survivor"] >= 2)
    assert await asyncio.wait_for(survivor, 1) >= 2  # ended normally by the exit
    assert own_tasks() == []


async def test_one_frame_of_data_and_control_is_delivered_in_order_and_merged(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    def partial_quote(bid: float) -> str:
        payload = {"action": "update", "type": "quote", "symbol": "AAPL", "data": {"bidPrice": bid}}
        return orjson.dumps({"type": "event", "payload": payload}).decode()

    tokens = Tokens(sim)
    async with make_stream(sim, tokens, fake_time) as stream:
        await stream.subscribe("AAPL", channels=["quotes"])
        await subscribed(stream, "AAPL")
        snapshot = stream.latest("AAPL")
        assert snapshot is not None and snapshot.ask_price is not None
        quotes = stream.quotes()
        # The re-authentication stays unanswered: no resubscription, whose snapshot would
        # replace the merged quote.
        sim.faults.ws_auth_unanswered = True
        # Queued together, so the simulator sends them as one frame: data, refreshAuth, data.
        hub.inject(partial_quote(1.25), "market")
        hub.refresh_auth("market")
        hub.inject(partial_quote(1.5), "market")
        got = await take(quotes, 2)
        assert [q.bid_price for q in got] == [Decimal("1.25"), Decimal("1.5")]
        await until(lambda: tokens.calls == 2)  # the refreshAuth between them was acted on
        latest = stream.latest("AAPL")
        assert latest is not None and latest.bid_price == Decimal("1.5")
        assert latest.ask_price == snapshot.ask_price  # partial updates merged into the snapshot


async def test_a_socket_from_another_opener_is_read_with_recv_in_the_same_order(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """An opener that does not build the FrameSocket it is asked for still gets a working
    stream, its socket read by a receiving task, across a reconnect."""

    def plain(uri: str, **kwargs: Any) -> Any:
        assert kwargs.pop("create_connection") is FrameSocket
        return ws_connect(uri, **kwargs)

    tokens = Tokens(sim)
    stream = MarketStream(
        sim.market_ws_url,
        tokens,
        config=FAST,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
        connect=plain,
    )
    async with stream:
        assert any(t.get_name() == "aries-market-receive" for t in own_tasks())
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await subscribed(stream, "AAPL")
        hub.inject('{"type":"brandNew","payload":{"n":1}}\n{"type":"brandNew","payload":{"n":2}}')
        hub.inject('{"type":"brandNew","payload":{"n":3}}')
        unknown: list[UnknownEvent] = []
        async with asyncio.timeout(5):
            async for event in events:
                if isinstance(event, UnknownEvent):
                    unknown.append(event)
                    if len(unknown) == 3:
                        break
        assert [e.raw["payload"]["n"] for e in unknown] == [1, 2, 3]
        sim.faults.ws_drop_after = 8  # counted from the session's first line (authSuccess)
        sim.advance(1.0)  # two steps: the socket's 7th and 8th lines, then it is dropped
        await until(lambda: stream.reconnects == 1)
        sim.faults.ws_drop_after = None
        await subscribed(stream, "AAPL")
        sim.advance(1.0)
        assert any(isinstance(e, QuoteUpdate) for e in await take(events, 3))


async def test_an_error_while_handling_a_frame_ends_the_consumers_with_it(
    sim: Simulator, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in handling a frame fails the stream (consumers raise) instead of leaving them
    waiting for updates that will never come."""

    def broken(self: MarketStream, messages: list[Any]) -> None:
        if any(isinstance(m, QuoteUpdate) for m in messages):
            raise RuntimeError("handler bug")

    monkeypatch.setattr(MarketStream, "on_messages", broken)
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        quotes = stream.quotes()
        await stream.subscribe("AAPL", channels=["quotes"])
        sim.advance(1.0)
        with pytest.raises(StreamClosedError, match="RuntimeError: handler bug"):
            await take(quotes, 1)
        assert not stream.connected


async def test_fractional_sizes_and_volumes_arrive_whole(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """Sizes and volumes are quantities: a server that sends fractions (fractional shares)
    must not see them cut to whole numbers; they are ``Decimal``, as prices are."""
    sent = {
        "quote": {"bidSize": 150.5, "askSize": "0.25"},
        "trade": {"size": 0.5, "totalVolume": "1234.5", "tickVolume": 2.75},
        "timeAndSales": {"price": "190.1", "size": "0.125"},
        "level2": {"orderBook": ["0.5:190.25:1.5"], "quotes": ["NSDQ:190.3:2.5:190.2:3.5"]},
    }
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes", "trades", "timeAndSales", "level2"])
        await subscribed(stream, "AAPL")
        for kind, data in sent.items():
            payload = {"action": "update", "type": kind, "symbol": "AAPL", "data": data}
            hub.inject(orjson.dumps({"type": "event", "payload": payload}).decode(), "market")
        got: dict[str, Any] = {}
        async with asyncio.timeout(5):
            async for item in events:  # the subscription's snapshots first, then what was sent
                if getattr(item, "data", None) in sent.values():
                    got[type(item).__name__] = item
                    if len(got) == len(sent):
                        break
    quote, trade = got["QuoteUpdate"], got["TradeUpdate"]
    assert (quote.bid_size, quote.ask_size) == (Decimal("150.5"), Decimal("0.25"))
    assert (trade.size, trade.volume, trade.tick_volume) == (
        Decimal("0.5"),
        Decimal("1234.5"),
        Decimal("2.75"),
    )
    assert got["TimeAndSalesUpdate"].size == Decimal("0.125")
    book = got["Level2Update"]
    assert [(r.ask_size, r.price, r.bid_size) for r in book.order_book] == [
        (Decimal("0.5"), Decimal("190.25"), Decimal("1.5"))
    ]
    assert [(q.ask_size, q.bid_size) for q in book.quotes] == [(Decimal("2.5"), Decimal("3.5"))]


def _silence_acks(sim: Simulator, how: str, silent: bool) -> None:
    if how == "fault":
        sim.faults.ws_market_unacknowledged = silent
    else:  # the older setting, for every socket
        sim.settings.ws_send_acks = not silent


@pytest.mark.parametrize("how", ["fault", "setting"])
async def test_a_server_that_does_not_acknowledge_still_sends_the_snapshots(
    sim: Simulator, fake_time: FakeTime, how: str
) -> None:
    _silence_acks(sim, how, silent=True)
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        quotes = stream.quotes()
        await stream.subscribe("AAPL", channels=["quotes"])
        # The snapshot comes in the frame that would carry the ack, after it.
        assert [q.symbol for q in await take(quotes, 1)] == ["AAPL"]
        assert stream.acknowledged == set()
        _silence_acks(sim, how, silent=False)  # at run time: the next subscribe is answered
        await stream.subscribe("MSFT", channels=["quotes"])
        await until(lambda: stream.acknowledged == {"MSFT"})


async def test_a_server_that_never_acknowledges_leaves_the_bookkeeping_bounded(
    sim: Simulator, fake_time: FakeTime
) -> None:
    # A bot subscribing and unsubscribing all day on a long-lived market socket whose server
    # never acknowledges: the subscription books' memory does not grow with the requests.
    sim.faults.ws_market_unacknowledged = True
    async with make_stream(sim, Tokens(sim), fake_time) as stream:
        quotes = stream.quotes()
        await stream.subscribe("AAPL", channels=["quotes"])
        await take(quotes, 1)  # the snapshot, in the frame that would carry the ack
        assert stream.acknowledged == set()
        assert await subscription_growth(stream, (subscriptions,)) < 4_096
        assert stream.acknowledged == set()
        sim.faults.ws_market_unacknowledged = False
        await stream.subscribe(["MSFT", "AAPL"])
        await until(lambda: stream.acknowledged == {"MSFT", "AAPL"})
