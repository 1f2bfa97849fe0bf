"""Faults the simulator can inject, set from Python (``sim.faults.<name> = ...``) or CLI flags.

:class:`Faults` is mutable on purpose: change it while the simulator runs and the next request
sees the change. HTTP faults are applied by :mod:`aries_async.sim.app`; the ``ws_*`` ones by the
websocket module (:mod:`aries_async.sim.ws`); ``snapshot_working_orders_only`` by the order book
(:class:`aries_async.sim.state.State`, which holds the simulator's faults).

Routes are named ``"METHOD /path"`` or ``"/path"`` (any method); the path may be the concrete
path (``/v1/accounts/TEST-ACCOUNT-001/positions``) or the route template
(``/v1/accounts/{id}/positions``); ``"*"`` matches every route except the OAuth ones.

=================================  ==============================================================
field                              effect
=================================  ==============================================================
``rate_limit``                     route -> :class:`RateLimitFault`: the next ``count`` requests
                                   get 429, ``Retry-After`` and the nested ``RATE_LIMIT``
                                   envelope
``server_errors``                  route -> :class:`ServerErrorFault`: a burst of ``count`` 5xx
                                   (nested ``INTERNAL`` envelope, or an empty body)
``latency``                        seconds added to every HTTP response
``route_latency``                  route -> seconds, added on top of ``latency``
``swallow_order_response``         the next N ``POST /v1/orders`` are executed (the order
                                   exists) but the connection is closed without a response
                                   (``swallow_mode="hang"``: never answered instead;
                                   ``"garble"``: a 200 whose body is an HTML page)
``positions_unavailable``          ``GET /v1/accounts/{id}/positions`` answers 503 (read model
                                   down)
``null_active_orders``             the active-orders list says ``"orders": null`` when empty
                                   (False: ``[]``) -- the documented CONFLICT, as a switch
``snapshot_working_orders_only``   the account websocket snapshot (``ordersV2``) lists only
                                   working orders (True) instead of working plus today's
                                   terminal ones (False) -- the UNCERTAIN variant, read by
                                   :meth:`~aries_async.sim.state.State.snapshot` per subscribe
``revoke_tokens_after``            after N more authenticated REST requests every access token
                                   is revoked (once); ``Simulator.revoke_tokens()`` does it now
``ws_drop_after``                  websocket closes abruptly after N messages sent
``ws_malformed_every``             every Nth websocket frame carries a malformed line
``ws_stall``                       websocket stops sending and stops answering pings
``trickle_body``                   route -> seconds: the answer's body is sent one byte at a
                                   time, that long apart (a server that never quite stalls)
``huge_body``                      route -> bytes: the answer's JSON body is padded with
                                   trailing white space to that size (still valid JSON)
``huge_body_chunked``              send those padded bodies chunked, without
                                   ``Content-Length`` (True) or with it (False)
``cycle_cursors``                  the order lists' last page (of two or more) names the second
                                   page as ``nextCursor`` instead of 0: the pages never end
=================================  ==============================================================
"""

from __future__ import annotations

import attrs

__all__ = ["Faults", "RateLimitFault", "ServerErrorFault", "is_oauth_path", "route_matches"]


@attrs.define(kw_only=True)
class RateLimitFault:
    """Answer 429 to the next ``count`` requests (``None``: every request).

    Attributes:
        count: how many requests to refuse; decremented on each.
        retry_after: seconds sent in ``Retry-After`` (fractions also go to ``retry-after-ms``).
    """

    count: int | None = 1
    retry_after: float = 1.0


@attrs.define(kw_only=True)
class ServerErrorFault:
    """Answer ``status`` to the next ``count`` requests (``None``: every request).

    Attributes:
        count: burst length; decremented on each.
        status: the 5xx status (500, 502, 503, 504...).
        empty_body: send no body at all instead of the nested envelope.
    """

    count: int | None = 1
    status: int = 503
    empty_body: bool = False


@attrs.define(kw_only=True)
class Faults:
    """Every injectable fault; the defaults inject nothing. See the module docstring."""

    rate_limit: dict[str, RateLimitFault] = attrs.Factory(dict)
    server_errors: dict[str, ServerErrorFault] = attrs.Factory(dict)
    latency: float = 0.0
    route_latency: dict[str, float] = attrs.Factory(dict)
    swallow_order_response: int = 0
    swallow_mode: str = "drop"
    positions_unavailable: bool = False
    null_active_orders: bool = True
    snapshot_working_orders_only: bool = False
    revoke_tokens_after: int | None = None
    ws_drop_after: int | None = None
    ws_malformed_every: int | None = None
    ws_stall: bool = False
    # Misbehaving bodies and paging (the client's time budget, size cap and page trail).
    trickle_body: dict[str, float] = attrs.Factory(dict)
    huge_body: dict[str, int] = attrs.Factory(dict)
    huge_body_chunked: bool = False
    cycle_cursors: bool = False

    def clear(self) -> None:
        """Remove every fault (switches go back to their defaults)."""
        fresh = Faults()
        for field in attrs.fields(Faults):
            setattr(self, field.name, getattr(fresh, field.name))


def is_oauth_path(path: str) -> bool:
    """Whether ``path`` is one of the OAuth endpoints (token, authorize): ``*`` faults spare
    them and the request journal keeps no body of theirs."""
    return path.startswith(("/v1/oauth2", "/oauth2"))


def route_matches(key: str, method: str, path: str, template: str) -> bool:
    """Whether the fault key ``key`` names this request."""
    if key == "*":
        return not is_oauth_path(path)
    want_method, _, want_path = key.partition(" ")
    if not want_path:
        want_method, want_path = "", key
    if want_method and want_method.upper() != method.upper():
        return False
    return want_path in (path, template)
