"""The simulator's HTTP middlewares, outermost first.

1. counting (``ctx.requests``, once per request, by path and by route; the answers by status
   in ``ctx.status_counts``), the journal of requests as received (``ctx.journal``; no
   credentials, no OAuth bodies), a request id (``X-Request-Id``), JSON 404/405 envelopes,
   and the catch-up of orders whose session has ended (``ctx.catch_up()``);
2. faults: latency, the app's sustained rate limit and per-route 429s with ``Retry-After``,
   error statuses in each documented body shape, 5xx bursts, dropped connections, huge,
   trickled and gzipped bodies (see :mod:`aries_async.sim.faults`), and the answers' bodies
   changed (:mod:`aries_async.sim.fault_bodies`);
3. bearer-token and scope checks (401 for missing/expired/revoked tokens, 403 naming the
   missing scope), using :data:`~aries_async.auth.scopes.ROUTE_SCOPES`, the client's table of
   the scopes each operation needs (endpoints-all.md, oauth.md section 4).

And :func:`date_header`, run as every answer's headers are sent (REST, errors, streamed
bodies, websocket handshakes): ``Date`` on the simulator's clock, not aiohttp's real time.
"""

from __future__ import annotations

import contextlib
import gzip
import math
import secrets
from email.utils import formatdate
from typing import Protocol, TypeVar

import orjson
from aiohttp import web

from aries_async.auth.scopes import ROUTE_SCOPES
from aries_async.sim.auth import TokenProblem
from aries_async.sim.context import RecordedRequest
from aries_async.sim.faults import MALFORMED_DATE, is_oauth_path, route_matches
from aries_async.sim.responses import (
    GRANT_KEY,
    REQUEST_ID_KEY,
    Handler,
    context_of,
    drop_connection,
    fault_error,
    hold_answer,
    nested_error,
    request_id,
    route_template,
    shaped_error,
)
from aries_async.sim.routes_oauth import TOKEN_PATH, quoted_grant, token_fields
from aries_async.sim.spoil import reshaped
from aries_async.sim.ws import WS_PATHS

__all__ = [
    "MIDDLEWARES",
    "ROUTE_SCOPES",
    "auth_middleware",
    "count_middleware",
    "date_header",
    "fault_middleware",
]


_SECRET_HEADERS = frozenset(("authorization", "proxy-authorization", "cookie"))
"""Headers the journal never keeps."""


@web.middleware
async def count_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count and journal the request, give it an id, expire the orders due by the clock,
    answer unrouted requests in JSON."""
    ctx = context_of(request)
    request[REQUEST_ID_KEY] = "req-" + secrets.token_hex(6)
    template = route_template(request)
    ctx.requests.count(request.method, request.path, template)
    secret = is_oauth_path(request.path)
    body = await request.read() if request.can_read_body and not secret else b""
    ctx.journal.append(
        RecordedRequest(
            request.method,
            request.rel_url.raw_path,
            tuple(request.query.items()),
            body,
            request.content_type if body or (secret and request.can_read_body) else "",
            tuple((k, v) for k, v in request.headers.items() if k.lower() not in _SECRET_HEADERS),
        )
    )
    ctx.catch_up()
    try:
        response = await handler(request)
    except web.HTTPNotFound:
        response = nested_error(request, 404, "NOT_FOUND", "ROUTE_NOT_FOUND", "no such route")
    except web.HTTPMethodNotAllowed:
        response = nested_error(
            request, 405, "BAD_REQUEST", "METHOD_NOT_ALLOWED", "method not allowed"
        )
    except web.HTTPException as exc:
        ctx.status_counts[exc.status] += 1
        raise
    except Exception:
        ctx.status_counts[500] += 1  # what aiohttp answers for it
        raise
    ctx.status_counts[response.status] += 1
    if not response.prepared:
        response.headers.setdefault("X-Request-Id", request_id(request))
    return response


def _retry_after_headers(request: web.Request, seconds: float) -> dict[str, str]:
    """``Retry-After`` in seconds (and ``retry-after-ms`` for a fraction), or as an HTTP date
    when ``faults.retry_after_http_date`` is set; ``faults.retry_after_headers`` instead when
    there are any."""
    ctx = context_of(request)
    if ctx.faults.retry_after_headers:
        return dict(ctx.faults.retry_after_headers)
    if ctx.faults.retry_after_http_date:
        when = ctx.clock.now() + max(0.0, seconds)
        return {"Retry-After": formatdate(math.ceil(when), usegmt=True)}
    headers = {"Retry-After": str(max(0, math.ceil(seconds)))}
    if seconds != int(seconds):
        headers["retry-after-ms"] = str(int(seconds * 1000))
    return headers


def _rate_limited(request: web.Request, retry_after: float) -> web.Response:
    return fault_error(
        request,
        429,
        "RATE_LIMIT",
        "RATE_LIMITED",
        "too many requests (simulated)",
        headers=_retry_after_headers(request, retry_after),
    )


class _Counted(Protocol):
    count: int | None


_Fault = TypeVar("_Fault", bound=_Counted)


def _take(faults: dict[str, _Fault], method: str, path: str, template: str) -> _Fault | None:
    """The first fault of ``faults`` for the route with a use left (``count`` None: no end),
    that use taken; a fault used up leaves ``faults``. None when there is none."""
    for key, fault in list(faults.items()):
        if route_matches(key, method, path, template) and (fault.count is None or fault.count > 0):
            if fault.count is not None:
                fault.count -= 1
                if fault.count == 0:
                    faults.pop(key, None)
            return fault
    return None


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply the HTTP faults that match the request's route."""
    ctx = context_of(request)
    faults = ctx.faults
    method, path, template = request.method, request.path, route_template(request)
    delay = faults.latency + sum(
        seconds
        for key, seconds in faults.route_latency.items()
        if route_matches(key, method, path, template)
    )
    if delay > 0:
        await hold_answer(request, delay)
    budget = faults.app_rate_limit
    # Opening a websocket is no REST call: the app's budget does not count it.
    if budget is not None and not is_oauth_path(path) and path not in WS_PATHS:
        wait = budget.take(ctx.clock.now())
        if wait is not None:
            return _rate_limited(request, wait)
    limit = _take(faults.rate_limit, method, path, template)
    if limit is not None:
        return _rate_limited(request, limit.retry_after)
    for key, left in list(faults.drop_connection.items()):
        if route_matches(key, method, path, template) and left > 0:
            if left == 1:
                faults.drop_connection.pop(key, None)
            else:
                faults.drop_connection[key] = left - 1
            drop_connection(request)
    shaped = _take(faults.error_responses, method, path, template)
    if shaped is not None:
        return shaped_error(request, shaped)
    burst = _take(faults.server_errors, method, path, template)
    if burst is not None:
        wait = burst.retry_after
        headers = None if wait is None else _retry_after_headers(request, wait)
        if burst.empty_body:
            return web.Response(status=burst.status, headers=headers)
        kind = (
            "SERVICE_UNAVAILABLE"
            if burst.status == 503
            else ("TIMEOUT" if burst.status == 504 else "INTERNAL")
        )
        message = "simulated server failure"
        if faults.token_error_echo and path == TOKEN_PATH:
            with contextlib.suppress(ValueError):
                message += quoted_grant(await token_fields(request), faults.token_error_echo_cut)
        bearer = request.headers.get("Authorization", "").partition(" ")[2].strip()
        if faults.token_echo and bearer:
            message += f" (token={bearer})"
        return fault_error(request, burst.status, kind, "SIMULATED_FAILURE", message, headers)
    response = await handler(request)
    gzipped = any(route_matches(key, method, path, template) for key in faults.gzip_body)
    response = reshaped(response, faults, method, path, template)
    for key, size in faults.huge_body.items():
        if (
            route_matches(key, method, path, template)
            and isinstance(response, web.Response)
            and response.status == 200
        ):
            chunked = faults.huge_body_chunked
            return await _huge(request, response, size, chunked=chunked, gzipped=gzipped)
    for key, gap in faults.trickle_body.items():
        if route_matches(key, method, path, template) and isinstance(response, web.Response):
            return await _trickle(request, response, gap, gzipped=gzipped)
    if gzipped and isinstance(response, web.Response):
        response.enable_compression(web.ContentCoding.gzip)  # whatever Accept-Encoding says
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
    request: web.Request, response: web.Response, size: int, *, chunked: bool, gzipped: bool
) -> web.StreamResponse:
    """``response`` grown to ``size`` bytes (the ``huge_body`` fault): lists repeated, then
    trailing white space (valid JSON still); sent with ``Content-Length`` or chunked, and
    gzip-compressed when ``gzipped`` (``size`` is then the size of the decoded body)."""
    body = _body_of(response)
    if body and response.content_type == "application/json":
        body = _grown(body, size)
    padding = max(0, size - len(body))
    if not chunked:
        # Compressed here, whatever the request accepts (aiohttp's own compression would
        # negotiate, and warns that a large body compressed on the loop blocks it).
        whole = body + b" " * padding
        response.body = gzip.compress(whole, compresslevel=1) if gzipped else whole
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
        return response
    stream = _stream_like(response)
    stream.enable_chunked_encoding()
    if gzipped:
        stream.enable_compression(web.ContentCoding.gzip)
    await stream.prepare(request)
    await stream.write(body)
    piece = b" " * 65536
    while padding > 0:
        await stream.write(piece[:padding])
        padding -= len(piece)
    await stream.write_eof()
    return stream


async def _trickle(
    request: web.Request, response: web.Response, gap: float, *, gzipped: bool
) -> web.StreamResponse:
    """``response`` sent one byte every ``gap`` seconds (its Content-Length announced), of
    its gzip-compressed body when ``gzipped``; the simulator stopping meanwhile closes the
    connection at once (:func:`~aries_async.sim.responses.hold_answer`)."""
    body = _body_of(response)
    stream = _stream_like(response)
    if gzipped:
        body = gzip.compress(body)
        stream.headers["Content-Encoding"] = "gzip"
    stream.content_length = len(body)
    await stream.prepare(request)
    try:
        for index in range(len(body)):
            await stream.write(body[index : index + 1])
            await hold_answer(request, gap)
        await stream.write_eof()
    except ConnectionError:  # the client gave up: that is what the fault is for
        pass
    return stream


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Check the bearer token and the route's scopes; keep the grant on the request."""
    ctx = context_of(request)
    scopes = ROUTE_SCOPES.get((request.method, route_template(request)))
    if scopes is None:
        return await handler(request)
    enforcement = ctx.faults.scope_enforcement
    required = () if enforcement == "none" else scopes
    result = ctx.auth.check(request.headers.get("Authorization"), required)
    if isinstance(result, TokenProblem):
        if result.status == 403:
            named = enforcement != "unnamed"
            details = {"required_scope": result.missing_scope} if named else None
            return nested_error(request, 403, "AUTHORIZATION", result.code, result.message, details)
        message = result.message
        if ctx.faults.token_echo:
            sent = request.headers.get("Authorization", "").partition(" ")[2].strip()
            message += f" (token={sent})" if sent else ""
        return nested_error(
            request,
            401,
            "AUTHENTICATION",
            result.code,
            message,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    request[GRANT_KEY] = result
    ctx.authenticated_requests += 1
    faults = ctx.faults
    if faults.revoke_tokens_after is not None:
        left = faults.revoke_tokens_after - 1  # 0 given: at the first request, as 1
        faults.revoke_tokens_after = left if left > 0 else None
        if left <= 0:
            ctx.auth.revoke_all()
    return await handler(request)


async def date_header(request: web.Request, response: web.StreamResponse) -> None:
    """Set the answer's ``Date`` as ``faults.date_header`` says: the simulator's clock (a
    server writes its own), none, or a malformed one. An ``on_response_prepare`` signal: it
    runs once aiohttp has set its defaults (its ``Date`` is the real time), right before the
    headers are sent."""
    ctx = context_of(request)
    mode = ctx.faults.date_header
    if mode == "none":
        response.headers.popall("Date", None)
    elif mode == "malformed":
        response.headers["Date"] = MALFORMED_DATE
    else:
        response.headers["Date"] = formatdate(ctx.clock.now(), usegmt=True)


MIDDLEWARES = (count_middleware, fault_middleware, auth_middleware)
"""The middlewares in the order the app applies them (outermost first)."""
