"""Faults the simulator can inject, set from Python (``sim.faults.<name> = ...``) or CLI flags.

:class:`Faults` is mutable on purpose: change it while the simulator runs and the next request
sees the change. HTTP faults are applied by :mod:`aries_async.sim.middleware`, but the
order-response ones by :mod:`aries_async.sim.routes_trading` and
:mod:`aries_async.sim.routes_predictions`, and ``snapshot_working_orders_only``,
``order_client_id`` and ``order_status_text`` by the books
(:class:`aries_async.sim.ledger.Ledger`, which holds the simulator's faults). The websockets'
``ws_*`` and ``charts_*`` faults, which :class:`Faults` inherits, are in
:mod:`aries_async.sim.ws_faults`, with their own table; the spec's UNCERTAIN readings that no
fault below covers, in :mod:`aries_async.sim.fault_variants`; the faults that change an
answer's body (one bad value, a list as an object, an envelope, a body given as is), in
:mod:`aries_async.sim.fault_bodies`. A connect left unanswered until
the client's connect timeout is :class:`aries_async.sim.unanswered.UnansweredConnects` (a
listener's part, not a request's: no field, no flag).

Routes are named ``"METHOD /path"`` or ``"/path"`` (any method); the path may be the concrete
path (``/v1/accounts/TEST-ACCOUNT-001/positions``) or the route template
(``/v1/accounts/{id}/positions``); ``"*"`` matches every route except the OAuth ones. A route
that names none of the simulator's routes (a typo, a method the route does not take) is
refused with ``ValidationError`` as it is set (:mod:`~aries_async.sim.fault_routes`, whose
check the ``aries-async sim`` flags share): its fault would never fire. So is a number that
a switch cannot mean, given or set, a route's value (``route_latency``...) too: NaN, an
infinity, a negative, a bool, a float for a count (``short_pages`` and a route's
``drop_connection`` take at least 1, the other counts 0 too); and a route's record of another
type (a dict or a number in ``rate_limit``, ``server_errors`` or ``error_responses``).

A row's ``Flag:`` is the ``aries-async sim`` flag that sets the switch; a switch without one is
set from Python only. The simulator's settings that are not faults (``--quote-unknown``,
``--market``...) are listed by ``aries-async sim --help``.

=================================  ==============================================================
field                              effect
=================================  ==============================================================
``rate_limit``                     route -> :class:`RateLimitFault`: the next ``count`` requests
                                   get 429, ``Retry-After`` and the nested ``RATE_LIMIT``
                                   envelope
                                   Flag: ``--rate-limit ROUTE=N:SECS``.
``server_errors``                  route -> :class:`ServerErrorFault`: a burst of ``count`` 5xx
                                   (nested ``INTERNAL`` envelope, or an empty body), with
                                   ``Retry-After`` when the fault's ``retry_after`` is set
                                   Flag: ``--server-errors ROUTE[=N[:STATUS]]``, with
                                   ``--empty-error-bodies``.
``error_responses``                route -> :class:`ErrorFault`: the next ``count`` requests get
                                   its status (any 4xx or 5xx) with the body in one of the
                                   documented error shapes (:data:`ERROR_SHAPES`: flat with or
                                   without ``codes``, nested, prediction-markets upper- or
                                   lower-case, legacy, empty, an HTML page), its ``code`` and
                                   ``message`` in their places
                                   Flag: ``--error-response ROUTE=STATUS[:SHAPE[:N]]``.
``retry_after_http_date``          every ``Retry-After`` the faults above send is an HTTP date
                                   (the simulator's clock plus the wait) instead of seconds,
                                   without ``retry-after-ms``: the other documented form
``retry_after_headers``            header -> text: every ``Retry-After`` the faults above send
                                   is replaced by these headers, as given (``{"Retry-After":
                                   "nan"}``, ``{"Retry-After": "3", "retry-after-ms": "-1"}``):
                                   a malformed or contradictory wait; empty: off
``latency``                        seconds added to every HTTP response
                                   Flag: ``--latency SECONDS``.
``route_latency``                  route -> seconds, added on top of ``latency``
``swallow_order_response``         the next N ``POST /v1/orders`` are executed (the order
                                   exists) but the connection is closed without a response
                                   (``swallow_mode="hang"``: never answered instead); the
                                   other modes (:data:`NON_ACK_MODES`) answer 200 with a
                                   body that is not an order acknowledgement: ``"garble"``
                                   an HTML page, ``"empty"`` ``{}``, ``"message"``
                                   ``{"message": "ok"}``, ``"envelope"`` the ack wrapped in
                                   ``{"data": ...}``, ``"array"`` ``[]``, ``"null"``
                                   ``null``, ``"blank"`` no body at all, ``"no_id"`` the
                                   ack (``success: true``) without its ``clOrdId``,
                                   ``"blank_id"`` the ack with a ``clOrdId`` of white space
                                   (these two answer a rejection as usual)
                                   Flag: ``--swallow-orders N``.
``swallow_mode``                   how ``swallow_order_response`` answers: ``"drop"``
                                   (default), ``"hang"`` or one of :data:`NON_ACK_MODES`, as
                                   above (every value: :data:`SWALLOW_MODES`)
                                   Flag: ``--swallow-mode MODE``.
``hold_order_answers``             an :class:`asyncio.Event`: the order writes (place,
                                   replace, cancel) are executed, then their answer waits
                                   until it is set (Python only: an order in flight for as
                                   long as a test needs, to interrupt or cancel its caller),
                                   then goes out as usual or as ``swallow_order_response``
                                   says; the simulator stopping first drops the connection
``swallow_order_calls``            the order calls ``swallow_order_response`` counts and
                                   answers so: ``{"place"}`` (default), with ``"replace"``
                                   and/or ``"cancel"``
``reject_orders``                  the next N valid ``POST /v1/orders`` are refused as the
                                   broker refuses one (:data:`REJECT_ORDERS_REASON`): a
                                   refusing acknowledgement, or a 400 with the simulator's
                                   ``rejections_as_http``; a test's way to a rejection that
                                   the preview did not foresee
                                   Flag: ``--reject-orders N``.
``rejections_status_only``         the order calls' business rejections answered 200 (place,
                                   replace, cancel) say only ``"status": "REJECTED"``, without
                                   ``"success": false`` (False: both)
                                   Flag: ``--rejections-status-only``.
``positions_unavailable``          ``GET /v1/accounts/{id}/positions`` answers 503 (read model
                                   down)
                                   Flag: ``--positions-unavailable``.
``positions_shape``                the positions answer in an older documented shape (rest.md
                                   4): ``"sdk"`` (default), ``"availability"`` (DOCS-new:
                                   ``availability`` beside the list, ``dailyPl``, ``"CS"``),
                                   ``"instrument"`` (``instrument`` for ``securityType``,
                                   ``dailyPl`` for ``todayPl``, more totals) or ``"bare"`` (a
                                   bare array of five fields); see :func:`~aries_async.sim.
                                   valuation.positions_answer`
                                   Flag: ``--positions-shape SHAPE``.
``null_active_orders``             the active-orders list says ``"orders": null`` when empty
                                   (False: ``[]``) -- the documented CONFLICT, as a switch
                                   Flag: ``--active-orders-empty-list`` (sets it False).
``snapshot_working_orders_only``   the account websocket snapshot (``ordersV2``) lists only
                                   working orders (True) instead of working plus today's
                                   terminal ones (False) -- the UNCERTAIN variant, read by
                                   :meth:`~aries_async.sim.state.State.snapshot` per subscribe
                                   Flag: ``--snapshot-working-orders-only``.
``order_client_id``                what the orders the API returns (REST lists, account socket)
                                   say in ``clientId`` (UNCERTAIN): ``"tag"`` (default: the
                                   request's tag) or ``"oauth_client"`` (the token's OAuth client)
                                   Flag: ``--order-client-id tag|oauth_client``.
``order_status_text``              status -> text: the orders the API returns (REST lists,
                                   account socket events and snapshots) say that text in
                                   ``ordStatus`` for an order of that status (``{"CANCELED":
                                   "SIM_VOIDED"}``): a status newer than the client; the books
                                   go on as before (a ``CANCELED`` order is no longer active)
                                   Flag: ``--order-status-text STATUS=TEXT`` (repeatable).
``order_status_text_reads``        the REST order reads (active list, history) say those texts
                                   in this many more answers (an answer that says one counts
                                   one), then every order's true status (None: always); the
                                   account socket always says them: a lookup that finds an
                                   order still in a status the client does not know N times,
                                   then in its real status
                                   Flag: ``--order-status-text-reads N``.
``date_header``                    the ``Date`` of every answer: ``"clock"`` (default: the
                                   simulator's clock), ``"none"`` (left out) or ``"malformed"``
                                   (:data:`MALFORMED_DATE`); see :data:`DATE_HEADERS`
                                   Flag: ``--date-header clock|none|malformed``.
``revoke_tokens_after``            after N more authenticated REST requests every access token
                                   is revoked (once); ``Simulator.revoke_tokens()`` does it now
                                   Flag: ``--revoke-tokens-after N``.
``history_stuck_continuation``     a ``/v1/chart/history`` page cut short names its own first
                                   bar as ``nextTime``: a continuation that does not advance
                                   Flag: ``--history-stuck-continuation``.
``drop_connection``                route -> count: the next ``count`` requests are read and
                                   their connection is closed without an answer (a reset)
                                   Flag: ``--drop-connection ROUTE[=N]``.
``hold_token_requests``            an :class:`asyncio.Event`: token requests are counted, then
                                   wait until it is set (Python only: holds a renewal at the
                                   server while a test acts as another process)
``after_token_grant``              an async callable, awaited once each grant is made, before
                                   its answer is sent (Python only: a test acts between a
                                   renewal's grant and its save, say stops the token store)
``trickle_body``                   route -> seconds: the answer's body is sent one byte at a
                                   time, that long apart (a server that never quite stalls);
                                   the simulator stopping first drops the connection
                                   Flag: ``--trickle-body ROUTE=SECONDS``.
``huge_body``                      route -> bytes: the JSON answer grows to that size: its
                                   top-level lists repeated (so it keeps its documented shape),
                                   then trailing white space to the exact size
                                   Flag: ``--huge-body ROUTE=BYTES``.
``huge_body_chunked``              send those padded bodies chunked, without
                                   ``Content-Length`` (True) or with it (False)
                                   Flag: ``--huge-body-chunked``.
``gzip_body``                      routes whose answers are sent gzip-compressed
                                   (``Content-Encoding: gzip``) whatever the request accepts;
                                   a whole body's ``Content-Length`` is its compressed size.
                                   With ``huge_body``: a small download that decodes to a
                                   large body (the padding compresses a thousandfold)
                                   Flag: ``--gzip-body ROUTE``.
``cycle_cursors``                  pages that never end: the order lists' last page (of two or
                                   more) names the second as ``nextCursor`` instead of 0, and
                                   the listings paged by number (and the prediction orders')
                                   answer the first page whatever ``page`` (``cursor``) is
                                   asked (a server or proxy that ignores it)
                                   Flag: ``--cycle-cursors``.
``stall_token_requests``           the next N token requests are counted and never answered nor
                                   processed (a renewal stuck at the server: its refresh token
                                   is not used up)
                                   Flag: ``--stall-token-requests N``.
``late_token_answers``             seconds: every grant is made (a refresh token rotated), then
                                   its answer held that long (a slow token endpoint)
                                   Flag: ``--late-token-answers SECONDS``.
``token_response_omit``            fields left out of every token the token endpoint grants
                                   (``scope``, ``expires_in``, ``token_type``,
                                   ``refresh_token_expires_in``...): oauth.md 3.3 says the
                                   fields "may vary slightly by flow" (UNCERTAIN); the grant
                                   itself is unchanged (its scopes, its expiry)
                                   Flag: ``--token-response-omit FIELD``.
``token_response_edit``            a callable given each grant's answer (a dict) before it is
                                   sent, to change in place: a server that words a grant
                                   wrongly (a token where a number goes; Python only)
``token_response_body``            bytes: every token request is answered 200 with them
                                   instead, unprocessed (``b"<html>..."``: a proxy's or captive
                                   portal's page; ``b"null"``, ``b"[]"``); None: off
                                   Flag: ``--token-response-body TEXT``.
``token_error_shape``              how the token endpoint words a refusal (oauth.md 3.5,
                                   UNCERTAIN), same status: ``"rfc"`` (default: ``{"error":
                                   "invalid_grant", "error_description": ...}``), ``"nested"``
                                   (``{"error": {"type", "code": "INVALID_GRANT", "message"}}``),
                                   ``"nested_no_code"`` (that envelope without ``code``) or
                                   ``"empty"`` (no body)
                                   Flag: ``--token-error-shape SHAPE``.
``token_error_echo``               a refusal's description, and a ``server_errors`` burst's
                                   message on the token endpoint, quote the form sent (``code=``,
                                   ``refresh_token=``, ``client_secret=``: each value): a server
                                   careless with secrets, to check none reaches an error or a log
                                   Flag: ``--token-error-echo``.
``token_error_echo_cut``           N: ``token_error_echo`` quotes the grant cut short, its first
                                   N characters and ``...`` (a server shortening what it
                                   quotes); None: whole
                                   Flag: ``--token-error-echo-cut N``.
``token_echo``                     the access token sent is quoted (`` (token=...)``) by a REST
                                   401's and a ``server_errors`` burst's message and the error
                                   refusing a websocket ``POST /auth``: a server careless with
                                   the bearer token, to check none reaches an error or a log
                                   Flag: ``--token-echo``.
``refresh_without_secret``         the refresh grant is accepted without ``client_secret`` (a
                                   public/PKCE client, oauth.md 3.1 UNCERTAIN); one sent is still
                                   checked. False: the secret is required, as the docs say
                                   Flag: ``--refresh-without-secret``.
``token_encodings``                the request bodies the token endpoint reads: ``{"json",
                                   "form"}`` (default: both, oauth.md 3.2 CONFLICT), ``{"json"}``
                                   (the docs' samples) or ``{"form"}`` (the official SDK's
                                   client credentials, RFC 6749); a body in another is read as
                                   no fields: 400 ``invalid_request`` (grant_type is required)
                                   Flag: ``--token-encoding json|form`` (repeatable).
``refused_grants``                 grant types the client may not use (``{"client_credentials"}``:
                                   oauth.md 3.4, UNCERTAIN; ``"refresh_token"``,
                                   ``"authorization_code"``): the token endpoint refuses them
                                   400 ``unauthorized_client``, and the authorize page a
                                   refused ``authorization_code`` by its error redirect
                                   Flag: ``--refused-grant GRANT_TYPE`` (repeatable).
``deny_authorization``             the authorize page answers as if the user pressed Deny: the
                                   redirect carries ``error=access_denied``, not a code
                                   Flag: ``--deny-authorization``.
``error_redirects_without_state``  the authorize page's error redirects (a denial, a request it
                                   refuses) leave ``state`` out: RFC 6749 4.1.2.1 requires it,
                                   oauth.md 2 leaves a denial's parameters UNCERTAIN
                                   Flag: ``--error-redirects-without-state``.
``swallow_prediction_orders``      the next N ``POST /v1/predictions/orders`` that place an
                                   order place it and close the connection without an answer
                                   (a retry with the same ``Idempotency-Key`` gets that order)
                                   Flag: ``--swallow-prediction-orders N``.
``app_rate_limit``                 an :class:`AppRateLimit`: the app's sustained budget of
                                   requests a second, across all its tokens and connections;
                                   a request over it gets 429 and ``Retry-After`` (the time
                                   until the budget has room again). ``Simulator(rate_limit=N)``
                                   and ``aries-async sim --rate-limit N`` set it
                                   Flag: ``--rate-limit N``.
``short_pages``                    the listings answered from the API description (integer
                                   cursor, ``nextUrl``, ``nextPage``) and the order listings
                                   (active, history) carry at most N items a page, still with
                                   a continuation: a short page that is not the last
                                   (page-number listings stay whole: for them a short page is
                                   the end)
                                   Flag: ``--short-pages N``.
``unknown_fields``                 every object of the answers made from the API description
                                   carries two keys no schema names (``simUnknownText``, a
                                   string, and ``simUnknownNumber``, a number): a server newer
                                   than the client
                                   Flag: ``--unknown-fields``.
=================================  =============================================================="""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from aries_async._settings import as_float, count_field, seconds_field
from aries_async.sim.fault_bodies import BodyFaults
from aries_async.sim.fault_kinds import (
    BYTES_BY_ROUTE,
    COUNT_OR_NONE,
    DATE_HEADERS,
    DROPS_BY_ROUTE,
    ERROR_SHAPES,
    MALFORMED_DATE,
    NON_ACK_MODES,
    SECONDS_BY_ROUTE,
    SWALLOW_MODES,
    TOKEN_ERROR_SHAPES,
    AppRateLimit,
    ErrorFault,
    RateLimitFault,
    ServerErrorFault,
    records_by_route,
)
from aries_async.sim.fault_routes import is_oauth_path, route_fields, route_matches, routed
from aries_async.sim.fault_variants import VariantFaults
from aries_async.sim.ws_faults import AUTH_ID_PLACES, WebsocketFaults

__all__ = [
    "AUTH_ID_PLACES",
    "DATE_HEADERS",
    "ERROR_SHAPES",
    "MALFORMED_DATE",
    "NON_ACK_MODES",
    "REJECT_ORDERS_REASON",
    "SWALLOW_MODES",
    "TOKEN_ERROR_SHAPES",
    "AppRateLimit",
    "BodyFaults",
    "ErrorFault",
    "Faults",
    "RateLimitFault",
    "ServerErrorFault",
    "VariantFaults",
    "WebsocketFaults",
    "is_oauth_path",
    "route_matches",
]

REJECT_ORDERS_REASON = "refused by the simulator (reject_orders)"
"""The ``ordRejReason`` of an order refused by the ``reject_orders`` switch."""


@attrs.define(kw_only=True)
class Faults(BodyFaults):
    """Every injectable fault; the defaults inject nothing. See the module docstring (and
    :mod:`~aries_async.sim.ws_faults` for the websockets' own and
    :mod:`~aries_async.sim.fault_variants` for the spec's readings and
    :mod:`~aries_async.sim.fault_bodies` for the answers' bodies, which it inherits)."""

    rate_limit: dict[str, RateLimitFault] = records_by_route(RateLimitFault)  # noqa: RUF009
    server_errors: dict[str, ServerErrorFault] = records_by_route(ServerErrorFault)  # noqa: RUF009
    error_responses: dict[str, ErrorFault] = records_by_route(ErrorFault)  # noqa: RUF009
    retry_after_http_date: bool = False
    retry_after_headers: dict[str, str] = attrs.Factory(dict)
    latency: float = attrs.field(
        default=0.0, converter=as_float, validator=seconds_field(zero=True)
    )
    route_latency: dict[str, float] = attrs.field(
        factory=dict, on_setattr=routed, metadata=SECONDS_BY_ROUTE
    )
    swallow_order_response: int = attrs.field(default=0, validator=count_field(minimum=0))
    swallow_mode: str = "drop"
    swallow_order_calls: frozenset[str] = frozenset({"place"})
    hold_order_answers: asyncio.Event | None = None
    reject_orders: int = attrs.field(default=0, validator=count_field(minimum=0))
    rejections_status_only: bool = False
    positions_unavailable: bool = False
    positions_shape: str = "sdk"
    null_active_orders: bool = True
    snapshot_working_orders_only: bool = False
    order_client_id: str = "tag"
    order_status_text: dict[str, str] = attrs.Factory(dict)
    order_status_text_reads: int | None = attrs.field(default=None, validator=COUNT_OR_NONE)
    date_header: str = "clock"
    revoke_tokens_after: int | None = attrs.field(default=None, validator=COUNT_OR_NONE)
    # Market data and resets (everyday friction).
    history_stuck_continuation: bool = False
    drop_connection: dict[str, int] = attrs.field(
        factory=dict, on_setattr=routed, metadata=DROPS_BY_ROUTE
    )
    # Sign-in and tokens
    hold_token_requests: asyncio.Event | None = None
    after_token_grant: Callable[[], Awaitable[None]] | None = None
    # Misbehaving bodies and paging (the client's time budget, size cap and page trail).
    trickle_body: dict[str, float] = attrs.field(
        factory=dict, on_setattr=routed, metadata=SECONDS_BY_ROUTE
    )
    huge_body: dict[str, int] = attrs.field(
        factory=dict, on_setattr=routed, metadata=BYTES_BY_ROUTE
    )
    huge_body_chunked: bool = False
    gzip_body: set[str] = attrs.field(factory=set, on_setattr=routed)
    cycle_cursors: bool = False
    # A fleet's refresh lock holder stuck at the token endpoint (killed there, in tests).
    stall_token_requests: int = attrs.field(default=0, validator=count_field(minimum=0))
    late_token_answers: float = attrs.field(
        default=0.0, converter=as_float, validator=seconds_field(zero=True)
    )
    token_response_omit: frozenset[str] = frozenset()
    token_response_edit: Callable[[dict[str, Any]], None] | None = None
    token_response_body: bytes | None = None
    # The token endpoint's UNCERTAIN points (oauth.md 3.1, 3.5).
    token_error_shape: str = "rfc"  # noqa: S105 - a shape name
    token_error_echo: bool = False
    token_error_echo_cut: int | None = attrs.field(default=None, validator=COUNT_OR_NONE)
    token_echo: bool = False
    refresh_without_secret: bool = False
    token_encodings: frozenset[str] = frozenset({"json", "form"})
    refused_grants: frozenset[str] = frozenset()
    deny_authorization: bool = False
    error_redirects_without_state: bool = False
    # Prediction orders: a placement made whose answer is lost (idempotent retries).
    swallow_prediction_orders: int = attrs.field(default=0, validator=count_field(minimum=0))
    # A sustained per-app rate limit (fleets of bots sharing one budget).
    app_rate_limit: AppRateLimit | None = None
    # Listings answered from the API description (routes_generic), and the order listings.
    short_pages: int | None = attrs.field(default=None, validator=count_field(optional=True))
    # Answers made from the API description: fields a newer server would add.
    unknown_fields: bool = False

    def __attrs_post_init__(self) -> None:
        route_fields(self)  # the routes the constructor was given are checked too
