"""What a stream's supervisor does after each connection attempt: wait and try again (how
long: the backoff), or give up (with which error); and what a socket that could not be opened
means (:func:`connect_failure`).

:class:`~aries_async.streaming.connection.Connection` carries out the attempts; the verdicts
on how they ended are made here, from the :class:`~aries_async.streaming.StreamConfig`:
``reconnect``, ``max_attempts`` (consecutive unhealthy attempts) and the backoff, which only
a healthy connection resets (see :class:`~aries_async.streaming.protocol.Backoff`).
"""

from __future__ import annotations

from collections.abc import Callable

from websockets.exceptions import InvalidURI

from aries_async.errors import StreamClosedError
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.protocol import Backoff
from aries_async.streaming.protocol.session import End

__all__ = ["Reconnects", "connect_failure"]


class Reconnects:
    """The reconnect verdicts of one stream, across its connections.

    Args:
        config: the stream's settings.
        name: the stream's name, in the errors' messages.
    """

    def __init__(self, config: StreamConfig, name: str) -> None:
        self._config = config
        self._name = name
        self._backoff = Backoff.from_config(config)
        self._failures = 0  # unhealthy attempts in a row

    def connected(self, now: float) -> None:
        """A connection is up (authenticated and subscribed) at ``now``."""
        self._backoff.connected(now)

    def after(
        self, end: End, now: float, *, healthy: bool, rand: Callable[[], float]
    ) -> float | StreamClosedError:
        """The seconds to wait before the next attempt, after one that ended (not fatally) at
        ``now`` with ``end``; or the error that ends the stream. ``healthy``: the connection
        delivered data; ``rand`` gives the jitter's number in [0, 1), asked only for a wait."""
        reset = self._backoff.disconnected(now, healthy=healthy)
        self._failures = 0 if reset else self._failures + 1
        cfg = self._config
        if not cfg.reconnect:
            return StreamClosedError(f"{self._name} stream closed: {end.reason}")
        if cfg.max_attempts is not None and self._failures >= cfg.max_attempts:
            why = f"gave up after {self._failures} attempts"
            return StreamClosedError(f"{self._name} stream closed: {why}")
        return 0.0 if end.retry_now else self._backoff.next_delay(rand())


def connect_failure(error: BaseException) -> End:
    """How an attempt ends whose socket could not be opened with ``error`` (a timeout, an
    ``OSError``, a websockets error): an invalid URL ends the stream, the rest are retried."""
    if isinstance(error, InvalidURI):
        fatal = StreamClosedError(f"invalid stream URL: {error}")
        return End(str(fatal), fatal=fatal)
    return End(f"connect failed: {type(error).__name__}: {error}")
