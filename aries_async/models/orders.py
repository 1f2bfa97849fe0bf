"""Orders: enums, the v2 order shape, write acknowledgements and validated write requests.

Responses (rest.md §5, §6): :class:`Order` (``TradeOrderV2``), :class:`OrderPage`,
:class:`OrderAck`, :class:`OrderPreview`, :class:`ReplaceAck`, :class:`CancelAck`.

Requests (rest.md §6.1-§6.4): :class:`OrderRequest`, :class:`ReplaceRequest`,
:class:`CancelRequest` and :class:`OrderLeg`. They validate in their constructor and raise
:class:`aries_async.errors.ValidationError` (with ``field`` set) on bad input, so nothing
invalid is ever sent. Numbers are accepted as ``Decimal``, ``int`` or ``str``, never ``float``,
and only when they reach the server exactly (finite, below 10**15, at most 15 significant
digits and 15 decimals; prices 5 decimals); :meth:`OrderRequest.to_wire` gives the exact JSON
body, numbers as plain decimal strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from aries_async.errors import ValidationError
from aries_async.models._converter import unstructure
from aries_async.models.accounts import SecurityType
from aries_async.models.common import OpenEnum, parse_date, wire

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

DecimalInput = Decimal | int | str
"""Numbers accepted by request models. ``float`` is refused: it cannot hold money exactly."""

MAX_PRICE_DECIMALS = 5
MAX_SIGNIFICANT_DIGITS = 15
"""Significant digits a request number may have (trailing zeros do not count): 15 is what an
IEEE-754 double, the narrowest number a JSON server may parse into, keeps exactly."""
MAX_INTEGER_DIGITS = 15
"""Digits before the decimal point: request numbers are below 10**15."""
MAX_FRACTION_DIGITS = 15
"""Digits after the decimal point (trailing zeros do not count); prices allow only
:data:`MAX_PRICE_DECIMALS`."""
MAX_LEGS = 4
MAX_SYMBOL_LENGTH = 21
MAX_ACCOUNT_ID_LENGTH = 50
MAX_CLIENT_ID_LENGTH = 50
MAX_CL_ORD_ID_LENGTH = 100

# OSI option symbol: root (1-6), YYMMDD, C|P, strike x 1000 in 8 digits.
_OSI = re.compile(r"^[A-Z0-9.]{1,6}\d{6}[CP]\d{8}$")


def is_osi_symbol(symbol: str) -> bool:
    """Whether ``symbol`` is a bare OSI option symbol such as ``AAPL240119C00150000``."""
    return bool(_OSI.match(symbol.upper()))


# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Responses


@attrs.frozen(kw_only=True)
class OrderLegState:
    """One leg of an order as reported by the server (``TradeOrderLegV2``)."""

    symbol: str | None = None
    side: LegSide | None = None
    ratio_qty: Decimal | None = None
    position_effect: PositionEffect | None = None
    security_type: SecurityType | None = None
    put_call: PutCall | None = None
    strike_price: Decimal | None = None
    maturity: date | None = None
    avg_price: Decimal | None = None


@attrs.frozen(kw_only=True)
class Order:
    """An order as the server reports it (``TradeOrderV2``): order lists and account events.

    ``cl_ord_id`` is the merge key; a replace gives the order a new one and records the old in
    ``orig_cl_ord_id``. Unused prices (``""``) are ``None``; ``avg_price`` is ``0`` for
    multi-leg orders (see the legs).

    Example:
        >>> from aries_async.models import structure
        >>> o = structure({"clOrdId": "X1", "ordStatus": "FILLED", "qty": "10"}, Order)
        >>> o.qty, o.ord_status.is_terminal
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
    qty: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    ord_status: OrderStatus | None = None
    cum_qty: Decimal | None = None
    leaves_qty: Decimal | None = None
    avg_price: Decimal | None = None
    currency: str | None = None
    ex_destination: ExDestination | None = None
    text: str | None = None
    ord_rej_reason: str | None = None
    security_type: SecurityType | None = None
    category: OrderCategory | None = None
    legs: list[OrderLegState] = attrs.Factory(list)
    created_at: datetime | None = None
    updated_at: datetime | None = None

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

    orders: list[Order] = attrs.Factory(list)
    next_cursor: int = 0

    @property
    def has_more(self) -> bool:
        """Whether the server announced another page."""
        return self.next_cursor != 0


@attrs.frozen(kw_only=True)
class OrderAck:
    """Acknowledgement of ``POST /v1/orders`` (``OrdResponse``): receipt, not a fill.

    A rejection can come as HTTP 200 with ``success: false`` or ``status: REJECTED``; check
    :attr:`accepted`. Fills arrive later as account events.
    """

    success: bool | None = None
    cl_ord_id: str | None = None
    status: OrderStatus | None = None
    symbol: str | None = None
    side: Side | None = None
    qty: Decimal | None = None
    cum_qty: Decimal | None = None
    leaves_qty: Decimal | None = None
    avg_price: Decimal | None = None
    text: str | None = None
    ord_rej_reason: str | None = None
    transact_time: datetime | None = None

    @property
    def accepted(self) -> bool:
        """``success`` is true and the status is not ``REJECTED`` (an omitted success is false)."""
        return self.success is True and self.status != OrderStatus.REJECTED


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
    num_day_trades: int = 0
    warn_rule_id: str | None = None
    warnings: list[str] = attrs.Factory(list)
    errors: list[str] = attrs.Factory(list)
    option_fees: Decimal | None = None
    option_premium: Decimal | None = None
    option_requirement: Decimal | None = None

    @property
    def ok(self) -> bool:
        """Whether the preview has no blocking errors."""
        return not self.errors


@attrs.frozen(kw_only=True)
class ReplaceAck:
    """Acknowledgement of ``POST /v1/orders/replace``: ``cl_ord_id`` is the order's **new** id."""

    success: bool | None = None
    cl_ord_id: str | None = None
    orig_cl_ord_id: str | None = None
    status: OrderStatus | None = None
    qty: Decimal | None = None
    price: Decimal | None = None
    text: str | None = None
    transact_time: datetime | None = None

    @property
    def accepted(self) -> bool:
        """``success`` is true and the status is not ``REJECTED``."""
        return self.success is True and self.status != OrderStatus.REJECTED


@attrs.frozen(kw_only=True)
class CancelAck:
    """Acknowledgement of ``POST /v1/orders/cancel``.

    Whether ``cl_ord_id`` is a new id or an echo is not specified; key on ``orig_cl_ord_id``.
    """

    success: bool | None = None
    cl_ord_id: str | None = None
    orig_cl_ord_id: str | None = None
    status: OrderStatus | None = None
    text: str | None = None

    @property
    def accepted(self) -> bool:
        """``success`` is true and the status is not ``REJECTED``."""
        return self.success is True and self.status != OrderStatus.REJECTED


# --------------------------------------------------------------------------------------------
# Request input conversion: named functions so that type checkers see the accepted inputs.


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, float):
        raise ValidationError(
            f"{field}: float {value!r} refused, pass a Decimal, int or str (floats lose money)",
            field=field,
        )
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise ValidationError(f"{field}: not a number: {value!r}", field=field)
    try:
        result = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise ValidationError(f"{field}: not a number: {value!r}", field=field) from None
    if not result.is_finite():
        raise ValidationError(f"{field}: not a finite number: {value!r}", field=field)
    return _wire_exact(result, field)


def _wire_exact(value: Decimal, field: str) -> Decimal:
    """``value`` when its plain decimal string reaches any server exactly, else refused.

    Within :data:`MAX_SIGNIFICANT_DIGITS`, :data:`MAX_INTEGER_DIGITS` and
    :data:`MAX_FRACTION_DIGITS` the body is at most a few dozen characters and means the same
    number to a server that parses doubles as to one that parses decimals. Beyond them a
    number would be rounded somewhere (``1.00000000000000000000000000001`` becomes ``1`` in
    a 28-digit context) or blow up the body (``1e400000000`` is 400 million digits written
    out). Trailing zeros only are dropped when beyond the fraction limit: the same number.

    The checks read the digit tuple and never round or write the number out.
    """
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite: checked by the caller
    end = len(digits)
    while end > 1 and digits[end - 1] == 0:
        end -= 1
    significant, scale = end, exponent + len(digits) - end
    if digits[:end] == (0,):
        return Decimal((sign, (0,), 0))  # zero: the field's own check says whether it may be
    if significant > MAX_SIGNIFICANT_DIGITS:
        raise ValidationError(
            f"{field}: {significant} significant digits, at most {MAX_SIGNIFICANT_DIGITS} "
            "reach the server exactly",
            field=field,
        )
    if scale + significant > MAX_INTEGER_DIGITS:
        raise ValidationError(
            f"{field}: too large, at most {MAX_INTEGER_DIGITS} digits before the decimal point",
            field=field,
        )
    if -scale > MAX_FRACTION_DIGITS:
        raise ValidationError(
            f"{field}: at most {MAX_FRACTION_DIGITS} digits after the decimal point",
            field=field,
        )
    if -exponent > MAX_FRACTION_DIGITS:
        return Decimal((sign, digits[:end], scale))
    return value


def _opt_decimal(value: object, field: str) -> Decimal | None:
    return None if value is None else _decimal(value, field)


def _qty(value: DecimalInput) -> Decimal:
    return _decimal(value, "qty")


def _opt_qty(value: DecimalInput | None) -> Decimal | None:
    return _opt_decimal(value, "qty")


def _price(value: DecimalInput | None) -> Decimal | None:
    return _opt_decimal(value, "price")


def _stop_price(value: DecimalInput | None) -> Decimal | None:
    return _opt_decimal(value, "stop_price")


def _strike_price(value: DecimalInput | None) -> Decimal | None:
    return _opt_decimal(value, "strike_price")


def _ratio_qty(value: DecimalInput) -> Decimal:
    return _decimal(value, "ratio_qty")


_EnumT = TypeVar("_EnumT", bound=OpenEnum)


def _enum(cls: type[_EnumT], value: object, field: str) -> _EnumT:
    if not isinstance(value, str):
        raise ValidationError(f"{field}: expected a {cls.__name__}, got {value!r}", field=field)
    member = cls(value)
    if not member.is_known:
        allowed = ", ".join(cls.__members__)
        raise ValidationError(f"{field}: {value!r} is not one of {allowed}", field=field)
    return member


def _side(value: Side | str) -> Side:
    return _enum(Side, value, "side")


def _opt_side(value: Side | str | None) -> Side | None:
    return None if value is None else _enum(Side, value, "side")


def _order_type(value: OrderType | str) -> OrderType:
    return _enum(OrderType, value, "type")


def _opt_order_type(value: OrderType | str | None) -> OrderType | None:
    return None if value is None else _enum(OrderType, value, "type")


def _tif(value: TimeInForce | str) -> TimeInForce:
    return _enum(TimeInForce, value, "time_in_force")


def _opt_tif(value: TimeInForce | str | None) -> TimeInForce | None:
    return None if value is None else _enum(TimeInForce, value, "time_in_force")


def _leg_side(value: LegSide | str) -> LegSide:
    return _enum(LegSide, value, "side")


def _leg_security_type(value: LegSecurityType | str) -> LegSecurityType:
    return _enum(LegSecurityType, value, "security_type")


def _opt_leg_security_type(value: LegSecurityType | str | None) -> LegSecurityType | None:
    return None if value is None else _enum(LegSecurityType, value, "security_type")


def _position_effect(value: PositionEffect | str) -> PositionEffect:
    return _enum(PositionEffect, value, "position_effect")


def _put_call(value: PutCall | str | None) -> PutCall | None:
    return None if value is None else _enum(PutCall, value, "put_call")


def _maturity(value: date | str | None) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is not None and len(value.strip()) == 10:
            return parsed
    raise ValidationError(
        f"maturity: expected a date or 'YYYY-MM-DD', got {value!r}", field="maturity"
    )


def _symbol(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"symbol: expected a string, got {value!r}", field="symbol")
    return value.strip().upper()


def _opt_symbol(value: str | None) -> str | None:
    return None if value is None else _symbol(value)


def _opt_currency(value: str | None) -> str | None:
    return None if value is None else str(value).strip().upper()


def _legs(value: Sequence[OrderLeg]) -> tuple[OrderLeg, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):  # type: ignore[unreachable]
        raise ValidationError("legs: expected a sequence of OrderLeg", field="legs")
    return tuple(value)


# --------------------------------------------------------------------------------------------
# Request validation helpers


def _check_positive(value: Decimal | None, field: str) -> None:
    if value is not None and value <= 0:
        raise ValidationError(f"{field}: must be greater than 0, got {value}", field=field)


def _fraction_digits(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _check_price(value: Decimal | None, field: str) -> None:
    if value is None:
        return
    _check_positive(value, field)
    if _fraction_digits(value) > MAX_PRICE_DECIMALS:
        raise ValidationError(
            f"{field}: at most {MAX_PRICE_DECIMALS} digits after the decimal point, got {value}",
            field=field,
        )


def _check_text(value: str | None, field: str, *, low: int, high: int) -> None:
    if value is None:
        if low > 0:
            raise ValidationError(f"{field}: required", field=field)
        return
    if not isinstance(value, str):
        raise ValidationError(f"{field}: expected a string, got {value!r}", field=field)
    if not low <= len(value) <= high:
        raise ValidationError(
            f"{field}: length must be {low}-{high} characters, got {len(value)}", field=field
        )
    if any(ch.isspace() or not ch.isprintable() for ch in value) and field != "client_id":
        raise ValidationError(
            f"{field}: must not contain spaces or control characters", field=field
        )


def _check_symbol(value: str | None) -> None:
    _check_text(value, "symbol", low=1, high=MAX_SYMBOL_LENGTH)


def _check_currency(value: str | None) -> None:
    if value is not None and not (len(value) == 3 and value.isascii() and value.isalpha()):
        raise ValidationError(f"currency: expected 3 letters, got {value!r}", field="currency")


def _check_legs(legs: tuple[OrderLeg, ...]) -> None:
    if len(legs) > MAX_LEGS:
        raise ValidationError(f"legs: at most {MAX_LEGS} legs, got {len(legs)}", field="legs")
    for leg in legs:
        if not isinstance(leg, OrderLeg):
            raise ValidationError(
                f"legs: expected OrderLeg, got {type(leg).__name__}", field="legs"
            )


def _is_option_order(symbol: str | None, legs: tuple[OrderLeg, ...]) -> bool:
    return bool(legs) or (symbol is not None and is_osi_symbol(symbol))


def _check_option_tif(
    tif: TimeInForce | None, symbol: str | None, legs: tuple[OrderLeg, ...]
) -> None:
    if tif is None or not _is_option_order(symbol, legs):
        return
    if tif not in (TimeInForce.DAY, TimeInForce.GTC):
        raise ValidationError(
            f"time_in_force: option and multi-leg orders allow only DAY or GTC, got {tif.value}",
            field="time_in_force",
        )


def _check_prices_for_type(
    order_type: OrderType | None,
    price: Decimal | None,
    stop_price: Decimal | None,
    *,
    require: bool,
) -> None:
    if order_type is None:
        return
    needs_price = order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT)
    needs_stop = order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
    if needs_price and price is None and require:
        raise ValidationError(f"price: required for {order_type.value} orders", field="price")
    if needs_stop and stop_price is None and require:
        raise ValidationError(
            f"stop_price: required for {order_type.value} orders", field="stop_price"
        )
    if not needs_price and price is not None:
        raise ValidationError(
            f"price: not allowed on {order_type.value} orders (use LIMIT or STOP_LIMIT)",
            field="price",
        )
    if not needs_stop and stop_price is not None:
        raise ValidationError(
            f"stop_price: not allowed on {order_type.value} orders (use STOP or STOP_LIMIT)",
            field="stop_price",
        )


def _plain(value: Decimal) -> Decimal:
    # "1.1000000" passes the 5-digit rule; send it without the excess zeros.
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PRICE_DECIMALS:
        return value.quantize(Decimal(1).scaleb(-MAX_PRICE_DECIMALS)).normalize()
    return value


def _to_wire(obj: Any) -> dict[str, Any]:
    body: dict[str, Any] = unstructure(obj)
    if not body.get("legs"):
        body.pop("legs", None)
    return body


# --------------------------------------------------------------------------------------------
# Requests


@attrs.frozen(kw_only=True)
class OrderLeg:
    """One leg of an order request (``OrdLeg``).

    Option legs (``security_type=OPT``) need ``put_call``, ``strike_price`` and ``maturity``
    unless ``symbol`` is a full OSI symbol the server can derive them from. ``symbol`` is the
    underlying and defaults to the order's symbol. Aliases ``B``/``S``, ``O``/``C`` and
    ``C``/``P`` are accepted and sent as the long names.

    Example:
        >>> leg = OrderLeg(security_type="OPT", side="BUY", position_effect="OPEN",
        ...                put_call="CALL", strike_price="150", maturity="2026-06-18")
        >>> leg.to_wire()["strikePrice"]
        '150'

    Raises:
        ValidationError: a value is missing, malformed or out of range.
    """

    security_type: LegSecurityType = attrs.field(converter=_leg_security_type)
    side: LegSide = attrs.field(converter=_leg_side)
    position_effect: PositionEffect = attrs.field(converter=_position_effect)
    ratio_qty: Decimal = attrs.field(default=Decimal(1), converter=_ratio_qty)
    put_call: PutCall | None = attrs.field(default=None, converter=_put_call)
    strike_price: Decimal | None = attrs.field(default=None, converter=_strike_price)
    maturity: date | None = attrs.field(default=None, converter=_maturity)
    symbol: str | None = attrs.field(default=None, converter=_opt_symbol)
    cfi_code: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_positive(self.ratio_qty, "ratio_qty")
        _check_price(self.strike_price, "strike_price")
        if self.symbol is not None:
            _check_symbol(self.symbol)
        if self.security_type == LegSecurityType.OPT and not (
            self.symbol is not None and is_osi_symbol(self.symbol)
        ):
            for name in ("put_call", "strike_price", "maturity"):
                if getattr(self, name) is None:
                    raise ValidationError(f"{name}: required for option legs", field=name)
        if self.strike_price is not None:
            object.__setattr__(self, "strike_price", _plain(self.strike_price))

    def to_wire(self) -> dict[str, Any]:
        """The JSON object for this leg (camelCase, decimal strings, no nulls)."""
        return _to_wire(self)


@attrs.frozen(kw_only=True)
class OrderRequest:
    """A new order for ``POST /v1/orders`` and ``POST /v1/orders/preview``.

    Rules checked here: ``qty > 0``; ``price`` is required for LIMIT and STOP_LIMIT and refused
    for MARKET and STOP; ``stop_price`` is required for STOP and STOP_LIMIT and refused for
    MARKET and LIMIT; prices are positive with at most 5 decimals; every number (``qty``,
    prices, a leg's ``ratio_qty`` and ``strike_price``) is finite, below 10**15, with at most
    15 significant digits and 15 decimals, so that the server reads exactly the number given
    (see :data:`MAX_SIGNIFICANT_DIGITS`); option orders (legs, or an
    OSI symbol such as ``AAPL240119C00150000``) take only DAY or GTC; at most 4 legs; symbol
    1-21 characters (upper-cased); ``client_id`` at most 50 characters; account id 1-50
    characters. Unknown enum values are refused (they are accepted in responses only).

    ``account_id`` is sent as ``tradingAccountId``. For a multi-leg LIMIT, ``price`` is the net
    debit/credit of the spread and ``qty`` the number of spreads.

    Example:
        >>> req = OrderRequest(account_id="TEST-ACCOUNT-001", symbol="aapl", side="BUY",
        ...                    type="LIMIT", qty=10, price="150.00")
        >>> req.to_wire()["price"], req.symbol
        ('150.00', 'AAPL')

    Raises:
        ValidationError: the request breaks one of the rules; ``field`` names the attribute.
    """

    account_id: str = attrs.field(metadata=wire("tradingAccountId"))
    symbol: str = attrs.field(converter=_symbol)
    side: Side = attrs.field(converter=_side)
    type: OrderType = attrs.field(converter=_order_type)
    qty: Decimal = attrs.field(converter=_qty)
    time_in_force: TimeInForce = attrs.field(default=TimeInForce.DAY, converter=_tif)
    price: Decimal | None = attrs.field(default=None, converter=_price)
    stop_price: Decimal | None = attrs.field(default=None, converter=_stop_price)
    client_id: str | None = None
    currency: str | None = attrs.field(default=None, converter=_opt_currency)
    legs: tuple[OrderLeg, ...] = attrs.field(default=(), converter=_legs)

    def __attrs_post_init__(self) -> None:
        _check_order_fields(self, require_prices=True)

    @property
    def is_option(self) -> bool:
        """Whether this is an option order (legs, or an OSI option symbol)."""
        return _is_option_order(self.symbol, self.legs)

    def with_client_id(self, client_id: str) -> OrderRequest:
        """A copy tagged with ``client_id`` (validated like the constructor)."""
        return attrs.evolve(self, client_id=client_id)

    def to_wire(self) -> dict[str, Any]:
        """The exact JSON body: camelCase keys, plain decimal strings, no nulls, no empty legs."""
        return _to_wire(self)


def _check_order_fields(req: OrderRequest | ReplaceRequest, *, require_prices: bool) -> None:
    """The rules shared by place and replace; then prices are stored as plain decimals.

    ``require_prices``: whether the order type's prices must be present (place) or only must
    not be wrong when given (replace, where omitted fields keep their value).
    """
    _check_text(req.account_id, "account_id", low=1, high=MAX_ACCOUNT_ID_LENGTH)
    _check_symbol(req.symbol)
    _check_positive(req.qty, "qty")
    _check_price(req.price, "price")
    _check_price(req.stop_price, "stop_price")
    _check_prices_for_type(req.type, req.price, req.stop_price, require=require_prices)
    _check_text(req.client_id, "client_id", low=0, high=MAX_CLIENT_ID_LENGTH)
    _check_currency(req.currency)
    _check_legs(req.legs)
    _check_option_tif(req.time_in_force, req.symbol, req.legs)
    for name in ("price", "stop_price"):
        value = getattr(req, name)
        if value is not None:
            object.__setattr__(req, name, _plain(value))


@attrs.frozen(kw_only=True)
class ReplaceRequest:
    """A change to a working order for ``POST /v1/orders/replace``.

    ``orig_cl_ord_id`` is the order's **current** ``clOrdId``; a successful replace gives it a
    new one. Omitted fields keep their value. The rules of :class:`OrderRequest` apply to what
    is given: positive ``qty``; positive prices with at most 5 decimals; no ``price`` with
    MARKET/STOP, no ``stop_price`` with MARKET/LIMIT; DAY or GTC for option orders; at most 4
    legs (multi-leg replaces must send their legs).

    Raises:
        ValidationError: the request breaks a rule; ``field`` names the attribute.
    """

    orig_cl_ord_id: str
    account_id: str = attrs.field(metadata=wire("tradingAccountId"))
    symbol: str = attrs.field(converter=_symbol)
    side: Side | None = attrs.field(default=None, converter=_opt_side)
    type: OrderType | None = attrs.field(default=None, converter=_opt_order_type)
    qty: Decimal | None = attrs.field(default=None, converter=_opt_qty)
    price: Decimal | None = attrs.field(default=None, converter=_price)
    stop_price: Decimal | None = attrs.field(default=None, converter=_stop_price)
    time_in_force: TimeInForce | None = attrs.field(default=None, converter=_opt_tif)
    client_id: str | None = None
    currency: str | None = attrs.field(default=None, converter=_opt_currency)
    legs: tuple[OrderLeg, ...] = attrs.field(default=(), converter=_legs)

    def __attrs_post_init__(self) -> None:
        _check_text(self.orig_cl_ord_id, "orig_cl_ord_id", low=1, high=MAX_CL_ORD_ID_LENGTH)
        _check_order_fields(self, require_prices=False)

    def to_wire(self) -> dict[str, Any]:
        """The exact JSON body: camelCase keys, plain decimal strings, no nulls."""
        return _to_wire(self)


@attrs.frozen(kw_only=True)
class CancelRequest:
    """A cancel for ``POST /v1/orders/cancel``.

    ``side`` is required. For option cancels give either an OSI ``symbol`` or the option
    fields (``security_type=OPT``, ``put_call``, ``strike_price``, ``maturity``).

    Raises:
        ValidationError: a value is missing or malformed; ``field`` names the attribute.
    """

    orig_cl_ord_id: str
    account_id: str = attrs.field(metadata=wire("tradingAccountId"))
    symbol: str = attrs.field(converter=_symbol)
    side: Side = attrs.field(converter=_side)
    security_type: LegSecurityType | None = attrs.field(
        default=None, converter=_opt_leg_security_type
    )
    put_call: PutCall | None = attrs.field(default=None, converter=_put_call)
    strike_price: Decimal | None = attrs.field(default=None, converter=_strike_price)
    maturity: date | None = attrs.field(default=None, converter=_maturity)

    def __attrs_post_init__(self) -> None:
        _check_text(self.orig_cl_ord_id, "orig_cl_ord_id", low=1, high=MAX_CL_ORD_ID_LENGTH)
        _check_text(self.account_id, "account_id", low=1, high=MAX_ACCOUNT_ID_LENGTH)
        _check_symbol(self.symbol)
        _check_price(self.strike_price, "strike_price")
        if self.strike_price is not None:
            object.__setattr__(self, "strike_price", _plain(self.strike_price))

    def to_wire(self) -> dict[str, Any]:
        """The exact JSON body: camelCase keys, plain decimal strings, no nulls."""
        return _to_wire(self)
