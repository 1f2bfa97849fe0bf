"""Input conversion and checks of the order requests (:mod:`aries_async.models.order_requests`).

Converters are named functions, one per field kind, because type checkers read an attrs
field's accepted input from a named converter's signature (not from a factory's result); each
is one line over :func:`enum_input` or :func:`decimal_input`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

from aries_async._validate import MAX_SYMBOL_LENGTH, printable, refuse_option_ticker, stored_symbol
from aries_async.errors import ValidationError
from aries_async.models._converter import unstructure
from aries_async.models.common import OpenEnum, parse_date
from aries_async.models.orders import (
    LegSecurityType,
    LegSide,
    OrderType,
    PositionEffect,
    PutCall,
    Side,
    TimeInForce,
)

if TYPE_CHECKING:
    from aries_async.models.order_requests import OrderLeg

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
MAX_ACCOUNT_ID_LENGTH = 50
MAX_CLIENT_ID_LENGTH = 50
MAX_CL_ORD_ID_LENGTH = 100

# OSI option symbol: root (1-6), YYMMDD, C|P, strike x 1000 in 8 digits.
_OSI = re.compile(r"^[A-Z0-9.]{1,6}\d{6}[CP]\d{8}$")


def is_osi_symbol(symbol: str) -> bool:
    """Whether ``symbol`` is a bare OSI option symbol such as ``AAPL240119C00150000``."""
    return bool(_OSI.match(symbol.upper()))


def osi_terms(symbol: str) -> tuple[PutCall, Decimal, date]:
    """The put/call, strike and expiry an OSI symbol spells (``AAPL261218C00215000``: a call,
    215, 2026-12-18); strikes are thousandths in the last 8 digits.

    Raises:
        ValidationError: ``symbol`` is no OSI symbol, or its expiry is no date.
    """
    if not is_osi_symbol(symbol):
        raise ValidationError(f"symbol: {symbol!r} is no OSI option symbol", field="symbol")
    digits = symbol[-15:-9]
    try:
        maturity = date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError:
        raise ValidationError(
            f"symbol: the expiry {digits!r} of {symbol!r} is no date", field="symbol"
        ) from None
    put_call = PutCall.CALL if symbol[-9].upper() == "C" else PutCall.PUT
    return put_call, Decimal(symbol[-8:]) / 1000, maturity


def decimal_input(value: object, field: str) -> Decimal:
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
    return wire_exact(result, field)


def wire_exact(value: Decimal, field: str) -> Decimal:
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


def opt_decimal_input(value: object, field: str) -> Decimal | None:
    return None if value is None else decimal_input(value, field)


def quantity_input(value: DecimalInput) -> Decimal:
    return decimal_input(value, "quantity")


def opt_quantity_input(value: DecimalInput | None) -> Decimal | None:
    return opt_decimal_input(value, "quantity")


def price_input(value: DecimalInput | None) -> Decimal | None:
    return opt_decimal_input(value, "price")


def stop_price_input(value: DecimalInput | None) -> Decimal | None:
    return opt_decimal_input(value, "stop_price")


def strike_price_input(value: DecimalInput | None) -> Decimal | None:
    return opt_decimal_input(value, "strike_price")


def ratio_quantity_input(value: DecimalInput) -> Decimal:
    return decimal_input(value, "ratio_quantity")


_EnumT = TypeVar("_EnumT", bound=OpenEnum)


def enum_input(cls: type[_EnumT], value: object, field: str) -> _EnumT:
    if not isinstance(value, str):
        raise ValidationError(f"{field}: expected a {cls.__name__}, got {value!r}", field=field)
    member = cls(value)
    if not member.is_known:
        allowed = ", ".join(cls.__members__)
        raise ValidationError(f"{field}: {value!r} is not one of {allowed}", field=field)
    return member


def side_input(value: Side | str) -> Side:
    return enum_input(Side, value, "side")


def opt_side_input(value: Side | str | None) -> Side | None:
    return None if value is None else enum_input(Side, value, "side")


def order_type_input(value: OrderType | str) -> OrderType:
    return enum_input(OrderType, value, "type")


def opt_order_type_input(value: OrderType | str | None) -> OrderType | None:
    return None if value is None else enum_input(OrderType, value, "type")


def tif_input(value: TimeInForce | str) -> TimeInForce:
    return enum_input(TimeInForce, value, "time_in_force")


def opt_tif_input(value: TimeInForce | str | None) -> TimeInForce | None:
    return None if value is None else enum_input(TimeInForce, value, "time_in_force")


def leg_side_input(value: LegSide | str) -> LegSide:
    return enum_input(LegSide, value, "side")


def leg_security_type_input(value: LegSecurityType | str) -> LegSecurityType:
    return enum_input(LegSecurityType, value, "security_type")


def opt_leg_security_type_input(value: LegSecurityType | str | None) -> LegSecurityType | None:
    return None if value is None else enum_input(LegSecurityType, value, "security_type")


def position_effect_input(value: PositionEffect | str) -> PositionEffect:
    return enum_input(PositionEffect, value, "position_effect")


def put_call_input(value: PutCall | str | None) -> PutCall | None:
    return None if value is None else enum_input(PutCall, value, "put_call")


def maturity_input(value: date | str | None) -> date | None:
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


def symbol_input(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"symbol: expected a string, got {value!r}", field="symbol")
    return stored_symbol(value)


def opt_symbol_input(value: str | None) -> str | None:
    return None if value is None else symbol_input(value)


def opt_currency_input(value: str | None) -> str | None:
    return None if value is None else str(value).strip().upper()


def legs_input(value: Sequence[OrderLeg]) -> tuple[OrderLeg, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):  # type: ignore[unreachable]
        raise ValidationError("legs: expected a sequence of OrderLeg", field="legs")
    return tuple(value)


# --------------------------------------------------------------------------------------------
# Request validation helpers


def check_positive(value: Decimal | None, field: str) -> None:
    if value is not None and value <= 0:
        raise ValidationError(f"{field}: must be greater than 0, got {value}", field=field)


def fraction_digits(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_price(value: Decimal | None, field: str) -> None:
    if value is None:
        return
    check_positive(value, field)
    if fraction_digits(value) > MAX_PRICE_DECIMALS:
        raise ValidationError(
            f"{field}: at most {MAX_PRICE_DECIMALS} digits after the decimal point, got {value}",
            field=field,
        )


def check_text(value: str | None, field: str, *, low: int, high: int) -> None:
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
    spaced = field == "client_id"  # a free-form tag: spaces are fine, a line break is not
    if not printable(value, spaces=spaced):
        what = "control characters" if spaced else "spaces or control characters"
        raise ValidationError(f"{field}: must not contain {what}", field=field)


def check_symbol(value: str | None) -> None:
    if value is not None:
        refuse_option_ticker(value)  # first: its length is not what is wrong with it
        if "," in value:  # the quotes call's separator: two instruments, not one
            raise ValidationError(f"symbol: one symbol per order, got {value!r}", field="symbol")
    check_text(value, "symbol", low=1, high=MAX_SYMBOL_LENGTH)
    if value is not None and is_osi_symbol(value):
        osi_terms(value)  # the pattern lets an expiry through that is no date (month 13)


def check_currency(value: str | None) -> None:
    if value is not None and not (len(value) == 3 and value.isascii() and value.isalpha()):
        raise ValidationError(f"currency: expected 3 letters, got {value!r}", field="currency")


def is_option_order(symbol: str | None, legs: tuple[OrderLeg, ...]) -> bool:
    return bool(legs) or (symbol is not None and is_osi_symbol(symbol))


def check_option_tif(
    tif: TimeInForce | None, symbol: str | None, legs: tuple[OrderLeg, ...], option: bool = False
) -> None:
    """An option order (``option``: one known otherwise) takes DAY or GTC only."""
    if tif is None or not (option or is_option_order(symbol, legs)):
        return
    if tif not in (TimeInForce.DAY, TimeInForce.GTC):
        raise ValidationError(
            f"time_in_force: option and multi-leg orders allow only DAY or GTC, got {tif.value}",
            field="time_in_force",
        )


def check_whole_contracts(
    quantity: Decimal | None, symbol: str | None, legs: tuple[OrderLeg, ...], option: bool = False
) -> None:
    """An option order's (``option``: one known otherwise) quantity, in contracts or spreads,
    and its option legs' ratios are whole numbers: a contract cannot be split, a share can."""
    if quantity is not None and (option or is_option_order(symbol, legs)) and quantity % 1:
        raise ValidationError(
            f"quantity: an option order takes a whole number of contracts, got {quantity}",
            field="quantity",
        )
    for leg in legs:
        if leg.security_type is LegSecurityType.OPT and leg.ratio_quantity % 1:
            raise ValidationError(
                "legs: an option leg's ratio_quantity is a whole number of contracts, got "
                f"{leg.ratio_quantity}",
                field="legs",
            )


def prices_of_type(order_type: OrderType) -> tuple[bool, bool]:
    """Whether an order of ``order_type`` takes a limit ``price``, and a ``stop_price``."""
    return (
        order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT),
        order_type in (OrderType.STOP, OrderType.STOP_LIMIT),
    )


def check_prices_for_type(
    order_type: OrderType | None,
    price: Decimal | None,
    stop_price: Decimal | None,
    *,
    require: bool,
) -> None:
    if order_type is None:
        return
    needs_price, needs_stop = prices_of_type(order_type)
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


def plain(value: Decimal) -> Decimal:
    # "1.1000000" passes the 5-digit rule; send it without the excess zeros.
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PRICE_DECIMALS:
        return value.quantize(Decimal(1).scaleb(-MAX_PRICE_DECIMALS)).normalize()
    return value


def to_wire_body(obj: Any) -> dict[str, Any]:
    body: dict[str, Any] = unstructure(obj)
    if not body.get("legs"):
        body.pop("legs", None)
    return body
