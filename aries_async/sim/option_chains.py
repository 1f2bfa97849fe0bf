"""The listed option contracts a description-driven answer is about: its chain.

A chain lists, on each of its underlyings, the second and fifth weekly expiry (a chain a user
trades, not one expiring tomorrow), the strikes around the underlying's price, a call and a
put each (or one right, when the request's ``contractType`` names it), every contract priced
by Black-Scholes at the underlying's simulated price (:func:`priced`).

An option top list's chain covers every optionable underlying of its kind, a few thousand
contracts, the same for every request at one market state (the prices, and the day that fixes
the expiries). :class:`Chains` keeps the chains of the latest state, so such a chain is built
once per :meth:`Feed.state <aries_async.sim.feed.Feed.state>` as the lists' rankings are
(:class:`~aries_async.sim.rankings.Rankings`); the contracts are frozen, so the answers that
share them cannot change them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date

import attrs

from aries_async.sim.option_model import (
    VOLATILITY,
    Greeks,
    expiries,
    greeks,
    option_price,
    osi,
    strikes,
)

__all__ = ["CHAINS_KEPT", "Chains", "Contract", "chain", "chain_dates", "priced"]

CHAINS_KEPT = 16
"""How many chains of one market state :class:`Chains` keeps (one per top list's kind of
underlying and contract type; the oldest goes first)."""


@attrs.frozen
class Contract:
    """A listed option: ``premium`` is its theoretical value at the underlying's price."""

    underlying: str
    expiry: date
    call: bool
    strike: float
    premium: float
    greeks: Greeks

    @property
    def osi(self) -> str:
        """The OSI symbol (``AAPL260116C00150000``)."""
        return osi(self.underlying, self.expiry, "C" if self.call else "P", self.strike)


def chain_dates(today: date, is_trading_day: Callable[[date], bool]) -> list[date]:
    """The expiries a chain lists on ``today``: the second and fifth weekly."""
    listed = expiries(today, is_trading_day)
    return [listed[1], listed[4]]


def priced(
    today: date, root: str, spot: float, picked: Sequence[tuple[date, bool, float]]
) -> list[Contract]:
    """The contracts ``picked`` (expiry, call, strike) on ``root``, priced at ``spot``."""
    contracts = []
    for expiry, call, strike in picked:
        years = max((expiry - today).days, 1) / 365
        premium = option_price(spot, strike, years, VOLATILITY, call)
        contracts.append(
            Contract(
                root,
                expiry,
                call,
                strike,
                round(max(premium, 0.01), 2),
                greeks(spot, strike, years, VOLATILITY, call),
            )
        )
    return contracts


def chain(
    today: date,
    dates: Sequence[date],
    roots: Sequence[str],
    price: Callable[[str], float],
    kind: str,
) -> list[Contract]:
    """The chain on ``roots`` (each at ``price(root)``) expiring on ``dates``: every strike
    around the price, a call and a put each, or only the right ``kind`` names (``call``,
    ``put``; another word: both)."""
    contracts = []
    for root in roots:
        spot = price(root)
        picked = [
            (expiry, call, strike)
            for expiry in dates
            for strike in strikes(spot)
            for call in (True, False)
            if kind not in ("call", "put") or call == (kind == "call")
        ]
        contracts += priced(today, root, spot, picked)
    return contracts


class Chains:
    """The option top lists' chains at the latest market state, each built once.

    Attributes:
        computed: how many chains were built (a request reading a kept one adds none).
    """

    def __init__(self) -> None:
        self.computed = 0
        self._state: Hashable = None
        self._chains: dict[Hashable, tuple[Contract, ...]] = {}

    def chain(
        self, state: Hashable, key: Hashable, build: Callable[[], Sequence[Contract]]
    ) -> tuple[Contract, ...]:
        """The chain ``key`` (what it lists: the underlyings, the day, the contract type) at
        the market ``state``: the one kept for them, else ``build()``, kept. A new ``state``
        forgets every chain of the last."""
        if state != self._state:
            self._state = state
            self._chains.clear()
        found = self._chains.get(key)
        if found is None:
            if len(self._chains) >= CHAINS_KEPT:
                del self._chains[next(iter(self._chains))]
            found = self._chains[key] = tuple(build())
            self.computed += 1
        return found
