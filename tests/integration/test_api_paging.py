"""The one pager in each of the API's four styles, against a small local server that pages the
way each style does (short pages that carry a continuation included), and the generated
methods' special cases: ``Idempotency-Key`` across retries, no token for reference data, a 403
that names the scope, the ``text/plain`` server time."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import BaseTestServer, TestServer

from aries_async import AriesClient, ClientConfig, RetryPolicy
from aries_async.auth.tokens import Token
from aries_async.errors import PaginationError, PermissionDeniedError
from aries_async.testing import RecordingSleep

ITEMS = [f"S{i}" for i in range(7)]


class Api:
    """The local server: a handler per route, and every request it got."""

    def __init__(self) -> None:
        self.seen: list[web.Request] = []
        self.fail_next: list[int] = []  # statuses to answer with before the real answer
        self.next_urls: list[str] = []  # the trades route's nextUrl, page after page
        self.server: BaseTestServer | None = None
        self.bodies: list[Any] = []
        self.stuck_token: str | None = None  # the index page that names itself as the next

    @property
    def origin(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def middleware_free(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(request)
        if self.fail_next:
            return web.json_response({"message": "busy"}, status=self.fail_next.pop(0))
        route = ROUTES[request.path]
        return await route(self, request)


def _page(request: web.Request) -> int:
    return int(request.query.get("page", "1"))


async def ratings(api: Api, request: web.Request) -> web.StreamResponse:
    """Page numbers: pages of ``pageSize`` (3 when not sent)."""
    size = int(request.query.get("pageSize", "3"))
    start = (_page(request) - 1) * size
    return web.json_response({"ratings": [{"id": s} for s in ITEMS[start : start + size]]})


async def trades(api: Api, request: web.Request) -> web.StreamResponse:
    """``nextUrl``: the next of ``api.next_urls`` after each page, two items a page."""
    index = len([r for r in api.seen if r.path == request.path]) - 1
    body: dict[str, Any] = {"results": [{"id": s} for s in ITEMS[index * 2 : index * 2 + 2]]}
    if index < len(api.next_urls):
        body["nextUrl"] = api.next_urls[index]
    return web.json_response(body)


async def indices(api: Api, request: web.Request) -> web.StreamResponse:
    """``nextPage`` tokens: a short page (one item) in the middle still carries one."""
    pages = {"": (ITEMS[0:2], "t2"), "t2": (ITEMS[2:3], "t3"), "t3": (ITEMS[3:5], "")}
    items, token = pages[request.query.get("nextPage", "")]
    if api.stuck_token is not None and request.query.get("nextPage") == api.stuck_token:
        token = api.stuck_token
    return web.json_response({"indices": [{"symbol": s} for s in items], "nextPage": token})


async def orders(api: Api, request: web.Request) -> web.StreamResponse:
    """int64 cursors: a short page (one order) carries a cursor; 0 ends."""
    pages = {"": (ITEMS[0:2], 7), "7": (ITEMS[2:3], 9), "9": (ITEMS[3:4], 0)}
    items, cursor = pages[request.query.get("cursor", "")]
    rows = [{"clOrdId": s, "accountId": "A", "symbol": "KO", "ordStatus": "NEW"} for s in items]
    return web.json_response({"orders": rows, "nextCursor": cursor})


PLACED = {
    "orderId": "P1",
    "accountId": "A1",
    "symbol": "KX-1",
    "side": "BUY",
    "orderType": "LIMIT",
    "timeInForce": "DAY",
    "outcome": "YES",
    "state": "WORKING",
    "quantity": "5",
    "workingQuantity": "5",
    "cumQty": "0",
    "leavesQty": "5",
    "avgPx": "0",
    "price": "0.4",
    "createdAt": "2026-01-15T15:00:00Z",
    "updatedAt": "2026-01-15T15:00:00Z",
}


async def place(api: Api, request: web.Request) -> web.StreamResponse:
    api.bodies.append(await request.json())
    return web.json_response({"success": True, "data": PLACED})


async def categories(api: Api, request: web.Request) -> web.StreamResponse:
    return web.json_response({"success": True, "data": {"categories": []}})


async def top_gainers(api: Api, request: web.Request) -> web.StreamResponse:
    return web.json_response({"message": "insufficient scope"}, status=403)


async def server_time(api: Api, request: web.Request) -> web.StreamResponse:
    return web.Response(text="1768489200\n", content_type="text/plain")


ROUTES = {
    "/v1/analytics/ratings": ratings,
    "/v1/stocks/trades": trades,
    "/v1/indices/list": indices,
    "/v2/accounts/A/orders": orders,
    "/v1/predictions/orders": place,
    "/v1/predictions/categories": categories,
    "/v1/equity/top-gainers": top_gainers,
    "/v1/chart/time": server_time,
}


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    state = Api()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", state.middleware_free)
    async with TestServer(app, host="127.0.0.1") as server:
        state.server = server
        yield state


@pytest.fixture
async def client(api: Api) -> AsyncIterator[AriesClient]:
    config = ClientConfig.for_base_url(api.origin, retry=RetryPolicy(jitter=0.0))
    token = Token(access_token="t" * 40)
    async with AriesClient(config, token=token, sleep=RecordingSleep()) as aries:
        yield aries


async def _collect(items: AsyncIterable[Any], into: list[Any]) -> None:
    async for item in items:
        into.append(item)


def _queries(api: Api, path: str) -> list[dict[str, str]]:
    return [dict(r.query) for r in api.seen if r.path == path]


# -- the four styles ---------------------------------------------------------------------


async def test_page_numbers_stop_on_a_short_page(api: Api, client: AriesClient) -> None:
    ids = [r.id async for r in client.analytics.ratings(page_size=2)]
    assert ids == ITEMS
    pages = [q.get("page") for q in _queries(api, "/v1/analytics/ratings")]
    # This server counts from 1: page 1 is the first page again, skipped; then 2+2+1 (the
    # fourth page is short, so the last)
    assert pages == [None, "1", "2", "3", "4"]


async def test_awaited_a_paged_method_gives_one_page(api: Api, client: AriesClient) -> None:
    api.next_urls = [f"{api.origin}/v1/stocks/trades?cursor=p2"]
    page = await client.stocks.trades("AAPL", limit=2)
    assert [t.id for t in page.results] == ITEMS[:2]
    assert page.next_url == api.next_urls[0] and len(api.seen) == 1


async def test_page_numbers_start_where_asked_and_stop_on_an_empty_page(
    api: Api, client: AriesClient
) -> None:
    ids = [r.id async for r in client.analytics.ratings(page=2)]  # no size: until empty
    assert ids == ITEMS[3:]
    assert [q.get("page") for q in _queries(api, "/v1/analytics/ratings")] == ["2", "3", "4"]


async def test_next_urls_are_followed_short_pages_included(api: Api, client: AriesClient) -> None:
    api.next_urls = [
        f"{api.origin}/v1/stocks/trades?cursor=p2",
        "/v1/stocks/trades?cursor=p3",  # relative to the base URL
        f"{api.origin}/v1/stocks/trades?cursor=p4",
    ]
    ids = [t.id async for t in client.stocks.trades("AAPL", limit=2)]
    assert ids == ITEMS
    assert _queries(api, "/v1/stocks/trades") == [
        {"ticker": "AAPL", "limit": "2"},
        {"cursor": "p2"},
        {"cursor": "p3"},
        {"cursor": "p4"},
    ]


@pytest.mark.parametrize("blank", ["", " ", "\t\n "])
async def test_a_blank_next_url_ends_the_paging(api: Api, client: AriesClient, blank: str) -> None:
    api.next_urls = [f"{api.origin}/v1/stocks/trades?cursor=p2", blank]
    ids = [t.id async for t in client.stocks.trades("AAPL", limit=2)]
    assert ids == ITEMS[:4]
    assert len(_queries(api, "/v1/stocks/trades")) == 2


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/v1/stocks/trades?cursor=p2",
        "http://user@{origin}/v1/x",
        "{origin_s}/x",
    ],
)
async def test_a_next_url_off_the_api_origin_is_not_followed(
    api: Api, client: AriesClient, elsewhere: str
) -> None:
    api.next_urls = [
        elsewhere.format(
            origin=api.origin.split("//")[1], origin_s=api.origin.replace("http", "https")
        )
    ]
    seen: list[Any] = []
    with pytest.raises(PaginationError, match="not on the API's origin"):
        await _collect(client.stocks.trades("AAPL"), seen)
    assert len(seen) == 2 and len(api.seen) == 1  # the first page only; nothing sent elsewhere


async def test_a_next_url_sent_twice_ends_the_loop(api: Api, client: AriesClient) -> None:
    again = f"{api.origin}/v1/stocks/trades?cursor=p2"
    api.next_urls = [again, again]
    with pytest.raises(PaginationError, match="sent before"):
        [t async for t in client.stocks.trades("AAPL")]


async def test_next_page_tokens_are_sent_back_until_empty(api: Api, client: AriesClient) -> None:
    symbols = [i.symbol async for i in client.indices.list("Equity", page_size=2)]
    assert symbols == ITEMS[:5]
    tokens = [q.get("nextPage") for q in _queries(api, "/v1/indices/list")]
    assert tokens == [None, "t2", "t3"]  # the short page carried "t3": it was followed


async def test_a_token_naming_the_page_the_loop_started_from_ends_it(
    api: Api, client: AriesClient
) -> None:
    api.stuck_token = "t2"
    seen: list[Any] = []
    with pytest.raises(PaginationError, match="sent before"):
        await _collect(client.indices.list("Equity", next_page="t2"), seen)
    assert [i.symbol for i in seen] == ITEMS[2:3]  # once: its page is not fetched again
    assert [q.get("nextPage") for q in _queries(api, "/v1/indices/list")] == ["t2"]


async def test_int64_cursors_are_followed_until_0(api: Api, client: AriesClient) -> None:
    found = await client.orders.active("A", page_size=2)
    assert [o.cl_ord_id for o in found] == ITEMS[:4]
    assert [q.get("cursor") for q in _queries(api, "/v2/accounts/A/orders")] == [None, "7", "9"]


# -- special operations -------------------------------------------------------------------


async def test_a_prediction_order_keeps_its_idempotency_key_across_retries(
    api: Api, client: AriesClient
) -> None:
    api.fail_next = [503, 502]
    order: dict[str, Any] = {
        "account_id": "A1",
        "order_type": "LIMIT",
        "outcome": "YES",
        "quantity": Decimal(5),
        "side": "BUY",
        "symbol": "KX-1",
        "time_in_force": "DAY",
        "price": Decimal("0.4"),
    }
    placed = await client.predictions.orders.place(**order)
    await client.predictions.orders.place(**order)
    await client.predictions.orders.place(**order, idempotency_key="mine-1")
    assert placed.success is True and placed.data is not None
    assert (placed.data.quantity, placed.data.leaves_quantity) == (Decimal(5), Decimal(5))
    keys = [r.headers.get("Idempotency-Key") for r in api.seen]
    assert len(keys) == 5 and keys[0] == keys[1] == keys[2]  # two retries, one key
    assert keys[3] not in (None, keys[0]) and keys[4] == "mine-1"
    assert api.bodies[0]["quantity"] == "5" and api.bodies[0]["price"] == "0.4"


async def test_reference_data_goes_without_the_token(api: Api, client: AriesClient) -> None:
    await client.predictions.markets.categories()
    with pytest.raises(PermissionDeniedError):
        await client.analytics.top_gainers()
    assert [r.headers.get("Authorization") for r in api.seen] == [None, "Bearer " + "t" * 40]


async def test_a_403_names_the_scope_and_the_method(client: AriesClient) -> None:
    with pytest.raises(PermissionDeniedError) as raised:
        await client.analytics.top_gainers(limit=5)
    message = str(raised.value)
    assert "analytics.top_gainers() needs the scope market:information" in message
    assert raised.value.status == 403
    assert list(raised.value.required_scopes) == ["market:information"]


async def test_the_chart_server_time_is_an_aware_datetime(client: AriesClient) -> None:
    assert await client.chart.server_time() == datetime(2026, 1, 15, 15, tzinfo=UTC)
