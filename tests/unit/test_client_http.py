"""The client at the transport seam (aioresponses): exact requests, retries, validation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
import pytest
from aioresponses import aioresponses
from yarl import URL

from aries_async import AriesClient, ClientConfig, OrderRequest, RetryPolicy, Token
from aries_async.errors import (
    BadRequestError,
    ConnectionFailedError,
    NotFoundError,
    OrderOutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from aries_async.http.retry import should_retry
from aries_async.models import CancelRequest, ReplaceRequest

BASE = "https://api.test"
ACCESS = "access-token-value-0123456789abcdef"


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def make_client(sleep: RecordingSleep | None = None, **config: Any) -> AriesClient:
    cfg = ClientConfig.for_base_url(BASE, client_id="cid", client_secret="csecret", **config)
    token = Token(access_token=ACCESS, expires_at=4e9, refresh_token="refresh-value-xyz")
    return AriesClient(cfg, token=token, sleep=sleep or RecordingSleep())


def sent(m: aioresponses, method: str, url: str) -> list[Any]:
    return [
        call
        for key, calls in m.requests.items()
        if key[0] == method and str(key[1]).split("?")[0] == url
        for call in calls
    ]


def body_of(call: Any) -> Any:
    data = call.kwargs.get("data")
    return orjson.loads(data) if isinstance(data, bytes) else data


ACCOUNT = {
    "trading_account_id": "A1",
    "broker_account_id": "",
    "status": "OPEN",
    "is_sim": True,
    "account_type": "",
    "account_class": "",
}


@pytest.mark.parametrize(
    ("call", "method", "path", "query", "payload"),
    [
        (lambda c: c.accounts.list(), "GET", "/v2/users/me/accounts", {}, {"accounts": [ACCOUNT]}),
        (
            lambda c: c.accounts.balance("A 1"),
            "GET",
            "/v2/accounts/A%201/balance",
            {},
            {"accountId": "A 1", "cashBalance": "10.50"},
        ),
        (
            lambda c: c.accounts.positions("A1"),
            "GET",
            "/v1/accounts/A1/positions",
            {},
            {"positions": []},
        ),
        (
            lambda c: c.orders.active("A1"),
            "GET",
            "/v2/accounts/A1/orders",
            {"limit": "200"},
            {"orders": None, "nextCursor": 0},
        ),
        (
            lambda c: c.market.search("apple", limit=5),
            "GET",
            "/v1/marketdata/search",
            {"query": "apple", "limit": "5"},
            [],
        ),
        (
            lambda c: c.market.status(),
            "GET",
            "/v1/market/status",
            {"exchange": "US"},
            {"exchange": "US", "isOpen": True},
        ),
        (
            lambda c: c.market.holidays(),
            "GET",
            "/v1/market/holiday",
            {"exchange": "US"},
            {"holidays": []},
        ),
        (
            lambda c: c.market.bars("aapl", "D", 1000, 2000),
            "GET",
            "/v1/chart/history",
            {"symbol": "AAPL", "resolution": "D", "from": "1000", "to": "2000"},
            {"s": "no_data"},
        ),
        (lambda c: c.users.me(), "GET", "/v1/users/me", {}, {"id": 1, "email": "a@b.c"}),
    ],
)
async def test_get_endpoints_send_exact_path_and_query(
    call: Any, method: str, path: str, query: dict[str, str], payload: Any
) -> None:
    with aioresponses() as m:
        m.add(re.compile(re.escape(BASE + path) + r"(\?.*)?$"), method, payload=payload)
        async with make_client() as client:
            await call(client)
        (key,) = list(m.requests)
        url = URL(str(key[1]))
        assert url.raw_path == path
        assert dict(url.query) == query
        (req,) = m.requests[key]
        assert req.kwargs["headers"]["Authorization"] == f"Bearer {ACCESS}"


async def test_place_sends_camelcase_decimal_strings_and_a_client_id() -> None:
    ack = {"success": True, "clOrdId": "C1", "status": "NEW", "qty": "10"}
    with aioresponses() as m:
        m.post(BASE + "/v1/orders", payload=ack)
        async with make_client() as client:
            result = await client.orders.place(
                OrderRequest(
                    account_id="A1",
                    symbol="aapl",
                    side="BUY",
                    type="LIMIT",
                    qty=10,
                    price=Decimal("150.25"),
                    time_in_force="DAY",
                )
            )
        (req,) = sent(m, "POST", BASE + "/v1/orders")
    body = body_of(req)
    assert body["tradingAccountId"] == "A1"
    assert body["symbol"] == "AAPL"
    assert body["qty"] == "10" and body["price"] == "150.25"
    assert body["timeInForce"] == "DAY" and body["type"] == "LIMIT"
    assert "stopPrice" not in body and None not in body.values()
    assert re.fullmatch(r"aa-[0-9a-f]{32}", body["clientId"])
    assert result.cl_ord_id == "C1"


async def test_replace_cancel_preview_bodies() -> None:
    with aioresponses() as m:
        m.post(BASE + "/v1/orders/replace", payload={"success": True, "clOrdId": "C2"})
        m.post(BASE + "/v1/orders/cancel", payload={"success": True, "clOrdId": "C3"})
        m.post(BASE + "/v1/orders/preview", payload={"estimatedCost": "1.00", "numDayTrades": 0})
        async with make_client() as client:
            rep = await client.orders.replace(
                ReplaceRequest(
                    orig_cl_ord_id="C1", account_id="A1", symbol="AAPL", price=Decimal("151")
                )
            )
            can = await client.orders.cancel(
                CancelRequest(orig_cl_ord_id="C2", account_id="A1", symbol="AAPL", side="BUY")
            )
            pre = await client.orders.preview(
                OrderRequest(account_id="A1", symbol="AAPL", side="SELL", type="MARKET", qty="1")
            )
        assert body_of(sent(m, "POST", BASE + "/v1/orders/replace")[0]) == {
            "origClOrdId": "C1",
            "tradingAccountId": "A1",
            "symbol": "AAPL",
            "price": "151",
        }
        assert body_of(sent(m, "POST", BASE + "/v1/orders/cancel")[0]) == {
            "origClOrdId": "C2",
            "tradingAccountId": "A1",
            "symbol": "AAPL",
            "side": "BUY",
        }
        assert "clientId" not in body_of(sent(m, "POST", BASE + "/v1/orders/preview")[0])
    assert rep.cl_ord_id == "C2" and can.cl_ord_id == "C3"
    assert pre.estimated_cost == Decimal("1.00")


async def test_history_iterates_every_page() -> None:
    order = {"clOrdId": "X", "accountId": "A1", "symbol": "AAPL", "qty": "1"}
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with aioresponses() as m:
        pattern = re.compile(re.escape(BASE) + r"/v2/accounts/A1/orders/history\?.*")
        m.get(pattern, payload={"orders": [order, order], "nextCursor": 7})
        m.get(pattern, payload={"orders": [order], "nextCursor": 0})
        async with make_client() as client:
            orders = [
                o
                async for o in client.orders.history(
                    "A1", start, start + timedelta(days=2), order_by="asc"
                )
            ]
        calls = [URL(str(k[1])) for k, v in m.requests.items() for _ in v]
    assert len(orders) == 3
    assert {u.query.get("cursor") for u in calls} == {None, "7"}
    assert calls[0].query["from"] == "2026-11-01T00:00:00Z"
    assert calls[0].query["to"] == "2026-11-03T00:00:00Z"
    assert calls[0].query["order_by"] == "asc"


async def test_quotes_are_chunked_and_merged() -> None:
    def item(sym: str) -> dict[str, Any]:
        return {"n": sym, "s": "ok", "v": {"lp": 1.5, "bid": 1.4, "ask": 1.6}}

    symbols = [f"S{i}" for i in range(5)]
    with aioresponses() as m:
        pattern = re.compile(re.escape(BASE) + r"/v1/chart/quotes\?.*")
        m.get(pattern, payload={"s": "ok", "d": [item(s) for s in symbols[:2]]})
        m.get(pattern, payload={"s": "ok", "d": [item(s) for s in symbols[2:4]]})
        m.get(pattern, payload={"s": "ok", "d": [item(symbols[4])]})
        async with make_client(quote_chunk_size=2) as client:
            quotes = await client.market.quotes([*symbols, "s0"])
        asked = sorted(URL(str(k[1])).query["symbols"] for k, v in m.requests.items() for _ in v)
    assert asked == ["S0,S1", "S2,S3", "S4"]
    assert set(quotes) == set(symbols)
    assert quotes["S3"].last == Decimal("1.5")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.accounts.balance(""), "account_id"),
        (lambda c: c.market.search(""), "query"),
        (lambda c: c.market.search("a", limit=0), "limit"),
        (lambda c: c.market.bars("AAPL", "7", 1, 2), "resolution"),
        (lambda c: c.market.bars("AAPL", "D", datetime(2026, 1, 1), 2), "start"),
        (lambda c: c.market.bars("AAPL", "D", 5, 5), "end"),
        (lambda c: c.market.quotes([]), "symbols"),
        (lambda c: c.market.quotes(["AAPL", " "]), "symbol"),
        (lambda c: c.market.quotes(["AAPL,MSFT"]), "symbol"),
        (lambda c: c.market.quote("AAPL,MSFT"), "symbol"),
        (lambda c: c.orders.find_by_client_id("A1", ""), "client_id"),
    ],
)
async def test_bad_input_raises_before_sending(call: Any, field: str) -> None:
    with aioresponses() as m:
        async with make_client() as client:
            with pytest.raises(ValidationError) as info:
                await call(client)
        assert m.requests == {}
    assert info.value.field == field


async def test_history_window_checked_before_sending() -> None:
    with aioresponses() as m:
        async with make_client() as client:
            start = datetime(2026, 1, 1, tzinfo=UTC)
            with pytest.raises(ValidationError):
                client.orders.history("A1", start, start + timedelta(days=91))
            with pytest.raises(ValidationError):
                client.orders.history("A1", datetime(2026, 1, 1))
        assert m.requests == {}


NESTED_503 = {"error": {"type": "INTERNAL", "code": "UNAVAILABLE", "message": "down"}}


@pytest.mark.parametrize(
    ("failures", "expect_error", "attempts", "waits"),
    [
        ([dict(status=503, payload=NESTED_503)], None, 2, [0.5]),
        ([dict(status=500, body="")] * 2, None, 3, [0.5, 1.0]),
        ([dict(status=502), dict(status=504)], None, 3, [0.5, 1.0]),
        ([dict(status=408)], None, 2, [0.5]),
        ([dict(status=429, headers={"Retry-After": "3"})], None, 2, [3.0]),
        ([dict(status=429, headers={"Retry-After": "120"})], RateLimitError, 1, []),
        ([dict(status=503)] * 4, ServerError, 4, [0.5, 1.0, 2.0]),
        ([dict(exception=ConnectionResetError("reset"))], None, 2, [0.5]),
        ([dict(status=400, payload={"error": "bad", "codes": []})], BadRequestError, 1, []),
        ([dict(status=404, payload=NESTED_503)], NotFoundError, 1, []),
        (
            [
                dict(
                    status=403,
                    payload={
                        "error": {
                            "type": "AUTHORIZATION",
                            "code": "FORBIDDEN",
                            "message": "missing scope order:information",
                        }
                    },
                )
            ],
            PermissionDeniedError,
            1,
            [],
        ),
    ],
)
async def test_retry_table_for_idempotent_calls(
    failures: list[dict[str, Any]],
    expect_error: type[Exception] | None,
    attempts: int,
    waits: list[float],
) -> None:
    sleep = RecordingSleep()
    url = BASE + "/v2/users/me/accounts"
    with aioresponses() as m:
        for failure in failures:
            m.get(url, **failure)
        m.get(url, payload={"accounts": [ACCOUNT]})
        async with make_client(sleep, retry=RetryPolicy(jitter=0.0)) as client:
            if expect_error is None:
                accounts = await client.accounts.list()
                assert accounts[0].id == "A1"
            else:
                with pytest.raises(expect_error) as info:
                    await client.accounts.list()
                if isinstance(info.value, PermissionDeniedError):
                    assert info.value.missing_scope == "order:information"
        assert len(sent(m, "GET", url)) == attempts
    assert sleep.waits == waits


@pytest.mark.parametrize(
    "failure",
    [
        dict(status=503),
        dict(status=500, body=""),
        dict(exception=ConnectionResetError("x")),
        dict(exception=TimeoutError()),
    ],
)
async def test_place_is_never_retried_after_sending(failure: dict[str, Any]) -> None:
    sleep = RecordingSleep()
    with aioresponses() as m:
        m.post(BASE + "/v1/orders", **failure)
        m.post(BASE + "/v1/orders", payload={"success": True, "clOrdId": "DUP"})
        async with make_client(sleep) as client:
            req = OrderRequest(
                account_id="A1",
                symbol="AAPL",
                side="BUY",
                type="MARKET",
                qty=1,
                client_id="my-tag-1",
            )
            with pytest.raises(OrderOutcomeUnknownError) as info:
                await client.orders.place(req)
        assert len(sent(m, "POST", BASE + "/v1/orders")) == 1
    assert info.value.client_id == "my-tag-1" and info.value.account_id == "A1"
    assert sleep.waits == []


async def test_place_rejected_4xx_is_a_plain_api_error_not_unknown() -> None:
    with aioresponses() as m:
        m.post(BASE + "/v1/orders", status=429, headers={"Retry-After": "1"})
        async with make_client() as client:
            with pytest.raises(RateLimitError) as info:
                await client.orders.place(
                    OrderRequest(account_id="A1", symbol="AAPL", side="BUY", type="MARKET", qty=1)
                )
        assert len(sent(m, "POST", BASE + "/v1/orders")) == 1
    assert info.value.retry_after == 1.0


async def test_connection_refused_is_not_an_unknown_outcome() -> None:
    cfg = ClientConfig.for_base_url("http://127.0.0.1:9", retry=RetryPolicy(max_attempts=1))
    async with AriesClient(cfg, token=Token(access_token="x" * 30)) as client:
        with pytest.raises(ConnectionFailedError) as info:
            await client.orders.place(
                OrderRequest(account_id="A1", symbol="AAPL", side="BUY", type="MARKET", qty=1)
            )
    assert info.value.request_sent is False


async def test_place_is_retried_when_the_connection_could_not_be_opened() -> None:
    import types

    import aiohttp

    key = types.SimpleNamespace(host="127.0.0.1", port=9, ssl=None)
    refused = aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "refused"))  # type: ignore[arg-type]
    sleep = RecordingSleep()
    with aioresponses() as m:
        m.post(BASE + "/v1/orders", exception=refused)
        m.post(BASE + "/v1/orders", payload={"success": True, "clOrdId": "C1"})
        async with make_client(sleep, retry=RetryPolicy(jitter=0.0)) as client:
            ack = await client.orders.place(
                OrderRequest(account_id="A1", symbol="AAPL", side="BUY", type="MARKET", qty=1)
            )
        assert len(sent(m, "POST", BASE + "/v1/orders")) == 2
    assert ack.cl_ord_id == "C1" and len(sleep.waits) == 1


def test_only_a_connection_never_opened_is_retried_for_a_write() -> None:
    policy = RetryPolicy()
    never_sent = ConnectionFailedError("x", request_sent=False)
    maybe_sent = ConnectionFailedError("x")
    assert should_retry(never_sent, idempotent=False, policy=policy)
    assert not should_retry(maybe_sent, idempotent=False, policy=policy)
    assert should_retry(maybe_sent, idempotent=True, policy=policy)


async def test_chart_error_inside_200_maps_to_the_tree() -> None:
    from aries_async.errors import ResponseFormatError

    with aioresponses() as m:
        m.get(
            re.compile(re.escape(BASE) + r"/v1/chart/history\?.*"),
            payload={"s": "error", "errmsg": "bad symbol"},
        )
        async with make_client() as client:
            with pytest.raises(ResponseFormatError, match="bad symbol"):
                await client.market.bars("ZZZ", "D", 1, 2)
