"""The official finance-dev SDK, unmodified, pointed at the simulator: its REST calls, and its
own websocket clients (market and charts), which subscribe to every channel the socket serves
and receive events that fit the SDK's typed models.

finance-dev authenticates with ``client_credentials`` (form body) through a hook that makes
blocking HTTP calls, so the simulator runs on its own thread here. The websocket tests use a
simulator of their own on a manual clock: prices move when the test advances it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from spec_check import official_client

from aries_async.sim import ManualClock
from aries_async.sim.threaded import ThreadedSimulator
from aries_async.sim.ws import hub_of

pytestmark = pytest.mark.finance_dev

ACCOUNT = "TEST-ACCOUNT-001"


@pytest.fixture(scope="module")
def sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=11) as running:
        yield running


def finance_dev_client(sim: ThreadedSimulator) -> Iterator[Any]:
    """finance-dev's client, signed in with ``client_credentials`` at ``sim``."""
    with official_client(sim) as client:
        yield client


@pytest.fixture
def sdk(sim: ThreadedSimulator) -> Iterator[Any]:
    yield from finance_dev_client(sim)


def test_accounts(sdk: Any, sim: ThreadedSimulator) -> None:
    before = sim.token_requests
    result = sdk.accounts.get_user_accounts().get_accounts_response
    ids = {a.trading_account_id: a.is_sim for a in result.accounts}
    assert ids == {ACCOUNT: False, "TEST-SIM-001": True}
    assert sim.token_requests >= before  # tokens come from our token endpoint


def test_balance(sdk: Any) -> None:
    balance = sdk.accounts.get_account_balance(id=ACCOUNT).account_balance_v2
    assert balance.account_id == ACCOUNT
    assert float(balance.cash_balance) > 0
    assert isinstance(balance.pending_orders_count, int)


def test_positions(sdk: Any) -> None:
    result = sdk.accounts.get_account_positions(id=ACCOUNT).get_positions_response
    aapl = [p for p in result.positions if p.symbol == "AAPL"]
    assert aapl
    assert aapl[0].quantity == "50"


def test_search_and_quotes(sdk: Any) -> None:
    found = sdk.market.search_market_symbols(query="AAP", limit=5).search_symbol_response
    assert found[0].symbol == "AAPL"
    assert len(found) <= 5
    by_name = sdk.market.search_market_symbols(query="Microsoft").search_symbol_response
    assert by_name[0].symbol == "MSFT"
    quotes = sdk.chart.get_quotes(symbols="AAPL,MSFT").quotes_response
    assert quotes.s == "ok"
    assert [item.n for item in quotes.d] == ["AAPL", "MSFT"]
    assert quotes.d[0].v.lp > 0


def test_place_list_and_cancel(sdk: Any, sim: ThreadedSimulator) -> None:
    last = sim.call(lambda: sim.simulator.feed.quote("AAPL")).last
    limit = f"{round(last * 0.8, 2):.2f}"
    placed = sdk.orders.place_order(
        request={
            "trading_account_id": ACCOUNT,
            "symbol": "AAPL",
            "side": "BUY",
            "type": "LIMIT",
            "qty": "3",
            "price": limit,
            "time_in_force": "DAY",
            "client_id": "fdev-test",
        }
    )
    ack = placed.ord_response
    assert ack.success is True
    assert ack.status == "NEW"
    page = sdk.orders.list_active_orders(id=ACCOUNT, limit=50).get_orders_v2_response
    mine = [o for o in page.orders or [] if o.cl_ord_id == ack.cl_ord_id]
    assert mine
    assert mine[0].client_id == "fdev-test"
    cancelled = sdk.orders.cancel_order(
        request={
            "orig_cl_ord_id": ack.cl_ord_id,
            "trading_account_id": ACCOUNT,
            "symbol": "AAPL",
            "side": "BUY",
        }
    )
    cancel = cancelled.cancel_ord_response
    assert cancel.success is True
    assert cancel.orig_cl_ord_id == ack.cl_ord_id
    order = sim.call(lambda: sim.simulator.state.order(ACCOUNT, ack.cl_ord_id))
    assert order.status == "CANCELED"


# -- its websocket clients, unmodified ----------------------------------------------------------


async def _next_event(stream: Any, wanted: Any, timeout: float = 10.0) -> Any:
    """The payload of the next event for which ``wanted(payload)`` holds."""
    async with asyncio.timeout(timeout):
        async for message in stream:
            payload = getattr(message, "payload", None)
            if isinstance(payload, dict) and wanted(payload):
                return payload
    raise AssertionError("the stream ended")


async def test_its_account_client_subscribes_to_every_topic(
    sdk: Any, sim: ThreadedSimulator
) -> None:
    from finance_dev.websocket.models import account as wire

    token = sim.call(lambda: sim.simulator.issue_token().access_token)
    topics = hub_of(sim.simulator.app).topics
    now = sim.call(lambda: sim.simulator.clock.now())
    start = datetime.fromtimestamp(now - 60, UTC)
    connection = sdk.websocket.account.connect_async(access_token=token, url=sim.accounts_ws_url)
    async with connection as stream:
        # Each subscribe waits for the simulator's acknowledgement of its id.
        for account in (ACCOUNT, "TEST-SIM-001"):
            await stream.subscribe_account_async(account)
        await stream.subscribe_pnl_async(ACCOUNT, start, interval="1m")
        await stream.subscribe_watchlist_async()
        await stream.subscribe_news_async(symbols=["AAPL"])
        snapshots = set()
        for _ in range(2):
            payload = await _next_event(stream, lambda p: p.get("topic") == "account")
            snapshot = wire.AccountSnapshot.model_validate(payload["data"])
            snapshots.add(snapshot.account["accountId"])
        assert snapshots == {ACCOUNT, "TEST-SIM-001"}
        pnl = wire.PnlEvent.model_validate(
            await _next_event(stream, lambda p: p.get("topic") == "pnl")
        )
        assert pnl.data["accountId"] == ACCOUNT
        assert pnl.data["interval"] == "1m"
        sim.call(lambda: topics.watchlist_changed(ACCOUNT, {"id": 1, "symbols": ["AAPL"]}))
        watchlist = wire.TopicEvent.model_validate(
            await _next_event(stream, lambda p: p.get("topic") == "watchlist")
        )
        assert watchlist.data[0]["symbols"] == ["AAPL"]
        sim.call(lambda: topics.news("Apple ships", symbols=["AAPL"]))
        news = wire.TopicEvent.model_validate(
            await _next_event(stream, lambda p: p.get("topic") == "news")
        )
        assert news.data[0]["headline"] == "Apple ships"
        sim.call(lambda: topics.account_info(ACCOUNT))
        info = wire.AccountEvent.model_validate(
            await _next_event(stream, lambda p: p.get("name") == "account.info")
        )
        assert info.data["accountId"] == ACCOUNT
        for unsubscribe in (
            stream.unsubscribe_pnl_async(ACCOUNT),
            stream.unsubscribe_watchlist_async(),
            stream.unsubscribe_news_async(),
            stream.unsubscribe_account_async("TEST-SIM-001"),
        ):
            await unsubscribe


async def test_its_market_client_sends_socket_requests(sdk: Any, sim: ThreadedSimulator) -> None:
    from finance_dev.websocket.errors import WebSocketRequestError

    token = sim.call(lambda: sim.simulator.issue_token().access_token)
    connection = sdk.websocket.market.connect_async(access_token=token, url=sim.market_ws_url)
    async with connection as stream:
        answer = await stream.get_option_expiry_dates_async("AAPL")
        dates = answer["payload"]["data"]["expiryDates"]
        assert dates
        chain = await stream.get_option_contract_symbols_async("AAPL", dates[0])
        assert chain["payload"]["data"]["calls"][0]["symbol"].startswith("O:AAPL")
        with pytest.raises(WebSocketRequestError) as refused:
            await stream.get_option_expiry_dates_async("NOPE")
        assert refused.value.status == 404


# -- the websocket clients ----------------------------------------------------------------

OPTION = "AAPL260116C00230000"


@pytest.fixture(scope="module")
def ws_sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=11, clock=ManualClock(), tick_interval=None) as running:
        yield running


@pytest.fixture
def ws_sdk(ws_sim: ThreadedSimulator) -> Iterator[Any]:
    yield from finance_dev_client(ws_sim)


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


async def test_market_client_gets_every_channel(ws_sdk: Any, ws_sim: ThreadedSimulator) -> None:
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
    async with ws_sdk.websocket.market.connect_async(url=ws_sim.market_ws_url) as stream:
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
        advance(ws_sim, 2.0)
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


async def test_chart_client_gets_quotes_and_trades(ws_sdk: Any, ws_sim: ThreadedSimulator) -> None:
    from finance_dev.websocket.models import ChartEvent, TradingViewQuote, TradingViewTrade

    async with ws_sdk.websocket.chart.connect_async(url=ws_sim.charts_ws_url) as stream:
        assert stream.state == "READY"
        await stream.subscribe("AAPL")
        await stream.subscribe("AAPL", data_type="trades")
        await stream.subscribe(OPTION, symbol_type="option")

        def quoted(seen: list[dict[str, Any]]) -> set[str]:
            return {p["symbol"] for p in seen if isinstance(p["data"].get("v"), dict)}

        await events_until(stream, lambda seen: quoted(seen) == {"AAPL", OPTION})
        advance(ws_sim, 1.0)
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
