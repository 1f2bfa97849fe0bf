"""The simulator's option routes: expiry dates, contracts and option quotes (rest.md section 7),
and the option part of symbol search. Prices come from Black-Scholes at a flat 30% volatility."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

from aiohttp import web

from aries_async.sim.context import SimContext
from aries_async.sim.feed import NEW_YORK, round_price
from aries_async.sim.responses import (
    context_of,
    json_response,
    nested_error,
    per_symbol_response,
    validation_error,
)

__all__ = ["add_routes", "option_quote", "option_search"]

_OPTION_SYMBOL = re.compile(r"^(?:O:)?([A-Z]{1,6})(\d{6})([CP])(\d{8})$")


def _expiries(ctx: SimContext) -> list[date]:
    today = datetime.fromtimestamp(ctx.clock.now(), NEW_YORK).date()
    out: list[date] = []
    day = today
    while len(out) < 8:
        day += timedelta(days=1)
        if day.weekday() == 4:
            out.append(day if ctx.is_trading_day(day) else day - timedelta(days=1))
    for months in range(3, 13, 3):
        year, month = divmod(today.month - 1 + months, 12)
        first = date(today.year + year, month + 1, 1)
        third_friday = first + timedelta(days=(4 - first.weekday()) % 7 + 14)
        if not ctx.is_trading_day(third_friday):
            third_friday -= timedelta(days=1)
        if third_friday not in out:
            out.append(third_friday)
    return sorted(out)


def _strikes(price: float) -> list[float]:
    step = 1.0 if price < 50 else 5.0 if price < 250 else 10.0 if price < 1000 else 50.0
    center = round(price / step) * step
    return [center + step * i for i in range(-8, 9) if center + step * i > 0]


def _osi(root: str, expiry: date, put_call: str, strike: float) -> str:
    return f"{root}{expiry:%y%m%d}{put_call}{round(strike * 1000):08d}"


def option_search(ctx: SimContext, prefix: str, limit: int) -> list[dict[str, str]]:
    """Search results for option contracts of underlyings starting with ``prefix``."""
    out: list[dict[str, str]] = []
    for info in ctx.feed.symbols:
        if not info.optionable or not info.symbol.startswith(prefix):
            continue
        expiry = _expiries(ctx)[0]
        price = ctx.feed.quote(info.symbol).last
        for strike in _strikes(price):
            for put_call, word in (("C", "Call"), ("P", "Put")):
                out.append(
                    {
                        "symbol": _osi(info.symbol, expiry, put_call, strike),
                        "description": f"{info.symbol} {expiry:%b %d %Y} {strike:g} {word}",
                        "tag": "OPRA",
                        "type": "option",
                    }
                )
                if len(out) >= limit:
                    return out
    return out


async def _expiry_dates(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    info = ctx.feed.symbols.get(request.match_info["symbol"])
    if info is None:
        return nested_error(request, 404, "NOT_FOUND", "SYMBOL_NOT_FOUND", "unknown symbol")
    dates = [d.isoformat() for d in _expiries(ctx)] if info.optionable else []
    return json_response({"symbol": info.symbol, "expiryDates": dates})


async def _contracts(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    info = ctx.feed.symbols.get(request.match_info["symbol"])
    if info is None:
        return nested_error(request, 404, "NOT_FOUND", "SYMBOL_NOT_FOUND", "unknown symbol")
    try:
        expiry = date.fromisoformat(request.match_info["expiryDate"])
    except ValueError:
        return validation_error(
            request, "INVALID_PARAMETER", "expiryDate must be YYYY-MM-DD", "expiryDate"
        )
    if not info.optionable or expiry not in _expiries(ctx):
        return nested_error(
            request,
            404,
            "NOT_FOUND",
            "EXPIRY_NOT_FOUND",
            f"no contracts for {info.symbol} on {expiry.isoformat()}",
        )
    strikes = _strikes(ctx.feed.quote(info.symbol).last)

    def rows(put_call: str) -> list[dict[str, Any]]:
        return [
            {
                "symbol": "O:" + _osi(info.symbol, expiry, put_call, k),
                "strikePrice": int(k) if k == int(k) else k,
            }
            for k in strikes
        ]

    return json_response(
        {
            "symbol": info.symbol,
            "expiryDate": expiry.isoformat(),
            "calls": rows("C"),
            "puts": rows("P"),
        }
    )


def _option_price(spot: float, strike: float, years: float, vol: float, call: bool) -> float:
    years = max(years, 1 / 365)
    d1 = (math.log(spot / strike) + 0.5 * vol * vol * years) / (vol * math.sqrt(years))
    d2 = d1 - vol * math.sqrt(years)

    def cdf(x: float) -> float:
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))

    if call:
        return spot * cdf(d1) - strike * cdf(d2)
    return strike * cdf(-d2) - spot * cdf(-d1)


def option_quote(ctx: SimContext, symbol: str, spot: float | None = None) -> dict[str, Any] | None:
    """The quote of an OSI option symbol (``O:`` prefix allowed) at the underlying's price
    (``spot``, default its current last), or None when it is not an option of a known,
    optionable symbol: ``symbol``, ``lastPrice``, ``bidPrice``, ``askPrice``, ``midPrice``,
    ``closePrice``."""
    match = _OPTION_SYMBOL.match(symbol)
    info = ctx.feed.symbols.get(match.group(1)) if match else None
    if match is None or info is None or not info.optionable:
        return None
    expiry = datetime.strptime(match.group(2), "%y%m%d").date()
    strike = int(match.group(4)) / 1000
    if spot is None:
        spot = ctx.feed.quote(info.symbol).last
    today = datetime.fromtimestamp(ctx.clock.now(), NEW_YORK).date()
    years = (expiry - today).days / 365
    theo = _option_price(spot, strike, years, 0.3, match.group(3) == "C")
    mid = max(0.01, round(theo, 2))
    half = max(0.01, round(mid * 0.02, 2))
    return {
        "symbol": symbol.removeprefix("O:"),
        "lastPrice": mid,
        "bidPrice": round(max(0.0, mid - half), 2),
        "askPrice": round(mid + half, 2),
        "midPrice": mid,
        "closePrice": round_price(mid * 0.98),
    }


async def _option_details(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)

    def detail(symbol: str) -> dict[str, Any] | str:
        return option_quote(ctx, symbol) or "option not found"

    return per_symbol_response(request, detail)


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve the option routes on ``router``."""
    router.add_get("/v1/marketdata/options/details", _option_details)
    router.add_get("/v1/options/{symbol}/expiry-dates", _expiry_dates)
    router.add_get("/v1/options/{symbol}/contracts/{expiryDate}", _contracts)
