"""``client.market``: symbol search, quotes, bars, market status, holidays and options."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from aries_async._closing import concurrently
from aries_async._lazy import load
from aries_async._validate import (
    MAX_SYMBOL_LENGTH,
    one_or_more,
    refuse_option_ticker,
    require_count,
    require_day,
    require_items,
    require_symbol,
    require_text,
)
from aries_async.errors import (
    BadRequestError,
    NotFoundError,
    QuoteError,
    ResponseFormatError,
    ValidationError,
)
from aries_async.models._resolutions import RESOLUTIONS
from aries_async.models._wire import to_str
from aries_async.models.market import (
    Quote,
    QuoteBatch,
    parse_quote_batch,
    parse_quotes_response,
)
from aries_async.resources._bar_args import bar_page, bar_size, epoch, flat
from aries_async.resources._base import path_segment
from aries_async.resources.generated.market import MarketOperations

if TYPE_CHECKING:
    from aries_async.http.transport import Query
    from aries_async.models.market import (
        Bar,
        Holiday,
        MarketStatus,
        OptionDetailsResponse,
        Resolution,
        SymbolMatch,
    )
    from aries_async.models.options import OptionChain

__all__ = ["Market"]

_REFUSALS = (BadRequestError, NotFoundError)
"""The statuses with which a server may refuse a quotes request for a bad symbol in it."""


def _symbol(value: str) -> str:
    if type(value) is str and value.isalnum() and len(value) <= MAX_SYMBOL_LENGTH:
        return value.upper()  # the usual symbol: no space, no comma
    return require_symbol(value)


def _quoted(value: str) -> str:
    """A symbol of the quotes call (documented for stocks and indices), not an ``O:`` ticker."""
    return refuse_option_ticker(_symbol(value), hint="; market.option_details() quotes contracts")


def _symbols_query(symbols: str) -> Query:
    """The quotes query for comma-separated symbols: a ready query string when they are ASCII
    letters and digits (nothing to escape; the transport keeps its parsed URL), else a dict."""
    if symbols.isascii() and symbols.replace(",", "").isalnum():
        return "symbols=" + symbols
    return {"symbols": symbols}


_OTHER = "aries_async.models._market_other"
_BARS = "aries_async.models._bars"
"""Where the market models other than quotes live (search, status, holidays, bars)."""
_OPTIONS = "aries_async.models.options"


def _text(value: object) -> str | None:
    # The server's words, as a quote item's: an object is not quoted (its text may hold a secret).
    return to_str(value)


def _refuses_batch(data: Any) -> bool:
    """Whether a quotes body refuses the whole request: ``s: "error"`` and no items."""
    return type(data) is dict and data.get("s") == "error" and not data.get("d")


class Market(MarketOperations):
    """Market-data calls (the generated ones come from :class:`MarketOperations`)."""

    async def search(self, query: str, *, limit: int = 20) -> list[SymbolMatch]:
        """``GET /v1/marketdata/search`` (finance-dev ``market.search_market_symbols``): stocks
        and indices by ticker prefix or name (``.AAPL`` for options, ``/ES`` for futures)."""
        query = require_text(query, "query")
        require_count(limit, "limit", 100)
        await load(_OTHER)
        from aries_async.models.market import SymbolMatch

        params = {"query": query, "limit": str(limit)}
        data = await self._get("/v1/marketdata/search", params, operation="market.search")
        return await self._structure(data or [], list[SymbolMatch], "search")

    async def quote(self, symbol: str) -> Quote:
        """One quote (``GET /v1/chart/quotes``), its ``received_at`` the time the answer
        arrived (the client's ``wall_clock``).

        ``symbol`` is read as ``require_symbol`` reads it: white space around it is stripped
        and its case ignored (``" aapl "`` is ``AAPL``).

        Raises:
            ValidationError: before sending, for a symbol that is empty once stripped, holds a
                space, comma or control character inside it, or is longer than 21 characters,
                or an option's ``O:`` ticker (naming its OSI symbol, for ``option_details()``
                or a stream).
            QuoteError: the server would not quote this symbol (unknown...), whichever way it
                said so (see :class:`~aries_async.errors.QuoteError`).
        """
        sym = _quoted(symbol)
        try:
            data = await self._client.request(
                "GET",
                "/v1/chart/quotes",
                params=_symbols_query(sym),
                operation="market.quote",
                exact=True,
            )
        except _REFUSALS as exc:
            raise QuoteError(sym, exc.message, body=exc.body) from exc
        received_at = self._now()
        found: Quote | None = None
        try:
            for item in parse_quotes_response(data, received_at):
                if item.symbol == sym:
                    found = item  # the last one wins, as in the dict that quotes() builds
        except ResponseFormatError:  # an error item or a refusal (or a malformed body)
            if _refuses_batch(data):
                raise QuoteError(sym, _text(data.get("errmsg"))) from None
            quotes, errors = parse_quote_batch(data, [sym], received_at)
            if sym in errors:
                raise errors[sym] from None
            found = quotes.get(sym)
        if found is None:
            raise QuoteError(sym, "the server sent no quote for it")
        return found

    async def quotes(self, symbols: str | Iterable[str]) -> QuoteBatch:
        """Quotes for many symbols: the ones that came back, keyed by symbol, and in
        ``.errors`` a :class:`~aries_async.errors.QuoteError` for each that did not (an
        unknown symbol does not fail the others). finance-dev ``chart.get_quotes``, typed.

        Each quote's ``received_at`` is the time the answer carrying it arrived (the client's
        ``wall_clock``): one time per request, so quotes of one chunk share it.

        Long lists are split into chunks of ``config.quote_chunk_size`` fetched concurrently.
        Duplicates are asked for once; a single string is one symbol (not its letters). When the
        server refuses a whole chunk (a 400/404, or ``s: "error"`` without items) for a bad
        symbol in it, each symbol of that chunk is asked for alone to tell which.

        Example:
            >>> batch = await client.market.quotes(["AAPL", "NOSUCH"])  # doctest: +SKIP
            >>> list(batch), list(batch.errors)  # doctest: +SKIP
            (['AAPL'], ['NOSUCH'])

        Each symbol is stripped of the white space around it and upper-cased, as in
        :meth:`quote`.

        Raises:
            ValidationError: ``symbols`` is neither a string nor a list of them; no symbol,
                or one that is empty once stripped, holds a space, comma or control character
                inside it, or is longer than 21 characters, or an option's ``O:`` ticker (as
                :meth:`quote`); then nothing is sent.
            APIError, TransportError: a chunk's request failed otherwise (after the client's
                own retries); the other chunks' requests are cancelled, and have ended, first.
        """
        wanted = list(dict.fromkeys(_quoted(s) for s in one_or_more(symbols, "symbols")))
        if not wanted:
            raise ValidationError("symbols must not be empty", field="symbols")
        size = self._client.config.quote_chunk_size
        chunks = [wanted[i : i + size] for i in range(0, len(wanted), size)]
        # A chunk that fails cancels the others: none goes on after the error is raised.
        results = await concurrently(self._fetch_quotes(chunk) for chunk in chunks)
        batch = QuoteBatch()
        errors: dict[str, QuoteError] = {}
        for quotes, failed in results:
            batch.update(quotes)
            errors.update(failed)
        batch.errors = {s: errors[s] for s in wanted if s in errors}
        return batch

    async def _fetch_quotes(
        self, symbols: list[str]
    ) -> tuple[dict[str, Quote], dict[str, QuoteError]]:
        try:
            query = _symbols_query(",".join(symbols))
            data = await self._get("/v1/chart/quotes", query, operation="market.quotes")
        except _REFUSALS as exc:
            return await self._one_by_one(symbols, exc.message, exc)
        if _refuses_batch(data):
            return await self._one_by_one(symbols, _text(data.get("errmsg")), None)
        return parse_quote_batch(data, symbols, self._now())

    async def _one_by_one(
        self, symbols: list[str], reason: str | None, cause: BaseException | None
    ) -> tuple[dict[str, Quote], dict[str, QuoteError]]:
        """The server refused a whole request: each symbol alone tells which is to blame."""
        if len(symbols) == 1:
            error = QuoteError(symbols[0], reason)
            error.__cause__ = cause
            return {}, {symbols[0]: error}
        quotes: dict[str, Quote] = {}
        errors: dict[str, QuoteError] = {}
        for good, bad in await concurrently(self._fetch_quotes([s]) for s in symbols):
            quotes.update(good)
            errors.update(bad)
        return quotes, errors

    async def bars(
        self,
        symbol: str,
        resolution: Resolution,
        start: datetime | int,
        end: datetime | int,
        *,
        include_extended: bool = False,
    ) -> list[Bar]:
        """Historical bars (``GET /v1/chart/history``, finance-dev ``chart.get_chart_history``)
        from ``start`` to ``end``, oldest first; ``[]`` when there is no data.

        A range longer than one answer of the server is fetched page after page (following
        ``nextTime``), so nothing is cut off; :meth:`iter_bars` yields them as they come.

        Args:
            symbol: the ticker, or an option's OSI symbol (not the ``O:`` ticker of a chain,
                which raises ``ValidationError`` naming the OSI symbol).
            resolution: the bar size, one of :data:`~aries_async.models.market.Resolution`:
                minutes as a bare number (``"5"``; ``"60"`` is an hour), ``"D"``, ``"W"``,
                ``"1M"`` (a month)...
            start, end: aware datetimes or Unix seconds; bars whose open lies between them.
            include_extended: include pre- and after-market bars.

        Raises:
            ValidationError: a resolution not in the set (``"1m"``, which this API reads as a
                month, ``"5m"``, ``"1h"``... with a hint), naive datetimes, ``end`` not after
                ``start``, an option's ``O:`` ticker. Nothing is sent.
            ResponseFormatError: the server answered ``s: "error"`` inside a 200, or a
                continuation that does not advance.
        """
        bars: list[Bar] = []
        # A page at a time: a large page is one list extension, not an async step per bar.
        async for page in self._bar_pages(
            self._bar_query(symbol, resolution, start, end, include_extended)
        ):
            bars += page
        return bars

    def iter_bars(
        self,
        symbol: str,
        resolution: Resolution,
        start: datetime | int,
        end: datetime | int,
        *,
        include_extended: bool = False,
    ) -> AsyncIterator[Bar]:
        """The bars of :meth:`bars`, oldest first, one page of the server at a time (the input
        is checked here, before anything is sent)."""
        return flat(
            self._bar_pages(self._bar_query(symbol, resolution, start, end, include_extended))
        )

    @staticmethod
    def _bar_query(
        symbol: str,
        resolution: Resolution,
        start: datetime | int,
        end: datetime | int,
        include_extended: bool,
    ) -> dict[str, str]:
        size = bar_size(resolution, RESOLUTIONS)
        frm, to = epoch(start, "start", ends=False), epoch(end, "end", ends=True)
        if to <= frm:
            raise ValidationError("end must be after start", field="end")
        name = refuse_option_ticker(_symbol(symbol))  # a contract's history: its OSI symbol
        params = {"symbol": name, "resolution": size, "from": str(frm), "to": str(to)}
        if include_extended:
            params["includeExtended"] = "true"
        return params

    async def _bar_pages(self, params: dict[str, str]) -> AsyncIterator[list[Bar]]:
        await load(_BARS)  # the models, in a worker thread on first use
        to = int(params["to"])
        while True:
            bars, following = await self._get(
                "/v1/chart/history", params, parse=bar_page, operation="market.bars"
            )
            yield bars
            if not bars or following is None or following > to:
                return
            first, last = (int(bar.timestamp.timestamp()) for bar in (bars[0], bars[-1]))
            if following < first:  # UDF: where older data is, not a continuation of this range
                return
            if following <= last:
                raise ResponseFormatError(
                    f"bars: the server's continuation (nextTime {following}) does not advance "
                    f"past the bar at {last}"
                )
            # A follow-up request of the series, as the TradingView flag says.
            params = {**params, "from": str(following), "firstDataRequest": "0"}

    async def status(self, exchange: str = "US") -> MarketStatus:
        """``GET /v1/market/status`` (finance-dev ``market.get_market_status``; scope
        ``market:supplemental``)."""
        params = {"exchange": require_text(exchange, "exchange").upper()}
        await load(_OTHER)
        from aries_async.models.market import MarketStatus

        return await self._get_as(
            "/v1/market/status", MarketStatus, "status", params, operation="market.status"
        )

    async def holidays(self, exchange: str = "US") -> list[Holiday]:
        """``GET /v1/market/holiday`` (finance-dev ``market.get_market_holidays``)."""
        params = {"exchange": require_text(exchange, "exchange").upper()}
        await load(_OTHER)
        from aries_async.models.market import Holiday

        data: Any = await self._get("/v1/market/holiday", params, operation="market.holidays")
        items = data.get("holidays") if isinstance(data, dict) else None
        return await self._structure(items or [], list[Holiday], "holidays")

    async def option_expirations(self, symbol: str) -> list[date]:
        """Expiry dates of an underlying (``GET /v1/options/{symbol}/expiry-dates``; finance-dev
        ``options.list_option_expiry_dates``)."""
        seg = path_segment(_symbol(symbol), "symbol")
        await load(_OPTIONS)
        from aries_async.models.options import OptionExpirations

        path = f"/v1/options/{seg}/expiry-dates"
        data = await self._get(path, operation="market.option_expirations")
        return (await self._structure(data, OptionExpirations, "expirations")).expiry_dates

    async def option_details(self, symbols: str | Sequence[str]) -> OptionDetailsResponse:
        """Details of option contracts by their OSI symbols (``GET
        /v1/marketdata/options/details``; finance-dev ``market.get_option_details``), as
        :meth:`MarketOperations.option_details
        <aries_async.resources.generated.market.MarketOperations.option_details>` says.

        Raises:
            ValidationError: before sending, for an option's ``O:`` ticker among
                ``symbols`` (naming its OSI symbol): the answer would name another symbol than
                the one asked for. Then as the generated method.
        """
        names = (
            symbols.split(",") if isinstance(symbols, str) else require_items(symbols, "symbols")
        )
        for name in names:
            if isinstance(name, str):
                refuse_option_ticker(name.strip(), field="symbols")
        return await super().option_details(symbols)

    async def option_chain(self, symbol: str, expiry: date) -> OptionChain:
        """Calls and puts of one expiry (``GET /v1/options/{symbol}/contracts/{expiry}``;
        finance-dev ``options.list_option_contracts``) by their ``O:`` ticker; quotes, streams
        and orders take the OSI symbol: ``contract.osi``."""
        expiry = require_day(expiry, "expiry")
        seg = path_segment(_symbol(symbol), "symbol")
        await load(_OPTIONS)
        from aries_async.models.options import OptionChain

        path = f"/v1/options/{seg}/contracts/{expiry.isoformat()}"
        return await self._get_as(
            path, OptionChain, "option chain", operation="market.option_chain"
        )
