"""The events every stream shares: its connection's status (:class:`StreamConnected`,
:class:`StreamDisconnected`, :class:`StreamReauthenticated`), what it could not read
(:class:`UnknownEvent`), the server's errors (:class:`ServerErrorMessage`), and the control
messages the connection consumes itself. Served by :mod:`aries_async.models.events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

__all__ = [
    "AuthExpired",
    "AuthFailure",
    "AuthSuccess",
    "ControlMessage",
    "Pong",
    "RefreshAuth",
    "ServerErrorMessage",
    "StatusEvent",
    "StreamConnected",
    "StreamDisconnected",
    "StreamReauthenticated",
    "SubscribeAck",
    "UnknownEvent",
]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@attrs.frozen(kw_only=True)
class StreamConnected:
    """The stream is (again) authenticated and every desired subscription was re-sent.

    Attributes:
        attempt: connection attempts so far (1 for the first connection).
        reconnect: True when a disconnect came before: updates in between were missed, and
            fresh snapshots follow (market: per-symbol snapshots; account: a resync snapshot).
        at: the stream's ``monotonic`` clock (seconds, ``time.monotonic`` unless one was
            injected), for durations: ``connected.at - disconnected.at`` is how long the
            stream was down. Not a wall-clock time: see :attr:`timestamp`.
        timestamp: when the SDK saw the change, aware UTC, on the stream's ``wall_clock``
            (a client's streams: the client's ``wall_clock``); the server sends no time for it.
        failed_attempts: attempts that failed since the connection was lost (the first
            connection: since the stream opened); 0 when the first one succeeded.
        down_for: seconds since the outage's :class:`StreamDisconnected` (``at`` minus its
            ``at``); None when no attempt failed before this connection.
    """

    attempt: int
    reconnect: bool
    at: float
    timestamp: datetime = attrs.field(factory=_utc_now, eq=False)
    failed_attempts: int = 0
    down_for: float | None = None


@attrs.frozen(kw_only=True)
class StreamDisconnected:
    """The connection was lost (or the first attempt failed); nothing arrives until the
    next :class:`StreamConnected`. Once per outage, at its first failure: the later failed
    attempts are logged at INFO and counted by the next :class:`StreamConnected`. A stream
    that gives up publishes a last one, with ``will_reconnect=False``.

    Attributes:
        reason: a short human reason (``"no frames for 30.0 s"``, ``"server closed (1006)"``).
        will_reconnect: False when the stream is ending (fatal error or reconnects exhausted).
        retry_in: seconds until the next attempt, when one is planned (the first of the
            outage's; the later ones back off further, up to ``StreamConfig.backoff_max``).
        at, timestamp: as for :class:`StreamConnected` (monotonic seconds; wall clock, aware
            UTC).
    """

    reason: str
    will_reconnect: bool
    retry_in: float | None
    at: float
    timestamp: datetime = attrs.field(factory=_utc_now, eq=False)


@attrs.frozen(kw_only=True)
class StreamReauthenticated:
    """The server asked for a fresh token (``refreshAuth``) and accepted it on the live socket:
    the session goes on (``stream.reauths`` counts these), and every desired subscription is
    sent again right after this event. Whether a server keeps a socket's subscriptions across
    a re-authentication is not documented (websocket.md 2.4): on one that keeps them nothing
    was missed; one that drops them sent nothing for them from the re-authentication until it
    read the resubscription. Its answers follow, as after a reconnect (market: a snapshot per
    symbol; account: a resync snapshot, with the orders that changed; charts: a quote per
    symbol, from a server that had dropped it).

    Attributes:
        at, timestamp: as for :class:`StreamConnected` (monotonic seconds; wall clock, aware
            UTC).
    """

    at: float
    timestamp: datetime = attrs.field(factory=_utc_now, eq=False)


StatusEvent = StreamConnected | StreamDisconnected | StreamReauthenticated
"""A connection status change."""


@attrs.frozen(kw_only=True)
class UnknownEvent:
    """A message this SDK does not understand (new message types must not crash a stream).

    Attributes:
        raw: the decoded JSON object, unchanged (in the ``repr``: it is all there is to see).
    """

    raw: Mapping[str, Any]

    @property
    def type(self) -> str | None:
        """The envelope ``type``, when present."""
        value = self.raw.get("type")
        return value if isinstance(value, str) else None


@attrs.frozen(kw_only=True)
class ServerErrorMessage:
    """An ``action: "error"`` event from the server (for example a refused subscription).

    Attributes:
        error: the server's text (``"invalid symbol"``).
        request_id: the id of the request it answers, when echoed.
        status: the HTTP-like status of a failed ``response`` (None for an error event).
        code: the error code a ``response`` carried, when any.
        symbols: the symbols a subscribe error names as the refused ones (the simulator's
            ``symbols`` list, not in the spec), when it names any: the other symbols of the
            request were not refused. None when the error names none.
        channels: the channels of those symbols it names as the refused ones (the
            simulator's ``channels`` list, not in the spec: ``"level2"``, ``"trades"``...),
            when it names any: their other channels were not refused. None when it names none.

    On the market and charts streams, an error that refuses a subscribe request partly about
    what an unsubscribe sent before its answer dropped (a symbol, a channel) is told naming
    only what is still subscribed: its ``symbols`` and ``channels`` are then the ones still
    subscribed that it refuses (the wire channel names: ``"quotes"``...), set even where the
    server named none (no symbol: every symbol of the request). Its symbols keeping different
    channels, it is told as one error per set of channels. One refusing only what was dropped
    is not told.
    """

    error: str
    request_id: str | None = None
    status: int | None = None
    code: str | None = None
    symbols: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None


# -- control messages (consumed by the connection) ----------------------------------------------


@attrs.frozen(kw_only=True)
class AuthSuccess:
    """``authSuccess``: ``expires_in_ms`` is the session time left, when sent."""

    request_id: str | None = None
    expires_in_ms: int | None = None


@attrs.frozen(kw_only=True)
class AuthFailure:
    """The server refused authentication (``error`` for an auth request, ``authRequired``,
    ``authTimeout``)."""

    action: str
    error: str
    request_id: str | None = None


@attrs.frozen(kw_only=True)
class RefreshAuth:
    """``refreshAuth``: the session expires soon; authenticate again on this socket."""


@attrs.frozen(kw_only=True)
class AuthExpired:
    """``authExpired``: the session ended; the server closes the socket."""


@attrs.frozen(kw_only=True)
class Pong:
    """``pong`` (the id is optional on the wire)."""

    request_id: str | None = None


@attrs.frozen(kw_only=True)
class SubscribeAck:
    """``subscribed`` / ``response`` acknowledgement of a request id; ``payload`` is the
    ``response`` payload (the answer to a socket request)."""

    request_id: str | None = None
    status: int | None = None
    payload: Any = attrs.field(default=None, eq=False)


ControlMessage = AuthSuccess | AuthFailure | RefreshAuth | AuthExpired | Pong | SubscribeAck
"""Messages the connection consumes itself."""
