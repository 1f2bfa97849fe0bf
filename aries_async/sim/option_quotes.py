"""The simulator's option contract quotes, priced from the underlying's walk, and the
contracts an option order trades: what the option routes answer and what option orders fill
against (:mod:`~aries_async.sim.option_fills`), so that a bot is filled at the quote it read.

No HTTP here: the routes (:mod:`~aries_async.sim.routes_options`) and the books both use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from aries_async.sim.feed import NEW_YORK, Feed, round_price
from aries_async.sim.option_model import (
    OPTION_SYMBOL,
    VOLATILITY,
    OsiParts,
    option_price,
    osi,
    parse_osi,
)
from aries_async.sim.sessions import contract_close, is_trading_day, regular_open
from aries_async.sim.walk import QuoteSnapshot

__all__ = [
    "CONTRACT_SIZE",
    "OrderContract",
    "contract_closed",
    "contract_price",
    "contract_quote",
    "contract_snapshot",
    "contract_unknown",
    "leg_ratio",
    "leg_symbol",
    "order_contracts",
    "priced_contract",
]

CONTRACT_SIZE = Decimal(100)
"""Shares per option contract: premiums are per share, cash moves by premium x 100."""


def priced_contract(feed: Feed, symbol: str) -> OsiParts | None:
    """The parts of a bare OSI ``symbol`` the feed can price (an option of a known,
    optionable underlying), or None. The ``O:`` ticker of a contract list is not an OSI
    symbol: orders and quotes take OSI symbols only (rest.md section 13)."""
    parts = None if symbol.upper().startswith("O:") else parse_osi(symbol)
    info = feed.symbols.get(parts.root) if parts else None
    if parts is None or info is None or not info.optionable:
        return None
    return parts


def contract_closed(symbol: str, at: float) -> bool:
    """Whether the contract of an OSI ``symbol`` (or its ``O:`` ticker) stopped trading by
    ``at`` (Unix seconds): from its last trading day's regular close
    (:func:`~aries_async.sim.sessions.contract_close`) orders refuse it, its positions are
    settled (:mod:`~aries_async.sim.settlement`), and the API quotes it as a contract it does
    not have. False for a symbol that is no OSI symbol."""
    parts = parse_osi(symbol.removeprefix("O:"))
    return parts is not None and at >= contract_close(parts.expiry).timestamp()


def contract_unknown(underlying: str, ticker: str, at: float) -> bool | None:
    """Whether the server has no contract ``ticker`` (an ``O:`` ticker or a bare OSI symbol)
    under ``underlying`` at ``at`` (Unix seconds): one that names no real day, another
    underlying, or one that stopped trading (:func:`contract_closed`). None when ``ticker``
    is no option ticker at all (a malformed parameter, not an unknown contract)."""
    if OPTION_SYMBOL.match(ticker) is None:
        return None
    parts = parse_osi(ticker)
    if parts is None or (underlying and parts.root != underlying.upper()):
        return True
    return contract_closed(ticker, at)


def contract_price(parts: OsiParts, spot: float, day: date) -> float:
    """The contract's price on ``day`` with its underlying at ``spot`` (a cent at least).
    Within a day it only rises with the spot (a call) or falls (a put)."""
    years = (parts.expiry - day).days / 365
    return max(0.01, round(option_price(spot, parts.strike, years, VOLATILITY, parts.call), 2))


def contract_quote(
    feed: Feed, now: float, symbol: str, spot: float | None = None
) -> dict[str, Any] | None:
    """The quote of a bare OSI option symbol at ``now`` (Unix seconds) with the underlying at
    ``spot`` (default its current last), or None when :func:`priced_contract` cannot price it:
    ``symbol``, ``lastPrice``, ``bidPrice``, ``askPrice``, ``midPrice``, ``closePrice``."""
    parts = priced_contract(feed, symbol)
    if parts is None:
        return None
    underlying = feed.quote(parts.root)
    if spot is None:
        spot = underlying.last
    mid = contract_price(parts, spot, datetime.fromtimestamp(now, NEW_YORK).date())
    half = max(0.01, round(mid * 0.02, 2))
    # Its close: its price at the underlying's last close, on that session's day.
    close = contract_price(parts, underlying.prev_close, _previous_session_day(now))
    return {
        "symbol": symbol,
        "lastPrice": mid,
        "bidPrice": round(max(0.0, mid - half), 2),
        "askPrice": round(mid + half, 2),
        "midPrice": mid,
        "closePrice": round_price(close),
    }


def _previous_session_day(now: float) -> date:
    """The day of the session before the one under way at ``now`` (a session runs from its
    trading day's regular open to the next one's, :mod:`~aries_async.sim.day_sessions`)."""
    day = datetime.fromtimestamp(now, NEW_YORK).date()
    opens = regular_open(day)
    sessions = 1 if opens is not None and now >= opens.timestamp() else 2
    while sessions:
        day -= timedelta(days=1)
        sessions -= is_trading_day(day)
    return day


@attrs.frozen
class OrderContract:
    """One contract an option order trades: its OSI ``symbol``, its ``underlying`` and the
    contracts it moves per unit of the order's quantity (``per_unit``: positive bought,
    negative sold; a leg's ratio)."""

    symbol: str
    underlying: str
    per_unit: Decimal


def leg_symbol(leg: Mapping[str, Any]) -> str | None:
    """The OSI symbol of an option leg: its ``symbol`` when that is one, else built from the
    underlying, maturity, put/call and strike it carries."""
    named = str(leg.get("symbol") or "")
    if parse_osi(named) is not None:
        return named
    try:
        expiry = date.fromisoformat(str(leg.get("maturity")))
        strike = float(Decimal(str(leg.get("strikePrice"))))
    except (ValueError, ArithmeticError):
        return None
    put_call = "C" if leg.get("putCall") == "CALL" else "P"
    return osi(named, expiry, put_call, strike) if named else None


def leg_ratio(leg: Mapping[str, Any]) -> Decimal:
    """The contracts a wire leg moves per unit of its order's quantity (``ratioQty``, 1)."""
    return Decimal(str(leg.get("ratioQty") or "1"))


def order_contracts(
    feed: Feed, legs: list[dict[str, Any]], side: str
) -> list[OrderContract] | None:
    """The contracts an option order (its wire ``legs``, its ``side``) trades, or None when
    the simulator cannot price them all (a stock leg, a contract it does not list, or legs on
    different underlyings): such an order rests. One leg follows the order's side; the legs
    of a spread their own sides."""
    if not legs:
        return None
    contracts = []
    for leg in legs:
        symbol = leg_symbol(leg) if leg.get("securityType") == "OPTION" else None
        parts = priced_contract(feed, symbol) if symbol else None
        if symbol is None or parts is None:
            return None
        if len(legs) == 1:
            sign = 1 if side in ("BUY", "BUY_TO_COVER") else -1
        else:
            sign = 1 if leg.get("side") == "BUY" else -1
        contracts.append(OrderContract(symbol, parts.root, sign * leg_ratio(leg)))
    if len({c.underlying for c in contracts}) != 1:
        return None
    return contracts


def contract_snapshot(feed: Feed, now: float, symbol: str) -> QuoteSnapshot | None:
    """The contract's quote at ``now`` as a feed snapshot (no sizes, the day's values its
    last), for the valuations and previews that price feed symbols; None as
    :func:`contract_quote`."""
    quote = contract_quote(feed, now, symbol)
    if quote is None:
        return None
    last = quote["lastPrice"]
    return QuoteSnapshot(
        symbol=symbol,
        time=now,
        seq=0,
        last=last,
        last_size=0,
        bid=quote["bidPrice"],
        ask=quote["askPrice"],
        bid_size=0,
        ask_size=0,
        open=last,
        high=last,
        low=last,
        prev_close=quote["closePrice"],
        volume=0,
    )
