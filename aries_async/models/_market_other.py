"""Market-data models other than :class:`~aries_async.models.market.Quote`.

Symbol search, bars, market status, holidays, equity and option details. They are part of
:mod:`aries_async.models.market`, which serves every name here on first use; they live apart so
that a program that only polls quotes does not build these classes (the 70-field
:class:`EquityDetails` above all) at import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal, get_args

import attrs

from aries_async._deprecation import renamed, renamed_keywords
from aries_async.errors import ResponseFormatError
from aries_async.models._summary import items_repr
from aries_async.models._values import json_number, response_decimal
from aries_async.models.common import OpenEnum, datetime_to_epoch, parse_datetime, wire
from aries_async.models.market import check_status

__all__ = [
    "RESOLUTIONS",
    "Bar",
    "EquityDetails",
    "EquityDetailsResponse",
    "Holiday",
    "MarketStatus",
    "OptionDetails",
    "OptionDetailsResponse",
    "Resolution",
    "SymbolError",
    "SymbolMatch",
    "SymbolType",
    "bars_to_wire",
    "parse_bars",
]


class SymbolType(OpenEnum):
    """Kind of a search result (lower case on the wire; open)."""

    STOCK = "stock"
    OPTION = "option"
    INDEX = "index"
    FUTURE = "future"


@attrs.frozen(kw_only=True)
class SymbolMatch:
    """One result of ``GET /v1/marketdata/search``.

    Attributes:
        symbol: the ticker, OSI option symbol or ``/``-prefixed future.
        description: a human description (``"Apple Inc."``).
        tag: the venue tag (``XNAS``, ``OPRA``...).
        type: ``stock``, ``option``... (open enum).
    """

    symbol: str | None = None
    description: str | None = None
    tag: str | None = None
    type: SymbolType | None = None


# --------------------------------------------------------------------------------------------
# Bars (GET /v1/chart/history)


_Minutes = Literal["1", "3", "5", "15", "30", "45", "60", "120", "180", "240"]
_DaysAndLonger = Literal["D", "1D", "1d", "W", "1W", "1w", "M", "1M", "3M", "6M", "12M"]
Resolution = Literal[_Minutes, _DaysAndLonger]
"""A bar size of ``market.bars()``: minutes as a bare number (``"1"`` ... ``"240"``: ``"60"``
is an hour), ``D``/``1D`` a day, ``W``/``1W`` a week, ``M``/``1M``/``3M``/``6M``/``12M``
months (rest.md section 9a).

The API also takes ``1m``, ``3m``, ``6m`` and ``12m``, but as months, which is not how they
read: the SDK refuses them (and ``5m``, ``1h``...) with a hint instead of asking for monthly
bars when minutes were meant."""

RESOLUTIONS: frozenset[str] = frozenset(get_args(Resolution))
"""Every :data:`Resolution`."""


@renamed_keywords
@attrs.frozen(kw_only=True)
class Bar:
    """One OHLCV bar. ``timestamp`` is the bar's open, aware UTC (the wire's ``t``, named as
    every instant of the package is); ``volume`` is a ``Decimal``.

    ``time``, its name in the previous release, still reads and is still taken by the
    constructor, with a :class:`DeprecationWarning`.
    """

    timestamp: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal | None = None

    time: ClassVar[renamed[datetime]] = renamed("timestamp")


def parse_bars(data: object) -> list[Bar]:
    """Parse a ``GET /v1/chart/history`` (or tick-history) body into bars, oldest first.

    ``t`` may be Unix seconds or milliseconds (told apart by size). ``s == "no_data"`` gives
    ``[]``.

    Raises:
        ResponseFormatError: ``s == "error"``, arrays of different lengths, or bad values.
    """
    body = check_status(data, "bars", ("ok", "no_data"))
    if body.get("s") == "no_data":
        return []
    columns: dict[str, Sequence[Any]] = {}
    for key in ("t", "o", "h", "l", "c", "v"):
        column = body.get(key)
        if column is None:
            column = []
        if not isinstance(column, list):
            raise ResponseFormatError(f"bars: {key!r} is not a list")
        columns[key] = column
    length = len(columns["t"])
    for key in ("o", "h", "l", "c"):
        if len(columns[key]) != length:
            raise ResponseFormatError(
                f"bars: {key!r} has {len(columns[key])} values but 't' has {length}"
            )
    if columns["v"] and len(columns["v"]) != length:
        raise ResponseFormatError(f"bars: 'v' has {len(columns['v'])} values but 't' has {length}")
    bars = []
    for i in range(length):
        try:
            when = parse_datetime(columns["t"][i])
        except ValueError as exc:
            raise ResponseFormatError(f"bars: t[{i}]: {exc}") from None
        prices = [
            response_decimal(columns[key][i], f"bars: {key}[{i}]") for key in ("o", "h", "l", "c")
        ]
        if when is None or any(p is None for p in prices):
            raise ResponseFormatError(f"bars: bar {i} has empty values")
        volume = response_decimal(columns["v"][i], f"bars: v[{i}]") if columns["v"] else None
        open_, high, low, close = (p for p in prices if p is not None)
        bars.append(Bar(timestamp=when, open=open_, high=high, low=low, close=close, volume=volume))
    return bars


def bars_to_wire(
    bars: Sequence[Bar], *, next_time: int | None = None, time_unit: Literal["s", "ms"] = "s"
) -> dict[str, Any]:
    """The ``/v1/chart/history`` body for ``bars`` (``{"s": "no_data"}`` when empty).

    Args:
        bars: the bars, oldest first.
        next_time: written as ``nextTime`` when given.
        time_unit: ``"s"`` for chart history (Unix seconds), ``"ms"`` for tick history.
    """
    if not bars:
        out: dict[str, Any] = {"s": "no_data"}
    else:
        out = {
            "s": "ok",
            "t": [datetime_to_epoch(bar.timestamp, time_unit) for bar in bars],
            "o": [json_number(bar.open) for bar in bars],
            "h": [json_number(bar.high) for bar in bars],
            "l": [json_number(bar.low) for bar in bars],
            "c": [json_number(bar.close) for bar in bars],
            "v": [json_number(bar.volume) if bar.volume is not None else 0 for bar in bars],
        }
    if next_time is not None:
        out["nextTime"] = next_time
    return out


# --------------------------------------------------------------------------------------------
# Market status and holidays


@attrs.frozen(kw_only=True)
class MarketStatus:
    """``GET /v1/market/status``: whether an exchange is open now.

    ``timestamp`` is the server time (a Unix integer on the wire, read as seconds, or
    milliseconds if it is that large), aware UTC. ``session`` wording (e.g. ``regular``) is not
    documented precisely; it is empty when closed.
    """

    exchange: str | None = None
    is_open: bool | None = None
    session: str | None = None
    timestamp: datetime | None = attrs.field(default=None, metadata=wire(epoch="s"))
    timezone: str | None = None


@attrs.frozen(kw_only=True)
class Holiday:
    """One market holiday from ``GET /v1/market/holiday``.

    ``trading_hour`` is like ``"09:30-13:00"`` for an early close and empty for a full closure.
    """

    event_name: str | None = None
    at_date: date | None = None
    trading_hour: str | None = None

    @property
    def early_close(self) -> bool:
        """Whether the market opens that day with shortened hours (not a full closure)."""
        return bool(self.trading_hour and self.trading_hour.strip())


# --------------------------------------------------------------------------------------------
# Equity and option details (GET /v1/marketdata/equities/details, /options/details)


@attrs.frozen(kw_only=True)
class SymbolError:
    """A per-symbol failure inside a batch details response."""

    symbol: str | None = None
    error: str | None = None


@attrs.frozen(kw_only=True)
class EquityDetails:
    """Details of one equity (``EquityDetailsDTO``), every field optional: prices, amounts,
    ratios, sizes and volumes are ``Decimal``; what the wire sends as an integer and is not a
    size or a volume is an ``int`` (``trade_sequence``, ``tick``, counts such as
    ``shares_outstanding`` or ``open_interest``, ``sic_code``, ``short_sale_restricted``).

    ``average_volume_4_weeks`` and ``percent_held_by_institution`` are the wire's
    ``avgVolume4Weeks`` and ``pctHeldByInstitution``, ``trade_sequence`` its ``tradeSeq``,
    ``eps_current_quarter_mean_estimate`` its ``EPSCurrentQtrMeanEst`` and
    ``nasdaq_net_inflow`` its ``nasdaqNetInFlow`` (named as ``nyse_net_inflow`` is),
    ``change`` its ``netChange`` (named as a quote's change from the previous close is); their
    old names (``avg_volume_4_weeks``, ``trade_seq``, ``nasdaq_net_in_flow``...) are
    deprecated aliases.

    Its calendar days (``high_52_week_date``, ``ytd_low_date``, ``expiration_date``...) are
    plain strings on the wire: one that is not a date reads as None, with a warning on the
    ``aries_async.models`` logger, instead of failing the whole answer.
    """

    symbol: str | None = None
    name: str | None = None
    type: str | None = None
    instrument_type: str | None = None
    price: Decimal | None = None
    last_price: Decimal | None = None
    bid_price: Decimal | None = None
    bid_size: Decimal | None = None
    bid_exchange: str | None = None
    ask_price: Decimal | None = None
    ask_size: Decimal | None = None
    ask_exchange: str | None = None
    mid_price: Decimal | None = None
    spread: Decimal | None = None
    open_price: Decimal | None = None
    high_price: Decimal | None = None
    low_price: Decimal | None = None
    close_price: Decimal | None = None
    change: Decimal | None = attrs.field(default=None, metadata=wire("netChange"))
    change_status: str | None = None
    total_volume: Decimal | None = None
    average_volume_4_weeks: Decimal | None = attrs.field(
        default=None, metadata=wire("avgVolume4Weeks")
    )
    size: Decimal | None = None
    tick: int | None = None
    trade_sequence: int | None = attrs.field(default=None, metadata=wire("tradeSeq"))
    trade_exchange: str | None = None
    trade_timestamp: datetime | None = None
    quote_timestamp: datetime | None = None
    high_52_week_price: Decimal | None = attrs.field(default=None, metadata=wire("high52WeekPrice"))
    high_52_week_date: date | None = attrs.field(
        default=None, metadata=wire("high52WeekDate", lenient=True)
    )
    low_52_week_price: Decimal | None = attrs.field(default=None, metadata=wire("low52WeekPrice"))
    low_52_week_date: date | None = attrs.field(
        default=None, metadata=wire("low52WeekDate", lenient=True)
    )
    ytd_high: Decimal | None = None
    ytd_high_date: date | None = attrs.field(default=None, metadata=wire(lenient=True))
    ytd_low: Decimal | None = None
    ytd_low_date: date | None = attrs.field(default=None, metadata=wire(lenient=True))
    year_end_close: Decimal | None = None
    market_cap: int | None = None
    shares_outstanding: int | None = None
    beta: Decimal | None = None
    pe: Decimal | None = attrs.field(default=None, metadata=wire("PE"))
    eps_diluted: Decimal | None = attrs.field(default=None, metadata=wire("EPSDiluted"))
    eps_latest_12_month: Decimal | None = attrs.field(
        default=None, metadata=wire("EPSLatest12Month")
    )
    eps_3_year_growth_rate: Decimal | None = attrs.field(
        default=None, metadata=wire("EPS3YearGrowthRate")
    )
    eps_5_year_growth_rate: Decimal | None = attrs.field(
        default=None, metadata=wire("EPS5YearGrowthRate")
    )
    eps_current_quarter_mean_estimate: Decimal | None = attrs.field(
        default=None, metadata=wire("EPSCurrentQtrMeanEst")
    )
    eps_current_year_mean_estimate: Decimal | None = attrs.field(
        default=None, metadata=wire("EPSCurrentYearMeanEst")
    )
    dividend: Decimal | None = None
    annual_yield: Decimal | None = None
    assets: Decimal | None = None
    liabilities: Decimal | None = None
    long_term_debt: Decimal | None = None
    percent_held_by_institution: Decimal | None = attrs.field(
        default=None, metadata=wire("pctHeldByInstitution")
    )
    short_interest: int | None = None
    short_sale_restricted: int | None = None
    sic_code: int | None = None
    has_options: bool | None = None
    is_etf: bool | None = attrs.field(default=None, metadata=wire("isETF"))
    underlying_symbol: str | None = None
    strike_price: Decimal | None = None
    expiration_date: date | None = attrs.field(default=None, metadata=wire(lenient=True))
    put_call: str | None = None
    open_interest: int | None = None
    advancers: int | None = None
    decliners: int | None = None
    unchanged: int | None = None
    total_symbols: int | None = None
    nasdaq_buy_volume: Decimal | None = None
    nasdaq_sell_volume: Decimal | None = None
    nasdaq_net_inflow: Decimal | None = attrs.field(default=None, metadata=wire("nasdaqNetInFlow"))
    nyse_buy_volume: Decimal | None = None
    nyse_sell_volume: Decimal | None = None
    nyse_net_inflow: Decimal | None = None

    avg_volume_4_weeks: ClassVar[renamed[Decimal | None]] = renamed("average_volume_4_weeks")
    pct_held_by_institution: ClassVar[renamed[Decimal | None]] = renamed(
        "percent_held_by_institution"
    )
    trade_seq: ClassVar[renamed[int | None]] = renamed("trade_sequence")
    eps_current_qtr_mean_est: ClassVar[renamed[Decimal | None]] = renamed(
        "eps_current_quarter_mean_estimate"
    )
    eps_current_year_mean_est: ClassVar[renamed[Decimal | None]] = renamed(
        "eps_current_year_mean_estimate"
    )
    nasdaq_net_in_flow: ClassVar[renamed[Decimal | None]] = renamed("nasdaq_net_inflow")
    net_change: ClassVar[renamed[Decimal | None]] = renamed("change")


@attrs.frozen(kw_only=True)
class EquityDetailsResponse:
    """``GET /v1/marketdata/equities/details``: details in input order plus per-symbol errors."""

    data: list[EquityDetails] = attrs.field(factory=list, repr=items_repr)
    errors: list[SymbolError] = attrs.field(factory=list, repr=items_repr)


@attrs.frozen(kw_only=True)
class OptionDetails:
    """Prices of one option contract (bare OSI ``symbol``) from the option-details call."""

    symbol: str | None = None
    last_price: Decimal | None = None
    bid_price: Decimal | None = None
    ask_price: Decimal | None = None
    mid_price: Decimal | None = None
    close_price: Decimal | None = None


@attrs.frozen(kw_only=True)
class OptionDetailsResponse:
    """``GET /v1/marketdata/options/details``: details plus per-symbol errors."""

    data: list[OptionDetails] = attrs.field(factory=list, repr=items_repr)
    errors: list[SymbolError] = attrs.field(factory=list, repr=items_repr)
