"""Accounts, balances and positions (rest.md §2a, §3a, §4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import attrs

from aries_async._deprecation import renamed
from aries_async.models.common import OpenEnum, wire

__all__ = ["Account", "AccountStatus", "Balance", "Position", "SecurityType"]


class AccountStatus(OpenEnum):
    """Lifecycle status of a brokerage account (open: unknown values are kept)."""

    NEW = "NEW"
    PENDING_PLAID_VERIFICATION = "PENDING_PLAID_VERIFICATION"
    PENDING_APEX_VERIFICATION = "PENDING_APEX_VERIFICATION"
    READY_FOR_BACK_OFFICE = "READY_FOR_BACK_OFFICE"
    BACK_OFFICE = "BACK_OFFICE"
    OPEN = "OPEN"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    SUSPENDED = "SUSPENDED"
    CLOSED = "CLOSED"
    ERROR = "ERROR"
    AWAITING_REVIEW = "AWAITING_REVIEW"
    AWAITING_APEX = "AWAITING_APEX"
    RETURNED_APEX = "RETURNED_APEX"
    PENDING_CLOSE = "PENDING_CLOSE"
    STERLING_PENDING = "STERLING_PENDING"


class SecurityType(OpenEnum):
    """Security type of a position or order in responses (``EQUITY`` | ``OPTION``; open).

    Older servers send ``CS`` for stocks; it is kept as an unknown value.
    """

    EQUITY = "EQUITY"
    OPTION = "OPTION"


@attrs.frozen(kw_only=True)
class Account:
    """One account of the user (``GET /v2/users/me/accounts``, ``AccountItem``).

    Empty strings are kept as sent: simulation accounts have ``broker_account_id``,
    ``account_type`` and ``account_class`` equal to ``""``, and ``trading_account_id`` is ``""``
    until the trading account exists.

    Example:
        >>> acct = Account(trading_account_id="TEST-SIM-001", is_sim=True)
        >>> acct.id
        'TEST-SIM-001'
    """

    __wire_case__ = "snake"

    trading_account_id: str | None = None
    broker_account_id: str | None = None
    status: AccountStatus | None = None
    is_sim: bool | None = None
    account_type: str | None = None
    account_class: str | None = None

    @property
    def id(self) -> str:
        """The id to use in paths and order bodies: :attr:`trading_account_id`, or ``""`` for
        an account without one (yet), which every call refuses with
        :class:`~aries_async.errors.ValidationError` before sending anything."""
        return self.trading_account_id or ""


@attrs.frozen(kw_only=True)
class Balance:
    """Account balance (``GET /v2/accounts/{id}/balance``, ``AccountBalanceV2``).

    Every money field is a ``Decimal`` (``None`` when the server omitted it or sent ``""``).
    ``balance`` is the net account value and ``net_buying_power`` the headline buying power.
    ``start_of_day_*_funds_available`` are ``0`` until start-of-day data loads, and
    ``start_of_day_funds_available_date`` is ``None`` until then. ``unrealized_pnl`` and
    ``realized_pnl`` are the wire's ``unrealizedPl`` and ``realizedPl``, the
    ``start_of_day_*`` fields its ``sod*`` (``sodTtlEquity`` is
    ``start_of_day_total_equity``); ``unrealized_pl``, ``realized_pl`` and the ``sod_*``
    names are their deprecated aliases.
    """

    account_id: str | None = None
    balance: Decimal | None = None
    cash_balance: Decimal | None = None
    net_buying_power: Decimal | None = None
    stock_buying_power: Decimal | None = None
    option_buying_power: Decimal | None = None
    day_trade_buying_power: Decimal | None = None
    day_trade_overnight_reg_t_buying_power: Decimal | None = None
    settled_funds: Decimal | None = None
    unsettled_funds: Decimal | None = None
    held_back_funds: Decimal | None = None
    start_of_day_cash: Decimal | None = None
    amount_available_to_withdraw: Decimal | None = None
    funds_available_for_withdrawal: Decimal | None = None
    intraday_margin_balance: Decimal | None = None
    maint_req: Decimal | None = None
    gross_margin: Decimal | None = None
    credit: Decimal | None = None
    credit_remaining: Decimal | None = None
    sma: Decimal | None = None
    sma_credit_remaining: Decimal | None = None
    pdt: Decimal | None = None
    pdt_credit_remaining: Decimal | None = None
    pending_orders_count: int | None = None
    pending_orders_margin_requirements: Decimal | None = None
    cost_of_positions: Decimal | None = None
    open_pnl: Decimal | None = None
    unrealized_pnl: Decimal | None = attrs.field(default=None, metadata=wire("unrealizedPl"))
    realized_pnl: Decimal | None = attrs.field(default=None, metadata=wire("realizedPl"))
    day_open_pnl: Decimal | None = None
    day_realized_pnl: Decimal | None = None
    day_total_pnl: Decimal | None = None
    value_bought: Decimal | None = None
    value_sold: Decimal | None = None
    start_of_day_positions_market_value: Decimal | None = attrs.field(
        default=None, metadata=wire("sodPositionsMarketValue")
    )
    start_of_day_total_equity: Decimal | None = attrs.field(
        default=None, metadata=wire("sodTtlEquity")
    )
    start_of_day_total_equity_updated_at: datetime | None = attrs.field(
        default=None, metadata=wire("sodTtlEquityUpdatedAt")
    )
    start_of_day_funds_available_date: date | None = attrs.field(
        default=None, metadata=wire("sodFundsAvailableDate")
    )
    start_of_day_gross_funds_available: Decimal | None = attrs.field(
        default=None, metadata=wire("sodGrossFundsAvailable")
    )
    start_of_day_net_funds_available: Decimal | None = attrs.field(
        default=None, metadata=wire("sodNetFundsAvailable")
    )
    start_of_day_margin_trade_balance: Decimal | None = attrs.field(
        default=None, metadata=wire("sodMarginTradeBalance")
    )

    unrealized_pl: ClassVar[renamed[Decimal | None]] = renamed("unrealized_pnl")
    realized_pl: ClassVar[renamed[Decimal | None]] = renamed("realized_pnl")
    sod_positions_market_value: ClassVar[renamed[Decimal | None]] = renamed(
        "start_of_day_positions_market_value"
    )
    sod_ttl_equity: ClassVar[renamed[Decimal | None]] = renamed("start_of_day_total_equity")
    sod_ttl_equity_updated_at: ClassVar[renamed[datetime | None]] = renamed(
        "start_of_day_total_equity_updated_at"
    )
    sod_funds_available_date: ClassVar[renamed[date | None]] = renamed(
        "start_of_day_funds_available_date"
    )
    sod_gross_funds_available: ClassVar[renamed[Decimal | None]] = renamed(
        "start_of_day_gross_funds_available"
    )
    sod_net_funds_available: ClassVar[renamed[Decimal | None]] = renamed(
        "start_of_day_net_funds_available"
    )
    sod_margin_trade_balance: ClassVar[renamed[Decimal | None]] = renamed(
        "start_of_day_margin_trade_balance"
    )


@attrs.frozen(kw_only=True)
class Position:
    """One position (``GET /v1/accounts/{id}/positions``, ``AccountPosition``).

    ``quantity`` is positive for a long position (negative may mean short). Option positions
    carry the bare OSI symbol (``AAPL260618C00180000``). ``price``, ``market_value`` and
    ``cost_basis`` may be ``None`` when the server has no current price. ``today_pnl`` and
    ``unrealized_pnl`` are the wire's ``todayPl`` and ``unrealizedPl`` (``today_pl`` and
    ``unrealized_pl`` are their deprecated aliases).
    """

    account_id: str | None = None
    symbol: str | None = None
    security_type: SecurityType | None = None
    quantity: Decimal | None = None
    average_price: Decimal | None = None
    price: Decimal | None = None
    market_value: Decimal | None = None
    cost_basis: Decimal | None = None
    unrealized_pnl: Decimal | None = attrs.field(default=None, metadata=wire("unrealizedPl"))
    today_pnl: Decimal | None = attrs.field(default=None, metadata=wire("todayPl"))
    today_realized_pnl: Decimal | None = attrs.field(
        default=None, metadata=wire("todayRealizedPnL")
    )
    created_at: datetime | None = None

    unrealized_pl: ClassVar[renamed[Decimal | None]] = renamed("unrealized_pnl")
    today_pl: ClassVar[renamed[Decimal | None]] = renamed("today_pnl")
