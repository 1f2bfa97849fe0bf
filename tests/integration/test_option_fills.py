"""Option orders fill in the simulator as equity orders do, against the contract's quote (the
one ``market.option_details()`` answers, priced from the underlying's walk): a bot's option
fill handling gets fills, positions in contracts and cash moved by the premium x 100
and 0.65 a contract in fees (what the preview quotes as ``optionFees``), and a sale's
regulatory ``fees``.

The simulator starts on Thursday 2026-01-15 10:00 New York, the market open.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal

import attrs
import pytest

from aries_async import AriesClient
from aries_async.models.options import OptionContract
from aries_async.models.order_requests import (
    CancelRequest,
    OrderLeg,
    OrderRequest,
    ReplaceRequest,
)
from aries_async.models.orders import OrderStatus
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK

ACCOUNT = "TEST-SIM-001"
CONTRACT = Decimal(100)
FEE = Decimal("0.65")  # the simulator's option fee, a contract traded


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """A manual clock whose walk steps once a minute (a session is a few hundred steps)."""
    async with Simulator(seed=0, clock=ManualClock(), tick_interval=None, step_seconds=60) as s:
        yield s


async def _calls(aries: AriesClient) -> list[OptionContract]:
    """The calls of AAPL's second expiry, as the chain lists them."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    return (await aries.market.option_chain("AAPL", expiry)).calls


async def _call(aries: AriesClient, index: int) -> str:
    """The OSI symbol of the ``index``-th of :func:`_calls` (8: the one nearest the money)."""
    osi = (await _calls(aries))[index].osi
    assert osi is not None
    return osi


async def _touch(aries: AriesClient, osi: str) -> tuple[Decimal, Decimal]:
    """The contract's ``(bid, ask)`` as the details route quotes it now."""
    (details,) = (await aries.market.option_details([osi])).data
    assert details.bid_price is not None and details.ask_price is not None
    return details.bid_price, details.ask_price


def _order(osi: str, side: str, quantity: int, price: Decimal | None = None) -> OrderRequest:
    """A DAY order of ``quantity`` contracts of ``osi`` (a limit one when ``price`` is given)."""
    return OrderRequest(
        account_id=ACCOUNT,
        symbol=osi,
        side=side,
        type="MARKET" if price is None else "LIMIT",
        quantity=quantity,
        price=price,
        time_in_force="DAY",
    )


async def _cash(aries: AriesClient) -> Decimal:
    cash = (await aries.accounts.balance(ACCOUNT)).cash_balance
    assert cash is not None
    return cash


async def test_a_marketable_option_buy_fills_at_the_ask(aries: AriesClient) -> None:
    osi = await _call(aries, 8)
    _, ask = await _touch(aries, osi)
    cash = await _cash(aries)
    async with aries.account_stream(ACCOUNT) as stream:
        ack = await aries.orders.place(_order(osi, "BUY", 1, ask + Decimal("0.50")))
        assert ack.success, ack.text
        order = await stream.wait_for_order(ack, timeout=5)
    assert order.ord_status == OrderStatus.FILLED
    assert (order.cumulative_quantity, order.average_price) == (Decimal(1), ask)
    (position,) = [p for p in await aries.accounts.positions(ACCOUNT) if p.symbol == osi]
    assert position.security_type == "OPTION"
    assert (position.quantity, position.average_price) == (Decimal(1), ask)
    assert position.cost_basis == ask * CONTRACT
    assert await _cash(aries) == cash - ask * CONTRACT - FEE


async def test_a_resting_option_limit_fills_when_the_underlying_moves(
    sim: Simulator, aries: AriesClient
) -> None:
    osi = await _call(aries, 8)
    _, ask = await _touch(aries, osi)
    limit = (ask * Decimal("0.8")).quantize(Decimal("0.01"))
    async with aries.account_stream(ACCOUNT) as stream:
        ack = await aries.orders.place(_order(osi, "BUY", 2, limit))
        assert ack.success, ack.text
        assert (await stream.wait_for_order(ack, "NEW", timeout=5)).ord_status == "NEW"
        # A call is cheaper with its underlying lower.
        sim.feed.set_price("AAPL", sim.feed.quote("AAPL").last_price * Decimal("0.95"))
        order = await stream.wait_for_order(ack, timeout=5)
    assert order.ord_status == OrderStatus.FILLED
    assert order.average_price is not None and order.average_price <= limit
    (position,) = [p for p in await aries.accounts.positions(ACCOUNT) if p.symbol == osi]
    assert position.quantity == Decimal(2)


async def test_an_option_position_is_sold_to_close_at_the_bid(aries: AriesClient) -> None:
    osi = await _call(aries, 8)
    bid, ask = await _touch(aries, osi)
    cash = await _cash(aries)
    async with aries.account_stream(ACCOUNT) as stream:
        bought = await stream.wait_for_order(
            await aries.orders.place(_order(osi, "BUY", 3)), timeout=5
        )
        assert bought.ord_status == OrderStatus.FILLED
        held = [p.quantity for p in await aries.accounts.positions(ACCOUNT) if p.symbol == osi]
        assert held == [Decimal(3)]
        sale = _order(osi, "SELL", 3)
        fees = (await aries.orders.preview(sale)).fees  # a sale's regulatory fees
        assert fees is not None
        sold = await stream.wait_for_order(await aries.orders.place(sale), timeout=5)
    assert (sold.ord_status, sold.average_price) == (OrderStatus.FILLED, bid)
    assert osi not in [p.symbol for p in await aries.accounts.positions(ACCOUNT)]
    assert await _cash(aries) == cash - 3 * (ask - bid) * CONTRACT - 6 * FEE - fees


async def test_a_day_option_order_expires_at_the_close(sim: Simulator, aries: AriesClient) -> None:
    osi = await _call(aries, 4)  # in the money: a cent never buys it
    async with aries.account_stream(ACCOUNT) as stream:
        ack = await aries.orders.place(_order(osi, "BUY", 1, Decimal("0.01")))
        assert (await stream.wait_for_order(ack, "NEW", timeout=5)).ord_status == "NEW"
        sim.advance(6 * 3600)  # to 16:00
        order = await stream.wait_for_order(ack, timeout=5)
    assert order.ord_status == OrderStatus.EXPIRED and order.cumulative_quantity == 0
    close = datetime(2026, 1, 15, 16, tzinfo=NEW_YORK)
    assert order.updated_at == close


def _leg(contract: OptionContract, side: str) -> OrderLeg:
    assert contract.osi is not None
    return OrderLeg(security_type="OPT", side=side, position_effect="OPEN", symbol=contract.osi)


def _spread(
    low: OptionContract, high: OptionContract, quantity: int, price: Decimal
) -> OrderRequest:
    """A limit buy of ``quantity`` spreads of ``low`` bought and ``high`` sold, at a net
    debit of ``price``, for the day."""
    legs = [_leg(low, "BUY"), _leg(high, "SELL")]
    return attrs.evolve(_order("AAPL", "BUY", quantity, price), legs=legs)


async def _vertical(
    aries: AriesClient,
) -> tuple[OptionContract, OptionContract, Decimal, Decimal]:
    """Two calls two strikes apart around the money, the lower's ask and the higher's bid."""
    calls = await _calls(aries)
    low, high = calls[7], calls[9]
    assert low.osi is not None and high.osi is not None
    _, low_ask = await _touch(aries, low.osi)
    high_bid, _ = await _touch(aries, high.osi)
    return low, high, low_ask, high_bid


async def test_a_vertical_spread_fills_all_legs_at_its_net_price(aries: AriesClient) -> None:
    low, high, low_ask, high_bid = await _vertical(aries)
    debit = low_ask - high_bid
    cash = await _cash(aries)
    spread = _spread(low, high, 2, debit + Decimal("0.10"))
    cheap = _spread(low, high, 1, debit - Decimal("0.50"))
    async with aries.account_stream(ACCOUNT) as stream:
        ack = await aries.orders.place(spread)
        assert ack.success, ack.text
        order = await stream.wait_for_order(ack, timeout=5)
        resting = await stream.wait_for_order(await aries.orders.place(cheap), "NEW", timeout=5)
    assert order.ord_status == OrderStatus.FILLED and order.cumulative_quantity == Decimal(2)
    assert [leg.average_price for leg in order.legs] == [low_ask, high_bid]
    assert resting.ord_status == OrderStatus.NEW
    held = {p.symbol: p.quantity for p in await aries.accounts.positions(ACCOUNT)}
    assert (held[low.osi], held[high.osi]) == (Decimal(2), Decimal(-2))
    assert await _cash(aries) == cash - 2 * debit * CONTRACT - 4 * FEE


async def test_an_option_buy_beyond_buying_power_is_rejected(
    sim: Simulator, aries: AriesClient
) -> None:
    """A contract costs its premium x 100: a cash account that has the premium but not a
    hundred times it cannot buy one."""
    sim.state.add_account("SMALL-1", cash=Decimal(50))
    osi = await _call(aries, 8)
    _, ask = await _touch(aries, osi)
    assert ask < 50 < ask * CONTRACT
    order = _order(osi, "BUY", 1, ask)
    ack = await aries.orders.place(attrs.evolve(order, account_id="SMALL-1"))
    assert not ack.success and ack.status == OrderStatus.REJECTED
    assert ack.ord_rej_reason == "insufficient buying power"
    assert await aries.accounts.positions("SMALL-1") == []


async def test_a_resting_spread_replaced_at_a_marketable_price_fills(aries: AriesClient) -> None:
    low, high, low_ask, high_bid = await _vertical(aries)
    cheap = _spread(low, high, 1, Decimal("0.05"))
    async with aries.account_stream(ACCOUNT) as stream:
        ack = await aries.orders.place(cheap)
        assert (await stream.wait_for_order(ack, "NEW", timeout=5)).ord_status == "NEW"
        assert ack.cl_ord_id is not None
        change = ReplaceRequest(
            orig_cl_ord_id=ack.cl_ord_id,
            account_id=ACCOUNT,
            symbol="AAPL",
            price=low_ask,
            legs=cheap.legs,
        )
        replaced = await aries.orders.replace(change)
        assert replaced.success, replaced.text
        order = await stream.wait_for_order(replaced, timeout=5)
    assert order.ord_status == OrderStatus.FILLED
    assert [leg.average_price for leg in order.legs] == [low_ask, high_bid]
    (old,) = [o for o in await aries.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id]
    assert old.ord_status == OrderStatus.REPLACED
    assert [leg.average_price for leg in old.legs] == [None, None]


async def test_an_order_for_an_expired_contract_is_rejected(aries: AriesClient) -> None:
    """A contract past its expiration day no longer trades: the order is refused."""
    expired = "AAPL251219C00150000"  # the simulator's clock is on 2026-01-15
    ack = await aries.orders.place(_order(expired, "BUY", 1, Decimal("1.00")))
    assert not ack.success and ack.status == OrderStatus.REJECTED
    assert ack.ord_rej_reason == "option contract expired on 2025-12-19"


async def test_a_gtc_option_order_ends_with_its_contract(
    sim: Simulator, aries: AriesClient
) -> None:
    """GTC works until filled or canceled, but not past the contract: a resting order expires
    at the close of the contract's expiration day."""
    osi = await _call(aries, 0)  # deep in the money: a low bid does not fill
    maturity = (await aries.market.option_expirations("AAPL"))[1]  # that of _calls
    order = attrs.evolve(_order(osi, "BUY", 1, Decimal("0.01")), time_in_force="GTC")
    ack = await aries.orders.place(order)
    assert ack.success
    close = datetime(maturity.year, maturity.month, maturity.day, 16, tzinfo=NEW_YORK)
    sim.advance(close.timestamp() - sim.clock.now() + 60)
    (done,) = [o for o in await aries.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id]
    assert done.ord_status == OrderStatus.EXPIRED
    assert done.updated_at == close


async def test_an_option_fill_costs_the_fees_its_preview_quotes(aries: AriesClient) -> None:
    """A bot that previews, places and then checks its cash finds the premium x 100 and the
    preview's ``optionFees`` gone: 0.65 a contract, on every fill, buy or sell; a sale pays
    the regulatory ``fees`` its preview quotes too."""
    osi = await _call(aries, 8)
    bid, ask = await _touch(aries, osi)
    buy, sell = _order(osi, "BUY", 3), _order(osi, "SELL", 3)
    bought_preview, sold_preview = await aries.orders.preview(buy), await aries.orders.preview(sell)
    assert bought_preview.option_fees == sold_preview.option_fees == 3 * FEE
    assert bought_preview.buying_power_impact == 3 * ask * CONTRACT + 3 * FEE
    cash = await _cash(aries)
    async with aries.account_stream(ACCOUNT) as stream:
        bought = await stream.wait_for_order(await aries.orders.place(buy), timeout=5)
        assert bought.ord_status == OrderStatus.FILLED
        assert await _cash(aries) == cash - 3 * ask * CONTRACT - 3 * FEE
        sold = await stream.wait_for_order(await aries.orders.place(sell), timeout=5)
        assert sold.ord_status == OrderStatus.FILLED
    assert bought_preview.fees == 0 and sold_preview.fees is not None
    assert await _cash(aries) == cash - 3 * (ask - bid) * CONTRACT - 6 * FEE - sold_preview.fees


async def test_a_spread_pays_the_fee_on_every_contract_of_every_leg(aries: AriesClient) -> None:
    low, high, low_ask, high_bid = await _vertical(aries)
    debit = low_ask - high_bid
    spread = _spread(low, high, 2, debit + Decimal("0.10"))
    preview = await aries.orders.preview(spread)
    assert preview.option_fees == 4 * FEE  # two spreads of two legs
    cash = await _cash(aries)
    async with aries.account_stream(ACCOUNT) as stream:
        order = await stream.wait_for_order(await aries.orders.place(spread), timeout=5)
    assert order.ord_status == OrderStatus.FILLED
    assert await _cash(aries) == cash - 2 * debit * CONTRACT - 4 * FEE


async def test_an_option_buy_needs_its_fees_in_buying_power(
    sim: Simulator, aries: AriesClient
) -> None:
    osi = await _call(aries, 8)
    _, ask = await _touch(aries, osi)
    order = _order(osi, "BUY", 1, ask)
    sim.state.add_account("EXACT-1", cash=ask * CONTRACT)  # the premium, not the fee
    ack = await aries.orders.place(attrs.evolve(order, account_id="EXACT-1"))
    assert not ack.success and ack.ord_rej_reason == "insufficient buying power"
    sim.state.add_account("EXACT-2", cash=ask * CONTRACT + FEE)
    async with aries.account_stream("EXACT-2") as stream:
        ack = await aries.orders.place(attrs.evolve(order, account_id="EXACT-2"))
        assert (await stream.wait_for_order(ack, timeout=5)).ord_status == OrderStatus.FILLED
    cash = (await aries.accounts.balance("EXACT-2")).cash_balance
    assert cash == Decimal(0)


async def test_a_resting_option_buy_holds_its_premium_and_fees_until_cancelled(
    sim: Simulator, aries: AriesClient
) -> None:
    """A resting option BUY holds what its preview's ``buyingPowerImpact`` says (premium x 100
    and option fees) of the option buying power, and twice that of the stock buying power
    (the premium is paid in full, a stock buy on margin half); a second one beyond what is
    left is refused; the cancel gives it back."""
    osi = await _call(aries, 8)
    bid, _ = await _touch(aries, osi)
    limit = (bid / 2).quantize(Decimal("0.01"))  # far below the ask: it rests
    impact = (await aries.orders.preview(_order(osi, "BUY", 2, limit))).buying_power_impact
    assert impact == 2 * limit * CONTRACT + 2 * FEE
    order = attrs.evolve(_order(osi, "BUY", 2, limit), account_id="HOLD-1")
    sim.state.add_account("HOLD-1", cash=impact * Decimal("1.5"))
    free = await aries.accounts.balance("HOLD-1")
    assert free.option_buying_power is not None and free.net_buying_power is not None
    ack = await aries.orders.place(order)
    assert ack.success and ack.status == OrderStatus.NEW, ack
    held = await aries.accounts.balance("HOLD-1")
    assert held.option_buying_power == free.option_buying_power - impact
    assert held.net_buying_power == free.net_buying_power - 2 * impact
    assert held.pending_orders_margin_requirements == impact
    second = await aries.orders.place(order)
    assert not second.success and second.ord_rej_reason == "insufficient buying power"
    assert ack.cl_ord_id is not None
    cancel = CancelRequest(
        orig_cl_ord_id=ack.cl_ord_id, account_id="HOLD-1", symbol=osi, side="BUY"
    )
    assert (await aries.orders.cancel(cancel)).success
    assert (await aries.accounts.balance("HOLD-1")).option_buying_power == (
        free.option_buying_power
    )
