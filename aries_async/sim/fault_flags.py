"""The ``aries-async sim`` fault flags: their arguments (:func:`add_fault_arguments`) and the
:class:`~aries_async.sim.faults.Faults` they describe (:func:`build_faults`). The flags are
listed in :mod:`aries_async.sim.cli`'s docstring; the websocket ones are declared in
:mod:`aries_async.sim.fault_flags_ws`."""

from __future__ import annotations

import argparse

import attrs

from aries_async._cli.common import delay_seconds
from aries_async.sim.fault_flags_ws import add_ws_fault_arguments, ws_fault_values
from aries_async.sim.fault_values import (
    add_repeatable,
    add_switches,
    count,
    drop_connection,
    error_response,
    fault_route,
    huge_body,
    positive,
    rate_limit,
    route_text,
    server_error,
    status_text,
    trickle_body,
)
from aries_async.sim.fault_variants import (
    MARKET_SESSION_WORDINGS,
    ORDER_FIELDS,
    SCOPE_ENFORCEMENTS,
)
from aries_async.sim.faults import (
    DATE_HEADERS,
    ERROR_SHAPES,
    SWALLOW_MODES,
    TOKEN_ERROR_SHAPES,
    AppRateLimit,
    Faults,
)
from aries_async.sim.valuation import POSITIONS_SHAPES

__all__ = ["add_fault_arguments", "build_faults"]


_SWITCHES: dict[str, str | None] = {
    "--empty-error-bodies": None,
    "--rejections-status-only": "order rejections answered 200 say only status REJECTED "
    '(no "success": false)',
    "--positions-unavailable": None,
    "--active-orders-empty-list": None,
    "--snapshot-working-orders-only": "the account websocket snapshot lists only working "
    "orders (no terminal ones)",
    "--market-status-timestamp-ms": "the market status timestamp in Unix milliseconds "
    "instead of seconds",
    "--whole-shares-only": "refuse stock orders for a fractional quantity as the broker would",
    "--short-sale-while-long": "take a SELL_SHORT while the account is long the symbol (it "
    "nets against the shares held)",
    "--late-auction-orders": "take AT_THE_OPENING/AT_THE_CLOSE orders until their auction "
    "(no 09:28/15:50 cut-off)",
    "--late-auction-cancels": "cancel AT_THE_OPENING/AT_THE_CLOSE orders until their auction "
    "(no cancel refused past the cut-off)",
    "--auction-stops": "take STOP and STOP_LIMIT orders for the auctions (their price "
    "triggers the stop)",
    "--pattern-prices-in-cents": "chart pattern prices with cents, as the vendors write them "
    "(not whole dollars)",
    "--option-type-words": "option top lists name a contract's type call/put (not c/P, as "
    "documented)",
    "--history-stuck-continuation": "a bars page cut short names its own first bar as nextTime",
    "--huge-body-chunked": None,
    "--cycle-cursors": None,
    "--token-error-echo": "token refusals quote the code, refresh token, client secret sent",
    "--token-echo": "REST 401s and 5xx bursts, and websocket auth refusals, quote the access token",
    "--refresh-without-secret": "accept the refresh grant without client_secret (a "
    "public/PKCE client)",
    "--deny-authorization": "the authorize page answers as if the user pressed Deny",
    "--error-redirects-without-state": "the authorize page's error redirects leave state out",
    "--unknown-fields": "every object of the answers made from the API description has keys "
    "no schema names",
}
"""The on/off fault flags, each with its help (None: the CLI's docstring says it)."""


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``faults`` argument group to ``parser``, and the ``websocket faults``
    (:mod:`aries_async.sim.fault_flags_ws`)."""
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
    add_repeatable(faults.add_argument, "--server-errors", "ROUTE[=N[:STATUS]]", server_error)
    faults.add_argument(
        "--error-response",
        action="append",
        default=[],
        metavar="ROUTE=STATUS[:SHAPE[:N]]",
        type=error_response,
        help=f"N answers (default 1, * always) of STATUS, body in SHAPE: {', '.join(ERROR_SHAPES)}",
    )
    faults.add_argument("--latency", type=delay_seconds, default=0.0, metavar="SECONDS")
    faults.add_argument("--swallow-orders", type=count, default=0, metavar="N")
    faults.add_argument("--swallow-mode", choices=SWALLOW_MODES, default="drop")
    faults.add_argument(
        "--reject-orders",
        type=count,
        default=0,
        metavar="N",
        help="refuse the next N valid order placements as the broker would",
    )
    faults.add_argument("--positions-shape", choices=POSITIONS_SHAPES, default="sdk")
    faults.add_argument(
        "--order-client-id",
        choices=("tag", "oauth_client"),
        default="tag",
        help="what returned orders say in clientId: the request's tag or the OAuth client id",
    )
    add_repeatable(
        faults.add_argument,
        "--order-status-text",
        "STATUS=TEXT",
        status_text,
        "returned orders of STATUS say TEXT in ordStatus (a status the client does not know)",
    )
    faults.add_argument(
        "--order-status-text-reads",
        type=count,
        default=None,
        metavar="N",
        help="REST order reads say those texts for N orders, then the true status",
    )
    faults.add_argument(
        "--first-page",
        type=int,
        choices=(0, 1),
        default=0,
        help="the number of the first page of the listings paged by page number "
        "(not those documented to count from 1: the prediction search)",
    )
    faults.add_argument(
        "--market-status-session",
        choices=tuple(MARKET_SESSION_WORDINGS),
        default="words",
        help="how the market status words its session: regular/pre-market/after-hours "
        "(words), REGULAR/PRE_MARKET/AFTER_HOURS (upper) or regular/preMarket/afterHours (camel)",
    )
    faults.add_argument(
        "--scope-enforcement",
        choices=SCOPE_ENFORCEMENTS,
        default="operation",
        help="the scopes a token needs: each operation's (a 403 naming the missing one), the "
        "same without naming it (unnamed), or none (any valid token opens every route)",
    )
    faults.add_argument(
        "--order-fields",
        choices=ORDER_FIELDS,
        default="sdk",
        help="returned orders' securityType/category/exDestination: EQUITY/EQUITY/MNGD (sdk) "
        "or the docs' CS/SINGLE_LEG/NASDAQ (docs)",
    )
    faults.add_argument(
        "--date-header",
        choices=DATE_HEADERS,
        default="clock",
        help="every answer's Date: the simulator's clock, left out, or malformed",
    )
    faults.add_argument("--revoke-tokens-after", type=count, default=None, metavar="N")
    add_repeatable(
        faults.add_argument,
        "--drop-connection",
        "ROUTE[=N]",
        drop_connection,
        "close the connection of the next N requests (default 1) without an answer",
    )
    add_repeatable(faults.add_argument, "--trickle-body", "ROUTE=SECONDS", trickle_body)
    add_repeatable(faults.add_argument, "--huge-body", "ROUTE=BYTES", huge_body)
    add_repeatable(
        faults.add_argument,
        "--gzip-body",
        "ROUTE",
        fault_route,
        "send the route's answers gzip-compressed (Content-Encoding: gzip)",
    )
    add_repeatable(faults.add_argument, "--malformed-amount", "ROUTE=TEXT", route_text)
    add_repeatable(faults.add_argument, "--malformed-date", "ROUTE=TEXT", route_text)
    add_repeatable(
        faults.add_argument,
        "--list-as-object",
        "ROUTE",
        fault_route,
        "send the first list of the route's answers as an object keyed by place",
    )
    add_repeatable(
        faults.add_argument,
        "--wrap-answer",
        "ROUTE=KEY",
        route_text,
        "send the route's answers inside an object under KEY ({KEY: answer})",
    )
    faults.add_argument(
        "--stall-token-requests",
        type=count,
        default=0,
        metavar="N",
        help="never answer (nor process) the next N token requests",
    )
    faults.add_argument(
        "--late-token-answers",
        type=delay_seconds,
        default=0.0,
        metavar="SECONDS",
        help="grant every token request, then hold its answer SECONDS",
    )
    add_repeatable(
        faults.add_argument,
        "--token-response-omit",
        "FIELD",
        str.strip,
        "leave FIELD (scope, expires_in...) out of every token the token endpoint grants",
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
        "--token-error-echo-cut",
        type=count,
        default=None,
        metavar="N",
        help="with --token-error-echo, quote the grant's first N characters only",
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
    faults.add_argument("--swallow-prediction-orders", type=count, default=0, metavar="N")
    faults.add_argument(
        "--short-pages",
        type=positive,
        default=None,
        metavar="N",
        help="listings answered from the API description carry N items a page, continued",
    )
    add_switches(faults.add_argument, _SWITCHES)

    add_ws_fault_arguments(parser)


def build_faults(args: argparse.Namespace) -> Faults:
    """The :class:`Faults` described by parsed arguments."""
    faults = Faults(
        **ws_fault_values(args),
        latency=args.latency,
        swallow_order_response=args.swallow_orders,
        swallow_mode=args.swallow_mode,
        reject_orders=args.reject_orders,
        rejections_status_only=args.rejections_status_only,
        positions_unavailable=args.positions_unavailable,
        positions_shape=args.positions_shape,
        null_active_orders=not args.active_orders_empty_list,
        snapshot_working_orders_only=args.snapshot_working_orders_only,
        order_client_id=args.order_client_id,
        date_header=args.date_header,
        market_status_timestamp_ms=args.market_status_timestamp_ms,
        market_status_session=args.market_status_session,
        scope_enforcement=args.scope_enforcement,
        whole_shares_only=args.whole_shares_only,
        order_fields=args.order_fields,
        short_sale_while_long=args.short_sale_while_long,
        late_auction_orders=args.late_auction_orders,
        late_auction_cancels=args.late_auction_cancels,
        auction_stops=args.auction_stops,
        first_page=args.first_page,
        pattern_prices_in_cents=args.pattern_prices_in_cents,
        option_type_words=args.option_type_words,
        revoke_tokens_after=args.revoke_tokens_after,
        order_status_text_reads=args.order_status_text_reads,
        history_stuck_continuation=args.history_stuck_continuation,
        huge_body_chunked=args.huge_body_chunked,
        cycle_cursors=args.cycle_cursors,
        stall_token_requests=args.stall_token_requests,
        late_token_answers=args.late_token_answers,
        token_response_omit=frozenset(args.token_response_omit),
        token_response_body=None
        if args.token_response_body is None
        else args.token_response_body.encode(),
        token_error_shape=args.token_error_shape,
        token_error_echo=args.token_error_echo,
        token_error_echo_cut=args.token_error_echo_cut,
        token_echo=args.token_echo,
        refresh_without_secret=args.refresh_without_secret,
        token_encodings=frozenset(args.token_encoding or ("json", "form")),
        refused_grants=frozenset(args.refused_grant),
        deny_authorization=args.deny_authorization,
        error_redirects_without_state=args.error_redirects_without_state,
        swallow_prediction_orders=args.swallow_prediction_orders,
        short_pages=args.short_pages,
        unknown_fields=args.unknown_fields,
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
    faults.list_as_object.update(args.list_as_object)
    faults.wrap_answer.update(args.wrap_answer)
    faults.order_status_text.update(args.order_status_text)
    return faults
