"""Values of fields whose names hold another kind's word, so that the name rules would misread
them: a volume-weighted price, a session's price named after its hours, an underlying's price
inside an option's row, a price return, amounts of money named like a price or a count
(a holding's market value, a trade's dollar value, an offering's size, a reported range), a
ratio's series value (``v``, a bar's volume elsewhere), and inflation figures (index levels and
yearly rates, not numbers from 1 to 100).

:data:`KIND_ROWS` are the rows for them, which :data:`~aries_async.sim.field_rules.RULES` puts
before the rows their other words would pick; the forms are finance-dev's model descriptions
(``OptionPreviousDayResponse.volumeWeighted``: "Volume-Weighted Average Price";
``InstitutionalHolding.value``: "Market value of the holding in USD"...). Each value is tied to
the fields beside it: a trade's value is its size at its average price, a holding's its shares
at the symbol's price. The ranges (an index level of 300 to 330, rates of 2 to 3.5 percent)
are the simulator's choices, near the figures of 2025.
"""

from __future__ import annotations

from collections.abc import Callable

from aries_async.sim.answer import Answer, Item
from aries_async.sim.field_values import statement_line, typical, underlying
from aries_async.sim.schema_walk import Rule
from aries_async.sim.symbols import shares_outstanding

__all__ = [
    "AMOUNT_BRACKETS",
    "KIND_ROWS",
    "SHARES_PER_CONTRACT",
    "amount_bracket",
    "count_of",
    "held_shares",
    "holding_value",
    "market_cap",
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


def market_cap(a: Answer, it: Item) -> int:
    """A company's market cap in dollars: its shares outstanding at its price (not a share of
    its revenue, as a statement line is), as its equity details show it."""
    return round(shares_outstanding(it.symbol) * it.price)


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


# -- the rows -----------------------------------------------------------------------------------

_Row = tuple[str, str, tuple[str, ...], Callable[[str, str], Rule | None]]
_NUM = ("number", "integer", "string")


def _r(rule: Rule) -> Callable[[str, str], Rule | None]:
    return lambda name, kind: rule


def _span(low: float, high: float, digits: int) -> Callable[[str, str], Rule | None]:
    """A row maker: a number in [low, high) fixed by the item and the field's name."""
    return lambda name, kind: lambda a, it: round(it.between(name, low, high), digits)


def _touch(factor: float) -> Callable[[str, str], Rule | None]:
    """A row maker: the item's close times ``factor`` (a bid or an ask)."""
    return _r(lambda a, it: round(it.bar[3] * factor, 2))


# fmt: off
KIND_ROWS: tuple[_Row, ...] = (
    (r"^volumeWeighted$", "", _NUM, _r(typical)),
    (r"^(preMarket|afterHours)$", "", _NUM, lambda name, kind: session_price(name)),
    (r"^(underlyingPrice|underlying_price_at_execution)$", "", _NUM, _r(underlying)),
    (r"^bid_at_execution$", "", _NUM, _touch(0.9995)),
    (r"^ask_at_execution$", "", _NUM, _touch(1.0005)),
    (r"(?i)PriceReturn", "", ("number",), _span(-30, 60, 2)),
    (r"^priceTo$", r"^ipos$", _NUM, _r(price_range_top)),
    (r"^totalSharesValue$", "", _NUM, _r(offering_value)),
    (r"^total_value$", r"^trades$", _NUM, _r(trade_value)),
    (r"^costBasis$", r"^activities$", _NUM, _r(trade_cost)),
    (r"^amountFrom$|^amountTo$", "", _NUM, lambda name, kind: amount_bracket(name == "amountTo")),
    (r"^share$", "", ("integer", "number"), _r(held_shares)),
    (r"^(marketCap|marketCapitalization)$", "", _NUM, _r(market_cap)),
    (r"^value$", r"^(holdings|data)$", _NUM, _r(holding_value)),
    (r"^value$", r"^(bs|ic|cf|breakdown)$", _NUM, lambda name, kind: statement_line("revenue")),
    # a metric series' value is the metric's (``v`` elsewhere: a bar's volume)
    (r"^v$", r"(?i)ratio$", _NUM, _span(0.8, 2.5, 3)),
    (r"^v$", r"(?i)margin$", _NUM, _span(0.05, 0.35, 4)),
    (r"^v$", r"(?i)perShare$", _NUM,
     _r(lambda a, it: round(it.price / it.between("ps", 3, 10), 2))),
    # inflation: index levels, yearly rates in percent, spending in billions a year
    (r"^(cpi|cpiCore)$", "", _NUM, _span(300, 330, 3)),
    (r"^(pce|pceCore)$", "", _NUM, _span(120, 130, 3)),
    (r"^pceSpending$", "", _NUM, _span(19_000, 21_000, 1)),
    (r"^cpiYearOverYear$|^(market|model)\d+Year$|^forwardYears", "", _NUM, _span(2.0, 3.5, 2)),
)
"""Rows of :data:`~aries_async.sim.field_rules.RULES` for the names above, which that table
puts before the rows their other words would pick."""
# fmt: on
