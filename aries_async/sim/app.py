"""The simulator's aiohttp application: OAuth pages, the token endpoint and the core REST API.

:func:`build_app` wires every route onto a :class:`~aries_async.sim.context.SimContext` and
calls :func:`aries_async.sim.ws.setup` for the websockets. Middlewares, outermost first:

1. counting (``ctx.requests``), the journal of requests as received (``ctx.journal``; no
   headers, no OAuth bodies), a request id (``X-Request-Id``) and JSON 404/405 envelopes;
2. faults: latency, 429 with ``Retry-After``, 5xx bursts (see :mod:`aries_async.sim.faults`);
3. bearer-token and scope checks (401 for missing/expired/revoked tokens, 403 naming the
   missing scope), using :data:`ROUTE_SCOPES` (oauth.md section 4).

Error bodies follow conventions.md section 5: the flat ``{"error": "..."}`` shape for order
history parameter validation, the nested ``{"error": {"type", "code", "message", ...}}`` shape
everywhere else, RFC 6749 bodies on the token endpoint, and optionally empty 5xx bodies.
"""

from __future__ import annotations

import asyncio
import html
import math
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn
from urllib.parse import urlencode

import orjson
from aiohttp import web

from aries_async.sim import ws
from aries_async.sim.auth import AccessGrant, OAuthError, TokenProblem
from aries_async.sim.context import HOLIDAYS, RecordedRequest, SimContext
from aries_async.sim.faults import NON_ACK_MODES, is_oauth_path, route_matches
from aries_async.sim.feed import NEW_YORK, UnknownSymbolError, parse_resolution, round_price
from aries_async.sim.state import (
    AccountNotFoundError,
    OrderNotFoundError,
    OrderRequestError,
)
from aries_async.sim.symbols import SymbolInfo

__all__ = ["CONTEXT_KEY", "ROUTE_SCOPES", "build_app", "flat_error", "nested_error"]

CONTEXT_KEY: web.AppKey[SimContext] = web.AppKey("aries_sim_context", SimContext)
"""``app[CONTEXT_KEY]`` is the :class:`SimContext` of the app."""


def _request_key(name: str, kind: type) -> Any:
    """A key for a request's storage: ``web.RequestKey`` where aiohttp has it (3.14 on, which
    warns with ``NotAppKeyWarning`` about a plain string key, and under ``-W error`` that warning
    turns the request into a 500), else the string, as older versions expect."""
    typed = getattr(web, "RequestKey", None)
    return name if typed is None else typed(name, kind)


_GRANT_KEY = _request_key("aries_sim_grant", AccessGrant)
_REQUEST_ID_KEY = _request_key("aries_request_id", str)

_MARKET_INFO = ("market:information",)
_SUPPLEMENTAL = ("market:supplemental",)
ROUTE_SCOPES: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/v1/users/me"): ("user:information",),
    ("GET", "/v2/users/me/accounts"): ("account:information",),
    ("GET", "/v2/accounts/{id}/balance"): ("account:information",),
    ("GET", "/v1/accounts/{id}/positions"): ("position:information", "account:information"),
    ("GET", "/v2/accounts/{id}/orders"): ("order:information",),
    ("GET", "/v2/accounts/{id}/orders/history"): ("order:information",),
    ("POST", "/v1/orders"): ("order:execution",),
    ("POST", "/v1/orders/preview"): ("order:execution",),
    ("POST", "/v1/orders/replace"): ("order:execution",),
    ("POST", "/v1/orders/cancel"): ("order:execution",),
    ("GET", "/v1/marketdata/search"): _MARKET_INFO,
    ("GET", "/v1/marketdata/equities/details"): _MARKET_INFO,
    ("GET", "/v1/marketdata/options/details"): _MARKET_INFO,
    ("GET", "/v1/chart/search"): _MARKET_INFO,
    ("GET", "/v1/chart/quotes"): _MARKET_INFO,
    ("GET", "/v1/chart/history"): _MARKET_INFO,
    ("GET", "/v1/chart/config"): _MARKET_INFO,
    ("GET", "/v1/chart/symbols"): _MARKET_INFO,
    ("GET", "/v1/chart/time"): _MARKET_INFO,
    ("GET", "/v1/etb"): _MARKET_INFO,
    ("POST", "/v1/etb/search"): _MARKET_INFO,
    ("GET", "/v1/market/status"): _SUPPLEMENTAL,
    ("GET", "/v1/market/holiday"): _SUPPLEMENTAL,
    ("GET", "/v1/options/{symbol}/expiry-dates"): _SUPPLEMENTAL,
    ("GET", "/v1/options/{symbol}/contracts/{expiryDate}"): _SUPPLEMENTAL,
}
"""Scopes accepted per route (any one suffices). Routes not listed need no token."""

_EXCHANGES = frozenset(
    {
        "US",
        "L",
        "T",
        "HK",
        "TO",
        "V",
        "PA",
        "DE",
        "F",
        "MI",
        "MC",
        "AS",
        "BR",
        "SW",
        "ST",
        "CO",
        "OL",
        "HE",
        "VI",
        "LS",
        "IR",
        "WA",
        "AX",
        "NZ",
        "SS",
        "SZ",
        "KS",
        "KQ",
        "TW",
        "SI",
        "BK",
        "JK",
        "KL",
        "NS",
        "BO",
        "SA",
        "MX",
        "JO",
        "TA",
        "SR",
    }
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# -- response helpers ------------------------------------------------------------------------


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(data), status=status, content_type="application/json", headers=headers
    )


def _request_id(request: web.Request) -> str:
    value = request.get(_REQUEST_ID_KEY)
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
    body = {
        "error": {
            "type": type_,
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": _request_id(request),
        },
        "meta": {},
    }
    return _json(body, status, headers)


def flat_error(
    status: int, message: str, field: str | None = None, code: str = "INVALID_PARAMETER"
) -> web.Response:
    """The flat envelope ``{"error": "...", "codes": [...]}`` (order-history validation)."""
    body: dict[str, Any] = {"error": message}
    if field:
        body["codes"] = [{"code": code, "description": message, "field": field}]
    return _json(body, status)


def _ctx(request: web.Request) -> SimContext:
    return request.app[CONTEXT_KEY]


def _template(request: web.Request) -> str:
    resource = request.match_info.route.resource
    if resource is None:
        return request.path
    return resource.canonical


def _validation(
    request: web.Request, code: str, message: str, field: str | None = None
) -> web.Response:
    return nested_error(
        request, 400, "VALIDATION", code, message, {"field": field} if field else None
    )


# -- middlewares -------------------------------------------------------------------------------


@web.middleware
async def _count_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = _ctx(request)
    request[_REQUEST_ID_KEY] = "req-" + secrets.token_hex(6)
    template = _template(request)
    ctx.requests[(request.method, request.path)] += 1
    if template != request.path:
        ctx.requests[(request.method, template)] += 1
    secret = is_oauth_path(request.path)
    body = await request.read() if request.can_read_body and not secret else b""
    ctx.journal.append(
        RecordedRequest(
            request.method,
            request.rel_url.raw_path,
            tuple(request.query.items()),
            body,
            request.content_type if body else "",
        )
    )
    try:
        response = await handler(request)
    except web.HTTPNotFound:
        return nested_error(request, 404, "NOT_FOUND", "ROUTE_NOT_FOUND", "no such route")
    except web.HTTPMethodNotAllowed:
        return nested_error(request, 405, "BAD_REQUEST", "METHOD_NOT_ALLOWED", "method not allowed")
    if not response.prepared:
        response.headers.setdefault("X-Request-Id", _request_id(request))
    return response


def _retry_after_headers(seconds: float) -> dict[str, str]:
    headers = {"Retry-After": str(max(0, math.ceil(seconds)))}
    if seconds != int(seconds):
        headers["retry-after-ms"] = str(int(seconds * 1000))
    return headers


def _drop(request: web.Request) -> NoReturn:
    """Close the request's connection without an answer (the client sees a reset)."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    raise asyncio.CancelledError


@web.middleware
async def _fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = _ctx(request)
    faults = ctx.faults
    method, path, template = request.method, request.path, _template(request)
    delay = faults.latency + sum(
        seconds
        for key, seconds in faults.route_latency.items()
        if route_matches(key, method, path, template)
    )
    if delay > 0:
        await asyncio.sleep(delay)
    for key, limit in list(faults.rate_limit.items()):
        if route_matches(key, method, path, template) and (limit.count is None or limit.count > 0):
            if limit.count is not None:
                limit.count -= 1
                if limit.count == 0:
                    faults.rate_limit.pop(key, None)
            return nested_error(
                request,
                429,
                "RATE_LIMIT",
                "RATE_LIMITED",
                "too many requests (simulated)",
                headers=_retry_after_headers(limit.retry_after),
            )
    for key, left in list(faults.drop_connection.items()):
        if route_matches(key, method, path, template) and left > 0:
            if left == 1:
                faults.drop_connection.pop(key, None)
            else:
                faults.drop_connection[key] = left - 1
            _drop(request)
    for key, burst in list(faults.server_errors.items()):
        if route_matches(key, method, path, template) and (burst.count is None or burst.count > 0):
            if burst.count is not None:
                burst.count -= 1
                if burst.count == 0:
                    faults.server_errors.pop(key, None)
            if burst.empty_body:
                return web.Response(status=burst.status)
            kind = (
                "SERVICE_UNAVAILABLE"
                if burst.status == 503
                else ("TIMEOUT" if burst.status == 504 else "INTERNAL")
            )
            return nested_error(
                request, burst.status, kind, "SIMULATED_FAILURE", "simulated server failure"
            )
    response = await handler(request)
    for key, size in faults.huge_body.items():
        if (
            route_matches(key, method, path, template)
            and isinstance(response, web.Response)
            and response.status == 200
        ):
            return await _huge(request, response, size, chunked=faults.huge_body_chunked)
    for key, gap in faults.trickle_body.items():
        if route_matches(key, method, path, template) and isinstance(response, web.Response):
            return await _trickle(request, response, gap)
    return response


def _body_of(response: web.Response) -> bytes:
    body = response.body
    return body if isinstance(body, bytes) else b""


def _stream_like(response: web.Response) -> web.StreamResponse:
    stream = web.StreamResponse(status=response.status, headers=response.headers)
    stream.headers.popall("Content-Length", None)
    stream.content_type = response.content_type
    return stream


def _grown(body: bytes, size: int) -> bytes:
    """A JSON ``body`` grown towards ``size`` bytes by repeating each of its top-level lists (a
    body that is a list is repeated itself), so that it keeps its documented shape; at most
    ``size`` bytes unless the body was larger already. Other bodies come back as they are."""
    data = orjson.loads(body)
    if not isinstance(data, list) and not (
        isinstance(data, dict) and any(isinstance(v, list) and v for v in data.values())
    ):
        return body  # nothing to repeat

    def repeated(times: int) -> bytes:
        if isinstance(data, list):
            return orjson.dumps(data * times)
        return orjson.dumps({k: v * times if isinstance(v, list) else v for k, v in data.items()})

    times = max(1, size // len(body))
    grown = repeated(times)
    while len(grown) > size and times > 1:  # the fixed part of the body: a round or two
        times = max(1, times * size // len(grown) - 1)
        grown = repeated(times)
    return grown if len(grown) <= size else body


async def _huge(
    request: web.Request, response: web.Response, size: int, *, chunked: bool
) -> web.StreamResponse:
    """``response`` grown to ``size`` bytes (the ``huge_body`` fault): lists repeated, then
    trailing white space (valid JSON still); sent with ``Content-Length`` or chunked."""
    body = _body_of(response)
    if body and response.content_type == "application/json":
        body = _grown(body, size)
    padding = max(0, size - len(body))
    if not chunked:
        response.body = body + b" " * padding
        return response
    stream = _stream_like(response)
    stream.enable_chunked_encoding()
    await stream.prepare(request)
    await stream.write(body)
    piece = b" " * 65536
    while padding > 0:
        await stream.write(piece[:padding])
        padding -= len(piece)
    await stream.write_eof()
    return stream


async def _trickle(request: web.Request, response: web.Response, gap: float) -> web.StreamResponse:
    """``response`` sent one byte every ``gap`` seconds (its Content-Length announced)."""
    body = _body_of(response)
    stream = _stream_like(response)
    stream.content_length = len(body)
    await stream.prepare(request)
    try:
        for index in range(len(body)):
            await stream.write(body[index : index + 1])
            await asyncio.sleep(gap)
        await stream.write_eof()
    except ConnectionError:  # the client gave up: that is what the fault is for
        pass
    return stream


@web.middleware
async def _auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = _ctx(request)
    scopes = ROUTE_SCOPES.get((request.method, _template(request)))
    if scopes is None:
        return await handler(request)
    result = ctx.auth.check(request.headers.get("Authorization"), scopes)
    if isinstance(result, TokenProblem):
        if result.status == 403:
            return nested_error(
                request,
                403,
                "AUTHORIZATION",
                result.code,
                result.message,
                {"required_scope": result.missing_scope},
            )
        return nested_error(
            request,
            401,
            "AUTHENTICATION",
            result.code,
            result.message,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    request[_GRANT_KEY] = result
    ctx.authenticated_requests += 1
    faults = ctx.faults
    if faults.revoke_tokens_after is not None:
        faults.revoke_tokens_after -= 1
        if faults.revoke_tokens_after <= 0:
            faults.revoke_tokens_after = None
            ctx.auth.revoke_all()
    return await handler(request)


# -- OAuth -------------------------------------------------------------------------------------


def _redirect(uri: str, params: dict[str, str]) -> web.Response:
    separator = "&" if "?" in uri else "?"
    location = uri + separator + urlencode(params)
    return web.Response(status=302, headers={"Location": location})


def _authorize_params(params: Any, ctx: SimContext) -> tuple[dict[str, str], web.Response | None]:
    """Validate an authorization request; returns (params, error response or None)."""
    values = {
        k: str(params.get(k, ""))
        for k in (
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
        )
    }
    client = ctx.auth.client_for(values["client_id"])
    if client is None:
        return values, _json(
            {"error": "invalid_client", "error_description": "unknown client_id"}, 400
        )
    if values["redirect_uri"] not in client.redirect_uris:
        return values, _json(
            {
                "error": "invalid_request",
                "error_description": "redirect_uri is not registered for this client",
            },
            400,
        )

    def fail(error: str, description: str) -> web.Response:
        params = {"error": error, "error_description": description}
        if values["state"]:
            params["state"] = values["state"]
        return _redirect(values["redirect_uri"], params)

    if values["response_type"] != "code":
        return values, fail("unsupported_response_type", "response_type must be code")
    if not values["state"]:
        return values, fail("invalid_request", "state is required")
    try:
        ctx.auth.parse_scopes(values["scope"], required=True)
    except OAuthError as exc:
        return values, fail(exc.error, exc.description)
    method = values["code_challenge_method"]
    if values["code_challenge"] and method not in ("", "S256", "plain"):
        return values, fail("invalid_request", "code_challenge_method must be S256 or plain")
    if method and not values["code_challenge"]:
        return values, fail(
            "invalid_request", "code_challenge is required with code_challenge_method"
        )
    return values, None


def _approve(ctx: SimContext, values: dict[str, str]) -> web.Response:
    scopes = ctx.auth.parse_scopes(values["scope"], required=True)
    code = ctx.auth.issue_code(
        client_id=values["client_id"],
        redirect_uri=values["redirect_uri"],
        scopes=scopes,
        code_challenge=values["code_challenge"] or None,
        code_challenge_method=values["code_challenge_method"] or None,
    )
    return _redirect(values["redirect_uri"], {"code": code, "state": values["state"]})


_CONSENT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Aries Simulator - authorize</title></head>
<body style="font-family: sans-serif; max-width: 34em; margin: 3em auto">
<h1>Authorize {client_name}</h1>
<p>{client_name} asks for access to your simulated Aries accounts:</p>
<ul>{scope_items}</ul>
<form method="post" action="/oauth2/authorize">
{hidden}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
<p><small>Local simulator: no real account or money is involved.</small></p>
</body></html>
"""


async def _authorize_page(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    values, error = _authorize_params(request.query, ctx)
    if error is not None:
        return error
    if ctx.settings.auto_approve:
        return _approve(ctx, values)
    hidden = "\n".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v, quote=True)}">'
        for k, v in values.items()
        if v
    )
    items = "".join(f"<li>{html.escape(s)}</li>" for s in values["scope"].split())
    page = _CONSENT_PAGE.format(
        client_name=html.escape(ctx.auth.client.name), scope_items=items, hidden=hidden
    )
    return web.Response(text=page, content_type="text/html")


async def _authorize_decision(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    form = await request.post()
    values, error = _authorize_params(form, ctx)
    if error is not None:
        return error
    if form.get("decision") != "approve":
        return _redirect(
            values["redirect_uri"],
            {
                "error": "access_denied",
                "error_description": "the user denied access",
                "state": values["state"],
            },
        )
    return _approve(ctx, values)


async def _token(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    ctx.token_requests += 1
    hold = ctx.faults.hold_token_requests
    if hold is not None:
        await hold.wait()
    fields: dict[str, str] = {}
    try:
        if request.content_type == "application/json":
            data = orjson.loads(await request.read())
            if not isinstance(data, dict):
                raise ValueError("body must be an object")
            fields = {str(k): str(v) for k, v in data.items() if v is not None}
        else:
            form = await request.post()
            fields = {k: str(v) for k, v in form.items()}
    except ValueError:
        return _json({"error": "invalid_request", "error_description": "malformed body"}, 400)
    basic = request.headers.get("Authorization", "")
    if basic.lower().startswith("basic "):
        import base64

        try:
            user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
        except ValueError:
            user, password = "", ""
        fields.setdefault("client_id", user)
        fields.setdefault("client_secret", password)
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    try:
        body = ctx.auth.token_request(fields)
    except OAuthError as exc:
        return _json(exc.body(), exc.status, headers)
    return _json(body, 200, headers)


# -- users and accounts ------------------------------------------------------------------------


async def _users_me(request: web.Request) -> web.StreamResponse:
    return _json(_ctx(request).state.user())


async def _accounts(request: web.Request) -> web.StreamResponse:
    state = _ctx(request).state
    return _json({"accounts": [a.wire() for a in state.accounts.values()]})


def _account_or_error(request: web.Request) -> str | web.Response:
    account_id = request.match_info["id"]
    if not account_id or len(account_id) > 50:
        return _validation(
            request, "INVALID_ACCOUNT_ID", "account id must be 1-50 characters", "id"
        )
    if account_id not in _ctx(request).state.accounts:
        return nested_error(
            request, 404, "NOT_FOUND", "ACCOUNT_NOT_FOUND", f"account {account_id} not found"
        )
    return account_id


async def _balance(request: web.Request) -> web.StreamResponse:
    account = _account_or_error(request)
    if isinstance(account, web.Response):
        return account
    return _json(_ctx(request).state.balance_wire(account))


async def _positions(request: web.Request) -> web.StreamResponse:
    account = _account_or_error(request)
    if isinstance(account, web.Response):
        return account
    ctx = _ctx(request)
    if ctx.faults.positions_unavailable:
        return nested_error(
            request,
            503,
            "SERVICE_UNAVAILABLE",
            "POSITIONS_UNAVAILABLE",
            "position read model unavailable",
        )
    return _json({"positions": ctx.state.positions_wire(account)})


def _int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw)  # ValueError handled by the callers
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


def _page(orders: list[Any], cursor: int, limit: int, *, cycle: bool) -> tuple[list[Any], int]:
    chunk = orders[cursor : cursor + limit]
    following = cursor + limit
    if following < len(orders):
        return chunk, following
    # Faults.cycle_cursors: the last page sends the client back to the second one.
    return chunk, limit if cycle and len(orders) > limit else 0


async def _active_orders(request: web.Request) -> web.StreamResponse:
    account = _account_or_error(request)
    if isinstance(account, web.Response):
        return account
    try:
        limit = _int_param(request, "limit", 50, 1, 500)
        cursor = _int_param(request, "cursor", 0, 0, 2**62)
    except ValueError as exc:
        return _validation(request, "INVALID_PARAMETER", str(exc))
    ctx = _ctx(request)
    orders = ctx.state.active_orders(account)
    chunk, following = _page(orders, cursor, limit, cycle=ctx.faults.cycle_cursors)
    listed: list[Any] | None = [o.wire() for o in chunk]
    if not listed and ctx.faults.null_active_orders:
        listed = None
    return _json({"orders": listed, "nextCursor": following})


def _parse_time(text: str) -> datetime:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("time zone required")
    return parsed.astimezone(UTC)


async def _order_history(request: web.Request) -> web.StreamResponse:
    account = _account_or_error(request)
    if isinstance(account, web.Response):
        return account
    ctx = _ctx(request)
    query = request.query
    if not query.get("from"):
        return flat_error(400, "from is required", "from", "MISSING_PARAMETER")
    try:
        start = _parse_time(query["from"])
    except ValueError:
        return flat_error(400, "from must be an RFC 3339 date-time with a zone", "from")
    now = datetime.fromtimestamp(ctx.clock.now(), UTC).replace(second=0, microsecond=0)
    if query.get("to"):
        try:
            end = _parse_time(query["to"])
        except ValueError:
            return flat_error(400, "to must be an RFC 3339 date-time with a zone", "to")
    else:
        end = now
    exclude_today = query.get("exclude_today", "false").lower()
    if exclude_today not in ("true", "false", "1", "0"):
        return flat_error(400, "exclude_today must be true or false", "exclude_today")
    if exclude_today in ("true", "1"):
        local_midnight = datetime.fromtimestamp(ctx.clock.now(), NEW_YORK).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        end = min(end, local_midnight.astimezone(UTC) - timedelta(microseconds=1))
    if end < start:
        return flat_error(400, "to must not be before from", "to")
    if end - start > timedelta(days=90):
        return flat_error(
            400, "the range from..to must not exceed 90 days", "from", "RANGE_TOO_LARGE"
        )
    order_by = query.get("order_by", "desc").lower()
    if order_by not in ("asc", "desc"):
        return flat_error(400, "order_by must be asc or desc", "order_by")
    try:
        limit = _int_param(request, "limit", 50, 1, 500)
        cursor = _int_param(request, "cursor", 0, 0, 2**62)
    except ValueError as exc:
        return flat_error(400, str(exc), "limit")
    orders = ctx.state.history(
        account, start.timestamp(), end.timestamp(), ascending=order_by == "asc"
    )
    chunk, following = _page(orders, cursor, limit, cycle=ctx.faults.cycle_cursors)
    return _json({"orders": [o.wire() for o in chunk], "nextCursor": following})


# -- orders ------------------------------------------------------------------------------------


async def _json_body(request: web.Request) -> dict[str, Any] | web.Response:
    try:
        data = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        return nested_error(
            request, 400, "BAD_REQUEST", "MALFORMED_JSON", "request body is not valid JSON"
        )
    if not isinstance(data, dict):
        return nested_error(
            request, 400, "BAD_REQUEST", "MALFORMED_JSON", "request body must be an object"
        )
    return data


def _order_call(operation: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        ctx = _ctx(request)
        body = await _json_body(request)
        if isinstance(body, web.Response):
            return body
        action = getattr(ctx.state, operation)
        try:
            result = action(body)
        except OrderRequestError as exc:
            return _validation(request, exc.code, exc.message, exc.field)
        except AccountNotFoundError as exc:
            return nested_error(
                request, 404, "NOT_FOUND", "ACCOUNT_NOT_FOUND", f"account {exc.args[0]} not found"
            )
        except OrderNotFoundError as exc:
            return nested_error(
                request, 404, "NOT_FOUND", "ORDER_NOT_FOUND", f"order {exc.args[0]} not found"
            )
        if operation == "place" and ctx.faults.swallow_order_response > 0:
            ctx.faults.swallow_order_response -= 1
            if ctx.faults.swallow_mode == "hang":
                await asyncio.Event().wait()
            if ctx.faults.swallow_mode in NON_ACK_MODES:  # answered, but not with an ack
                return _non_ack(ctx.faults.swallow_mode, result)
            _drop(request)  # the order exists; nobody hears about it
        return _json(result)

    return handler


# -- market data -------------------------------------------------------------------------------


def _non_ack(mode: str, ack: Any) -> web.Response:
    """A 200 to an executed order whose body is not an order acknowledgement (see
    :data:`~aries_async.sim.faults.NON_ACK_MODES`)."""
    if mode == "garble":
        return web.Response(
            status=200, body=b"<html>upstream error</html>", content_type="text/html"
        )
    if mode == "blank":
        return web.Response(status=200)
    bodies: dict[str, Any] = {
        "empty": {},
        "message": {"message": "ok"},
        "envelope": {"data": ack},
        "array": [],
        "null": None,
    }
    return _json(bodies[mode])


def _symbols_param(request: web.Request) -> list[str]:
    raw = request.query.get("symbols", "")
    return [s.strip().upper() for s in raw.split(",") if s.strip()]


def _quote_values(ctx: SimContext, info: SymbolInfo) -> dict[str, Any]:
    snap = ctx.feed.quote(info.symbol)
    return {
        "lp": snap.last,
        "bid": snap.bid,
        "ask": snap.ask,
        "ch": snap.change,
        "chp": snap.change_percent,
        "volume": snap.volume,
        "open_price": snap.open,
        "high_price": snap.high,
        "low_price": snap.low,
        "prev_close_price": snap.prev_close,
        "short_name": info.symbol,
        "description": info.name,
        "exchange": info.exchange,
    }


async def _quotes(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    symbols = _symbols_param(request)
    if not symbols:
        return _validation(request, "MISSING_SYMBOLS", "symbols is required", "symbols")
    unknown = ctx.settings.quote_unknown
    missing = [s for s in symbols if ctx.feed.symbols.get(s) is None]
    if unknown in ("400", "404") and missing:
        bad = ",".join(missing)
        if unknown == "400":
            return _validation(request, "INVALID_SYMBOL", f"unknown symbol {bad}", "symbols")
        return nested_error(request, 404, "NOT_FOUND", "SYMBOL_NOT_FOUND", f"unknown symbol {bad}")
    items: list[dict[str, Any]] = []
    for symbol in symbols:
        info = ctx.feed.symbols.get(symbol)
        if info is None:
            if unknown != "omit":
                error = f"unknown symbol {symbol}"
                items.append({"n": symbol, "s": "error", "errmsg": error, "v": {}})
        elif ctx.settings.quote_symbol_in == "s":
            items.append({"n": info.name, "s": info.symbol, "v": _quote_values(ctx, info)})
        else:
            items.append({"n": info.symbol, "s": "ok", "v": _quote_values(ctx, info)})
    if not items:
        return _json({"s": "error", "errmsg": "no known symbol"})
    ok = any(item["s"] != "error" for item in items)
    return _json({"s": "ok" if ok else "error", "d": items})


def _chart_error(message: str) -> web.Response:
    return _json({"s": "error", "errmsg": message})


async def _history(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    query = request.query
    symbol = query.get("symbol", "").strip().upper()
    if not symbol:
        return _chart_error("symbol is required")
    resolution = parse_resolution(query.get("resolution", ""))
    if resolution is None:
        return _chart_error("unsupported resolution")
    try:
        start, end = int(query["from"]), int(query["to"])
    except (KeyError, ValueError):
        return _chart_error("from and to are required Unix timestamps")
    if start >= 10**11:
        start //= 1000
    if end >= 10**11:
        end //= 1000
    if end <= start:
        return _chart_error("to must be greater than from")
    if end < 0:
        return _json({"s": "no_data", "errmsg": "range is before the epoch"})
    if not ctx.feed.has(symbol):
        return _chart_error(f"unknown symbol {symbol}")
    try:
        bars = ctx.feed.bars(symbol, resolution, max(start, 0), end)
    except UnknownSymbolError:
        return _chart_error(f"unknown symbol {symbol}")
    if not bars:
        body: dict[str, Any] = {"s": "no_data", "errmsg": "no bars in requested range"}
        earlier = ctx.feed.bars(symbol, resolution, 0, start - 1) if start > 0 else []
        if earlier:
            body["nextTime"] = earlier[-1].time
        return _json(body)
    page = ctx.settings.history_page_size
    next_time: int | None = None
    if page is not None and len(bars) > page:
        # The rest of the range is there: the next bar's time, where the next page starts (as
        # in the documented example, nextTime = the last bar + one bar).
        next_time = bars[0].time if ctx.faults.history_stuck_continuation else bars[page].time
        bars = bars[:page]
    body = {
        "s": "ok",
        "t": [b.time for b in bars],
        "o": [b.open for b in bars],
        "h": [b.high for b in bars],
        "l": [b.low for b in bars],
        "c": [b.close for b in bars],
        "v": [b.volume for b in bars],
    }
    if next_time is not None:
        body["nextTime"] = next_time
    return _json(body)


def _search_results(ctx: SimContext, query: str, limit: int) -> list[dict[str, str]]:
    if query.startswith("."):
        return _option_search(ctx, query[1:].upper(), limit)
    return [
        {"symbol": i.symbol, "description": i.name, "tag": i.mic, "type": i.search_type}
        for i in ctx.feed.symbols.search(query, limit)
    ]


def _searched(request: web.Request) -> list[dict[str, str]] | web.StreamResponse:
    """The search results for ``query`` and ``limit``, or the validation error response."""
    query = request.query.get("query", "")
    if not query.strip():
        return _validation(request, "MISSING_QUERY", "query is required", "query")
    try:
        limit = _int_param(request, "limit", 20, 1, 100)
    except ValueError as exc:
        return _validation(request, "INVALID_PARAMETER", str(exc), "limit")
    return _search_results(_ctx(request), query.strip(), limit)


async def _search(request: web.Request) -> web.StreamResponse:
    results = _searched(request)
    return results if isinstance(results, web.StreamResponse) else _json(results)


async def _chart_search(request: web.Request) -> web.StreamResponse:
    results = _searched(request)
    if isinstance(results, web.StreamResponse):
        return results
    return _json(
        [
            {
                "symbol": r["symbol"],
                "ticker": r["symbol"],
                "description": r["description"],
                "exchange": r["tag"],
                "type": r["type"],
            }
            for r in results
        ]
    )


_RESOLUTION_LIST = [
    "1",
    "3",
    "5",
    "15",
    "30",
    "45",
    "60",
    "120",
    "180",
    "240",
    "1D",
    "1W",
    "1M",
    "3M",
    "6M",
    "12M",
]


async def _chart_config(request: web.Request) -> web.StreamResponse:
    return _json(
        {
            "supported_resolutions": _RESOLUTION_LIST,
            "intraday_multipliers": ["1", "3", "5", "15", "30", "45", "60", "120", "180", "240"],
            "daily_multipliers": ["1"],
            "weekly_multipliers": ["1"],
            "monthly_multipliers": ["1", "3", "6", "12"],
            "has_intraday": True,
            "has_daily": True,
            "has_weekly_and_monthly": True,
            "supports_search": True,
            "supports_group_request": False,
            "supports_marks": False,
            "supports_timescale_marks": False,
            "supports_time": True,
        }
    )


async def _chart_symbol(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    info = ctx.feed.symbols.get(request.query.get("symbol", ""))
    if info is None:
        return nested_error(request, 404, "NOT_FOUND", "SYMBOL_NOT_FOUND", "unknown symbol")
    return _json(
        {
            "name": info.symbol,
            "ticker": info.symbol,
            "description": info.name,
            "type": info.search_type,
            "exchange": info.exchange,
            "listed_exchange": info.exchange,
            "timezone": "America/New_York",
            "session": "0930-1600",
            "pricescale": 100,
            "minmov": 1,
            "format": "price",
            "has_intraday": True,
            "has_daily": True,
            "has_seconds": False,
            "has_ticks": False,
            "has_weekly_and_monthly": True,
            "supported_resolutions": _RESOLUTION_LIST,
            "intraday_multipliers": ["1", "3", "5", "15", "30", "45", "60", "120", "180", "240"],
            "daily_multipliers": ["1"],
            "weekly_multipliers": ["1"],
            "monthly_multipliers": ["1", "3", "6", "12"],
            "visible_plots_set": "ohlcv",
            "volume_precision": 0,
            "subsession_id": "regular",
            "subsessions": None,
        }
    )


async def _chart_time(request: web.Request) -> web.StreamResponse:
    return web.Response(text=str(int(_ctx(request).clock.now())), content_type="text/plain")


async def _equity_details(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    symbols = _symbols_param(request)
    if not symbols:
        return _validation(request, "MISSING_SYMBOLS", "symbols is required", "symbols")
    data: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for symbol in symbols:
        info = ctx.feed.symbols.get(symbol)
        if info is None:
            errors.append({"symbol": symbol, "error": "symbol not found"})
            continue
        snap = ctx.feed.quote(info.symbol)
        stamp = datetime.fromtimestamp(snap.time, UTC).isoformat().replace("+00:00", "Z")
        data.append(
            {
                "symbol": info.symbol,
                "name": info.name,
                "instrumentType": "Index" if info.kind == "index" else "Equity",
                "price": snap.last,
                "lastPrice": snap.last,
                "bidPrice": snap.bid,
                "bidSize": snap.bid_size,
                "askPrice": snap.ask,
                "askSize": snap.ask_size,
                "midPrice": snap.mid,
                "spread": round(snap.ask - snap.bid, 4),
                "openPrice": snap.open,
                "highPrice": snap.high,
                "lowPrice": snap.low,
                "closePrice": snap.prev_close,
                "netChange": snap.change,
                "totalVolume": snap.volume,
                "tradeTimestamp": stamp,
                "quoteTimestamp": stamp,
                "hasOptions": info.optionable,
                "isETF": info.is_etf,
            }
        )
    return _json({"data": data, "errors": errors})


# -- options -------------------------------------------------------------------------------------


def _expiries(ctx: SimContext) -> list[date]:
    today = datetime.fromtimestamp(ctx.clock.now(), NEW_YORK).date()
    out: list[date] = []
    day = today
    while len(out) < 8:
        day += timedelta(days=1)
        if day.weekday() == 4:
            out.append(day if ctx.is_trading_day(day) else day - timedelta(days=1))
    for months in range(3, 13, 3):
        year, month = divmod(today.month - 1 + months, 12)
        first = date(today.year + year, month + 1, 1)
        third_friday = first + timedelta(days=(4 - first.weekday()) % 7 + 14)
        if not ctx.is_trading_day(third_friday):
            third_friday -= timedelta(days=1)
        if third_friday not in out:
            out.append(third_friday)
    return sorted(out)


def _strikes(price: float) -> list[float]:
    step = 1.0 if price < 50 else 5.0 if price < 250 else 10.0 if price < 1000 else 50.0
    center = round(price / step) * step
    return [center + step * i for i in range(-8, 9) if center + step * i > 0]


def _osi(root: str, expiry: date, put_call: str, strike: float) -> str:
    return f"{root}{expiry:%y%m%d}{put_call}{round(strike * 1000):08d}"


def _option_search(ctx: SimContext, prefix: str, limit: int) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for info in ctx.feed.symbols:
        if not info.optionable or not info.symbol.startswith(prefix):
            continue
        expiry = _expiries(ctx)[0]
        price = ctx.feed.quote(info.symbol).last
        for strike in _strikes(price):
            for put_call, word in (("C", "Call"), ("P", "Put")):
                out.append(
                    {
                        "symbol": _osi(info.symbol, expiry, put_call, strike),
                        "description": f"{info.symbol} {expiry:%b %d %Y} {strike:g} {word}",
                        "tag": "OPRA",
                        "type": "option",
                    }
                )
                if len(out) >= limit:
                    return out
    return out


async def _expiry_dates(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    info = ctx.feed.symbols.get(request.match_info["symbol"])
    if info is None:
        return nested_error(request, 404, "NOT_FOUND", "SYMBOL_NOT_FOUND", "unknown symbol")
    dates = [d.isoformat() for d in _expiries(ctx)] if info.optionable else []
    return _json({"symbol": info.symbol, "expiryDates": dates})


async def _contracts(request: web.Request) -> web.StreamResponse:
    ctx = _ctx(request)
    info = ctx.feed.symbols.get(request.match_info["symbol"])
    if info is None:
        return nested_error(request, 404, "NOT_FOUND", "SYMBOL_NOT_FOUND", "unknown symbol")
    try:
        expiry = date.fromisoformat(request.match_info["expiryDate"])
    except ValueError:
        return _validation(
            request, "INVALID_PARAMETER", "expiryDate must be YYYY-MM-DD", "expiryDate"
        )
    if not info.optionable or expiry not in _expiries(ctx):
        return nested_error(
            request,
            404,
            "NOT_FOUND",
            "EXPIRY_NOT_FOUND",
            f"no contracts for {info.symbol} on {expiry.isoformat()}",
        )
    strikes = _strikes(ctx.feed.quote(info.symbol).last)

    def rows(put_call: str) -> list[dict[str, Any]]:
        return [
            {
                "symbol": "O:" + _osi(info.symbol, expiry, put_call, k),
                "strikePrice": int(k) if k == int(k) else k,
            }
            for k in strikes
        ]

    return _json(
        {
            "symbol": info.symbol,
            "expiryDate": expiry.isoformat(),
            "calls": rows("C"),
            "puts": rows("P"),
        }
    )


def _option_price(spot: float, strike: float, years: float, vol: float, call: bool) -> float:
    years = max(years, 1 / 365)
    d1 = (math.log(spot / strike) + 0.5 * vol * vol * years) / (vol * math.sqrt(years))
    d2 = d1 - vol * math.sqrt(years)

    def cdf(x: float) -> float:
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))

    if call:
        return spot * cdf(d1) - strike * cdf(d2)
    return strike * cdf(-d2) - spot * cdf(-d1)


async def _option_details(request: web.Request) -> web.StreamResponse:
    import re

    ctx = _ctx(request)
    symbols = _symbols_param(request)
    if not symbols:
        return _validation(request, "MISSING_SYMBOLS", "symbols is required", "symbols")
    pattern = re.compile(r"^(?:O:)?([A-Z]{1,6})(\d{6})([CP])(\d{8})$")
    data: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for symbol in symbols:
        match = pattern.match(symbol)
        info = ctx.feed.symbols.get(match.group(1)) if match else None
        if match is None or info is None or not info.optionable:
            errors.append({"symbol": symbol, "error": "option not found"})
            continue
        expiry = datetime.strptime(match.group(2), "%y%m%d").date()
        strike = int(match.group(4)) / 1000
        snap = ctx.feed.quote(info.symbol)
        today = datetime.fromtimestamp(ctx.clock.now(), NEW_YORK).date()
        years = (expiry - today).days / 365
        theo = _option_price(snap.last, strike, years, 0.3, match.group(3) == "C")
        mid = max(0.01, round(theo, 2))
        half = max(0.01, round(mid * 0.02, 2))
        data.append(
            {
                "symbol": symbol.removeprefix("O:"),
                "lastPrice": mid,
                "bidPrice": round(max(0.0, mid - half), 2),
                "askPrice": round(mid + half, 2),
                "midPrice": mid,
                "closePrice": round_price(mid * 0.98),
            }
        )
    return _json({"data": data, "errors": errors})


# -- market status, holidays, ETB ---------------------------------------------------------------


def _exchange_param(request: web.Request) -> str | web.Response:
    exchange = request.query.get("exchange", "US").strip().upper() or "US"
    if exchange not in _EXCHANGES:
        return _validation(
            request,
            "UNSUPPORTED_EXCHANGE",
            f"unsupported exchange {exchange}; supported: {', '.join(sorted(_EXCHANGES))}",
            "exchange",
        )
    return exchange


async def _market_status(request: web.Request) -> web.StreamResponse:
    exchange = _exchange_param(request)
    if isinstance(exchange, web.Response):
        return exchange
    return _json(_ctx(request).market_status(exchange))


async def _holidays(request: web.Request) -> web.StreamResponse:
    exchange = _exchange_param(request)
    if isinstance(exchange, web.Response):
        return exchange
    ctx = _ctx(request)
    today = datetime.fromtimestamp(ctx.clock.now(), NEW_YORK).date().isoformat()
    rows = (
        [
            {"eventName": name, "atDate": day, "tradingHour": hours}
            for name, day, hours in HOLIDAYS
            if day >= today
        ]
        if exchange == "US"
        else []
    )
    return _json({"holidays": rows})


def _etb_symbols(ctx: SimContext) -> list[str]:
    return sorted(i.symbol for i in ctx.feed.symbols if i.tradable and i.base_price >= 5)


async def _etb(request: web.Request) -> web.StreamResponse:
    symbols = _etb_symbols(_ctx(request))
    return _json({"count": len(symbols), "symbols": symbols})


async def _etb_search(request: web.Request) -> web.StreamResponse:
    body = await _json_body(request)
    if isinstance(body, web.Response):
        return body
    raw = body.get("symbols")
    wanted = (
        sorted({str(s).strip().upper() for s in raw if str(s).strip()})
        if isinstance(raw, list)
        else []
    )
    if not wanted:
        return _validation(
            request, "MISSING_SYMBOLS", "at least one non-blank symbol is required", "symbols"
        )
    known = set(_etb_symbols(_ctx(request)))
    return _json({"count": len(wanted), "results": {s: s in known for s in wanted}})


async def _health(request: web.Request) -> web.StreamResponse:
    return _json({"status": "ok"})


# -- the app -------------------------------------------------------------------------------------


def build_app(ctx: SimContext) -> web.Application:
    """The aiohttp application serving ``ctx`` (REST, OAuth and, via ``ws.setup``, websockets)."""
    app = web.Application(middlewares=[_count_middleware, _fault_middleware, _auth_middleware])
    app[CONTEXT_KEY] = ctx
    r = app.router
    r.add_get("/health", _health)
    r.add_get("/oauth2/authorize", _authorize_page)
    r.add_post("/oauth2/authorize", _authorize_decision)
    r.add_post("/v1/oauth2/token", _token)
    r.add_get("/v1/users/me", _users_me)
    r.add_get("/v2/users/me/accounts", _accounts)
    r.add_get("/v2/accounts/{id}/balance", _balance)
    r.add_get("/v1/accounts/{id}/positions", _positions)
    r.add_get("/v2/accounts/{id}/orders", _active_orders)
    r.add_get("/v2/accounts/{id}/orders/history", _order_history)
    r.add_post("/v1/orders", _order_call("place"))
    r.add_post("/v1/orders/preview", _order_call("preview"))
    r.add_post("/v1/orders/replace", _order_call("replace"))
    r.add_post("/v1/orders/cancel", _order_call("cancel"))
    r.add_get("/v1/marketdata/search", _search)
    r.add_get("/v1/marketdata/equities/details", _equity_details)
    r.add_get("/v1/marketdata/options/details", _option_details)
    r.add_get("/v1/chart/search", _chart_search)
    r.add_get("/v1/chart/quotes", _quotes)
    r.add_get("/v1/chart/history", _history)
    r.add_get("/v1/chart/config", _chart_config)
    r.add_get("/v1/chart/symbols", _chart_symbol)
    r.add_get("/v1/chart/time", _chart_time)
    r.add_get("/v1/etb", _etb)
    r.add_post("/v1/etb/search", _etb_search)
    r.add_get("/v1/market/status", _market_status)
    r.add_get("/v1/market/holiday", _holidays)
    r.add_get("/v1/options/{symbol}/expiry-dates", _expiry_dates)
    r.add_get("/v1/options/{symbol}/contracts/{expiryDate}", _contracts)
    ws.setup(app, ctx)
    return app


def grant_of(request: web.Request) -> AccessGrant | None:
    """The validated token grant of an authenticated request (None on public routes)."""
    grant = request.get(_GRANT_KEY)
    return grant if isinstance(grant, AccessGrant) else None
