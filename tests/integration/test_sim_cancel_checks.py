"""A cancel names its order by ``origClOrdId`` and repeats the order's ``symbol`` and ``side``
(rest.md 6.4: both required; finance-dev: "Symbol on the original order. Use the exact
symbol from the order record"). The simulator refuses a cancel whose symbol or side is not
the order's, and leaves the order working: a bot whose cancel repeats them wrong passed its
test and fails against the real API.

The spec does not say how the refusal comes; rejections come either as an HTTP 200 with
``success: false`` or as an HTTP 400 (rest.md 6.1 UNCERTAIN), so the refusal follows the
simulator's switch for that: ``REJECTED`` by default, a 400 ``CANCEL_REJECTED`` with
``rejections_as_http``.
"""

from __future__ import annotations

from typing import Any

import pytest
from sim_http import SimApi
from sim_orders import order_status, resting_buy
from spec_check import check_answer

from aries_async import AriesClient
from aries_async.models.order_requests import CancelRequest
from aries_async.sim import Simulator

ACCOUNT = "TEST-SIM-001"
OSI = "AAPL260220C00250000"


def _cancel(cl_ord_id: str, **fields: str) -> dict[str, Any]:
    body = {"tradingAccountId": ACCOUNT, "origClOrdId": cl_ord_id}
    return body | {"symbol": "MSFT", "side": "BUY"} | fields


WRONG = [
    pytest.param({"symbol": "AAPL"}, "symbol", id="symbol"),
    pytest.param({"side": "SELL"}, "side", id="side"),
    pytest.param({"side": "BUY_TO_COVER"}, "side", id="side-cover"),
]


@pytest.mark.parametrize(("wrong", "field"), WRONG)
async def test_a_cancel_naming_another_symbol_or_side_is_refused(
    api: SimApi, sim: Simulator, wrong: dict[str, str], field: str
) -> None:
    cl_ord_id = await resting_buy(api, ACCOUNT)
    status, answer = await api.call("POST", "/v1/orders/cancel", json=_cancel(cl_ord_id, **wrong))
    check_answer("cancelOrder", status, answer)
    assert answer["success"] is False and answer["status"] == "REJECTED", answer
    assert answer["origClOrdId"] == cl_ord_id
    assert field in answer["text"] and next(iter(wrong.values())) in answer["text"], answer
    assert await order_status(api, ACCOUNT, cl_ord_id) == "NEW"
    sim.state.rejections_as_http = True
    status, answer = await api.call("POST", "/v1/orders/cancel", json=_cancel(cl_ord_id, **wrong))
    assert status == 400 and answer["error"]["code"] == "CANCEL_REJECTED", answer
    assert await order_status(api, ACCOUNT, cl_ord_id) == "NEW"
    status, answer = await api.call("POST", "/v1/orders/cancel", json=_cancel(cl_ord_id))
    check_answer("cancelOrder", status, answer)
    assert answer["success"], answer
    assert await order_status(api, ACCOUNT, cl_ord_id) == "CANCELED"


async def test_the_client_reads_the_refusal_as_a_refused_cancel(
    api: SimApi, sim: Simulator, aries: AriesClient
) -> None:
    cl_ord_id = await resting_buy(api, ACCOUNT)
    request = CancelRequest(
        orig_cl_ord_id=cl_ord_id, account_id=ACCOUNT, symbol="MSFT", side="SELL"
    )
    ack = await aries.orders.cancel(request)
    assert not ack.success and ack.text is not None and "side" in ack.text
    assert await order_status(api, ACCOUNT, cl_ord_id) == "NEW"


@pytest.mark.parametrize("named_by", ["osi", "underlying"])
async def test_an_option_order_is_named_by_its_contract_or_its_underlying(
    api: SimApi, sim: Simulator, named_by: str
) -> None:
    """rest.md 6.4: an option cancel gives the OSI symbol, or the underlying and the terms."""
    cl_ord_id = await resting_buy(api, ACCOUNT, symbol=OSI, price="0.05")
    fields = {"symbol": OSI}
    if named_by == "underlying":
        fields = {
            "symbol": "AAPL",
            "securityType": "OPT",
            "putCall": "CALL",
            "strikePrice": "250",
            "maturity": "2026-02-20",
        }
    status, answer = await api.call("POST", "/v1/orders/cancel", json=_cancel(cl_ord_id, **fields))
    check_answer("cancelOrder", status, answer)
    assert answer["success"], answer
    assert await order_status(api, ACCOUNT, cl_ord_id) == "CANCELED"


PUT = OSI.replace("C", "P")
OTHER_CONTRACTS = [
    pytest.param({"symbol": PUT}, PUT, id="osi"),
    pytest.param(
        {"symbol": "AAPL", "putCall": "P", "strikePrice": "250", "maturity": "2026-02-20"},
        "option terms",
        id="underlying",
    ),
]


@pytest.mark.parametrize(("fields", "told"), OTHER_CONTRACTS)
async def test_an_option_order_is_not_canceled_by_another_contract(
    api: SimApi, sim: Simulator, fields: dict[str, str], told: str
) -> None:
    cl_ord_id = await resting_buy(api, ACCOUNT, symbol=OSI, price="0.05")
    status, answer = await api.call("POST", "/v1/orders/cancel", json=_cancel(cl_ord_id, **fields))
    check_answer("cancelOrder", status, answer)
    assert answer["success"] is False and told in answer["text"], answer
    assert await order_status(api, ACCOUNT, cl_ord_id) == "NEW"
