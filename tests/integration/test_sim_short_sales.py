"""Short sales in the simulator follow the sides as the spec's source defines them: ``SELL``
sells shares the account holds, ``SELL_SHORT`` sells shares it does not own (opening a
short), ``BUY_TO_COVER`` closes a short (finance-dev's ``OrderSideEnum``; rest.md lists the
four sides). So a ``SELL_SHORT`` is refused while the account is long the symbol, and no fill
ever makes a ``SELL`` sell shares the account no longer holds (or a ``BUY_TO_COVER`` cover a
short it no longer has, or a ``SELL_SHORT`` sell shares it holds): what a working order can no
longer do by its side is cancelled when it would fill, the position never crossing zero by
it.

A bot tested against a simulator that let these through would pass a test that the real API
fails: its short sale refused while long, or its working sale left with nothing to sell.

Raw REST calls on the simulation account (which holds nothing at the start), each answer
checked against the API description and the official ``finance-dev`` model
(:func:`spec_check.check_answer`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import Simulator

ACCOUNT = "TEST-SIM-001"
D = Decimal


def _order(side: str, qty: int, price: Decimal | None = None) -> dict[str, Any]:
    """A GTC order of MSFT: at the market, or at the limit ``price``."""
    order: dict[str, Any] = {
        "tradingAccountId": ACCOUNT,
        "symbol": "MSFT",
        "side": side,
        "type": "MARKET" if price is None else "LIMIT",
        "qty": str(qty),
        "timeInForce": "GTC",
    }
    if price is not None:
        order["price"] = str(price)
    return order


async def _place(api: SimApi, order: dict[str, Any]) -> dict[str, Any]:
    status, body = await api.call("POST", "/v1/orders", json=order)
    check_answer("placeOrder", status, body)
    return dict(body)


async def _preview(api: SimApi, order: dict[str, Any]) -> dict[str, Any]:
    status, body = await api.call("POST", "/v1/orders/preview", json=order)
    check_answer("previewOrder", status, body)
    return dict(body)


async def _held(api: SimApi) -> Decimal:
    """The account's MSFT position (0 when none)."""
    status, body = await api.call("GET", f"/v1/accounts/{ACCOUNT}/positions")
    check_answer("getAccountPositions", status, body)
    return sum((D(p["quantity"]) for p in body["positions"] if p["symbol"] == "MSFT"), D(0))


async def _orders(api: SimApi) -> dict[str, dict[str, Any]]:
    """Today's orders by ``clOrdId``."""
    status, body = await api.call("GET", f"/v2/accounts/{ACCOUNT}/orders")
    check_answer("listActiveOrders", status, body)
    return {o["clOrdId"]: o for o in body["orders"] or []}


async def _long(api: SimApi, qty: int) -> None:
    """Buy ``qty`` shares at the market (the touch offers at least 100 a step)."""
    assert (await _place(api, _order("BUY", qty)))["success"]
    assert await _held(api) == qty


def _last(sim: Simulator) -> Decimal:
    return D(str(sim.feed.quote("MSFT").last))


@pytest.mark.parametrize("kind", ["market", "limit"])
async def test_a_short_sale_is_refused_while_the_account_is_long(
    api: SimApi, sim: Simulator, kind: str
) -> None:
    """The shares held are sold with ``SELL``; ``SELL_SHORT`` waits for a flat account."""
    await _long(api, 100)
    price = None if kind == "market" else _last(sim) + 5
    order = _order("SELL_SHORT", 50, price)
    preview = await _preview(api, order)
    assert len(preview["errors"]) == 1 and "SELL the shares held" in preview["errors"][0]
    ack = await _place(api, order)
    assert not ack["success"] and ack["status"] == "REJECTED", ack
    assert ack["ordRejReason"] == preview["errors"][0]
    assert "100 held" in ack["ordRejReason"], ack
    assert await _held(api) == 100
    sim.state.rejections_as_http = True
    status, body = await api.call("POST", "/v1/orders", json=order)
    assert status == 400 and body["error"]["code"] == "ORDER_REJECTED", body


async def test_a_working_sale_never_sells_what_a_short_sale_sold_first(
    api: SimApi, sim: Simulator
) -> None:
    """The user's report: long 100 with a working SELL of the 100, a short sale of 50 that
    fills first left the SELL to sell 50 shares the account no longer held (ending short 50
    through a ``SELL``). The short sale is refused now, and the SELL sells the 100."""
    await _long(api, 100)
    last = _last(sim)
    sell = await _place(api, _order("SELL", 100, last + 5))
    assert sell["success"] and sell["status"] == "NEW", sell
    short = await _place(api, _order("SELL_SHORT", 50))
    assert not short["success"], short
    sim.feed.set_price("MSFT", last + 10)
    sim.advance(sim.feed.step_seconds * 4)
    assert (await _orders(api))[sell["clOrdId"]]["ordStatus"] == "FILLED"
    assert await _held(api) == 0


async def test_a_resting_short_sale_does_not_fill_once_the_account_is_long(
    api: SimApi, sim: Simulator
) -> None:
    """A short sale placed while flat rests; a buy then makes the account long, and a SELL
    sells those shares. The short sale, marketable first, would sell shares the account
    holds (and leave the SELL short of them): it is cancelled instead, with why, and the
    SELL still sells the 100."""
    last = _last(sim)
    short = await _place(api, _order("SELL_SHORT", 50, last + 2))
    assert short["success"] and short["status"] == "NEW", short
    await _long(api, 100)
    sell = await _place(api, _order("SELL", 100, last + 6))
    assert sell["success"] and sell["status"] == "NEW", sell
    sim.feed.set_price("MSFT", last + 4)  # the short sale's limit, not the SELL's
    orders = await _orders(api)
    assert orders[short["clOrdId"]]["ordStatus"] == "CANCELED", orders[short["clOrdId"]]
    assert orders[short["clOrdId"]]["cumQty"] == "0"
    assert "long" in orders[short["clOrdId"]]["text"]
    assert await _held(api) == 100
    sim.feed.set_price("MSFT", last + 10)
    sim.advance(sim.feed.step_seconds * 4)
    assert (await _orders(api))[sell["clOrdId"]]["ordStatus"] == "FILLED"
    assert await _held(api) == 0


async def test_a_working_cover_covers_no_more_than_the_short_left(
    api: SimApi, sim: Simulator
) -> None:
    """Short 100 with a working BUY_TO_COVER of the 100, a BUY of 60 covers first: the
    cover fills the 40 still short and the rest is cancelled, rather than buying the account
    long 60 through a ``BUY_TO_COVER``."""
    assert (await _place(api, _order("SELL_SHORT", 100)))["success"]
    assert await _held(api) == -100
    last = _last(sim)
    cover = await _place(api, _order("BUY_TO_COVER", 100, last - 5))
    assert cover["success"] and cover["status"] == "NEW", cover
    assert (await _place(api, _order("BUY", 60)))["success"]
    assert await _held(api) == -40
    sim.feed.set_price("MSFT", last - 10)
    sim.advance(sim.feed.step_seconds * 4)
    order = (await _orders(api))[cover["clOrdId"]]
    assert order["ordStatus"] == "CANCELED" and order["cumQty"] == "40", order
    assert order["leavesQty"] == "0" and "short" in order["text"], order
    assert await _held(api) == 0


@pytest.mark.parametrize("kind", ["market", "limit"])
async def test_a_server_that_takes_a_short_sale_while_long_nets_it_against_the_shares(
    api: SimApi, sim: Simulator, kind: str
) -> None:
    """The spec does not say the server refuses a ``SELL_SHORT`` while long (finance-dev only
    defines the side); ``faults.short_sale_while_long`` stands for a server that takes it:
    the sale nets against the shares held, as any sale of the position does."""
    sim.faults.short_sale_while_long = True
    await _long(api, 100)
    price = None if kind == "market" else _last(sim) - 5  # marketable at once
    order = _order("SELL_SHORT", 150, price)
    assert (await _preview(api, order))["errors"] == []
    ack = await _place(api, order)
    assert ack["success"] and ack["status"] == "NEW", ack
    placed = (await _orders(api))[ack["clOrdId"]]
    assert placed["ordStatus"] == "FILLED" and placed["cumQty"] == "150", placed
    assert await _held(api) == -50


async def test_a_resting_short_sale_fills_on_a_long_account_where_the_server_takes_it(
    api: SimApi, sim: Simulator
) -> None:
    """Under the switch, a short sale resting from a flat account still fills whole once a
    buy has made the account long: nothing is cancelled for the side."""
    sim.faults.short_sale_while_long = True
    last = _last(sim)
    short = await _place(api, _order("SELL_SHORT", 50, last + 2))
    assert short["success"] and short["status"] == "NEW", short
    await _long(api, 100)
    sim.feed.set_price("MSFT", last + 4)
    order = (await _orders(api))[short["clOrdId"]]
    assert order["ordStatus"] == "FILLED" and order["cumQty"] == "50", order
    assert await _held(api) == 50
