"""The listed option contracts a description-driven answer is about: its chain.

A chain lists, on each of its underlyings, the second and fifth weekly expiry (a chain a user
trades, not one expiring tomorrow), the strikes around the underlying's price, a call and a
put each (or one right, when the request's ``contractType`` names it), every contract priced
by Black-Scholes at the underlying's simulated price (:func:`priced`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

__all__ = ["Contract", "chain", "chain_dates", "priced"]


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
