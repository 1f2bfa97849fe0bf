"""What a top list (``/top-``) ranks, and by what.

A top list is a ranking over a market, not a window onto one ticker: the equity lists rank
every stock and ETF of the symbol table (:data:`~aries_async.sim.symbols.SYMBOLS`), the option
lists the contracts of every optionable underlying of their kind (stocks' or ETFs'). Each is
sorted by the measure its name says, on the values its rows show: gainers by change in
percent, highest first; losers by change in percent, lowest first; most active and top volume
by volume, highest first. The spec names no largest ``limit`` ("larger values for exports
within API limits"), so a list holds as many rows as asked, up to the simulator's
:data:`~aries_async.sim.routes_generic.MAX_ITEMS`.
"""

from __future__ import annotations

from collections.abc import Callable

from aries_async.sim.symbols import OPTIONABLE, SymbolTable

__all__ = ["Measure", "market", "measure", "underlyings"]

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
