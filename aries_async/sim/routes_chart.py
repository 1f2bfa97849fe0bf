"""The simulator's chart routes (``/v1/chart/*``, rest.md section 7): quotes and bars with
``nextTime`` paging (of an OSI option symbol too, as the charts socket streams one), search,
the chart configuration, symbol info and the server time."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from aiohttp import web

from aries_async.sim.bars import Bar
from aries_async.sim.context import SimContext
from aries_async.sim.feed import UnknownSymbolError, parse_resolution
from aries_async.sim.responses import (
    context_of,
    json_response,
    nested_error,
    symbols_param,
    validation_error,
)
from aries_async.sim.routes_market import searched
from aries_async.sim.routes_options import option_bars, option_chart_values, option_quote
from aries_async.sim.symbols import SymbolInfo

__all__ = ["add_routes"]


def _quote_values(ctx: SimContext, info: SymbolInfo) -> dict[str, Any]:
    snap = ctx.feed.quote(info.symbol)
    return {
        "lp": snap.last,
        "bid": snap.bid,
        "ask": snap.ask,
        "ch": snap.change,
        "chp": snap.change_percent,
        "volume": snap.volume,
        "open_price": snap.open,
        "high_price": snap.high,
        "low_price": snap.low,
        "prev_close_price": snap.prev_close,
        "short_name": info.symbol,
        "description": info.name,
        "exchange": info.exchange,
    }


def _option_values(ctx: SimContext, symbol: str) -> dict[str, Any] | None:
    priced = option_quote(ctx, symbol)
    if priced is None:
        return None
    return option_chart_values(priced, ctx.feed.quote(symbol[:-15]).volume // 100)


async def _quotes(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    symbols = symbols_param(request)
    if isinstance(symbols, web.Response):
        return symbols
    unknown = ctx.settings.quote_unknown
    # An OSI option symbol is quoted as the charts socket quotes it.
    options = {s: v for s in symbols if s not in ctx.feed.symbols and (v := _option_values(ctx, s))}
    missing = [s for s in symbols if ctx.feed.symbols.get(s) is None and s not in options]
    if unknown in ("400", "404") and missing:
        bad = ",".join(missing)
        if unknown == "400":
            return validation_error(request, "INVALID_SYMBOL", f"unknown symbol {bad}", "symbols")
        return nested_error(request, 404, "NOT_FOUND", "SYMBOL_NOT_FOUND", f"unknown symbol {bad}")
    items: list[dict[str, Any]] = []
    for symbol in symbols:
        info = ctx.feed.symbols.get(symbol)
        if symbol in options:
            status = symbol if ctx.settings.quote_symbol_in == "s" else "ok"
            items.append({"n": symbol, "s": status, "v": options[symbol]})
        elif info is None:
            if unknown != "omit":
                error = f"unknown symbol {symbol}"
                items.append({"n": symbol, "s": "error", "errmsg": error, "v": {}})
        elif ctx.settings.quote_symbol_in == "s":
            items.append({"n": info.name, "s": info.symbol, "v": _quote_values(ctx, info)})
        else:
            items.append({"n": info.symbol, "s": "ok", "v": _quote_values(ctx, info)})
    if not items:
        return json_response({"s": "error", "errmsg": "no known symbol"})
    ok = any(item["s"] != "error" for item in items)
    return json_response({"s": "ok" if ok else "error", "d": items})


def _chart_error(message: str) -> web.Response:
    return json_response({"s": "error", "errmsg": message})


_LOOK_BACK = 7 * 86400
"""The first span looked back for the bar before an empty range (a weekend, a holiday)."""


def _last_before(history: Callable[[int, int], list[Bar] | None], start: int) -> int | None:
    """The time of the last bar before ``start``: a week back, then twice as far each time
    until the epoch, so that a year of minute bars is not built to find yesterday's."""
    hi, span = start - 1, _LOOK_BACK
    while hi >= 0:
        lo = max(hi - span, 0)
        found = history(lo, hi)
        if found:
            return found[-1].time
        hi, span = lo - 1, span * 2
    return None


async def _history(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    query = request.query
    symbol = query.get("symbol", "").strip().upper()
    if not symbol:
        return _chart_error("symbol is required")
    resolution = parse_resolution(query.get("resolution", ""))
    if resolution is None:
        return _chart_error("unsupported resolution")
    try:
        start, end = int(query["from"]), int(query["to"])
    except (KeyError, ValueError):
        return _chart_error("from and to are required Unix timestamps")
    if start >= 10**11:
        start //= 1000
    if end >= 10**11:
        end //= 1000
    if end <= start:
        return _chart_error("to must be greater than from")
    if end < 0:
        return json_response({"s": "no_data", "errmsg": "range is before the epoch"})
    extended = query.get("includeExtended", "").strip().lower() in ("true", "1")
    if ctx.feed.has(symbol):
        history: Callable[[int, int], list[Bar] | None] = partial(
            ctx.feed.bars, symbol, resolution, extended=extended
        )
    else:  # an OSI option symbol, as the charts socket streams one (regular hours only)
        history = partial(option_bars, ctx, symbol, resolution)
    try:
        bars = history(max(start, 0), end)
    except UnknownSymbolError:
        bars = None
    if bars is None:
        return _chart_error(f"unknown symbol {symbol}")
    if not bars:
        body: dict[str, Any] = {"s": "no_data", "errmsg": "no bars in requested range"}
        earlier = _last_before(history, min(start, int(ctx.clock.now()) + 1))
        if earlier is not None:
            body["nextTime"] = earlier
        return json_response(body)
    page = ctx.settings.history_page_size
    next_time: int | None = None
    if page is not None and len(bars) > page:
        # The rest of the range is there: the next bar's time, where the next page starts (as
        # in the documented example, nextTime = the last bar + one bar).
        next_time = bars[0].time if ctx.faults.history_stuck_continuation else bars[page].time
        bars = bars[:page]
    body = {
        "s": "ok",
        "t": [b.time for b in bars],
        "o": [b.open for b in bars],
        "h": [b.high for b in bars],
        "l": [b.low for b in bars],
        "c": [b.close for b in bars],
        "v": [b.volume for b in bars],
    }
    if next_time is not None:
        body["nextTime"] = next_time
    return json_response(body)


async def _chart_search(request: web.Request) -> web.StreamResponse:
    results = searched(request)
    if isinstance(results, web.StreamResponse):
        return results
    return json_response(
        [
            {
                "symbol": r["symbol"],
                "ticker": r["symbol"],
                "description": r["description"],
                "exchange": r["tag"],
                "type": r["type"],
            }
            for r in results
        ]
    )


_RESOLUTION_LIST = [
    "1",
    "3",
    "5",
    "15",
    "30",
    "45",
    "60",
    "120",
    "180",
    "240",
    "1D",
    "1W",
    "1M",
    "3M",
    "6M",
    "12M",
]


async def _chart_config(request: web.Request) -> web.StreamResponse:
    return json_response(
        {
            "supported_resolutions": _RESOLUTION_LIST,
            "intraday_multipliers": ["1", "3", "5", "15", "30", "45", "60", "120", "180", "240"],
            "daily_multipliers": ["1"],
            "weekly_multipliers": ["1"],
            "monthly_multipliers": ["1", "3", "6", "12"],
            "has_intraday": True,
            "has_daily": True,
            "has_weekly_and_monthly": True,
            "supports_search": True,
            "supports_group_request": False,
            "supports_marks": False,
            "supports_timescale_marks": False,
            "supports_time": True,
        }
    )


async def _chart_symbol(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    info = ctx.feed.symbols.get(request.query.get("symbol", ""))
    if info is None:
        return nested_error(request, 404, "NOT_FOUND", "SYMBOL_NOT_FOUND", "unknown symbol")
    return json_response(
        {
            "name": info.symbol,
            "ticker": info.symbol,
            "description": info.name,
            "type": info.search_type,
            "exchange": info.exchange,
            "listed_exchange": info.exchange,
            "timezone": "America/New_York",
            "session": "0930-1600",
            "pricescale": 100,
            "minmov": 1,
            "format": "price",
            "has_intraday": True,
            "has_daily": True,
            "has_seconds": False,
            "has_ticks": False,
            "has_weekly_and_monthly": True,
            "supported_resolutions": _RESOLUTION_LIST,
            "intraday_multipliers": ["1", "3", "5", "15", "30", "45", "60", "120", "180", "240"],
            "daily_multipliers": ["1"],
            "weekly_multipliers": ["1"],
            "monthly_multipliers": ["1", "3", "6", "12"],
            "visible_plots_set": "ohlcv",
            "volume_precision": 0,
            "subsession_id": "regular",
            "subsessions": None,
        }
    )


async def _chart_time(request: web.Request) -> web.StreamResponse:
    return web.Response(text=str(int(context_of(request).clock.now())), content_type="text/plain")


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve the chart routes on ``router``."""
    router.add_get("/v1/chart/search", _chart_search)
    router.add_get("/v1/chart/quotes", _quotes)
    router.add_get("/v1/chart/history", _history)
    router.add_get("/v1/chart/config", _chart_config)
    router.add_get("/v1/chart/symbols", _chart_symbol)
    router.add_get("/v1/chart/time", _chart_time)
