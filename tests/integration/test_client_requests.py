"""Exactly what the client sends, read from the simulator's journal of the requests it received:
paths, queries and bodies of every resource call, paging and chunking, and which failures are
retried (the ones the simulator can inject; the others are at the transport seam in
``tests/unit/test_client_http.py``)."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient, OrderRequest, RetryPolicy
from aries_async.errors import (
    NotFoundError,
    OrderOutcomeUnknownError,
    RateLimitError,
    ResponseFormatError,
)
from aries_async.models import CancelRequest, ReplaceRequest
from aries_async.sim import RateLimitFault, RecordedRequest, ServerErrorFault, Simulator
from aries_async.sim.context import JOURNAL_SIZE
from aries_async.testing import RecordingSleep

ACCOUNT = "TEST-SIM-001"
NOW = datetime(2026, 1, 15, 15, tzinfo=UTC)  # the manual clock's start


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def client(sim: Simulator, sleep: RecordingSleep) -> AsyncIterator[AriesClient]:
    config = sim.client_config(retry=RetryPolicy(jitter=0.0), quote_chunk_size=2)
    async with AriesClient(config, token=sim.issue_token(), sleep=sleep) as aries:
        yield aries


def sent(sim: Simulator, method: str, path: str) -> list[RecordedRequest]:
    return [r for r in sim.journal if r.method == method and r.raw_path == path]


def only_body(sim: Simulator, path: str) -> Any:
    """The JSON body of the one ``POST path`` the simulator received."""
    (request,) = sent(sim, "POST", path)
    return request.json()


def limit_order(**fields: Any) -> OrderRequest:
    values: dict[str, Any] = dict(
        account_id=ACCOUNT, symbol="AAPL", side="BUY", type="LIMIT", quantity=10, price="1.00"
    )
    return OrderRequest(**{**values, **fields})


@pytest.mark.parametrize(
    ("call", "path", "query"),
    [
        (lambda c: c.accounts.list(), "/v2/users/me/accounts", {}),
        (lambda c: c.accounts.balance("A 1/2"), "/v2/accounts/A%201%2F2/balance", {}),
        (lambda c: c.accounts.positions(ACCOUNT), f"/v1/accounts/{ACCOUNT}/positions", {}),
        (lambda c: c.orders.active(ACCOUNT), f"/v2/accounts/{ACCOUNT}/orders", {"limit": "200"}),
        (
            lambda c: c.market.search("apple", limit=5),
            "/v1/marketdata/search",
            {"query": "apple", "limit": "5"},
        ),
        (lambda c: c.market.status(), "/v1/market/status", {"exchange": "US"}),
        (lambda c: c.market.holidays(), "/v1/market/holiday", {"exchange": "US"}),
        (
            lambda c: c.market.bars("aapl", "D", 1768000000, 1768489200),
            "/v1/chart/history",
            {"symbol": "AAPL", "resolution": "D", "from": "1768000000", "to": "1768489200"},
        ),
        (lambda c: c.users.me(), "/v1/users/me", {}),
    ],
)
async def test_get_endpoints_send_exact_path_and_query(
    sim: Simulator,
    client: AriesClient,
    call: Callable[[AriesClient], Awaitable[Any]],
    path: str,
    query: dict[str, str],
) -> None:
    with contextlib.suppress(NotFoundError):  # the account "A 1/2" does not exist
        await call(client)
    (request,) = sim.journal
    assert (request.method, request.raw_path, request.params) == ("GET", path, query)
    assert sim.token_requests == 0  # the bearer token was accepted as sent


async def test_place_sends_camelcase_decimal_strings_and_a_client_id(
    sim: Simulator, client: AriesClient
) -> None:
    ack = await client.orders.place(
        limit_order(symbol="aapl", price=Decimal("150.25"), time_in_force="DAY")
    )
    (request,) = sent(sim, "POST", "/v1/orders")
    body = request.json()
    assert request.content_type == "application/json"
    assert body["tradingAccountId"] == ACCOUNT
    assert body["symbol"] == "AAPL"
    assert body["qty"] == "10" and body["price"] == "150.25"
    assert body["timeInForce"] == "DAY" and body["type"] == "LIMIT"
    assert "stopPrice" not in body and None not in body.values()
    assert re.fullmatch(r"aa-[0-9a-f]{32}", body["clientId"])
    assert ack.accepted and ack.cl_ord_id
    assert sim.state.order(ACCOUNT, ack.cl_ord_id).qty == Decimal(10)


async def test_replace_cancel_preview_bodies(sim: Simulator, client: AriesClient) -> None:
    placed = await client.orders.place(limit_order())
    assert placed.cl_ord_id is not None
    replaced = await client.orders.replace(
        ReplaceRequest(
            orig_cl_ord_id=placed.cl_ord_id, account_id=ACCOUNT, symbol="AAPL", price="1.5"
        )
    )
    assert replaced.cl_ord_id is not None
    cancelled = await client.orders.cancel(
        CancelRequest(
            orig_cl_ord_id=replaced.cl_ord_id, account_id=ACCOUNT, symbol="AAPL", side="BUY"
        )
    )
    preview = await client.orders.preview(
        OrderRequest(account_id=ACCOUNT, symbol="AAPL", side="SELL", type="MARKET", quantity="1")
    )
    common = {"tradingAccountId": ACCOUNT, "symbol": "AAPL"}
    replace = {**common, "origClOrdId": placed.cl_ord_id, "price": "1.5"}
    assert only_body(sim, "/v1/orders/replace") == replace
    cancel = {**common, "origClOrdId": replaced.cl_ord_id, "side": "BUY"}
    assert only_body(sim, "/v1/orders/cancel") == cancel
    assert "clientId" not in only_body(sim, "/v1/orders/preview")
    assert cancelled.accepted and preview.estimated_cost is not None
    assert len(sent(sim, "POST", "/v1/orders")) == 1


async def test_history_iterates_every_page(sim: Simulator, client: AriesClient) -> None:
    placed = [await client.orders.place(limit_order(price=f"1.0{i}")) for i in range(5)]
    start = NOW - timedelta(days=1)
    orders = [
        o
        async for o in client.orders.history(
            ACCOUNT, start, start + timedelta(days=2), order_by="asc", page_size=2
        )
    ]
    assert [o.cl_ord_id for o in orders] == [ack.cl_ord_id for ack in placed]
    pages = sent(sim, "GET", f"/v2/accounts/{ACCOUNT}/orders/history")
    assert [p.params.get("cursor") for p in pages] == [None, "2", "4"]
    assert {p.params["limit"] for p in pages} == {"2"}
    assert pages[0].params["from"] == "2026-01-14T15:00:00Z"
    assert pages[0].params["to"] == "2026-01-16T15:00:00Z"
    assert pages[0].params["order_by"] == "asc"


@pytest.mark.parametrize("seconds", [0.25, 30.5, 59.75])
async def test_history_without_an_end_holds_an_order_of_this_minute(
    sim: Simulator, seconds: float
) -> None:
    """The server's default end is now truncated to the minute (rest.md 5b): without an end
    of its own, the client sends now (rounded up to the second), so an order placed in the
    current minute is in the history."""
    sim.advance(seconds)
    config = sim.client_config()
    async with AriesClient(config, token=sim.issue_token(), wall_clock=sim.clock.now) as client:
        placed = await client.orders.place(limit_order())
        found = [o.cl_ord_id async for o in client.orders.history(ACCOUNT, NOW)]
    assert placed.cl_ord_id in found
    (page,) = sent(sim, "GET", f"/v2/accounts/{ACCOUNT}/orders/history")
    end = datetime.fromisoformat(page.params["to"])
    assert end == datetime.fromtimestamp(math.ceil(sim.clock.now()), UTC)


async def test_history_of_a_whole_window_without_an_end_ends_with_the_window(
    sim: Simulator,
) -> None:
    """A start 90 days back (the longest window) does not become a longer one by the end the
    client sends: the end is the window's."""
    sim.advance(30.5)
    start = datetime.fromtimestamp(sim.clock.now(), UTC) - timedelta(days=90)
    config = sim.client_config()
    async with AriesClient(config, token=sim.issue_token(), wall_clock=sim.clock.now) as client:
        assert [o async for o in client.orders.history(ACCOUNT, start)] == []
    (page,) = sent(sim, "GET", f"/v2/accounts/{ACCOUNT}/orders/history")
    assert datetime.fromisoformat(page.params["to"]) == start + timedelta(days=90)


async def test_quotes_are_chunked_and_merged(sim: Simulator, client: AriesClient) -> None:
    symbols = ["AAPL", "MSFT", "KO", "SPY", "IBM"]
    quotes = await client.market.quotes([*symbols, "aapl"])
    asked = sorted(r.params["symbols"] for r in sent(sim, "GET", "/v1/chart/quotes"))
    assert asked == ["AAPL,MSFT", "IBM", "KO,SPY"]  # chunks of 2, the duplicate dropped
    assert set(quotes) == set(symbols)
    assert quotes["KO"].last_price == sim.feed.quote("KO").last_price


async def test_a_snapshot_names_its_prices_as_the_clients_quote(
    sim: Simulator, client: AriesClient
) -> None:
    sim.advance(3 * 3600)  # hours of steps: open, high, low and last part ways
    snapshot = sim.feed.quote("KO")
    assert len({snapshot.open, snapshot.high, snapshot.low, snapshot.last}) == 4
    quote = await client.market.quote("KO")
    names = ("last_price", "bid_price", "ask_price", "open_price", "high_price", "low_price")
    for name in (*names, "previous_close_price"):
        assert getattr(quote, name) == getattr(snapshot, name), name
        assert type(getattr(snapshot, name)) is Decimal


@pytest.mark.parametrize(
    ("kind", "fault", "attempts", "waits"),
    [
        ("server_errors", ServerErrorFault(count=1, status=503), 2, [0.5]),
        ("server_errors", ServerErrorFault(count=2, status=500, empty_body=True), 3, [0.5, 1.0]),
        ("server_errors", ServerErrorFault(count=1, status=504), 2, [0.5]),
        ("rate_limit", RateLimitFault(count=1, retry_after=3), 2, [3.0]),
    ],
)
async def test_idempotent_calls_are_retried_with_backoff(
    sim: Simulator,
    client: AriesClient,
    sleep: RecordingSleep,
    kind: str,
    fault: ServerErrorFault | RateLimitFault,
    attempts: int,
    waits: list[float],
) -> None:
    getattr(sim.faults, kind)["GET /v2/users/me/accounts"] = fault
    accounts = await client.accounts.list()
    assert ACCOUNT in [a.id for a in accounts]
    assert len(sent(sim, "GET", "/v2/users/me/accounts")) == attempts
    assert sleep.waits == waits


async def test_a_not_found_is_not_retried(
    sim: Simulator, client: AriesClient, sleep: RecordingSleep
) -> None:
    with pytest.raises(NotFoundError):
        await client.accounts.balance("NO-SUCH-ACCOUNT")
    assert len(sim.journal) == 1 and sleep.waits == []


@pytest.mark.parametrize(
    "fault",
    [ServerErrorFault(count=1, status=503), ServerErrorFault(count=1, status=500, empty_body=True)],
)
async def test_place_is_never_retried_after_sending(
    sim: Simulator, client: AriesClient, sleep: RecordingSleep, fault: ServerErrorFault
) -> None:
    sim.faults.server_errors["POST /v1/orders"] = fault
    with pytest.raises(OrderOutcomeUnknownError) as info:
        await client.orders.place(limit_order(client_id="my-tag-1"))
    assert len(sent(sim, "POST", "/v1/orders")) == 1
    assert info.value.client_id == "my-tag-1" and info.value.account_id == ACCOUNT
    assert sleep.waits == []
    assert sim.state.find_by_client_id("my-tag-1") == []  # the fault answered for the book


async def test_place_refused_with_429_is_a_plain_api_error_not_unknown(
    sim: Simulator, client: AriesClient
) -> None:
    sim.faults.rate_limit["POST /v1/orders"] = RateLimitFault(count=1, retry_after=1)
    with pytest.raises(RateLimitError) as info:
        await client.orders.place(limit_order())
    assert len(sent(sim, "POST", "/v1/orders")) == 1
    assert info.value.retry_after == 1.0


async def test_chart_error_inside_200_maps_to_the_tree(sim: Simulator, client: AriesClient) -> None:
    with pytest.raises(ResponseFormatError, match="unknown symbol ZZZZZ"):
        await client.market.bars("ZZZZZ", "D", 1768000000, 1768489200)


async def test_the_journal_keeps_no_secret_and_is_bounded(sim: Simulator) -> None:
    async with AriesClient(sim.client_config()) as fresh:
        await fresh.oauth.client_credentials()  # sends the client secret
        await fresh.market.quote("AAPL")
    token, quote = sim.journal
    assert (token.method, token.raw_path) == ("POST", "/v1/oauth2/token")
    assert token.body == b""  # the client secret stays out
    assert token.content_type == "application/x-www-form-urlencoded"  # only the media type
    assert sim.client_secret not in repr(list(sim.journal))
    assert (quote.raw_path, quote.params) == ("/v1/chart/quotes", {"symbols": "AAPL"})
    assert sim.journal.maxlen == JOURNAL_SIZE
