"""The simulator's prediction-order routes (``/v1/predictions/orders``), mapped onto
:class:`~aries_async.sim.predictions.PredictionOrders` for the token's user.

Answers use the prediction envelope: ``{"success": true, "data": ...}``, and refusals
``{"success": false, "error": {"type", "code", "message", "details", "request_id"}}`` with the
lower-case types of conventions.md section 5, C (``bad_request``, ``not_found``, ``conflict``;
the injected 429 and 5xx of :mod:`~aries_async.sim.middleware` use it here too).
The ``swallow_prediction_orders`` fault drops the answer to a placement that was made;
``cycle_cursors`` answers the listing's first page whatever cursor is sent.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from aries_async.sim.predictions import PredictionOrderError, PredictionOrders
from aries_async.sim.predictions_intake import parse_limit, parse_states
from aries_async.sim.responses import (
    context_of,
    drop_connection,
    grant_of,
    json_body,
    json_response,
    prediction_order_error,
)

__all__ = ["add_routes", "prediction_error"]

MAX_IDEMPOTENCY_KEY = 255
"""Longest ``Idempotency-Key`` accepted."""


def prediction_error(request: web.Request, exc: PredictionOrderError) -> web.Response:
    """The prediction-order error envelope for ``exc``."""
    details = {"field": exc.field} if exc.field else None
    return prediction_order_error(request, exc.status, exc.type, exc.code, exc.message, details)


def _user(request: web.Request) -> tuple[PredictionOrders, int]:
    """The orders and the id of the token's user (the auth middleware kept the grant)."""
    state = context_of(request).state
    grant = grant_of(request)
    return state.predictions, grant.user_id if grant is not None else state.user_id


def _success(data: Any, status: int = 200) -> web.Response:
    return json_response({"success": True, "data": data}, status)


def _idempotency_key(request: web.Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 0 < len(key.strip()) <= MAX_IDEMPOTENCY_KEY:
        raise PredictionOrderError(
            400,
            "INVALID_ORDER",
            f"Idempotency-Key must be 1-{MAX_IDEMPOTENCY_KEY} characters",
            "Idempotency-Key",
        )
    return key


async def _place(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    if isinstance(body, web.Response):
        return body
    ctx = context_of(request)
    orders, user_id = _user(request)
    try:
        order, created = orders.place(
            user_id,
            body,
            accounts=ctx.state.accounts,
            idempotency_key=_idempotency_key(request),
        )
    except PredictionOrderError as exc:
        return prediction_error(request, exc)
    if created and ctx.faults.swallow_prediction_orders > 0:
        ctx.faults.swallow_prediction_orders -= 1
        drop_connection(request)  # the order exists; nobody hears about it
    return _success(order.wire(), 202)


async def _list(request: web.Request) -> web.StreamResponse:
    orders, user_id = _user(request)
    query = request.query
    # Faults.cycle_cursors: the cursor ignored, every page is the first (a proxy's cache).
    cursor = None if context_of(request).faults.cycle_cursors else query.get("cursor")
    try:
        chunk, following = orders.page(
            user_id,
            states=parse_states(query.get("status")),
            account_id=query.get("accountId") or None,
            symbol=query.get("symbol") or None,
            limit=parse_limit(query.get("limit")),
            cursor=cursor or None,
        )
    except PredictionOrderError as exc:
        return prediction_error(request, exc)
    data: dict[str, Any] = {"orders": [order.wire() for order in chunk]}
    if following is not None:
        data["nextCursor"] = following
    return _success(data)


async def _get(request: web.Request) -> web.StreamResponse:
    orders, user_id = _user(request)
    try:
        order = orders.get(user_id, request.match_info["orderId"])
    except PredictionOrderError as exc:
        return prediction_error(request, exc)
    return _success({"order": order.wire(), "reports": list(order.reports)})


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve the three prediction-order operations on ``router``."""
    router.add_get("/v1/predictions/orders", _list)
    router.add_post("/v1/predictions/orders", _place)
    router.add_get("/v1/predictions/orders/{orderId}", _get)
