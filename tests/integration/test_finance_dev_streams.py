"""The official finance-dev SDK's own websocket clients, unmodified, against the simulator's
sockets: they authenticate, subscribe to every channel the socket serves and receive events
that fit the SDK's own typed models.

The simulator runs on its own thread (finance-dev's token provider makes its own HTTP calls)
on a manual clock: prices move when the test advances it, never by waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from aries_async.sim import ManualClock
from aries_async.sim.threaded import ThreadedSimulator

pytestmark = pytest.mark.finance_dev

OPTION = "AAPL260116C00230000"


@pytest.fixture(scope="module")
def sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=11, clock=ManualClock(), tick_interval=None) as running:
        yield running


@pytest.fixture
def sdk(sim: ThreadedSimulator) -> Iterator[Any]:
    finance_dev = pytest.importorskip("finance_dev")
    from finance_dev import models

    security = models.Security(
        client_id=sim.client_id, client_secret=sim.client_secret, token_url=sim.token_url
    )
    with finance_dev.FinanceDev(security=security, server_url=sim.base_url) as client:
        yield client


def advance(sim: ThreadedSimulator, seconds: float) -> None:
    sim.call(lambda: sim.simulator.advance(seconds))


async def events_until(stream: Any, done: Any, limit: int = 200) -> list[dict[str, Any]]:
    """The payloads of the stream's event messages until ``done(payloads)`` holds."""
    from finance_dev.websocket.models import EventMessage

    payloads: list[dict[str, Any]] = []
    async with asyncio.timeout(10):
        while not done(payloads) and len(payloads) < limit:
            message = await stream.get_event()
            if isinstance(message, EventMessage):
                payloads.append(message.payload)
    return payloads


async def test_market_client_gets_every_channel(sdk: Any, sim: ThreadedSimulator) -> None:
    from finance_dev.websocket.models import (
        GreeksData,
        Level2Data,
        MarketSubscription,
        QuoteData,
        TimeAndSalesData,
        TradeData,
    )

    models: dict[str, Any] = {
        "quote": QuoteData,
        "trade": TradeData,
        "level2": Level2Data,
        "timeAndSales": TimeAndSalesData,
        "greeks": GreeksData,
    }
    async with sdk.websocket.market.connect_async(url=sim.market_ws_url) as stream:
        assert stream.state == "READY"
        await stream.subscribe(
            [
                MarketSubscription.model_validate(
                    {
                        "symbol": "AAPL",
                        "quoteFields": "*",
                        "tradeFields": "*",
                        "level2": True,
                        "timeAndSales": True,
                    }
                ),
                MarketSubscription.model_validate(
                    {"symbol": OPTION, "symbolType": "option", "greeksFields": "*"}
                ),
            ]
        )
        await events_until(stream, lambda seen: any(p.get("type") == "greeks" for p in seen))
        advance(sim, 2.0)
        payloads = await events_until(
            stream, lambda seen: set(models) <= {p.get("type") for p in seen}
        )
        typed = {p["type"]: models[p["type"]].model_validate(p["data"]) for p in payloads}
        assert set(typed) == set(models)
        assert typed["quote"].bid_price < typed["quote"].ask_price
        assert typed["trade"].last_price > 0
        assert typed["level2"].order_book
        assert float(typed["timeAndSales"].price) > 0
        assert typed["greeks"].model_dump().get("delta") is not None


async def test_chart_client_gets_quotes_and_trades(sdk: Any, sim: ThreadedSimulator) -> None:
    from finance_dev.websocket.models import ChartEvent, TradingViewQuote, TradingViewTrade

    async with sdk.websocket.chart.connect_async(url=sim.charts_ws_url) as stream:
        assert stream.state == "READY"
        await stream.subscribe("AAPL")
        await stream.subscribe("AAPL", data_type="trades")
        await stream.subscribe(OPTION, symbol_type="option")

        def quoted(seen: list[dict[str, Any]]) -> set[str]:
            return {p["symbol"] for p in seen if isinstance(p["data"].get("v"), dict)}

        await events_until(stream, lambda seen: quoted(seen) == {"AAPL", OPTION})
        advance(sim, 1.0)
        payloads = await events_until(
            stream, lambda seen: any("t" in p["data"] for p in seen) and len(quoted(seen)) == 2
        )
        events = [ChartEvent.model_validate(p) for p in payloads]
        quotes = [
            (e.symbol, TradingViewQuote.model_validate(e.data))
            for e in events
            if isinstance(e.data.get("v"), dict)
        ]
        trades = [TradingViewTrade.model_validate(e.data) for e in events if "t" in e.data]
        assert {symbol for symbol, _ in quotes} == {"AAPL", OPTION}
        for symbol, quote in quotes:
            assert quote.status == "ok" and quote.name == symbol
            assert quote.values is not None and (quote.values.last_price or 0) > 0
        assert trades and all((t.last_price or 0) > 0 and (t.volume or 0) > 0 for t in trades)
        assert all(isinstance(t.timestamp, int) for t in trades)
        await stream.unsubscribe("AAPL")
