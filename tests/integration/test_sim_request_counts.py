"""``sim.requests`` counts each request once: looked up by its concrete path or by its route's
template it answers how many requests went there, and its values add up to the requests that
arrived. A test that summed them to see whether anything was sent counted a request to a
templated route twice (found a defect: the template had an entry of its own beside the path).
"""

from __future__ import annotations

from sim_http import SimApi

from aries_async.sim import Simulator

ACCOUNT_ORDERS = "/v2/accounts/{id}/orders"


async def test_a_request_to_a_templated_route_is_counted_once(api: SimApi, sim: Simulator) -> None:
    account = next(iter(sim.state.accounts))
    path = f"/v2/accounts/{account}/orders"
    for _ in range(2):
        status, body = await api.call("GET", path)
        assert status == 200, body
    status, body = await api.call("GET", "/v1/chart/quotes", params={"symbols": "AAPL"})
    assert status == 200, body
    assert len(sim.journal) == 3
    assert sum(sim.requests.values()) == 3  # one count per request that arrived
    assert sim.requests[("GET", path)] == 2
    assert sim.requests[("GET", ACCOUNT_ORDERS)] == 2  # the template still answers
    assert sim.requests.get(("GET", ACCOUNT_ORDERS)) == 2
    assert sim.requests[("GET", "/v1/chart/quotes")] == 1
    assert sim.requests[("GET", "/v1/chart/history")] == 0
    assert sim.requests.routes == {
        ("GET", ACCOUNT_ORDERS): 2,
        ("GET", "/v1/chart/quotes"): 1,
    }
    sim.requests.clear()
    assert sim.requests[("GET", ACCOUNT_ORDERS)] == 0 and not sim.requests
    status, body = await api.call("GET", path)
    assert status == 200, body
    assert sim.requests[("GET", path)] == sim.requests[("GET", ACCOUNT_ORDERS)] == 1


async def test_the_summary_and_sim_requests_read_one_count(api: SimApi, sim: Simulator) -> None:
    # The run's summary counts every request since the start; sim.requests since its last
    # clear(): two views of one count (found a defect: two counters, kept apart, could drift).
    account = next(iter(sim.state.accounts))
    for _ in range(2):
        status, body = await api.call("GET", f"/v2/accounts/{account}/orders")
        assert status == 200, body
    sim.requests.clear()
    status, body = await api.call("GET", "/v1/chart/quotes", params={"symbols": "AAPL"})
    assert status == 200, body
    assert sim.requests.routes == {("GET", "/v1/chart/quotes"): 1}
    assert sim.requests.all_routes == {("GET", ACCOUNT_ORDERS): 2, ("GET", "/v1/chart/quotes"): 1}
    assert sim.summary().routes == {"GET " + ACCOUNT_ORDERS: 2, "GET /v1/chart/quotes": 1}
    assert sim.requests.get(("GET", ACCOUNT_ORDERS), "none") == "none"  # not since the clear
    # A request counted once is in both views.
    sim.requests.count("GET", "/v1/markets/status", "/v1/markets/status")
    assert sim.requests.routes[("GET", "/v1/markets/status")] == 1
    assert sim.summary().routes["GET /v1/markets/status"] == 1
    assert sim.summary().requests == 4 and sum(sim.requests.values()) == 2
