"""The faults of the simulator's websockets (market, accounts, charts): the ``ws_*`` and
``charts_*`` fields of :class:`~aries_async.sim.faults.Faults`, which inherits them from
:class:`WebsocketFaults` (set them as every fault: ``sim.faults.ws_stall = True``, or by their
CLI flags; their numbers are checked as given or set, as the flags check them: a
``ValidationError`` for NaN, an infinity, a negative, a bool or a float for a count, and for a
``ws_auth_deadline`` of 0). They are read by the websocket sessions
(:mod:`aries_async.sim.ws_session` and the sockets' modules), the ``charts_*`` ones by
:mod:`aries_async.sim.ws_charts`. Section numbers are websocket.md's. A row's ``Flag:`` is the
``aries-async sim`` flag that sets the switch; a switch without one is set from Python only.

=================================  ==============================================================
field                              effect
=================================  ==============================================================
``ws_drop_after``                  websocket closes abruptly after N messages sent, every
                                   connection until set back to None (the answers to a
                                   subscribe count: a small N leaves a reconnecting client
                                   no room for its events; to drop one socket, set it back
                                   once the client has seen the drop, or use
                                   ``ws_drop_after_count``)
                                   Flag: ``--ws-drop-after N``.
``ws_drop_after_count``            how many more sockets ``ws_drop_after`` drops: each drop
                                   takes one off, and at 0 no socket is dropped (until it is
                                   set again); ``1`` drops one socket once, so a client's
                                   reconnection can be watched going on. None (default): every
                                   socket, as long as ``ws_drop_after`` is set
                                   Flag: ``--ws-drop-after-count K`` (``*``: every socket).
``ws_malformed_every``             every Nth websocket frame carries a malformed line
                                   Flag: ``--ws-malformed-every N``.
``ws_stall``                       websocket stops sending and stops answering pings
                                   Flag: ``--ws-stall``.
``ws_binary_frames``               frames sent as binary (UTF-8 NDJSON), not text (websocket.md
                                   2.2, UNKNOWN); the firehose's stay text
                                   Flag: ``--ws-binary-frames``.
``ws_pong_without_id``             pongs without ``id`` (websocket.md 2.5: it is optional)
                                   Flag: ``--ws-pong-without-id``.
``ws_market_numbers``              market quote, trade, greeks (and equity snapshot) numbers as
                                   ``"number"`` (default, SDK) or ``"string"`` (10.2 CONFLICT)
                                   Flag: ``--ws-market-numbers number|string``.
``ws_long_numbers``                wire key -> the digits of a JSON number: every socket
                                   sends the value of that key, wherever it sits in a message
                                   (a market quote's ``bidPrice``, a chart quote's ``v.bid``, an
                                   account event's ``price``), as a bare JSON number of those
                                   digits, as a server may send a number no float holds
                                   (``{"bidPrice": "123456789012345678.25"}``); see
                                   :func:`~aries_async.sim.ws_values.long_numbers`. The
                                   firehose's precomputed frames keep theirs. Empty: off
``ws_market_times``                market exchange times (``quoteTimestamp``, ``tradeTimestamp``)
                                   as Unix ``"ms"`` (default, SDK) or ``"iso"`` with the New
                                   York offset (10.1 CONFLICT); ``payload.timestamp`` stays ms
                                   Flag: ``--ws-market-times ms|iso``.
``ws_market_update_types``         the ``type`` of market quote, trade, level 2, time and
                                   sales and greeks updates (3.5, UNKNOWN): ``"sdk"`` (default,
                                   ``quote``...), ``"docs"`` (``quoteUpdate``...) or ``"none"``
                                   (no ``type``); see :func:`~aries_async.sim.ws_values.
                                   update_type`
                                   Flag: ``--ws-market-update-types sdk|docs|none``.
``ws_account_unanswered``          the account socket registers an ``account`` subscription
                                   and sends its events, but neither its ack nor its snapshot
                                   (the answer lost on the server's side)
                                   Flag: ``--ws-account-unanswered``.
``ws_refused_subscriptions``       key -> error text: the account socket refuses the subscribes
                                   a key names with an ``error`` event carrying that text and
                                   the request's id: a topic (``"news"``, ``"watchlist"``,
                                   ``"pnl"``, ``"account"``) or one account's (``"pnl
                                   TEST-SIM-001"``, ``"account TEST-SIM-001"``)
``ws_market_unacknowledged``       the market socket acknowledges no (un)subscribe (no
                                   ``{"type": "subscribed"}``); snapshots, updates and errors
                                   go on. ``SimSettings.ws_send_acks=False``: no socket acks
                                   Flag: ``--ws-market-unacknowledged``.
``ws_unsubscribes_unacknowledged``  the market and charts sockets acknowledge no unsubscribe
                                   (websocket.md 3.7: its ack is UNKNOWN); subscribes are
                                   acknowledged as usual, and the unsubscribe is carried out
                                   Flag: ``--ws-unsubscribes-unacknowledged``.
``ws_symbol_case``                 how the market and charts sockets spell the symbol of their
                                   updates (websocket.md does not say): ``"upper"`` (default,
                                   as they store it), ``"lower"``, ``"title"`` (``"Aapl"``) or
                                   ``"asked"`` (as the subscribe spelled it); the market's
                                   envelope ``symbol`` and a time and sales ``data.symbol``, the
                                   charts' ``payload.symbol`` and a quote's ``n``
                                   Flag: ``--ws-symbol-case upper|lower|title|asked``.
``ws_refused_channels``            symbol -> the channels the market and charts sockets refuse
                                   for it (``"*"``: for every symbol), as a server refuses what
                                   the user is not entitled to: ``{"*": {"level2"}}``,
                                   ``{"AAPL": {"trades"}}``. Channels: ``quotes``, ``trades``,
                                   ``level2``, ``timeAndSales``, ``greeks`` (on the charts
                                   socket its ``payload.type``: ``quotes``, ``trades``). A
                                   subscribe that asks for one gets an ``error`` event (``"not
                                   entitled to level2"``) whose ``symbols`` and ``channels``
                                   name what it refused; the rest of the request is subscribed
                                   and acknowledged as usual
                                   Flag: ``--ws-refuse-channel [SYMBOL:]CHANNEL`` (repeatable).
``ws_channel_errors``              what the errors refusing ``ws_refused_channels`` name (not in
                                   the spec, websocket.md 2.6): ``"symbol"`` (default, one error
                                   per symbol naming it and its refused channels) or
                                   ``"request"`` (one error per subscribe naming the channels
                                   refused for any of its symbols, and no symbol); see
                                   :mod:`~aries_async.sim.ws_refusals`
                                   Flag: ``--ws-channel-errors symbol|request``.
``ws_ack_type``                    market and account (un)subscribe acks (10.5, UNKNOWN):
                                   ``"subscribed"`` (default, the SDK's) or ``"response"``
                                   (``payload {"status": 200}``); charts: ``charts_ack``
                                   Flag: ``--ws-ack-type subscribed|response``.
``ws_auth_unanswered``             websockets leave ``POST /auth`` unanswered (no
                                   ``authSuccess``, no error), on a new socket and on a
                                   re-authentication alike (set once a socket is open: only
                                   the re-authentications go unanswered); everything else
                                   goes on
                                   Flag: ``--ws-auth-unanswered``.
``ws_auth_success_id``             where ``authSuccess`` echoes the request id (the spec shows
                                   only its examples): ``"payload"`` (default, ``payload.id``),
                                   ``"envelope"`` (the top-level ``id``) or ``"none"`` (no id),
                                   on a new socket and on a re-authentication alike
                                   Flag: ``--ws-auth-success-id payload|envelope|none``.
``ws_auth_error_id``               the same for the ``error`` that refuses ``POST /auth``
                                   (``"token is required"``, ``"authentication failed"``):
                                   websocket.md 2.6 shows only ``payload.id`` (UNCERTAIN)
                                   Flag: ``--ws-auth-error-id payload|envelope|none``.
``ws_error_id``                    where the ``error`` events that refuse a subscribe, a socket
                                   request or a message carry its id: ``"payload"`` (default,
                                   ``payload.id``, websocket.md 2.6), ``"envelope"`` (the
                                   top-level ``id``), ``"both"`` or ``"none"`` (no id); the
                                   refusal of ``POST /auth`` has ``ws_auth_error_id``
                                   Flag: ``--ws-error-id payload|envelope|both|none``.
``ws_auth_deadline``               seconds the market and charts sockets wait for an accepted
                                   ``POST /auth`` (websocket.md 2.3: UNKNOWN for them; the
                                   accounts socket's is ``SimSettings.ws_auth_timeout``); past
                                   it they close as the accounts socket does: an
                                   ``authTimeout`` event, then a close (1000). None: no deadline
                                   Flag: ``--ws-auth-deadline SECONDS``.
``ws_market_repeat_every``         every Nth quote and Nth trade update of a market or charts
                                   socket is sent twice in a row, verbatim (no sequence number
                                   is documented, websocket.md 3.3)
                                   Flag: ``--ws-market-repeat-every N``.
``ws_market_stale_every``          every Nth quote and Nth trade update of a market or charts
                                   socket is followed by the update of that symbol and kind
                                   sent before it, again: an older time (``timestamp``, a chart
                                   trade's ``t``) after a newer one
                                   Flag: ``--ws-market-stale-every N``.
``ws_market_partial``              quote and trade updates of a market or charts socket carry
                                   only the fields whose value changed since the previous
                                   update of that symbol and kind (websocket.md 3.4: "updates
                                   are partial", against what is UNKNOWN); one in which nothing
                                   changed is not sent. A chart quote's ``v`` is what is
                                   compared (``s``, ``n`` stay); a chart trade keeps ``s`` and
                                   ``t``. The snapshot after a subscribe stays whole
                                   Flag: ``--ws-market-partial``.
``ws_market_status``               the value of ``market`` and of every venue of
                                   ``exchanges`` and ``indicesGroups`` in the ``marketStatus``
                                   pushes (websocket.md 3.2: the enum beyond ``"open"`` and
                                   ``"closed"`` is UNKNOWN): ``"preMarket"``, ``"halted"``...;
                                   None: ``"open"`` or ``"closed"`` by the clock
                                   Flag: ``--ws-market-status VALUE``.
``ws_expire_after_auth``           right after every ``authSuccess`` on a new socket the server
                                   sends this action and closes: ``"authExpired"`` (a session
                                   that ends at once) or ``"authRequired"``; None: off
                                   Flag: ``--ws-expire-after-auth authExpired|authRequired``.
``ws_reauth_drops_subscriptions``  a re-authentication on a live socket that the server
                                   accepts drops every subscription of that socket (market
                                   symbols, charts symbols, the account socket's ``account``,
                                   ``pnl``, ``watchlist`` and ``news``; ``ws_watchlist_auto``
                                   holds on): the socket stays open and authenticated and
                                   sends nothing for them until they are asked for again
                                   (websocket.md 2.4 leaves it UNKNOWN; off: they are kept).
                                   A firehose run already started goes on
                                   Flag: ``--ws-reauth-drops-subscriptions``.
``ws_already_subscribed``          the market and charts sockets answer a subscribe of what the
                                   socket holds already (a market symbol with the same
                                   channels and fields, a charts symbol's ``payload.type``)
                                   with an ``error`` event in the shape of websocket.md 2.6,
                                   ``{"action": "error", "error": "already subscribed: AAPL",
                                   "id": ...}``, and leave it subscribed as it was (no snapshot;
                                   no acknowledgement when the request asked nothing else), as
                                   a server that keeps the subscriptions across a
                                   re-authentication may answer its replay (UNKNOWN)
                                   Flag: ``--ws-already-subscribed``.
``ws_counting_subscriptions``      the market and charts sockets count the subscribes of each
                                   symbol's channel (market: ``quotes``, ``trades``,
                                   ``level2``, ``timeAndSales``, ``greeks``; charts: its
                                   ``payload.type``): a subscribe adds one, an unsubscribe
                                   takes one off, and the updates flow while one is left, so
                                   a subscribe repeated on a socket that kept it (a replay
                                   after a re-authentication) needs two unsubscribes
                                   (websocket.md leaves it UNKNOWN); see
                                   :mod:`~aries_async.sim.ws_counts`
                                   Flag: ``--ws-counting-subscriptions``.
``ws_subscribe_delay``             seconds (simulator time) after which the market, charts and
                                   accounts sockets act on an (un)subscribe they read: its
                                   answers (acknowledgement, errors, snapshot) come then, after
                                   what the socket answered meanwhile (a ``POST /auth`` read
                                   after it, pings, requests), as a server whose subscriptions
                                   are checked apart from its authentication. In the order read;
                                   acted on by the hub's deadline checks (see
                                   :mod:`~aries_async.sim.ws_delays`). None: at once
                                   Flag: ``--ws-subscribe-delay SECONDS``.
``ws_close_after_accept``          every socket is closed (1000) right after the server accepted
                                   its authentication (``authSuccess`` and, on the market
                                   socket, the ``marketStatus`` push are sent first)
                                   Flag: ``--ws-close-after-accept``.
``ws_ignore_requests``             the market socket leaves every request (expiry dates,
                                   contracts, equity snapshot) unanswered
                                   Flag: ``--ws-ignore-requests``.
``ws_refused_requests``            path pattern -> error text: the market socket refuses the
                                   requests whose path (without ``/v1`` and ``/marketdata``)
                                   matches the pattern (``fnmatch``: ``"/options/*"``) with an
                                   ``error`` event carrying that text (Python: any JSON value,
                                   sent as the error's words), its id where ``ws_error_id``
                                   says, instead of a ``response``
                                   Flag: ``--ws-refuse-request PATTERN[=TEXT]`` (repeatable).
``ws_request_answers``             path pattern -> any JSON value: the market socket answers the
                                   requests whose path matches the pattern (as
                                   ``ws_refused_requests``) with that value as their ``data``
                                   (Python only: a misshapen answer, a token echoed)
``ws_response_shape``              where a socket request's answer sits in its ``response``
                                   payload (UNKNOWN): ``"data"`` (default), ``"body"`` or
                                   ``"flat"`` (beside ``status``); see :mod:`~aries_async.sim.
                                   ws_requests`
                                   Flag: ``--ws-response-shape data|body|flat``.
``ws_topic_shape``                 the account socket's ``pnl``/``watchlist``/``news`` payloads
                                   (UNKNOWN): ``"sdk"`` (default: a candle object, lists of
                                   watchlists and news items), ``"object"`` (one object each),
                                   ``"list"`` (lists, candles with short keys and numbers) or
                                   ``"legacy"`` (the older topic names ``accUpdates``,
                                   ``pnlCandle``, ``watchlistUpdates``); see
                                   :mod:`~aries_async.sim.ws_topics`
                                   Flag: ``--ws-topic-shape SHAPE``.
``ws_watchlist_auto``              every account socket gets the watchlist changes from its
                                   authentication on, unasked (the watchlist page's reading,
                                   websocket.md 10.7), besides an explicit ``watchlist``
                                   subscription
                                   Flag: ``--ws-watchlist-auto``.
``charts_trades``                  charts socket, the UNCERTAIN ``payload.type`` values:
                                   ``"separate"`` (``quotes`` and ``trades`` subscriptions) or
                                   ``"with_quotes"`` (``trades`` refused with an error event; a
                                   ``quotes`` subscription sends the trades too)
                                   Flag: ``--charts-trades separate|with_quotes``.
``charts_envelope``                charts events as ``payload {symbol, data}`` (``"plain"``, the
                                   SDK's shape) or ``"typed"``: ``payload {action: "update",
                                   type: "quote"|"trade", symbol, data, timestamp}`` and an
                                   RFC 3339 envelope ``timestamp``
                                   Flag: ``--charts-envelope plain|typed``.
``charts_trade_time``              a chart trade's ``t``: epoch ``"s"``, ``"ms"`` or ``"iso"``
                                   Flag: ``--charts-trade-time s|ms|iso``.
``charts_numbers``                 chart numbers as JSON ``"number"`` or as ``"string"``
                                   Flag: ``--charts-numbers number|string``.
``charts_ack``                     charts (un)subscribe acknowledgements: ``"subscribed"``,
                                   ``"response"`` (``status: 200``) or ``"none"`` (also while
                                   ``SimSettings.ws_send_acks`` is False, as every socket's)
                                   Flag: ``--charts-ack subscribed|response|none``.
=================================  ==============================================================
"""

from __future__ import annotations

from typing import Any

import attrs

from aries_async._settings import count_field, optional_as_float, seconds_field

__all__ = ["AUTH_ID_PLACES", "ERROR_ID_PLACES", "WebsocketFaults"]

AUTH_ID_PLACES = ("payload", "envelope", "none")
"""``ws_auth_success_id`` and ``ws_auth_error_id`` values."""

ERROR_ID_PLACES = ("payload", "envelope", "both", "none")
"""``ws_error_id`` values."""


_COUNT = count_field(minimum=0, optional=True)  # N messages, every Nth (0: never), K sockets


@attrs.define(kw_only=True)
class WebsocketFaults:
    """The websockets' faults (see the module docstring); the defaults inject nothing."""

    ws_drop_after: int | None = attrs.field(default=None, validator=_COUNT)
    ws_drop_after_count: int | None = attrs.field(default=None, validator=_COUNT)
    ws_malformed_every: int | None = attrs.field(default=None, validator=_COUNT)
    ws_stall: bool = False
    ws_account_unanswered: bool = False
    ws_refused_subscriptions: dict[str, str] = attrs.Factory(dict)
    ws_market_unacknowledged: bool = False
    ws_unsubscribes_unacknowledged: bool = False
    ws_symbol_case: str = "upper"
    ws_refused_channels: dict[str, frozenset[str]] = attrs.Factory(dict)
    ws_channel_errors: str = "symbol"
    ws_ack_type: str = "subscribed"
    ws_binary_frames: bool = False
    ws_pong_without_id: bool = False
    ws_market_numbers: str = "number"
    ws_market_times: str = "ms"
    ws_long_numbers: dict[str, str] = attrs.Factory(dict)
    ws_market_update_types: str = "sdk"
    ws_auth_unanswered: bool = False
    ws_auth_success_id: str = "payload"
    ws_auth_error_id: str = "payload"
    ws_error_id: str = "payload"
    ws_auth_deadline: float | None = attrs.field(
        default=None, converter=optional_as_float, validator=seconds_field(optional=True)
    )
    ws_market_repeat_every: int | None = attrs.field(default=None, validator=_COUNT)
    ws_market_stale_every: int | None = attrs.field(default=None, validator=_COUNT)
    ws_market_partial: bool = False
    ws_market_status: str | None = None
    ws_expire_after_auth: str | None = None
    ws_reauth_drops_subscriptions: bool = False
    ws_already_subscribed: bool = False
    ws_counting_subscriptions: bool = False
    ws_subscribe_delay: float | None = attrs.field(
        default=None, converter=optional_as_float, validator=seconds_field(zero=True, optional=True)
    )
    ws_close_after_accept: bool = False
    ws_ignore_requests: bool = False
    ws_refused_requests: dict[str, Any] = attrs.Factory(dict)
    ws_request_answers: dict[str, Any] = attrs.Factory(dict)
    ws_response_shape: str = "data"
    ws_topic_shape: str = "sdk"
    ws_watchlist_auto: bool = False
    charts_trades: str = "separate"
    charts_envelope: str = "plain"
    charts_trade_time: str = "s"
    charts_numbers: str = "number"
    charts_ack: str = "subscribed"

    def drop_limit(self) -> int | None:
        """The lines after which a socket is dropped now: ``ws_drop_after``, unless
        ``ws_drop_after_count`` has no drop left (None: no socket is dropped)."""
        if self.ws_drop_after_count is not None and self.ws_drop_after_count <= 0:
            return None
        return self.ws_drop_after

    def note_drop(self) -> None:
        """Take the socket being dropped off ``ws_drop_after_count`` (when it counts)."""
        if self.ws_drop_after_count is not None:
            self.ws_drop_after_count = max(0, self.ws_drop_after_count - 1)
