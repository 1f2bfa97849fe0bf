"""What a stream's supervisor does after each connection attempt: wait and try again (how
long: the backoff), or give up (with which error); and what a socket that could not be opened
means (:func:`connect_failure`).

:class:`~aries_async.streaming.connection.Connection` carries out the attempts; the verdicts
on how they ended are made here, from the :class:`~aries_async.streaming.StreamConfig`:
``reconnect``, ``max_attempts`` (consecutive unhealthy attempts), ``max_refusals``
(consecutive handshakes refused for good) and the backoff, which only a healthy connection
resets (see :class:`~aries_async.streaming.protocol.Backoff`).

A handshake refused with a status that retrying will not change (404 for a wrong path, 400,
405, 410, 426...) is a configuration problem rather than an outage, and would otherwise look
like one that never ends: the first of a connection's is logged at WARNING with the URL (no
credentials, no query) and the status, the attempts go on backing off like any others, and,
until the stream has connected once, ``max_refusals`` of them in a row end the stream. A
stream that has connected had the right URL: refusals after that (a deployment that drops
the path for a while) are an outage like any other, bounded by ``max_attempts`` only.

A server that cannot be reached at all (a wrong port, a server down) fails every attempt
before any handshake, and the stream, entered after its first failure, would retry it in
silence but for the INFO lines: after :data:`QUIET_ATTEMPTS` failed attempts of a stream that
has never connected, one WARNING names the URL (no credentials, no query), the attempts so
far and the last error, whatever the failure (not after a refusal's own WARNING, which said
it already). A stream that connects after either warning says so at INFO.

401 and 403 are not among those statuses: they are about authentication, whose refusals the
stream already counts (``POST /auth``), and a gateway that answers them may take the next
attempt's fresh token. 408, 429 and 5xx are a busy or failing server, which recovers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from websockets.exceptions import InvalidStatus, InvalidURI

from aries_async._url_secrets import redacted
from aries_async.errors import StreamClosedError
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.protocol import Backoff
from aries_async.streaming.protocol.session import End

__all__ = ["QUIET_ATTEMPTS", "Gap", "Reconnects", "connect_failure", "url_for_logs"]

log = logging.getLogger("aries_async.streaming")

_PASSING_REFUSALS = frozenset({401, 403, 407, 408, 425, 429})
"""The 4xx statuses of a refused handshake that a later attempt may not get: authentication
(401, 403, 407) and a busy server (408, 425 Too Early, 429)."""

QUIET_ATTEMPTS = 3
"""Failed attempts of a stream that has never connected before it warns that it cannot
connect: a server restarting is back by then (0.5 + 1 + 2 s of backoff), a wrong port never."""


class Reconnects:
    """The reconnect verdicts of one stream, across its connections.

    Args:
        config: the stream's settings.
        name: the stream's name, in the errors' messages.
        url: the stream's URL (logged without credentials or query).
    """

    def __init__(self, config: StreamConfig, name: str, url: str) -> None:
        self._config = config
        self._name = name
        self._url = url
        self._backoff = Backoff.from_config(config)
        self._failures = 0  # unhealthy attempts in a row
        self._refusals = 0  # handshakes refused for good in a row
        self._refused_told = False
        self._warned = False  # a WARNING said that the stream is not connecting
        self._ever_connected = False
        self._unconnected = 0  # attempts before the first connection

    def connected(self, now: float) -> None:
        """A connection is up (authenticated and subscribed) at ``now``."""
        self._backoff.connected(now)
        if not self._ever_connected and self._warned:
            # The WARNING said the stream was not connecting: say that it now is.
            log.info(
                "%s stream connected to %s after %d attempts",
                self._name,
                url_for_logs(self._url),
                self._unconnected + 1,
            )
        self._ever_connected = True

    def after(
        self, end: End, now: float, *, healthy: bool, rand: Callable[[], float]
    ) -> float | StreamClosedError:
        """The seconds to wait before the next attempt, after one that ended (not fatally) at
        ``now`` with ``end``; or the error that ends the stream. ``healthy``: the connection
        delivered data (it resets the backoff once it was up for ``healthy_after``, too);
        ``rand`` gives the jitter's number in [0, 1), asked only for a wait."""
        reset = self._backoff.disconnected(now, healthy=healthy)
        self._failures = 0 if reset else self._failures + 1
        cfg = self._config
        if not self._ever_connected:
            self._unconnected += 1
        if end.refused is None:
            self._refusals = 0
            self._warn_unconnected(end.reason)
        else:
            self._refusals += 1
            self._warn_refused(end.refused)
        if not cfg.reconnect:
            return StreamClosedError(f"{self._name} stream closed: {end.reason}")
        limit = None if self._ever_connected else cfg.max_refusals
        if end.refused is not None and limit is not None and self._refusals >= limit:
            url = url_for_logs(self._url)
            return StreamClosedError(
                f"{self._name} stream closed: HTTP {end.refused} from {url}, "
                f"{self._refusals} times in a row"
            )
        if cfg.max_attempts is not None and self._failures >= cfg.max_attempts:
            why = f"gave up after {self._failures} attempts"
            return StreamClosedError(f"{self._name} stream closed: {why}")
        return 0.0 if end.retry_now else self._backoff.next_delay(rand())

    def settles_entry(self, end: End) -> bool:
        """Whether an attempt that ended with ``end`` (and will be retried) is the first
        verdict that entering the stream waits for: not when it is retried at once (a refused
        token), nor when it is a refusal that ``max_refusals`` counts (entering then raises
        the error that ends them, rather than return a stream that will not connect)."""
        if end.retry_now:
            return False
        return end.refused is None or self._config.max_refusals is None

    def _warn_unconnected(self, reason: str) -> None:
        if self._warned or self._ever_connected or self._unconnected < QUIET_ATTEMPTS:
            return
        self._warned = True
        log.warning(
            "%s stream: cannot reach %s: not connected after %d attempts, the last: %s; "
            "retrying with the backoff",
            self._name,
            url_for_logs(self._url),
            self._unconnected,
            reason,
        )

    def _warn_refused(self, status: int) -> None:
        # Said once, even after the WARNING that the stream is not connecting: it tells why.
        if self._refused_told:
            return
        self._refused_told = self._warned = True
        limit = None if self._ever_connected else self._config.max_refusals
        then = "retrying" if limit is None else f"giving up after {limit} in a row"
        log.warning(
            "%s stream: %s refused the websocket handshake with HTTP %d, which retrying will "
            "not change unless the URL is wrong or the server changes; %s",
            self._name,
            url_for_logs(self._url),
            status,
            then,
        )


class Gap:
    """A stream's time without a connection, told once at each end: from the first failed
    attempt after its last connection (or since it opened) to its next connection. The
    attempts in between are logged, each with its wait, but publish nothing: a consumer gets
    one :class:`~aries_async.models.events.StreamDisconnected` and one
    :class:`~aries_async.models.events.StreamConnected` per outage, the latter with the
    attempts that failed and the outage's length."""

    __slots__ = ("_connected_attempt", "_since")

    def __init__(self) -> None:
        self._since: float | None = None  # when the gap began (its StreamDisconnected's at)
        self._connected_attempt = 0  # the attempt that made the last connection

    def failed(self, at: float) -> bool:
        """An attempt ended at ``at`` (a connection lost, or one that never came) and will
        be retried: whether it begins the gap (and so is told)."""
        if self._since is not None:
            return False
        self._since = at
        return True

    def closed(self, attempt: int, connections: int, at: float) -> dict[str, Any]:
        """Attempt number ``attempt`` made connection number ``connections`` at ``at``: the
        fields of its :class:`~aries_async.models.events.StreamConnected` but ``at``, among
        them the attempts that failed since the last connection (or the stream's start) and
        the seconds since the gap began (None: no attempt failed before it)."""
        failed = attempt - self._connected_attempt - 1
        since, self._since, self._connected_attempt = self._since, None, attempt
        return {
            "attempt": attempt,
            "reconnect": connections > 1,
            "failed_attempts": failed,
            "down_for": None if since is None else at - since,
        }


def connect_failure(error: BaseException) -> End:
    """How an attempt ends whose socket could not be opened with ``error`` (a timeout, an
    ``OSError``, a websockets error): an invalid URL ends the stream, a handshake refused for
    good is marked (:attr:`End.refused <aries_async.streaming.protocol.session.End.refused>`),
    the rest are retried."""
    if isinstance(error, InvalidURI):
        fatal = StreamClosedError(f"invalid stream URL: {error}")
        return End(str(fatal), fatal=fatal)
    reason = f"connect failed: {type(error).__name__}: {error}"
    if isinstance(error, InvalidStatus):
        status = error.response.status_code
        if 400 <= status < 500 and status not in _PASSING_REFUSALS:
            return End(reason, refused=status)
    return End(reason)


def url_for_logs(url: str) -> str:
    """``url`` without what may be secret: its user and password (everything up to the last
    ``@``: a password written unescaped may hold ``/``), query and fragment (see
    :func:`aries_async._url_secrets.redacted`)."""
    return redacted(url) or "(a URL not shown)"
