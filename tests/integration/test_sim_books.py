"""The simulator's books tell one story: what a preview quotes is what the fill charges, the
cash a round trip costs is its realized P&L, a replace meets the buying power a placement
does, and an option leg that closes needs a position to close.

A bot tested against the simulator reconciles these against each other; a simulator whose
books disagree with themselves would teach it to tolerate a broken ledger.
"""

from __future__ import annotations

import argparse
from decimal import Decimal

import attrs
import pytest

from aries_async import AriesClient, OrderRejectedHTTPError
from aries_async.models.order_requests import OrderLeg, OrderRequest, ReplaceRequest
from aries_async.models.orders import OrderStatus
from aries_async.sim import Simulator
from aries_async.sim.cli import add_arguments, build_simulator
from aries_async.sim.state import AccountEvent

ACCOUNT = "TEST-SIM-001"
CONTRACT = Decimal(100)
FEE = Decimal("0.65")  # the simulator's option fee, a contract traded


def _order(symbol: str, side: str, quantity: int) -> OrderRequest:
    """A market order of ``quantity`` (shares or contracts) for the day."""
    return OrderRequest(
        account_id=ACCOUNT, symbol=symbol, side=side, type="MARKET", quantity=quantity
    )


async def _osi(aries: AriesClient) -> str:
    """A call near the money on AAPL's second expiry."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    osi = (await aries.market.option_chain("AAPL", expiry)).calls[8].osi
    assert osi is not None
    return osi


async def _books(aries: AriesClient, account: str = ACCOUNT) -> dict[str, Decimal]:
    """The balance's figures a bot reconciles, by wire name."""
    balance = await aries.accounts.balance(account)
    figures = {
        "cashBalance": balance.cash_balance,
        "balance": balance.balance,
        "realizedPl": balance.realized_pnl,
        "dayRealizedPnl": balance.day_realized_pnl,
        "dayTotalPnl": balance.day_total_pnl,
    }
    assert all(v is not None for v in figures.values()), figures
    return {k: v for k, v in figures.items() if v is not None}


async def _fill(aries: AriesClient, order: OrderRequest) -> None:
    async with aries.account_stream(order.account_id) as stream:
        ack = await aries.orders.place(order)
        assert ack.success, ack.text
        filled = await stream.wait_for_order(ack, timeout=5)
    assert filled.ord_status == OrderStatus.FILLED, filled


@pytest.mark.parametrize("side", ["SELL", "SELL_SHORT"])
async def test_a_sale_pays_the_fees_its_preview_quotes(aries: AriesClient, side: str) -> None:
    """Selling pays the ``fees`` the preview quotes for that quantity and price (regulatory
    fees and the per-share fee); buying pays the per-share fee alone, as its preview says.
    (A short sale is made from a flat account: the shares bought are sold first.)"""
    buy = _order("AAPL", "BUY", 10)
    bought_preview = await aries.orders.preview(buy)
    assert bought_preview.fees == Decimal("0.01")  # rest.md's preview example
    before = await _books(aries)
    await _fill(aries, buy)
    assert bought_preview.estimated_cost is not None
    middle = await _books(aries)
    paid = bought_preview.estimated_cost + bought_preview.fees
    assert middle["cashBalance"] == before["cashBalance"] - paid
    if side == "SELL_SHORT":
        await _fill(aries, _order("AAPL", "SELL", 10))
        middle = await _books(aries)
    sell = _order("AAPL", side, 10)
    sold_preview = await aries.orders.preview(sell)
    assert sold_preview.fees is not None and sold_preview.estimated_cost is not None
    assert sold_preview.fees > 0  # ten shares of AAPL: a few cents
    await _fill(aries, sell)
    after = await _books(aries)
    proceeds = sold_preview.estimated_cost - sold_preview.fees
    assert after["cashBalance"] == middle["cashBalance"] + proceeds


async def test_an_option_sale_pays_its_fees_and_option_fees(aries: AriesClient) -> None:
    osi = await _osi(aries)
    await _fill(aries, _order(osi, "BUY", 2))
    sell = _order(osi, "SELL", 2)
    preview = await aries.orders.preview(sell)
    assert preview.fees is not None and preview.option_fees == 2 * FEE
    assert preview.estimated_cost is not None
    cash = (await _books(aries))["cashBalance"]
    await _fill(aries, sell)
    paid = preview.fees + preview.option_fees
    assert (await _books(aries))["cashBalance"] == cash + preview.estimated_cost - paid


@pytest.mark.parametrize("option", [False, True], ids=["equity", "option"])
async def test_a_round_trip_moves_cash_and_realized_pnl_alike(
    sim: Simulator, aries: AriesClient, option: bool
) -> None:
    """Fees are realized losses: after a buy and a sell of the same thing, the cash it cost,
    the realized P&L (whole and the day's), the account's value and the day's total P&L all
    moved by the same amount, and the stream's last balance event says what REST says."""
    symbol = await _osi(aries) if option else "AAPL"
    events: list[AccountEvent] = []
    remove = sim.state.listen(ACCOUNT, events.append)
    before = await _books(aries)
    await _fill(aries, _order(symbol, "BUY", 3))
    await _fill(aries, _order(symbol, "SELL", 3))
    remove()
    after = await _books(aries)
    moved = {name: after[name] - before[name] for name in before}
    assert moved["cashBalance"] < 0  # the spread and the fees
    assert len(set(moved.values())) == 1, moved
    (balance, *_) = [e.data for e in reversed(events) if e.name == "account.balance"]
    assert Decimal(balance["realizedPl"]) == after["realizedPl"]
    assert Decimal(balance["cashBalance"]) == after["cashBalance"]
    (position, *_) = [
        e.data for e in reversed(events) if e.name == "account.position" and e.data["symbol"]
    ]
    assert Decimal(position["todayRealizedPnL"]) == moved["realizedPl"]


async def test_an_open_position_counts_its_fees_in_the_days_total(aries: AriesClient) -> None:
    """Between the buy and the sale, the account's value moved by the day's total P&L."""
    osi = await _osi(aries)
    before = await _books(aries)
    await _fill(aries, _order(osi, "BUY", 2))
    after = await _books(aries)
    assert after["balance"] - before["balance"] == after["dayTotalPnl"] - before["dayTotalPnl"]
    assert after["dayRealizedPnl"] - before["dayRealizedPnl"] == -2 * FEE


async def _resting_buy(aries: AriesClient, account: str) -> str:
    """A limit buy of one AAPL share far below the market, working in ``account``."""
    order = attrs.evolve(_order("AAPL", "BUY", 1), type="LIMIT", price=100, account_id=account)
    ack = await aries.orders.place(order)
    assert ack.success and ack.cl_ord_id is not None, ack
    return ack.cl_ord_id


@pytest.mark.parametrize(
    "change",
    [{"quantity": Decimal(40)}, {"quantity": Decimal(20), "price": Decimal(200)}],
    ids=["quantity", "price"],
)
async def test_a_replace_beyond_buying_power_is_refused_as_a_placement_is(
    sim: Simulator, aries: AriesClient, change: dict[str, Decimal]
) -> None:
    """A cash-poor margin account (buying power twice its 1000) may rest a small order but
    not grow it beyond what it could place."""
    sim.state.add_account("POOR-1", cash=Decimal(1000))
    placed = await aries.orders.place(
        attrs.evolve(_order("AAPL", "BUY", 40), type="LIMIT", price=100, account_id="POOR-1")
    )
    assert not placed.success and placed.ord_rej_reason == "insufficient buying power"
    cl_ord_id = await _resting_buy(aries, "POOR-1")
    request = ReplaceRequest(
        orig_cl_ord_id=cl_ord_id,
        account_id="POOR-1",
        symbol="AAPL",
        quantity=change["quantity"],
        price=change.get("price"),
    )
    refused = await aries.orders.replace(request)
    assert not refused.success and refused.status == OrderStatus.REJECTED
    assert refused.text == placed.ord_rej_reason
    (order,) = [o for o in await aries.orders.active("POOR-1") if o.cl_ord_id == cl_ord_id]
    assert order.ord_status == OrderStatus.NEW and order.quantity == 1
    sim.state.rejections_as_http = True
    with pytest.raises(OrderRejectedHTTPError) as caught:
        await aries.orders.replace(request)
    assert caught.value.reason == "insufficient buying power"
    assert caught.value.code == "ORDER_REJECTED"


async def test_a_replace_within_buying_power_still_goes_through(
    sim: Simulator, aries: AriesClient
) -> None:
    sim.state.add_account("POOR-2", cash=Decimal(1000))
    cl_ord_id = await _resting_buy(aries, "POOR-2")
    request = ReplaceRequest(
        orig_cl_ord_id=cl_ord_id, account_id="POOR-2", symbol="AAPL", quantity=15
    )
    replaced = await aries.orders.replace(request)
    assert replaced.success, replaced.text


def _closing(osi: str, side: str) -> OrderRequest:
    """One contract of ``osi`` bought or sold by a leg that closes a position."""
    leg = OrderLeg(security_type="OPT", side=side, position_effect="CLOSE", symbol=osi)
    return attrs.evolve(_order("AAPL", side, 1), legs=[leg])


@pytest.mark.parametrize("side", ["SELL", "BUY"])
async def test_a_closing_leg_without_a_position_to_close_is_refused(
    aries: AriesClient, side: str
) -> None:
    osi = await _osi(aries)
    order = _closing(osi, side)
    preview = await aries.orders.preview(order)
    assert preview.errors == ["no position to close"]
    ack = await aries.orders.place(order)
    assert not ack.success and ack.status == OrderStatus.REJECTED
    assert ack.ord_rej_reason == "no position to close"
    assert osi not in [p.symbol for p in await aries.accounts.positions(ACCOUNT)]


async def test_a_closing_leg_closes_a_held_position(aries: AriesClient) -> None:
    osi = await _osi(aries)
    await _fill(aries, _order(osi, "BUY", 1))
    too_many = attrs.evolve(_closing(osi, "SELL"), quantity=2)
    assert (await aries.orders.preview(too_many)).errors == ["no position to close"]
    await _fill(aries, _closing(osi, "SELL"))
    assert osi not in [p.symbol for p in await aries.accounts.positions(ACCOUNT)]


async def test_a_lenient_simulator_takes_a_closing_leg_without_a_position(
    sim: Simulator, aries: AriesClient
) -> None:
    """``--unchecked-closes``: a server that does not check what a leg closes."""
    sim.state.check_closing_legs = False
    osi = await _osi(aries)
    await _fill(aries, _closing(osi, "SELL"))
    held = {p.symbol: p.quantity for p in await aries.accounts.positions(ACCOUNT)}
    assert held[osi] == -1


@pytest.mark.parametrize("flags", [[], ["--unchecked-closes"]])
def test_the_command_line_switches_the_check(flags: list[str]) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    simulator = build_simulator(parser.parse_args(flags))
    assert simulator.state.check_closing_legs is not bool(flags)
