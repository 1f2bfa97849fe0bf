"""The simulator's aggregate bars, ``GET /v1/stocks/aggs`` (rest.md 9c): the bars of the chart
history (:meth:`~aries_async.sim.feed.Feed.bars`, the same price history), grouped by
``multiplier`` x ``timespan``.

* ``minute`` and ``hour`` bars lie in the regular sessions of trading days (``hour`` is 60
  minutes), on the session's grid; ``day`` bars are trading days at UTC midnight, ``multiplier``
  of them to a bar; ``week`` bars start on the Monday, ``month``, ``quarter`` and ``year`` bars
  on the first day of their block of months. The simulator's history has no seconds: a
  ``second`` range has no bars.
* ``from`` and ``to`` are ``YYYY-MM-DD`` (``to`` takes its whole day) or Unix milliseconds;
  a bar is in the range when it starts in it.
* ``limit`` (1-50000, 5000 when absent) caps the bars of an answer; the rest is behind the
  answer's ``nextUrl`` (its ``next`` token), as the spec's upstream-data listings page.
* An unknown ticker has no bars (``resultsCount`` 0), as an upstream-data provider answers one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web

from aries_async.sim.bars import Bar, aggregate
from aries_async.sim.page_tokens import offset_of, token_of
from aries_async.sim.responses import context_of, json_response, validation_error

__all__ = ["add_routes"]

MAX_LIMIT = 50_000
DEFAULT_LIMIT = 5_000
_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_SPANS = ("second", "minute", "hour", "day", "week", *_MONTHS)


def _bound(raw: str, upper: bool) -> int | None:
    """``from``/``to`` as Unix seconds: a date's start (its last second when ``upper``), or
    Unix milliseconds."""
    text = raw.strip()
    if text.isdigit():
        return int(text) // 1000
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    return start + 86_399 if upper else start


def _by_count(count: int) -> Callable[[list[Bar]], list[Bar]]:
    """Group ``count`` consecutive bars into one (trading days: the calendar has gaps)."""

    def group(bars: list[Bar]) -> list[Bar]:
        starts = {bar.time: bars[i - i % count].time for i, bar in enumerate(bars)}
        return aggregate(bars, starts.__getitem__)

    return group


def _bars(request: web.Request, ticker: str, multiplier: int, span: str) -> list[Bar] | None:
    """The ticker's bars of ``multiplier`` x ``span`` over the request's range (None: the range
    is malformed)."""
    feed = context_of(request).feed
    start = _bound(request.query.get("from", ""), False)
    end = _bound(request.query.get("to", ""), True)
    if start is None or end is None:
        return None
    if span == "second" or not feed.has(ticker) or end < start:
        return []
    if span in ("minute", "hour"):
        minutes = multiplier * (60 if span == "hour" else 1)
        return feed.bars(ticker, ("min", minutes), start, end)
    if span in _MONTHS:
        return feed.bars(ticker, ("month", multiplier * _MONTHS[span]), start, end)
    unit = "week" if span == "week" else "day"
    return _by_count(multiplier)(feed.bars(ticker, (unit, 1), start, end))


def _row(bar: Bar, ticker: str) -> dict[str, Any]:
    return {
        "T": ticker,
        "o": bar.open,
        "h": bar.high,
        "l": bar.low,
        "c": bar.close,
        "v": bar.volume,
        "vw": round((bar.high + bar.low + bar.close) / 3, 4),
        "n": max(1, bar.volume // 100),
        "t": bar.time * 1000,
    }


async def _aggregates(request: web.Request) -> web.StreamResponse:
    query = request.query
    ticker = query.get("ticker", "").strip().upper()
    span = query.get("timespan", "").strip().lower()
    for name in ("ticker", "multiplier", "timespan", "from", "to"):
        if not query.get(name, "").strip():
            return validation_error(request, "MISSING_PARAMETER", f"{name} is required", name)
    multiplier = query["multiplier"].strip()
    if not multiplier.isdigit() or int(multiplier) < 1:
        return validation_error(
            request, "INVALID_PARAMETER", "multiplier must be a positive integer", "multiplier"
        )
    if span not in _SPANS:
        return validation_error(
            request, "INVALID_PARAMETER", f"timespan must be one of {', '.join(_SPANS)}", "timespan"
        )
    raw_limit = query.get("limit", "").strip() or str(DEFAULT_LIMIT)
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        return validation_error(
            request, "INVALID_PARAMETER", f"limit must be from 1 to {MAX_LIMIT}", "limit"
        )
    offset = offset_of(query["next"], "a") if query.get("next") else 0
    if offset is None:
        return validation_error(request, "INVALID_PARAMETER", "unknown paging token", "next")
    bars = _bars(request, ticker, int(multiplier), span)
    if bars is None:
        return validation_error(
            request, "INVALID_PARAMETER", "from and to must be YYYY-MM-DD or Unix ms", "from"
        )
    if query.get("sort", "asc").strip().lower() == "desc":
        bars.reverse()
    page = bars[offset : offset + int(raw_limit)]
    adjusted = query.get("adjusted", "true").strip().lower() != "false"
    body: dict[str, Any] = {
        "adjusted": adjusted,
        "queryCount": len(bars),
        # Same request, same answer (as the answers generated from the description).
        "requestId": "req-" + hashlib.sha256(str(request.rel_url).encode()).hexdigest()[:12],
        "results": [_row(bar, ticker) for bar in page],
        "resultsCount": len(page),
        "status": "OK",
        "ticker": ticker,
    }
    if offset + len(page) < len(bars):
        rest = {**query, "next": token_of(offset + len(page), "a")}
        body["nextUrl"] = str(request.url.origin().join(request.rel_url.with_query(rest)))
    return json_response(body)


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve the aggregate bars on ``router``."""
    router.add_get("/v1/stocks/aggs", _aggregates)
