"""The simulator's prediction orders over raw HTTP: placement and its rules, idempotent retries
(also when the answer to a placement is lost), the lifecycle on the simulator's clock, and the
order pages. Every success answer is checked against the API description and the official
models; refusals against the official prediction-order error envelope."""

from __future__ import annotations

import argparse
from datetime import datetime, time, timedelta
from typing import Any

import aiohttp
import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import RateLimitFault, ServerErrorFault, Simulator
from aries_async.sim.cli import add_arguments, build_faults
from aries_async.sim.feed import NEW_YORK
from aries_async.sim.predictions import ACK_DELAY, FILL_INTERVAL, LOT
from aries_async.sim.predictions_intake import TICK
from aries_async.sim.records import rfc3339

ORDERS = "/v1/predictions/orders"
ACCOUNT = "TEST-ACCOUNT-001"
CONTRACT = "KXFEDDECISION-26DEC-H25"


def _terms(**changes: Any) -> dict[str, Any]:
    """A buy limit at 0.99: marketable whatever the contract's price (mids stay <= 0.98)."""
    body = {
        "accountId": ACCOUNT,
        "symbol": CONTRACT,
        "side": "buy",
        "outcome": "YES",
        "orderType": "limit",
        "price": "0.99",
        "quantity": "10",
        "timeInForce": "gtc",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


async def _place(api: SimApi, body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    headers = dict(api.headers, **({"Idempotency-Key": key} if key else {}))
    async with api.session.post(api.sim.base_url + ORDERS, json=body, headers=headers) as resp:
        answer = await resp.json()
    check_answer("placePredictionOrder", resp.status, answer)
    order: dict[str, Any] = answer["data"]
    return order


async def _get(api: SimApi, order_id: str) -> dict[str, Any]:
    status, body = await api.call("GET", f"{ORDERS}/{order_id}")
    check_answer("getPredictionOrder", status, body)
    detail: dict[str, Any] = body["data"]
    return detail


async def _page(api: SimApi, **params: Any) -> dict[str, Any]:
    status, body = await api.call("GET", ORDERS, params=params)
    check_answer("listPredictionOrders", status, body)
    page: dict[str, Any] = body["data"]
    return page


def _refused(status: int, body: Any, want: int, code: str) -> None:
    """A refusal in the prediction-order envelope, as finance-dev parses it."""
    assert (status, body["error"]["code"]) == (want, code), body
    kinds = {400: "bad_request", 404: "not_found", 409: "conflict"}
    assert body["success"] is False
    assert body["error"]["type"] == kinds.get(want, body["error"]["type"])
    finance_dev = pytest.importorskip("finance_dev")
    parsed = finance_dev.errors.PredOrdersErrorEnvelopeData.model_validate(body)
    assert parsed.error.code == code


async def _refusal(api: SimApi, body: Any, key: str | None = None) -> tuple[int, Any]:
    headers = dict(api.headers, **({"Idempotency-Key": key} if key else {}))
    async with api.session.post(api.sim.base_url + ORDERS, json=body, headers=headers) as resp:
        return resp.status, await resp.json()


async def test_a_placement_is_accepted_then_acknowledged_then_filled(
    api: SimApi, sim: Simulator
) -> None:
    placed_at = sim.clock.now()
    order = await _place(api, _terms(quantity="150", clientOrderRef="mine-1"))
    assert order["state"] == "pending_new"
    assert (order["quantity"], order["price"], order["cumQty"], order["leavesQty"]) == (
        "150",
        "0.99",
        "0",
        "150",
    )
    assert order["createdAt"] == order["sentAt"] == rfc3339(placed_at)
    assert "firstAckAt" not in order and "venueOrderId" not in order
    assert (await _get(api, order["orderId"]))["reports"] == []

    sim.advance(ACK_DELAY)
    detail = await _get(api, order["orderId"])
    acked = detail["order"]
    assert acked["state"] == "partially_filled"  # acknowledged, then a first lot at once
    assert acked["firstAckAt"] == rfc3339(placed_at + ACK_DELAY)
    assert acked["venueOrderId"]
    assert [(r["execType"], r["status"]) for r in detail["reports"]] == [
        ("new", "new"),
        ("trade", "partially_filled"),
    ]
    fill = detail["reports"][1]
    ask = sim.state.predictions.mid(CONTRACT, "YES", placed_at + ACK_DELAY) + TICK
    assert (fill["lastQty"], fill["lastPx"]) == (str(LOT), str(ask))
    assert (acked["cumQty"], acked["leavesQty"]) == (str(LOT), str(150 - LOT))

    sim.advance(FILL_INTERVAL)
    done = (await _get(api, order["orderId"]))["order"]
    assert (done["state"], done["cumQty"], done["leavesQty"]) == ("filled", "150", "0")
    assert done["closedAt"] == rfc3339(placed_at + ACK_DELAY + FILL_INTERVAL)
    assert done["clientOrderRef"] == "mine-1"


async def test_a_limit_away_from_the_market_keeps_working(api: SimApi, sim: Simulator) -> None:
    order = await _place(api, _terms(price="0.01"))  # the ask is always above 0.01
    sim.advance(600)
    detail = await _get(api, order["orderId"])
    assert detail["order"]["state"] == "new"
    assert detail["order"]["workingPrice"] == "0.01"
    assert [r["execType"] for r in detail["reports"]] == ["new"]


@pytest.mark.parametrize(
    ("changes", "state", "filled"),
    [
        ({"timeInForce": "ioc", "price": "0.01"}, "canceled", "0"),
        ({"timeInForce": "ioc", "quantity": "250"}, "canceled", str(LOT)),
        ({"timeInForce": "fok", "quantity": "250"}, "canceled", "0"),
        ({"timeInForce": "fok", "quantity": "20"}, "filled", "20"),
    ],
)
async def test_ioc_and_fok_end_at_the_first_opportunity(
    api: SimApi, sim: Simulator, changes: dict[str, Any], state: str, filled: str
) -> None:
    order = await _place(api, _terms(**changes))
    sim.advance(ACK_DELAY)
    after = (await _get(api, order["orderId"]))["order"]
    assert (after["state"], after["cumQty"], after["leavesQty"]) == (state, filled, "0")
    sim.advance(60)
    assert (await _get(api, order["orderId"]))["order"] == after


async def test_gtd_orders_expire_at_their_time(api: SimApi, sim: Simulator) -> None:
    ends = sim.clock.now() + 30
    order = await _place(api, _terms(price="0.01", timeInForce="gtd", expireTime=rfc3339(ends)))
    sim.advance(29)
    assert (await _get(api, order["orderId"]))["order"]["state"] == "new"
    sim.advance(1)
    detail = await _get(api, order["orderId"])
    assert (detail["order"]["state"], detail["order"]["closedAt"]) == ("expired", rfc3339(ends))
    assert detail["reports"][-1]["execType"] == "expired"


async def test_day_orders_expire_at_the_end_of_the_new_york_day(
    api: SimApi, sim: Simulator
) -> None:
    api.headers = {"Authorization": sim.issue_token(ttl=3 * 86400).authorization}
    placed = datetime.fromtimestamp(sim.clock.now(), NEW_YORK)
    midnight = datetime.combine(placed.date() + timedelta(days=1), time(), NEW_YORK)
    order = await _place(api, _terms(price="0.01", timeInForce="day"))
    sim.advance(midnight.timestamp() - sim.clock.now() - 1)
    assert (await _get(api, order["orderId"]))["order"]["state"] == "new"
    sim.advance(1)
    done = (await _get(api, order["orderId"]))["order"]
    assert (done["state"], done["closedAt"]) == ("expired", rfc3339(midnight.timestamp()))


async def test_market_to_limit_works_its_rest_at_its_first_price(
    api: SimApi, sim: Simulator
) -> None:
    body = _terms(orderType="market_to_limit", price=None, quantity="300", side="sell")
    order = await _place(api, body)
    sim.advance(ACK_DELAY)
    first = (await _get(api, order["orderId"]))["order"]
    bid = sim.state.predictions.mid(CONTRACT, "YES", sim.clock.now()) - TICK
    assert (first["workingOrderType"], first["workingPrice"]) == ("limit", str(bid))
    assert (first["cumQty"], first["avgPx"]) == (str(LOT), str(bid))
    assert "price" not in first  # the submitted terms never change


async def test_stops_wait_for_the_contract_to_cross(api: SimApi, sim: Simulator) -> None:
    never = await _place(api, _terms(orderType="stop", price=None, stopPx="0.99"))
    at_once = await _place(api, _terms(orderType="stop", price=None, stopPx="0.99", side="sell"))
    sim.advance(ACK_DELAY + 10 * FILL_INTERVAL)
    assert (await _get(api, never["orderId"]))["order"]["state"] == "new"
    sold = (await _get(api, at_once["orderId"]))["order"]
    assert (sold["state"], sold["workingOrderType"]) == ("filled", "limit")


async def test_the_same_idempotency_key_returns_the_same_order(api: SimApi, sim: Simulator) -> None:
    first = await _place(api, _terms(clientOrderRef="ref-1"), key="key-1")
    sim.advance(ACK_DELAY)
    again = await _place(api, _terms(clientOrderRef="ref-1"), key="key-1")
    assert again["orderId"] == first["orderId"]
    assert again["state"] == "filled"  # the order as it is now
    other = await _place(api, _terms(clientOrderRef="ref-2"), key="key-2")
    assert other["orderId"] != first["orderId"]
    assert len((await _page(api))["orders"]) == 2


async def test_the_same_key_with_other_terms_is_refused(api: SimApi) -> None:
    first = await _place(api, _terms(), key="key-1")
    _refused(*await _refusal(api, _terms(quantity="11"), key="key-1"), 400, "INVALID_ORDER")
    assert [o["orderId"] for o in (await _page(api))["orders"]] == [first["orderId"]]


async def test_a_refused_placement_does_not_use_its_key_up(api: SimApi) -> None:
    _refused(*await _refusal(api, _terms(price="1.5"), key="key-1"), 400, "INVALID_ORDER")
    placed = await _place(api, _terms(), key="key-1")
    assert placed["state"] == "pending_new"


async def test_without_a_key_every_placement_is_a_new_order(api: SimApi) -> None:
    first, second = await _place(api, _terms()), await _place(api, _terms())
    assert first["orderId"] != second["orderId"]


async def test_a_client_order_ref_is_unique_per_account(api: SimApi) -> None:
    await _place(api, _terms(clientOrderRef="dup"))
    refused = await _refusal(api, _terms(clientOrderRef="dup"), key="fresh")
    _refused(*refused, 409, "CLIENT_ORDER_REF_IN_USE")
    other_account = await _place(api, _terms(clientOrderRef="dup", accountId="TEST-SIM-001"))
    assert other_account["clientOrderRef"] == "dup"
    # The refused key is free for another order.
    assert (await _place(api, _terms(), key="fresh"))["state"] == "pending_new"


async def test_a_retry_after_a_lost_answer_does_not_place_twice(
    api: SimApi, sim: Simulator
) -> None:
    sim.faults.swallow_prediction_orders = 1
    body = _terms(quantity="7")
    with pytest.raises(aiohttp.ClientError):
        await _place(api, body, key="retry-me")
    assert sim.faults.swallow_prediction_orders == 0
    [made] = (await _page(api))["orders"]  # the order exists; its answer was lost
    retried = await _place(api, body, key="retry-me")
    assert retried["orderId"] == made["orderId"]
    assert len((await _page(api))["orders"]) == 1
    # A replay is answered even while the fault is set: only placements lose their answer.
    sim.faults.swallow_prediction_orders = 1
    assert (await _place(api, body, key="retry-me"))["orderId"] == made["orderId"]
    assert sim.faults.swallow_prediction_orders == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"venue": "X"}, "venue"),
        ({"side": None}, "side"),
        ({"side": "BUY"}, "side"),
        ({"outcome": "MAYBE"}, "outcome"),
        ({"orderType": "market"}, "orderType"),
        ({"timeInForce": "opg"}, "timeInForce"),
        ({"accountId": "SOMEONE-ELSE"}, "accountId"),
        ({"symbol": "has space"}, "symbol"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": 10}, "quantity"),
        ({"quantity": "1.005"}, "quantity"),
        ({"quantity": "1e400"}, "quantity"),
        ({"quantity": "1" + "0" * 15}, "quantity"),
        ({"price": "1E+30"}, "price"),
        ({"price": None}, "price"),
        ({"price": "1.00"}, "price"),
        ({"price": "0.555"}, "price"),
        ({"stopPx": "0.50"}, "stopPx"),
        ({"orderType": "stop_limit"}, "stopPx"),
        ({"timeInForce": "gtd"}, "expireTime"),
        ({"timeInForce": "gtd", "expireTime": "2020-01-01T00:00:00Z"}, "expireTime"),
        ({"timeInForce": "gtd", "expireTime": "tomorrow"}, "expireTime"),
        ({"expireTime": "2099-01-01T00:00:00Z"}, "expireTime"),
        ({"clientOrderRef": ""}, "clientOrderRef"),
    ],
)
async def test_invalid_orders_are_refused(api: SimApi, changes: dict[str, Any], field: str) -> None:
    status, body = await _refusal(api, _terms(**changes))
    _refused(status, body, 400, "INVALID_ORDER")
    assert body["error"]["details"] == {"field": field}
    assert (await _page(api))["orders"] == []


async def test_bad_keys_and_bodies_are_refused(api: SimApi) -> None:
    _refused(*await _refusal(api, _terms(), key="k" * 256), 400, "INVALID_ORDER")
    status, body = await api.call("POST", ORDERS, data=b"[1]")
    assert (status, body["error"]["code"]) == (400, "MALFORMED_JSON")


async def test_pages_run_newest_first_to_the_end(api: SimApi, sim: Simulator) -> None:
    placed = [(await _place(api, _terms(clientOrderRef=f"r{n}")))["orderId"] for n in range(5)]
    seen: list[str] = []
    page = await _page(api, limit=2)
    while True:
        seen += [o["orderId"] for o in page["orders"]]
        if "nextCursor" not in page:
            break
        assert len(page["orders"]) == 2
        page = await _page(api, limit=2, cursor=page["nextCursor"])
    assert seen == placed[::-1]


async def test_pages_filter_by_state_account_and_symbol(api: SimApi, sim: Simulator) -> None:
    filled = await _place(api, _terms())
    working = await _place(api, _terms(price="0.01", symbol="OTHER-CONTRACT"))
    sim_account = await _place(api, _terms(price="0.01", accountId="TEST-SIM-001"))
    sim.advance(ACK_DELAY)

    async def ids(**params: str) -> list[str]:
        return [o["orderId"] for o in (await _page(api, **params))["orders"]]

    assert await ids(status="filled") == [filled["orderId"]]
    assert await ids(status="open") == [sim_account["orderId"], working["orderId"]]
    assert await ids(status="FILLED,new") == [
        sim_account["orderId"],
        working["orderId"],
        filled["orderId"],
    ]
    assert await ids(accountId="TEST-SIM-001") == [sim_account["orderId"]]
    assert await ids(symbol="OTHER-CONTRACT") == [working["orderId"]]
    assert await ids(status="canceled") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"status": "open,bogus"}, "status"),
        ({"cursor": "not-ours"}, "cursor"),
    ],
)
async def test_bad_page_parameters_are_refused(
    api: SimApi, params: dict[str, str], field: str
) -> None:
    status, body = await api.call("GET", ORDERS, params=params)
    code = "INVALID_CURSOR" if field == "cursor" else "INVALID_PARAMETER"
    _refused(status, body, 400, code)
    assert body["error"]["details"] == {"field": field}


async def test_a_large_limit_is_clamped_to_200(api: SimApi, sim: Simulator) -> None:
    book = sim.state.predictions
    for _ in range(201):
        book.place(sim.state.user_id, _terms(), accounts=sim.state.accounts)
    page = await _page(api, limit=500)
    assert len(page["orders"]) == 200
    assert "nextCursor" in page


async def test_unknown_and_foreign_orders_are_not_found(api: SimApi, sim: Simulator) -> None:
    _refused(*await api.call("GET", f"{ORDERS}/no-such-order"), 404, "ORDER_NOT_FOUND")
    theirs, _ = sim.state.predictions.place(4242, _terms(), accounts=sim.state.accounts)
    _refused(*await api.call("GET", f"{ORDERS}/{theirs.order_id}"), 404, "ORDER_NOT_FOUND")
    assert (await _page(api))["orders"] == []


async def test_the_routes_need_a_token_but_no_scope(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    caller = SimApi(sim, http)
    caller.headers = {"Authorization": sim.issue_token(["user:information"]).authorization}
    assert (await caller.call("GET", ORDERS))[0] == 200
    caller.headers = {}
    assert (await caller.call("GET", ORDERS))[0] == 401
    assert (await caller.call("POST", ORDERS, json=_terms()))[0] == 401
    assert sim.state.predictions.page(sim.state.user_id) == ([], None)


def test_the_lost_answer_fault_has_a_cli_flag() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    flagged = build_faults(parser.parse_args(["--swallow-prediction-orders", "2"]))
    assert flagged.swallow_prediction_orders == 2
    assert build_faults(parser.parse_args([])).swallow_prediction_orders == 0


@pytest.mark.parametrize(
    ("fault", "status", "kind"),
    [
        (RateLimitFault(retry_after=2), 429, "rate_limit"),
        (ServerErrorFault(status=503), 503, "unavailable"),
        (ServerErrorFault(status=504), 504, "timeout"),
        (ServerErrorFault(status=500), 500, "internal"),
    ],
)
async def test_injected_failures_use_the_prediction_order_envelope(
    api: SimApi, sim: Simulator, fault: RateLimitFault | ServerErrorFault, status: int, kind: str
) -> None:
    route = f"POST {ORDERS}"
    if isinstance(fault, RateLimitFault):
        sim.faults.rate_limit[route] = fault
    else:
        sim.faults.server_errors[route] = fault
    answer = await _refusal(api, _terms())
    assert answer[1]["error"]["type"] == kind
    _refused(*answer, status, "RATE_LIMITED" if status == 429 else "SIMULATED_FAILURE")
    assert (await _page(api))["orders"] == []  # refused before anything was placed
    # Elsewhere the nested envelope stays.
    sim.faults.server_errors["GET /v1/users/me"] = ServerErrorFault(status=503)
    status, body = await api.call("GET", "/v1/users/me")
    assert (status, body["error"]["type"]) == (503, "SERVICE_UNAVAILABLE")
