"""What an order can trade at on one step: the touch of its stock, or of its option contracts.

An option order trades against its contracts' quotes
(:func:`~aries_async.sim.option_quotes.contract_quote`) at its underlying's step: a bought
contract at its ask, a sold one at its bid, a spread at the net of its legs by their ratios
(a debit for a buy order, a credit for a sell order). Contract quotes carry no size: an option
order fills whole. The last price (what stops trigger on) is the contracts' net mid.

Each contract traded, bought or sold, leg by leg, costs :data:`OPTION_FEE` on the account's
cash at the fill: what the preview quotes as ``optionFees`` (rest.md 6.2; its ``fees`` count
in ``buyingPowerImpact`` as the spec's example shows). The wire has no fee field on orders or
balances, so the fees show in ``cashBalance`` and what derives from it, not in the realized
P&L.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from aries_async.sim.feed import Feed
from aries_async.sim.option_quotes import OrderContract, contract_quote
from aries_async.sim.records import price_decimal
from aries_async.sim.walk import QuoteSnapshot

__all__ = ["OPTION_FEE", "Touch", "equity_touch", "option_fees", "option_touch"]

OPTION_FEE = Decimal("0.65")
"""What each option contract traded costs (the simulator's fee schedule: the spec has none)."""


def option_fees(per_unit: Iterable[Decimal], quantity: Decimal) -> Decimal:
    """The fees of ``quantity`` units of an option order whose legs move ``per_unit``
    contracts each (signed: bought or sold, both pay)."""
    return OPTION_FEE * quantity * sum((abs(n) for n in per_unit), Decimal(0))


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
