"""The simulator's balance as a broker keeps it: the per-order fee of the spec's preview
example is charged on buys and sells alike, ``intradayMarginBalance`` is the margin loan
outstanding, a working order holds the buying power its preview says it takes until it
ends, and a working sale (or cover) holds the shares it closes.

Raw REST calls, each answer checked against the API description and the official
``finance-dev`` model (:func:`spec_check.check_answer`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import AccountEvent, Simulator

ACCOUNT = "TEST-ACCOUNT-001"


async def _balance(api: SimApi) -> dict[str, Any]:
    status, body = await api.call("GET", f"/v2/accounts/{ACCOUNT}/balance")
    check_answer("getAccountBalance", status, body)
    return dict(body)


async def _preview(api: SimApi, order: dict[str, Any]) -> dict[str, Any]:
    status, body = await api.call("POST", "/v1/orders/preview", json=order)
    check_answer("previewOrder", status, body)
    return dict(body)


async def _place(api: SimApi, order: dict[str, Any]) -> dict[str, Any]:
    status, body = await api.call("POST", "/v1/orders", json=order)
    check_answer("placeOrder", status, body)
    return dict(body)


async def _amend(api: SimApi, action: str, cl_ord_id: str, **extra: str) -> dict[str, Any]:
    """``POST /v1/orders/{action}`` (replace, cancel) of a BUY of AAPL; the answer, checked."""
    body = {"tradingAccountId": ACCOUNT, "origClOrdId": cl_ord_id, "symbol": "AAPL", "side": "BUY"}
    status, answer = await api.call("POST", f"/v1/orders/{action}", json=body | extra)
    check_answer(f"{action}Order", status, answer)
    return dict(answer)


def _order(side: str, qty: int, price: Decimal | None = None, **extra: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "tradingAccountId": ACCOUNT,
        "symbol": "AAPL",
        "side": side,
        "type": "MARKET" if price is None else "LIMIT",
        "qty": str(qty),
        "timeInForce": "DAY",
    }
    if price is not None:
        order["price"] = str(price)
    return order | extra


async def _filled(api: SimApi, sim: Simulator, cl_ord_id: str) -> dict[str, Any]:
    """The order once filled, the clock moved a feed step at a time (the touch offers only its
    size each step)."""
    for _ in range(200):
        status, body = await api.call("GET", f"/v2/accounts/{ACCOUNT}/orders")
        assert status == 200
        order = next(o for o in body["orders"] if o["clOrdId"] == cl_ord_id)
        if order["ordStatus"] == "FILLED":
            return dict(order)
        sim.advance(sim.feed.step_seconds)
    raise AssertionError(f"{cl_ord_id} did not fill")


D = Decimal

# -- fees -------------------------------------------------------------------------------------


async def test_a_buy_pays_the_per_order_fee_its_preview_quotes_as_in_the_spec(
    api: SimApi, sim: Simulator
) -> None:
    """rest.md's preview example (examples/orders.preview.*): ``BUY 10 AAPL MARKET`` quotes
    ``fees: "0.01"`` and ``buyingPowerImpact`` = ``estimatedCost`` + fees; the fill charges it."""
    preview = await _preview(api, _order("BUY", 10))
    assert preview["fees"] == "0.01"
    assert D(preview["buyingPowerImpact"]) == D(preview["estimatedCost"]) + D("0.01")
    before = await _balance(api)
    ack = await _place(api, _order("BUY", 10))
    filled = await _filled(api, sim, ack["clOrdId"])
    after = await _balance(api)
    cost = D(filled["cumQty"]) * D(filled["avgPrice"])
    assert D(after["cashBalance"]) == D(before["cashBalance"]) - cost - D("0.01")
    assert D(after["valueBought"]) - D(before["valueBought"]) == cost


async def test_a_sale_pays_the_per_order_fee_besides_its_regulatory_fees(
    api: SimApi, sim: Simulator
) -> None:
    bought = await _place(api, _order("BUY", 10))
    await _filled(api, sim, bought["clOrdId"])
    preview = await _preview(api, _order("SELL", 10))
    proceeds = D(preview["estimatedCost"])
    regulatory = (proceeds * D("0.0000278")).quantize(D("0.01"))
    assert D(preview["fees"]) == regulatory + D("0.01")
    before = await _balance(api)
    sold = await _place(api, _order("SELL", 10))
    filled = await _filled(api, sim, sold["clOrdId"])
    after = await _balance(api)
    value = D(filled["cumQty"]) * D(filled["avgPrice"])
    fees = (value * D("0.0000278")).quantize(D("0.01")) + D("0.01")
    assert D(after["cashBalance"]) == D(before["cashBalance"]) + value - fees


# -- intradayMarginBalance --------------------------------------------------------------------


def _loan(balance: dict[str, Any]) -> Decimal:
    """The SDK's rule for ``intradayMarginBalance``: the start-of-day margin trade balance,
    rolled forward through the day's trades, sign-inverted (a loan is positive)."""
    rolled = D(balance["sodMarginTradeBalance"]) + D(balance["valueSold"])
    return max(D(0), -(rolled - D(balance["valueBought"])))


async def test_intraday_margin_balance_is_the_margin_loan_outstanding(
    api: SimApi, sim: Simulator
) -> None:
    """finance-dev's ``AccountBalanceV2.intraday_margin_balance``: "Margin loan currently
    outstanding, returned as a positive decimal string", rolled forward from the start-of-day
    margin trade balance by ``valueSold`` minus ``valueBought``."""
    start = await _balance(api)
    assert start["intradayMarginBalance"] == "0.00"
    assert D(start["sodMarginTradeBalance"]) == D(start["startOfDayCash"])
    ask = D(str(sim.feed.quote("AAPL").ask))
    qty = int(D(start["cashBalance"]) * D("1.5") / ask)  # half again what the cash pays for
    fees = D((await _preview(api, _order("BUY", qty)))["fees"])  # a buy's: per share only
    ack = await _place(api, _order("BUY", qty))
    assert ack["success"], ack
    await _filled(api, sim, ack["clOrdId"])
    borrowed = await _balance(api)
    loan = D(borrowed["intradayMarginBalance"])
    assert loan > 0 > D(borrowed["cashBalance"])
    assert abs(loan - _loan(borrowed)) <= D("0.01")  # each figure rounded to the cent
    assert loan == -D(borrowed["cashBalance"]) - fees  # the cash short, fees apart


# -- buying power held by working orders ------------------------------------------------------


async def test_a_resting_buy_holds_its_buying_power_until_it_ends(
    api: SimApi, sim: Simulator
) -> None:
    """A resting limit BUY takes what its preview's ``buyingPowerImpact`` says from the buying
    power; a second order beyond what is left is refused as one beyond the buying power is; a
    replace is checked with the order's own hold released; the cancel gives it all back."""
    free = await _balance(api)
    power = D(free["netBuyingPower"])
    limit = (D(str(sim.feed.quote("AAPL").bid)) * D("0.5")).quantize(D("0.01"))
    qty = int(power * D("0.6") / limit)
    resting = _order("BUY", qty, limit)
    impact = D((await _preview(api, resting))["buyingPowerImpact"])
    ack = await _place(api, resting)
    assert ack["success"] and ack["status"] == "NEW", ack
    held = await _balance(api)
    assert D(held["netBuyingPower"]) == power - impact
    assert D(held["stockBuyingPower"]) == power - impact
    half = D(free["optionBuyingPower"]) - impact / 2  # Reg T: a stock buy takes half in equity
    assert abs(D(held["optionBuyingPower"]) - half) <= D("0.005")
    assert D(held["pendingOrdersMarginRequirements"]) == impact
    assert held["pendingOrdersCount"] == 1

    second = await _place(api, _order("BUY", qty, limit))
    assert not second["success"] and second["ordRejReason"] == "insufficient buying power"
    preview = await _preview(api, _order("BUY", qty, limit))
    assert preview["errors"] == ["insufficient buying power"]

    # More of the same order: it needs only what it adds beyond its own hold.
    bigger = int(power * D("0.9") / limit)
    replaced = await _amend(api, "replace", ack["clOrdId"], qty=str(bigger))
    assert replaced["success"], replaced
    now_held = D((await _preview(api, _order("BUY", bigger, limit)))["buyingPowerImpact"])
    assert D((await _balance(api))["netBuyingPower"]) == power - now_held

    assert (await _amend(api, "cancel", replaced["clOrdId"]))["success"]
    after = await _balance(api)
    assert D(after["netBuyingPower"]) == power
    assert D(after["pendingOrdersMarginRequirements"]) == 0


async def test_an_expired_order_gives_its_buying_power_back(api: SimApi, sim: Simulator) -> None:
    power = D((await _balance(api))["netBuyingPower"])
    limit = (D(str(sim.feed.quote("AAPL").bid)) * D("0.5")).quantize(D("0.01"))
    ack = await _place(api, _order("BUY", 100, limit))
    assert ack["success"], ack
    assert D((await _balance(api))["netBuyingPower"]) < power
    sim.advance(24 * 3600)  # past the day's close: the DAY order expires
    api.headers = {"Authorization": sim.issue_token().authorization}  # an hour's has lapsed
    since = datetime.fromtimestamp(sim.clock.now() - 2 * 86400, UTC)
    status, body = await api.call(
        "GET",
        f"/v2/accounts/{ACCOUNT}/orders/history",
        params={"from": since.isoformat().replace("+00:00", "Z")},
    )
    assert status == 200
    assert next(o for o in body["orders"] if o["clOrdId"] == ack["clOrdId"])["ordStatus"] == (
        "EXPIRED"
    )
    after = await _balance(api)
    assert D(after["pendingOrdersMarginRequirements"]) == 0
    assert after["pendingOrdersCount"] == 0


async def test_a_resting_short_sale_holds_buying_power_as_a_buy_does(
    api: SimApi, sim: Simulator
) -> None:
    """A short sale borrows the shares it sells: a margin broker holds its value against the
    buying power as it does a buy's (the simulator's margin rule is Reg T's 2x on excess
    equity both ways), and its preview's ``buyingPowerImpact`` says so; one beyond the buying
    power is refused. (MSFT: the account is flat in it, and long AAPL, which it would sell
    first.)"""
    power = D((await _balance(api))["netBuyingPower"])
    limit = (D(str(sim.feed.quote("MSFT").ask)) * D("1.5")).quantize(D("0.01"))
    qty = int(power * D("0.6") / limit)
    order = _order("SELL_SHORT", qty, limit, symbol="MSFT")
    preview = await _preview(api, order)
    hold = D(preview["estimatedCost"]) + D(preview["fees"])
    assert D(preview["buyingPowerImpact"]) == hold
    ack = await _place(api, order)
    assert ack["success"] and ack["status"] == "NEW", ack
    assert D((await _balance(api))["netBuyingPower"]) == power - hold
    second = await _place(api, _order("SELL_SHORT", qty, limit, symbol="MSFT"))
    assert not second["success"] and second["ordRejReason"] == "insufficient buying power"


async def test_the_account_socket_hears_each_change_of_the_holds(
    api: SimApi, sim: Simulator
) -> None:
    """Placing, replacing and cancelling a resting order each change the buying power it
    holds, and each sends an ``account.balance`` event saying what the REST balance says."""
    balances: list[dict[str, Any]] = []

    def on_event(event: AccountEvent) -> None:
        if event.name == "account.balance":
            balances.append(event.data)

    sim.state.listen(ACCOUNT, on_event)
    limit = (D(str(sim.feed.quote("AAPL").bid)) * D("0.5")).quantize(D("0.01"))
    ack = await _place(api, _order("BUY", 100, limit, timeInForce="GTC"))
    assert ack["success"], ack
    assert balances and balances[-1] == await _balance(api)
    held = D(balances[-1]["pendingOrdersMarginRequirements"])
    replaced = await _amend(api, "replace", ack["clOrdId"], qty="200")
    assert replaced["success"], replaced
    assert len(balances) == 2 and balances[-1] == await _balance(api)
    assert D(balances[-1]["pendingOrdersMarginRequirements"]) > held
    assert (await _amend(api, "cancel", replaced["clOrdId"]))["success"]
    assert len(balances) == 3 and balances[-1]["pendingOrdersCount"] == 0


async def _quantity(api: SimApi, symbol: str) -> Decimal:
    status, body = await api.call("GET", f"/v1/accounts/{ACCOUNT}/positions")
    check_answer("getAccountPositions", status, body)
    held = [p["quantity"] for p in body["positions"] if p["symbol"] == symbol]
    return D(held[0]) if held else D(0)


@pytest.mark.parametrize(
    ("opening", "closing", "away"),
    [("BUY", "SELL", 5), ("SELL_SHORT", "BUY_TO_COVER", -5)],
)
async def test_working_orders_count_against_the_position_they_close(
    api: SimApi, sim: Simulator, opening: str, closing: str, away: int
) -> None:
    """A SELL beyond the position is refused (going short takes SELL_SHORT), a BUY_TO_COVER
    beyond the short too, counting what the working orders of that side already close: so
    the position never crosses zero; a replace may use its own order's share, and a cancel
    gives it back."""

    def msft(side: str, qty: int, price: Decimal | None = None) -> dict[str, Any]:
        # None held: the account's seeded trades closed it.
        return _order(side, qty, price, symbol="MSFT", timeInForce="GTC")

    last = D(str(sim.feed.quote("MSFT").last))
    assert (await _place(api, msft(opening, 100)))["success"]
    first = await _place(api, msft(closing, 60, last + away))
    assert first["success"] and first["status"] == "NEW", first
    second = await _place(api, msft(closing, 60, last + away))
    assert not second["success"] and second["status"] == "REJECTED", second
    reason = second["ordRejReason"]
    assert "60 in working" in reason and closing in reason, reason
    third = await _place(api, msft(closing, 40, last + away))
    assert third["success"], third

    same = {"symbol": "MSFT", "side": closing}
    assert not (await _amend(api, "replace", first["clOrdId"], qty="70", **same))["success"]
    assert (await _amend(api, "cancel", third["clOrdId"], **same))["success"]
    assert (await _amend(api, "replace", first["clOrdId"], qty="100", **same))["success"]
    sim.feed.set_price("MSFT", last + 2 * away)
    assert await _quantity(api, "MSFT") == 0
