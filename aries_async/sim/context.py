"""What every part of a running simulator shares: :class:`SimContext`.

The HTTP app (:mod:`aries_async.sim.app`) and the websocket module (:mod:`aries_async.sim.ws`)
receive the same context object. Its API is stable; the websocket module relies on:

* ``ctx.clock.now()`` -- Unix seconds (manual in tests);
* ``ctx.feed`` -- :class:`~aries_async.sim.feed.Feed`: ``quote(symbol)``, ``has(symbol)``,
  ``watch(symbol)``/``unwatch(symbol)`` and ``listen(callback) -> remove`` for every step of
  a watched symbol (``QuoteSnapshot.quote_data()`` / ``trade_data()`` give wire ``data``);
* ``ctx.state`` -- :class:`~aries_async.sim.state.State`: ``accounts``,
  ``listen(account_id, callback) -> remove`` for :class:`~aries_async.sim.state.AccountEvent`
  (``account.order`` / ``account.position`` / ``account.balance``) and ``snapshot(account_id)``
  -> ``{"account", "positions", "ordersV2"}`` in wire form;
* ``ctx.authenticate(token, scopes)`` -- an :class:`~aries_async.sim.auth.AccessGrant` or a
  :class:`~aries_async.sim.auth.TokenProblem` (unknown, expired, revoked, missing scope);
* ``ctx.faults`` -- :class:`~aries_async.sim.faults.Faults` (read ``ws_drop_after``,
  ``ws_malformed_every``, ``ws_stall`` on every send);
* ``ctx.settings`` -- :class:`SimSettings` (websocket timings are there);
* ``ctx.market_status()`` -- the ``marketStatus`` object (``exchange``, ``isOpen``,
  ``session``, ``timestamp``, ``timezone``) for the market socket's first push;
* ``ctx.tick()`` -- advance the feed to the clock, run matching and expire the orders whose
  session has ended (the ticker calls it); ``ctx.catch_up()`` ticks only when such an order
  is due (every HTTP request calls it).
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter, deque
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs
import orjson

from aries_async._settings import as_float, count_field, seconds_field
from aries_async.sim.auth import AccessGrant, AuthServer, TokenProblem
from aries_async.sim.faults import Faults
from aries_async.sim.feed import NEW_YORK, Clock, Feed
from aries_async.sim.option_chains import Chains
from aries_async.sim.rankings import Rankings
from aries_async.sim.request_counts import RequestCounts
from aries_async.sim.sessions import is_trading_day, session_name
from aries_async.sim.state import State

__all__ = [
    "JOURNAL_SIZE",
    "QUOTE_UNKNOWN",
    "WS_TOKENS_KEPT",
    "RecordedRequest",
    "SimContext",
    "SimSettings",
]

QUOTE_UNKNOWN = ("item", "omit", "400", "404")
"""The ways :attr:`SimSettings.quote_unknown` can answer an unknown symbol."""

JOURNAL_SIZE = 10_000
"""How many of the latest HTTP requests :attr:`SimContext.journal` keeps."""
WS_TOKENS_KEPT = 64
"""How many distinct tokens, the latest presented to the websockets, :attr:`SimContext.ws_tokens`
counts: enough for a test to see which token a client presented again, while a stream renewed
hourly for weeks does not grow the simulator (each token held costs about 600 bytes)."""


@attrs.frozen
class RecordedRequest:
    """One HTTP request as the simulator received it (``Simulator.journal``).

    Nothing secret is kept: no ``Authorization``, ``Proxy-Authorization`` or ``Cookie`` header
    (the bearer token is checked, not stored) and no body for the OAuth endpoints (client
    secrets, codes, refresh tokens).

    Attributes:
        method: ``GET``, ``POST``...
        raw_path: the path as sent, percent-encoded, without the query
            (``/v2/accounts/A%201/balance``).
        query: the query's decoded ``(name, value)`` pairs, in order.
        body: the raw body (``b""`` when none, and for the OAuth endpoints).
        content_type: the body's media type (``application/json``), ``""`` when none (an
            OAuth endpoint's too, whose body is not kept).
        headers: the other headers, ``(name, value)`` pairs as received, in order.
    """

    method: str
    raw_path: str
    query: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    content_type: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), None when absent (or not kept)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def params(self) -> dict[str, str]:
        """The query as a dict (the last value of a repeated name)."""
        return dict(self.query)

    def json(self) -> Any:
        """The body parsed as JSON (None when there is no body)."""
        return orjson.loads(self.body) if self.body else None


@attrs.define(kw_only=True)
class SimSettings:
    """Switches that choose between documented variants, and websocket timings.

    Attributes:
        quote_symbol_in: ``"n"``: quote items carry the symbol in ``n`` and ``"ok"`` in ``s``
            (TradingView UDF, the default); ``"s"``: the symbol in ``s`` and the name in ``n``
            (the SDK reading) -- rest.md section 8 CONFLICT.
        quote_unknown: how the quotes call answers an unknown symbol -- rest.md section 8
            leaves it open: ``"item"`` (default) an item ``{"n": sym, "s": "error", "errmsg"}``;
            ``"omit"`` no item for it; ``"400"`` / ``"404"`` the whole request refused with
            that status.
        history_page_size: most bars in one ``/v1/chart/history`` answer; a longer range is
            cut there and ``nextTime`` names the next bar (None: never cut).
        auto_approve: the authorize page redirects at once instead of showing a consent page.
        market_open: force the market status (None: follow the New York clock and calendar).
        ws_auth_timeout: seconds an account socket may stay unauthenticated.
        ws_session_ttl: seconds a websocket session lasts before ``authExpired``.
        ws_refresh_warning: seconds before expiry at which ``refreshAuth`` is sent.
        ws_send_acks: acknowledge subscribes and unsubscribes, on every socket (read on each
            one). False: no acknowledgement on any socket, whatever the faults that shape them
            say (``ws_ack_type``, and ``charts_ack`` ``"response"`` included); the fault
            ``ws_market_unacknowledged`` silences the market socket's alone
            (:class:`~aries_async.sim.faults.Faults`).

    Raises:
        ValidationError: (naming ``SimSettings.<option>``, given or set) a timing not a
            finite number of seconds above 0 (``ws_refresh_warning``: at least 0), a
            ``history_page_size`` not None nor a whole number of at least 1.
    """

    quote_symbol_in: str = "n"
    quote_unknown: str = "item"
    history_page_size: int | None = attrs.field(default=1000, validator=count_field(optional=True))
    auto_approve: bool = True
    market_open: bool | None = None
    ws_auth_timeout: float = attrs.field(default=5.0, converter=as_float, validator=seconds_field())
    ws_session_ttl: float = attrs.field(
        default=3900.0, converter=as_float, validator=seconds_field()
    )
    ws_refresh_warning: float = attrs.field(
        default=300.0, converter=as_float, validator=seconds_field(zero=True)
    )
    ws_send_acks: bool = True


@attrs.define(kw_only=True, eq=False)
class SimContext:
    """The simulator's shared state (see the module docstring for the stable API).

    Attributes:
        requests: request counts by ``(METHOD, concrete path)``, also read by
            ``(METHOD, route template)`` (e.g. ``("GET", "/v2/accounts/{id}/orders")``): one
            entry per request (:class:`~aries_async.sim.request_counts.RequestCounts`).
        rankings: the top lists' orders at the market's latest state, each worked out once
            (:class:`~aries_async.sim.rankings.Rankings`).
        chains: the option top lists' chains at the market's latest state, each built once
            (:class:`~aries_async.sim.option_chains.Chains`).
        status_counts: answers by HTTP status (a connection closed without an answer has none).
        token_requests: how many ``POST /v1/oauth2/token`` calls arrived.
        ws_tokens: the access tokens the websockets' ``POST /auth`` presented, each with how
            many times (:meth:`authenticate` counts them): tests see which token a client
            presented again. The latest :data:`WS_TOKENS_KEPT` tokens, kept in memory only,
            never journaled or logged.
        journal: the latest :data:`JOURNAL_SIZE` HTTP requests, oldest first
            (:class:`RecordedRequest`).
        stopping: set when the simulator stops (requests a fault leaves unanswered end then).
        ticked_at: the time the books stand at (the last tick's end): behind the clock after
            a :class:`~aries_async.sim.clock.ManualClock` was moved by itself.
    """

    clock: Clock
    feed: Feed
    state: State
    auth: AuthServer
    faults: Faults
    settings: SimSettings
    requests: RequestCounts = attrs.Factory(RequestCounts)
    rankings: Rankings = attrs.Factory(Rankings)
    chains: Chains = attrs.Factory(Chains)
    status_counts: Counter[int] = attrs.Factory(Counter)
    journal: deque[RecordedRequest] = attrs.Factory(lambda: deque(maxlen=JOURNAL_SIZE))
    token_requests: int = 0
    ws_tokens: Counter[str] = attrs.Factory(Counter)
    authenticated_requests: int = 0
    stopping: asyncio.Event = attrs.Factory(asyncio.Event)
    ticked_at: float = -math.inf

    def __attrs_post_init__(self) -> None:
        self.ticked_at = self.clock.now()  # the books start at the clock
        # A price set for a test moves the market as it stands at the clock: the days the
        # books have not started yet, the orders whose sessions have ended, first.
        self.feed.catch_up = self.tick

    @property
    def route_counts(self) -> Counter[tuple[str, str]]:
        """Every request since the start by ``(METHOD, route template)`` (the path when
        unrouted): :attr:`requests`' :attr:`~aries_async.sim.request_counts.RequestCounts.
        all_routes`, the one tally by route, which its ``clear()`` leaves."""
        return self.requests.all_routes

    def authenticate(self, token: str, scopes: Iterable[str] = ()) -> AccessGrant | TokenProblem:
        """Validate a raw access token that a websocket's ``POST /auth`` presented (counted in
        :attr:`ws_tokens`); ``scopes`` lists acceptable scopes (any one suffices), unless
        ``faults.scope_enforcement`` is ``"none"``."""
        counts = self.ws_tokens
        if token not in counts and len(counts) >= WS_TOKENS_KEPT:
            del counts[next(iter(counts))]  # the oldest: a simulator that runs for weeks
        counts[token] += 1
        enforced = self.faults.scope_enforcement != "none"
        return self.auth.check_token(token, scopes if enforced else ())

    def tick(self, until: float | None = None) -> int:
        """Advance watched symbols to ``until`` (default: the clock; matching runs on each
        step), then expire the orders whose session has ended by then; returns the steps
        taken. Each trading day's open on the way starts that day on the books between the
        steps before it, which belong to the day before, and the steps from it on. A time
        before :attr:`ticked_at` (where the books stand) has nothing left to do."""
        end = self.clock.now() if until is None else until
        steps = 0
        while (opens := self.state.next_open) <= end:
            steps += self.feed.advance_before(opens)
            self.state.start_days(opens)
        steps += self.feed.advance_to(end)
        self.state.expire_due(end)
        self.ticked_at = max(self.ticked_at, end)
        return steps

    def catch_up(self) -> None:
        """Tick when an order's session has ended since the last tick, so that a request
        reads it expired (after the fills the steps up to now give), or a trading day has
        opened, so that it reads the new day's books after the last day's steps; otherwise
        nothing (the middleware calls it on every request)."""
        if self.state.next_open <= self.clock.now() or self.state.expiry_due():
            self.tick()

    def market_status(self, exchange: str = "US", at: float | None = None) -> dict[str, object]:
        """The ``MarketStatus`` object for ``exchange`` at the time ``at`` (default: the
        clock's)."""
        now = self.clock.now() if at is None else at
        local = datetime.fromtimestamp(now, NEW_YORK)
        session = self._session(local)
        return {
            "exchange": exchange.upper(),
            "isOpen": session == "regular",
            "session": session,
            "timestamp": int(now),
            "timezone": "America/New_York",
        }

    def _session(self, local: datetime) -> str:
        forced = self.settings.market_open
        if forced is not None:
            return "regular" if forced else ""
        return session_name(local)

    def is_trading_day(self, day: date) -> bool:
        """Weekday and not a full-day holiday (:func:`~aries_async.sim.sessions.is_trading_day`)."""
        return is_trading_day(day)
