"""Switches between the readings of the REST spec's UNCERTAIN points that no other fault
covers: the ``variant`` fields of :class:`~aries_async.sim.faults.Faults`, which inherits them
from :class:`VariantFaults` (set them as every fault: ``sim.faults.scope_enforcement = "none"``,
or by their CLI flags). ``docs/uncertain.md`` lists every UNCERTAIN and CONFLICT point of the
spec with the switch producing each reading. A row's ``Flag:`` is the ``aries-async sim`` flag
that sets the switch.

=================================  ==============================================================
field                              effect
=================================  ==============================================================
``market_status_timestamp_ms``     ``GET /v1/market/status`` gives its ``timestamp`` in Unix
                                   milliseconds instead of seconds (rest.md 10: the unit is
                                   UNCERTAIN)
                                   Flag: ``--market-status-timestamp-ms``.
``market_status_session``          how ``GET /v1/market/status`` words its ``session`` (rest.md
                                   10: the tokens are UNCERTAIN), empty when closed in every
                                   one: ``"words"`` (default: ``regular``, ``pre-market``,
                                   ``after-hours``), ``"upper"`` (``REGULAR``, ``PRE_MARKET``,
                                   ``AFTER_HOURS``) or ``"camel"`` (``regular``, ``preMarket``,
                                   ``afterHours``, as the market socket's flags are named)
                                   Flag: ``--market-status-session words|upper|camel``.
``scope_enforcement``              how the REST routes and the websockets check a token's
                                   scopes (oauth.md 4: the granularity is UNCERTAIN):
                                   ``"operation"`` (default: the scopes each operation declares,
                                   a 403 naming the one missing in ``details.required_scope``),
                                   ``"unnamed"`` (the same 403 without ``details``) or
                                   ``"none"`` (any valid token opens every route and socket)
                                   Flag: ``--scope-enforcement operation|unnamed|none``.
``whole_shares_only``              a stock order for a fractional quantity is refused as the
                                   broker refuses one (a refusing acknowledgement, or a 400 with
                                   ``rejections_as_http``), and its preview lists why in
                                   ``errors`` (conventions.md 4: fractional shares are
                                   UNCERTAIN; False: accepted and filled as any other)
                                   Flag: ``--whole-shares-only``.
``order_fields``                   how the orders the API returns (REST lists, account socket)
                                   word three fields the SDK and the docs disagree on (rest.md
                                   15, rows 7-9, CONFLICT): ``"sdk"`` (default: a stock's
                                   ``securityType`` ``EQUITY``, ``category`` ``EQUITY``,
                                   ``exDestination`` ``MNGD``) or ``"docs"`` (the docs'
                                   examples: ``CS``, ``SINGLE_LEG``, ``NASDAQ``)
                                   Flag: ``--order-fields sdk|docs``.
``short_sale_while_long``          a stock ``SELL_SHORT`` sent while the account is long the
                                   symbol is taken, and fills, netting against the shares
                                   held (the spec does not say; False: refused, and one resting
                                   is cancelled when it would fill on a long account,
                                   :mod:`~aries_async.sim.closing`)
                                   Flag: ``--short-sale-while-long``.
``late_auction_orders``            an ``AT_THE_OPENING`` or ``AT_THE_CLOSE`` order is taken
                                   until its auction and joins it (the spec names no cut-off;
                                   False: refused from 09:28 or 15:50 New York,
                                   :mod:`~aries_async.sim.auctions`)
                                   Flag: ``--late-auction-orders``.
``late_auction_cancels``           an ``AT_THE_OPENING`` or ``AT_THE_CLOSE`` order may be
                                   cancelled until its auction (the spec does not say; False:
                                   a cancel past the cut-off is refused, as the US exchanges
                                   refuse it; ``late_auction_orders`` lifts it too)
                                   Flag: ``--late-auction-cancels``.
``auction_stops``                  a ``STOP`` or ``STOP_LIMIT`` order for an auction is taken,
                                   the auction's price triggering its stop (the spec does not
                                   say; False: a 400 ``INVALID_FIELD``)
                                   Flag: ``--auction-stops``.
``first_page``                     the number of the first page of the listings paged by page
                                   number (conventions.md 11: whether ``page`` counts from 0
                                   or from 1 is UNCERTAIN): ``0`` (default, as the official
                                   SDK's pagers start) or ``1``; an absent ``page``, or one
                                   below the first, is the first page. Not the listings
                                   documented to count from 1 (``apispec.ranges.FIRST_PAGES``:
                                   the prediction venue's search), numbered as documented
                                   Flag: ``--first-page 0|1``.
``pattern_prices_in_cents``        a chart pattern's prices (``GET /v1/scan/pattern``) come
                                   with cents, as the vendors write them (False: whole dollars,
                                   as the description types all but ``aprice`` and ``dprice``
                                   and the official package's model takes them,
                                   :mod:`~aries_async.sim.patterns`)
                                   Flag: ``--pattern-prices-in-cents``.
``option_type_words``              an option top list's ``type`` (``OptionsScreenerItem``: the
                                   spec is silent, the description types it a string) is the
                                   word ``call`` or ``put`` (False: ``c`` or ``P``, as
                                   finance-dev documents it)
                                   Flag: ``--option-type-words``.
=================================  ==============================================================
"""

from __future__ import annotations

from typing import Any

import attrs

from aries_async.errors import ValidationError
from aries_async.sim.ws_faults import WebsocketFaults

__all__ = [
    "MARKET_SESSION_WORDINGS",
    "ORDER_FIELDS",
    "SCOPE_ENFORCEMENTS",
    "VariantFaults",
    "docs_order_fields",
    "session_worded",
]

MARKET_SESSION_WORDINGS: dict[str, dict[str, str]] = {
    "words": {},
    "upper": {"regular": "REGULAR", "pre-market": "PRE_MARKET", "after-hours": "AFTER_HOURS"},
    "camel": {"pre-market": "preMarket", "after-hours": "afterHours"},
}
"""``market_status_session`` values: each one's words for the simulator's own (absent: the
same)."""

SCOPE_ENFORCEMENTS = ("operation", "unnamed", "none")
"""``scope_enforcement`` values."""


ORDER_FIELDS = ("sdk", "docs")
"""``order_fields`` values."""

_DOCS_ORDER_FIELDS = {
    "securityType": {"EQUITY": "CS"},
    "category": {"EQUITY": "SINGLE_LEG"},
    "exDestination": {"MNGD": "NASDAQ"},
}


def _first_page(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    # An int: True and 1.0 are equal to 1, yet a bool or a float is no page number.
    if type(value) is not int or value not in (0, 1):
        name = f"{type(instance).__name__}.{attribute.name}"
        raise ValidationError(f"{name} must be 0 or 1, got {value!r:.80}", field=name)


def docs_order_fields(order: dict[str, Any]) -> None:
    """Word an order's ``TradeOrderV2`` object (in place) as the docs' examples do."""
    for field, words in _DOCS_ORDER_FIELDS.items():
        value = order.get(field)
        if isinstance(value, str):
            order[field] = words.get(value, value)


def session_worded(session: str, wording: str) -> str:
    """``session`` (the simulator's word for it) as ``wording`` says it."""
    return MARKET_SESSION_WORDINGS[wording].get(session, session)


@attrs.define(kw_only=True)
class VariantFaults(WebsocketFaults):
    """The REST spec's readings without another fault (see the module docstring); the defaults
    are the simulator's usual reading."""

    market_status_timestamp_ms: bool = False
    market_status_session: str = attrs.field(
        default="words", validator=attrs.validators.in_(MARKET_SESSION_WORDINGS)
    )
    scope_enforcement: str = attrs.field(
        default="operation", validator=attrs.validators.in_(SCOPE_ENFORCEMENTS)
    )
    whole_shares_only: bool = False
    order_fields: str = attrs.field(default="sdk", validator=attrs.validators.in_(ORDER_FIELDS))
    short_sale_while_long: bool = False
    late_auction_orders: bool = False
    late_auction_cancels: bool = False
    auction_stops: bool = False
    first_page: int = attrs.field(default=0, validator=_first_page)
    pattern_prices_in_cents: bool = False
    option_type_words: bool = False
