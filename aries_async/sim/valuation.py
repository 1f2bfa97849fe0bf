"""The simulator's valuations: positions and balances in wire form at the current quotes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from aries_async.sim.option_fills import option_fees, order_fees
from aries_async.sim.option_quotes import CONTRACT_SIZE, leg_ratio
from aries_async.sim.records import (
    SimAccount,
    SimOrder,
    SimPosition,
    decimal_text,
    money,
    price_decimal,
    rfc3339,
)
from aries_async.sim.walk import QuoteSnapshot

__all__ = [
    "HOLDING_SIDES",
    "POSITIONS_SHAPES",
    "balance_wire",
    "contract_size",
    "margin_loan",
    "order_hold",
    "position_wire",
    "positions_answer",
]

POSITIONS_SHAPES = ("sdk", "availability", "instrument", "bare")
"""``positions_shape`` values (see :func:`positions_answer`)."""


def contract_size(pos: SimPosition) -> Decimal:
    """Shares per unit of the position's quantity: an option's contract holds 100, and its
    price and average price are premiums per share."""
    return CONTRACT_SIZE if pos.security_type == "OPTION" else Decimal(1)


def position_wire(pos: SimPosition, snap: QuoteSnapshot | None) -> dict[str, Any]:
    """An ``AccountPosition`` object, valued at ``snap`` (None: not priced)."""
    out: dict[str, Any] = {
        "accountId": pos.account_id,
        "symbol": pos.symbol,
        "securityType": pos.security_type,
        "quantity": decimal_text(pos.quantity),
        "averagePrice": decimal_text(pos.average_price),
    }
    size = contract_size(pos)
    if snap is not None:
        price = price_decimal(snap.last)
        ref = price_decimal(snap.prev_close)
        out["price"] = decimal_text(price)
        out["marketValue"] = money(pos.quantity * price * size)
        out["costBasis"] = money(pos.quantity * pos.average_price * size)
        out["unrealizedPl"] = money(pos.quantity * (price - pos.average_price) * size)
        out["todayPl"] = money(pos.day_pnl(price, ref) * size)
    else:
        out["costBasis"] = money(pos.quantity * pos.average_price * size)
        out["unrealizedPl"] = "0.00"
        out["todayPl"] = "0.00"
    out["todayRealizedPnL"] = money(pos.today_realized)
    out["createdAt"] = rfc3339(pos.created_at)
    return out


def positions_answer(positions: list[dict[str, Any]], shape: str) -> Any:
    """The positions answer (``AccountPosition`` objects) in one of the documented shapes
    (rest.md section 4): ``"sdk"``, ``{"positions": [...]}``; ``"availability"`` (DOCS-new),
    that with ``"availability": {"available": true, "source": "cache"}`` and each position with
    ``dailyPl`` and a stock's ``securityType`` as ``"CS"``; ``"instrument"`` (an older DOCS
    generation), ``instrument`` in place of ``securityType`` and ``dailyPl`` in place of
    ``todayPl``, with ``realizedPl``, ``valueBought``, ``valueSold`` and ``creditUsed``;
    ``"bare"`` (the oldest), a bare array of ``{averagePrice, buyingPowerUsed, pnlToday,
    quantity, symbol}``."""
    if shape == "bare":
        return [
            {
                "averagePrice": p["averagePrice"],
                "buyingPowerUsed": p["costBasis"],
                "pnlToday": p["todayPl"],
                "quantity": p["quantity"],
                "symbol": p["symbol"],
            }
            for p in positions
        ]
    if shape == "availability":
        cs = {"EQUITY": "CS"}
        listed = [
            p
            | {
                "dailyPl": p["todayPl"],
                "securityType": cs.get(p["securityType"], p["securityType"]),
            }
            for p in positions
        ]
        return {"positions": listed, "availability": {"available": True, "source": "cache"}}
    if shape == "instrument":
        older = []
        for p in positions:
            kept = {k: v for k, v in p.items() if k not in ("securityType", "todayPl")}
            older.append(
                kept
                | {
                    "instrument": p["securityType"],
                    "dailyPl": p["todayPl"],
                    "realizedPl": p["todayRealizedPnL"],
                    "valueBought": p["costBasis"],
                    "valueSold": "0.00",
                    "creditUsed": "0.00",
                }
            )
        return {"positions": older}
    return {"positions": positions}


HOLDING_SIDES = ("BUY", "BUY_TO_COVER", "SELL_SHORT")
"""The sides whose working orders hold buying power (a short sale borrows what it sells)."""


def order_hold(
    side: str, qty: Decimal, price: Decimal | None, legs: Sequence[Mapping[str, Any]] = ()
) -> Decimal:
    """What an order of ``qty`` at ``price`` holds of the buying power while it works, as a
    broker holds it: what its preview's ``buyingPowerImpact`` says, its value and its fees
    (a stock order's; an option order's premium x 100 and option fees, for a buy or a debit
    spread only: the simulator asks no margin of options written). Zero for a sale of what
    is held; ``price`` None (an option order the simulator cannot price) holds the fees."""
    if legs:
        if side not in ("BUY", "BUY_TO_COVER"):
            return Decimal(0)
        notional = qty * (price or Decimal(0)) * CONTRACT_SIZE
        paid = option_fees((leg_ratio(leg) for leg in legs), qty)
        return notional + paid + order_fees(side, notional, Decimal(0))
    if side not in HOLDING_SIDES:
        return Decimal(0)
    notional = qty * (price or Decimal(0))
    return notional + order_fees(side, notional, qty)


def _working_price(
    order: SimOrder, quote_or_none: Callable[[str], QuoteSnapshot | None]
) -> Decimal | None:
    """The price a working stock order is held at: its limit, else its stop, else (a market
    order not yet filled) the touch it would buy or sell at now."""
    if order.price is not None or order.stop_price is not None:
        return order.price or order.stop_price
    snap = quote_or_none(order.symbol)
    if snap is None:
        return None
    return price_decimal(snap.bid if order.side == "SELL_SHORT" else snap.ask)


def margin_loan(acct: SimAccount) -> Decimal:
    """``intradayMarginBalance`` as finance-dev's ``AccountBalanceV2`` describes it (rest.md 3a
    says only "derived"): the margin loan outstanding, positive, "the start-of-day margin trade
    balance (sign-inverted) plus ``valueSold`` minus ``valueBought``". Read as the balance
    rolled forward through the day's trades and then sign-inverted, since buying on margin
    grows a loan and a loan is said positive; no loan (a credit balance) is zero. The
    simulator's start-of-day margin trade balance is the margin account's start-of-day cash
    (``sodMarginTradeBalance``, negative while a loan is outstanding), so the loan is the
    cash short, fees apart (``valueBought`` and ``valueSold`` count no fees)."""
    rolled = acct.start_of_day_cash + acct.value_sold - acct.value_bought
    return max(Decimal(0), -rolled)


def balance_wire(
    acct: SimAccount,
    positions: Iterable[SimPosition],
    orders: Iterable[SimOrder],
    quote_or_none: Callable[[str], QuoteSnapshot | None],
    today: date,
    midnight: float,
) -> dict[str, Any]:
    """The ``AccountBalanceV2`` object of an account, computed from its cash, positions and
    working orders; ``today`` and ``midnight`` (Unix seconds) are the New York trading day."""
    long_value = short_value = cost = unrealized = day_open = sod_value = Decimal(0)
    for pos in positions:
        if not pos.quantity and not pos.sod_quantity:
            continue  # one closed today still counts in the start of the day
        snap = quote_or_none(pos.symbol)
        price = price_decimal(snap.last) if snap else pos.average_price
        prev = price_decimal(snap.prev_close) if snap else pos.average_price
        size = contract_size(pos)
        value = pos.quantity * price * size
        if value >= 0:
            long_value += value
        else:
            short_value += -value
        cost += abs(pos.quantity) * pos.average_price * size
        unrealized += pos.quantity * (price - pos.average_price) * size
        sod_value += pos.sod_quantity * prev * size
        day_open += pos.day_pnl(price, prev) * size
    equity = acct.cash + long_value - short_value
    working = [o for o in orders if o.working]
    stock_hold = option_hold = Decimal(0)
    for o in working:
        if o.legs:
            option_hold += order_hold(o.side, o.leaves_qty, o.price or o.stop_price, o.legs)
        else:
            stock_hold += order_hold(o.side, o.leaves_qty, _working_price(o, quote_or_none))
    margin = acct.account_class == "MARGIN" or acct.is_sim
    maint = (long_value + short_value) * Decimal("0.25")
    excess = max(Decimal(0), equity - maint)
    # Stock buys on margin take half their value of the excess equity (Reg T's 2x), option
    # premiums all of theirs; a cash account pays for both in cash.
    free = excess - stock_hold / 2 - option_hold if margin else acct.cash - stock_hold - option_hold
    free = max(Decimal(0), free)
    buying_power = free * 2 if margin else free
    sod_equity = acct.start_of_day_cash + sod_value
    return {
        "accountId": acct.account_id,
        "balance": money(equity),
        "cashBalance": money(acct.cash),
        "netBuyingPower": money(buying_power),
        "stockBuyingPower": money(buying_power),
        "optionBuyingPower": money(free),
        "dayTradeBuyingPower": money(free * 4 if margin else Decimal(0)),
        "dayTradeOvernightRegTBuyingPower": money(buying_power),
        "settledFunds": money(max(Decimal(0), acct.cash)),
        "unsettledFunds": "0.00",
        "heldBackFunds": "0.00",
        "startOfDayCash": money(acct.start_of_day_cash),
        "amountAvailableToWithdraw": money(max(Decimal(0), acct.cash)),
        "fundsAvailableForWithdrawal": money(max(Decimal(0), acct.cash)),
        "intradayMarginBalance": money(margin_loan(acct) if margin else Decimal(0)),
        "maintReq": money(maint),
        "grossMargin": money(long_value + short_value),
        "credit": "0.00",
        "creditRemaining": "0.00",
        "sma": money(excess),
        "smaCreditRemaining": "0.00",
        "pdt": "0.00",
        "pdtCreditRemaining": "0.00",
        "pendingOrdersCount": len(working),
        "pendingOrdersMarginRequirements": money(stock_hold + option_hold),
        "costOfPositions": money(cost),
        "openPnl": money(unrealized),
        "unrealizedPl": money(unrealized),
        "realizedPl": money(acct.realized_pl),
        "dayOpenPnl": money(day_open),
        "dayRealizedPnl": money(acct.day_realized_pl),
        "dayTotalPnl": money(day_open + acct.day_realized_pl),
        "valueBought": money(acct.value_bought),
        "valueSold": money(acct.value_sold),
        "sodPositionsMarketValue": money(sod_value),
        "sodTtlEquity": money(sod_equity),
        "sodTtlEquityUpdatedAt": rfc3339(midnight),
        "sodFundsAvailableDate": today.isoformat(),
        "sodGrossFundsAvailable": money(acct.start_of_day_cash),
        "sodNetFundsAvailable": money(acct.start_of_day_cash),
        "sodMarginTradeBalance": money(acct.start_of_day_cash if margin else Decimal(0)),
    }
