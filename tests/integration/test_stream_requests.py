"""Requests over the market socket (expiry dates, contract symbols, equity snapshot) against
the simulator: typed results, typed errors, the timeout, a socket drop in flight, and refusals
by an ``error`` event wherever its id is or without one (``ws_error_id``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest
from stream_helpers import FakeTime, Tokens, until

from aries_async.errors import (
    StreamClosedError,
    StreamRequestError,
    StreamRequestInterrupted,
    StreamRequestTimeout,
    ValidationError,
)
from aries_async.models.events import ServerErrorMessage, StreamConnected, StreamDisconnected
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.cli import add_arguments, build_faults
from aries_async.sim.routes_options import contracts_body, expiry_dates_body
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_faults import ERROR_ID_PLACES
from aries_async.streaming import MarketStream, StreamConfig
from aries_async.streaming.protocol import Channel

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=3, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.fixture
async def stream(sim: Simulator, fake_time: FakeTime) -> AsyncIterator[MarketStream]:
    tokens = Tokens(sim)
    async with MarketStream(
        sim.market_ws_url,
        tokens,
        config=FAST,
        invalidate_token=tokens.invalidate,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    ) as opened:
        yield opened


@pytest.mark.parametrize("shape", ["data", "body", "flat"])
async def test_expiry_dates_and_contracts_are_typed_in_every_answer_shape(
    sim: Simulator, stream: MarketStream, shape: str
) -> None:
    sim.faults.ws_response_shape = shape
    dates = await stream.expiry_dates("aapl")
    wanted = expiry_dates_body(sim.context, "AAPL")["expiryDates"]
    assert [d.isoformat() for d in dates] == wanted
    assert all(type(d) is date for d in dates)
    chain = await stream.contract_symbols("AAPL", dates[0])
    body = contracts_body(sim.context, "AAPL", wanted[0])
    assert [c.symbol for c in chain.calls] == [c["symbol"] for c in body["calls"]]
    assert chain.puts[0].osi == body["puts"][0]["symbol"].removeprefix("O:")
    assert chain.expiry_date == dates[0]
    assert all(isinstance(c.strike_price, Decimal) for c in chain.calls)


async def test_equity_snapshot_follows_the_feed(sim: Simulator, stream: MarketStream) -> None:
    snap = await stream.equity_snapshot("msft")
    quote = sim.context.feed.quote("MSFT")
    assert snap.symbol == "MSFT"
    assert snap.quote.bid_price == Decimal(str(quote.bid))
    assert snap.trade.last_price == Decimal(str(quote.last))
    sim.advance(60)
    later = await stream.equity_snapshot("MSFT")
    assert later.trade.last_price == Decimal(str(sim.context.feed.quote("MSFT").last))


async def test_refusals_are_typed_errors_with_status_and_code(stream: MarketStream) -> None:
    with pytest.raises(StreamRequestError) as caught:
        await stream.expiry_dates("NOPE")
    assert caught.value.status == 404
    assert caught.value.code == "SYMBOL_NOT_FOUND"
    assert caught.value.request_id is not None
    with pytest.raises(StreamRequestError) as bad_path:
        await stream.request("GET", "/nothing/here")
    assert bad_path.value.status == 404
    assert stream.connected  # a refused request does not end the connection


async def test_bad_input_is_refused_before_anything_is_sent(
    hub: WsHub, stream: MarketStream
) -> None:
    for call in (
        stream.expiry_dates(""),
        stream.expiry_dates("AA/PL"),
        stream.contract_symbols("AAPL", "2026-01-16"),  # type: ignore[arg-type]
        stream.request("GET", "/options/AAPL/expiry-dates", timeout=0),
    ):
        with pytest.raises(ValidationError):
            await call
    assert hub.requests == 0


@pytest.mark.parametrize("timeout", [math.inf, -1.0, math.nan, True, "5"])
async def test_a_request_timeout_that_cannot_end_is_refused_unsent(
    hub: WsHub, stream: MarketStream, timeout: object
) -> None:
    """An endless wait (inf) or one of a bool is no timeout: refused as NaN is, naming it."""
    with pytest.raises(ValidationError, match=r"^timeout must be a finite number") as info:
        await stream.request("GET", "/options/AAPL/expiry-dates", timeout=timeout)  # type: ignore[arg-type]
    assert info.value.field == "timeout"
    assert hub.requests == 0


async def test_no_answer_times_out_on_the_stream_clock(
    sim: Simulator, hub: WsHub, stream: MarketStream, fake_time: FakeTime
) -> None:
    sim.faults.ws_ignore_requests = True
    task = asyncio.create_task(stream.expiry_dates("AAPL", timeout=3.0))
    await until(lambda: hub.requests == 1)
    fake_time.advance(2.9)
    await asyncio.sleep(0)
    assert not task.done()
    fake_time.advance(0.2)
    with pytest.raises(StreamRequestTimeout) as caught:
        await task
    assert isinstance(caught.value, TimeoutError)


async def test_a_get_in_flight_is_resent_once_after_a_reconnect(
    sim: Simulator, hub: WsHub, stream: MarketStream
) -> None:
    statuses = stream.status()
    sim.faults.ws_ignore_requests = True
    task = asyncio.create_task(stream.expiry_dates("AAPL"))
    await until(lambda: hub.requests == 1)
    sim.faults.ws_ignore_requests = False
    hub.drop("market")
    dates = await asyncio.wait_for(task, 5)
    assert dates and hub.requests == 2
    assert stream.reconnects == 1
    gap = [await statuses.__anext__(), await statuses.__anext__()]
    assert [type(e) for e in gap] == [StreamDisconnected, StreamConnected]


async def test_a_second_drop_or_a_non_get_fails_promptly(
    sim: Simulator, hub: WsHub, stream: MarketStream
) -> None:
    sim.faults.ws_ignore_requests = True
    resent = asyncio.create_task(stream.expiry_dates("AAPL"))
    posted = asyncio.create_task(stream.request("POST", "/options/AAPL/expiry-dates"))
    await until(lambda: hub.requests == 2)
    hub.drop("market")
    with pytest.raises(StreamRequestInterrupted):
        await asyncio.wait_for(posted, 5)  # not safe to resend: fails at the drop
    await until(lambda: hub.requests == 3)  # the GET went out again
    assert not resent.done()
    hub.drop("market")
    with pytest.raises(StreamRequestInterrupted):
        await asyncio.wait_for(resent, 5)


async def test_closing_the_stream_fails_the_requests_waiting(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    sim.faults.ws_ignore_requests = True
    tokens = Tokens(sim)
    stream = MarketStream(sim.market_ws_url, tokens, config=FAST, sleep=fake_time.sleep)
    async with stream:
        task = asyncio.create_task(stream.equity_snapshot("AAPL"))
        await until(lambda: hub.requests == 1)
    with pytest.raises(StreamClosedError):
        await task
    with pytest.raises(StreamClosedError):
        await stream.expiry_dates("AAPL")


def test_the_request_and_topic_switches_are_cli_flags() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = build_faults(parser.parse_args([]))
    assert (defaults.ws_ignore_requests, defaults.ws_response_shape) == (False, "data")
    assert defaults.ws_topic_shape == "sdk"
    args = ["--ws-ignore-requests", "--ws-response-shape", "flat", "--ws-topic-shape", "legacy"]
    faults = build_faults(parser.parse_args([*args, "--ws-watchlist-auto"]))
    assert faults.ws_watchlist_auto is True
    assert faults.ws_ignore_requests is True
    assert (faults.ws_response_shape, faults.ws_topic_shape) == ("flat", "legacy")
    with pytest.raises(SystemExit):
        parser.parse_args(["--ws-topic-shape", "xml"])


# -- refusals by an error event (websocket.md 2.6), wherever the id is, or without one ------------

NOT_ENTITLED = "not entitled to options data"


@pytest.mark.parametrize("place", ERROR_ID_PLACES)
async def test_a_refused_request_fails_at_once_wherever_the_id_is(
    place: str, sim: Simulator, hub: WsHub, stream: MarketStream
) -> None:
    """With the id in ``payload.id``, at the top level, in both or nowhere: the lone request
    in flight fails at once (no time passes) with the server's text, and the error still
    reaches the consumers."""
    sim.faults.ws_error_id = place
    sim.faults.ws_refused_requests = {"/options/*/expiry-dates": NOT_ENTITLED}
    events = stream.events()
    task = asyncio.create_task(stream.expiry_dates("AAPL"))
    await until(task.done)
    with pytest.raises(StreamRequestError) as caught:
        task.result()
    assert NOT_ENTITLED in str(caught.value)
    assert caught.value.request_id is not None
    await until(lambda: events.pending > 0)
    heard = [events.get_nowait() for _ in range(events.pending)]
    [error] = [e for e in heard if type(e) is ServerErrorMessage]
    assert error.error == NOT_ENTITLED
    assert (error.request_id is None) is (place == "none")
    snapshot = await stream.equity_snapshot("AAPL")  # another path is answered as before
    assert snapshot.symbol == "AAPL"
    assert stream.connected and hub.requests == 2


async def test_an_idless_refusal_among_several_requests_is_tied_to_none_and_said_once(
    sim: Simulator,
    hub: WsHub,
    stream: MarketStream,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two requests in flight, refusals without ids: either could be meant, so both wait
    (until their timeout here), and a log line says so once."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_refused_requests = {"/options/*": NOT_ENTITLED}
    caplog.set_level(logging.WARNING, logger="aries_async.streaming")
    first = asyncio.create_task(stream.expiry_dates("AAPL", timeout=3.0))
    second = asyncio.create_task(stream.expiry_dates("MSFT", timeout=3.0))
    await until(lambda: hub.requests == 2)
    sim.faults.ws_refused_requests = {}
    await stream.subscribe("KO", channels=["quotes"])  # a round trip: the refusals are read
    await until(lambda: "KO" in stream.acknowledged)
    assert not first.done() and not second.done()
    fake_time.advance(3.0)
    for task in (first, second):
        with pytest.raises(StreamRequestTimeout):
            await task
    told = [r for r in caplog.records if "without a request id" in r.getMessage()]
    assert len(told) == 1 and "2 requests" in told[0].getMessage()


async def test_an_idless_refusal_naming_a_subscribed_symbol_is_the_subscriptions(
    sim: Simulator, hub: WsHub, stream: MarketStream, fake_time: FakeTime
) -> None:
    """A refusal without an id that names the symbol of a subscribe awaiting its answer is
    that subscribe's: the one request in flight is not failed by it."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_ignore_requests = True
    sim.faults.ws_refused_channels = {"MSFT": frozenset({"trades"})}
    task = asyncio.create_task(stream.expiry_dates("AAPL", timeout=3.0))
    await until(lambda: hub.requests == 1)
    await stream.subscribe("MSFT", channels=["quotes", "trades"])
    await until(lambda: bool(stream.refused_channels))
    assert stream.refused_channels == {"MSFT": {Channel.TRADES: "not entitled to trades"}}
    assert not task.done()
    fake_time.advance(3.0)
    with pytest.raises(StreamRequestTimeout):
        await task


def _idless_error(text: str, symbols: list[str]) -> str:
    """An ``error`` event without an id, as the server's notices and refusals are sent."""
    payload = {"action": "error", "error": text, "symbols": symbols}
    return json.dumps({"type": "event", "payload": payload})


async def test_an_idless_notice_naming_only_other_symbols_fails_no_request(
    sim: Simulator, hub: WsHub, stream: MarketStream
) -> None:
    """An error without an id that names only symbols the lone request in flight does not
    hold (an unprompted notice: TSLA halted, while AAPL's expiry dates are asked for) cannot
    be its refusal: the request waits on, and the notice reaches the consumers. One that
    names the request's symbol still fails it."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_ignore_requests = True
    events = stream.events()
    task = asyncio.create_task(stream.expiry_dates("aapl"))
    await until(lambda: hub.requests == 1)
    assert hub.inject(_idless_error("trading halted", ["TSLA"]), "market") == 1
    await until(lambda: events.pending > 0)
    [notice] = [events.get_nowait() for _ in range(events.pending)]
    assert isinstance(notice, ServerErrorMessage) and notice.symbols == ("TSLA",)
    assert not task.done()
    assert hub.inject(_idless_error(NOT_ENTITLED, ["TSLA", "aapl"]), "market") == 1
    with pytest.raises(StreamRequestError, match=NOT_ENTITLED):
        await asyncio.wait_for(task, 5)


def test_the_refused_request_flag() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = ["--ws-refuse-request", "/options/*=no options", "--ws-refuse-request", "/equities/*"]
    faults = build_faults(parser.parse_args(args))
    assert faults.ws_refused_requests == {
        "/options/*": "no options",
        "/equities/*": "request refused",
    }
    with pytest.raises(SystemExit):
        parser.parse_args(["--ws-refuse-request", "options"])
