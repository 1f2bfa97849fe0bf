"""Validated order requests (rest.md §6.1-§6.4).

:class:`OrderRequest`, :class:`ReplaceRequest`, :class:`CancelRequest` and :class:`OrderLeg`
validate in their constructor and raise :class:`aries_async.errors.ValidationError` (with
``field`` set) on bad input, so nothing invalid is ever sent. Numbers are accepted as
``Decimal``, ``int`` or ``str``, never ``float``, and only when they reach the server exactly
(finite, below 10**15, at most 15 significant digits and 15 decimals; prices 5 decimals);
:meth:`OrderRequest.to_wire` gives the exact JSON body, numbers as plain decimal strings.
All names here are served by :mod:`aries_async.models.orders` and :mod:`aries_async.models`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from aries_async._deprecation import renamed, renamed_keywords
from aries_async._validate import require_text
from aries_async.errors import ValidationError
from aries_async.models._leg_symbols import check_legs_symbol
from aries_async.models._order_inputs import (
    MAX_ACCOUNT_ID_LENGTH,
    MAX_CL_ORD_ID_LENGTH,
    MAX_CLIENT_ID_LENGTH,
    MAX_LEGS,
    DecimalInput,
    check_currency,
    check_option_tif,
    check_positive,
    check_price,
    check_prices_for_type,
    check_symbol,
    check_text,
    check_whole_contracts,
    is_option_order,
    is_osi_symbol,
    leg_security_type_input,
    leg_side_input,
    legs_input,
    maturity_input,
    opt_currency_input,
    opt_leg_security_type_input,
    opt_order_type_input,
    opt_quantity_input,
    opt_side_input,
    opt_symbol_input,
    opt_tif_input,
    order_type_input,
    osi_terms,
    plain,
    position_effect_input,
    price_input,
    put_call_input,
    quantity_input,
    ratio_quantity_input,
    side_input,
    stop_price_input,
    strike_price_input,
    symbol_input,
    tif_input,
    to_wire_body,
)
from aries_async.models.common import wire
from aries_async.models.orders import (
    LegSecurityType,
    LegSide,
    OrderType,
    PositionEffect,
    PutCall,
    Side,
    TimeInForce,
)

__all__ = [
    "CancelRequest",
    "DecimalInput",
    "OrderLeg",
    "OrderRequest",
    "ReplaceRequest",
    "is_osi_symbol",
]


def _check_legs(legs: tuple[OrderLeg, ...]) -> None:
    if len(legs) > MAX_LEGS:
        raise ValidationError(f"legs: at most {MAX_LEGS} legs, got {len(legs)}", field="legs")
    for leg in legs:
        if not isinstance(leg, OrderLeg):
            raise ValidationError(
                f"legs: expected OrderLeg, got {type(leg).__name__}", field="legs"
            )


@renamed_keywords
@attrs.frozen(kw_only=True)
class OrderLeg:
    """One leg of an order request (``OrdLeg``).

    Option legs (``security_type=OPT``) need ``put_call``, ``strike_price`` and ``maturity``
    unless ``symbol`` is a full OSI symbol: then they are read from it (and refused when
    given otherwise), and all four are sent (the OSI symbol, not the ``O:`` ticker of an
    option chain: that is refused). Otherwise ``symbol`` is the underlying and defaults to
    the order's symbol. Aliases ``B``/``S``, ``O``/``C`` and
    ``C``/``P`` are accepted and sent as the long names. ``ratio_quantity`` is sent as
    ``ratioQty``; the old keyword and attribute ``ratio_qty`` still work for one release, with
    a :class:`DeprecationWarning`.

    Example:
        >>> leg = OrderLeg(security_type="OPT", side="BUY", position_effect="OPEN",
        ...                put_call="CALL", strike_price="150", maturity="2026-06-18")
        >>> leg.to_wire()["strikePrice"]
        '150'

    Raises:
        ValidationError: a value is missing, malformed or out of range.
    """

    security_type: LegSecurityType = attrs.field(converter=leg_security_type_input)
    side: LegSide = attrs.field(converter=leg_side_input)
    position_effect: PositionEffect = attrs.field(converter=position_effect_input)
    ratio_quantity: Decimal = attrs.field(
        default=Decimal(1), converter=ratio_quantity_input, metadata=wire("ratioQty")
    )
    put_call: PutCall | None = attrs.field(default=None, converter=put_call_input)
    strike_price: Decimal | None = attrs.field(default=None, converter=strike_price_input)
    maturity: date | None = attrs.field(default=None, converter=maturity_input)
    symbol: str | None = attrs.field(default=None, converter=opt_symbol_input)
    cfi_code: str | None = None

    ratio_qty: ClassVar[renamed[Decimal]] = renamed("ratio_quantity")

    def __attrs_post_init__(self) -> None:
        check_positive(self.ratio_quantity, "ratio_quantity")
        check_price(self.strike_price, "strike_price")
        if self.symbol is not None:
            check_symbol(self.symbol)
        if self.security_type == LegSecurityType.OPT:
            if self.symbol is not None and is_osi_symbol(self.symbol):
                # The leg's symbol is documented as the underlying (rest.md 6.1): a server
                # that reads it so wants the contract's terms in their own fields (the
                # simulator refuses the leg without them).
                _agree_with_osi(self, self.symbol, fill=True)
            _require_terms(self, "option legs")
        if self.strike_price is not None:
            object.__setattr__(self, "strike_price", plain(self.strike_price))

    def to_wire(self) -> dict[str, Any]:
        """The JSON object for this leg (camelCase, decimal strings, no nulls)."""
        return to_wire_body(self)


@renamed_keywords
@attrs.frozen(kw_only=True)
class OrderRequest:
    """A new order for ``POST /v1/orders`` and ``POST /v1/orders/preview``.

    Rules checked here: ``quantity > 0``; ``price`` is required for LIMIT and STOP_LIMIT and refused
    for MARKET and STOP; ``stop_price`` is required for STOP and STOP_LIMIT and refused for
    MARKET and LIMIT; prices are positive with at most 5 decimals; every number
    (``quantity``, prices, a leg's ``ratio_quantity`` and ``strike_price``) is finite, below
    10**15, with at most 15 significant digits and 15 decimals, so that the server reads
    exactly the number given (see :data:`MAX_SIGNIFICANT_DIGITS`); option orders (legs, or an
    OSI symbol such as ``AAPL240119C00150000``) take only DAY or GTC and whole contracts (a
    whole ``quantity``, whole ratios of option legs); at most 4 legs; symbol
    1-21 characters (upper-cased), and for an option its OSI symbol, not the ``O:`` ticker of
    an option chain (``OptionContract.osi`` converts; the message names it); ``client_id``
    1-50 characters, not blank; account id 1-50 characters. Unknown enum values are refused
    (they are accepted in responses only).

    ``account_id`` is sent as ``tradingAccountId`` and ``quantity`` as ``qty``. For a
    multi-leg LIMIT, ``price`` is the net debit/credit of the spread and ``quantity`` the
    number of spreads. The old keyword and attribute ``qty`` still work for one release, with
    a :class:`DeprecationWarning`.

    Example:
        >>> req = OrderRequest(account_id="TEST-ACCOUNT-001", symbol="aapl", side="BUY",
        ...                    type="LIMIT", quantity=10, price="150.00")
        >>> req.to_wire()["price"], req.symbol
        ('150.00', 'AAPL')

    Raises:
        ValidationError: the request breaks one of the rules; ``field`` names the attribute.
    """

    account_id: str = attrs.field(metadata=wire("tradingAccountId"))
    symbol: str = attrs.field(converter=symbol_input)
    side: Side = attrs.field(converter=side_input)
    type: OrderType = attrs.field(converter=order_type_input)
    quantity: Decimal = attrs.field(converter=quantity_input, metadata=wire("qty"))
    time_in_force: TimeInForce = attrs.field(default=TimeInForce.DAY, converter=tif_input)
    price: Decimal | None = attrs.field(default=None, converter=price_input)
    stop_price: Decimal | None = attrs.field(default=None, converter=stop_price_input)
    client_id: str | None = None
    currency: str | None = attrs.field(default=None, converter=opt_currency_input)
    legs: tuple[OrderLeg, ...] = attrs.field(default=(), converter=legs_input)

    qty: ClassVar[renamed[Decimal]] = renamed("quantity")

    def __attrs_post_init__(self) -> None:
        _check_order_fields(self, require_prices=True)

    @property
    def is_option(self) -> bool:
        """Whether this is an option order (legs, or an OSI option symbol)."""
        return is_option_order(self.symbol, self.legs)

    def with_client_id(self, client_id: str) -> OrderRequest:
        """A copy tagged with ``client_id`` (validated like the constructor)."""
        return attrs.evolve(self, client_id=client_id)

    def to_wire(self) -> dict[str, Any]:
        """The exact JSON body: camelCase keys, plain decimal strings, no nulls, no empty legs."""
        return to_wire_body(self)


def _check_order_fields(req: OrderRequest | ReplaceRequest, *, require_prices: bool) -> None:
    """The rules shared by place and replace; then prices are stored as plain decimals.

    ``require_prices``: whether the order type's prices must be present (place) or only must
    not be wrong when given (replace, where omitted fields keep their value).
    """
    check_text(req.account_id, "account_id", low=1, high=MAX_ACCOUNT_ID_LENGTH)
    check_symbol(req.symbol)
    check_positive(req.quantity, "quantity")
    check_price(req.price, "price")
    check_price(req.stop_price, "stop_price")
    check_prices_for_type(req.type, req.price, req.stop_price, require=require_prices)
    check_text(req.client_id, "client_id", low=0, high=MAX_CLIENT_ID_LENGTH)
    if req.client_id is not None:
        # The tag is how an order of unknown outcome is found again (find_placed).
        require_text(req.client_id, "client_id")
    check_currency(req.currency)
    _check_legs(req.legs)
    check_legs_symbol(req.symbol, req.legs)
    check_option_tif(req.time_in_force, req.symbol, req.legs)
    check_whole_contracts(req.quantity, req.symbol, req.legs)
    for name in ("price", "stop_price"):
        value = getattr(req, name)
        if value is not None:
            object.__setattr__(req, name, plain(value))


@renamed_keywords
@attrs.frozen(kw_only=True)
class ReplaceRequest:
    """A change to a working order for ``POST /v1/orders/replace``.

    ``orig_cl_ord_id`` is the order's **current** ``clOrdId``; a successful replace gives it a
    new one. Omitted fields keep their value; one at least must be given. The rules of
    :class:`OrderRequest` apply to what is given: positive ``quantity``; positive prices with
    at most 5 decimals; no ``price`` with MARKET/STOP, no ``stop_price`` with MARKET/LIMIT; DAY
    or GTC for option orders; at most 4 legs (multi-leg replaces must send their legs); an
    option's OSI symbol, not its ``O:`` ticker. ``quantity`` is sent as ``qty``; the old
    keyword and attribute ``qty`` still work for one release, with a
    :class:`DeprecationWarning`.

    Raises:
        ValidationError: the request breaks a rule; ``field`` names the attribute.
    """

    orig_cl_ord_id: str
    account_id: str = attrs.field(metadata=wire("tradingAccountId"))
    symbol: str = attrs.field(converter=symbol_input)
    side: Side | None = attrs.field(default=None, converter=opt_side_input)
    type: OrderType | None = attrs.field(default=None, converter=opt_order_type_input)
    quantity: Decimal | None = attrs.field(
        default=None, converter=opt_quantity_input, metadata=wire("qty")
    )
    price: Decimal | None = attrs.field(default=None, converter=price_input)
    stop_price: Decimal | None = attrs.field(default=None, converter=stop_price_input)
    time_in_force: TimeInForce | None = attrs.field(default=None, converter=opt_tif_input)
    client_id: str | None = None
    currency: str | None = attrs.field(default=None, converter=opt_currency_input)
    legs: tuple[OrderLeg, ...] = attrs.field(default=(), converter=legs_input)

    qty: ClassVar[renamed[Decimal | None]] = renamed("quantity")

    def __attrs_post_init__(self) -> None:
        check_text(self.orig_cl_ord_id, "orig_cl_ord_id", low=1, high=MAX_CL_ORD_ID_LENGTH)
        _check_order_fields(self, require_prices=False)
        if not any(getattr(self, name) not in (None, ()) for name in _CHANGES):
            raise ValidationError(
                "the replace changes nothing: give at least one of " + ", ".join(_CHANGES)
            )

    def to_wire(self) -> dict[str, Any]:
        """The exact JSON body: camelCase keys, plain decimal strings, no nulls."""
        return to_wire_body(self)


_CHANGES = (
    "quantity",
    "price",
    "stop_price",
    "type",
    "time_in_force",
    "client_id",
    "currency",
    "legs",
)
"""What a replace may change (the side stays: the server refuses another one)."""


@attrs.frozen(kw_only=True)
class CancelRequest:
    """A cancel for ``POST /v1/orders/cancel``.

    ``side`` is required. For option cancels give either an OSI ``symbol`` (not the ``O:``
    ticker of an option chain) or the option fields (``security_type=OPT``, ``put_call``,
    ``strike_price``, ``maturity``).

    Raises:
        ValidationError: a value is missing or malformed; ``field`` names the attribute.
    """

    orig_cl_ord_id: str
    account_id: str = attrs.field(metadata=wire("tradingAccountId"))
    symbol: str = attrs.field(converter=symbol_input)
    side: Side = attrs.field(converter=side_input)
    security_type: LegSecurityType | None = attrs.field(
        default=None, converter=opt_leg_security_type_input
    )
    put_call: PutCall | None = attrs.field(default=None, converter=put_call_input)
    strike_price: Decimal | None = attrs.field(default=None, converter=strike_price_input)
    maturity: date | None = attrs.field(default=None, converter=maturity_input)

    def __attrs_post_init__(self) -> None:
        check_text(self.orig_cl_ord_id, "orig_cl_ord_id", low=1, high=MAX_CL_ORD_ID_LENGTH)
        check_text(self.account_id, "account_id", low=1, high=MAX_ACCOUNT_ID_LENGTH)
        check_symbol(self.symbol)
        check_price(self.strike_price, "strike_price")
        if is_osi_symbol(self.symbol):  # terms given beside it must name the same contract
            _agree_with_osi(self, self.symbol, fill=False)
        elif self.security_type == LegSecurityType.OPT:
            _require_terms(self, "an option named by its underlying")
        if self.strike_price is not None:
            object.__setattr__(self, "strike_price", plain(self.strike_price))

    def to_wire(self) -> dict[str, Any]:
        """The exact JSON body: camelCase keys, plain decimal strings, no nulls."""
        return to_wire_body(self)


_TERMS = ("put_call", "strike_price", "maturity")


def _agree_with_osi(request: OrderLeg | CancelRequest, osi: str, *, fill: bool) -> None:
    """Check that the option terms ``request`` states are those ``osi`` spells (``fill``: and
    set the ones it leaves out).

    Raises:
        ValidationError: naming the first term that disagrees.
    """
    for name, value in zip(_TERMS, osi_terms(osi), strict=True):
        given = getattr(request, name)
        if given is None and fill:
            object.__setattr__(request, name, value)
        elif given is not None and given != value:
            raise ValidationError(
                f"{name}: {given} disagrees with the OSI symbol {osi!r} ({value})", field=name
            )


def _require_terms(request: OrderLeg | CancelRequest, what: str) -> None:
    for name in _TERMS:
        if getattr(request, name) is None:
            raise ValidationError(f"{name}: required for {what}", field=name)
