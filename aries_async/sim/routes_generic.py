"""The simulator's answer to every operation of the API description that no route serves yet.

:func:`add_routes` runs after the explicit routes (it must be the last to add routes): for each
operation of :func:`aries_async.apispec.operations` whose method and path have no route, it adds
one that answers from the description alone.

* **Input** is checked as the API does (:mod:`~aries_async.sim.generic_inputs`): a missing
  required parameter, a value outside its enum, a malformed date, date-time, number or boolean
  (a string parameter holding a count, an amount or a time by its name included), an unknown
  paging token, or a missing or malformed required body is a 400 with the nested
  ``VALIDATION`` envelope naming the field (the prediction-market envelope on
  ``/v1/predictions``); so is a range whose start is after its end (``INVALID_RANGE``).
* **Auth**: the description's ``bearer`` operations need a valid token (401 otherwise, from the
  auth middleware); ``none`` operations answer without one.
* **Data** is generated from the operation's response schema by the walker
  (:mod:`~aries_async.sim.schema_walk`) with the field rules (:mod:`~aries_async.sim.field_rules`)
  over a seeded collection (:mod:`~aries_async.sim.answer`): same request, same answer.
* **Paging** follows the operation's style over a finite collection of :data:`PAGED_TOTAL` items
  (an option chain: its contracts; an index list: its indices, each once; the tick history's
  ticks, paged back from the newest: a ``nextTo`` token for the older ones, pinning the history
  as the first page read it, and ``countback`` capped by resolution:
  :mod:`~aries_async.sim.tick_history`): ``cursor``
  (``nextCursor``, 0 at the end), ``next_url`` (an absolute ``nextUrl`` on the simulator's
  origin carrying the ``next`` token), ``page`` (``page`` from its documented first page,
  ``apispec.ranges.FIRST_PAGES``, else from ``Faults.first_page``, 0 unless set, and a page
  size; the last page is short) and ``next_page`` (an opaque ``nextPage``
  token); the token is absent on the last page. Other list answers carry :data:`LIST_SIZE`
  items (a top list its documented default, :data:`LIST_SIZES`), or as many as a
  ``limit``/``size``/``countback`` parameter asks (at most :data:`MAX_ITEMS`).
  ``short_pages`` cuts token-style pages short, a continuation kept.
* A chart pattern's points (``getTechnicalPatterns``) get prices a trade can use
  (:mod:`~aries_async.sim.patterns`).
* ``text/plain`` operations answer the simulator's clock in Unix seconds.
* A contract named by ``optionContract`` (its snapshot) that is no option ticker is a 400
  naming the field; one of another underlying, or that stopped trading, a 404
  ``OPTION_NOT_FOUND``, as the option details answer it as none the server has.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from aries_async.apispec import operations, operations_by_id, schemas
from aries_async.apispec.amounts import is_decimal_string
from aries_async.apispec.ranges import FIRST_PAGES
from aries_async.sim.agreement import agree
from aries_async.sim.answer import Answer
from aries_async.sim.field_rules import rule_for, text_time
from aries_async.sim.generic_inputs import bad_input, parse_time, read_inputs
from aries_async.sim.option_model import OPTION_SYMBOL
from aries_async.sim.option_quotes import contract_unknown
from aries_async.sim.page_tokens import offset_of, pinned_of, token_of
from aries_async.sim.patterns import fill_points
from aries_async.sim.prediction_events import category_tree
from aries_async.sim.responses import (
    Handler,
    context_of,
    json_response,
    nested_error,
)
from aries_async.sim.schema_walk import OMIT, Gen, compile_schema
from aries_async.sim.spoil import with_unknown_fields
from aries_async.sim.tick_history import Pinned, capped, pin, tick_total, unpin

__all__ = [
    "LIST_SIZE",
    "LIST_SIZES",
    "MAX_ITEMS",
    "PAGED_TOTAL",
    "add_routes",
    "described_routes",
    "generated_ids",
]

PAGED_TOTAL = 25
"""Items in the collection behind a paginated operation (three pages at the default size)."""

LIST_SIZE = 5
"""Items in an answer's list when nothing asks for another count and none is documented."""

LIST_SIZES: dict[str, int] = dict.fromkeys(
    # finance-dev documents each one's ``limit``/``size`` as "(optional, default 10)"
    (
        "getTopGainers",
        "getTopLosers",
        "getTopMostActive",
        "getOptionsStocksTopGainers",
        "getOptionsStocksTopVolume",
        "getOptionsETFsTopVolume",
    ),
    10,
)
"""Operation id -> the items its list holds when nothing asks for a count, where the API
documents one (the top lists); others hold :data:`LIST_SIZE`."""

MAX_ITEMS = 50
"""Most items a ``limit``/``size``/``countback`` parameter gets on an operation that does not
page."""

_DEFAULT_PAGE = 10
_SYMBOL_PARAMS = frozenset(
    {
        "symbol",
        "symbols",
        "ticker",
        "tickers",
        "tickersAnyOf",
        "tickersAllOf",
        "underlyingAsset",
        "optionContract",
        "identifier",
        "identifiers",
    }
)
_TICKER = re.compile(r"^/?[A-Z][A-Z0-9.\-]{0,40}$")  # prediction contracts carry dashes
_LOW = re.compile(r"(?i)^(from|startDate|startTime|since|updatedSince)$|(From|Gte|Gt|After)$")
_HIGH = re.compile(r"(?i)^(to|endDate|endTime)$|(To|Lte|Lt|Before)$")
_TIMEY = re.compile(r"(?i)(date|time|stamp|^from$|^to$|since)")
# dates of the things listed, not of the list; a length in bars (``timeperiod``), no time
_NOT_WINDOW = re.compile(r"(?i)(expir|maturity|period$)")
_COUNTS = ("limit", "size", "countback")
_INDICES = ["SPX", "NDX", "DJI", "RUT", "VIX", "COMP"]
# Collections of the symbols themselves (an index list, a value or bar per symbol asked): one
# item per symbol, not the symbols again to fill a page.
_ONE_PER_SYMBOL = frozenset({"listIndices", "getIndexRealtimeValues", "getStockPreviousDay"})
_TICKS = "getTickHistory"
_NOT_A_CONTRACT = "optionContract must be an option ticker such as O:AAPL250117C00150000"


@functools.cache
def _generator(op_id: str) -> Gen:
    """The compiled response schema of an operation (built on its first request)."""
    op = operations_by_id()[op_id]
    return compile_schema(
        op["response"]["schema"], schemas(), rule_for, is_decimal_string, text_time
    )


def _symbols(params: dict[str, str]) -> list[str]:
    found: list[str] = []
    for name in _SYMBOL_PARAMS & params.keys():
        for part in params[name].split(","):
            match = OPTION_SYMBOL.match(part.strip().upper())
            ticker = match.group(1) if match else part.strip().upper()
            if _TICKER.match(ticker) and ticker not in found:
                found.append(ticker)
    return found


def _in_window(name: str, formats: dict[str, str | None]) -> bool:
    """Whether parameter ``name`` bounds the time of the answer's items."""
    if name not in formats or _NOT_WINDOW.search(name):
        return False
    return bool(formats[name] or _TIMEY.search(name))


def _window(
    request: web.Request, op: dict[str, Any], params: dict[str, str], now: datetime
) -> tuple[datetime, datetime] | web.Response:
    """The time range the answer's items fall in: the request's bounds, else the last 30 days
    (a 30-day span after a lone lower bound or before a lone upper one; the last day for an
    operation without time parameters)."""
    low: datetime | None = None
    high: datetime | None = None
    formats = {p["wire"]: p["schema"].get("format") for p in op["params"]}
    for name, raw in params.items():
        if not _in_window(name, formats):
            continue
        upper = bool(_HIGH.search(name))
        when = parse_time(raw, upper)
        if when is None:
            continue
        if upper or not _LOW.search(name):
            high = when if high is None else min(high, when)
        if not upper:
            low = when if low is None else max(low, when)
    if low is not None and high is not None and low > high:
        return bad_input(
            request, op, "INVALID_RANGE", "the start of the range is after its end", "from"
        )
    # A history asked for without bounds covers a month; a snapshot-like answer the last day.
    timey = any(_in_window(name, formats) for name in formats)
    span = timedelta(days=30 if timey else 1)
    if high is None:
        high = low + span if low is not None else now
    return (low if low is not None else high - span), high


def _page(
    request: web.Request,
    op: dict[str, Any],
    params: dict[str, str],
    answer: Answer,
    pinned: str = "",
) -> web.Response | None:
    """Set the answer's page of its collection and its continuation (the 400 on a bad token;
    ``pinned``: what the continuation carries)."""
    paging = op["pagination"]
    total = answer.total
    if paging is None:
        default = LIST_SIZES.get(op["id"], LIST_SIZE)
        wanted = next((int(params[c]) for c in _COUNTS if c in params), default)
        answer.indexes = range(min(max(wanted, 1), MAX_ITEMS, total))
        answer.total = len(answer.indexes)  # the whole collection is in this answer
        return None
    style = paging["style"]
    size_name = paging.get("size", "pageSize" if style == "next_page" else "limit")
    size = max(1, int(params.get(size_name) or _DEFAULT_PAGE))
    if op["id"] == _TICKS:  # silently reduced to the resolution's most (rest.md 9b)
        size = capped(params.get("resolution", ""), size)
    faults = context_of(request).faults
    if style == "page":  # Faults.cycle_cursors: the page number ignored, the pages never end
        # as documented (the prediction venue's search counts from 1), else 0 or 1: the spec
        # does not say (Faults.first_page)
        first = FIRST_PAGES.get(op["id"], faults.first_page)
        asked = params.get("page")
        page = first if faults.cycle_cursors or asked is None else max(first, int(asked))
        start = (page - first) * size
        answer.extra.update({"page": page, size_name: size})
    elif style == "cursor":
        start = max(0, int(params.get("cursor") or 0))
    else:
        token = params.get(paging["param"])
        found = offset_of(token, "o") if token else 0
        if found is None:
            return bad_input(
                request, op, "INVALID_PARAMETER", "unknown paging token", paging["param"]
            )
        start = found
    end = min(start + size, total)
    short = faults.short_pages
    if short is not None and style != "page":  # a short page that is not the last
        end = min(end, start + max(short, 1))
    answer.indexes = range(start, max(start, end))
    if paging.get("backwards"):  # offsets count back from the newest: the page oldest first
        answer.indexes = range(total - max(start, end), total - start)
    more = end < total
    if style == "cursor":
        answer.extra[paging["next"]] = end if more else 0
    elif style == "next_url" and more:
        query = {k: v for k, v in request.query.items() if k != "next"}
        query["next"] = token_of(end, "o")
        url = request.url.origin().join(request.rel_url.with_query(query))
        answer.extra[paging["next"]] = str(url)
    elif style == "next_page":
        answer.extra[paging["next"]] = token_of(end, "o", pinned) if more else OMIT
    return None


def _tick_history(params: dict[str, str]) -> Pinned | None:
    """The history a tick page reads: the one its cursor pins, else the history now (None: the
    caller reads the clock)."""
    cursor = params.get("cursor")
    return unpin(pinned_of(cursor, "o")) if cursor else None


@functools.cache
def _handler(op_id: str) -> Handler:
    """The handler answering ``op_id`` from its description (stateless: shared by every app)."""
    op = operations_by_id()[op_id]
    paged = op["pagination"] is not None
    text = op["response"]["content_type"] == "text/plain"

    async def handle(request: web.Request) -> web.StreamResponse:
        ctx = context_of(request)
        if text:
            return web.Response(text=str(int(ctx.clock.now())), content_type="text/plain")
        params = await read_inputs(request, op)
        if isinstance(params, web.Response):
            return params
        contract = params.get("optionContract")
        # A contract snapshot: a malformed ticker is bad input, a contract not had a 404.
        unknown = contract and contract_unknown(
            params["underlyingAsset"], contract, ctx.clock.now()
        )
        if contract and unknown is None:
            return bad_input(request, op, "INVALID_PARAMETER", _NOT_A_CONTRACT, "optionContract")
        if unknown:
            return nested_error(request, 404, "NOT_FOUND", "OPTION_NOT_FOUND", "option not found")
        ticks = op_id == _TICKS
        held = _tick_history(params) if ticks else None  # as an earlier page read it
        # a tick history ends at a whole second: its pages' continuations carry that end
        end = held.end if held else int(ctx.clock.now()) if ticks else ctx.clock.now()
        now = datetime.fromtimestamp(end, UTC)
        window = _window(request, op, params, now)
        if isinstance(window, web.Response):
            return window
        symbols = _symbols(params) or (_INDICES if op["path"].startswith("/v1/indices") else [])
        prices = {symbols[0]: held.price} if held and symbols else None
        answer = Answer(ctx, op, params, symbols, window, PAGED_TOTAL, paged, prices)
        if op["id"] in _ONE_PER_SYMBOL:
            answer.total = min(answer.total, len(answer.symbols))
        pinned = ""
        if ticks:
            answer.total = tick_total(params.get("resolution", ""), PAGED_TOTAL)
            pinned = pin(Pinned(int(end), answer.price(symbols[0]))) if symbols else ""
        bad = _page(request, op, params, answer, pinned)
        if bad is not None:
            return bad
        body = agree(_generator(op["id"])(answer, answer.root, 0))  # a record's figures tied
        if op["id"] == "getTechnicalPatterns":  # prices tied together, as a trade reads them
            fill_points(answer, body, ctx.faults.pattern_prices_in_cents)
        if op["id"] == "listCategories":  # one tree of the series' paths, not a nesting of rows
            body["data"]["categories"] = category_tree()
        if ctx.faults.unknown_fields:
            body = with_unknown_fields(body)
        return json_response(body, op["response"]["status"])

    handle.operation_id = op["id"]  # type: ignore[attr-defined]  # see described_routes()
    return handle


def described_routes(router: web.UrlDispatcher) -> dict[tuple[str, str], str]:
    """``(method, path template)`` -> operation id of the routes :func:`add_routes` added."""
    return {
        (route.method, route.resource.canonical): str(getattr(route.handler, "operation_id", ""))
        for route in router.routes()
        if route.resource is not None and hasattr(route.handler, "operation_id")
    }


def _served(router: web.UrlDispatcher) -> frozenset[tuple[str, str]]:
    routes = router.routes()
    return frozenset((r.method, r.resource.canonical) for r in routes if r.resource is not None)


@functools.lru_cache(maxsize=8)
def _unserved(served: frozenset[tuple[str, str]]) -> tuple[str, ...]:
    # Every simulator's app has the same explicit routes: this is worked out once.
    return tuple(o["id"] for o in operations() if (o["method"], o["path"]) not in served)


def generated_ids(router: web.UrlDispatcher) -> list[str]:
    """The ids of the operations :func:`add_routes` would serve on ``router``: those whose
    method and path have no route yet."""
    return list(_unserved(_served(router)))


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve every operation without a route on ``router`` (call after the explicit routes)."""
    todo = [operations_by_id()[op_id] for op_id in _unserved(_served(router))]
    # Fewer path parameters first: /snapshot/chain/{u} must win over /snapshot/{u}/{c}.
    for op in sorted(todo, key=lambda o: o["path"].count("{")):
        router.add_route(op["method"], op["path"], _handler(op["id"]))
