"""Market data over REST: symbol search, quotes, bars, market status, holidays and details.

Only the parsers of quote answers and :class:`QuoteBatch` are defined here, with
:class:`Quote` imported from its own module. Every other name of ``__all__`` (symbol search,
bars, status, holidays, equity and option details) is defined in a private module and imported
on first use, so that polling quotes does not build those classes at import.

Market-data values are JSON numbers on the wire; they become ``Decimal`` through their shortest
``repr`` (``175.4`` -> ``Decimal("175.4")``). Chart endpoints use TradingView UDF shapes, so
quotes and bars have explicit parse/serialize functions instead of converter wire names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from aries_async._lazy import lazy_dir, lazy_getattr, names_to_modules
from aries_async._validate import stored_symbol
from aries_async.errors import QuoteError, ResponseFormatError
from aries_async.models._quote import NO_SYMBOL, Quote
from aries_async.models._rows import FrameRows
from aries_async.models._summary import counted

if TYPE_CHECKING:
    from aries_async.models._bars import Bar, bars_to_wire, parse_bars
    from aries_async.models._details import (
        EquityDetails,
        EquityDetailsResponse,
        OptionDetails,
        OptionDetailsResponse,
        SymbolError,
    )
    from aries_async.models._market_other import Holiday, MarketStatus, SymbolMatch, SymbolType
    from aries_async.models._resolutions import RESOLUTIONS, Resolution

__all__ = [
    "RESOLUTIONS",
    "Bar",
    "EquityDetails",
    "EquityDetailsResponse",
    "Holiday",
    "MarketStatus",
    "OptionDetails",
    "OptionDetailsResponse",
    "Quote",
    "QuoteBatch",
    "Resolution",
    "SymbolError",
    "SymbolMatch",
    "SymbolType",
    "bars_to_wire",
    "parse_bars",
    "parse_quote_batch",
    "parse_quotes_response",
]


def check_status(data: object, what: str, allowed: Iterable[str]) -> Mapping[str, Any]:
    if type(data) is not dict and not isinstance(data, Mapping):
        raise ResponseFormatError(f"{what}: expected an object, got {type(data).__name__}")
    status = data.get("s")
    if status == "error":
        message = data.get("errmsg") or "unknown error"
        raise ResponseFormatError(f"{what}: server reported an error: {message}")
    if status is not None and status not in allowed:
        raise ResponseFormatError(f"{what}: unexpected status {status!r}")
    return data


def parse_quotes_response(data: object, received_at: datetime | None = None) -> list[Quote]:
    """Parse a whole ``GET /v1/chart/quotes`` body.

    Each quote's :attr:`~Quote.received_at` is ``received_at``: when the body arrived.

    Raises:
        ResponseFormatError: top-level ``s == "error"`` (with the server's ``errmsg``), an item
            with ``s == "error"``, or a malformed body.
    """
    if type(data) is not dict or data.get("s") != "ok":  # the usual body needs no other check
        data = check_status(data, "quotes", ("ok",))
    items = data.get("d") or []
    if not isinstance(items, list):
        raise ResponseFormatError("quotes: 'd' is not a list")
    # A comprehension, not map() with repeat(): a third of the cost for a one-quote answer.
    parse = Quote.from_chart_item
    return [parse(item, None, received_at) for item in items]


_V = TypeVar("_V")
_D = TypeVar("_D")


class _BySymbol(dict[str, _V], Generic[_V]):
    """A ``dict`` keyed by symbol, looked up by a symbol in any case: ``d["aapl"]``,
    ``"aapl" in d`` and ``d.get("aapl")`` find the ``"AAPL"`` entry, as the streams'
    ``latest("aapl")`` does (the package's one form of a symbol,
    :func:`~aries_async.streaming.protocol.stored_symbol`). Its keys stay as stored:
    iteration, equality and ``repr`` are the plain dict's."""

    __slots__ = ()

    def __missing__(self, key: str) -> _V:
        # Only on a miss: the stored form costs nothing to look up.
        if isinstance(key, str):
            stored = stored_symbol(key)
            if stored != key and dict.__contains__(self, stored):
                return dict.__getitem__(self, stored)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (
            isinstance(key, str) and dict.__contains__(self, stored_symbol(key))
        )

    @overload
    def get(self, key: str, default: None = None, /) -> _V | None: ...
    @overload
    def get(self, key: str, default: _V | _D, /) -> _V | _D: ...
    def get(self, key: str, default: Any = None, /) -> Any:
        """The entry of ``key`` in any case, else ``default``."""
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        stored = stored_symbol(key) if isinstance(key, str) else key
        return dict.get(self, stored, default)


class QuoteBatch(FrameRows, _BySymbol[Quote]):
    """What :meth:`Market.quotes() <aries_async.resources.market.Market.quotes>` returns: the
    quotes that came back, keyed by symbol (it is the ``dict`` of them), and in :attr:`errors`
    each symbol that got none, with its :class:`~aries_async.errors.QuoteError`.

    One bad symbol does not cost the others::

        batch = await client.market.quotes(["AAPL", "NOSUCH", "MSFT"])
        for symbol, quote in batch.items():       # AAPL, MSFT
            ...
        for symbol, error in batch.errors.items():  # NOSUCH: no quote for NOSUCH: ...
            log.warning("%s", error)

    Symbols are keyed in upper case, as they are sent, and looked up in any case:
    ``batch["aapl"]``, ``"aapl" in batch``, ``batch.get("aapl")`` and ``batch.errors[
    "nosuch"]`` find them; iterating gives the stored ``"AAPL"``.

    It equals the plain dict of its quotes; its ``repr`` counts the quotes and the errors and
    names the first few symbols of each (``QuoteBatch(500 quotes: AAPL, MSFT, NVDA, AMZN,
    GOOG, ... 495 more; 1 error: NOSUCH (unknown symbol))``); ``to_frame()``
    gives a row per quote indexed ``0..n-1`` like every ``to_frame()``, with the symbol a
    column: ``to_frame(index="symbol")`` indexes it by symbol.

    Attributes:
        errors: symbol -> :class:`~aries_async.errors.QuoteError`, in the order asked, looked
            up by a symbol in any case as the batch is (also when assigned a plain mapping).
    """

    __slots__ = ("_errors",)

    def __init__(
        self,
        quotes: Mapping[str, Quote] | Iterable[tuple[str, Quote]] = (),
        errors: Mapping[str, QuoteError] | None = None,
    ) -> None:
        super().__init__(quotes)
        self.errors = errors or {}

    @property
    def errors(self) -> dict[str, QuoteError]:
        return self._errors

    @errors.setter
    def errors(self, value: Mapping[str, QuoteError]) -> None:
        self._errors: _BySymbol[QuoteError] = _BySymbol(value)

    def __missing__(self, key: str) -> Quote:
        try:
            return super().__missing__(key)
        except KeyError:
            error = self._errors.get(key) if isinstance(key, str) else None
            if error is None:
                raise
            # The batch knows why there is no quote: a KeyError still (a dict's miss), but
            # one that says so.
            raise KeyError(f"{key}: {error} (batch.errors[{key!r}])") from error

    def __repr__(self) -> str:
        # One line however many symbols were asked for; each quote keeps its own full repr.
        errors = (f"{s} ({e.reason})" if e.reason else s for s, e in self.errors.items())
        quotes = counted("quote", iter(self), len(self))
        return f"QuoteBatch({quotes}; {counted('error', errors, len(self.errors))})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self), dict(self.errors)))


def parse_quote_batch(
    data: object, requested: Iterable[str], received_at: datetime | None = None
) -> tuple[dict[str, Quote], dict[str, QuoteError]]:
    """Parse a ``GET /v1/chart/quotes`` body into its quotes and its per-symbol errors.

    Each quote's :attr:`~Quote.received_at` is ``received_at``: when the body arrived.

    Each requested symbol the body neither quotes nor reports gets a :class:`QuoteError`
    too (a server may leave an unknown symbol out). An error item naming no symbol is
    charged to the requested symbols left without an answer.

    Raises:
        ResponseFormatError: a malformed body, or a top-level ``s == "error"`` without items
            (the whole request refused: which symbol is to blame cannot be told from it).
    """
    body: Mapping[str, Any]
    status = data.get("s") if type(data) is dict else None
    if type(data) is dict and (status == "ok" or (status == "error" and _has_items(data))):
        body = data  # "error" with items: the server's way of saying that none was quoted
    else:
        body = check_status(data, "quotes", ("ok",))
    items = body.get("d") or []
    if not isinstance(items, list):
        raise ResponseFormatError("quotes: 'd' is not a list")
    errors: dict[str, QuoteError] = {}
    nameless: list[QuoteError] = []
    parse = Quote.from_chart_item
    try:  # the usual body: every item a quote
        quotes = {}
        for item in items:
            quote = parse(item, None, received_at)
            quotes[quote.symbol] = quote
    except QuoteError:
        quotes = {}
        for item in items:
            try:
                quote = parse(item, None, received_at)
            except QuoteError as exc:
                if exc.symbol == NO_SYMBOL:
                    nameless.append(exc)
                else:
                    errors.setdefault(exc.symbol, exc)
            else:
                quotes[quote.symbol] = quote
    missing = [s for s in requested if s not in quotes and s not in errors]
    if missing:
        reasons = {exc.reason for exc in nameless}
        reason = reasons.pop() if len(reasons) == 1 else "the server sent no quote for it"
        errors.update((symbol, QuoteError(symbol, reason)) for symbol in missing)
    return quotes, errors


def _has_items(data: Mapping[str, Any]) -> bool:
    items = data.get("d")
    return isinstance(items, list) and bool(items)


_HOMES = {
    "aries_async.models._market_other": "Holiday MarketStatus SymbolMatch SymbolType",
    "aries_async.models._bars": "Bar bars_to_wire parse_bars",
    "aries_async.models._resolutions": "RESOLUTIONS Resolution",
    "aries_async.models._details": (
        "EquityDetails EquityDetailsResponse OptionDetails OptionDetailsResponse SymbolError"
    ),
}
_LAZY = names_to_modules(_HOMES)
__getattr__ = lazy_getattr(__name__, _LAZY, globals())
__dir__ = lazy_dir(globals(), __all__)
