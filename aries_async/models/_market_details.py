"""Equity and option details (``GET /v1/marketdata/equities/details``, ``/options/details``).

Part of :mod:`aries_async.models.market`, which serves these names; they live apart so that the
quote path does not pay for building the 70-field :class:`EquityDetails` class at import.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs

from aries_async.models.common import wire

__all__ = [
    "EquityDetails",
    "EquityDetailsResponse",
    "OptionDetails",
    "OptionDetailsResponse",
    "SymbolError",
]


@attrs.frozen(kw_only=True)
class SymbolError:
    """A per-symbol failure inside a batch details response."""

    symbol: str | None = None
    error: str | None = None


@attrs.frozen(kw_only=True)
class EquityDetails:
    """Details of one equity (``EquityDetailsDTO``); numbers are ``Decimal``, all optional."""

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
    net_change: Decimal | None = None
    change_status: str | None = None
    total_volume: Decimal | None = None
    avg_volume_4_weeks: Decimal | None = attrs.field(default=None, metadata=wire("avgVolume4Weeks"))
    size: Decimal | None = None
    tick: str | None = None
    trade_seq: Decimal | None = None
    trade_exchange: str | None = None
    trade_timestamp: datetime | None = None
    quote_timestamp: datetime | None = None
    high_52_week_price: Decimal | None = attrs.field(default=None, metadata=wire("high52WeekPrice"))
    high_52_week_date: date | None = attrs.field(default=None, metadata=wire("high52WeekDate"))
    low_52_week_price: Decimal | None = attrs.field(default=None, metadata=wire("low52WeekPrice"))
    low_52_week_date: date | None = attrs.field(default=None, metadata=wire("low52WeekDate"))
    ytd_high: Decimal | None = None
    ytd_high_date: date | None = None
    ytd_low: Decimal | None = None
    ytd_low_date: date | None = None
    year_end_close: Decimal | None = None
    market_cap: Decimal | None = None
    shares_outstanding: Decimal | None = None
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
    eps_current_qtr_mean_est: Decimal | None = attrs.field(
        default=None, metadata=wire("EPSCurrentQtrMeanEst")
    )
    eps_current_year_mean_est: Decimal | None = attrs.field(
        default=None, metadata=wire("EPSCurrentYearMeanEst")
    )
    dividend: Decimal | None = None
    annual_yield: Decimal | None = None
    assets: Decimal | None = None
    liabilities: Decimal | None = None
    long_term_debt: Decimal | None = None
    pct_held_by_institution: Decimal | None = None
    short_interest: Decimal | None = None
    short_sale_restricted: bool | None = None
    sic_code: str | None = None
    has_options: bool | None = None
    is_etf: bool | None = attrs.field(default=None, metadata=wire("isETF"))
    underlying_symbol: str | None = None
    strike_price: Decimal | None = None
    expiration_date: date | None = None
    put_call: str | None = None
    open_interest: Decimal | None = None
    advancers: Decimal | None = None
    decliners: Decimal | None = None
    unchanged: Decimal | None = None
    total_symbols: Decimal | None = None
    nasdaq_buy_volume: Decimal | None = None
    nasdaq_sell_volume: Decimal | None = None
    nasdaq_net_in_flow: Decimal | None = None
    nyse_buy_volume: Decimal | None = None
    nyse_sell_volume: Decimal | None = None
    nyse_net_inflow: Decimal | None = None


@attrs.frozen(kw_only=True)
class EquityDetailsResponse:
    """``GET /v1/marketdata/equities/details``: details in input order plus per-symbol errors."""

    data: list[EquityDetails] = attrs.Factory(list)
    errors: list[SymbolError] = attrs.Factory(list)


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

    data: list[OptionDetails] = attrs.Factory(list)
    errors: list[SymbolError] = attrs.Factory(list)
