"""What an order can trade at on one step: the touch of its stock, or of its option contracts.

An option order trades against its contracts' quotes
(:func:`~aries_async.sim.option_quotes.contract_quote`) at its underlying's step: a bought
contract at its ask, a sold one at its bid, a spread at the net of its legs by their ratios
(a debit for a buy order, a credit for a sell order). Contract quotes carry no size: an option
order fills whole. The last price (what stops trigger on) is the contracts' net mid.

The fees (the simulator's schedule: the spec has none), one rule for the preview and the fill:

* each option contract traded, bought or sold, leg by leg, costs :data:`OPTION_FEE`: what
  the preview quotes as ``optionFees`` (rest.md 6.2);
* a stock order, bought or sold, pays the per-share :data:`TRADING_FEE_PER_SHARE`, rounded
  up to the cent (a cent for the spec's preview example, ten shares bought:
  ``examples/orders.preview.response.json`` quotes ``fees`` 0.01 and counts it in
  ``buyingPowerImpact``; finance-dev calls ``fees`` "regulatory and exchange fees");
* a sale (``SELL``, ``SELL_SHORT``; of stock or of options) pays, besides, the regulatory
  fees of :func:`regulatory_fees`: :data:`REGULATORY_FEE_RATE` of what it sells for
  (quantity x price, x 100 for contracts), rounded to the cent; a buy pays none;
* the preview quotes both as ``fees`` (:func:`order_fees`) at its price (the limit, or the
  touch now), and the fills charge them at theirs: an order filled in parts pays, on each
  fill, the fees of all it has traded so far less what it has paid, so that a whole order
  pays what one preview of its quantity at the price it filled at quotes (rounded once, not
  on each part);
* a fee is paid at the fill that incurs it, and is a realized loss: it comes off
  ``cashBalance`` and what derives from it (``balance``, the buying powers) and off
  ``realizedPl``, ``dayRealizedPnl`` and the position's ``todayRealizedPnL`` alike (the wire
  has no fee field on balances or positions; ``dayTotalPnl`` is the day's total P&L, so a
  day's change of ``balance`` is its ``dayTotalPnl``). A round trip's cash is thus its
  realized P&L, fees included. A spread's regulatory fees are booked on its first leg's
  position, its option fees on each leg's. The preview counts ``fees`` and ``optionFees``
  in ``buyingPowerImpact``, as the spec's example shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal

import attrs

from aries_async.sim.feed import Feed
from aries_async.sim.option_quotes import OrderContract, contract_quote
from aries_async.sim.records import CENT, SimAccount, SimPosition, price_decimal
from aries_async.sim.walk import QuoteSnapshot

__all__ = [
    "OPTION_FEE",
    "REGULATORY_FEE_RATE",
    "TRADING_FEE_PER_SHARE",
    "Touch",
    "charge_fee",
    "equity_touch",
    "option_fees",
    "option_touch",
    "order_fees",
    "regulatory_fees",
]

OPTION_FEE = Decimal("0.65")
"""What each option contract traded costs (the simulator's fee schedule: the spec has none)."""


def option_fees(per_unit: Iterable[Decimal], quantity: Decimal) -> Decimal:
    """The fees of ``quantity`` units of an option order whose legs move ``per_unit``
    contracts each (signed: bought or sold, both pay)."""
    return OPTION_FEE * quantity * sum((abs(n) for n in per_unit), Decimal(0))


REGULATORY_FEE_RATE = Decimal("0.0000278")
"""The regulatory fees of a sale, per dollar it sells for."""


def regulatory_fees(side: str, notional: Decimal) -> Decimal:
    """The regulatory ``fees`` of an order of ``side`` that trades ``notional`` dollars
    (quantity x price x contract size): none for a buy, to the cent for a sale."""
    if side in ("BUY", "BUY_TO_COVER"):
        return Decimal(0)
    return (abs(notional) * REGULATORY_FEE_RATE).quantize(CENT)


TRADING_FEE_PER_SHARE = Decimal("0.000035")
"""What each share of stock traded, bought or sold, costs (the simulator's schedule: the spec
shows only its example's cent); an order's are rounded up to the cent."""


def order_fees(side: str, notional: Decimal, shares: Decimal) -> Decimal:
    """The ``fees`` of an order of ``side`` that trades ``notional`` dollars (quantity x price
    x contract size) and ``shares`` shares of stock (0 for an option order, whose contracts
    pay :func:`option_fees` instead): the per-share fee, rounded up to the cent, and a sale's
    :func:`regulatory_fees`."""
    trading = (abs(shares) * TRADING_FEE_PER_SHARE).quantize(CENT, rounding=ROUND_CEILING)
    return trading + regulatory_fees(side, notional)


def charge_fee(account: SimAccount, position: SimPosition, fee: Decimal) -> None:
    """Book a fee paid at a fill in ``position``: a realized loss, off the cash."""
    account.cash -= fee
    account.realized_pl -= fee
    account.day_realized_pl -= fee
    position.today_realized -= fee


@attrs.frozen
class Touch:
    """Where an order can trade now: ``last`` (for stops), ``price`` (the touch it would fill
    at: per share, or the spread's net), ``size`` (how much of it), and for an option order
    each contract with the price it fills at (``legs``)."""

    last: Decimal
    price: Decimal
    size: Decimal
    legs: tuple[tuple[OrderContract, Decimal], ...] = ()


def equity_touch(snap: QuoteSnapshot, *, buying: bool) -> Touch:
    """The touch of a stock order at the step ``snap``."""
    return Touch(
        last=price_decimal(snap.last),
        price=price_decimal(snap.ask if buying else snap.bid),
        size=Decimal(snap.ask_size if buying else snap.bid_size),
    )


def option_touch(
    feed: Feed, contracts: list[OrderContract], snap: QuoteSnapshot, *, buying: bool
) -> Touch | None:
    """The touch of an option order whose contracts are ``contracts`` at the step ``snap`` of
    their underlying (None: a contract no longer quotes)."""
    cost = mid = Decimal(0)
    legs = []
    for contract in contracts:
        quote = contract_quote(feed, snap.time, contract.symbol, snap.last)
        if quote is None:
            return None
        bought = contract.per_unit > 0
        price = price_decimal(quote["askPrice"] if bought else quote["bidPrice"])
        cost += contract.per_unit * price
        mid += contract.per_unit * price_decimal(quote["midPrice"])
        legs.append((contract, price))
    sign = 1 if buying else -1
    return Touch(last=sign * mid, price=sign * cost, size=Decimal("Infinity"), legs=tuple(legs))
