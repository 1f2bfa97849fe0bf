"""Error responses read into the exception tree: an error status and its body become the right
:class:`~aries_async.errors.APIError`, and ``Retry-After`` becomes seconds.

Both names are public through :mod:`aries_async.errors`; they live here, beside the envelope
parsing they need, so that the exception tree reads on its own.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from aries_async.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

__all__ = [
    "api_error_from_response",
    "name_required_scopes",
    "parse_http_date",
    "parse_retry_after",
]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _wait(value: float) -> float | None:
    """``value`` seconds, or None when it is not finite or is negative (``nan``, ``inf``,
    ``-5``): such a header says no wait at all, and never "retry now"."""
    return value if math.isfinite(value) and value >= 0 else None


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms``, else ``Retry-After`` (seconds or HTTP date).

    A value that is not a finite, non-negative number (``nan``, ``inf``, ``-1``) or a date
    counts as absent: a valid sibling header is used instead, else None.
    """
    raw_ms = headers.get("retry-after-ms") or headers.get("Retry-After-Ms")
    millis = _number(raw_ms.strip()) if raw_ms else None
    if millis is not None and _wait(millis) is not None:
        return millis / 1000.0
    raw = headers.get("Retry-After") or headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    seconds = _number(raw)
    if seconds is not None:
        return _wait(seconds)
    import time

    when = parse_http_date(raw)
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def parse_http_date(text: str) -> datetime | None:
    """An HTTP-date (RFC 9110 5.6.7: ``Sun, 06 Nov 1994 08:49:37 GMT``, or the obsolete RFC
    850 and asctime forms) as an aware datetime, to the second; None when ``text`` is not one.

    A date without a zone (the asctime form has none) is UTC, as every HTTP-date is: never
    the local time of the machine reading it.
    """
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _decode_body(body: bytes) -> Any:
    if not body:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}

_SCOPE_PREFIXES = (
    "user:",
    "account:",
    "position:",
    "order:",
    "market:",
    "options:",
    "calendar:",
    "analytics:",
    "watchlist:",
)


def _find_scope(*texts: Any) -> str | None:
    for text in texts:
        if not isinstance(text, str):
            continue
        for word in text.replace(",", " ").replace("'", " ").replace('"', " ").split():
            word = word.strip(".;:()[]")
            if word.startswith(_SCOPE_PREFIXES) and word.count(":") == 1 and not word.endswith(":"):
                return word
    return None


def api_error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    reason: str | None = None,
    method: str | None = None,
    path: str | None = None,
    now: float | None = None,
) -> APIError:
    """Map an error response to the right :class:`APIError` subclass; ``now`` (Unix seconds,
    default the system clock) is what an HTTP-date ``Retry-After`` is read against.

    Understands both documented envelopes: flat ``{"error": "text", "codes": [...]}`` and nested
    ``{"error": {"type", "code", "message", "details", "request_id"}}``, plus RFC 6749 bodies
    (``{"error": "invalid_grant", "error_description": ...}``), the legacy
    ``{"error": ..., "message": ...}`` and empty or non-JSON bodies.
    """
    data = _decode_body(body)
    message: str | None = None
    code: str | None = None
    error_type: str | None = None
    request_id: str | None = None
    details: Any = None
    scope: str | None = None
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            message = _as_str(err.get("message"))
            code = _as_str(err.get("code"))
            error_type = _as_str(err.get("type"))
            request_id = _as_str(err.get("request_id") or err.get("requestId"))
            details = err.get("details")
            if isinstance(details, dict):
                scope = _as_str(
                    details.get("scope")
                    or details.get("missing_scope")
                    or details.get("required_scope")
                )
        elif isinstance(err, str):
            description = _as_str(data.get("error_description")) or _as_str(data.get("message"))
            message = f"{err}: {description}" if description else err
            codes = data.get("codes")
            details = codes
            if isinstance(codes, list) and codes and isinstance(codes[0], dict):
                code = _as_str(codes[0].get("code"))
            elif description:
                code = err
        else:
            message = _as_str(data.get("message"))
        request_id = request_id or _as_str(data.get("request_id") or data.get("requestId"))
    if request_id is None:
        request_id = headers.get("X-Request-Id") or headers.get("x-request-id")
    text = message or reason or "error"
    common: dict[str, Any] = {
        "status": status,
        "code": code,
        "error_type": error_type,
        "request_id": request_id,
        "body": body,
        "details": details,
        "method": method,
        "path": path,
        "headers": headers,
    }
    if status == 403:
        return PermissionDeniedError(
            text, missing_scope=scope or _find_scope(message, code), **common
        )
    if status == 429:
        return RateLimitError(text, retry_after=parse_retry_after(headers, now=now), **common)
    if status >= 500:
        return ServerError(text, retry_after=parse_retry_after(headers, now=now), **common)
    cls = _STATUS_CLASSES.get(status, APIError)
    return cls(text, **common)


def _as_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def name_required_scopes(
    error: PermissionDeniedError,
    method: str,
    path: str,
    *,
    scopes: Sequence[str] | None = None,
    granted: Collection[str] = (),
    operation: str | None = None,
) -> PermissionDeniedError:
    """``error`` (changed in place) naming what its operation needs: ``required_scopes``
    (``scopes``, else those of ``method path`` in :data:`~aries_async.auth.scopes.ROUTE_SCOPES`),
    ``operation``, and ``missing_scope`` when the token's ``granted`` scopes are known and
    lack them all; its message says which scopes and whether the token has one."""
    from aries_async.auth.scopes import required_scopes, route_template

    required = tuple(scopes) if scopes is not None else required_scopes(method, path)
    error.operation = operation or f"{method} {route_template(method, path) or path}"
    error.required_scopes = required
    if not required:
        return error
    who = f"{operation}()" if operation else error.operation
    needs = f"{who} needs the scope {'one of ' if len(required) > 1 else ''}{', '.join(required)}"
    if not granted:
        note = ""  # a token without its scope list (ARIES_ACCESS_TOKEN): cannot tell
    elif granted_one := next((s for s in required if s in granted), None):
        note = f", which this token has ({granted_one}): the refusal is not about scopes"
    else:
        error.missing_scope = error.missing_scope or required[0]
        note = ", not granted to this token: sign in again with it (aries-async login --scopes)"
    error.args = (f"{error.args[0]}; {needs}{note}",)
    return error
