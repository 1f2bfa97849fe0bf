"""Option orders as a user builds them from a chain (rest.md sections 6.1-6.4 and 13): legs
that name their contract by its OSI symbol, and spreads replaced and cancelled, against the
simulator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from aries_async import AriesClient
from aries_async.models.options import OptionContract
from aries_async.models.order_requests import OrderLeg, OrderRequest
from aries_async.models.orders import PutCall

ACCOUNT = "TEST-SIM-001"


async def _calls(aries: AriesClient) -> tuple[date, OptionContract, OptionContract]:
    """An expiry and two of its calls, five strikes apart, as the chain lists them."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    calls = (await aries.market.option_chain("AAPL", expiry)).calls
    return expiry, calls[5], calls[6]


def _osi_leg(contract: OptionContract, side: str) -> OrderLeg:
    assert contract.osi is not None
    return OrderLeg(security_type="OPT", side=side, position_effect="OPEN", symbol=contract.osi)


async def test_a_spread_of_legs_named_by_osi_symbols_is_placed(aries: AriesClient) -> None:
    """OrderLeg takes an OSI symbol in place of put_call, strike_price and maturity; such a
    spread used to pass validation and then come back refused (``putCall is required``):
    the legs now carry the contract's terms, read from its OSI symbol."""
    expiry, low, high = await _calls(aries)
    request = OrderRequest(
        account_id=ACCOUNT,
        symbol="AAPL",
        side="BUY",
        type="LIMIT",
        quantity=1,
        price=Decimal("2.00"),
        legs=[_osi_leg(low, "BUY"), _osi_leg(high, "SELL")],
    )
    async with aries.account_stream(ACCOUNT) as stream:
        ack = await aries.orders.place(request)
        assert ack.success, ack.text
        order = await stream.wait_for_order(ack, "NEW", timeout=5)
    terms = [(leg.put_call, leg.strike_price, leg.maturity) for leg in order.legs]
    assert terms == [
        (PutCall.CALL, low.strike_price, expiry),
        (PutCall.CALL, high.strike_price, expiry),
    ]
