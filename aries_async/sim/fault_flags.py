"""The ``aries-async sim`` fault flags: their arguments (:func:`add_fault_arguments`) and the
:class:`~aries_async.sim.faults.Faults` they describe (:func:`build_faults`). The flags are
listed in :mod:`aries_async.sim.cli`'s docstring."""

from __future__ import annotations

import argparse

import attrs

from aries_async.sim.fault_values import (
    checked,
    drop_connection,
    error_response,
    huge_body,
    rate_limit,
    refused_channel,
    route_text,
    server_error,
    status_text,
    trickle_body,
)
from aries_async.sim.faults import (
    AUTH_ID_PLACES,
    DATE_HEADERS,
    ERROR_SHAPES,
    SWALLOW_MODES,
    TOKEN_ERROR_SHAPES,
    AppRateLimit,
    Faults,
)
from aries_async.sim.valuation import POSITIONS_SHAPES
from aries_async.sim.ws_faults import ERROR_ID_PLACES
from aries_async.sim.ws_requests import RESPONSE_SHAPES
from aries_async.sim.ws_session import ACK_TYPES
from aries_async.sim.ws_topics import TOPIC_SHAPES
from aries_async.sim.ws_values import MARKET_NUMBERS, MARKET_TIMES

__all__ = ["add_fault_arguments", "build_faults"]


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``faults`` argument group to ``parser``."""
    faults = parser.add_argument_group("faults")
    faults.add_argument(
        "--rate-limit",
        action="append",
        default=[],
        type=rate_limit,
        metavar="N | ROUTE[=N[:SECS]]",
        help="a bare number: the app's sustained limit in requests a second (429 beyond it); "
        "ROUTE=N:SECS: the next N requests of ROUTE get 429 with Retry-After SECS",
    )
    faults.add_argument(
        "--server-errors",
        action="append",
        default=[],
        metavar="ROUTE[=N[:STATUS]]",
        type=checked(server_error, "ROUTE[=N[:STATUS]]"),
    )
    faults.add_argument("--empty-error-bodies", action="store_true")
    faults.add_argument(
        "--error-response",
        action="append",
        default=[],
        metavar="ROUTE=STATUS[:SHAPE[:N]]",
        type=error_response,
        help=f"N answers (default 1, * always) of STATUS, body in SHAPE: {', '.join(ERROR_SHAPES)}",
    )
    faults.add_argument("--latency", type=float, default=0.0, metavar="SECONDS")
    faults.add_argument("--swallow-orders", type=int, default=0, metavar="N")
    faults.add_argument("--swallow-mode", choices=SWALLOW_MODES, default="drop")
    faults.add_argument(
        "--rejections-status-only",
        action="store_true",
        help='order rejections answered 200 say only status REJECTED (no "success": false)',
    )
    faults.add_argument("--positions-unavailable", action="store_true")
    faults.add_argument("--positions-shape", choices=POSITIONS_SHAPES, default="sdk")
    faults.add_argument("--active-orders-empty-list", action="store_true")
    faults.add_argument(
        "--snapshot-working-orders-only",
        action="store_true",
        help="the account websocket snapshot lists only working orders (no terminal ones)",
    )
    faults.add_argument(
        "--order-client-id",
        choices=("tag", "oauth_client"),
        default="tag",
        help="what returned orders say in clientId: the request's tag or the OAuth client id",
    )
    faults.add_argument(
        "--order-status-text",
        action="append",
        default=[],
        metavar="STATUS=TEXT",
        type=checked(status_text, "STATUS=TEXT"),
        help="returned orders of STATUS say TEXT in ordStatus (a status the client does not know)",
    )
    faults.add_argument(
        "--date-header",
        choices=DATE_HEADERS,
        default="clock",
        help="every answer's Date: the simulator's clock, left out, or malformed",
    )
    faults.add_argument("--revoke-tokens-after", type=int, default=None, metavar="N")
    faults.add_argument(
        "--history-stuck-continuation",
        action="store_true",
        help="a bars page cut short names its own first bar as nextTime",
    )
    faults.add_argument(
        "--drop-connection",
        action="append",
        default=[],
        metavar="ROUTE[=N]",
        type=checked(drop_connection, "ROUTE[=N]"),
        help="close the connection of the next N requests (default 1) without an answer",
    )
    faults.add_argument("--ws-drop-after", type=int, default=None, metavar="N")
    faults.add_argument("--ws-malformed-every", type=int, default=None, metavar="N")
    faults.add_argument("--ws-stall", action="store_true")
    faults.add_argument("--ws-account-unanswered", action="store_true")
    faults.add_argument(
        "--ws-market-unacknowledged",
        action="store_true",
        help="the market socket acknowledges no (un)subscribe; its data goes on",
    )
    faults.add_argument(
        "--ws-ack-type",
        choices=ACK_TYPES,
        default="subscribed",
        help="how the market and account sockets acknowledge (un)subscribes",
    )
    faults.add_argument("--ws-binary-frames", action="store_true")
    faults.add_argument("--ws-pong-without-id", action="store_true")
    faults.add_argument("--ws-market-numbers", choices=MARKET_NUMBERS, default="number")
    faults.add_argument("--ws-market-times", choices=MARKET_TIMES, default="ms")
    faults.add_argument(
        "--ws-refuse-channel",
        action="append",
        default=[],
        metavar="[SYMBOL:]CHANNEL",
        type=checked(refused_channel, "[SYMBOL:]CHANNEL (quotes, trades, level2, ...)"),
        help="the market and charts sockets refuse CHANNEL of SYMBOL (of every symbol "
        "without one), as one the user is not entitled to; the rest is subscribed",
    )
    faults.add_argument("--ws-auth-unanswered", action="store_true")
    faults.add_argument("--ws-auth-success-id", choices=AUTH_ID_PLACES, default="payload")
    faults.add_argument("--ws-auth-error-id", choices=AUTH_ID_PLACES, default="payload")
    faults.add_argument(
        "--ws-error-id",
        choices=ERROR_ID_PLACES,
        default="payload",
        help="where the errors refusing a subscribe or a socket request carry its id",
    )
    faults.add_argument(
        "--ws-auth-deadline",
        type=float,
        default=None,
        metavar="SECONDS",
        help="market and charts sockets not authenticated within SECONDS get authTimeout "
        "and are closed (as the accounts socket is)",
    )
    faults.add_argument(
        "--ws-market-repeat-every",
        type=int,
        default=None,
        metavar="N",
        help="every Nth market quote or trade update is sent twice, verbatim",
    )
    faults.add_argument(
        "--ws-market-stale-every",
        type=int,
        default=None,
        metavar="N",
        help="every Nth market quote or trade update is followed by the one before it again",
    )
    faults.add_argument(
        "--ws-market-status",
        default=None,
        metavar="VALUE",
        help="marketStatus pushes say VALUE (preMarket, halted...) for the market and venues",
    )
    faults.add_argument(
        "--ws-expire-after-auth", choices=("authExpired", "authRequired"), default=None
    )
    faults.add_argument("--ws-close-after-accept", action="store_true")
    faults.add_argument("--ws-reauth-drops-subscriptions", action="store_true")
    faults.add_argument(
        "--ws-already-subscribed",
        action="store_true",
        help="market and charts sockets answer a repeated subscribe with an error event",
    )
    faults.add_argument("--ws-ignore-requests", action="store_true")
    faults.add_argument("--ws-response-shape", choices=RESPONSE_SHAPES, default="data")
    faults.add_argument("--ws-topic-shape", choices=TOPIC_SHAPES, default="sdk")
    faults.add_argument("--ws-watchlist-auto", action="store_true")
    faults.add_argument(
        "--trickle-body",
        action="append",
        default=[],
        metavar="ROUTE=SECONDS",
        type=checked(trickle_body, "ROUTE=SECONDS"),
    )
    faults.add_argument(
        "--huge-body",
        action="append",
        default=[],
        metavar="ROUTE=BYTES",
        type=checked(huge_body, "ROUTE=BYTES"),
    )
    faults.add_argument("--huge-body-chunked", action="store_true")
    faults.add_argument(
        "--gzip-body",
        action="append",
        default=[],
        metavar="ROUTE",
        type=str.strip,
        help="send the route's answers gzip-compressed (Content-Encoding: gzip)",
    )
    faults.add_argument(
        "--malformed-amount",
        action="append",
        default=[],
        metavar="ROUTE=TEXT",
        type=checked(route_text, "ROUTE=TEXT"),
    )
    faults.add_argument(
        "--malformed-date",
        action="append",
        default=[],
        metavar="ROUTE=TEXT",
        type=checked(route_text, "ROUTE=TEXT"),
    )
    faults.add_argument("--cycle-cursors", action="store_true")
    faults.add_argument(
        "--stall-token-requests",
        type=int,
        default=0,
        metavar="N",
        help="never answer (nor process) the next N token requests",
    )
    faults.add_argument(
        "--token-response-omit",
        action="append",
        default=[],
        metavar="FIELD",
        type=str.strip,
        help="leave FIELD (scope, expires_in...) out of every token the token endpoint grants",
    )
    faults.add_argument(
        "--token-response-body",
        default=None,
        metavar="TEXT",
        help="answer every token request 200 with TEXT instead (an HTML page, null...)",
    )
    faults.add_argument(
        "--token-error-shape",
        choices=TOKEN_ERROR_SHAPES,
        default="rfc",
        help="how the token endpoint words a refusal: the RFC 6749 body, the nested envelope "
        "(with or without code) or no body",
    )
    faults.add_argument(
        "--token-error-echo",
        action="store_true",
        help="token refusals quote the code or refresh token they refuse",
    )
    faults.add_argument(
        "--refresh-without-secret",
        action="store_true",
        help="accept the refresh grant without client_secret (a public/PKCE client)",
    )
    faults.add_argument(
        "--token-encoding",
        action="append",
        default=[],
        choices=("json", "form"),
        help="a request body the token endpoint reads (repeatable; default: both)",
    )
    faults.add_argument(
        "--refused-grant",
        action="append",
        default=[],
        choices=("authorization_code", "refresh_token", "client_credentials"),
        help="refuse this grant type with unauthorized_client (repeatable)",
    )
    faults.add_argument(
        "--deny-authorization",
        action="store_true",
        help="the authorize page answers as if the user pressed Deny",
    )
    faults.add_argument(
        "--error-redirects-without-state",
        action="store_true",
        help="the authorize page's error redirects leave state out",
    )
    faults.add_argument("--swallow-prediction-orders", type=int, default=0, metavar="N")
    faults.add_argument(
        "--short-pages",
        type=int,
        default=None,
        metavar="N",
        help="listings answered from the API description carry N items a page, continued",
    )
    faults.add_argument(
        "--unknown-fields",
        action="store_true",
        help="every object of the answers made from the API description has keys no schema names",
    )
    faults.add_argument(
        "--charts-trades",
        choices=("separate", "with_quotes"),
        default="separate",
        help="charts socket: trades as their own subscription, or sent with the quotes",
    )
    faults.add_argument("--charts-envelope", choices=("plain", "typed"), default="plain")
    faults.add_argument("--charts-trade-time", choices=("s", "ms", "iso"), default="s")
    faults.add_argument("--charts-numbers", choices=("number", "string"), default="number")
    faults.add_argument(
        "--charts-ack", choices=("subscribed", "response", "none"), default="subscribed"
    )


def build_faults(args: argparse.Namespace) -> Faults:
    """The :class:`Faults` described by parsed arguments."""
    faults = Faults(
        latency=args.latency,
        swallow_order_response=args.swallow_orders,
        swallow_mode=args.swallow_mode,
        rejections_status_only=args.rejections_status_only,
        positions_unavailable=args.positions_unavailable,
        positions_shape=args.positions_shape,
        null_active_orders=not args.active_orders_empty_list,
        snapshot_working_orders_only=args.snapshot_working_orders_only,
        order_client_id=args.order_client_id,
        date_header=args.date_header,
        revoke_tokens_after=args.revoke_tokens_after,
        history_stuck_continuation=args.history_stuck_continuation,
        ws_drop_after=args.ws_drop_after,
        ws_malformed_every=args.ws_malformed_every,
        ws_stall=args.ws_stall,
        ws_account_unanswered=args.ws_account_unanswered,
        ws_market_unacknowledged=args.ws_market_unacknowledged,
        ws_ack_type=args.ws_ack_type,
        ws_binary_frames=args.ws_binary_frames,
        ws_pong_without_id=args.ws_pong_without_id,
        ws_market_numbers=args.ws_market_numbers,
        ws_market_times=args.ws_market_times,
        ws_auth_unanswered=args.ws_auth_unanswered,
        ws_auth_success_id=args.ws_auth_success_id,
        ws_auth_error_id=args.ws_auth_error_id,
        ws_expire_after_auth=args.ws_expire_after_auth,
        ws_error_id=args.ws_error_id,
        ws_auth_deadline=args.ws_auth_deadline,
        ws_market_repeat_every=args.ws_market_repeat_every,
        ws_market_stale_every=args.ws_market_stale_every,
        ws_market_status=args.ws_market_status,
        ws_close_after_accept=args.ws_close_after_accept,
        ws_reauth_drops_subscriptions=args.ws_reauth_drops_subscriptions,
        ws_already_subscribed=args.ws_already_subscribed,
        huge_body_chunked=args.huge_body_chunked,
        cycle_cursors=args.cycle_cursors,
        stall_token_requests=args.stall_token_requests,
        token_response_omit=frozenset(args.token_response_omit),
        token_response_body=None
        if args.token_response_body is None
        else args.token_response_body.encode(),
        token_error_shape=args.token_error_shape,
        token_error_echo=args.token_error_echo,
        refresh_without_secret=args.refresh_without_secret,
        token_encodings=frozenset(args.token_encoding or ("json", "form")),
        refused_grants=frozenset(args.refused_grant),
        deny_authorization=args.deny_authorization,
        error_redirects_without_state=args.error_redirects_without_state,
        swallow_prediction_orders=args.swallow_prediction_orders,
        ws_ignore_requests=args.ws_ignore_requests,
        ws_response_shape=args.ws_response_shape,
        ws_topic_shape=args.ws_topic_shape,
        ws_watchlist_auto=args.ws_watchlist_auto,
        short_pages=args.short_pages,
        unknown_fields=args.unknown_fields,
        charts_trades=args.charts_trades,
        charts_envelope=args.charts_envelope,
        charts_trade_time=args.charts_trade_time,
        charts_numbers=args.charts_numbers,
        charts_ack=args.charts_ack,
    )
    faults.trickle_body.update(args.trickle_body)
    for limit in args.rate_limit:
        if isinstance(limit, float):
            faults.app_rate_limit = AppRateLimit(per_second=limit)
        else:
            faults.rate_limit[limit[0]] = limit[1]
    faults.drop_connection.update(args.drop_connection)
    for route, burst in args.server_errors:
        faults.server_errors[route] = attrs.evolve(burst, empty_body=args.empty_error_bodies)
    faults.error_responses.update(args.error_response)
    faults.huge_body.update(args.huge_body)
    faults.gzip_body.update(args.gzip_body)
    faults.malformed_amount.update(args.malformed_amount)
    faults.malformed_date.update(args.malformed_date)
    faults.order_status_text.update(args.order_status_text)
    for symbol, channel in args.ws_refuse_channel:
        held = faults.ws_refused_channels.get(symbol, frozenset())
        faults.ws_refused_channels[symbol] = held | {channel}
    return faults
