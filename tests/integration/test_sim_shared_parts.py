"""Simulators in one process share what is the same for all of them (the generated routes'
handlers, the seeded history) and nothing that one of them changes: orders, prices, faults and
counts stay each simulator's own."""

from __future__ import annotations

from contextlib import AsyncExitStack
from decimal import Decimal

import aiohttp
from sim_http import SimApi

from aries_async.sim import ManualClock, Simulator
from aries_async.sim.routes_generic import described_routes

ACCOUNT = "TEST-ACCOUNT-001"
EARNINGS = "/v1/stock/earnings?symbol=AAPL"  # answered from the API description


def _handlers(sim: Simulator) -> dict[tuple[str, str], object]:
    described = described_routes(sim.app.router)
    return {
        (route.method, route.resource.canonical): route.handler
        for route in sim.app.router.routes()
        if route.resource is not None and (route.method, route.resource.canonical) in described
    }


async def test_the_shared_route_handlers_answer_from_each_simulators_own_state(
    http: aiohttp.ClientSession,
) -> None:
    async with AsyncExitStack() as stack:
        one, two = [
            await stack.enter_async_context(
                Simulator(seed=0, clock=ManualClock(), tick_interval=None)
            )
            for _ in range(2)
        ]
        shared = _handlers(one)
        assert ("GET", "/v1/stock/earnings") in shared
        assert shared == _handlers(two)  # the very same handler objects

        one.faults.unknown_fields = True
        status, changed = await SimApi(one, http).call("GET", EARNINGS)
        assert status == 200
        assert "simUnknownText" in changed
        status, plain = await SimApi(two, http).call("GET", EARNINGS)
        assert status == 200
        assert "simUnknownText" not in plain
        assert one.requests[("GET", "/v1/stock/earnings")] == 1
        assert two.requests[("GET", "/v1/stock/earnings")] == 1


async def test_the_seeded_history_is_shared_and_the_orders_built_on_it_are_not() -> None:
    async with AsyncExitStack() as stack:
        one, two = [
            await stack.enter_async_context(
                Simulator(seed=0, clock=ManualClock(), tick_interval=None)
            )
            for _ in range(2)
        ]
        seeded = [(o.cl_ord_id, o.status, o.price) for o in two.state.orders[ACCOUNT]]
        positions = {s: p.quantity for s, p in two.state.positions[ACCOUNT].items()}
        assert [(o.cl_ord_id, o.status, o.price) for o in one.state.orders[ACCOUNT]] == seeded

        for order in one.state.orders[ACCOUNT]:
            order.status = "CANCELED"
            order.price = Decimal(1)
        one.state.orders[ACCOUNT].clear()
        one.state.positions[ACCOUNT].clear()
        one.feed.history_closes("AAPL").clear()
        one.feed.set_price("AAPL", Decimal("1.23"))

        assert [(o.cl_ord_id, o.status, o.price) for o in two.state.orders[ACCOUNT]] == seeded
        assert {s: p.quantity for s, p in two.state.positions[ACCOUNT].items()} == positions
        assert two.feed.quote("AAPL").last_price != Decimal("1.23")
        assert two.feed.recent_closes("AAPL", 8) == one.feed.recent_closes("AAPL", 8)
        assert one.feed.history_closes("AAPL") == two.feed.history_closes("AAPL")
        closes = two.feed.recent_closes("AAPL", 8)
        assert seeded[0][2] == Decimal(repr(closes[0][1]))  # the first seeded buy's price


async def test_the_generated_routes_match_paths_and_methods_as_they_did(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    api = SimApi(sim, http)
    chain = "/v1/options/snapshot/chain/{underlyingAsset}"
    contract = "/v1/options/snapshot/{underlyingAsset}/{optionContract}"
    status, _ = await api.call("GET", "/v1/options/snapshot/chain/AAPL")
    assert status == 200
    status, _ = await api.call("GET", "/v1/options/snapshot/AAPL/AAPL260220C00200000")
    assert status == 200
    assert sim.requests[("GET", chain)] == 1  # fewer path parameters first
    assert sim.requests[("GET", contract)] == 1

    async with http.delete(sim.base_url + "/v1/news/n-1", headers=api.headers) as resp:
        assert resp.status == 405
        assert (await resp.json())["error"]["code"] == "METHOD_NOT_ALLOWED"
    status, body = await api.call("GET", "/v1/news/n-1/nothing")
    assert status == 404
    assert body["error"]["code"] == "ROUTE_NOT_FOUND"
