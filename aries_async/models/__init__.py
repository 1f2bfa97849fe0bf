"""Typed models of the Aries REST API and the converter that maps them to and from JSON.

Every model is a frozen attrs class with snake_case attributes; :func:`structure` builds one
from decoded wire JSON and :func:`unstructure` turns one back into wire JSON. Order *requests*
(:class:`OrderRequest`, :class:`ReplaceRequest`, :class:`CancelRequest`) validate themselves
and have ``to_wire()``. Stream events live in :mod:`aries_async.models.events`.
"""

from __future__ import annotations

from aries_async.models._converter import converter, structure, unstructure
from aries_async.models.accounts import Account, AccountStatus, Balance, Position, SecurityType
from aries_async.models.common import OpenEnum, wire
from aries_async.models.market import (
    Bar,
    EquityDetails,
    EquityDetailsResponse,
    Holiday,
    MarketStatus,
    OptionDetails,
    OptionDetailsResponse,
    Quote,
    SymbolError,
    SymbolMatch,
    SymbolType,
    bars_to_wire,
    parse_bars,
    parse_quotes_response,
)
from aries_async.models.options import OptionChain, OptionContract, OptionExpirations
from aries_async.models.orders import (
    CancelAck,
    CancelRequest,
    DecimalInput,
    ExDestination,
    LegSecurityType,
    LegSide,
    Order,
    OrderAck,
    OrderCategory,
    OrderLeg,
    OrderLegState,
    OrderPage,
    OrderPreview,
    OrderRequest,
    OrderStatus,
    OrderType,
    PositionEffect,
    PutCall,
    ReplaceAck,
    ReplaceRequest,
    Side,
    TimeInForce,
    is_osi_symbol,
)
from aries_async.models.users import AccountApplication, User

__all__ = [
    "Account",
    "AccountApplication",
    "AccountStatus",
    "Balance",
    "Bar",
    "CancelAck",
    "CancelRequest",
    "DecimalInput",
    "EquityDetails",
    "EquityDetailsResponse",
    "ExDestination",
    "Holiday",
    "LegSecurityType",
    "LegSide",
    "MarketStatus",
    "OpenEnum",
    "OptionChain",
    "OptionContract",
    "OptionDetails",
    "OptionDetailsResponse",
    "OptionExpirations",
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
    "Position",
    "PositionEffect",
    "PutCall",
    "Quote",
    "ReplaceAck",
    "ReplaceRequest",
    "SecurityType",
    "Side",
    "SymbolError",
    "SymbolMatch",
    "SymbolType",
    "TimeInForce",
    "User",
    "bars_to_wire",
    "converter",
    "is_osi_symbol",
    "parse_bars",
    "parse_quotes_response",
    "structure",
    "unstructure",
    "wire",
]
