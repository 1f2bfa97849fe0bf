"""The simulator's option routes: expiry dates, contracts and option quotes (rest.md section 7),
the option part of symbol search, and the bars of an option's chart history. Prices come from
Black-Scholes at a flat 30% volatility."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web

from aries_async.sim.bars import Bar
from aries_async.sim.context import SimContext
from aries_async.sim.feed import NEW_YORK
from aries_async.sim.option_model import expiries, osi, strikes
from aries_async.sim.option_quotes import (
    contract_closed,
    contract_price,
    contract_quote,
    priced_contract,
)
from aries_async.sim.records import RefusedRequest
from aries_async.sim.responses import (
    context_of,
    json_response,
    nested_error,
    per_symbol_response,
    validation_error,
)

__all__ = [
    "OptionsLookupError",
    "add_routes",
    "contracts_body",
    "expiry_dates_body",
    "option_bars",
    "option_chart_values",
    "option_quote",
    "option_search",
]


def _expiries(ctx: SimContext) -> list[date]:
    return expiries(datetime.fromtimestamp(ctx.clock.now(), NEW_YORK).date(), ctx.is_trading_day)


def option_search(ctx: SimContext, prefix: str, limit: int) -> list[dict[str, str]]:
    """Search results for option contracts of underlyings starting with ``prefix``."""
    out: list[dict[str, str]] = []
    for info in ctx.feed.symbols:
        if not info.optionable or not info.symbol.startswith(prefix):
            continue
        expiry = _expiries(ctx)[0]
        price = ctx.feed.quote(info.symbol).last
        for strike in strikes(price):
            for put_call, word in (("C", "Call"), ("P", "Put")):
                out.append(
                    {
                        "symbol": osi(info.symbol, expiry, put_call, strike),
                        "description": f"{info.symbol} {expiry:%b %d %Y} {strike:g} {word}",
                        "tag": "OPRA",
                        "type": "option",
                    }
                )
                if len(out) >= limit:
                    return out
    return out


class OptionsLookupError(RefusedRequest):
    """An options lookup failed: the status, error code and message to answer with."""


def expiry_dates_body(ctx: SimContext, symbol: str) -> dict[str, Any]:
    """The ``expiry-dates`` answer of ``symbol`` (REST and the market socket's request).

    Raises:
        OptionsLookupError: unknown symbol.
    """
    info = ctx.feed.symbols.get(symbol)
    if info is None:
        raise OptionsLookupError(404, "SYMBOL_NOT_FOUND", "unknown symbol")
    dates = [d.isoformat() for d in _expiries(ctx)] if info.optionable else []
    return {"symbol": info.symbol, "expiryDates": dates}


def contracts_body(ctx: SimContext, symbol: str, expiry_text: str) -> dict[str, Any]:
    """The ``contracts/{expiryDate}`` answer (REST and the market socket's request).

    Raises:
        OptionsLookupError: unknown symbol, a malformed date or no such expiry.
    """
    info = ctx.feed.symbols.get(symbol)
    if info is None:
        raise OptionsLookupError(404, "SYMBOL_NOT_FOUND", "unknown symbol")
    try:
        expiry = date.fromisoformat(expiry_text)
    except ValueError:
        raise OptionsLookupError(
            400, "INVALID_PARAMETER", "expiryDate must be YYYY-MM-DD", "expiryDate"
        ) from None
    if not info.optionable or expiry not in _expiries(ctx):
        raise OptionsLookupError(
            404, "EXPIRY_NOT_FOUND", f"no contracts for {info.symbol} on {expiry.isoformat()}"
        )
    listed = strikes(ctx.feed.quote(info.symbol).last)

    def rows(put_call: str) -> list[dict[str, Any]]:
        return [
            {
                "symbol": "O:" + osi(info.symbol, expiry, put_call, k),
                "strikePrice": int(k) if k == int(k) else k,
            }
            for k in listed
        ]

    return {
        "symbol": info.symbol,
        "expiryDate": expiry.isoformat(),
        "calls": rows("C"),
        "puts": rows("P"),
    }


def _lookup_error(request: web.Request, error: OptionsLookupError) -> web.Response:
    if error.status == 400:
        return validation_error(request, error.code, error.message, error.field)
    return nested_error(request, error.status, "NOT_FOUND", error.code, error.message)


async def _expiry_dates(request: web.Request) -> web.StreamResponse:
    try:
        body = expiry_dates_body(context_of(request), request.match_info["symbol"])
    except OptionsLookupError as error:
        return _lookup_error(request, error)
    return json_response(body)


async def _contracts(request: web.Request) -> web.StreamResponse:
    info = request.match_info
    try:
        body = contracts_body(context_of(request), info["symbol"], info["expiryDate"])
    except OptionsLookupError as error:
        return _lookup_error(request, error)
    return json_response(body)


def option_quote(
    ctx: SimContext, symbol: str, spot: float | None = None, at: float | None = None
) -> dict[str, Any] | None:
    """The quote of a bare OSI option symbol at the time ``at`` (default: the clock's; a
    socket's feed step gives its own) and the underlying's price ``spot`` (default its
    current last), or None when it is not an option of a known, optionable symbol (or its
    expiry is no date), or its contract stopped trading by then
    (:func:`~aries_async.sim.option_quotes.contract_closed`): ``symbol``, ``lastPrice``,
    ``bidPrice``, ``askPrice``, ``midPrice``, ``closePrice``; the quote option orders fill
    against (:func:`~aries_async.sim.option_quotes.contract_quote`).

    A contract past its last close is listed no more (its chain is ``EXPIRY_NOT_FOUND``, an
    order for it refused, its positions settled): the details route, the chart quotes and the
    sockets answer it as a contract the server does not have. The ``O:`` ticker of a contract
    list is not an OSI symbol: they take OSI symbols only (rest.md section 13), and a
    simulator that stripped the prefix would pass a bot the real server refuses."""
    now = ctx.clock.now() if at is None else at
    if contract_closed(symbol, now):
        return None
    return contract_quote(ctx.feed, now, symbol, spot)


def option_chart_values(priced: dict[str, Any], volume: int) -> dict[str, Any]:
    """The TradingView quote values (``v``) of a contract :func:`option_quote` priced, as the
    charts socket and ``GET /v1/chart/quotes`` send them; ``volume`` in contracts."""
    last = priced["lastPrice"]
    close = priced.get("closePrice", last)
    return {
        "lp": last,
        "ch": round(last - close, 2),
        "chp": round((last - close) / close * 100, 2) if close else 0.0,
        "bid": priced["bidPrice"],
        "ask": priced["askPrice"],
        "prev_close_price": close,
        "volume": volume,
        "exchange": "OPRA",
        "short_name": priced["symbol"],
    }


def option_bars(
    ctx: SimContext, symbol: str, resolution: tuple[str, int], start: int, end: int
) -> list[Bar] | None:
    """The chart history of a bare OSI option symbol (None when :func:`option_quote` would
    not quote it): its price over each of the underlying's bars up to the expiry, so that
    a bar spans the prices its live trades had (the price moves with the spot within a
    day), and a hundredth of the underlying's volume, as the sockets count contracts."""
    parts = priced_contract(ctx.feed, symbol)
    if parts is None:
        return None
    bars = []
    for bar in ctx.feed.bars(parts.root, resolution, start, end):
        zone = NEW_YORK if resolution[0] == "min" else UTC  # a daily bar's time: UTC midnight
        day = datetime.fromtimestamp(bar.time, zone).date()
        if day > parts.expiry:
            break
        # A put is dearest where its underlying is cheapest.
        spots = (bar.open, bar.high, bar.low, bar.close)
        if not parts.call:
            spots = (bar.open, bar.low, bar.high, bar.close)
        first, top, bottom, last = (contract_price(parts, spot, day) for spot in spots)
        bars.append(Bar(bar.time, first, top, bottom, last, bar.volume // 100))
    return bars


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
