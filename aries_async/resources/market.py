"""``client.market``: symbol search, quotes, bars, market status, holidays and options."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from aries_async.errors import ResponseFormatError, ValidationError, require_count, require_text
from aries_async.models.market import Quote, parse_quotes_response
from aries_async.resources._base import Resource, path_segment

if TYPE_CHECKING:
    from aries_async.http.transport import Query
    from aries_async.models.market import Bar, Holiday, MarketStatus, SymbolMatch
    from aries_async.models.options import OptionChain

__all__ = ["Market"]

RESOLUTIONS = frozenset(
    [
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
        "D",
        "1D",
        "W",
        "1W",
        "M",
        "1M",
        "3M",
        "6M",
        "12M",
        "1d",
        "1w",
        "1m",
        "3m",
        "6m",
        "12m",
    ]
)


def _symbol(value: str) -> str:
    if type(value) is str and value.isalnum():  # the usual symbol: no space, no comma
        return value.upper()
    symbol = require_text(value, "symbol").upper()
    if "," in symbol:  # the quotes endpoint takes a comma-separated list
        raise ValidationError(f"one symbol per item, got {value!r}", field="symbol")
    return symbol


def _symbols_query(symbols: str) -> Query:
    """The quotes query for comma-separated symbols: a ready query string when they are ASCII
    letters and digits (nothing to escape; the transport keeps its parsed URL), else a dict."""
    if symbols.isascii() and symbols.replace(",", "").isalnum():
        return "symbols=" + symbols
    return {"symbols": symbols}


def _epoch(value: datetime | int, field: str) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationError(f"{field} must be timezone-aware", field=field)
        return int(value.timestamp())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"{field} must be an aware datetime or Unix seconds", field=field)
    return value


class Market(Resource):
    """Market-data calls."""

    async def search(self, query: str, *, limit: int = 20) -> list[SymbolMatch]:
        """``GET /v1/marketdata/search``: stocks and indices by ticker prefix or name
        (``.AAPL`` for options, ``/ES`` for futures)."""
        from aries_async.models.market import SymbolMatch

        query = require_text(query, "query")
        require_count(limit, "limit", 100)
        data = await self._get("/v1/marketdata/search", {"query": query, "limit": str(limit)})
        return self._parse(data or [], list[SymbolMatch], "search")

    async def quote(self, symbol: str) -> Quote:
        """One quote (``GET /v1/chart/quotes``).

        Raises:
            ResponseFormatError: the server reported an error for this symbol.
        """
        sym = _symbol(symbol)
        data = await self._client.request("GET", "/v1/chart/quotes", params=_symbols_query(sym))
        found: Quote | None = None
        for item in parse_quotes_response(data):
            if item.symbol == sym:
                found = item  # the last one wins, as in the dict that quotes() builds
        if found is None:
            raise ResponseFormatError(f"no quote returned for {sym}")
        return found

    async def quotes(self, symbols: str | Iterable[str]) -> dict[str, Quote]:
        """Quotes for many symbols, keyed by symbol. Long lists are split into chunks of
        ``config.quote_chunk_size`` fetched concurrently. Duplicates are asked for once; a
        single string is one symbol (not its letters).

        Raises:
            ValidationError: no symbol, or an empty one or one holding a comma.
        """
        names = [symbols] if isinstance(symbols, str) else symbols
        wanted = list(dict.fromkeys(_symbol(s) for s in names))
        if not wanted:
            raise ValidationError("symbols must not be empty", field="symbols")
        size = self._client.config.quote_chunk_size
        chunks = [wanted[i : i + size] for i in range(0, len(wanted), size)]
        results = await asyncio.gather(*(self._fetch_quotes(chunk) for chunk in chunks))
        merged: dict[str, Quote] = {}
        for part in results:
            merged.update(part)
        return merged

    async def _fetch_quotes(self, symbols: list[str]) -> dict[str, Quote]:
        data = await self._get("/v1/chart/quotes", _symbols_query(",".join(symbols)))
        return {q.symbol or "": q for q in parse_quotes_response(data)}

    async def bars(
        self,
        symbol: str,
        resolution: str,
        start: datetime | int,
        end: datetime | int,
        *,
        include_extended: bool = False,
    ) -> list[Bar]:
        """Historical bars (``GET /v1/chart/history``); ``[]`` when there is no data.

        Raises:
            ValidationError: unknown resolution, naive datetimes, ``end`` not after ``start``.
            ResponseFormatError: the server answered ``s: "error"`` inside a 200.
        """
        from aries_async.models.market import parse_bars

        if resolution not in RESOLUTIONS:
            raise ValidationError(f"unknown resolution {resolution!r}", field="resolution")
        frm, to = _epoch(start, "start"), _epoch(end, "end")
        if to <= frm:
            raise ValidationError("end must be after start", field="end")
        params = {
            "symbol": _symbol(symbol),
            "resolution": resolution,
            "from": str(frm),
            "to": str(to),
        }
        if include_extended:
            params["includeExtended"] = "true"
        bars: list[Bar] = await self._get("/v1/chart/history", params, parse=parse_bars)
        return bars

    async def status(self, exchange: str = "US") -> MarketStatus:
        """``GET /v1/market/status`` (scope ``market:supplemental``)."""
        from aries_async.models.market import MarketStatus

        params = {"exchange": require_text(exchange, "exchange").upper()}
        return self._parse(await self._get("/v1/market/status", params), MarketStatus, "status")

    async def holidays(self, exchange: str = "US") -> list[Holiday]:
        """``GET /v1/market/holiday``."""
        from aries_async.models.market import Holiday

        data: Any = await self._get(
            "/v1/market/holiday", {"exchange": require_text(exchange, "exchange").upper()}
        )
        items = data.get("holidays") if isinstance(data, dict) else None
        return self._parse(items or [], list[Holiday], "holidays")

    async def option_expirations(self, symbol: str) -> list[date]:
        """Expiry dates of an underlying (``GET /v1/options/{symbol}/expiry-dates``)."""
        from aries_async.models.options import OptionExpirations

        seg = path_segment(_symbol(symbol), "symbol")
        data = await self._get(f"/v1/options/{seg}/expiry-dates")
        return self._parse(data, OptionExpirations, "expirations").expiry_dates

    async def option_chain(self, symbol: str, expiry: date) -> OptionChain:
        """Calls and puts of one expiry (``GET /v1/options/{symbol}/contracts/{expiry}``)."""
        if not isinstance(expiry, date):
            raise ValidationError("expiry must be a date", field="expiry")
        from aries_async.models.options import OptionChain

        seg = path_segment(_symbol(symbol), "symbol")
        path = f"/v1/options/{seg}/contracts/{expiry.isoformat()}"
        return await self._get_as(path, OptionChain, "option chain")
