"""OAuth scopes as data: the API's 13 scopes, named groups of them for signing in, and the
scope(s) each route needs (from the API's description, :mod:`aries_async.apispec`, and
``oauth.md`` section 4).

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
from typing import TYPE_CHECKING

from aries_async.config import DEFAULT_SCOPES
from aries_async.errors import ValidationError

__all__ = [
    "ALL_SCOPES",
    "PUBLIC_ROUTES",
    "ROUTE_SCOPES",
    "SCOPE_GROUPS",
    "expand_scopes",
    "public_routes",
    "required_scopes",
    "route_scopes",
    "route_template",
    "some_scopes",
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

# Routes beside the API's description (aries_async.apispec): GET /v1/users/me is documented but
# not in the official package, and oauth.md section 4 opens the positions to either scope (the
# description's one is named first).
_EXTRA: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/v1/users/me"): ("user:information",),
    ("GET", "/v1/accounts/{id}/positions"): ("position:information", "account:information"),
}


@functools.cache
def route_scopes() -> Mapping[tuple[str, str], tuple[str, ...]]:
    """``(method, path template)`` -> the scopes that open the route, any one of them
    (positions take ``position:information`` or ``account:information``); ``()``: any valid
    token. Read from the API's description on first use (also as :data:`ROUTE_SCOPES`)."""
    from aries_async.apispec import operations

    table = {(op["method"], op["path"]): tuple(op["scopes"]) for op in operations()}
    public = public_routes()
    return {route: scopes for route, scopes in {**table, **_EXTRA}.items() if route not in public}


@functools.cache
def public_routes() -> frozenset[tuple[str, str]]:
    """Routes called without a token (prediction-market reference data and history; also as
    :data:`PUBLIC_ROUTES`)."""
    from aries_async.apispec import operations

    return frozenset((op["method"], op["path"]) for op in operations() if op["auth"] == "none")


if TYPE_CHECKING:
    ROUTE_SCOPES: Mapping[tuple[str, str], tuple[str, ...]]
    PUBLIC_ROUTES: frozenset[tuple[str, str]]


def __getattr__(name: str) -> object:
    # The tables load with their first reader: signing in (expand_scopes) does not need them.
    if name == "ROUTE_SCOPES":
        return route_scopes()
    if name == "PUBLIC_ROUTES":
        return public_routes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def some_scopes(names: str | Iterable[str], refusal: str) -> tuple[str, ...]:
    """The scopes ``names`` names (groups expanded, as :func:`expand_scopes` does), of which
    there must be one at least.

    Raises:
        ValidationError: a name is unknown, or none is given (``refusal`` says why one must).
    """
    scopes = tuple(expand_scopes(names))
    if not scopes:
        raise ValidationError(refusal, field="scopes")
    return scopes


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
    templates = [t for m, t in (*route_scopes(), *public_routes()) if m == method and "{" in t]
    templates.sort(key=lambda t: -sum("{" not in part for part in t.split("/")))
    return [(re.compile(re.sub(r"\{[^/]+\}", "[^/]+", t) + "$"), t) for t in templates]


def route_template(method: str, path: str) -> str | None:
    """The template of the operation a concrete path calls (``/v1/news/42`` ->
    ``/v1/news/{id}``), or None when no known operation matches. ``path`` may carry a query
    or be an absolute URL."""
    method = method.upper()
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", path.split("?", 1)[0].split("#", 1)[0])
    path = path.rstrip("/") or "/"
    if (method, path) in route_scopes() or (method, path) in public_routes():
        return path
    return next((t for pattern, t in _patterns(method) if pattern.match(path)), None)


def required_scopes(method: str, path: str) -> tuple[str, ...]:
    """The scopes that open the operation ``method path`` (any one suffices); ``()`` for an
    operation needing no particular scope, or one not known."""
    template = route_template(method, path)
    return route_scopes().get((method.upper(), template), ()) if template else ()
