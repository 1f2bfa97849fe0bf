"""Values of fields whose names hold another kind's word, so that the name rules would misread
them: a volume-weighted price, a session's price named after its hours, an underlying's price
inside an option's row, a price return, and amounts of money named like a price or a count
(a holding's market value, a trade's dollar value, an offering's size, a reported range).

:mod:`~aries_async.sim.field_rules` lists them before the rows their other words would pick;
the forms are finance-dev's model descriptions (``OptionPreviousDayResponse.volumeWeighted``:
"Volume-Weighted Average Price"; ``InstitutionalHolding.value``: "Market value of the holding
in USD"...). Each value is tied to the fields beside it: a trade's value is its size at its
average price, a holding's its shares at the symbol's price.
"""

from __future__ import annotations

from aries_async.sim.answer import Answer, Item
from aries_async.sim.field_values import typical
from aries_async.sim.schema_walk import Rule

__all__ = [
    "AMOUNT_BRACKETS",
    "SHARES_PER_CONTRACT",
    "amount_bracket",
    "count_of",
    "held_shares",
    "holding_value",
    "offering_value",
    "price_range_top",
    "session_price",
    "trade_cost",
    "trade_value",
]

SHARES_PER_CONTRACT = 100
"""The shares one option contract is for: a trade's dollar value is its contracts' premium
times this."""

AMOUNT_BRACKETS: tuple[tuple[int, int], ...] = (
    (1_001, 15_000),
    (15_001, 50_000),
    (50_001, 100_000),
    (100_001, 250_000),
    (250_001, 500_000),
    (500_001, 1_000_000),
)
"""The ranges a member of Congress reports a transaction's amount in (the disclosure form's
brackets; finance-dev: "Lower bound of the reported transaction amount")."""


def count_of(it: Item, name: str) -> int:
    """A size or a count fixed by the item and the field ``name``: from 10 to 4,999."""
    return int(it.between(name, 10, 5000))


def session_price(name: str) -> Rule:
    """A rule: the last price of the session ``name`` (``preMarket``, ``afterHours``: "Last
    traded price in pre-market session"), within half a percent of the day's close."""
    return lambda a, it: round(it.bar[3] * it.between(name, 0.995, 1.005), 2)


def trade_value(a: Answer, it: Item) -> float:
    """An unusual option trade's ``total_value`` ("Total dollar value of the trade"): its
    ``total_size`` contracts at its ``average_price``, a hundred shares each."""
    return round(typical(a, it) * count_of(it, "total_size") * SHARES_PER_CONTRACT, 2)


def trade_cost(a: Answer, it: Item) -> float:
    """An option activity's ``costBasis`` ("Total cost of the options position"): its
    ``size`` contracts at its ``price``, a hundred shares each."""
    return round(it.bar[3] * count_of(it, "size") * SHARES_PER_CONTRACT, 2)


def held_shares(a: Answer, it: Item) -> int:
    """The shares a holder holds (``share``): from ten thousand to five million."""
    return int(it.between("held", 10_000, 5_000_000))


def holding_value(a: Answer, it: Item) -> float:
    """A holding's market ``value`` in dollars: its shares at the symbol's price."""
    return round(held_shares(a, it) * it.price, 2)


def price_range_top(a: Answer, it: Item) -> float:
    """An IPO's ``priceTo`` ("Maximum price per share in the IPO price range"): 5 to 20
    percent above its ``priceFrom`` (the item's close)."""
    return round(it.bar[3] * it.between("range", 1.05, 1.2), 2)


def offering_value(a: Answer, it: Item) -> float:
    """An IPO's ``totalSharesValue`` ("Total value of shares offered in the IPO"): five to
    fifty million shares at the top of its range."""
    return round(round(it.between("offered", 5e6, 5e7)) * price_range_top(a, it), 2)


def amount_bracket(high: bool) -> Rule:
    """A rule: the lower (``high`` False) or upper bound of the bracket a reported
    transaction's amount falls in (:data:`AMOUNT_BRACKETS`), the same bracket for both."""

    def rule(a: Answer, it: Item) -> int:
        bracket = AMOUNT_BRACKETS[int(it.unit("bracket") * len(AMOUNT_BRACKETS))]
        return bracket[1 if high else 0]

    return rule
