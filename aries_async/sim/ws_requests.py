"""Requests over the simulator's market socket (websocket.md 2.7): REST-like ``GET`` calls
answered on the socket, matched by the request id.

========================================================  ==========================================
path (``/v1`` prefix optional)                            answer ``data``
========================================================  ==========================================
``/options/{symbol}/expiry-dates``                        ``{symbol, expiryDates: [YYYY-MM-DD]}``
``/options/{symbol}/contracts/{expiryDate}``              ``{symbol, expiryDate, calls, puts}``
``/equities/{symbol}/snapshot`` (also ``/marketdata/      ``{symbol, ...quote fields, ...trade
equities/{symbol}/snapshot``, ``/stocks/{symbol}/          fields}`` as the market updates send
snapshot``; the real path is UNKNOWN)                     them (``ws_market_numbers``,
                                                          ``ws_market_times`` too)
========================================================  ==========================================

A success is ``{"type": "response", "id", "payload": {"status": 200, "data": ...}}``. The spec
leaves the payload UNKNOWN beyond ``status``; ``faults.ws_response_shape`` picks the variant:
``"data"`` (above), ``"body"`` (the answer in ``payload.body``) or ``"flat"`` (its fields
beside ``status`` in the payload). A failure is a ``response`` with ``status`` >= 400,
``code`` and ``message`` (as the SDK reads them). ``faults.ws_ignore_requests`` leaves every
request unanswered; ``faults.ws_refused_requests`` refuses those whose path matches one of its
patterns with an ``error`` event instead (``{"action": "error", "error": TEXT}``, the id where
``faults.ws_error_id`` says), as websocket.md 2.6 shows the server's errors;
``faults.ws_request_answers`` answers those whose path matches one of its patterns with its
value as the ``data`` (any JSON value: a misshapen answer, an echo of a token).
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from aries_async.sim.routes_options import OptionsLookupError, contracts_body, expiry_dates_body
from aries_async.sim.ws_values import market_values

if TYPE_CHECKING:
    from aries_async.sim.ws_session import Session

__all__ = ["RESPONSE_SHAPES", "answer_request"]

RESPONSE_SHAPES = ("data", "body", "flat")
"""``faults.ws_response_shape`` values."""

_PREFIX = re.compile(r"^(?:/v1)?(?:/marketdata)?")
_EXPIRY = re.compile(r"^/options/([^/]+)/expiry-dates$")
_CONTRACTS = re.compile(r"^/options/([^/]+)/contracts/([^/]+)$")
_SNAPSHOT = re.compile(r"^/(?:equities|stocks)/([^/]+)/snapshot$")


def _snapshot(session: Session, symbol: str) -> dict[str, Any]:
    feed = session.hub.ctx.feed
    if not feed.has(symbol):
        raise OptionsLookupError(404, "SYMBOL_NOT_FOUND", "unknown symbol")
    snap = feed.quote(symbol)
    data = {**snap.quote_data(), **snap.trade_data()}
    return {"symbol": snap.symbol, **market_values(data, session.hub.ctx.faults)}


def _route(session: Session, method: str, path: str) -> Any:
    if method != "GET":
        raise OptionsLookupError(405, "METHOD_NOT_ALLOWED", f"{method} is not supported")
    path = _PREFIX.sub("", path.rstrip("/"), count=1)
    ctx = session.hub.ctx
    found = _EXPIRY.match(path)
    if found:
        return expiry_dates_body(ctx, found[1].upper())
    found = _CONTRACTS.match(path)
    if found:
        return contracts_body(ctx, found[1].upper(), found[2])
    found = _SNAPSHOT.match(path)
    if found:
        return _snapshot(session, found[1].upper())
    raise OptionsLookupError(404, "NOT_FOUND", f"no such request path: {path}")


def _refusal(refused: dict[str, Any], path: str) -> Any:
    """The words (text, or any JSON value) of the error ``faults.ws_refused_requests``
    refuses ``path`` with, if any (None: none)."""
    bare = _PREFIX.sub("", path.rstrip("/"), count=1)
    return next((text for pattern, text in refused.items() if fnmatchcase(bare, pattern)), None)


def answer_request(session: Session, payload: dict[str, Any], request_id: str | None) -> None:
    """Answer a request of an authenticated market socket (see the module docstring)."""
    session.hub.requests += 1
    faults = session.hub.ctx.faults
    if faults.ws_ignore_requests:
        return
    method = str(payload.get("method", "GET")).upper()
    path = str(payload.get("path", ""))
    refusal = _refusal(faults.ws_refused_requests, path)
    if refusal is not None:
        session.refuse({"error": refusal}, request_id)
        return
    bare = _PREFIX.sub("", path.rstrip("/"), count=1)
    given = [
        data for pattern, data in faults.ws_request_answers.items() if fnmatchcase(bare, pattern)
    ]
    try:
        data = given[0] if given else _route(session, method, path)
    except OptionsLookupError as error:
        answer: dict[str, Any] = {
            "status": error.status,
            "code": error.code,
            "message": error.message,
        }
    else:
        shape = faults.ws_response_shape
        if shape == "flat" and isinstance(data, dict):
            answer = {"status": 200, **data}
        else:
            answer = {"status": 200, "body" if shape == "body" else "data": data}
    message: dict[str, Any] = {"type": "response", "payload": answer}
    if request_id is not None:
        message["id"] = request_id
    session.push(message)
