"""Order behaviour against the in-process simulator: fills, resting orders, replace, cancel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from sim_http import SimApi

from aries_async.sim import AccountEvent, Simulator

ACCOUNT = "TEST-SIM-001"


class Api(SimApi):
    """Order calls on the simulation account; every answer must be JSON."""

    json_only = True

    async def place(self, **fields: Any) -> tuple[int, Any]:
        body = {"tradingAccountId": ACCOUNT, "timeInForce": "DAY", **fields}
        return await self.call("POST", "/v1/orders", json=body)

    async def order(self, cl_ord_id: str) -> dict[str, Any]:
        status, body = await self.call(
            "GET", f"/v2/accounts/{ACCOUNT}/orders", params={"limit": "500"}
        )
        assert status == 200
        return next(o for o in body["orders"] or [] if o["clOrdId"] == cl_ord_id)


@pytest.fixture
def sim_seed() -> int:
    return 9


@pytest.fixture
def api(sim: Simulator, http: aiohttp.ClientSession) -> Api:
    return Api(sim, http)


async def test_market_order_fills_at_the_touch_and_moves_cash(api: Api, sim: Simulator) -> None:
    events: list[AccountEvent] = []
    sim.state.listen(ACCOUNT, events.append)
    ask = sim.feed.quote("KO").ask_price
    cash_before = sim.state.accounts[ACCOUNT].cash
    status, ack = await api.place(
        symbol="KO", side="BUY", type="MARKET", qty="10", clientId="bot-7"
    )
    assert status == 200
    assert ack["success"] is True
    assert (ack["status"], ack["cumQty"], ack["leavesQty"]) == ("NEW", "0", "10")
    assert ack["clOrdId"]
    order = await api.order(ack["clOrdId"])
    assert order["ordStatus"] == "FILLED"
    assert Decimal(order["avgPrice"]) == ask
    assert order["clientId"] == "bot-7"
    fee = Decimal("0.01")  # ten shares' per-share fee, rounded up to the cent
    assert sim.state.accounts[ACCOUNT].cash == cash_before - 10 * ask - fee
    status, positions = await api.call("GET", f"/v1/accounts/{ACCOUNT}/positions")
    assert positions["positions"][0]["quantity"] == "10"
    names = [(e.name, e.data.get("ordStatus")) for e in events]
    assert names[:2] == [("account.order", "NEW"), ("account.order", "FILLED")]
    assert ("account.position", None) in names
    assert ("account.balance", None) in names
    assert sim.state.find_by_client_id("bot-7")[0].cl_ord_id == ack["clOrdId"]


async def test_limit_order_rests_then_fills_when_crossed(api: Api, sim: Simulator) -> None:
    snap = sim.feed.quote("PFE")
    limit = snap.ask_price + Decimal("0.05")  # marketable: fills at once
    _, ack = await api.place(symbol="PFE", side="BUY", type="LIMIT", qty="100", price=str(limit))
    assert (await api.order(ack["clOrdId"]))["ordStatus"] == "FILLED"  # marketable at once
    below = snap.bid_price - Decimal("0.01")
    _status, ack = await api.place(
        symbol="PFE", side="BUY", type="LIMIT", qty="100", price=str(below), timeInForce="GTC"
    )
    assert (await api.order(ack["clOrdId"]))["ordStatus"] == "NEW"
    order = sim.state.order(ACCOUNT, ack["clOrdId"])
    for _ in range(3000):  # up to ~4 simulated hours, no real waiting
        sim.advance(5)
        if not order.working:
            break
    assert order.status == "FILLED"
    assert order.avg_price <= below


async def test_stop_order_triggers_on_last_trade(api: Api, sim: Simulator) -> None:
    await api.place(symbol="T", side="BUY", type="MARKET", qty="500")
    sim.advance(5)  # let a large market order complete
    last = sim.feed.quote("T").last_price
    status, ack = await api.place(
        symbol="T",
        side="SELL",
        type="STOP",
        qty="500",
        stopPrice=str(last - Decimal("0.01")),
        timeInForce="GTC",
    )
    assert status == 200
    order = sim.state.order(ACCOUNT, ack["clOrdId"])
    for _ in range(4000):
        sim.advance(0.5)
        if order.triggered and not order.working:
            break
    assert order.triggered
    assert order.status == "FILLED"


async def test_large_order_fills_partially_over_steps(api: Api, sim: Simulator) -> None:
    _status, ack = await api.place(symbol="F", side="BUY", type="MARKET", qty="4000")
    order = sim.state.order(ACCOUNT, ack["clOrdId"])
    assert order.status == "PARTIALLY_FILLED"
    assert 0 < order.cum_qty < 4000
    wire = await api.order(ack["clOrdId"])
    assert Decimal(wire["cumQty"]) + Decimal(wire["leavesQty"]) == 4000
    sim.advance(30)
    assert order.status == "FILLED"


async def test_replace_cycles_the_id_and_cancel(api: Api, sim: Simulator) -> None:
    low = sim.feed.quote("KO").bid_price * Decimal("0.8")
    price = str(low.quantize(Decimal("0.01")))
    status, ack = await api.place(
        symbol="KO", side="BUY", type="LIMIT", qty="10", price=price, clientId="keep-me"
    )
    first = ack["clOrdId"]
    status, rep = await api.call(
        "POST",
        "/v1/orders/replace",
        json={
            "origClOrdId": first,
            "tradingAccountId": ACCOUNT,
            "symbol": "KO",
            "side": "BUY",
            "type": "LIMIT",
            "qty": "20",
            "price": price,
            "timeInForce": "DAY",
        },
    )
    assert status == 200
    assert (rep["success"], rep["status"], rep["origClOrdId"]) == (True, "PENDING_REPLACE", first)
    second = rep["clOrdId"]
    assert second != first
    assert (await api.order(first))["ordStatus"] == "REPLACED"
    new = await api.order(second)
    assert (new["ordStatus"], new["qty"], new["origClOrdId"], new["clientId"]) == (
        "NEW",
        "20",
        first,
        "keep-me",
    )
    status, again = await api.call(
        "POST",
        "/v1/orders/replace",
        json={"origClOrdId": first, "tradingAccountId": ACCOUNT, "symbol": "KO", "qty": "30"},
    )
    assert again["success"] is False  # the old id is dead
    status, cancel = await api.call(
        "POST",
        "/v1/orders/cancel",
        json={"origClOrdId": second, "tradingAccountId": ACCOUNT, "symbol": "KO", "side": "BUY"},
    )
    assert (cancel["success"], cancel["status"], cancel["origClOrdId"]) == (
        True,
        "PENDING_CANCEL",
        second,
    )
    assert (await api.order(second))["ordStatus"] == "CANCELED"
    status, twice = await api.call(
        "POST",
        "/v1/orders/cancel",
        json={"origClOrdId": second, "tradingAccountId": ACCOUNT, "symbol": "KO", "side": "BUY"},
    )
    assert (status, twice["success"], twice["status"]) == (200, False, "REJECTED")
    status, missing = await api.call(
        "POST",
        "/v1/orders/cancel",
        json={"origClOrdId": "NOPE", "tradingAccountId": ACCOUNT, "symbol": "KO", "side": "BUY"},
    )
    assert (status, missing["error"]["type"]) == (404, "NOT_FOUND")


async def test_ioc_and_fok(api: Api, sim: Simulator) -> None:
    _, ack = await api.place(symbol="F", side="BUY", type="MARKET", qty="15000", timeInForce="FOK")
    assert sim.state.order(ACCOUNT, ack["clOrdId"]).status == "CANCELED"
    _status, ack = await api.place(
        symbol="F", side="BUY", type="MARKET", qty="5000", timeInForce="IOC"
    )
    order = sim.state.order(ACCOUNT, ack["clOrdId"])
    assert order.status == "CANCELED"
    assert 0 < order.cum_qty < 5000


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        (
            {"symbol": "KO", "side": "BUY", "type": "LIMIT", "qty": "1", "price": "50.123456"},
            "INVALID_PRICE_PRECISION",
        ),
        (
            {"symbol": "KO", "side": "BUY", "type": "LIMIT", "qty": 1, "price": "50"},
            "INVALID_FIELD",
        ),
        ({"symbol": "KO", "side": "BUY", "type": "LIMIT", "qty": "1"}, "MISSING_FIELD"),
        ({"symbol": "KO", "side": "HOLD", "type": "MARKET", "qty": "1"}, "INVALID_FIELD"),
        ({"symbol": "KO", "side": "BUY", "type": "STOP", "qty": "1"}, "MISSING_FIELD"),
        ({"symbol": "KO", "side": "BUY", "type": "MARKET", "qty": "-3"}, "INVALID_FIELD"),
    ],
)
async def test_validation_is_a_nested_400(api: Api, fields: dict[str, Any], code: str) -> None:
    status, body = await api.place(**fields)
    assert status == 400
    assert body["error"]["type"] == "VALIDATION"
    assert body["error"]["code"] == code


async def test_business_rejections_ack_or_http(api: Api) -> None:
    status, ack = await api.place(symbol="ZZZZ9", side="BUY", type="MARKET", qty="1")
    assert (status, ack["success"], ack["status"]) == (200, False, "REJECTED")
    assert ack["ordRejReason"]
    status, ack = await api.place(symbol="KO", side="SELL", type="MARKET", qty="1")
    assert ack["status"] == "REJECTED"  # nothing to sell
    async with (
        Simulator(rejections_as_http=True, tick_interval=None) as sim,
        aiohttp.ClientSession() as session,
    ):
        strict = Api(sim, session)
        status, body = await strict.place(symbol="ZZZZ9", side="BUY", type="MARKET", qty="1")
        assert (status, body["error"]["code"]) == (400, "ORDER_REJECTED")


async def test_preview_and_option_orders(api: Api) -> None:
    status, preview = await api.call(
        "POST",
        "/v1/orders/preview",
        json={
            "tradingAccountId": ACCOUNT,
            "symbol": "KO",
            "side": "BUY",
            "type": "LIMIT",
            "qty": "10",
            "price": "50",
            "timeInForce": "DAY",
        },
    )
    assert (status, preview["estimatedCost"], preview["errors"]) == (200, "500.00", [])
    assert isinstance(preview["numDayTrades"], int)
    status, ack = await api.place(
        symbol="AAPL",
        side="BUY",
        type="LIMIT",
        qty="1",
        price="2.50",
        legs=[
            {
                "securityType": "OPT",
                "side": "BUY",
                "ratioQty": "1",
                "putCall": "CALL",
                "strikePrice": "150",
                "maturity": "2026-06-18",
                "positionEffect": "OPEN",
            }
        ],
    )
    assert ack["success"] is True
    order = await api.order(ack["clOrdId"])
    assert (order["securityType"], order["category"]) == ("OPTION", "SINGLE_LEG")
    assert order["legs"][0]["putCall"] == "CALL"
    status, _body = await api.place(
        symbol="AAPL260618C00150000",
        side="BUY",
        type="LIMIT",
        qty="1",
        price="2.5",
        timeInForce="IOC",
    )
    assert status == 400  # options accept DAY or GTC only
    status, body = await api.place(
        symbol="AAPL260618C00150000",
        side="BUY",
        type="LIMIT",
        qty="0.5",
        price="2.5",
        timeInForce="DAY",
    )
    assert (status, body["error"]["details"]) == (400, {"field": "qty"})  # not split


async def test_a_leg_may_give_its_words_by_their_initials(api: Api) -> None:
    leg = {"securityType": "OPT", "ratioQty": "1", "strikePrice": "150", "maturity": "2026-06-18"}
    initials = {"side": "b", "positionEffect": "O", "putCall": "P"}
    status, ack = await api.place(
        symbol="AAPL", side="BUY", type="LIMIT", qty="1", price="2.50", legs=[leg | initials]
    )
    assert (status, ack["success"]) == (200, True)
    (placed,) = (await api.order(ack["clOrdId"]))["legs"]
    assert {k: placed[k] for k in initials} == {
        "side": "BUY",
        "positionEffect": "OPEN",
        "putCall": "PUT",
    }
    status, body = await api.place(
        symbol="AAPL", side="BUY", type="LIMIT", qty="1", price="2.50", legs=[leg | {"side": "X"}]
    )
    assert (status, body["error"]["code"], body["error"]["details"]) == (
        400,
        "INVALID_FIELD",
        {"field": "side"},
    )


async def test_active_orders_pagination_and_empty_variants(api: Api, sim: Simulator) -> None:
    path = f"/v2/accounts/{ACCOUNT}/orders"
    status, body = await api.call("GET", path)
    assert body == {"orders": None, "nextCursor": 0}
    sim.faults.null_active_orders = False
    status, body = await api.call("GET", path)
    assert body == {"orders": [], "nextCursor": 0}
    ids = []
    for _ in range(5):
        status, ack = await api.place(symbol="KO", side="BUY", type="LIMIT", qty="1", price="1")
        ids.append(ack["clOrdId"])
    seen: list[str] = []
    cursor = 0
    while True:
        status, page = await api.call("GET", path, params={"limit": "2", "cursor": str(cursor)})
        seen += [o["clOrdId"] for o in page["orders"]]
        cursor = page["nextCursor"]
        if cursor == 0:
            break
    assert seen == list(reversed(ids))
    status, body = await api.call("GET", path, params={"limit": "0"})
    assert status == 400


async def test_a_set_price_fills_a_resting_order_and_the_walk_goes_on(
    api: Api, sim: Simulator
) -> None:
    """``feed.set_price`` moves a symbol where a test needs it: a buy limit below the market
    rests until the price is set through it, then fills at the new touch, and a sell limit
    far above the market never fills, however the walk goes on from there."""
    ask = sim.feed.quote("MSFT").ask_price
    limit = (ask * Decimal("0.9")).quantize(Decimal("0.01"))
    _, ack = await api.place(symbol="MSFT", side="BUY", type="LIMIT", qty="3", price=str(limit))
    assert (await api.order(ack["clOrdId"]))["ordStatus"] == "NEW"
    snap = sim.feed.set_price("MSFT", limit - Decimal("1"))
    assert snap.last_price == limit - 1 and snap.ask_price <= limit
    order = await api.order(ack["clOrdId"])
    assert (order["ordStatus"], order["cumQty"]) == ("FILLED", "3")
    assert Decimal(order["avgPrice"]) <= limit
    sim.advance(60)
    assert abs(sim.feed.quote("MSFT").last_price - snap.last_price) < 5  # on from the move
    with pytest.raises(ValueError, match="positive"):
        sim.feed.set_price("MSFT", Decimal(0))
