"""The simulator's user, account and order routes (rest.md sections 2-6), mapped onto
:class:`~aries_async.sim.state.State`."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from aries_async._orders_day import orders_day_start
from aries_async.sim.faults import NON_ACK_MODES, REJECT_ORDERS_REASON
from aries_async.sim.records import (
    AccountNotFoundError,
    OrderNotFoundError,
    OrderRequestError,
    parse_rfc3339,
)
from aries_async.sim.responses import (
    Handler,
    context_of,
    drop_connection,
    flat_error,
    hold_answer,
    int_param,
    json_body,
    json_response,
    nested_error,
    validation_error,
)
from aries_async.sim.valuation import positions_answer

__all__ = ["add_routes"]


async def _users_me(request: web.Request) -> web.StreamResponse:
    return json_response(context_of(request).state.user())


async def _accounts(request: web.Request) -> web.StreamResponse:
    state = context_of(request).state
    return json_response({"accounts": [a.wire() for a in state.accounts.values()]})


def _account_or_error(request: web.Request) -> str | web.Response:
    account_id = request.match_info["id"]
    if not account_id or len(account_id) > 50:
        return validation_error(
            request, "INVALID_ACCOUNT_ID", "account id must be 1-50 characters", "id"
        )
    if account_id not in context_of(request).state.accounts:
        return nested_error(
            request, 404, "NOT_FOUND", "ACCOUNT_NOT_FOUND", f"account {account_id} not found"
        )
    return account_id


async def _balance(request: web.Request) -> web.StreamResponse:
    account = _account_or_error(request)
    if isinstance(account, web.Response):
        return account
    return json_response(context_of(request).state.balance_wire(account))


async def _positions(request: web.Request) -> web.StreamResponse:
    account = _account_or_error(request)
    if isinstance(account, web.Response):
        return account
    ctx = context_of(request)
    if ctx.faults.positions_unavailable:
        return nested_error(
            request,
            503,
            "SERVICE_UNAVAILABLE",
            "POSITIONS_UNAVAILABLE",
            "position read model unavailable",
        )
    positions = ctx.state.positions_wire(account)
    return json_response(positions_answer(positions, ctx.faults.positions_shape))


def _page(
    orders: list[Any], cursor: int, limit: int, *, cycle: bool, short: int | None
) -> tuple[list[Any], int]:
    # Faults.short_pages: a page shorter than asked for that still carries the next cursor.
    size = min(limit, max(short or limit, 1))
    chunk = orders[cursor : cursor + size]
    following = cursor + size
    if following < len(orders):
        return chunk, following
    # Faults.cycle_cursors: the last page sends the client back to the second one.
    return chunk, size if cycle and len(orders) > size else 0


async def _active_orders(request: web.Request) -> web.StreamResponse:
    account = _account_or_error(request)
    if isinstance(account, web.Response):
        return account
    try:
        limit = int_param(request, "limit", 50, 1, 500)
        cursor = int_param(request, "cursor", 0, 0, 2**62)
    except ValueError as exc:
        return validation_error(request, "INVALID_PARAMETER", str(exc))
    ctx = context_of(request)
    orders = ctx.state.active_orders(account)
    chunk, following = _page(
        orders, cursor, limit, cycle=ctx.faults.cycle_cursors, short=ctx.faults.short_pages
    )
    listed: list[Any] | None = ctx.state.orders_read(chunk)
    if not listed and ctx.faults.null_active_orders:
        listed = None
    return json_response({"orders": listed, "nextCursor": following})


async def _order_history(request: web.Request) -> web.StreamResponse:
    account = _account_or_error(request)
    if isinstance(account, web.Response):
        return account
    ctx = context_of(request)
    query = request.query
    if not query.get("from"):
        return flat_error(400, "from is required", "from", "MISSING_PARAMETER")
    try:
        start = parse_rfc3339(query["from"])
    except ValueError:
        return flat_error(400, "from must be an RFC 3339 date-time with a zone", "from")
    now = datetime.fromtimestamp(ctx.clock.now(), UTC).replace(second=0, microsecond=0)
    if query.get("to"):
        try:
            end = parse_rfc3339(query["to"])
        except ValueError:
            return flat_error(400, "to must be an RFC 3339 date-time with a zone", "to")
    else:
        end = now
    exclude_today = query.get("exclude_today", "false").lower()
    if exclude_today not in ("true", "false", "1", "0"):
        return flat_error(400, "exclude_today must be true or false", "exclude_today")
    if exclude_today in ("true", "1"):
        midnight = orders_day_start(datetime.fromtimestamp(ctx.clock.now(), UTC))
        end = min(end, midnight - timedelta(microseconds=1))
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
        limit = int_param(request, "limit", 50, 1, 500)
        cursor = int_param(request, "cursor", 0, 0, 2**62)
    except ValueError as exc:
        return flat_error(400, str(exc), "limit")
    orders = ctx.state.history(
        account, start.timestamp(), end.timestamp(), ascending=order_by == "asc"
    )
    chunk, following = _page(
        orders, cursor, limit, cycle=ctx.faults.cycle_cursors, short=ctx.faults.short_pages
    )
    return json_response({"orders": ctx.state.orders_read(chunk), "nextCursor": following})


def _order_call(operation: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        ctx = context_of(request)
        body = await json_body(request)
        if isinstance(body, web.Response):
            return body
        action = getattr(ctx.state, operation)
        if operation == "place" and ctx.faults.reject_orders > 0:
            ctx.faults.reject_orders -= 1
            action = functools.partial(action, refuse=REJECT_ORDERS_REASON)
        try:
            result = action(body)
        except OrderRequestError as exc:
            return validation_error(request, exc.code, exc.message, exc.field)
        except AccountNotFoundError as exc:
            return nested_error(
                request, 404, "NOT_FOUND", "ACCOUNT_NOT_FOUND", f"account {exc.args[0]} not found"
            )
        except OrderNotFoundError as exc:
            return nested_error(
                request, 404, "NOT_FOUND", "ORDER_NOT_FOUND", f"order {exc.args[0]} not found"
            )
        faults = ctx.faults
        if faults.rejections_status_only and result.get("success") is False:
            # a rejection that says so by its status alone
            result = {key: value for key, value in result.items() if key != "success"}
        if faults.hold_order_answers is not None and operation != "preview":
            await hold_answer(request, until=faults.hold_order_answers)  # executed, in flight
        if operation in faults.swallow_order_calls and faults.swallow_order_response > 0:
            ctx.faults.swallow_order_response -= 1
            if ctx.faults.swallow_mode == "hang":
                await hold_answer(request)
            if ctx.faults.swallow_mode in NON_ACK_MODES:  # answered, but not with an ack
                return _non_ack(ctx.faults.swallow_mode, result)
            drop_connection(request)  # the order exists; nobody hears about it
        return json_response(result)

    return handler


def _non_ack(mode: str, ack: Any) -> web.Response:
    """A 200 to an executed order whose body is not an order acknowledgement (see
    :data:`~aries_async.sim.fault_kinds.NON_ACK_MODES`)."""
    if mode == "garble":
        return web.Response(
            status=200, body=b"<html>upstream error</html>", content_type="text/html"
        )
    if mode == "blank":
        return web.Response(status=200)
    if mode in ("no_id", "blank_id") and ack.get("success") is not True:
        return json_response(ack)  # a rejection without its id would still be a rejection
    if mode == "no_id":
        return json_response({key: value for key, value in ack.items() if key != "clOrdId"})
    if mode == "blank_id":
        return json_response({**ack, "clOrdId": " "})
    bodies: dict[str, Any] = {
        "empty": {},
        "message": {"message": "ok"},
        "envelope": {"data": ack},
        "array": [],
        "null": None,
    }
    return json_response(bodies[mode])


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve the user, account and order routes on ``router``."""
    router.add_get("/v1/users/me", _users_me)
    router.add_get("/v2/users/me/accounts", _accounts)
    router.add_get("/v2/accounts/{id}/balance", _balance)
    router.add_get("/v1/accounts/{id}/positions", _positions)
    router.add_get("/v2/accounts/{id}/orders", _active_orders)
    router.add_get("/v2/accounts/{id}/orders/history", _order_history)
    router.add_post("/v1/orders", _order_call("place"))
    router.add_post("/v1/orders/preview", _order_call("preview"))
    router.add_post("/v1/orders/replace", _order_call("replace"))
    router.add_post("/v1/orders/cancel", _order_call("cancel"))
