"""Keep-alive and reconnect timing, given ``now``: :class:`Heartbeat` (ping schedule, pong
timeout, staleness watchdog) and :class:`Backoff` (reconnect delays with reset)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aries_async.config import RetryPolicy
    from aries_async.streaming.config import StreamConfig

__all__ = ["Backoff", "Heartbeat", "HeartbeatAction"]


class HeartbeatAction(enum.Enum):
    """What the heartbeat wants done now."""

    NOTHING = "nothing"
    PING = "ping"
    DEAD = "dead"


class Heartbeat:
    """Ping schedule, pong timeout and staleness watchdog for one connection.

    The reader sets :attr:`last_received` on every frame (any frame proves the link is alive,
    so a pong without an id, or data queued ahead of the pong, satisfies a ping).

    Args:
        ping_interval: seconds between pings.
        pong_timeout: a ping with no frame after it for this long means dead.
        stale_after: no frame for this long means dead.
        now: the connection's start time.
    """

    def __init__(
        self, *, ping_interval: float, pong_timeout: float, stale_after: float, now: float
    ) -> None:
        self.ping_interval = ping_interval
        self.pong_timeout = pong_timeout
        self.stale_after = stale_after
        self.last_received = now
        self.last_ping: float | None = None
        self._started = now
        self.reason = ""

    @classmethod
    def from_config(cls, config: StreamConfig, now: float) -> Heartbeat:
        """The heartbeat of a connection that started at ``now``, timed by ``config``."""
        return cls(
            ping_interval=config.ping_interval,
            pong_timeout=config.pong_timeout,
            stale_after=config.stale_after,
            now=now,
        )

    def ping_sent(self, now: float) -> None:
        """Record a ping sent at ``now``."""
        self.last_ping = now

    def _outstanding(self) -> float | None:
        ping = self.last_ping
        if ping is not None and self.last_received < ping:
            return ping
        return None

    def check(self, now: float) -> HeartbeatAction:
        """Decide what to do at ``now``; on DEAD, :attr:`reason` says why."""
        if now - self.last_received >= self.stale_after:
            self.reason = f"no frames for {now - self.last_received:.1f} s"
            return HeartbeatAction.DEAD
        outstanding = self._outstanding()
        if outstanding is not None and now - outstanding >= self.pong_timeout:
            self.reason = f"no answer to ping within {self.pong_timeout:.1f} s"
            return HeartbeatAction.DEAD
        base = self.last_ping if self.last_ping is not None else self._started
        if outstanding is None and now - base >= self.ping_interval:
            return HeartbeatAction.PING
        return HeartbeatAction.NOTHING

    def next_check(self, now: float) -> float:
        """Seconds until :meth:`check` can next return something new (at least 0)."""
        deadlines = [self.last_received + self.stale_after]
        outstanding = self._outstanding()
        if outstanding is not None:
            deadlines.append(outstanding + self.pong_timeout)
        else:
            base = self.last_ping if self.last_ping is not None else self._started
            deadlines.append(base + self.ping_interval)
        return max(0.0, min(deadlines) - now)


# -- reconnect backoff ------------------------------------------------------------------------


class Backoff:
    """Reconnect delays by :meth:`RetryPolicy.delay <aries_async.config.RetryPolicy.delay>`,
    counting unhealthy connections in a row; a healthy connection resets them.

    A reconnect loop rather than tenacity: tenacity counts the attempts of one call that either
    fails or succeeds, while a connection can end well (it delivered data and stayed up for
    ``healthy_after``, or stayed up for ``reset_after``) and start the count again, and every
    end needs its status event.

    Example:
        >>> from aries_async.config import RetryPolicy
        >>> policy = RetryPolicy(initial_backoff=1.0, max_backoff=8.0, jitter=0.0)
        >>> b = Backoff(policy, reset_after=60)
        >>> [b.next_delay(0.5) for _ in range(5)]
        [1.0, 2.0, 4.0, 8.0, 8.0]
    """

    def __init__(
        self, policy: RetryPolicy, *, reset_after: float, healthy_after: float = 0.0
    ) -> None:
        self.policy = policy
        self.reset_after = reset_after
        self.healthy_after = healthy_after
        self.failures = 0
        self._connected_at: float | None = None

    @classmethod
    def from_config(cls, config: StreamConfig) -> Backoff:
        """The backoff ``config`` describes."""
        return cls(
            config.retry_policy,
            reset_after=config.backoff_reset_after,
            healthy_after=config.healthy_after,
        )

    def next_delay(self, rand: float) -> float:
        """The delay before the next attempt; ``rand`` is uniform in [0, 1)."""
        self.failures += 1
        return self.policy.delay(self.failures, rand)

    def connected(self, now: float) -> None:
        """A connection is up (authenticated and subscribed) at ``now``."""
        self._connected_at = now

    def disconnected(self, now: float, *, healthy: bool = False) -> bool:
        """The connection ended at ``now``; resets the delays if it had been up for
        ``healthy_after`` and was ``healthy`` (it delivered data), or for ``reset_after``
        either way (a connection that closed at once never resets them: a flapping server).
        Returns whether it reset."""
        up = -1.0 if self._connected_at is None else now - self._connected_at
        self._connected_at = None
        if up >= self.reset_after or (healthy and up >= self.healthy_after):
            self.failures = 0
            return True
        return False
