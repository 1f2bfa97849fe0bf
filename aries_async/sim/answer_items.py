"""One element of a description-driven answer's collection: :class:`Item`.

An item is what a field rule reads besides the request (:class:`~aries_async.sim.answer.Answer`):
the ticker it is about and that ticker's reference price, its time, the option contract for an
option operation, and its own draws (:meth:`Item.unit`), fixed by its seed, so that a field's
value depends on the item and the field's name only, not on the order fields are built in.
"""

from __future__ import annotations

import re
import zlib
from datetime import datetime
from functools import cached_property

import attrs

from aries_async.sim.option_chains import Contract
from aries_async.sim.walk import round_price

__all__ = ["Item"]


# Not slotted: its cached_property needs a __dict__ (attrs before 23.2 gives a slotted class
# none).
@attrs.define(eq=False, slots=False)
class Item:
    """One element of a collection (or the answer's root, ``root=True``).

    Attributes:
        index: the position in its collection.
        symbol: the ticker it is about; ``price`` that ticker's reference price.
        when: its time (aware UTC).
        seed: 32-bit seed of the item's draws (:meth:`unit`).
        option: the contract, for option operations.
        trend: +1 (-1) when the item must have risen (fallen): top gainers (losers).
        cents: its prices are in whole cents (options, prediction contracts).
        event: the symbol and index of the prediction event whose ``contracts`` list holds
            it (its ``eventId`` is that event's), else None.
    """

    index: int
    symbol: str
    price: float
    when: datetime
    seed: int
    root: bool = False
    option: Contract | None = None
    trend: int = 0
    cents: bool = False
    event: tuple[str, int] | None = None

    def unit(self, name: str) -> float:
        """A number in [0, 1) fixed by the item and ``name`` (independent of call order)."""
        return zlib.crc32(name.encode(), self.seed) / 4294967296.0

    def between(self, name: str, low: float, high: float) -> float:
        """A number in [low, high) fixed by the item and ``name``."""
        return low + (high - low) * self.unit(name)

    @property
    def strike(self) -> float:
        """Its option's strike, the strike its prediction contract names (``KXFED-26MAR-T4.00``:
        4.00), else a round strike near its price."""
        if self.option is not None:
            return self.option.strike
        named = re.search(r"-T(\d+(?:\.\d+)?)$", self.symbol)
        return float(named.group(1)) if named else round(self.price / 5) * 5.0

    @cached_property
    def bar(self) -> tuple[float, float, float, float]:
        """Open, high, low and close of the item's period, around its reference price."""
        base = self.option.premium if self.option is not None else self.price
        opened = base * self.between("~open", 0.985, 1.015)
        closed = base * self.between("~close", 0.985, 1.015)
        if self.trend * (closed - opened) < 0:
            opened, closed = closed, opened
        high = max(opened, closed) * self.between("~high", 1.0, 1.01)
        low = min(opened, closed) * self.between("~low", 0.99, 1.0)
        if self.cents:
            return round(opened, 2), round(high, 2), max(round(low, 2), 0.01), round(closed, 2)
        return round_price(opened), round_price(high), round_price(low), round_price(closed)

    @property
    def change_percent(self) -> float:
        """Close minus open, in percent of the open (two places)."""
        opened, closed = self.bar[0], self.bar[3]
        return round((closed - opened) / opened * 100, 2)

    @property
    def volume(self) -> int:
        """The shares (contracts: a busy one's day, not a large cap's) traded in its period."""
        low, high = (2e5, 4e7) if self.option is None else (10, 20_000)
        return int(self.between("vol", low, high))
