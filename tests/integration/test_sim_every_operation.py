"""Every operation of the API description has a simulated answer that fits its schema.

The module calls each of the 151 operations once (twice for determinism) with the arguments of
``op_args`` against one simulator, and checks each answer against the operation's JSON Schema
(``jsonschema``, formats checked); an operation without an answer fails here instead of
answering 404. The rest checks what the description-driven answers promise: plausible domain
values, determinism, paging in the four styles, error envelopes for bad input, auth.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import aiohttp
import jsonschema
import pytest
from op_args import ACCOUNT, BODIES, clock_values, op_by_id, wire_args

from aries_async.apispec import operations, schemas
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.routes_generic import described_routes

WRITES = ("POST", "PUT", "PATCH", "DELETE")


async def _call(
    http: aiohttp.ClientSession, op: dict[str, Any], path: str, query: dict[str, str], body: Any
) -> tuple[int, str, Any]:
    async with http.request(op["method"], path, params=query, json=body) as resp:
        if resp.content_type == "application/json":
            return resp.status, resp.content_type, await resp.json()
        return resp.status, resp.content_type, await resp.text()


async def _fresh(http: aiohttp.ClientSession, op_id: str) -> dict[str, dict[str, str]]:
    """Ids a call needs made just before it (also right against stateful watchlist and
    prediction-order routes, where a deleted watchlist is gone)."""
    if op_id in (
        "getConfigWatchlistById",
        "updateConfigWatchlistById",
        "deleteConfigWatchlistById",
    ):
        fresh = {**BODIES["createConfigWatchlist"], "name": f"For {op_id}"}  # names are unique
        async with http.post("/v1/config/watchlist", json=fresh) as resp:
            return {op_id: {"watchlist_id": str((await resp.json())["id"])}}
    if op_id == "getPredictionOrder":
        async with http.post("/v1/predictions/orders", json=BODIES["placePredictionOrder"]) as resp:
            return {op_id: {"orderId": (await resp.json())["data"]["orderId"]}}
    return {}


async def _collect() -> dict[str, Any]:
    async with Simulator(seed=5, clock=ManualClock(), tick_interval=None) as sim:
        headers = {"Authorization": sim.issue_token().authorization}
        async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as http:
            async with http.get("/v1/options/AAPL/expiry-dates") as resp:
                expiry = (await resp.json())["expiryDates"][0]
            placed = []
            for _ in range(2):  # one order to replace, one to cancel
                async with http.post("/v1/orders", json=BODIES["placeOrder"]) as resp:
                    placed.append((await resp.json())["clOrdId"])
            bodies = {
                "replaceOrder": {**BODIES["replaceOrder"], "origClOrdId": placed[0]},
                "cancelOrder": {**BODIES["cancelOrder"], "origClOrdId": placed[1]},
            }
            extra = clock_values(sim.clock.now(), expiry)
            first: dict[str, tuple[int, str, Any]] = {}
            again: dict[str, tuple[int, str, Any]] = {}
            for op in operations():
                extra.update(await _fresh(http, op["id"]))
                path, query, body = wire_args(op, extra)
                body = bodies.get(op["id"], body)
                first[op["id"]] = await _call(http, op, path, query, body)
                if op["method"] not in WRITES:
                    again[op["id"]] = await _call(http, op, path, query, body)
        prices = {s: sim.feed.quote(s).last for s in ("AAPL", "MSFT")}
        return {
            "first": first,
            "again": again,
            "prices": prices,
            "described": described_routes(sim.app.router),
            "base_url": sim.base_url,
        }


@pytest.fixture(scope="module")
def wire() -> dict[str, Any]:
    """The answers of every operation, from one simulator (the tests only read them)."""
    return asyncio.run(_collect())


def _validator(op: dict[str, Any]) -> Any:
    schema = {**op["response"]["schema"], "$defs": schemas()}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _carries_data(op: dict[str, Any], body: Any) -> bool:
    """A non-empty list (a paged answer's items), or an object with a field set."""
    paging = op["pagination"]
    if paging is not None:
        for key in paging["items"].split("."):
            body = body[key]
    if isinstance(body, list):
        return len(body) > 0
    return any(value not in (None, [], {}) for value in body.values())


def test_the_description_has_151_operations(wire: dict[str, Any]) -> None:
    assert len(operations()) == 151
    assert len(wire["first"]) == 151


@pytest.mark.parametrize("op_id", [op["id"] for op in operations()])
def test_every_operation_answers_its_schema_with_data(wire: dict[str, Any], op_id: str) -> None:
    op = op_by_id(op_id)
    status, content_type, body = wire["first"][op_id]
    assert 200 <= status < 300, (status, body)
    assert content_type == op["response"]["content_type"]
    if content_type == "text/plain":
        assert body.isdigit()
        return
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(op).iter_errors(body)]
    assert errors == []
    assert _carries_data(op, body)


def test_the_generated_routes_are_the_operations_without_a_route(wire: dict[str, Any]) -> None:
    generated = set(wire["described"].values())
    covered = {op["id"] for op in operations() if op["covered_by"]}
    assert covered.isdisjoint(generated)
    # 16 hand-typed operations and 8 more with explicit routes (chart config/symbols/time/
    # search, equity and option details, the ETB list and search)
    assert len(generated) <= 151 - 24
    assert {"getOptionChainSnapshot", "getIncomeStatements", "search"} <= generated


def test_the_same_request_gets_the_same_answer(wire: dict[str, Any]) -> None:
    differ = [op_id for op_id, answer in wire["again"].items() if answer != wire["first"][op_id]]
    assert differ == []
    assert len(wire["again"]) > 100


def test_option_chain_snapshot_has_greeks_by_call_and_put(wire: dict[str, Any]) -> None:
    rows = wire["first"]["getOptionChainSnapshot"][2]["results"]
    spot = wire["prices"]["AAPL"]
    assert len(rows) == 10
    kinds = set()
    for row in rows:
        details, greeks = row["details"], row["greeks"]
        kinds.add(details["contractType"])
        assert row["underlyingAsset"] == {**row["underlyingAsset"], "ticker": "AAPL", "price": spot}
        assert 0.7 * spot < details["strikePrice"] < 1.3 * spot
        assert details["ticker"].startswith("O:AAPL")
        if details["contractType"] == "call":
            assert 0 <= greeks["delta"] <= 1
        else:
            assert -1 <= greeks["delta"] <= 0
        assert greeks["gamma"] >= 0 and greeks["vega"] >= 0 and greeks["theta"] <= 0
        assert row["day"]["low"] <= row["day"]["close"] <= row["day"]["high"]
    assert kinds == {"call", "put"}
    assert any(abs(row["greeks"]["delta"]) not in (0.0, 1.0) for row in rows)


def test_prices_sit_near_the_feed_and_times_in_the_window(wire: dict[str, Any]) -> None:
    spot = wire["prices"]["AAPL"]
    aggs = wire["first"]["getStockAggregates"][2]
    assert aggs["ticker"] == "AAPL"
    for bar in aggs["results"]:
        assert 0.9 * spot < bar["l"] <= min(bar["o"], bar["c"]) <= bar["h"] < 1.1 * spot
        assert isinstance(bar["v"], int) and bar["v"] > 0
        # from/to 2025-12-01 .. 2025-12-31, ``t`` in milliseconds
        assert 1764547200000 <= bar["t"] < 1767225600000
    calendar = wire["first"]["getEarningsCalendar"][2]
    assert calendar
    for row in calendar:
        assert row["symbol"] == "AAPL"
        assert date(2025, 12, 1) <= date.fromisoformat(row["date"]) <= date(2025, 12, 31)


def test_statements_have_consistent_signs(wire: dict[str, Any]) -> None:
    for row in wire["first"]["getIncomeStatements"][2]["results"]:
        assert row["revenue"] > row["costOfRevenue"] > 0
        assert 0 < row["grossProfit"] < row["revenue"]
        assert 0 < row["netIncomeLossAttributableCommonShareholders"] < row["operatingIncome"]
    for row in wire["first"]["getCashFlowStatements"][2]["results"]:
        assert row["netCashFromOperatingActivities"] > 0
        assert row["purchaseOfPropertyPlantAndEquipment"] < 0


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_TIME_WORDS = frozenset(
    {"at", "date", "dates", "day", "end", "expiration", "expiry", "from", "last", "maturity"}
    | {"period", "since", "start", "t", "time", "timestamp", "to", "updated"}
    | {"ipo"}  # a company's listing day (finance-dev: "Initial public offering date")
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _scalars(body: Any, owner: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar of an answer with the name of the field holding it."""
    if not isinstance(body, dict | list):
        return
    pairs = body.items() if isinstance(body, dict) else ((owner, v) for v in body)
    for name, value in pairs:
        yield from _scalars(value, name) if isinstance(value, dict | list) else [(name, value)]


def _misfits(name: str, value: Any) -> str | None:
    """Why ``value`` is of the wrong kind for a field called ``name`` (its words, the last one
    saying what it is: ``targetExchange`` is an exchange), or None."""
    words = [word.lower() for word in _WORD.findall(name)]
    if not words or value is None or isinstance(value, bool):
        return None
    number = isinstance(value, int | float)
    if isinstance(value, str) and _ISO.match(value) and not _TIME_WORDS & set(words):
        return "a time in a field that names none"
    if words[-1] == "exchange" and re.fullmatch(r"[\d.]+", str(value)) and not number:
        return "a number for an exchange's name"
    ratio = words[-1] in ("ratio", "percent", "percentage") or "to" in words[1:-1]
    if ratio and number and abs(value) > 1000:
        return "an amount for a ratio"
    if {"cash", "activities"} <= set(words) and number and 0 < abs(value) < 1000:
        return "a ratio for a cash flow"
    return None


def test_fields_get_values_of_their_kind(wire: dict[str, Any]) -> None:
    """A filler value fits the field's meaning, read from its name's words, not from a word
    that happens to sit inside another (``sentiment`` is no time, ``targetExchange`` no price
    target, ``shortVolumeRatio`` no volume, ``debtToEquity`` no statement line)."""
    misfits = {
        (op_id, name, why)
        for op_id, (_, _, body) in wire["first"].items()
        for name, value in _scalars(body)
        if (why := _misfits(name, value)) is not None
    }
    assert not misfits, sorted(misfits)


async def test_another_seed_gives_other_data(wire: dict[str, Any]) -> None:
    op = op_by_id("getStockTrades")
    path, query, _ = wire_args(op, {})
    async with Simulator(seed=6, clock=ManualClock(), tick_interval=None) as sim:
        headers = {"Authorization": sim.issue_token().authorization}
        async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as http:
            status, _, body = await _call(http, op, path, query, None)
    assert status == 200
    assert body["results"] != wire["first"]["getStockTrades"][2]["results"]


def test_prediction_orders_and_watchlists_are_answered(wire: dict[str, Any]) -> None:
    for op_id in ("placePredictionOrder", "createConfigWatchlist", "getConfigWatchlists"):
        status, _, body = wire["first"][op_id]
        assert 200 <= status < 300 and body
    assert wire["first"]["getAccountBalance"][2]["accountId"] == ACCOUNT
