"""The state of one description-driven answer: what was asked, and the items of its collection.

:class:`Answer` is the :class:`~aries_async.sim.schema_walk.Walk` the field rules read from. An
operation's list answer is a window onto a finite, seeded collection of :class:`Item`\\ s:
item ``i`` depends only on the simulator's seed, the operation, the request's parameters (less
the paging ones: continuations and page sizes) and ``i``, so the same request gets the same
answer, a later page continues an earlier one, and pages of any size show the same collection.
Each item (:class:`~aries_async.sim.answer_items.Item`) carries a symbol (the requested ones in
turn, else a fixed universe), its reference price from the simulator's feed, a time inside the
requested window, and for option operations a listed contract with its Black-Scholes premium and
greeks, from the request's chain (:mod:`~aries_async.sim.option_chains`; a top list's is built
once per market state).

An item stands for one thing where a list holds each thing once: a top list (``/top-``) ranks a
market, each ticker or contract once, sorted by its measure (:mod:`~aries_async.sim.rankings`);
the prediction contracts of a list, past the few of :data:`CONTRACTS`, are further strikes of
their events (``KXFED-26MAR-T4.75``); the venue's search lists the things its query matches,
each once (:mod:`~aries_async.sim.prediction_search`); and a nested list of ``securities`` or
``contracts`` names other ones than its parent (the parent's first).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from aries_async.sim.answer_items import Item
from aries_async.sim.context import SimContext
from aries_async.sim.feed import NEW_YORK
from aries_async.sim.option_chains import Contract, chain, chain_dates, priced
from aries_async.sim.option_model import OPTION_SYMBOL, parse_osi
from aries_async.sim.prediction_events import category_levels, series_contracts
from aries_async.sim.prediction_search import search_hits
from aries_async.sim.rankings import market, rank, underlyings
from aries_async.sim.walk import stable_seed

__all__ = ["CONTRACTS", "NESTED_ITEMS", "UNIVERSE", "Answer", "Contract", "Item"]

NESTED_ITEMS = 3
"""How many items an array inside an item has."""

UNIVERSE = ("AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "AVGO", "JPM", "V", "XOM")
"""The tickers an answer is about when the request names none."""

CONTRACTS = ("KXFED-26MAR-T4.00", "KXCPI-26FEB-T3.0", "KXGDP-26Q1-T2.0", "KXUNRATE-26MAR-T4.3")
"""The prediction-market contracts an answer is about when the request names none."""

# Nested lists of things, each of which is named once (not the parent's symbol again).
_INSTRUMENTS = frozenset({"securities", "contracts"})
_STRIKE = re.compile(r"-T(\d+(?:\.(\d+))?)$")

# Parameters that choose a window onto the collection, not the collection: a continuation or a
# page size (a page of 10 shows the first 10 items of a page of 25).
_PAGING = frozenset(
    {"next", "nextPage", "page", "cursor", "limit", "size", "countback", "pageSize", "perPage"}
)


class Answer:
    """What the field rules know about a request, and the items of its answer.

    Args:
        ctx: the simulator.
        op: the operation's description.
        params: the request's parameters by wire name (path, query and top-level body fields).
        symbols: the tickers asked for (empty: the universe).
        window: the time range the answer's items fall in.
        size: the size of the collection (a paged option chain has one item per contract).
        paged: whether the operation pages.
        prices: reference prices the request fixes (a tick page continuing an earlier one: the
            prices its bars were drawn around then), by ticker.

    Attributes:
        total: the size of the collection.
        indexes: the items of the collection this answer carries (the route sets its page).
        extra: values of fields the route decides (paging links and numbers).
    """

    def __init__(
        self,
        ctx: SimContext,
        op: dict[str, Any],
        params: dict[str, str],
        symbols: Sequence[str],
        window: tuple[datetime, datetime],
        size: int,
        paged: bool,
        prices: Mapping[str, float] | None = None,
    ) -> None:
        self.ctx = ctx
        self._prices = dict(prices or {})
        self.op = op
        self.params = params
        self.window = window
        self.indexes: Sequence[int] = range(size)
        self.extra: dict[str, Any] = {}
        self.now = datetime.fromtimestamp(ctx.clock.now(), UTC)
        # Prediction contracts are priced as probabilities, not from the equity feed.
        self.prediction = op["path"].startswith("/v1/predictions")
        self.asked = len(symbols) > 0
        self.ranked = "/top-" in op["path"]
        options = op["path"].startswith("/v1/options/")
        pool = market(ctx.feed.symbols) if self.ranked and not options else UNIVERSE
        self.symbols = list(symbols) or list(CONTRACTS if self.prediction else pool)
        if self.prediction and not self.asked:  # an event's (base event's) series only
            self.symbols = series_contracts(params, CONTRACTS) or self.symbols
        self.descending = params.get("order", params.get("sort", "")).lower().startswith("desc")
        key = sorted((k, v) for k, v in params.items() if k not in _PAGING)
        self.seed = stable_seed(ctx.feed.seed, op["id"], key)
        self.chain: Sequence[Contract] = self._chain() if options else []
        self.trend = 1 if "gainers" in op["path"] else -1 if "losers" in op["path"] else 0
        self.total = len(self.chain) if paged and len(self.chain) > 1 else size
        if self.ranked:  # a top list ranks each ticker (contract) of its market once
            self.total = len(self.chain) or len(self.symbols)
        self.searched = tuple(self.symbols)  # what a search looks in (``contractsFound``)
        if op["id"] == "search":  # the venue's search: what matches the query, each thing once
            hits = search_hits(params, self.symbols)
            self.symbols = hits or self.symbols  # (the root item still needs a symbol)
            self.total = len(hits)
        self._spread = self.total if self.ranked else 0  # a row's time: by the market ranked
        self.root = self._item(0, root=True)
        self._items: dict[int, Item] = {}
        self._ranking: Sequence[int] | None = None
        if self.ranked:  # one ranking a market state (the chain's expiries: a day)
            what = (self.seed, self.total, self.now.astimezone(NEW_YORK).date())
            self._ranking = ctx.rankings.order(ctx.feed.state(), what, self._rank)

    # -- the Walk protocol --------------------------------------------------------------------

    def children(self, item: Item, name: str, depth: int) -> Sequence[Item]:
        """The page's items under the root; a few items inheriting from ``item`` elsewhere (one
        for the tickers of an item, which are its own; one per level of its category path)."""
        if name == "categoryLevels":  # one path, broadest first, whatever the item's depth
            levels = range(len(category_levels(item.symbol)))
            return [attrs.evolve(item, index=j, root=False) for j in levels]
        if item.root:
            if self.asked and name in ("symbols", "tickers"):  # echo the ones asked for
                return [self.item(i) for i in range(len(self.symbols))]
            if self.asked and name == "holdings":  # a fund's positions: not the fund itself
                return [self._held(self.item(i)) for i in self.indexes]
            if self.prediction and name == "events":  # each event once: its id is its ticker
                return [self.item(i) for i in self.indexes[: len(self.symbols)]]
            return [self.item(i) for i in self.indexes]
        count = 1 if name in ("symbols", "tickers") else NESTED_ITEMS
        symbols = [self._nested_symbol(item.symbol, name, j) for j in range(count)]
        owner = (item.symbol, item.index) if self.prediction and name == "contracts" else None
        return [
            attrs.evolve(
                item,
                index=j,
                symbol=symbols[j],
                price=item.price if symbols[j] == item.symbol else self.price(symbols[j]),
                seed=zlib.crc32(f"{name}:{j}".encode(), item.seed),
                when=item.when - timedelta(days=j),
                root=False,
                event=owner or item.event,
            )
            for j in range(count)
        ]

    def _nested_symbol(self, parent: str, name: str, j: int) -> str:
        """The symbol of item ``j`` of the list ``name`` inside an item about ``parent``: the
        parent's own, except in a list of instruments, where item ``j`` is another one (the
        ``j``-th strike of a prediction contract's event; another ticker of the universe)."""
        if name not in _INSTRUMENTS or j == 0:
            return parent
        if self.prediction:
            return _shifted(parent, j)
        others = [s for s in UNIVERSE if s != parent]
        return others[(j - 1) % len(others)]

    def _held(self, item: Item) -> Item:
        """``item`` as the position of a fund asked about: another ticker of the universe."""
        others = [s for s in UNIVERSE if s not in self.symbols]
        symbol = others[item.index % len(others)]
        return attrs.evolve(item, symbol=symbol, price=self.price(symbol))

    def choose(self, item: Item, branches: Sequence[frozenset[str]]) -> int:
        """The branch whose constants match a request parameter (else the first)."""
        asked = set(self.params.values())
        if self.op["id"] == "search":  # contracts unless ``type`` asks for another level
            asked.add(self.params.get("type") or "contracts")
        return next((i for i, marks in enumerate(branches) if marks & asked), 0)

    def fallback(self, item: Item, kind: str, name: str) -> Any:
        """A plain value of ``kind`` for a field no rule knows."""
        if kind in ("date", "date-time"):
            return item.when
        if kind == "integer":
            return 1 + int(item.unit(name) * 999)
        if kind == "number":
            return round(item.between(name, 1, 100), 2)
        if kind == "boolean":
            return item.unit(name) < 0.5
        words = "".join(" " + c.lower() if c.isupper() else c for c in name).replace("_", " ")
        return f"{item.symbol} {words.strip()}".strip()

    # -- items --------------------------------------------------------------------------------

    def item(self, index: int) -> Item:
        """Item ``index`` of the collection (built once per answer)."""
        found = self._items.get(index)
        if found is None:
            if self._ranking is None:
                found = self._item(index)
            else:  # the item ranked there: its draws are its own, its index the rank
                found = attrs.evolve(self._item(self._ranking[index]), index=index)
            self._items[index] = found
        return found

    def _rank(self) -> list[int]:
        """The positions of a top list's collection sorted by its measure, on the values its
        rows show."""
        return rank(self.op["path"], [_shown(self._item(i)) for i in range(self.total)])

    def _item(self, index: int, *, root: bool = False) -> Item:
        option = self.chain[index % len(self.chain)] if self.chain else None
        symbol = option.underlying if option else self.symbols[index % len(self.symbols)]
        if self.prediction and not self.asked:
            # Past the listed contracts, further strikes of their events: a list names each
            # contract once, with room between two rounds for an event's nested contracts.
            symbol = _shifted(symbol, index // len(self.symbols) * NESTED_ITEMS)
        start, end = self.window
        position = (index + 0.5) / max(self._spread or self.total, 1)
        if self.descending:
            position = 1 - position
        when = end if root else start + (end - start) * position
        return Item(
            index=index,
            symbol=symbol,
            price=self.price(symbol),
            when=when.replace(microsecond=0),
            seed=(self.seed + index * 0x9E3779B1) & 0xFFFFFFFF,
            root=root,
            option=option,
            trend=self.trend,
            cents=self.prediction or option is not None,
        )

    def price(self, symbol: str) -> float:
        """The symbol's last simulated price (a stable made-up one outside the universe, a
        probability for a prediction contract)."""
        if symbol in self._prices:
            return self._prices[symbol]
        if self.prediction:
            return round(0.05 + stable_seed("odds", symbol) % 90 / 100, 2)
        if self.ctx.feed.has(symbol):
            return self.ctx.feed.quote(symbol).last
        return round(10 + stable_seed("price", symbol) % 29000 / 100, 2)

    def name_of(self, symbol: str) -> str:
        """The company name of ``symbol``."""
        info = self.ctx.feed.symbols.get(symbol)
        return info.name if info is not None else f"{symbol.title()} Holdings Inc."

    def _chain(self) -> Sequence[Contract]:
        """The listed contracts the request is about (:mod:`~aries_async.sim.option_chains`):
        one when it names a contract, else the chain of the first symbol (of each underlying a
        top list ranks, built once per market state), filtered by the request's contract
        type."""
        today = self.now.astimezone(NEW_YORK).date()
        osi_symbol = next((v for v in self.params.values() if OPTION_SYMBOL.match(v)), None)
        if osi_symbol is not None:
            parts = parse_osi(osi_symbol)
            if parts is None:  # OSI-shaped, but its expiry is no date (month 13...): none
                return []
            picked = [(parts.expiry, parts.call, parts.strike)]
            return priced(today, parts.root, self.price(parts.root), picked)
        kind = self.params.get("contractType", "").lower()
        dates = chain_dates(today, self.ctx.is_trading_day)
        if not (self.ranked and not self.asked):
            return chain(today, dates, [self.symbols[0]], self.price, kind)
        roots = underlyings(self.op["path"], self.ctx.feed.symbols)
        # A top list's chain covers a market: the same at one market state and day.
        what = (tuple(roots), today, kind if kind in ("call", "put") else "")
        return self.ctx.chains.chain(
            self.ctx.feed.state(), what, lambda: chain(today, dates, roots, self.price, kind)
        )


def _shown(item: Item) -> tuple[float, int]:
    """The change in percent and the volume a row about ``item`` shows."""
    return item.change_percent, item.volume


def _shifted(ticker: str, steps: int) -> str:
    """The prediction contract ``steps`` strikes above ``ticker`` in its event (a quarter, or a
    half for a strike of one decimal: ``KXFED-26MAR-T4.00`` and 2: ``KXFED-26MAR-T4.50``);
    ``ticker`` itself when it names no strike."""
    named = _STRIKE.search(ticker)
    if named is None or steps == 0:
        return ticker
    places = len(named.group(2) or "")
    step = Decimal("0.25") if places >= 2 else Decimal("0.5") if places == 1 else Decimal(1)
    strike = Decimal(named.group(1)) + step * steps
    return f"{ticker[: named.start()]}-T{strike:.{places}f}"
