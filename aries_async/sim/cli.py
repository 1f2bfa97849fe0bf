"""``aries-async sim``: run the simulator until interrupted.

The ``aries-async`` command calls :func:`add_arguments` to build its ``sim`` sub-command and
:func:`run` to execute it; ``python -m aries_async.sim.cli`` does the same on its own.

On start it prints one JSON line with ``base_url``, ``authorize_url``, ``token_url``,
``market_ws_url``, ``accounts_ws_url``, ``charts_ws_url``, ``client_id``, ``client_secret`` (a
local test secret) and ``redirect_uri``, then serves until SIGINT/SIGTERM or cancellation.

Fault flags (see :mod:`aries_async.sim.faults`; ROUTE is ``"METHOD /path"``, ``/path`` or ``*``)::

    --rate-limit N                              the app's sustained limit: N requests a second
                                                across its tokens and connections (429 beyond)
    --rate-limit ROUTE[=COUNT[:RETRY_AFTER]]    429 + Retry-After for COUNT requests (* = always)
    --server-errors ROUTE[=COUNT[:STATUS]]      a burst of COUNT 5xx (default 1 x 503)
    --empty-error-bodies                        those 5xx have no body
    --latency SECONDS                           delay every response
    --swallow-orders N                          execute N order POSTs but drop their responses
    --swallow-mode drop|hang|garble|empty|...   close the connection, never answer, or answer
                                                200 with a body that is not an order ack
    --positions-unavailable                     positions answer 503
    --active-orders-empty-list                  empty active orders as [] instead of null
    --snapshot-working-orders-only              account ws snapshot without today's terminal orders
    --revoke-tokens-after N                     revoke every token after N API requests
    --history-stuck-continuation                bars pages name their own first bar as nextTime
    --drop-connection ROUTE[=COUNT]             close COUNT connections without an answer
    --ws-drop-after N / --ws-malformed-every N / --ws-stall   websocket faults
    --ws-expire-after-auth authExpired|authRequired   end each socket right after authSuccess
    --ws-close-after-accept                     close each socket right after authSuccess
    --trickle-body ROUTE=SECONDS                send those bodies a byte at a time
    --huge-body ROUTE=BYTES                     grow those JSON answers to BYTES
    --huge-body-chunked                         send padded bodies without Content-Length
    --cycle-cursors                             order pages that never end
    --stall-token-requests N                    never answer the next N token requests
    --swallow-prediction-orders N               place N prediction orders, drop their answers
    --ws-ignore-requests                        leave market-socket requests unanswered
    --ws-response-shape data|body|flat          where a socket request's answer sits
    --ws-topic-shape sdk|object|list|legacy     pnl/watchlist/news payload variant
    --ws-watchlist-auto                         watchlist changes without a subscription
    --short-pages N                             described listings: N items a page, continued
    --unknown-fields                            described answers: keys no schema names
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import signal
import sys
from decimal import Decimal

from aries_async.sim.context import QUOTE_UNKNOWN
from aries_async.sim.faults import (
    SWALLOW_MODES,
    AppRateLimit,
    Faults,
    RateLimitFault,
    ServerErrorFault,
)
from aries_async.sim.server import DEFAULT_REDIRECT_URI, Simulator
from aries_async.sim.ws_requests import RESPONSE_SHAPES
from aries_async.sim.ws_topics import TOPIC_SHAPES

__all__ = ["add_arguments", "build_faults", "build_simulator", "huge_body", "main", "run"]


def _count(text: str) -> int | None:
    return None if text in ("*", "") else int(text)


def _rate_limit(spec: str) -> float | tuple[str, RateLimitFault]:
    """``--rate-limit``: a bare number is the app's sustained limit in requests a second;
    ``ROUTE[=COUNT[:RETRY_AFTER]]`` the route's :class:`RateLimitFault`.

    Raises:
        argparse.ArgumentTypeError: a rate that is not a positive number, or a count or
            ``Retry-After`` that cannot be read (the command exits 2).
    """
    try:
        per_second = float(spec)
    except ValueError:
        per_second = None
    if per_second is not None:
        if not (per_second > 0 and math.isfinite(per_second)):
            raise argparse.ArgumentTypeError(f"the rate must be a positive number, got {spec!r}")
        return per_second
    route, _, rest = spec.partition("=")
    count, _, retry = rest.partition(":")
    try:
        return route.strip(), RateLimitFault(
            count=_count(count) if rest else 1, retry_after=float(retry) if retry else 1.0
        )
    except ValueError:
        expected = "ROUTE[=COUNT[:SECONDS]] or a number"
        raise argparse.ArgumentTypeError(f"expected {expected}, got {spec!r}") from None


def _server_error(spec: str, empty: bool) -> tuple[str, ServerErrorFault]:
    route, _, rest = spec.partition("=")
    count, _, status = rest.partition(":")
    return route.strip(), ServerErrorFault(
        count=_count(count) if rest else 1, status=int(status) if status else 503, empty_body=empty
    )


def huge_body(spec: str) -> tuple[str, int]:
    """``ROUTE=BYTES`` (``--huge-body``) as the ``huge_body`` fault's route and size."""
    route, _, size = spec.rpartition("=")
    return route.strip(), int(size)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``sim`` options (server, OAuth, switches and faults) to ``parser``."""
    server = parser.add_argument_group("server")
    server.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    server.add_argument("--seed", type=int, default=0, help="price-walk seed (default 0)")
    server.add_argument(
        "--step-seconds", type=float, default=0.5, help="market seconds per walk step"
    )
    server.add_argument(
        "--tick-interval", type=float, default=0.05, help="seconds between feed ticks"
    )
    server.add_argument("--starting-cash", default="100000", help="cash per account")
    oauth = parser.add_argument_group("oauth")
    oauth.add_argument(
        "--token-ttl", type=float, default=3600.0, help="access-token lifetime in seconds"
    )
    oauth.add_argument("--client-id", default="aries-sim-client")
    oauth.add_argument("--client-secret", default=None, help="default: random per run")
    oauth.add_argument(
        "--redirect-uri",
        action="append",
        default=None,
        help=f"registered redirect URI (repeatable; default {DEFAULT_REDIRECT_URI})",
    )
    oauth.add_argument(
        "--consent-page", action="store_true", help="show the consent page (no auto-approve)"
    )
    oauth.add_argument(
        "--no-refresh-rotation", action="store_true", help="keep refresh tokens on refresh"
    )
    switches = parser.add_argument_group("protocol variants")
    switches.add_argument(
        "--quote-symbol-in",
        choices=("n", "s"),
        default="n",
        help="quote items carry the symbol in n (UDF, default) or s (SDK)",
    )
    switches.add_argument(
        "--quote-unknown",
        choices=QUOTE_UNKNOWN,
        default="item",
        help="an unknown symbol in a quotes request: an error item (default), no item, or the "
        "whole request refused with 400 or 404",
    )
    switches.add_argument(
        "--history-page-size",
        type=int,
        default=1000,
        metavar="N",
        help="most bars per /v1/chart/history answer; the rest is announced with nextTime "
        "(0: no limit; default 1000)",
    )
    switches.add_argument(
        "--rejections-as-http", action="store_true", help="order rejections as HTTP 400"
    )
    switches.add_argument(
        "--cancel-echo-id", action="store_true", help="cancel acks echo the order's clOrdId"
    )
    switches.add_argument(
        "--market", choices=("auto", "open", "closed"), default="auto", help="market status"
    )
    faults = parser.add_argument_group("faults")
    faults.add_argument(
        "--rate-limit",
        action="append",
        default=[],
        type=_rate_limit,
        metavar="N | ROUTE[=N[:SECS]]",
        help="a bare number: the app's sustained limit in requests a second (429 beyond it); "
        "ROUTE=N:SECS: the next N requests of ROUTE get 429 with Retry-After SECS",
    )
    faults.add_argument(
        "--server-errors", action="append", default=[], metavar="ROUTE[=N[:STATUS]]"
    )
    faults.add_argument("--empty-error-bodies", action="store_true")
    faults.add_argument("--latency", type=float, default=0.0, metavar="SECONDS")
    faults.add_argument("--swallow-orders", type=int, default=0, metavar="N")
    faults.add_argument("--swallow-mode", choices=SWALLOW_MODES, default="drop")
    faults.add_argument("--positions-unavailable", action="store_true")
    faults.add_argument("--active-orders-empty-list", action="store_true")
    faults.add_argument(
        "--snapshot-working-orders-only",
        action="store_true",
        help="the account websocket snapshot lists only working orders (no terminal ones)",
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
        help="close the connection of the next N requests (default 1) without an answer",
    )
    faults.add_argument("--ws-drop-after", type=int, default=None, metavar="N")
    faults.add_argument("--ws-malformed-every", type=int, default=None, metavar="N")
    faults.add_argument("--ws-stall", action="store_true")
    faults.add_argument(
        "--ws-expire-after-auth", choices=("authExpired", "authRequired"), default=None
    )
    faults.add_argument("--ws-close-after-accept", action="store_true")
    faults.add_argument("--ws-ignore-requests", action="store_true")
    faults.add_argument("--ws-response-shape", choices=RESPONSE_SHAPES, default="data")
    faults.add_argument("--ws-topic-shape", choices=TOPIC_SHAPES, default="sdk")
    faults.add_argument("--ws-watchlist-auto", action="store_true")
    faults.add_argument("--trickle-body", action="append", default=[], metavar="ROUTE=SECONDS")
    faults.add_argument("--huge-body", action="append", default=[], metavar="ROUTE=BYTES")
    faults.add_argument("--huge-body-chunked", action="store_true")
    faults.add_argument("--cycle-cursors", action="store_true")
    faults.add_argument(
        "--stall-token-requests",
        type=int,
        default=0,
        metavar="N",
        help="never answer (nor process) the next N token requests",
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
        positions_unavailable=args.positions_unavailable,
        null_active_orders=not args.active_orders_empty_list,
        snapshot_working_orders_only=args.snapshot_working_orders_only,
        revoke_tokens_after=args.revoke_tokens_after,
        history_stuck_continuation=args.history_stuck_continuation,
        ws_drop_after=args.ws_drop_after,
        ws_malformed_every=args.ws_malformed_every,
        ws_stall=args.ws_stall,
        ws_expire_after_auth=args.ws_expire_after_auth,
        ws_close_after_accept=args.ws_close_after_accept,
        huge_body_chunked=args.huge_body_chunked,
        cycle_cursors=args.cycle_cursors,
        stall_token_requests=args.stall_token_requests,
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
    for spec in args.trickle_body:
        route, _, gap = spec.rpartition("=")
        faults.trickle_body[route.strip()] = float(gap)
    for limit in args.rate_limit:
        if isinstance(limit, float):
            faults.app_rate_limit = AppRateLimit(per_second=limit)
        else:
            faults.rate_limit[limit[0]] = limit[1]
    for spec in args.drop_connection:
        route, _, count = spec.partition("=")
        faults.drop_connection[route.strip()] = int(count or 1)
    for spec in args.server_errors:
        route, burst = _server_error(spec, args.empty_error_bodies)
        faults.server_errors[route] = burst
    faults.huge_body.update(huge_body(spec) for spec in args.huge_body)
    return faults


def build_simulator(args: argparse.Namespace) -> Simulator:
    """A (not yet started) :class:`Simulator` configured from parsed arguments."""
    sim = Simulator(
        seed=args.seed,
        token_ttl=args.token_ttl,
        faults=build_faults(args),
        auto_approve=not args.consent_page,
        rotate_refresh_tokens=not args.no_refresh_rotation,
        quote_symbol_in=args.quote_symbol_in,
        quote_unknown=args.quote_unknown,
        history_page_size=args.history_page_size or None,
        host=args.host,
        port=args.port,
        tick_interval=args.tick_interval,
        step_seconds=args.step_seconds,
        client_id=args.client_id,
        client_secret=args.client_secret,
        redirect_uris=args.redirect_uri or (DEFAULT_REDIRECT_URI,),
        rejections_as_http=args.rejections_as_http,
        cancel_assigns_new_id=not args.cancel_echo_id,
        market_open={"auto": None, "open": True, "closed": False}[args.market],
        starting_cash=Decimal(args.starting_cash),
    )
    return sim


async def run(args: argparse.Namespace) -> int:
    """Start the simulator, print its fields as one JSON line, serve until interrupted.

    Returns:
        The exit status (0 on a clean stop, 2 when the port cannot be bound).
    """
    sim = build_simulator(args)
    try:
        await sim.start()
    except OSError as exc:
        print(f"aries-async sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        print(json.dumps(sim.info()), flush=True)
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
        await sim.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m aries_async.sim.cli``."""
    parser = argparse.ArgumentParser(prog="aries-async sim", description="Run a local Aries.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
