"""Typed models of the Aries REST API and the converter that maps them to and from JSON.

Every model is a frozen attrs class with snake_case attributes; :func:`structure` builds one
from decoded wire JSON and :func:`unstructure` turns one back into wire JSON. Order *requests*
(:class:`OrderRequest`, :class:`ReplaceRequest`, :class:`CancelRequest`) validate themselves
and have ``to_wire()``. Stream events live in :mod:`aries_async.models.events`.

Each name is imported from its module on first use (PEP 562): a quote needs only
:mod:`~aries_async.models.market`, not the order models or the cattrs converter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aries_async._lazy import lazy_dir, lazy_getattr

if TYPE_CHECKING:
    from aries_async.models._converter import converter, structure, unstructure
    from aries_async.models.accounts import Account, AccountStatus, Balance, Position, SecurityType
    from aries_async.models.common import OpenEnum, wire
    from aries_async.models.market import (
        RESOLUTIONS,
        Bar,
        EquityDetails,
        EquityDetailsResponse,
        Holiday,
        MarketStatus,
        OptionDetails,
        OptionDetailsResponse,
        Quote,
        QuoteBatch,
        Resolution,
        SymbolError,
        SymbolMatch,
        SymbolType,
        bars_to_wire,
        parse_bars,
        parse_quote_batch,
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
    "RESOLUTIONS",
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
    "QuoteBatch",
    "ReplaceAck",
    "ReplaceRequest",
    "Resolution",
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
    "parse_quote_batch",
    "parse_quotes_response",
    "structure",
    "unstructure",
    "wire",
]

_LAZY: dict[str, str] = {
    "Account": "aries_async.models.accounts",
    "AccountApplication": "aries_async.models.users",
    "AccountStatus": "aries_async.models.accounts",
    "Balance": "aries_async.models.accounts",
    "Bar": "aries_async.models.market",
    "CancelAck": "aries_async.models.orders",
    "CancelRequest": "aries_async.models.orders",
    "DecimalInput": "aries_async.models.orders",
    "EquityDetails": "aries_async.models.market",
    "EquityDetailsResponse": "aries_async.models.market",
    "ExDestination": "aries_async.models.orders",
    "Holiday": "aries_async.models.market",
    "LegSecurityType": "aries_async.models.orders",
    "LegSide": "aries_async.models.orders",
    "MarketStatus": "aries_async.models.market",
    "OpenEnum": "aries_async.models.common",
    "OptionChain": "aries_async.models.options",
    "OptionContract": "aries_async.models.options",
    "OptionDetails": "aries_async.models.market",
    "OptionDetailsResponse": "aries_async.models.market",
    "OptionExpirations": "aries_async.models.options",
    "Order": "aries_async.models.orders",
    "OrderAck": "aries_async.models.orders",
    "OrderCategory": "aries_async.models.orders",
    "OrderLeg": "aries_async.models.orders",
    "OrderLegState": "aries_async.models.orders",
    "OrderPage": "aries_async.models.orders",
    "OrderPreview": "aries_async.models.orders",
    "OrderRequest": "aries_async.models.orders",
    "OrderStatus": "aries_async.models.orders",
    "OrderType": "aries_async.models.orders",
    "Position": "aries_async.models.accounts",
    "PositionEffect": "aries_async.models.orders",
    "PutCall": "aries_async.models.orders",
    "Quote": "aries_async.models.market",
    "QuoteBatch": "aries_async.models.market",
    "RESOLUTIONS": "aries_async.models.market",
    "Resolution": "aries_async.models.market",
    "ReplaceAck": "aries_async.models.orders",
    "ReplaceRequest": "aries_async.models.orders",
    "SecurityType": "aries_async.models.accounts",
    "Side": "aries_async.models.orders",
    "SymbolError": "aries_async.models.market",
    "SymbolMatch": "aries_async.models.market",
    "SymbolType": "aries_async.models.market",
    "TimeInForce": "aries_async.models.orders",
    "User": "aries_async.models.users",
    "bars_to_wire": "aries_async.models.market",
    "converter": "aries_async.models._converter",
    "is_osi_symbol": "aries_async.models.orders",
    "parse_bars": "aries_async.models.market",
    "parse_quote_batch": "aries_async.models.market",
    "parse_quotes_response": "aries_async.models.market",
    "structure": "aries_async.models._converter",
    "unstructure": "aries_async.models._converter",
    "wire": "aries_async.models.common",
}
"""Public name -> the module that defines it (imported on first access)."""


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
__dir__ = lazy_dir(globals(), __all__)
