"""The websocket fault flags of ``aries-async sim`` (``--ws-*`` and ``--charts-*``): their
arguments (:func:`add_ws_fault_arguments`) and the :class:`~aries_async.sim.faults.Faults`
fields they set (:func:`ws_fault_values`). Each flag's destination is the field's name."""

from __future__ import annotations

import argparse
from typing import Any

from aries_async._cli.common import delay_seconds, finite_seconds
from aries_async.sim.fault_values import (
    add_switches,
    checked,
    count,
    parse_count,
    refused_channel,
    refused_request,
)
from aries_async.sim.faults import AUTH_ID_PLACES
from aries_async.sim.ws_faults import ERROR_ID_PLACES
from aries_async.sim.ws_refusals import CHANNEL_ERRORS
from aries_async.sim.ws_requests import RESPONSE_SHAPES
from aries_async.sim.ws_session import ACK_TYPES
from aries_async.sim.ws_topics import TOPIC_SHAPES
from aries_async.sim.ws_values import (
    MARKET_NUMBERS,
    MARKET_TIMES,
    SYMBOL_CASES,
    UPDATE_TYPE_NAMES,
)

__all__ = ["add_ws_fault_arguments", "ws_fault_values"]


_SWITCHES: dict[str, str | None] = {
    "--ws-stall": None,
    "--ws-account-unanswered": None,
    "--ws-market-unacknowledged": "the market socket acknowledges no (un)subscribe; its data "
    "goes on",
    "--ws-unsubscribes-unacknowledged": "the market and charts sockets acknowledge no "
    "unsubscribe (subscribes as usual)",
    "--ws-binary-frames": None,
    "--ws-pong-without-id": None,
    "--ws-auth-unanswered": None,
    "--ws-market-partial": "quote and trade updates of the market and charts sockets carry "
    "only the fields that changed since the previous one of their symbol (the snapshot stays "
    "whole; a chart quote's v is what is compared, a chart trade keeps its t)",
    "--ws-close-after-accept": None,
    "--ws-reauth-drops-subscriptions": None,
    "--ws-already-subscribed": "market and charts sockets answer a repeated subscribe with an "
    "error event",
    "--ws-counting-subscriptions": "market and charts sockets count the subscribes of a "
    "symbol's channel; an unsubscribe takes one off and its updates flow while one is left",
    "--ws-ignore-requests": None,
    "--ws-watchlist-auto": None,
}
"""The on/off websocket fault flags, each with its help (None: the CLI's docstring says it)."""


def add_ws_fault_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``websocket faults`` argument group to ``parser``."""
    faults = parser.add_argument_group("websocket faults")
    faults.add_argument("--ws-drop-after", type=count, default=None, metavar="N")
    faults.add_argument(
        "--ws-drop-after-count",
        type=checked(parse_count, "a count of at least 1, or *"),
        default=None,
        metavar="K",
        help="--ws-drop-after drops the next K sockets only (default: every socket)",
    )
    faults.add_argument("--ws-malformed-every", type=count, default=None, metavar="N")
    faults.add_argument(
        "--ws-symbol-case",
        choices=SYMBOL_CASES,
        default="upper",
        help="how the market and charts sockets spell the symbol of their updates",
    )
    faults.add_argument(
        "--ws-ack-type",
        choices=ACK_TYPES,
        default="subscribed",
        help="how the market and account sockets acknowledge (un)subscribes",
    )
    faults.add_argument("--ws-market-numbers", choices=MARKET_NUMBERS, default="number")
    faults.add_argument("--ws-market-times", choices=MARKET_TIMES, default="ms")
    faults.add_argument(
        "--ws-market-update-types",
        choices=UPDATE_TYPE_NAMES,
        default="sdk",
        help="the type of market updates: quote... (sdk), quoteUpdate... (docs) or none",
    )
    faults.add_argument(
        "--ws-refuse-channel",
        action="append",
        default=[],
        metavar="[SYMBOL:]CHANNEL",
        type=checked(refused_channel, "[SYMBOL:]CHANNEL (quotes, trades, level2, ...)"),
        help="the market and charts sockets refuse CHANNEL of SYMBOL (of every symbol "
        "without one), as one the user is not entitled to; the rest is subscribed",
    )
    faults.add_argument(
        "--ws-channel-errors",
        choices=CHANNEL_ERRORS,
        default="symbol",
        help="the errors refusing --ws-refuse-channel name each symbol and its channels, or "
        "(request) the channels a subscribe may not have, and no symbol",
    )
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
        type=finite_seconds,
        default=None,
        metavar="SECONDS",
        help="market and charts sockets not authenticated within SECONDS get authTimeout "
        "and are closed (as the accounts socket is)",
    )
    faults.add_argument(
        "--ws-market-repeat-every",
        type=count,
        default=None,
        metavar="N",
        help="every Nth quote or trade update of the market and charts sockets is sent "
        "twice, verbatim",
    )
    faults.add_argument(
        "--ws-market-stale-every",
        type=count,
        default=None,
        metavar="N",
        help="every Nth quote or trade update of the market and charts sockets is followed "
        "by the one before it again",
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
    faults.add_argument(
        "--ws-subscribe-delay",
        type=delay_seconds,
        default=None,
        metavar="SECONDS",
        help="market, charts and accounts sockets act on each (un)subscribe SECONDS after "
        "they read it (its answers come after those of what was read meanwhile)",
    )
    faults.add_argument(
        "--ws-refuse-request",
        action="append",
        default=[],
        metavar="PATTERN[=TEXT]",
        type=checked(refused_request, "PATTERN[=TEXT] (a path pattern: /options/*)"),
        help="the market socket refuses the requests whose path matches PATTERN with an "
        "error event saying TEXT (placed as --ws-error-id says)",
    )
    faults.add_argument("--ws-response-shape", choices=RESPONSE_SHAPES, default="data")
    faults.add_argument("--ws-topic-shape", choices=TOPIC_SHAPES, default="sdk")
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
    add_switches(faults.add_argument, _SWITCHES)


def ws_fault_values(args: argparse.Namespace) -> dict[str, Any]:
    """The :class:`~aries_async.sim.faults.Faults` fields the parsed websocket flags set."""
    values = {
        name: value
        for name, value in vars(args).items()
        if name.startswith(("ws_", "charts_"))
        and name not in ("ws_refuse_channel", "ws_refuse_request")
    }
    refused: dict[str, frozenset[str]] = {}
    for symbol, channel in args.ws_refuse_channel:
        refused[symbol] = refused.get(symbol, frozenset()) | {channel}
    values["ws_refused_channels"] = refused
    values["ws_refused_requests"] = dict(args.ws_refuse_request)
    return values
