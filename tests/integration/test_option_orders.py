"""Option orders as a user builds them from a chain (rest.md sections 6.1-6.4 and 13): legs
that name their contract by its OSI symbol, and spreads replaced and cancelled, against the
simulator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.errors import BadRequestError
from aries_async.models.options import OptionContract
from aries_async.models.order_requests import OrderLeg, OrderRequest, ReplaceRequest
from aries_async.models.orders import OrderStatus, PutCall

ACCOUNT = "TEST-SIM-001"


async def _calls(aries: AriesClient) -> tuple[date, OptionContract, OptionContract]:
    """An expiry and two of its calls, five strikes apart, as the chain lists them."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    calls = (await aries.market.option_chain("AAPL", expiry)).calls
    return expiry, calls[5], calls[6]


def _osi_leg(contract: OptionContract, side: str) -> OrderLeg:
    assert contract.osi is not None
    return OrderLeg(security_type="OPT", side=side, position_effect="OPEN", symbol=contract.osi)


_GTC_BUY: dict[str, Any] = {
    "account_id": ACCOUNT,
    "side": "BUY",
    "type": "LIMIT",
    "quantity": 1,
    "time_in_force": "GTC",
}


def _buy(price: str, legs: list[OrderLeg]) -> OrderRequest:
    """A limit buy of one of ``legs`` (a spread, or one option) on AAPL, good till cancelled."""
    return OrderRequest(symbol="AAPL", price=price, legs=legs, **_GTC_BUY)


async def test_a_spread_of_legs_named_by_osi_symbols_is_placed(aries: AriesClient) -> None:
    """OrderLeg takes an OSI symbol in place of put_call, strike_price and maturity; such a
    spread used to pass validation and then come back refused (``putCall is required``):
    the legs now carry the contract's terms, read from its OSI symbol."""
    expiry, low, high = await _calls(aries)
    async with aries.account_stream(ACCOUNT) as stream:
        ack = await aries.orders.place(_buy("2.00", [_osi_leg(low, "BUY"), _osi_leg(high, "SELL")]))
        assert ack.success, ack.text
        order = await stream.wait_for_order(ack, "NEW", timeout=5)
    terms = [(leg.put_call, leg.strike_price, leg.maturity) for leg in order.legs]
    assert terms == [
        (PutCall.CALL, low.strike_price, expiry),
        (PutCall.CALL, high.strike_price, expiry),
    ]


async def test_a_spread_replaced_without_its_legs_is_refused(aries: AriesClient) -> None:
    """rest.md 6.3: multi-leg replaces must send ``legs``. The simulator used to accept one
    without and keep the old legs, so a bot that forgot them passed here and failed live."""
    _, low, high = await _calls(aries)
    legs = [_osi_leg(low, "BUY"), _osi_leg(high, "SELL")]
    async with aries.account_stream(ACCOUNT) as stream:
        ack = await aries.orders.place(_buy("0.05", legs))
        assert ack.success and ack.cl_ord_id is not None
        await stream.wait_for_order(ack, "NEW", timeout=5)
        orig = ack.cl_ord_id
        with pytest.raises(BadRequestError, match="legs") as info:
            await aries.orders.replace(
                ReplaceRequest(orig_cl_ord_id=orig, account_id=ACCOUNT, symbol="AAPL", price="0.06")
            )
        assert info.value.status == 400
        (still,) = [o for o in await aries.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id]
        assert still.ord_status == OrderStatus.NEW and still.price == Decimal("0.05")
        replaced = await aries.orders.replace(
            ReplaceRequest(
                orig_cl_ord_id=orig, account_id=ACCOUNT, symbol="AAPL", price="0.06", legs=legs
            )
        )
        assert replaced.success, replaced.text
        order = await stream.wait_for_order(replaced, "NEW", timeout=5)
    assert order.price == Decimal("0.06") and len(order.legs) == 2


async def test_an_option_order_replaced_to_ioc_is_refused(aries: AriesClient) -> None:
    """Options take DAY or GTC only (rest.md 6.1), on a replace too. An option order placed
    with one leg under its underlying's symbol cannot be told an option by the client when
    replaced without legs; the simulator took it to IOC all the same."""
    _, call, _ = await _calls(aries)
    ack = await aries.orders.place(_buy("0.05", [_osi_leg(call, "BUY")]))
    assert ack.success and ack.cl_ord_id is not None
    change = ReplaceRequest(
        orig_cl_ord_id=ack.cl_ord_id, account_id=ACCOUNT, symbol="AAPL", time_in_force="IOC"
    )
    with pytest.raises(BadRequestError, match="DAY or GTC"):
        await aries.orders.replace(change)
