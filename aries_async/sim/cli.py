"""``aries-async sim``: run the simulator until interrupted.

The ``aries-async`` command calls :func:`add_arguments` to build its ``sim`` sub-command and
:func:`run` to execute it; ``python -m aries_async.sim.cli`` does the same on its own.

On start it prints one JSON line with ``base_url``, ``authorize_url``, ``token_url``,
``market_ws_url`` (and ``marketdata_ws_url``, the same socket at its older path),
``accounts_ws_url``, ``charts_ws_url``, ``client_id``, ``client_secret`` (a local test secret)
and ``redirect_uri``, then serves until SIGINT/SIGTERM or cancellation.
After it, on stderr (stdout carries the JSON only), come the shell lines that point
``aries-async`` in another shell at this simulator, ended by an empty line::

    # aries-async against this simulator: run these lines in another shell
    export ARIES_BASE_URL=http://127.0.0.1:8080
    ...
    export ARIES_TOKEN_FILE=/tmp/aries-sim-.../token.json
    unset ARIES_ACCESS_TOKEN

When it stops it prints on stderr what it served (:meth:`Simulator.summary()
<aries_async.sim.server.Simulator.summary>`: requests, token requests, 429 and 5xx answers,
requests by route and answers by status), after a line saying it stopped::

    aries-async sim: stopped; it served:
    requests: 352
    token requests: 12
    rate limited (429): 3
    server errors (5xx): 0
    by route:
      GET /v1/chart/quotes: 340
    ...

The command line signs in from a token file, not with the client credentials alone: the
simulator saves a token of every scope in a file of its own (renewed by the command line as
it expires, and removed when the simulator stops), so ``login`` and ``logout`` in that shell
leave your own token file alone.

Fault flags (see :mod:`aries_async.sim.faults` and :mod:`aries_async.sim.fault_variants`; ROUTE
is ``"METHOD /path"``, ``/path`` or ``*``, else refused: no request would match it)::

    --rate-limit N                              the app's sustained limit: N requests a second
                                                across its tokens and connections (429 beyond)
    --rate-limit ROUTE[=COUNT[:RETRY_AFTER]]    429 + Retry-After for COUNT requests (* = always)
    --server-errors ROUTE[=COUNT[:STATUS]]      a burst of COUNT 5xx (default 1 x 503)
    --empty-error-bodies                        those 5xx have no body
    --error-response ROUTE=STATUS[:SHAPE[:COUNT]]   COUNT answers of STATUS (any 4xx or 5xx), the
                                                body in SHAPE (flat|flat_bare|nested|prediction|
                                                prediction_order|legacy|empty|html; default
                                                nested, 1 x)
    --latency SECONDS                           delay every response
    --swallow-orders N                          execute N order POSTs but drop their responses
    --swallow-mode drop|hang|garble|empty|...   close the connection, never answer, or answer
                                                200 with a body that is not an order ack
    --reject-orders N                           refuse the next N valid order placements
    --rejections-status-only                    order rejections without "success": false
    --positions-unavailable                     positions answer 503
    --positions-shape sdk|availability|instrument|bare   the positions answer in that shape
    --active-orders-empty-list                  empty active orders as [] instead of null
    --snapshot-working-orders-only              account ws snapshot without today's terminal orders
    --order-client-id tag|oauth_client          returned orders' clientId: our tag or the app's id
    --order-status-text STATUS=TEXT             returned orders of STATUS say TEXT in ordStatus
    --date-header clock|none|malformed          every answer's Date: the simulator's clock, none,
                                                or malformed
    --market-status-timestamp-ms                market status timestamp in ms, not seconds
    --market-status-session words|upper|camel   how the market status words its session
    --scope-enforcement operation|unnamed|none  per-operation scopes, 403s without the scope
                                                named, or any valid token for every route
    --whole-shares-only                         refuse fractional stock quantities
    --order-fields sdk|docs                     returned orders' securityType, category and
                                                exDestination as the SDK or the docs word them
    --pattern-prices-in-cents                   chart pattern prices with cents, not whole dollars
    --revoke-tokens-after N                     revoke every token after N API requests
    --history-stuck-continuation                bars pages name their own first bar as nextTime
    --drop-connection ROUTE[=COUNT]             close COUNT connections without an answer
    --ws-drop-after N / --ws-malformed-every N / --ws-stall   websocket faults
    --ws-drop-after-count K                     --ws-drop-after drops the next K sockets only
    --ws-expire-after-auth authExpired|authRequired   end each socket right after authSuccess
    --ws-close-after-accept                     close each socket right after authSuccess
    --ws-auth-unanswered                        leave every websocket authentication unanswered
    --ws-reauth-drops-subscriptions             a re-authentication on a live socket drops its
                                                subscriptions (the socket stays open)
    --ws-already-subscribed                     market and charts sockets answer a subscribe of
                                                what they hold with "already subscribed" errors
    --ws-counting-subscriptions                 market and charts sockets count each subscribe
                                                of a symbol's channel; an unsubscribe takes one
                                                off, updates flow while one is left
    --ws-subscribe-delay SECONDS                sockets act on each (un)subscribe SECONDS late,
                                                after what they read meanwhile (POST /auth...)
    --ws-auth-success-id payload|envelope|none  where authSuccess echoes the request id
    --ws-auth-error-id payload|envelope|none    where the error refusing POST /auth echoes it
    --ws-error-id payload|envelope|both|none    where subscribe/request refusals carry the id
    --ws-auth-deadline SECONDS                  market and charts sockets not authenticated in
                                                SECONDS get authTimeout and a close
    --ws-market-repeat-every N                  every Nth quote/trade update sent twice
    --ws-market-stale-every N                   every Nth quote/trade update followed by the
                                                previous one again (an older timestamp)
    --ws-market-partial                         market and charts quote/trade updates carry only
                                                the fields changed since the symbol's previous
                                                one
    --ws-market-status VALUE                    marketStatus says VALUE for market and venues
    --ws-account-unanswered                     account subscriptions get events, no snapshot
    --ws-market-unacknowledged                  market (un)subscribes without acknowledgements
    --ws-unsubscribes-unacknowledged            market and charts unsubscribes without them
    --ws-symbol-case upper|lower|title|asked    market and charts updates' symbol spelling
    --ws-ack-type subscribed|response           market and account (un)subscribe acks' type
    --ws-binary-frames                          websocket frames sent as binary, not text
    --ws-pong-without-id                        pongs without the ping's id
    --ws-market-numbers number|string           market quote/trade/greeks numbers as strings
    --ws-market-times ms|iso                    market exchange times in ms or ISO 8601
    --ws-market-update-types sdk|docs|none      market updates' type: quote..., quoteUpdate..., none
    --ws-refuse-channel [SYMBOL:]CHANNEL        market and charts sockets refuse that channel
    --trickle-body ROUTE=SECONDS                send those bodies a byte at a time
    --huge-body ROUTE=BYTES                     grow those JSON answers to BYTES
    --huge-body-chunked                         send padded bodies without Content-Length
    --gzip-body ROUTE                           send those answers gzip-compressed
    --malformed-amount ROUTE=TEXT               one amount of the answer's last item is TEXT
    --malformed-date ROUTE=TEXT                 one date of the answer's last item is TEXT
    --list-as-object ROUTE                      the answer's first list sent as an object
    --wrap-answer ROUTE=KEY                     the answer sent inside {KEY: answer}
    --cycle-cursors                             pages that never end
    --stall-token-requests N                    never answer the next N token requests
    --late-token-answers SECONDS                grant every token request, answer SECONDS later
    --token-response-omit FIELD                 granted tokens without FIELD (scope, expires_in...)
    --token-response-body TEXT                  answer every token request 200 with TEXT
    --token-error-shape rfc|nested|nested_no_code|empty   how token refusals are worded
    --token-error-echo                          token refusals quote the form (secrets) sent
    --token-error-echo-cut N                    ... quoting the grant's first N characters only
    --token-echo                                401s and websocket auth refusals quote the token
    --refresh-without-secret                    refresh grant accepted without client_secret
    --token-encoding json|form                  the token request bodies read (default: both)
    --refused-grant GRANT_TYPE                  refuse that grant with unauthorized_client
    --deny-authorization                        the authorize page answers access_denied
    --error-redirects-without-state             authorize error redirects without state
    --swallow-prediction-orders N               place N prediction orders, drop their answers
    --ws-ignore-requests                        leave market-socket requests unanswered
    --ws-refuse-request PATTERN[=TEXT]          refuse market-socket requests of those paths
                                                with an error event (repeatable)
    --ws-response-shape data|body|flat          where a socket request's answer sits
    --ws-topic-shape sdk|object|list|legacy     pnl/watchlist/news payload variant
    --ws-watchlist-auto                         watchlist changes without a subscription
    --short-pages N                             described listings: N items a page, continued
    --unknown-fields                            described answers: keys no schema names
    --charts-trades separate|with_quotes        charts socket: trades apart or with the quotes
    --charts-envelope plain|typed               charts events' payload shape
    --charts-trade-time s|ms|iso                a chart trade's time unit
    --charts-numbers number|string              chart numbers as JSON numbers or strings
    --charts-ack subscribed|response|none       charts (un)subscribe acknowledgements
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shlex
import signal
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from aries_async._cli.common import finite_seconds
from aries_async.auth.filestore import FileTokenStore
from aries_async.sim.context import QUOTE_UNKNOWN
from aries_async.sim.fault_flags import add_fault_arguments, build_faults
from aries_async.sim.fault_values import checked, count, huge_body
from aries_async.sim.server import DEFAULT_REDIRECT_URI, Simulator

__all__ = [
    "add_arguments",
    "build_faults",
    "build_simulator",
    "huge_body",
    "main",
    "run",
    "shell_lines",
]


# Values the simulator would fail on only once it runs (a port of 99999), or run with
# nonsense (a negative step or cash): refused as argparse refuses one, exit 2.


def _port(text: str) -> int:
    if not 0 <= (value := int(text)) <= 65535:
        raise ValueError(text)
    return value


def _cash(text: str) -> Decimal:
    if not ((value := Decimal(text)).is_finite() and value >= 0):
        raise ValueError(text)
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``sim`` options (server, OAuth, switches and faults) to ``parser``."""
    server = parser.add_argument_group("server")
    server.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    server.add_argument(
        "--port",
        type=checked(_port, "a port from 0 to 65535"),
        default=0,
        help="port (default: a free one)",
    )
    server.add_argument("--seed", type=int, default=0, help="price-walk seed (default 0)")
    server.add_argument(
        "--step-seconds",
        type=finite_seconds,
        default=0.5,
        help="market seconds per walk step",
    )
    server.add_argument(
        "--tick-interval",
        type=finite_seconds,
        default=0.05,
        help="seconds between feed ticks",
    )
    server.add_argument(
        "--starting-cash",
        type=checked(_cash, "an amount of at least 0"),
        default="100000",
        help="cash per account",
    )
    oauth = parser.add_argument_group("oauth")
    oauth.add_argument(
        "--token-ttl",
        type=finite_seconds,
        default=3600.0,
        help="access-token lifetime in seconds",
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
        type=count,
        default=1000,
        metavar="N",
        help="most bars per /v1/chart/history answer; the rest is announced with nextTime "
        "(0: no limit; default 1000)",
    )
    switches.add_argument(
        "--rejections-as-http", action="store_true", help="order rejections as HTTP 400"
    )
    switches.add_argument(
        "--unchecked-closes",
        action="store_true",
        help="take option legs marked CLOSE without a position to close",
    )
    switches.add_argument(
        "--cancel-echo-id", action="store_true", help="cancel acks echo the order's clOrdId"
    )
    switches.add_argument(
        "--market", choices=("auto", "open", "closed"), default="auto", help="market status"
    )
    add_fault_arguments(parser)


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
        starting_cash=args.starting_cash,
    )
    sim.state.check_closing_legs = not args.unchecked_closes
    return sim


_URLS = {
    "ARIES_BASE_URL": "base_url",
    "ARIES_AUTHORIZE_URL": "authorize_url",
    "ARIES_TOKEN_URL": "token_url",
    "ARIES_MARKET_WS_URL": "market_ws_url",
    "ARIES_ACCOUNTS_WS_URL": "accounts_ws_url",
    "ARIES_CHARTS_WS_URL": "charts_ws_url",
}
"""Every URL ``ClientConfig.from_env`` reads, set (one left from the shell would win)."""


def shell_lines(sim: Simulator, token_file: Path) -> str:
    """The lines that point ``aries-async`` in a POSIX shell at ``sim``, with the token in
    ``token_file`` (an ``ARIES_ACCESS_TOKEN`` of the shell's would win over it, so it is
    unset); they end with an empty line."""
    info = sim.info()
    values = {name: info[key] for name, key in _URLS.items()}
    values.update(
        ARIES_CLIENT_ID=sim.client_id,
        ARIES_CLIENT_SECRET=sim.client_secret,
        ARIES_REDIRECT_URI=sim.redirect_uri,
        ARIES_TOKEN_FILE=str(token_file),
    )
    lines = ["# aries-async against this simulator: run these lines in another shell"]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in values.items()]
    lines += ["unset ARIES_ACCESS_TOKEN", ""]
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    """Start the simulator, print its fields as one JSON line (then, on stderr, the
    :func:`shell_lines` of a token file it keeps meanwhile), serve until interrupted, then
    print on stderr what it served (:meth:`~aries_async.sim.summary.SimSummary.text`).

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
        with tempfile.TemporaryDirectory(prefix="aries-sim-") as home:
            token_file = Path(home) / "token.json"
            await FileTokenStore(token_file).save(sim.issue_token())
            print(shell_lines(sim, token_file), file=sys.stderr, flush=True)
            await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
        await sim.stop()
        print(f"aries-async sim: stopped; it served:\n{sim.summary().text()}", file=sys.stderr)
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
