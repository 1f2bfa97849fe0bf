"""The simulator's listed options: expiries, strikes around the underlying, OSI symbols, and
Black-Scholes prices and greeks at a flat volatility (no rates, no dividends).

The option routes (:mod:`~aries_async.sim.routes_options`) and the description-driven answers
(:mod:`~aries_async.sim.field_rules`) share it, so a contract quoted by one is the contract the
other lists.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import attrs

__all__ = [
    "OPTION_SYMBOL",
    "VOLATILITY",
    "Greeks",
    "OsiParts",
    "expiries",
    "greeks",
    "option_price",
    "osi",
    "parse_osi",
    "strikes",
]

OPTION_SYMBOL = re.compile(r"^(?:O:)?([A-Z]{1,6})(\d{6})([CP])(\d{8})$")
"""An OSI option symbol (``AAPL240119C00150000``), with or without the ``O:`` ticker prefix."""

VOLATILITY = 0.3
"""The flat implied volatility of every simulated option."""


def expiries(today: date, is_trading_day: Callable[[date], bool]) -> list[date]:
    """The next eight weekly expiries and four quarterly ones after ``today`` (a Friday, or the
    Thursday before when the Friday is a holiday); ``is_trading_day(day)`` tells trading days."""
    out: list[date] = []
    day = today
    while len(out) < 8:
        day += timedelta(days=1)
        if day.weekday() == 4:
            out.append(day if is_trading_day(day) else day - timedelta(days=1))
    for months in range(3, 13, 3):
        year, month = divmod(today.month - 1 + months, 12)
        first = date(today.year + year, month + 1, 1)
        third_friday = first + timedelta(days=(4 - first.weekday()) % 7 + 14)
        if not is_trading_day(third_friday):
            third_friday -= timedelta(days=1)
        if third_friday not in out:
            out.append(third_friday)
    return sorted(out)


def strikes(price: float) -> list[float]:
    """Seventeen strikes centred on ``price``, spaced as listed options are."""
    step = 1.0 if price < 50 else 5.0 if price < 250 else 10.0 if price < 1000 else 50.0
    center = round(price / step) * step
    return [center + step * i for i in range(-8, 9) if center + step * i > 0]


def osi(root: str, expiry: date, put_call: str, strike: float) -> str:
    """The OSI symbol of a contract (``put_call`` is ``C`` or ``P``)."""
    return f"{root}{expiry:%y%m%d}{put_call}{round(strike * 1000):08d}"


@attrs.frozen
class OsiParts:
    """What an OSI symbol names: the underlying's root, the expiry, call or put, the strike."""

    root: str
    expiry: date
    call: bool
    strike: float


def parse_osi(symbol: str) -> OsiParts | None:
    """The parts of an OSI option symbol (``O:`` prefix allowed); None when ``symbol`` is not
    one, or names no real day as its expiry (month 13...): no such option."""
    match = OPTION_SYMBOL.match(symbol)
    if match is None:
        return None
    try:
        expiry = datetime.strptime(match.group(2), "%y%m%d").date()
    except ValueError:
        return None
    return OsiParts(match.group(1), expiry, match.group(3) == "C", int(match.group(4)) / 1000)


def _d1_d2(spot: float, strike: float, years: float, vol: float) -> tuple[float, float, float]:
    years = max(years, 1 / 365)
    d1 = (math.log(spot / strike) + 0.5 * vol * vol * years) / (vol * math.sqrt(years))
    return d1, d1 - vol * math.sqrt(years), years


def _cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def option_price(spot: float, strike: float, years: float, vol: float, call: bool) -> float:
    """The Black-Scholes value of a European option (at least a day to expiry)."""
    d1, d2, _ = _d1_d2(spot, strike, years, vol)
    if call:
        return spot * _cdf(d1) - strike * _cdf(d2)
    return strike * _cdf(-d2) - spot * _cdf(-d1)


@attrs.frozen
class Greeks:
    """Sensitivities of one contract: ``delta`` in [-1, 1] (negative for puts), ``gamma`` per
    dollar, ``theta`` per calendar day (negative), ``vega`` per volatility point."""

    delta: float
    gamma: float
    theta: float
    vega: float


def greeks(spot: float, strike: float, years: float, vol: float, call: bool) -> Greeks:
    """The Black-Scholes greeks of a contract."""
    d1, _, years = _d1_d2(spot, strike, years, vol)
    density = math.exp(-0.5 * d1 * d1) / math.sqrt(2 * math.pi)
    root = math.sqrt(years)
    return Greeks(
        delta=_cdf(d1) if call else _cdf(d1) - 1,
        gamma=density / (spot * vol * root),
        theta=-spot * density * vol / (2 * root) / 365,
        vega=spot * density * root / 100,
    )
