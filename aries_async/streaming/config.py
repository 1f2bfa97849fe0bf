"""Stream settings: timeouts, keep-alive, staleness, reconnect backoff and buffer bounds."""

from __future__ import annotations

import attrs

from aries_async._settings import (
    as_float,
    count_setting,
    fraction_setting,
    optional_count,
    seconds_setting,
)
from aries_async.config import RetryPolicy
from aries_async.errors import ConfigurationError

__all__ = ["StreamConfig"]

_SECONDS = (
    "open_timeout",
    "auth_timeout",
    "close_timeout",
    "ping_interval",
    "pong_timeout",
    "stale_after",
    "backoff_max",
    "backoff_reset_after",
    "request_timeout",
    "overtaken_wait",
)
"""The options in seconds that must be finite and above 0 (a timer of no time means none)."""
_COUNTS = (
    "market_buffer",
    "account_buffer",
    "status_buffer",
    "max_message_size",
    "subscribe_batch",
    "overtaken_limit",
)
"""The options that count something, at least one."""


@attrs.frozen(kw_only=True)
class StreamConfig:
    """How a stream connects, stays alive, reconnects and buffers.

    The defaults reconnect forever with exponential backoff and jitter (but, before the first
    connection, give up after three handshakes in a row refused with a status such as 404:
    ``max_refusals``), ping every
    15 s and declare the connection dead after 30 s without any frame (data, pong, anything).

    Every option is checked when the config is built: seconds are finite numbers (an int or a
    float, not a bool, NaN or an infinity), above 0 but for ``healthy_after`` and
    ``backoff_initial`` (0 allowed); counts and sizes are ints of at least 1 (``*_kept`` at
    least 0; None where said); ``backoff_multiplier`` is at least 1, ``backoff_jitter`` in
    [0, 1), ``reconnect`` a bool. Anything else raises
    :class:`~aries_async.errors.ConfigurationError` naming ``StreamConfig.<option>``.

    Example:
        >>> cfg = StreamConfig(stale_after=10.0, max_attempts=5)
        >>> cfg.reconnect, cfg.max_attempts
        (True, 5)

    Attributes:
        open_timeout: seconds to open the websocket (TCP + HTTP upgrade).
        auth_timeout: seconds to wait for ``authSuccess`` (the account server drops
            unauthenticated sockets after 5 s), on a new socket and after a re-authentication
            on a live one.
        close_timeout: seconds to wait for the closing handshake before aborting.
        ping_interval: seconds between application ``ping`` messages.
        pong_timeout: a ping not followed by *any* frame within this time means a dead link.
        stale_after: no frame at all for this long means a dead link (the watchdog).
        reconnect: reconnect after recoverable failures (False: the first failure ends the
            stream with :class:`~aries_async.errors.StreamClosedError`).
        max_attempts: consecutive unhealthy attempts before giving up (None: never give up);
            an attempt is healthy when its connection delivered data and stayed up for
            ``healthy_after``, or stayed up for ``backoff_reset_after``.
        max_refusals: consecutive attempts whose websocket handshake the server refused with
            a status that retrying will not change (400, 404, 405, 410, 426...: a wrong URL;
            not 401/403, 408, 429 or 5xx) before the stream gives up with a
            :class:`~aries_async.errors.StreamClosedError` naming the status, counted until the
            stream has connected once (after that the URL is known to be right, and refusals
            are an outage bounded by ``max_attempts`` only). Entering a stream refused so from
            the start waits for that verdict and raises it. None: keep retrying with the
            backoff (the first such refusal is logged at WARNING either way).
        backoff_initial: the first reconnect delay, seconds.
        backoff_max: the cap of one delay.
        backoff_multiplier: growth factor per consecutive failure.
        backoff_jitter: fraction of randomness (0.2: each delay is 80% to 100% of nominal,
            the rule of HTTP retries; see :attr:`retry_policy`).
        backoff_reset_after: a connection that stayed up this long resets the backoff, data
            or none (every reconnect still waits the first delay).
        healthy_after: a connection that delivered data resets the backoff only once it has
            also stayed up this long (on the stream's monotonic clock, from its
            authentication): a server that closes every socket right after the snapshot or
            the acknowledgements is flapping, and meets a growing backoff instead of a
            reconnect every ``backoff_initial``. 5 s: longer than such a socket lives (its
            authentication and first answers take well under a second), and no longer than
            a working connection is sure to last, so one that worked for a few seconds still
            reconnects after the first delay. 0: data alone resets it.
        market_buffer: per market-data consumer, updates queued before conflation starts.
        account_buffer: per account consumer, events queued before
            :class:`~aries_async.errors.StreamOverflowError` (account events are never dropped).
        status_buffer: per status consumer, status events kept (oldest dropped beyond this).
        terminal_orders_kept: per account, the terminal orders (filled, cancelled, rejected,
            expired: :attr:`~aries_async.models.orders.OrderStatus.is_terminal`) an account
            stream keeps in :attr:`~aries_async.streaming.AccountStream.orders`, the latest
            learnt terminal kept; older ones are forgotten (working orders are all kept, and an
            order ``wait_for_order`` waits for until it returns). ``wait_for_order`` on a
            forgotten order looks it up over REST; a resync does not tell one again. None:
            every order is kept, for the life of the stream.
        unknown_orders_kept: per account, the orders of unknown state an account stream
            keeps (working orders that vanished at a gap and that no lookup resolved,
            reported as :class:`~aries_async.streaming.OrderStateUnknown`): they are looked
            up again after later gaps, spaced out, until resolved. Beyond this many the first
            reported is dropped, with a warning: it leaves
            :attr:`~aries_async.streaming.AccountStream.orders` and is looked up no more (an
            order ``wait_for_order`` waits for is kept). It bounds as well the orders of an
            ``ordStatus`` the client does not know that left the stream's orders and are
            remembered as told, so that a later ``wait_for_order`` does not tell them again.
            None: every one is kept.
        max_message_size: largest inbound frame in bytes.
        subscribe_batch: symbols per market ``subscribe`` message.
        request_timeout: seconds a socket request (``MarketStream.expiry_dates()``...) waits
            for its answer, a resend after a reconnect included; and seconds a new account
            socket (or one that re-authenticated) waits for its snapshots before it is
            replaced.
        overtaken_wait: seconds (on the stream's monotonic clock) a market or charts stream
            remembers a subscribe request that an unsubscribe of its symbol or channel
            overtook (sent before the server answered it), so that the server's late refusal
            of what was dropped is known for that and not told as a
            :class:`~aries_async.models.events.ServerErrorMessage`. websocket.md promises no
            answer and no order, so only time tells a late answer from none: past this, the
            server is taken to have dropped the request, and a refusal of it that still
            comes is told as any. 60 s: far beyond a subscribe's round trip.
        overtaken_limit: how many such requests a stream remembers at most (the oldest are
            forgotten first): a bound on memory only, far beyond the bursts a stream sends
            within ``overtaken_wait`` (an unsubscribe of 40 chart symbols overtakes 80).
    """

    open_timeout: float = attrs.field(default=10.0, converter=as_float)
    auth_timeout: float = attrs.field(default=5.0, converter=as_float)
    close_timeout: float = attrs.field(default=2.0, converter=as_float)
    ping_interval: float = attrs.field(default=15.0, converter=as_float)
    pong_timeout: float = attrs.field(default=10.0, converter=as_float)
    stale_after: float = attrs.field(default=30.0, converter=as_float)
    reconnect: bool = True
    max_attempts: int | None = None
    max_refusals: int | None = 3
    backoff_initial: float = attrs.field(default=0.5, converter=as_float)
    backoff_max: float = attrs.field(default=30.0, converter=as_float)
    backoff_multiplier: float = attrs.field(default=2.0, converter=as_float)
    backoff_jitter: float = attrs.field(default=0.2, converter=as_float)
    backoff_reset_after: float = attrs.field(default=30.0, converter=as_float)
    healthy_after: float = attrs.field(default=5.0, converter=as_float)
    market_buffer: int = 10_000
    account_buffer: int = 100_000
    status_buffer: int = 1_000
    terminal_orders_kept: int | None = 10_000
    unknown_orders_kept: int | None = 1_000
    max_message_size: int = 16 * 1024 * 1024
    subscribe_batch: int = 500
    request_timeout: float = attrs.field(default=10.0, converter=as_float)
    overtaken_wait: float = attrs.field(default=60.0, converter=as_float)
    overtaken_limit: int = 4096

    def __attrs_post_init__(self) -> None:
        # Each check says what is taken, not what is refused: NaN compares false with
        # everything, and a watchdog or a timeout of NaN seconds fires at once or never.
        # A finite Decimal given is the float it is worth already (the fields' converter).
        for name in _SECONDS:
            seconds_setting(getattr(self, name), f"StreamConfig.{name}")
        for name in ("healthy_after", "backoff_initial"):
            seconds_setting(getattr(self, name), f"StreamConfig.{name}", zero=True)
        seconds_setting(self.backoff_multiplier, "StreamConfig.backoff_multiplier", minimum=1)
        fraction_setting(self.backoff_jitter, "StreamConfig.backoff_jitter")
        for name in _COUNTS:
            count_setting(getattr(self, name), f"StreamConfig.{name}")
        for name in ("max_attempts", "max_refusals"):
            optional_count(getattr(self, name), f"StreamConfig.{name}")
        for name in ("terminal_orders_kept", "unknown_orders_kept"):
            optional_count(getattr(self, name), f"StreamConfig.{name}", minimum=0)
        if not isinstance(self.reconnect, bool):
            raise ConfigurationError(
                f"StreamConfig.reconnect must be True or False, got {self.reconnect!r:.80}",
                setting="StreamConfig.reconnect",
            )

    @property
    def retry_policy(self) -> RetryPolicy:
        """The ``backoff_*`` settings as the :class:`~aries_async.config.RetryPolicy` whose
        :meth:`~aries_async.config.RetryPolicy.delay` spaces reconnects and order lookups (its
        attempt limit and statuses are the HTTP client's; a stream counts attempts with
        :attr:`max_attempts`)."""
        return RetryPolicy(
            initial_backoff=self.backoff_initial,
            max_backoff=self.backoff_max,
            multiplier=self.backoff_multiplier,
            jitter=self.backoff_jitter,
        )
