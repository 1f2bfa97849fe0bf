"""The simulator's position rules as a broker keeps them: a ``SELL`` beyond the position is
refused (going short takes ``SELL_SHORT``) and so is a ``BUY_TO_COVER`` beyond the short,
counting what the working orders of that side already sell or cover.

Raw REST calls on the simulation account, each answer checked against the API description
and the official ``finance-dev`` model (:func:`spec_check.check_answer`).
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


async def _place(api: SimApi, side: str, qty: int, price: Decimal | None = None) -> dict[str, Any]:
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
    status, body = await api.call("POST", "/v1/orders", json=order)
    check_answer("placeOrder", status, body)
    return dict(body)


async def _quantity(api: SimApi) -> Decimal:
    status, body = await api.call("GET", f"/v1/accounts/{ACCOUNT}/positions")
    check_answer("getAccountPositions", status, body)
    held = [p["quantity"] for p in body["positions"] if p["symbol"] == "MSFT"]
    return D(held[0]) if held else D(0)


@pytest.mark.parametrize(
    ("opening", "closing", "away"),
    [("BUY", "SELL", 5), ("SELL_SHORT", "BUY_TO_COVER", -5)],
)
async def test_working_orders_count_against_the_position_they_close(
    api: SimApi, sim: Simulator, opening: str, closing: str, away: int
) -> None:
    """A closing order beyond what the position has left once the working closing orders
    are counted is refused at intake, so the position never crosses zero; a replace may
    use its own order's share, and a cancel gives it back."""
    last = D(str(sim.feed.quote("MSFT").last))
    assert (await _place(api, opening, 100))["success"]
    first = await _place(api, closing, 60, last + away)
    assert first["success"] and first["status"] == "NEW", first
    second = await _place(api, closing, 60, last + away)
    assert not second["success"] and second["status"] == "REJECTED", second
    reason = second["ordRejReason"]
    assert "60 in working" in reason and closing in reason, reason
    third = await _place(api, closing, 40, last + away)
    assert third["success"], third

    body = {"tradingAccountId": ACCOUNT, "symbol": "MSFT", "side": closing}
    status, bigger = await api.call(
        "POST", "/v1/orders/replace", json=body | {"origClOrdId": first["clOrdId"], "qty": "70"}
    )
    check_answer("replaceOrder", status, bigger)
    assert not bigger["success"], bigger
    status, cancel = await api.call(
        "POST", "/v1/orders/cancel", json=body | {"origClOrdId": third["clOrdId"]}
    )
    check_answer("cancelOrder", status, cancel)
    status, bigger = await api.call(
        "POST", "/v1/orders/replace", json=body | {"origClOrdId": first["clOrdId"], "qty": "100"}
    )
    check_answer("replaceOrder", status, bigger)
    assert bigger["success"], bigger

    sim.feed.set_price("MSFT", last + 2 * away)
    assert await _quantity(api) == 0
