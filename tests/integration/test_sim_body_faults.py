"""The simulator's misbehaving-body and paging faults, seen with a raw aiohttp client."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from sim_http import SimApi
from stream_helpers import until

from aries_async.sim import Simulator
from aries_async.sim.cli import add_arguments, build_faults

ACCOUNT = "TEST-SIM-001"
QUOTES = "/v1/chart/quotes?symbols=KO"


@pytest.fixture
async def http(sim: Simulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A raw session to ``sim`` sending an all-scope token (``SimApi``'s), for raw reads."""
    api = SimApi(sim, aiohttp.ClientSession(base_url=sim.base_url))
    async with api.session as session:
        session.headers.update(api.headers)
        yield session


@pytest.mark.parametrize("chunked", [False, True])
async def test_huge_body_pads_valid_json(
    sim: Simulator, http: aiohttp.ClientSession, chunked: bool
) -> None:
    sim.faults.huge_body["GET /v1/chart/quotes"] = 300_000
    sim.faults.huge_body_chunked = chunked
    async with http.get(QUOTES) as resp:
        body = await resp.read()
        length = resp.content_length
    assert len(body) == 300_000
    assert length == (None if chunked else 300_000)
    assert json.loads(body)["d"][0]["n"] == "KO"


@pytest.mark.parametrize("chunked", [False, True])
async def test_gzip_body_sends_a_small_download_that_decodes_large(
    sim: Simulator, http: aiohttp.ClientSession, chunked: bool
) -> None:
    sim.faults.gzip_body.add("GET /v1/chart/quotes")
    sim.faults.huge_body["GET /v1/chart/quotes"] = 300_000
    sim.faults.huge_body_chunked = chunked
    async with http.get(QUOTES, headers={"Accept-Encoding": "identity"}) as resp:
        encoding = resp.headers.get("Content-Encoding")
        length = resp.content_length
        body = await resp.read()  # decoded by aiohttp
    assert encoding == "gzip"
    assert length is None if chunked else length is not None and length < 3_000
    assert len(body) == 300_000
    assert json.loads(body)["d"][0]["n"] == "KO"


async def test_gzip_body_compresses_plain_and_trickled_answers(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.gzip_body.add("/v1/market/status")
    async with http.get("/v1/market/status", params={"exchange": "US"}) as plain:
        assert plain.headers.get("Content-Encoding") == "gzip"
        first = await plain.json()
    sim.faults.trickle_body["/v1/market/status"] = 0.0
    async with http.get("/v1/market/status", params={"exchange": "US"}) as trickled:
        assert trickled.headers.get("Content-Encoding") == "gzip"
        assert (await trickled.json())["exchange"] == first["exchange"] == "US"


async def test_trickle_body_sends_a_byte_at_a_time(
    sim: Simulator, http: aiohttp.ClientSession, loop_clock: Callable[[], float]
) -> None:
    sim.faults.trickle_body["/v1/market/status"] = 0.01
    started = loop_clock()
    async with http.get("/v1/market/status", params={"exchange": "US"}) as resp:
        sizes = [len(chunk) async for chunk in resp.content.iter_any()]
    assert sizes == [1] * len(sizes) and len(sizes) > 10  # byte after byte, not one body
    assert loop_clock() - started == pytest.approx(0.01 * (len(sizes) - 1))  # a gap apart


async def test_trickle_survives_a_client_that_gives_up(
    sim: Simulator,
    http: aiohttp.ClientSession,
    loop_clock: Callable[[], float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The client drops the connection mid-body: the trickle's next byte meets a closed
    connection, which is what the fault is for, not a server error; the next request is
    served."""
    gap = 0.05  # some 5 s for the whole body
    sim.faults.trickle_body["/v1/market/status"] = gap
    started = loop_clock()
    with pytest.raises(TimeoutError):
        async with http.get(
            "/v1/market/status",
            params={"exchange": "US"},
            timeout=aiohttp.ClientTimeout(total=0.1),
        ) as resp:
            await resp.read()
    assert loop_clock() - started == pytest.approx(0.1)  # the trickle never held the loop
    await until(lambda: sim.open_connections == 0)  # the server saw the connection go
    await asyncio.sleep(3 * gap)  # virtual: the next byte was due within one gap
    sim.faults.trickle_body.clear()
    async with http.get("/v1/market/status", params={"exchange": "US"}) as resp:
        assert resp.status == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_cycle_cursors_send_the_last_page_back_to_the_second(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    for i in range(5):
        sim.state.place(
            {
                "tradingAccountId": ACCOUNT,
                "symbol": "KO",
                "side": "BUY",
                "type": "LIMIT",
                "qty": "1",
                "price": f"1.0{i}",
                "timeInForce": "DAY",
            }
        )
    sim.faults.cycle_cursors = True
    path = f"/v2/accounts/{ACCOUNT}/orders"
    cursors = []
    cursor = 0
    for _ in range(4):
        async with http.get(path, params={"limit": "2", "cursor": str(cursor)}) as resp:
            cursor = (await resp.json())["nextCursor"]
            cursors.append(cursor)
    assert cursors == [2, 4, 2, 4]


def test_cli_flags_for_body_and_paging_faults() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(
        [
            "--trickle-body",
            "GET /v1/chart/quotes=0.5",
            "--huge-body",
            "*=1000000",
            "--huge-body-chunked",
            "--gzip-body",
            "GET /v1/chart/quotes",
            "--cycle-cursors",
            "--short-pages",
            "3",
            "--unknown-fields",
            "--malformed-amount",
            "GET /v1/accounts/A/positions=1.2.3",
            "--malformed-date",
            "GET /v1/marketdata/equities/details=TBD",
            "--wrap-answer",
            "GET /v1/accounts/{id}/positions=data",
        ]
    )
    faults = build_faults(args)
    assert faults.trickle_body == {"GET /v1/chart/quotes": 0.5}
    assert faults.huge_body == {"*": 1_000_000}
    assert faults.huge_body_chunked is True
    assert faults.gzip_body == {"GET /v1/chart/quotes"}
    assert faults.cycle_cursors is True
    assert faults.short_pages == 3
    assert faults.unknown_fields is True
    assert faults.malformed_amount == {"GET /v1/accounts/A/positions": "1.2.3"}
    assert faults.malformed_date == {"GET /v1/marketdata/equities/details": "TBD"}
    assert faults.wrap_answer == {"GET /v1/accounts/{id}/positions": "data"}


async def test_malformed_amount_spoils_one_number_of_the_last_item(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    route = "/v1/accounts/TEST-ACCOUNT-001/positions"
    async with http.get(route) as resp:
        before = (await resp.json())["positions"]
    sim.faults.malformed_amount[f"GET {route}"] = "1.2.3"
    async with http.get(route) as resp:
        assert resp.status == 200
        after = (await resp.json())["positions"]
    assert after[:-1] == before[:-1]
    changed = {k for k, v in after[-1].items() if v != before[-1][k]}
    assert changed == {"quantity"}
    assert after[-1]["quantity"] == "1.2.3"


async def test_malformed_date_spoils_one_date_of_the_last_item(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    details = "/v1/marketdata/equities/details?symbols=AAPL,MSFT"
    async with http.get(details) as resp:
        before = (await resp.json())["data"]
    sim.faults.malformed_date["GET /v1/marketdata/equities/details"] = "2026-13-45"
    async with http.get(details) as resp:
        assert resp.status == 200
        after = (await resp.json())["data"]
    assert after[:-1] == before[:-1]
    changed = {k for k, v in after[-1].items() if v != before[-1][k]}
    assert changed == {"high52WeekDate"}  # the first of its dates
    assert after[-1]["high52WeekDate"] == "2026-13-45"


async def test_malformed_date_looks_for_a_date_inside_the_last_item_too(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    # An order's only calendar day is in its legs (its other times are date-times).
    option = {"tradingAccountId": "TEST-ACCOUNT-001", "symbol": "AAPL260618C00180000"}
    order = {
        **option,
        "side": "BUY",
        "type": "LIMIT",
        "qty": "1",
        "price": "0.05",
        "timeInForce": "DAY",
    }
    async with http.post("/v1/orders", json=order) as resp:
        assert resp.status == 200, await resp.text()
    active = "/v2/accounts/TEST-ACCOUNT-001/orders"
    sim.faults.malformed_date[f"GET {active}"] = "TBD"
    async with http.get(active) as resp:
        (spoiled,) = (await resp.json())["orders"]
    assert spoiled["legs"][0]["maturity"] == "TBD"
    assert spoiled["createdAt"][:4].isdigit()  # a date-time is not a calendar day


async def test_wrap_answer_sends_the_answer_inside_an_object_under_its_key(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    path = "/v1/accounts/TEST-ACCOUNT-001/positions"
    async with http.get(path) as resp:
        plain = await resp.json()
    sim.faults.wrap_answer["GET /v1/accounts/{id}/positions"] = "data"
    async with http.get(path) as resp:
        assert resp.status == 200
        assert await resp.json() == {"data": plain}
    async with http.get("/v2/accounts/TEST-ACCOUNT-001/balance") as resp:
        assert "data" not in await resp.json()  # another route: as it was


async def test_answer_body_sends_the_bytes_given_and_still_serves_the_request(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    body = b'{"s":"ok","d":[{"n":"KO","s":"ok","v":{"lp":0.1234567890123456789}}]}'
    sim.faults.answer_body["GET /v1/chart/quotes"] = body
    async with http.get(QUOTES) as resp:
        assert resp.status == 200
        assert resp.content_type == "application/json"
        assert await resp.read() == body
    assert sim.requests[("GET", "/v1/chart/quotes")] == 1
