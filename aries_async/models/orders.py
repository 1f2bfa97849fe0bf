"""Orders: enums, the v2 order shape and write acknowledgements.

Responses (rest.md §5, §6): :class:`Order` (``TradeOrderV2``), :class:`OrderPage`,
:class:`OrderAck`, :class:`OrderPreview`, :class:`ReplaceAck`, :class:`CancelAck`.

The validated write requests (:class:`OrderRequest`, :class:`ReplaceRequest`,
:class:`CancelRequest`, :class:`OrderLeg`, :data:`DecimalInput`, :func:`is_osi_symbol`) are
defined in :mod:`aries_async.models.order_requests` and served from here too, imported on first
use, so that decoding orders does not load the request validation.

Names spell the wire's abbreviations out (``cumQty`` is ``cumulative_quantity``); the old
names (``qty``, ``cum_qty``, ``avg_price``...) read for one release, with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

import attrs

from aries_async._deprecation import renamed
from aries_async._lazy import lazy_dir, lazy_getattr
from aries_async.models._summary import items_repr
from aries_async.models.accounts import SecurityType
from aries_async.models.common import OpenEnum, wire

if TYPE_CHECKING:
    from aries_async.models.order_requests import (
        CancelRequest,
        DecimalInput,
        OrderLeg,
        OrderRequest,
        ReplaceRequest,
        is_osi_symbol,
    )

__all__ = [
    "CancelAck",
    "CancelRequest",
    "DecimalInput",
    "ExDestination",
    "LegSecurityType",
    "LegSide",
    "Order",
    "OrderAck",
    "OrderCategory",
    "OrderLeg",
    "OrderLegState",
    "OrderPage",
    "OrderPreview",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "PositionEffect",
    "PutCall",
    "ReplaceAck",
    "ReplaceRequest",
    "Side",
    "TimeInForce",
    "is_osi_symbol",
]

# Enums


class Side(OpenEnum):
    """Order side."""

    BUY = "BUY"
    SELL = "SELL"
    SELL_SHORT = "SELL_SHORT"
    BUY_TO_COVER = "BUY_TO_COVER"


class OrderType(OpenEnum):
    """Order type."""

    MARKET = "MARKET"
    LIMIT = "LIMIT"
    STOP = "STOP"
    STOP_LIMIT = "STOP_LIMIT"


class TimeInForce(OpenEnum):
    """Time in force. The short aliases ``ATO``, ``ATC`` and ``EXT`` map to the long names."""

    DAY = "DAY"
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    EXTENDED_HOURS = "EXTENDED_HOURS"
    AT_THE_OPENING = "AT_THE_OPENING"
    AT_THE_CLOSE = "AT_THE_CLOSE"

    @classmethod
    def _wire_aliases(cls) -> Mapping[str, str]:
        return {"ATO": "AT_THE_OPENING", "ATC": "AT_THE_CLOSE", "EXT": "EXTENDED_HOURS"}


_TERMINAL = frozenset(
    {"FILLED", "CANCELED", "REJECTED", "EXPIRED", "REPLACED", "SUPERSEDED", "DONE_FOR_DAY"}
)


class OrderStatus(OpenEnum):
    """Order status (mirrors FIX tag 39; rest.md §6.6)."""

    PENDING_NEW = "PENDING_NEW"
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    DONE_FOR_DAY = "DONE_FOR_DAY"
    CANCELED = "CANCELED"
    REPLACED = "REPLACED"
    PENDING_CANCEL = "PENDING_CANCEL"
    STOPPED = "STOPPED"
    REJECTED = "REJECTED"
    SUSPENDED = "SUSPENDED"
    CALCULATED = "CALCULATED"
    EXPIRED = "EXPIRED"
    ACCEPTED_FOR_BID = "ACCEPTED_FOR_BID"
    PENDING_REPLACE = "PENDING_REPLACE"
    SUPERSEDED = "SUPERSEDED"

    @property
    def is_terminal(self) -> bool:
        """Whether the order (under this id) will not change again.

        ``FILLED``, ``CANCELED``, ``REJECTED``, ``EXPIRED``, ``REPLACED`` (for the old id),
        ``SUPERSEDED`` and ``DONE_FOR_DAY``. Unknown statuses count as not terminal.
        """
        return self.value in _TERMINAL


class OrderCategory(OpenEnum):
    """Order shape: stock, single option leg or multi-leg."""

    EQUITY = "EQUITY"
    SINGLE_LEG = "SINGLE_LEG"
    MULTI_LEG = "MULTI_LEG"


class ExDestination(OpenEnum):
    """Routing destination reported on orders (response only)."""

    MNGD = "MNGD"
    MNGDFTE = "MNGDFTE"


class PutCall(OpenEnum):
    """Option right. ``C``/``P`` are accepted as input."""

    CALL = "CALL"
    PUT = "PUT"

    @classmethod
    def _wire_aliases(cls) -> Mapping[str, str]:
        return {"C": "CALL", "P": "PUT"}


class PositionEffect(OpenEnum):
    """Whether a leg opens or closes a position. ``O``/``C`` are accepted as input."""

    OPEN = "OPEN"
    CLOSE = "CLOSE"

    @classmethod
    def _wire_aliases(cls) -> Mapping[str, str]:
        return {"O": "OPEN", "C": "CLOSE"}


class LegSecurityType(OpenEnum):
    """Security type of a *request* leg: ``CS`` (stock/ETF) or ``OPT``."""

    CS = "CS"
    OPT = "OPT"


class LegSide(OpenEnum):
    """Side of a leg. ``B``/``S`` are accepted as input."""

    BUY = "BUY"
    SELL = "SELL"

    @classmethod
    def _wire_aliases(cls) -> Mapping[str, str]:
        return {"B": "BUY", "S": "SELL"}


# Responses


@attrs.frozen(kw_only=True)
class OrderLegState:
    """One leg of an order as reported by the server (``TradeOrderLegV2``).

    ``maturity`` is a plain string on the wire: one that is not a date reads as None, with a
    warning on the ``aries_async.models`` logger, instead of failing the orders.
    """

    symbol: str | None = None
    side: LegSide | None = None
    ratio_quantity: Decimal | None = attrs.field(default=None, metadata=wire("ratioQty"))
    position_effect: PositionEffect | None = None
    security_type: SecurityType | None = None
    put_call: PutCall | None = None
    strike_price: Decimal | None = None
    maturity: date | None = attrs.field(default=None, metadata=wire(lenient=True))
    average_price: Decimal | None = attrs.field(default=None, metadata=wire("avgPrice", blank=True))

    ratio_qty: ClassVar[renamed[Decimal | None]] = renamed("ratio_quantity")
    avg_price: ClassVar[renamed[Decimal | None]] = renamed("average_price")


@attrs.frozen(kw_only=True)
class Order:
    """An order as the server reports it (``TradeOrderV2``): order lists and account events.

    ``cl_ord_id`` is the merge key; a replace gives the order a new one and records the old in
    ``orig_cl_ord_id``. Unused prices (``""``) are ``None``; ``average_price`` is ``0`` for
    multi-leg orders (see the legs).

    Example:
        >>> from aries_async.models import structure
        >>> o = structure({"clOrdId": "X1", "ordStatus": "FILLED", "qty": "10"}, Order)
        >>> o.quantity, o.ord_status.is_terminal
        (Decimal('10'), True)
    """

    cl_ord_id: str | None = None
    orig_cl_ord_id: str | None = None
    ord_id: str | None = None
    account_id: str | None = None
    client_id: str | None = None
    symbol: str | None = None
    side: Side | None = None
    type: OrderType | None = None
    time_in_force: TimeInForce | None = None
    quantity: Decimal | None = attrs.field(default=None, metadata=wire("qty"))
    price: Decimal | None = attrs.field(default=None, metadata=wire(blank=True))
    stop_price: Decimal | None = attrs.field(default=None, metadata=wire(blank=True))
    ord_status: OrderStatus | None = None
    cumulative_quantity: Decimal | None = attrs.field(default=None, metadata=wire("cumQty"))
    leaves_quantity: Decimal | None = attrs.field(default=None, metadata=wire("leavesQty"))
    average_price: Decimal | None = attrs.field(default=None, metadata=wire("avgPrice", blank=True))
    currency: str | None = None
    ex_destination: ExDestination | None = None
    text: str | None = None
    ord_rej_reason: str | None = None
    security_type: SecurityType | None = None
    category: OrderCategory | None = None
    legs: list[OrderLegState] = attrs.Factory(list)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    qty: ClassVar[renamed[Decimal | None]] = renamed("quantity")
    cum_qty: ClassVar[renamed[Decimal | None]] = renamed("cumulative_quantity")
    leaves_qty: ClassVar[renamed[Decimal | None]] = renamed("leaves_quantity")
    avg_price: ClassVar[renamed[Decimal | None]] = renamed("average_price")

    @property
    def status(self) -> OrderStatus | None:
        """Alias of :attr:`ord_status`."""
        return self.ord_status

    @property
    def is_terminal(self) -> bool:
        """Whether the status is terminal (see :attr:`OrderStatus.is_terminal`)."""
        return self.ord_status is not None and self.ord_status.is_terminal


@attrs.frozen(kw_only=True)
class OrderPage:
    """One page of ``GET /v2/accounts/{id}/orders`` or ``/orders/history``.

    ``orders`` is empty when the server sent ``null`` (the active-orders endpoint does).
    ``next_cursor`` is ``0`` on the last page; otherwise pass it back as ``cursor``.
    """

    orders: list[Order] = attrs.field(factory=list, repr=items_repr)
    next_cursor: int = 0

    @property
    def has_more(self) -> bool:
        """Whether the server announced another page."""
        return self.next_cursor != 0


class _Acknowledgement:
    """What the write acknowledgements share (attrs supplies the fields)."""

    __slots__ = ()
    success: bool | None
    status: OrderStatus | None

    @property
    def accepted(self) -> bool:
        """``success`` is true and the status is not ``REJECTED`` (an omitted success is false)."""
        return self.success is True and self.status != OrderStatus.REJECTED


@attrs.frozen(kw_only=True)
class OrderAck(_Acknowledgement):
    """Acknowledgement of ``POST /v1/orders`` (``OrdResponse``): receipt, not a fill.

    A rejection can come as HTTP 200 with ``success: false`` or ``status: REJECTED``; check
    :attr:`accepted`. Fills arrive later as account events. ``client_id`` is the tag the
    order went out with (the caller's, or the one ``place()`` made), echoed or not.
    """

    success: bool | None = None
    cl_ord_id: str | None = None
    client_id: str | None = None
    status: OrderStatus | None = None
    symbol: str | None = None
    side: Side | None = None
    quantity: Decimal | None = attrs.field(default=None, metadata=wire("qty"))
    cumulative_quantity: Decimal | None = attrs.field(default=None, metadata=wire("cumQty"))
    leaves_quantity: Decimal | None = attrs.field(default=None, metadata=wire("leavesQty"))
    average_price: Decimal | None = attrs.field(default=None, metadata=wire("avgPrice"))
    text: str | None = None
    ord_rej_reason: str | None = None
    transact_time: datetime | None = None

    qty: ClassVar[renamed[Decimal | None]] = renamed("quantity")
    cum_qty: ClassVar[renamed[Decimal | None]] = renamed("cumulative_quantity")
    leaves_qty: ClassVar[renamed[Decimal | None]] = renamed("leaves_quantity")
    avg_price: ClassVar[renamed[Decimal | None]] = renamed("average_price")


@attrs.frozen(kw_only=True)
class OrderPreview:
    """Result of ``POST /v1/orders/preview`` (``PreviewOrderResponse``).

    ``errors`` are blocking (do not place the order); ``warnings`` are not. The ``option_*``
    fields come only with option previews.
    """

    estimated_cost: Decimal | None = None
    estimated_margin: Decimal | None = None
    commission: Decimal | None = None
    fees: Decimal | None = None
    buying_power_impact: Decimal | None = None
    number_day_trades: int = attrs.field(default=0, metadata=wire("numDayTrades"))
    warn_rule_id: str | None = None
    warnings: list[str] = attrs.Factory(list)
    errors: list[str] = attrs.Factory(list)
    option_fees: Decimal | None = None
    option_premium: Decimal | None = None
    option_requirement: Decimal | None = None

    num_day_trades: ClassVar[renamed[int]] = renamed("number_day_trades")

    @property
    def ok(self) -> bool:
        """Whether the preview has no blocking errors."""
        return not self.errors


@attrs.frozen(kw_only=True)
class ReplaceAck(_Acknowledgement):
    """Acknowledgement of ``POST /v1/orders/replace``: ``cl_ord_id`` is the order's **new** id."""

    success: bool | None = None
    cl_ord_id: str | None = None
    orig_cl_ord_id: str | None = None
    status: OrderStatus | None = None
    quantity: Decimal | None = attrs.field(default=None, metadata=wire("qty"))
    price: Decimal | None = None
    text: str | None = None
    transact_time: datetime | None = None

    qty: ClassVar[renamed[Decimal | None]] = renamed("quantity")


@attrs.frozen(kw_only=True)
class CancelAck(_Acknowledgement):
    """Acknowledgement of ``POST /v1/orders/cancel``.

    Whether ``cl_ord_id`` is a new id or an echo is not specified; key on ``orig_cl_ord_id``.
    """

    success: bool | None = None
    cl_ord_id: str | None = None
    orig_cl_ord_id: str | None = None
    status: OrderStatus | None = None
    text: str | None = None


_REQUESTS = "aries_async.models.order_requests"
__getattr__ = lazy_getattr(
    __name__, {name: _REQUESTS for name in __all__ if name not in globals()}, globals()
)
__dir__ = lazy_dir(globals(), __all__)
