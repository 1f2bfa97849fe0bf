"""``client.orders.change(order, ...)``: a working order changed from the library as safely as
``aries-async order replace`` changes it, against the simulator. The order as the client read
it keeps what is not changed, a spread sends its legs back (rest.md 6.3), and a change whose
merged order breaks a rule of ``place``, or changes nothing, raises before anything is sent."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.errors import ValidationError
from aries_async.models.order_requests import CancelRequest, OrderLeg, OrderRequest
from aries_async.models.orders import Order, OrderStatus, OrderType
from aries_async.sim import Simulator

ACCOUNT = "TEST-ACCOUNT-001"
REPLACE = ("POST", "/v1/orders/replace")


async def working(aries: AriesClient, request: OrderRequest) -> Order:
    """``request`` placed, as ``orders.active`` then reports it."""
    ack = await aries.orders.place(request)
    assert ack.accepted, ack
    (order,) = [o for o in await aries.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id]
    return order


def limit_buy(**terms: Any) -> OrderRequest:
    """A buy of 10 AAPL at 1.50, far below the market: it rests on the book."""
    fields: dict[str, Any] = {"symbol": "AAPL", "side": "BUY", "type": "LIMIT", "quantity": 10}
    return OrderRequest(account_id=ACCOUNT, **{**fields, "price": "1.50", **terms})


async def spread(aries: AriesClient) -> Order:
    """A call spread on AAPL (buy one strike, sell the next) far below its net price."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    calls = (await aries.market.option_chain("AAPL", expiry)).calls
    legs = [
        OrderLeg(security_type="OPT", side=side, position_effect="OPEN", symbol=call.osi)
        for side, call in (("BUY", calls[5]), ("SELL", calls[6]))
    ]
    return await working(aries, limit_buy(quantity=1, price="0.05", time_in_force="GTC", legs=legs))


async def resting_market_order(aries: AriesClient) -> Order:
    """A market buy larger than the touch: it fills in part and works on (the simulator's
    clock stands still, so no later step fills the rest)."""
    request = limit_buy(symbol="KO", type="MARKET", quantity=2000, price=None)
    order = await working(aries, request)
    assert order.ord_status == OrderStatus.PARTIALLY_FILLED, order
    return order


def replace_bodies(sim: Simulator) -> list[dict[str, Any]]:
    """The bodies of the replace requests the simulator received, oldest first."""
    return [json.loads(r.body) for r in sim.journal if (r.method, r.raw_path) == REPLACE]


async def test_a_limit_orders_price_is_changed_and_the_rest_kept(
    sim: Simulator, aries: AriesClient
) -> None:
    order = await working(aries, limit_buy())
    assert order.cl_ord_id is not None
    ack = await aries.orders.change(order, price=Decimal("1.60"))
    assert ack.accepted and ack.orig_cl_ord_id == order.cl_ord_id, ack
    assert ack.cl_ord_id is not None and ack.cl_ord_id != order.cl_ord_id
    (body,) = replace_bodies(sim)
    assert body == {
        "origClOrdId": order.cl_ord_id,
        "tradingAccountId": ACCOUNT,
        "symbol": "AAPL",
        "side": "BUY",
        "price": "1.60",
    }
    new = sim.state.order(ACCOUNT, ack.cl_ord_id)
    assert (new.type, new.qty, new.price, new.time_in_force) == (
        "LIMIT",
        Decimal(10),
        Decimal("1.60"),
        "DAY",
    )
    assert sim.state.order(ACCOUNT, order.cl_ord_id).status == "REPLACED"


async def test_a_spreads_quantity_is_changed_with_its_legs_sent_back(
    sim: Simulator, aries: AriesClient
) -> None:
    """rest.md 6.3: a multi-leg replace must send its legs; ``replace()`` sends what it is
    given, so a bot that forgot them was refused. ``change()`` sends the order's own."""
    order = await spread(aries)
    assert order.cl_ord_id is not None
    before = sim.state.order(ACCOUNT, order.cl_ord_id).legs
    ack = await aries.orders.change(order, quantity=2)
    assert ack.accepted, ack
    (body,) = replace_bodies(sim)
    assert body["qty"] == "2" and "price" not in body
    sent = [
        (wire["side"], wire["putCall"], wire["strikePrice"], wire["maturity"])
        for wire in body["legs"]
    ]
    assert sent == [
        (leg.side.value, leg.put_call.value, f"{leg.strike_price:f}", str(leg.maturity))
        for leg in order.legs
        if leg.side and leg.put_call and leg.strike_price is not None
    ]
    assert len(sent) == 2
    assert ack.cl_ord_id is not None
    new = sim.state.order(ACCOUNT, ack.cl_ord_id)
    assert new.qty == Decimal(2) and new.price == Decimal("0.05") and new.legs == before


async def test_a_single_option_legs_change_sends_no_legs(
    sim: Simulator, aries: AriesClient
) -> None:
    """The server keeps a single option leg (rest.md 6.3 asks legs of a spread only); the
    order is still an option order, whose time in force is DAY or GTC only."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    call = (await aries.market.option_chain("AAPL", expiry)).calls[5]
    leg = OrderLeg(security_type="OPT", side="BUY", position_effect="OPEN", symbol=call.osi)
    order = await working(aries, limit_buy(quantity=1, price="0.05", legs=[leg]))
    with pytest.raises(ValidationError, match="DAY or GTC") as refused:
        await aries.orders.change(order, time_in_force="IOC")
    assert refused.value.field == "time_in_force"
    with pytest.raises(ValidationError, match="whole number of contracts"):
        await aries.orders.change(order, quantity=Decimal("1.5"))
    assert sim.requests[REPLACE] == 0
    ack = await aries.orders.change(order, price="0.06", time_in_force="GTC")
    assert ack.accepted, ack
    (body,) = replace_bodies(sim)
    assert "legs" not in body and body["timeInForce"] == "GTC"


async def _stop_on_a_limit(aries: AriesClient) -> tuple[Order, dict[str, Any]]:
    return await working(aries, limit_buy()), {"stop_price": Decimal("1.40")}


async def _the_same_price(aries: AriesClient) -> tuple[Order, dict[str, Any]]:
    order = await working(aries, limit_buy())
    return order, {"price": Decimal("1.5"), "type": "LIMIT"}


async def _nothing(aries: AriesClient) -> tuple[Order, dict[str, Any]]:
    return await working(aries, limit_buy()), {}


async def _a_price_on_a_market_order(aries: AriesClient) -> tuple[Order, dict[str, Any]]:
    return await resting_market_order(aries), {"price": Decimal("70")}


async def _a_stop_order_without_its_stop(aries: AriesClient) -> tuple[Order, dict[str, Any]]:
    return await working(aries, limit_buy()), {"type": OrderType.STOP}


async def _a_quantity_of_zero(aries: AriesClient) -> tuple[Order, dict[str, Any]]:
    return await working(aries, limit_buy()), {"quantity": 0}


async def _a_spread_that_stays_the_same(aries: AriesClient) -> tuple[Order, dict[str, Any]]:
    return await spread(aries), {"quantity": 1}


@pytest.mark.parametrize(
    ("make", "field", "message"),
    [
        (_stop_on_a_limit, "stop_price", "stop_price: not allowed on LIMIT orders"),
        (_the_same_price, None, "changes nothing: order .* has price 1.50, type LIMIT"),
        (_nothing, None, "changes nothing: give quantity, price, stop_price"),
        (_a_price_on_a_market_order, "price", "price: not allowed on MARKET orders"),
        (_a_stop_order_without_its_stop, "stop_price", "stop_price: required for STOP"),
        (_a_quantity_of_zero, "quantity", "quantity: must be greater than 0"),
        (_a_spread_that_stays_the_same, None, "changes nothing: order .* has quantity 1"),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:] or None,
)
async def test_a_change_whose_order_breaks_a_rule_raises_before_sending(
    sim: Simulator, aries: AriesClient, make: Any, field: str | None, message: str
) -> None:
    order, changes = await make(aries)
    with pytest.raises(ValidationError, match=message) as refused:
        await aries.orders.change(order, **changes)
    assert refused.value.field == field
    assert sim.requests[REPLACE] == 0
    assert order.cl_ord_id is not None
    assert sim.state.order(ACCOUNT, order.cl_ord_id).status in ("NEW", "PARTIALLY_FILLED")


async def test_an_order_that_has_ended_or_is_no_order_is_refused_before_sending(
    sim: Simulator, aries: AriesClient
) -> None:
    order = await working(aries, limit_buy())
    assert order.cl_ord_id is not None
    cancel = CancelRequest(
        orig_cl_ord_id=order.cl_ord_id, account_id=ACCOUNT, symbol="AAPL", side="BUY"
    )
    assert (await aries.orders.cancel(cancel)).accepted
    (ended,) = [o for o in await aries.orders.active(ACCOUNT) if o.cl_ord_id == order.cl_ord_id]
    assert ended.ord_status == OrderStatus.CANCELED
    with pytest.raises(ValidationError, match="is CANCELED: nothing to change") as refused:
        await aries.orders.change(ended, price="1.60")
    assert refused.value.field == "order"
    with pytest.raises(ValidationError, match="order must be an Order") as refused:
        await aries.orders.change(cancel, price="1.60")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="account id") as refused:
        await aries.orders.change(Order(cl_ord_id="X-1", symbol="AAPL"), price="1.60")
    assert sim.requests[REPLACE] == 0


async def test_a_refused_change_keeps_the_errors_of_replace(
    sim: Simulator, aries: AriesClient
) -> None:
    """What the server says is told as ``replace()`` tells it: a refusal in the answer is an
    acknowledgement that says so, once."""
    order = await working(aries, limit_buy())
    ack = await aries.orders.change(order, quantity=100_000_000, price="99")
    assert not ack.accepted and ack.status == OrderStatus.REJECTED
    assert sim.requests[REPLACE] == 1
