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

from aries_async._lazy import lazy_dir, lazy_getattr, names_to_modules

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

_HOMES = {  # module -> the public names it defines, imported from it on first access
    "aries_async.models._converter": "converter structure unstructure",
    "aries_async.models.accounts": "Account AccountStatus Balance Position SecurityType",
    "aries_async.models.common": "OpenEnum wire",
    "aries_async.models.market": "Bar EquityDetails EquityDetailsResponse Holiday MarketStatus"
    " OptionDetails OptionDetailsResponse Quote QuoteBatch RESOLUTIONS Resolution SymbolError"
    " SymbolMatch SymbolType bars_to_wire parse_bars parse_quote_batch parse_quotes_response",
    "aries_async.models.options": "OptionChain OptionContract OptionExpirations",
    "aries_async.models.orders": "CancelAck CancelRequest DecimalInput ExDestination"
    " LegSecurityType LegSide Order OrderAck OrderCategory OrderLeg OrderLegState OrderPage"
    " OrderPreview OrderRequest OrderStatus OrderType PositionEffect PutCall ReplaceAck"
    " ReplaceRequest Side TimeInForce is_osi_symbol",
    "aries_async.models.users": "AccountApplication User",
}
_LAZY = names_to_modules(_HOMES)


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
__dir__ = lazy_dir(globals(), __all__)
