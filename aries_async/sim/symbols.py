"""The simulator's instrument universe: 750+ real US tickers with names, venues and base prices.

The list is written by hand for this project and is fully deterministic (no network): it lives
in ``data/symbols.csv`` inside the package (symbol, name, venue code, venue name, base price,
kind) and is read once at import.
Prices are plausible reference levels, not market data: the feed (:mod:`aries_async.sim.feed`)
starts each symbol's random walk from its ``base_price`` scaled by a seeded jitter.

Contract:

* :data:`SYMBOLS` is a :class:`SymbolTable` with every equity/ETF, a few indices and futures;
* :meth:`SymbolTable.get` looks a ticker up (case-insensitive);
* :func:`shares_outstanding` is a company's share count, fixed by its ticker (its market cap is
  these shares at its price, in every answer that shows one);
* :meth:`SymbolTable.search` ranks exact ticker, ticker prefix, name word prefix, then name
  substring matches; ``.AAPL`` searches option contracts of optionable underlyings and ``/ES``
  futures, as ``GET /v1/marketdata/search`` does (rest.md section 7).
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterator
from importlib import resources

import attrs

__all__ = [
    "FUTURES",
    "INDICES",
    "OPTIONABLE",
    "SYMBOLS",
    "SymbolInfo",
    "SymbolTable",
    "shares_outstanding",
]

OPTIONABLE: frozenset[str] = frozenset(
    {"AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "AMD", "SPY", "QQQ", "IWM"}
)
"""Underlyings with listed options in the simulator (expiry dates, contracts, option search)."""


@attrs.frozen(kw_only=True)
class SymbolInfo:
    """One instrument.

    Attributes:
        symbol: the ticker as used on the wire (``BRK.B``, ``SPX``, ``/ES``).
        name: the full name, used by search and as the quote ``description``.
        mic: the venue code returned as the search ``tag`` (``XNAS``, ``XNYS``, ``ARCX``...).
        exchange: the venue name used in quotes (``NASDAQ``, ``NYSE``...).
        base_price: the reference price the random walk starts near.
        kind: ``stock``, ``etf``, ``index`` or ``future``.
    """

    symbol: str
    name: str
    mic: str
    exchange: str
    base_price: float
    kind: str = "stock"

    @property
    def is_etf(self) -> bool:
        """Whether the instrument is an exchange-traded fund."""
        return self.kind == "etf"

    @property
    def tradable(self) -> bool:
        """Whether equity orders may be placed on it (indices and futures cannot)."""
        return self.kind in ("stock", "etf")

    @property
    def optionable(self) -> bool:
        """Whether the simulator lists options on it."""
        return self.symbol in OPTIONABLE

    @property
    def search_type(self) -> str:
        """The search result ``type``: ``stock`` (ETFs included), ``index`` or ``future``."""
        return "stock" if self.kind in ("stock", "etf") else self.kind


def _load() -> tuple[SymbolInfo, ...]:
    # A data file rather than a literal keeps the table editable as data and this module short.
    text = resources.files(__package__).joinpath("data", "symbols.csv").read_text("utf-8")
    return tuple(
        SymbolInfo(
            symbol=row["symbol"],
            name=row["name"],
            mic=row["mic"],
            exchange=row["exchange"],
            base_price=float(row["base_price"]),
            kind=row["kind"],
        )
        for row in csv.DictReader(io.StringIO(text))
    )


class SymbolTable:
    """An immutable, ordered set of instruments with lookup and ranked search.

    Example:
        >>> SYMBOLS.get("aapl").name
        'Apple Inc.'
        >>> [s.symbol for s in SYMBOLS.search("micro", limit=2)]
        ['MSFT', 'AMD']
    """

    def __init__(self, items: tuple[SymbolInfo, ...]) -> None:
        self._items = items
        self._by_symbol = {item.symbol: item for item in items}

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[SymbolInfo]:
        return iter(self._items)

    def __contains__(self, symbol: object) -> bool:
        return isinstance(symbol, str) and symbol.upper() in self._by_symbol

    def get(self, symbol: str) -> SymbolInfo | None:
        """The instrument for ``symbol`` (case-insensitive), or None."""
        return self._by_symbol.get(symbol.strip().upper())

    def search(self, query: str, limit: int = 20) -> list[SymbolInfo]:
        """Rank instruments for a search box.

        Order: exact ticker, ticker prefix (shorter first), a name word starting with the query,
        then the query anywhere in the name; ties keep table order. ``/`` searches futures only;
        other queries skip futures.
        """
        text = query.strip().upper()
        if not text or limit <= 0:
            return []
        futures_only = text.startswith("/")
        scored: list[tuple[int, int, int, SymbolInfo]] = []
        for position, item in enumerate(self._items):
            if (item.kind == "future") != futures_only:
                continue
            name = item.name.upper()
            if item.symbol == text:
                rank = 0
            elif item.symbol.startswith(text):
                rank = 1
            elif any(word.startswith(text) for word in name.replace(",", " ").split()):
                rank = 2
            elif len(text) >= 2 and text in name:
                rank = 3
            else:
                continue
            scored.append((rank, len(item.symbol) if rank == 1 else 0, position, item))
        scored.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in scored[:limit]]


SYMBOLS = SymbolTable(_load())
"""Every instrument the simulator knows."""

INDICES: tuple[SymbolInfo, ...] = tuple(item for item in SYMBOLS if item.kind == "index")
"""Index symbols: quotable and searchable, not tradable."""

FUTURES: tuple[SymbolInfo, ...] = tuple(item for item in SYMBOLS if item.kind == "future")
"""Futures: searchable with a ``/`` prefix and quotable; not tradable through ``/v1/orders``."""


def shares_outstanding(symbol: str) -> int:
    """The shares outstanding of the company ``symbol``: 500 million to 16 billion, the same
    for the ticker in every answer (the equity details' count, and under every market cap)."""
    return (500 + zlib.crc32(f"shares:{symbol.upper()}".encode()) % 15_500) * 1_000_000
