"""What the simulator's described routes (:mod:`~aries_async.sim.routes_generic`) take as
input, checked as the API checks it (conventions.md section 5): a missing required parameter,
a value outside its enum, a malformed date, date-time, number or boolean, a string parameter
that holds a count, an amount or a time by its name (``limit``, ``strikePriceGte``,
``expirationDateGte``, ``from``: the client's own rules, :mod:`aries_async.apispec.ranges`,
:mod:`~aries_async.apispec.amounts` and ``naming.QUERY_TIMES``) given text that is none, or a
missing required body is a 400 naming the field, in the nested ``VALIDATION`` envelope (the
prediction-market envelope on ``/v1/predictions``). So is a count, page number or offset out of
its bounds (``apispec.ranges.count_bounds``), a list longer than its documented largest
(``apispec.ranges.LIST_MAXIMA``), an index bars' window in any form but its documented wall
time (``apispec.wall_times.WALL_TIMES``: ``12/22/2025 9:30 am``, not RFC 3339), and a
range that holds no value (``apispec.ranges.range_problem``: a start after its end, or equal
ends one of which excludes its value), an ``INVALID_RANGE`` naming both ends, as the client
refuses each before sending.

A parameter the request leaves out takes its default before anything reads it, as the server
applies it (:func:`defaults_of`): the ``default`` of its schema in the API description, which
carries none for any parameter today, else the one rest.md states (:data:`DOCUMENTED_DEFAULTS`);
the routes of their own apply theirs (``limit`` 20 on the searches, 50 on the order lists,
``exchange`` ``US``...). A default of the official SDK's methods alone (finance-dev's news
sends ``symbols=SPY``) is the client's, not the server's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
from aiohttp import web

from aries_async.apispec import schemas
from aries_async.apispec.amounts import query_amount
from aries_async.apispec.naming import query_time
from aries_async.apispec.ranges import (
    LIST_MAXIMA,
    ZERO_MEANS_DEFAULT,
    count_bounds,
    day_bound,
    empty_ranges,
    list_length,
)
from aries_async.apispec.wall_times import WALL_FORM, WALL_TIMES, wall_time
from aries_async.sim.responses import json_response, request_id, validation_error

__all__ = ["DOCUMENTED_DEFAULTS", "bad_input", "defaults_of", "parse_time", "read_inputs"]

DOCUMENTED_DEFAULTS: dict[str, dict[str, str]] = {
    "getTickHistory": {"countback": "300"},  # rest.md 9b
    "getOptionChainSnapshot": {"order": "asc"},  # rest.md 13: asc default
    # finance-dev's parameter docs: "0 or omitted means 20", "... means 10000"
    "search": {"perPage": "20"},
    "getHistory": {"limit": "10000"},
}
"""Operation id -> wire name -> the value an absent parameter takes."""


def bad_input(
    request: web.Request, op: dict[str, Any], code: str, message: str, field: str
) -> web.Response:
    """The 400 for bad input, in the envelope of the operation's service."""
    if not op["path"].startswith("/v1/predictions"):
        return validation_error(request, code, message, field)
    orders = op["path"].startswith("/v1/predictions/orders")
    body = {
        "success": False,
        "error": {
            "type": "bad_request" if orders else "VALIDATION",
            "code": code,
            "message": message,
            "details": {"field": field},
            "request_id": request_id(request),
            "service": "prediction-orders" if orders else "prediction-markets",
            "operation": op["id"],
        },
    }
    return json_response(body, 400)


def parse_time(raw: str, upper: bool) -> datetime | None:
    """A parameter value as a time: ``YYYY-MM-DD`` (its start, or its end when ``upper``),
    RFC 3339, Unix seconds / milliseconds / nanoseconds, or a wall time as the index bars'
    window is documented (``12/22/2025 9:30 am``, New York's)."""
    text = raw.strip()
    wall = wall_time(text)
    if wall is not None:
        return wall
    if text.lstrip("-").isdigit():
        number = int(text)
        while abs(number) > 10**11:
            number //= 1000
        return datetime.fromtimestamp(number, UTC)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(hours=23, minutes=59) if upper else start
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _problem(schema: dict[str, Any], raw: str, wire: str = "", op_id: str = "") -> str | None:
    """Why ``raw`` does not fit a parameter's schema (None when it does); a string parameter
    that holds a number or a time by its name (``strikePriceGte``, ``expirationDateGte``,
    ``from``, ``limit``: :func:`_text_problem`) is read as one."""
    kind, fmt = schema.get("type"), schema.get("format")
    bounds = count_bounds(op_id, wire, schema)
    if bounds is not None and kind in ("integer", "string"):
        return _count_problem(bounds, raw)
    if wire in WALL_TIMES.get(op_id, ()):  # the index bars' window: the documented form only
        return None if wall_time(raw) is not None else f"must be a time as {WALL_FORM}"
    most = LIST_MAXIMA.get((op_id, wire))
    if most is not None and list_length(raw) > most:
        return f"must list at most {most} items"
    if kind == "string" and fmt is None and "enum" not in schema:
        return _text_problem(schema, raw, wire)
    if "enum" in schema:
        allowed = [str(v) for v in schema["enum"]]
        if raw not in allowed and raw.lower() not in (v.lower() for v in allowed):
            return f"must be one of {', '.join(allowed)}"
    elif kind == "integer" and not raw.strip().lstrip("-").isdigit():
        return "must be an integer"
    elif kind == "number":
        try:
            float(raw)
        except ValueError:
            return "must be a number"
    elif kind == "boolean" and raw.lower() not in ("true", "false"):
        return "must be true or false"
    elif fmt == "date" and (len(raw) != 10 or parse_time(raw, False) is None):
        if not raw.isdigit():
            return "must be a date (YYYY-MM-DD)"
    elif fmt == "date-time" and parse_time(raw, False) is None:
        return "must be an RFC 3339 date-time"
    return None


def _text_problem(schema: dict[str, Any], raw: str, wire: str) -> str | None:
    """Why ``raw`` is no value of string parameter ``wire`` that holds a count, an amount or
    a time (the API reads those as numbers and times, and refuses what is none)."""
    text = raw.strip()
    if query_amount(wire):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return "must be a decimal number"
        return None if number.is_finite() else "must be a decimal number"
    when = query_time(wire, schema)
    if when is None:
        return None
    if when == "date":
        ok = len(text) == 10 and parse_time(text, False) is not None
        return None if ok else "must be a date (YYYY-MM-DD)"
    return None if parse_time(text, False) is not None else "must be a date or a timestamp"


def _count_problem(bounds: tuple[int, int | None], raw: str) -> str | None:
    """Why ``raw`` is no count, page number or offset within ``bounds`` (least, largest): the
    client's rule (``apispec.ranges.count_bounds``)."""
    text = raw.strip()
    if not text.lstrip("-").isdigit():
        return "must be an integer"
    least, most = bounds
    if int(text) < least:
        return f"must be at least {least}"
    return None if most is None or int(text) <= most else f"must be at most {most}"


def _range_problem(params: dict[str, str]) -> tuple[str, str] | None:
    """(lower bound's wire name, message) of a range of ``params`` that holds no value."""
    for low, high, problem in empty_ranges(params, _end):
        why = "is after" if problem == "backwards" else "leaves no value before"
        return low, f"{low} ({params[low]}) {why} {high} ({params[high]})"
    return None


def _end(kind: str, raw: str, upper: bool, strict: bool) -> tuple[Any, bool] | None:
    """A range end's text as its range compares it, and whether it excludes its value."""
    text = raw.strip()
    if kind == "number":
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return (number, strict) if number.is_finite() else None
    if kind == "text":
        return text.upper(), strict
    if len(text) == 10 and text[4] == "-":
        try:
            return day_bound(date.fromisoformat(text), upper, strict)
        except ValueError:
            return None
    when = parse_time(text, upper)
    return (when, strict) if when is not None else None


def _required_body(schema: dict[str, Any], body: Any) -> str | None:
    """The first required field ``body`` lacks (of the alternative it fits best), if any."""
    defs = schemas()
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "array":
        return None if isinstance(body, list) else "body"
    if not isinstance(body, dict):
        return "body"
    options = [
        defs[alt["$ref"].rsplit("/", 1)[1]] if "$ref" in alt else alt
        for alt in schema.get("anyOf", [schema])
    ]
    missing = [[f for f in alt.get("required", ()) if f not in body] for alt in options]
    best = min(missing, key=len)
    return best[0] if best else None


def defaults_of(op: dict[str, Any]) -> dict[str, str]:
    """Wire name -> the value an absent parameter of ``op`` takes: the ``default`` of its
    schema in the API description (none has one today), else :data:`DOCUMENTED_DEFAULTS`."""
    found = {
        p["wire"]: str(p["schema"]["default"]).lower()
        if isinstance(p["schema"]["default"], bool)
        else str(p["schema"]["default"])
        for p in op["params"]
        if p["schema"].get("default") is not None
    }
    return {**DOCUMENTED_DEFAULTS.get(op["id"], {}), **found}


async def read_inputs(request: web.Request, op: dict[str, Any]) -> dict[str, str] | web.Response:
    """The request's parameters by wire name, or the 400 answer for bad input."""
    params: dict[str, str] = {}
    defaults = defaults_of(op)
    for param in op["params"]:
        wire = param["wire"]
        source = request.match_info if param["in"] == "path" else request.query
        raw = source.get(wire)
        if raw is not None and raw.strip() == "0" and (op["id"], wire) in ZERO_MEANS_DEFAULT:
            raw = None  # "0 or omitted means ..."
        raw = raw or defaults.get(wire)
        if raw is None or raw == "":
            if param["required"]:
                return bad_input(request, op, "MISSING_PARAMETER", f"{wire} is required", wire)
            continue
        problem = _problem(param["schema"], raw, wire, op["id"])
        if problem is not None:
            return bad_input(request, op, "INVALID_PARAMETER", f"{wire} {problem}", wire)
        params[wire] = raw
    empty = _range_problem(params)
    if empty is not None:
        return bad_input(request, op, "INVALID_RANGE", f"the range is empty: {empty[1]}", empty[0])
    if op["body"] is not None:
        raw_body = await request.read()
        try:
            body = orjson.loads(raw_body) if raw_body else None
        except orjson.JSONDecodeError:
            return bad_input(
                request, op, "MALFORMED_JSON", "request body is not valid JSON", "body"
            )
        if body is None and op["body"]["required"]:
            return bad_input(request, op, "MISSING_BODY", "a request body is required", "body")
        missing = _required_body(op["body"]["schema"], body) if body is not None else None
        if missing is not None:
            return bad_input(request, op, "MISSING_PARAMETER", f"{missing} is required", missing)
        for key, value in body.items() if isinstance(body, dict) else ():
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                params.setdefault(key, str(value))
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                params.setdefault(key, ",".join(value))
    return params
