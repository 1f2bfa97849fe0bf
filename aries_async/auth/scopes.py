"""OAuth scopes as data: the API's 13 scopes, named groups of them for signing in, and the
scope(s) each operation needs (``endpoints-all.md``'s scope column, ``oauth.md`` section 4).

Everything is keyed by the scope string as the API spells it (``market:supplemental``), so
that any table of operations can share it.

* :data:`SCOPE_GROUPS`: a group name -> its scopes; :func:`expand_scopes` turns group names
  and scopes (``["analytics", "order:information"]``) into scopes. ``aries-async login
  --scopes`` and ``ARIES_SCOPES`` take both.
* :data:`ROUTE_SCOPES`: ``(method, path template)`` -> the scopes that open it (any one
  suffices; ``()``: a token, no particular scope); :data:`PUBLIC_ROUTES` need no token at all.
  :func:`required_scopes` finds them for a concrete path; a 403 names them
  (:class:`~aries_async.errors.PermissionDeniedError`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from aries_async.config import DEFAULT_SCOPES
from aries_async.errors import ValidationError

__all__ = [
    "ALL_SCOPES",
    "PUBLIC_ROUTES",
    "ROUTE_SCOPES",
    "SCOPE_GROUPS",
    "expand_scopes",
    "required_scopes",
    "route_template",
]

ALL_SCOPES: tuple[str, ...] = (
    DEFAULT_SCOPES[0],  # user:information
    "user:management",
    *DEFAULT_SCOPES[1:],  # accounts, positions, orders, market data
    "options:information",
    "calendar:information",
    "analytics:information",
    "watchlist:information",
    "watchlist:management",
)
"""Every scope of the official package's ``OAuth2Scope`` enum. ``user:management`` is marked
internal and no operation uses it."""

# The scope column of endpoints-all.md: scope -> "METHOD /path template" of the operations it
# opens, plus GET /v1/users/me (documented, not in the official package). A route under two
# scopes takes either (positions: oauth.md section 4); the first one listed is the one named.
_ROUTES_BY_SCOPE: dict[str, str] = {
    "user:information": """
        GET /v1/users/me
    """,
    "position:information": """
        GET /v1/accounts/{id}/positions
    """,
    "account:information": """
        GET /v1/accounts/{id}/positions
        GET /v2/accounts/{id}/balance
        GET /v2/users/me/accounts
    """,
    "order:information": """
        GET /v2/accounts/{id}/orders
        GET /v2/accounts/{id}/orders/history
    """,
    "order:execution": """
        POST /v1/orders
        POST /v1/orders/cancel
        POST /v1/orders/preview
        POST /v1/orders/replace
    """,
    "market:information": """
        GET /v1/chart/config
        GET /v1/chart/history
        GET /v1/chart/quotes
        GET /v1/chart/search
        GET /v1/chart/symbols
        GET /v1/chart/tick-history
        GET /v1/chart/time
        GET /v1/equity/sector-tickers
        GET /v1/equity/sector-wise-change
        GET /v1/equity/top-gainers
        GET /v1/equity/top-losers
        GET /v1/equity/top-most-active
        GET /v1/etb
        POST /v1/etb/search
        GET /v1/marketdata/equities/details
        GET /v1/marketdata/options/details
        GET /v1/marketdata/search
    """,
    "market:supplemental": """
        GET /v1/company/executive
        GET /v1/company/metrics
        GET /v1/company/peers
        GET /v1/company/profile
        GET /v1/corporate-actions/dividends
        GET /v1/corporate-actions/ipo-calendar
        GET /v1/corporate-actions/spinoffs
        GET /v1/corporate-actions/tender-offers
        GET /v1/economy/inflation
        GET /v1/economy/inflation-expectations
        GET /v1/economy/treasury-yields
        GET /v1/etf/country
        GET /v1/etf/holdings
        GET /v1/etf/profile
        GET /v1/etf/sector
        GET /v1/filings/sec
        GET /v1/filings/similarity-index
        GET /v1/financials/cash-flow-statements
        GET /v1/financials/income-statements
        GET /v1/financials/ratios
        GET /v1/financials/reported
        GET /v1/financials/revenue-breakdown
        GET /v1/financials/short-interest
        GET /v1/financials/short-volume
        GET /v1/financials/statements
        GET /v1/indicator
        GET /v1/indices/bar
        GET /v1/indices/bars
        GET /v1/indices/by-group
        GET /v1/indices/chart-bars
        GET /v1/indices/groups
        GET /v1/indices/list
        GET /v1/indices/realtime/values
        GET /v1/indices/search
        GET /v1/institutional/ownership
        GET /v1/institutional/portfolio
        GET /v1/logos/search
        GET /v1/logos/sync
        GET /v1/market/holiday
        GET /v1/market/status
        GET /v1/news
        GET /v1/news-sentiment
        GET /v1/news/{id}
        GET /v1/options/activity
        GET /v1/options/last-trade
        GET /v1/options/open-close
        GET /v1/options/previous-day
        GET /v1/options/quotes
        GET /v1/options/snapshot/chain/{underlyingAsset}
        GET /v1/options/snapshot/{underlyingAsset}/{optionContract}
        GET /v1/options/trades
        GET /v1/options/{symbol}/contracts/{expiryDate}
        GET /v1/options/{symbol}/expiry-dates
        GET /v1/ownership/data
        GET /v1/ownership/fund
        GET /v1/ownership/insider-transactions
        GET /v1/scan/pattern
        GET /v1/scan/support-resistance
        GET /v1/scan/technical-indicator
        GET /v1/signals/bull-bear
        GET /v1/stock/bank-branch
        GET /v1/stock/congressional-trading
        GET /v1/stock/covid19/us
        GET /v1/stock/earnings
        GET /v1/stock/earnings-call-live
        GET /v1/stock/earnings-quality-score
        GET /v1/stock/ebit-estimate
        GET /v1/stock/ebitda-estimate
        GET /v1/stock/eps-estimate
        GET /v1/stock/esg
        GET /v1/stock/fda-advisory-committee-calendar
        GET /v1/stock/historical-esg
        GET /v1/stock/investment-theme
        GET /v1/stock/lobbying
        GET /v1/stock/presentation
        GET /v1/stock/price-target
        GET /v1/stock/revenue-estimate
        POST /v1/stock/screener
        GET /v1/stock/social-sentiment
        GET /v1/stock/split
        GET /v1/stock/supply-chain
        GET /v1/stock/transcripts
        GET /v1/stock/transcripts/list
        GET /v1/stock/upgrade-downgrade
        GET /v1/stock/usa-spending
        GET /v1/stock/uspto-patent
        GET /v1/stock/visa-application
        GET /v1/stocks/aggs
        GET /v1/stocks/grouped
        GET /v1/stocks/last-quote
        GET /v1/stocks/last-trade
        GET /v1/stocks/open-close
        GET /v1/stocks/prev
        GET /v1/stocks/quotes
        GET /v1/stocks/snapshot
        GET /v1/stocks/trades
        GET /v1/stocks/unified-snapshot
    """,
    "options:information": """
        GET /v1/options/etfs/top-volume
        GET /v1/options/stocks/top-gainers
        GET /v1/options/stocks/top-volume
        GET /v1/options/unusual_activity/{symbol}
    """,
    "calendar:information": """
        GET /v1/calendars/conference-calls
        GET /v1/calendars/earnings
        GET /v1/calendars/economics
        GET /v1/calendars/historical/{symbol}
        GET /v1/calendars/mergers-acquisitions
    """,
    "analytics:information": """
        GET /v1/analytics/insights
        GET /v1/analytics/market-breadth
        GET /v1/analytics/net-inflow
        GET /v1/analytics/ratings
    """,
    "watchlist:information": """
        GET /v1/config/watchlist
        GET /v1/config/watchlist/{watchlist_id}
    """,
    "watchlist:management": """
        POST /v1/config/watchlist
        PUT /v1/config/watchlist
        DELETE /v1/config/watchlist/{watchlist_id}
        PATCH /v1/config/watchlist/{watchlist_id}
    """,
}

# A token, but no particular scope (prediction orders, closed beta).
_NO_SCOPE = """
    GET /v1/predictions/orders
    POST /v1/predictions/orders
    GET /v1/predictions/orders/{orderId}
"""

# No token at all (the official package sends no Authorization header to these).
_PUBLIC = """
    GET /v1/predictions/base-events/{baseEventId}
    GET /v1/predictions/categories
    GET /v1/predictions/events/{eventId}/contracts
    GET /v1/predictions/historical-data
    POST /v1/predictions/historical-data/batch
    GET /v1/predictions/search
"""


def _routes(block: str) -> list[tuple[str, str]]:
    return [(line.split()[0], line.split()[1]) for line in block.strip().splitlines()]


def _route_scopes() -> dict[tuple[str, str], tuple[str, ...]]:
    table: dict[tuple[str, str], tuple[str, ...]] = dict.fromkeys(_routes(_NO_SCOPE), ())
    for scope, block in _ROUTES_BY_SCOPE.items():
        for route in _routes(block):
            table[route] = (*table.get(route, ()), scope)
    return table


ROUTE_SCOPES: Mapping[tuple[str, str], tuple[str, ...]] = _route_scopes()
"""``(method, path template)`` -> the scopes that open the route, any one of them (positions
take ``position:information`` or ``account:information``); ``()``: any valid token."""

PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(_routes(_PUBLIC))
"""Routes called without a token (prediction-market reference data and history)."""

_SUPPLEMENTAL = ("market:supplemental",)

SCOPE_GROUPS: Mapping[str, tuple[str, ...]] = {
    # By purpose.
    "all": tuple(s for s in ALL_SCOPES if s != "user:management"),
    "default": DEFAULT_SCOPES,
    "read": tuple(s for s in ALL_SCOPES if s.endswith(":information") or s in _SUPPLEMENTAL),
    "trading": (
        "account:information",
        "position:information",
        "order:information",
        "order:execution",
    ),
    # One per group of operations of the official package: what its operations need.
    "accounts": ("account:information", "position:information"),
    "orders": ("order:information", "order:execution"),
    "users": ("user:information",),
    "market": ("market:information", "market:supplemental"),
    "chart": ("market:information",),
    "analytics": (
        "analytics:information",
        "market:information",
        "options:information",
        "market:supplemental",
    ),
    "calendar": ("calendar:information",),
    "options": ("options:information", "market:supplemental"),
    "watchlist": ("watchlist:information", "watchlist:management"),
    **dict.fromkeys(
        (
            "alternative_data",
            "company",
            "corporate_actions",
            "economy",
            "estimates",
            "etf",
            "filings",
            "financials",
            "indices",
            "logos",
            "news",
            "ownership",
            "signals",
            "stocks",
            "technical_analysis",
        ),
        _SUPPLEMENTAL,
    ),
}
"""Group name -> scopes, for signing in: ``all`` (every scope an operation uses; the internal
``user:management`` only by name), ``default`` (the quickstart's: accounts, positions, orders,
market data), ``read`` (every read-only scope), ``trading`` (accounts, positions, orders, placing
them), and one group per group of operations (``analytics``, ``market``, ``watchlist``...)
with the scopes its operations need. Names take ``-`` for ``_`` and a trailing ``s`` is
optional (``corporate-actions``, ``watchlists``)."""


def _group(name: str) -> tuple[str, ...] | None:
    key = name.lower().replace("-", "_")
    for candidate in (key, key.removesuffix("s"), key + "s"):
        if candidate in SCOPE_GROUPS:
            return SCOPE_GROUPS[candidate]
    return None


def expand_scopes(names: str | Iterable[str]) -> list[str]:
    """Scopes from scope names and group names (:data:`SCOPE_GROUPS`), each once, in order.

    A string is split on white space and commas (``"analytics, order:information"``).

    Example:
        >>> expand_scopes("chart orders")
        ['market:information', 'order:information', 'order:execution']

    Raises:
        ValidationError: a name is neither a scope of :data:`ALL_SCOPES` nor a group; the
            message lists the valid ones (and the closest match).
    """
    words = [names] if isinstance(names, str) else list(names)
    scopes: dict[str, None] = {}
    for word in (w for text in words for w in str(text).replace(",", " ").split()):
        if word in ALL_SCOPES:
            scopes[word] = None
            continue
        group = None if ":" in word else _group(word)
        if group is None:
            raise ValidationError(_unknown(word), field="scopes")
        scopes.update(dict.fromkeys(group))
    return list(scopes)


def _unknown(word: str) -> str:
    import difflib

    kind, valid = ("scope", ALL_SCOPES) if ":" in word else ("scope group", tuple(SCOPE_GROUPS))
    close = difflib.get_close_matches(word.lower(), valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return (
        f"unknown {kind} {word!r}{hint}; groups: {', '.join(sorted(SCOPE_GROUPS))}; "
        f"scopes: {', '.join(ALL_SCOPES)}"
    )


@functools.cache
def _patterns(method: str) -> list[tuple[re.Pattern[str], str]]:
    """The templates of ``method`` as patterns, those with more literal segments first (so
    ``/v1/options/snapshot/chain/{x}`` wins over ``/v1/options/snapshot/{x}/{y}``)."""
    templates = [t for m, t in (*ROUTE_SCOPES, *PUBLIC_ROUTES) if m == method and "{" in t]
    templates.sort(key=lambda t: -sum("{" not in part for part in t.split("/")))
    return [(re.compile(re.sub(r"\{[^/]+\}", "[^/]+", t) + "$"), t) for t in templates]


def route_template(method: str, path: str) -> str | None:
    """The template of the operation a concrete path calls (``/v1/news/42`` ->
    ``/v1/news/{id}``), or None when no known operation matches. ``path`` may carry a query
    or be an absolute URL."""
    method = method.upper()
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", path.split("?", 1)[0].split("#", 1)[0])
    path = path.rstrip("/") or "/"
    if (method, path) in ROUTE_SCOPES or (method, path) in PUBLIC_ROUTES:
        return path
    return next((t for pattern, t in _patterns(method) if pattern.match(path)), None)


def required_scopes(method: str, path: str) -> tuple[str, ...]:
    """The scopes that open the operation ``method path`` (any one suffices); ``()`` for an
    operation needing no particular scope, or one not known."""
    template = route_template(method, path)
    return ROUTE_SCOPES.get((method.upper(), template), ()) if template else ()
