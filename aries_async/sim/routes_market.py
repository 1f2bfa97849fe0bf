"""The simulator's market routes: symbol search, equity details, market status, holidays and
easy-to-borrow lists (rest.md sections 7-9); the chart routes are in
:mod:`~aries_async.sim.routes_chart`, the option ones in :mod:`~aries_async.sim.routes_options`."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from aries_async.sim.context import SimContext
from aries_async.sim.fault_variants import session_worded
from aries_async.sim.feed import NEW_YORK
from aries_async.sim.holidays import holidays
from aries_async.sim.responses import (
    context_of,
    int_param,
    json_body,
    json_response,
    per_symbol_response,
    validation_error,
)
from aries_async.sim.routes_options import option_search
from aries_async.sim.symbols import SymbolInfo, shares_outstanding
from aries_async.sim.walk import stable_seed

__all__ = ["add_routes", "searched"]

_EXCHANGES = frozenset(
    [
        "US",
        "L",
        "T",
        "HK",
        "TO",
        "V",
        "PA",
        "DE",
        "F",
        "MI",
        "MC",
        "AS",
        "BR",
        "SW",
        "ST",
        "CO",
        "OL",
        "HE",
        "VI",
        "LS",
        "IR",
        "WA",
        "AX",
        "NZ",
        "SS",
        "SZ",
        "KS",
        "KQ",
        "TW",
        "SI",
        "BK",
        "JK",
        "KL",
        "NS",
        "BO",
        "SA",
        "MX",
        "JO",
        "TA",
        "SR",
    ]
)


def _search_results(ctx: SimContext, query: str, limit: int) -> list[dict[str, str]]:
    if query.startswith("."):
        return option_search(ctx, query[1:].upper(), limit)
    return [
        {"symbol": i.symbol, "description": i.name, "tag": i.mic, "type": i.search_type}
        for i in ctx.feed.symbols.search(query, limit)
    ]


def searched(request: web.Request) -> list[dict[str, str]] | web.StreamResponse:
    """The search results for ``query`` and ``limit``, or the validation error response."""
    query = request.query.get("query", "")
    if not query.strip():
        return validation_error(request, "MISSING_QUERY", "query is required", "query")
    try:
        limit = int_param(request, "limit", 20, 1, 100)
    except ValueError as exc:
        return validation_error(request, "INVALID_PARAMETER", str(exc), "limit")
    return _search_results(context_of(request), query.strip(), limit)


async def _search(request: web.Request) -> web.StreamResponse:
    results = searched(request)
    return results if isinstance(results, web.StreamResponse) else json_response(results)


_VENUE_CODES = {"NASDAQ": "Q", "NYSE": "N", "ARCA": "P", "NYSE ARCA": "P", "CBOE": "W"}


def _reference(info: SymbolInfo, last: float, now: float) -> dict[str, Any]:
    """The equity-details fields the feed does not move: venues, 52-week range, size and
    valuation (marketdata.equity_details.response.json), seeded by the symbol."""
    draw = random.Random(stable_seed(info.symbol, "reference"))
    today = datetime.fromtimestamp(now, UTC).date()
    venue = _VENUE_CODES.get(info.exchange.upper(), "Z")
    shares = shares_outstanding(info.symbol)  # the company's, as every market cap has it
    out: dict[str, Any] = {
        "bidExchange": venue,
        "askExchange": venue,
        "avgVolume4Weeks": draw.randrange(5_000, 80_000) * 1_000,
        "high52WeekPrice": round(last * draw.uniform(1.05, 1.35), 2),
        "high52WeekDate": (today - timedelta(days=draw.randrange(5, 120))).isoformat(),
        "low52WeekPrice": round(last * draw.uniform(0.6, 0.92), 2),
        "low52WeekDate": (today - timedelta(days=draw.randrange(150, 360))).isoformat(),
    }
    if info.kind == "index":
        return out
    dividend = round(last * draw.uniform(0.0, 0.01), 2)
    return {
        **out,
        "marketCap": round(shares * last),
        "sharesOutstanding": shares,
        "beta": round(draw.uniform(0.6, 1.8), 2),
        "PE": round(draw.uniform(12, 45), 1),
        "dividend": dividend,
        "annualYield": round(dividend * 4 / last * 100, 2),
    }


async def _equity_details(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)

    def detail(symbol: str) -> dict[str, Any] | str:
        info = ctx.feed.symbols.get(symbol)
        if info is None:
            return "symbol not found"
        snap = ctx.feed.quote(info.symbol)
        stamp = datetime.fromtimestamp(snap.time, UTC).isoformat().replace("+00:00", "Z")
        return {
            "symbol": info.symbol,
            "name": info.name,
            "instrumentType": "Index" if info.kind == "index" else "Equity",
            "price": snap.last,
            "lastPrice": snap.last,
            "bidPrice": snap.bid,
            "bidSize": snap.bid_size,
            "askPrice": snap.ask,
            "askSize": snap.ask_size,
            "midPrice": snap.mid,
            "spread": round(snap.ask - snap.bid, 4),
            "openPrice": snap.open,
            "highPrice": snap.high,
            "lowPrice": snap.low,
            "closePrice": snap.prev_close,
            "netChange": snap.change,
            "totalVolume": snap.volume,
            "tradeTimestamp": stamp,
            "quoteTimestamp": stamp,
            "hasOptions": info.optionable,
            "isETF": info.is_etf,
            **_reference(info, snap.last, snap.time),
        }

    return per_symbol_response(request, detail)


def _exchange_param(request: web.Request) -> str | web.Response:
    exchange = request.query.get("exchange", "US").strip().upper() or "US"
    if exchange not in _EXCHANGES:
        return validation_error(
            request,
            "UNSUPPORTED_EXCHANGE",
            f"unsupported exchange {exchange}; supported: {', '.join(sorted(_EXCHANGES))}",
            "exchange",
        )
    return exchange


async def _market_status(request: web.Request) -> web.StreamResponse:
    exchange = _exchange_param(request)
    if isinstance(exchange, web.Response):
        return exchange
    ctx = context_of(request)
    status = ctx.market_status(exchange)
    if ctx.faults.market_status_timestamp_ms:
        status["timestamp"] = int(ctx.clock.now() * 1000)
    status["session"] = session_worded(str(status["session"]), ctx.faults.market_status_session)
    return json_response(status)


async def _holidays(request: web.Request) -> web.StreamResponse:
    exchange = _exchange_param(request)
    if isinstance(exchange, web.Response):
        return exchange
    ctx = context_of(request)
    today = datetime.fromtimestamp(ctx.clock.now(), NEW_YORK).date()
    upcoming = (*holidays(today.year), *holidays(today.year + 1))  # this year's rest and next
    rows = (
        [
            {"eventName": name, "atDate": day, "tradingHour": hours}
            for name, day, hours in upcoming
            if day >= today.isoformat()
        ]
        if exchange == "US"
        else []
    )
    return json_response({"holidays": rows})


def _etb_symbols(ctx: SimContext) -> list[str]:
    return sorted(i.symbol for i in ctx.feed.symbols if i.tradable and i.base_price >= 5)


async def _etb(request: web.Request) -> web.StreamResponse:
    symbols = _etb_symbols(context_of(request))
    return json_response({"count": len(symbols), "symbols": symbols})


async def _etb_search(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    if isinstance(body, web.Response):
        return body
    raw = body.get("symbols")
    wanted = (
        sorted({str(s).strip().upper() for s in raw if str(s).strip()})
        if isinstance(raw, list)
        else []
    )
    if not wanted:
        return validation_error(
            request, "MISSING_SYMBOLS", "at least one non-blank symbol is required", "symbols"
        )
    known = set(_etb_symbols(context_of(request)))
    return json_response({"count": len(wanted), "results": {s: s in known for s in wanted}})


async def _health(request: web.Request) -> web.StreamResponse:
    return json_response({"status": "ok"})


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve the market routes on ``router``."""
    router.add_get("/health", _health)
    router.add_get("/v1/marketdata/search", _search)
    router.add_get("/v1/marketdata/equities/details", _equity_details)
    router.add_get("/v1/etb", _etb)
    router.add_post("/v1/etb/search", _etb_search)
    router.add_get("/v1/market/status", _market_status)
    router.add_get("/v1/market/holiday", _holidays)
