"""What the simulator's HTTP handlers share: the app and request keys, JSON answers, the error
envelopes of conventions.md section 5 and the common parameter readers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

import orjson
from aiohttp import web

from aries_async.sim.auth import AccessGrant
from aries_async.sim.context import SimContext
from aries_async.sim.fault_kinds import ErrorFault

__all__ = [
    "CONTEXT_KEY",
    "GRANT_KEY",
    "REQUEST_ID_KEY",
    "Handler",
    "context_of",
    "drop_connection",
    "fault_error",
    "flat_error",
    "grant_of",
    "hold_answer",
    "int_param",
    "json_array_body",
    "json_body",
    "json_response",
    "nested_error",
    "per_symbol_response",
    "prediction_order_error",
    "request_id",
    "request_key",
    "route_template",
    "shaped_error",
    "symbols_param",
    "validation_error",
]

CONTEXT_KEY: web.AppKey[SimContext] = web.AppKey("aries_sim_context", SimContext)
"""``app[CONTEXT_KEY]`` is the :class:`SimContext` of the app."""


def request_key(name: str, kind: type) -> Any:
    """A key for a request's storage: ``web.RequestKey`` where aiohttp has it (3.14 on, which
    warns with ``NotAppKeyWarning`` about a plain string key, and under ``-W error`` that warning
    turns the request into a 500), else the string, as older versions expect."""
    typed = getattr(web, "RequestKey", None)
    return name if typed is None else typed(name, kind)


GRANT_KEY = request_key("aries_sim_grant", AccessGrant)
REQUEST_ID_KEY = request_key("aries_request_id", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """``data`` as a JSON answer (orjson)."""
    return web.Response(
        body=orjson.dumps(data), status=status, content_type="application/json", headers=headers
    )


def request_id(request: web.Request) -> str:
    """The request id the counting middleware gave the request."""
    value = request.get(REQUEST_ID_KEY)
    return value if isinstance(value, str) else "req-unknown"


def nested_error(
    request: web.Request,
    status: int,
    type_: str,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """The nested envelope ``{"error": {"type", "code", "message", "details", "request_id"}}``."""
    body = {"error": _error_object(request, type_, code, message, details), "meta": {}}
    return json_response(body, status, headers)


def _error_object(
    request: web.Request, type_: str, code: str, message: str, details: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "type": type_,
        "code": code,
        "message": message,
        "details": details or {},
        "request_id": request_id(request),
    }


PREDICTION_ORDERS = "/v1/predictions/orders"
"""Where the prediction-order service answers (its own envelope, conventions.md section 5 C)."""

_PREDICTION_TYPES = {
    "RATE_LIMIT": "rate_limit",
    "SERVICE_UNAVAILABLE": "unavailable",
    "TIMEOUT": "timeout",
}


def prediction_order_error(
    request: web.Request,
    status: int,
    type_: str,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """The prediction-order envelope ``{"success": false, "error": {"type", "code",
    "message", "details", "request_id"}}`` (``type`` lower-case: ``bad_request``...)."""
    error = _error_object(request, type_, code, message, details)
    return json_response({"success": False, "error": error}, status, headers)


def fault_error(
    request: web.Request,
    status: int,
    type_: str,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """An injected failure in the envelope of the service behind the path: the nested one,
    or the prediction-order one (its ``type`` lower-cased) under ``/v1/predictions/orders``."""
    path = request.path
    if path == PREDICTION_ORDERS or path.startswith(PREDICTION_ORDERS + "/"):
        kind = _PREDICTION_TYPES.get(type_, "internal")
        return prediction_order_error(request, status, kind, code, message, headers=headers)
    return nested_error(request, status, type_, code, message, headers=headers)


def flat_error(
    status: int, message: str, field: str | None = None, code: str = "INVALID_PARAMETER"
) -> web.Response:
    """The flat envelope ``{"error": "...", "codes": [...]}`` (order-history validation)."""
    body: dict[str, Any] = {"error": message}
    if field:
        body["codes"] = [{"code": code, "description": message, "field": field}]
    return json_response(body, status)


_STATUS_TYPES = {
    400: "VALIDATION",
    401: "AUTHENTICATION",
    403: "AUTHORIZATION",
    404: "NOT_FOUND",
    409: "CONFLICT",
    422: "VALIDATION",
    429: "RATE_LIMIT",
    503: "SERVICE_UNAVAILABLE",
    504: "TIMEOUT",
}
_LOWER_TYPES = {
    "VALIDATION": "bad_request",
    "BAD_REQUEST": "bad_request",
    "AUTHORIZATION": "authentication",
    "SERVICE_UNAVAILABLE": "unavailable",
}


def shaped_error(request: web.Request, fault: ErrorFault) -> web.Response:
    """``fault``'s status with its body in ``fault.shape`` (see
    :data:`~aries_async.sim.fault_kinds.ERROR_SHAPES`)."""
    status, shape, code, message = fault.status, fault.shape, fault.code, fault.message
    if shape == "empty":
        return web.Response(status=status)
    if shape == "html":
        page = f"<html><head><title>{status}</title></head><body><h1>{message}</h1><hr>"
        return web.Response(
            status=status, text=page + "gateway</body></html>", content_type="text/html"
        )
    if shape in ("flat", "flat_bare"):
        body: dict[str, Any] = {"error": message, "metadata": {}}
        if shape == "flat":
            body["codes"] = [{"code": code, "description": message, "field": "sim"}]
        return json_response(body, status)
    if shape == "legacy":
        return json_response({"error": code, "message": message}, status)
    type_ = fault.type or _STATUS_TYPES.get(status, "INTERNAL" if status >= 500 else "BAD_REQUEST")
    if shape == "nested":
        return nested_error(request, status, type_, code, message)
    if shape == "prediction_order":
        kind = fault.type or _LOWER_TYPES.get(type_, type_.lower())
        return prediction_order_error(request, status, kind, code, message)
    error = _error_object(request, type_, code, message, None)
    error.update(service="prediction-markets", operation=route_template(request))
    return json_response({"success": False, "error": error}, status)


def context_of(request: web.Request) -> SimContext:
    """The :class:`~aries_async.sim.context.SimContext` serving the request."""
    return request.app[CONTEXT_KEY]


def route_template(request: web.Request) -> str:
    """The route's template (``/v2/accounts/{id}/balance``), or the path when unrouted."""
    resource = request.match_info.route.resource
    if resource is None:
        return request.path
    return resource.canonical


def validation_error(
    request: web.Request, code: str, message: str, field: str | None = None
) -> web.Response:
    """A 400 ``VALIDATION`` nested error naming the field at fault."""
    return nested_error(
        request, 400, "VALIDATION", code, message, {"field": field} if field else None
    )


def drop_connection(request: web.Request) -> NoReturn:
    """Close the request's connection without an answer (the client sees a reset)."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    raise asyncio.CancelledError


async def hold_answer(
    request: web.Request, seconds: float | None = None, *, until: asyncio.Event | None = None
) -> None:
    """Hold ``request``'s answer for ``seconds`` (None: for as long as the simulator runs), or
    until ``until`` is set, whichever comes first.

    When the simulator stops meanwhile, the connection is closed without an answer (as a
    dying server does) at once, rather than holding the server's shutdown for its grace period.
    """
    stopping = context_of(request).stopping
    if until is None:
        try:
            await asyncio.wait_for(stopping.wait(), seconds)
        except TimeoutError:
            return
    else:
        waits = [asyncio.ensure_future(stopping.wait()), asyncio.ensure_future(until.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        if not stopping.is_set():
            return
    drop_connection(request)


def int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter in ``[low, high]``; ValueError when malformed."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw)  # ValueError handled by the callers
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


async def _json_of(request: web.Request, kind: type, what: str) -> Any:
    try:
        data = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        return nested_error(
            request, 400, "BAD_REQUEST", "MALFORMED_JSON", "request body is not valid JSON"
        )
    if not isinstance(data, kind):
        return nested_error(
            request, 400, "BAD_REQUEST", "MALFORMED_JSON", f"request body must be {what}"
        )
    return data


async def json_body(request: web.Request) -> dict[str, Any] | web.Response:
    """The request's JSON object body, or the 400 answer to send instead."""
    body: dict[str, Any] | web.Response = await _json_of(request, dict, "an object")
    return body


async def json_array_body(request: web.Request) -> list[Any] | web.Response:
    """The request's JSON array body, or the 400 answer to send instead."""
    body: list[Any] | web.Response = await _json_of(request, list, "an array")
    return body


def symbols_param(request: web.Request) -> list[str] | web.Response:
    """The ``symbols`` query parameter as upper-case tickers, or the 400 when there are none."""
    raw = request.query.get("symbols", "")
    symbols = [s.strip().upper() for s in raw.split(",") if s.strip()]
    if not symbols:
        return validation_error(request, "MISSING_SYMBOLS", "symbols is required", "symbols")
    return symbols


def per_symbol_response(
    request: web.Request, detail: Callable[[str], dict[str, Any] | str]
) -> web.Response:
    """The answer of a ``?symbols=`` details route: ``{"data": [...], "errors": [...]}``, with
    ``detail(symbol)`` giving each symbol's item, or the text of its error (the 400 when no
    symbol is given)."""
    symbols = symbols_param(request)
    if isinstance(symbols, web.Response):
        return symbols
    data: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for symbol in symbols:
        item = detail(symbol)
        if isinstance(item, str):
            errors.append({"symbol": symbol, "error": item})
        else:
            data.append(item)
    return json_response({"data": data, "errors": errors})


def grant_of(request: web.Request) -> AccessGrant | None:
    """The validated token grant of an authenticated request (None on public routes)."""
    grant = request.get(GRANT_KEY)
    return grant if isinstance(grant, AccessGrant) else None
