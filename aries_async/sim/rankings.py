"""What a top list (``/top-``) ranks, and by what.

A top list is a ranking over a market, not a window onto one ticker: the equity lists rank
every stock and ETF of the symbol table (:data:`~aries_async.sim.symbols.SYMBOLS`), the option
lists the contracts of every optionable underlying of their kind (stocks' or ETFs'). Each is
sorted by the measure its name says, on the values its rows show: gainers by change in
percent, highest first; losers by change in percent, lowest first; most active and top volume
by volume, highest first. The spec names no largest ``limit`` ("larger values for exports
within API limits"), so a list holds as many rows as asked, up to the simulator's
:data:`~aries_async.sim.routes_generic.MAX_ITEMS`.

Ranking a market reads every row of it, far more than a page shows, so a simulator ranks a
list once per market state (:meth:`Feed.state <aries_async.sim.feed.Feed.state>`: the
clock's step of the walk and the prices moved otherwise) and its requests read that order
(:class:`Rankings`) until the state changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from aries_async.sim.symbols import OPTIONABLE, SymbolTable

__all__ = ["RANKINGS_KEPT", "Measure", "Rankings", "market", "measure", "rank", "underlyings"]

RANKINGS_KEPT = 64
"""How many rankings of one market state :class:`Rankings` keeps (one per list and set of
parameters; the oldest goes first)."""

Measure = Callable[[float, int], tuple[float, ...]]
"""A sort key of a row from its change in percent and its volume (lowest first)."""


def market(symbols: SymbolTable) -> list[str]:
    """The tickers an equity top list ranks: every stock and ETF, in the table's order."""
    return [info.symbol for info in symbols if info.tradable]


def underlyings(path: str, symbols: SymbolTable) -> list[str]:
    """The underlyings whose chains an option top list ranks: the ETFs for ``/etfs/``, else
    the stocks, in alphabetical order."""
    etfs = "/etfs/" in path
    return sorted(
        ticker
        for ticker in OPTIONABLE
        if (info := symbols.get(ticker)) is not None and info.is_etf == etfs
    )


def measure(path: str) -> Measure:
    """The sort key of the top list at ``path`` (the position breaks ties, so the order is
    fixed)."""
    if "gainers" in path:
        return lambda change, volume: (-change,)
    if "losers" in path:
        return lambda change, volume: (change,)
    return lambda change, volume: (-volume,)


def rank(path: str, shown: Sequence[tuple[float, int]]) -> list[int]:
    """The positions of the rows ``shown`` (change in percent, volume) in the order of the top
    list at ``path``."""
    key = measure(path)
    return sorted(range(len(shown)), key=lambda i: (*key(*shown[i]), i))


class Rankings:
    """The orders of the top lists at the latest market state, each worked out once.

    Attributes:
        computed: how many orders were worked out (a request reading a kept one adds none).
    """

    def __init__(self) -> None:
        self.computed = 0
        self._state: Hashable = None
        self._orders: dict[Hashable, tuple[int, ...]] = {}

    def order(
        self, state: Hashable, key: Hashable, ranked: Callable[[], Sequence[int]]
    ) -> tuple[int, ...]:
        """The order of the list ``key`` (what it ranks: the list, its parameters) at the
        market ``state``: the one kept for them, else ``ranked()``, kept. A new ``state``
        forgets every order of the last."""
        if state != self._state:
            self._state = state
            self._orders.clear()
        found = self._orders.get(key)
        if found is None:
            if len(self._orders) >= RANKINGS_KEPT:
                del self._orders[next(iter(self._orders))]
            found = self._orders[key] = tuple(ranked())
            self.computed += 1
        return found
