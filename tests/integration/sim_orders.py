"""A working order placed on a simulator over raw HTTP, and its status: the setups of the
simulator's order-amendment tests (cancels and replaces)."""

from __future__ import annotations

from typing import Any

from sim_http import SimApi
from spec_check import check_answer

__all__ = ["order_status", "resting_buy"]


async def resting_buy(api: SimApi, account: str, symbol: str = "MSFT", **extra: Any) -> str:
    """A GTC limit buy far under the market (1 for MSFT, 0.05 for an option), working, with
    ``extra`` fields over it; its ``clOrdId``."""
    order = {
        "tradingAccountId": account,
        "symbol": symbol,
        "side": "BUY",
        "type": "LIMIT",
        "qty": "1",
        "price": "1" if symbol == "MSFT" else "0.05",
        "timeInForce": "GTC",
    }
    status, ack = await api.call("POST", "/v1/orders", json=order | extra)
    check_answer("placeOrder", status, ack)
    assert ack["success"] and ack["status"] == "NEW", ack
    return str(ack["clOrdId"])


async def order_status(api: SimApi, account: str, cl_ord_id: str) -> str:
    """The ``ordStatus`` of working order ``cl_ord_id`` of ``account``."""
    status, body = await api.call("GET", f"/v2/accounts/{account}/orders")
    check_answer("listActiveOrders", status, body)
    return str(next(o for o in body["orders"] if o["clOrdId"] == cl_ord_id)["ordStatus"])
