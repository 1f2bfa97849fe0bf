"""The description-driven answers: paging in the four styles, bad input, auth, route priority."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sim_http import SimApi
from yarl import URL

from aries_async.sim import Simulator
from aries_async.sim.middleware import MIDDLEWARES
from aries_async.sim.responses import CONTEXT_KEY, json_response
from aries_async.sim.routes_generic import PAGED_TOTAL, add_routes, generated_ids

TRADES = "/v1/stocks/trades"


async def _pages(api: SimApi, path: str, params: dict[str, str], step: Any) -> list[Any]:
    """Every page of a listing: ``step(body)`` gives the next request's params (None: done)."""
    pages: list[Any] = []
    while params is not None and len(pages) < 10:
        status, body = await api.call("GET", path, params=params)
        assert status == 200, body
        pages.append(body)
        params = step(body)
    return pages


async def test_next_url_pages_on_the_simulator_origin(api: SimApi, sim: Simulator) -> None:
    seen: list[str] = []

    def step(body: dict[str, Any]) -> dict[str, str] | None:
        url = body.get("nextUrl")
        if url is None:
            return None
        seen.append(url)
        assert url.startswith(sim.base_url + TRADES + "?")
        query = dict(URL(url).query)
        assert query["ticker"] == "AAPL" and query["limit"] == "10"
        return query

    pages = await _pages(api, TRADES, {"ticker": "AAPL", "limit": "10"}, step)
    assert [len(p["results"]) for p in pages] == [10, 10, PAGED_TOTAL - 20]
    stamps = [row["sipTimestamp"] for page in pages for row in page["results"]]
    assert len(set(stamps)) == PAGED_TOTAL == len(stamps)
    assert len(seen) == 2


async def test_short_pages_fault_keeps_the_continuation(api: SimApi, sim: Simulator) -> None:
    sim.faults.short_pages = 3

    def step(body: dict[str, Any]) -> dict[str, str] | None:
        url = body.get("nextUrl")
        return None if url is None else dict(URL(url).query)

    pages = await _pages(api, TRADES, {"ticker": "AAPL", "limit": "10"}, step)
    assert [len(p["results"]) for p in pages] == [3] * 8 + [1]
    stamps = {row["sipTimestamp"] for page in pages for row in page["results"]}
    assert len(stamps) == PAGED_TOTAL
    _, body = await api.call("GET", "/v1/analytics/insights", params={"pageSize": "10"})
    assert len(body["insights"]) == 10  # page numbers cannot continue a short page


async def test_page_numbers_end_on_a_short_page(api: SimApi) -> None:
    sizes = []
    for page in (0, 1, 2, 3):  # pages count from 0 (Faults.first_page)
        status, body = await api.call(
            "GET", "/v1/analytics/insights", params={"page": str(page), "pageSize": "10"}
        )
        assert status == 200
        sizes.append(len(body["insights"]))
    assert sizes == [10, 10, 5, 0]


async def test_next_page_tokens_run_out(api: SimApi) -> None:
    def step(body: dict[str, Any]) -> dict[str, str] | None:
        token = body.get("nextPage")
        return None if token is None else {"indexGroup": "US", "pageSize": "4", "nextPage": token}

    pages = await _pages(api, "/v1/indices/list", {"indexGroup": "US", "pageSize": "4"}, step)
    assert [len(p["indices"]) for p in pages] == [4, 2]  # the six indices, each once


async def test_an_unknown_paging_token_is_a_400(api: SimApi) -> None:
    status, body = await api.call("GET", TRADES, params={"ticker": "AAPL", "next": "bogus!"})
    assert status == 400
    assert body["error"]["type"] == "VALIDATION"
    assert body["error"]["details"] == {"field": "next"}


@pytest.fixture
async def bare(sim: Simulator) -> AsyncIterator[tuple[str, dict[str, str], web.Application]]:
    """A server with no explicit route: the generated layer answers every operation (the
    integer-cursor style is otherwise served by the explicit order routes)."""
    app = web.Application(middlewares=MIDDLEWARES)
    app[CONTEXT_KEY] = sim.context
    app.router.add_get("/v1/config/watchlist", _explicit)
    add_routes(app.router)
    async with TestServer(app, host="127.0.0.1") as server:
        token = sim.issue_token().authorization
        yield str(server.make_url("")), {"Authorization": token}, app


async def _explicit(request: web.Request) -> web.Response:
    return json_response({"watchlists": [], "explicit": True})


async def test_integer_cursor_ends_at_zero(
    bare: tuple[str, dict[str, str], web.Application], http: aiohttp.ClientSession
) -> None:
    base, headers, _ = bare
    cursor, sizes = "0", []
    while True:
        async with http.get(
            f"{base}/v2/accounts/A-1/orders",
            params={"limit": "10", "cursor": cursor},
            headers=headers,
        ) as resp:
            assert resp.status == 200
            body = await resp.json()
        sizes.append(len(body["orders"]))
        if body["nextCursor"] == 0:
            break
        cursor = str(body["nextCursor"])
    assert sizes == [10, 10, 5]


async def test_an_explicit_route_wins_over_the_description(
    bare: tuple[str, dict[str, str], web.Application], http: aiohttp.ClientSession, sim: Simulator
) -> None:
    base, headers, app = bare
    async with http.get(f"{base}/v1/config/watchlist", headers=headers) as resp:
        assert await resp.json() == {"watchlists": [], "explicit": True}
    assert generated_ids(app.router) == []  # every other operation is generated
    async with http.get(f"{base}/v1/chart/time", headers=headers) as resp:
        assert resp.content_type == "text/plain"
        assert int(await resp.text()) == int(sim.clock.now())


async def test_generated_ids_skip_registered_routes() -> None:
    router = web.UrlDispatcher()
    everything = generated_ids(router)
    router.add_post("/v1/predictions/orders", _explicit)
    assert len(everything) == 151
    assert set(everything) - set(generated_ids(router)) == {"placePredictionOrder"}


@pytest.mark.parametrize(
    ("path", "params", "code", "field"),
    [
        ("/v1/stock/earnings", {}, "MISSING_PARAMETER", "symbol"),
        ("/v1/stocks/aggs", {"ticker": "AAPL", "multiplier": "1", "timespan": "fortnight",
                             "from": "2025-12-01", "to": "2025-12-31"}, "INVALID_PARAMETER",
         "timespan"),
        ("/v1/calendars/earnings", {"from": "2025-13-45", "to": "2025-12-31"},
         "INVALID_PARAMETER", "from"),
        ("/v1/stocks/open-close", {"ticker": "AAPL", "date": "yesterday"}, "INVALID_PARAMETER",
         "date"),
        ("/v1/calendars/earnings", {"from": "2025-12-31", "to": "2025-12-01"}, "INVALID_RANGE",
         "from"),
    ],
)  # fmt: skip
async def test_bad_input_is_a_400_naming_the_field(
    api: SimApi, path: str, params: dict[str, str], code: str, field: str
) -> None:
    status, body = await api.call("GET", path, params=params)
    assert status == 400
    assert body["error"]["type"] == "VALIDATION"
    assert body["error"]["code"] == code
    assert body["error"]["details"] == {"field": field}
    assert body["error"]["request_id"].startswith("req-")


async def test_prediction_input_errors_use_the_prediction_envelope(api: SimApi) -> None:
    status, body = await api.call("POST", "/v1/predictions/orders", json={"symbol": "X"})
    assert status == 400
    assert body["success"] is False
    assert body["error"]["type"] == "bad_request"
    assert body["error"]["code"] == "INVALID_ORDER"  # the stateful route's documented code
    status, body = await api.call("POST", "/v1/predictions/historical-data/batch", data=b"{")
    assert status == 400
    assert body["error"]["code"] == "MALFORMED_JSON"
    assert body["error"]["type"] == "VALIDATION"


async def test_public_operations_need_no_token_and_the_others_do(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{sim.base_url}/v1/predictions/categories") as resp:
        assert resp.status == 200
        assert (await resp.json())["success"] is True
    async with http.get(f"{sim.base_url}/v1/stock/earnings", params={"symbol": "AAPL"}) as resp:
        assert resp.status == 401
        body = await resp.json()
        assert body["error"]["type"] == "AUTHENTICATION"
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")


async def test_clock_moves_the_answers_with_the_feed(api: SimApi, sim: Simulator) -> None:
    _, before = await api.call("GET", "/v1/stocks/last-trade", params={"ticker": "AAPL"})
    sim.advance(600)
    _, after = await api.call("GET", "/v1/stocks/last-trade", params={"ticker": "AAPL"})
    last = sim.feed.quote("AAPL").last
    assert before["results"]["sipTimestamp"] < after["results"]["sipTimestamp"]
    assert abs(after["results"]["price"] - last) / last < 0.02
