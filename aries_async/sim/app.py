"""The simulator's aiohttp application: OAuth pages, the token endpoint and the core REST API.

:func:`build_app` wires every route onto a :class:`~aries_async.sim.context.SimContext` and
calls :func:`aries_async.sim.ws.setup` for the websockets. The parts:
:mod:`~aries_async.sim.middleware` (counting, faults, token and scope checks),
:mod:`~aries_async.sim.routes_oauth`, :mod:`~aries_async.sim.routes_trading`,
:mod:`~aries_async.sim.routes_market`, :mod:`~aries_async.sim.routes_chart`,
:mod:`~aries_async.sim.routes_options`, :mod:`~aries_async.sim.routes_watchlists` and
:mod:`~aries_async.sim.routes_predictions` (the routes),
and :mod:`~aries_async.sim.responses` (what they share).

Error bodies follow conventions.md section 5: the flat ``{"error": "..."}`` shape for order
history parameter validation, the nested ``{"error": {"type", "code", "message", ...}}`` shape
everywhere else, RFC 6749 bodies on the token endpoint, and optionally empty 5xx bodies.
"""

from __future__ import annotations

from aiohttp import web

from aries_async.sim import (
    routes_aggs,
    routes_chart,
    routes_generic,
    routes_market,
    routes_oauth,
    routes_options,
    routes_predictions,
    routes_trading,
    routes_watchlists,
    ws,
)
from aries_async.sim.context import SimContext
from aries_async.sim.middleware import MIDDLEWARES, ROUTE_SCOPES, date_header
from aries_async.sim.responses import CONTEXT_KEY, Handler, flat_error, grant_of, nested_error

__all__ = [
    "CONTEXT_KEY",
    "ROUTE_SCOPES",
    "Handler",
    "add_routes",
    "build_app",
    "flat_error",
    "grant_of",
    "nested_error",
]


def add_routes(router: web.UrlDispatcher) -> None:
    """Every HTTP route of the simulator but the websockets' (``ws.setup``) on ``router``:
    the app's, and the table the faults' routes are checked against
    (:mod:`~aries_async.sim.fault_routes`)."""
    for routes in (
        routes_market,
        routes_chart,
        routes_oauth,
        routes_trading,
        routes_options,
        routes_watchlists,
        routes_predictions,
        routes_aggs,
    ):
        routes.add_routes(router)
    # Last: it serves every operation of the description that the routes above do not.
    routes_generic.add_routes(router)


def build_app(ctx: SimContext) -> web.Application:
    """The aiohttp application serving ``ctx`` (REST, OAuth and, via ``ws.setup``, websockets)."""
    app = web.Application(middlewares=MIDDLEWARES)
    app[CONTEXT_KEY] = ctx
    app.on_response_prepare.append(date_header)
    add_routes(app.router)
    ws.setup(app, ctx)
    return app
