"""Equity and option details (``GET /v1/marketdata/equities/details``, ``/options/details``):
the 70-field :class:`EquityDetails` and its kin, which ``market.equity_details()`` and
``market.option_details()`` answer with. Part of :mod:`aries_async.models.market`, which
serves every name here on first use: a symbol search or a market status does not build them.
The generated models name these classes by their schemas too (``GetEquityDetailsResponse``,
``EquityDetailsDTO``, ``GetOptionDetailsResponse``, ``OptionDetailsDTO``, ``SymbolError``):
one class per wire object.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import attrs

from aries_async._deprecation import renamed
from aries_async.models._summary import items_repr
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
    """Details of one equity (``EquityDetailsDTO``), every field optional: prices, amounts,
    ratios, sizes and volumes are ``Decimal``; what the wire sends as an integer and is not a
    size or a volume is an ``int`` (``trade_sequence``, ``tick``, counts such as
    ``shares_outstanding`` or ``open_interest``, ``sic_code``, ``short_sale_restricted``).

    ``average_volume_4_weeks`` and ``percent_held_by_institution`` are the wire's
    ``avgVolume4Weeks`` and ``pctHeldByInstitution``, ``trade_sequence`` its ``tradeSeq``,
    ``eps_current_quarter_mean_estimate`` its ``EPSCurrentQtrMeanEst`` and
    ``nasdaq_net_inflow`` its ``nasdaqNetInFlow`` (named as ``nyse_net_inflow`` is),
    ``change`` its ``netChange`` (named as a quote's change from the previous close is),
    ``volume`` its ``totalVolume`` (the session's volume so far, named as a quote's is); their
    old names (``avg_volume_4_weeks``, ``trade_seq``, ``total_volume``...) are deprecated
    aliases.

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
    volume: Decimal | None = attrs.field(default=None, metadata=wire("totalVolume"))
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
    total_volume: ClassVar[renamed[Decimal | None]] = renamed("volume")
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
    """``GET /v1/marketdata/equities/details`` (``market.equity_details()``): details in input
    order plus per-symbol errors."""

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
    """``GET /v1/marketdata/options/details`` (``market.option_details()``): details plus
    per-symbol errors."""

    data: list[OptionDetails] = attrs.field(factory=list, repr=items_repr)
    errors: list[SymbolError] = attrs.field(factory=list, repr=items_repr)
