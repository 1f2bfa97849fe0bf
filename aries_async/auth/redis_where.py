"""The Redis connection helpers of the token store and the rate budget: redis-py loaded on
demand, a client made from a URL, where a client's Redis is (shown without its password), and
what a failed command means."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aries_async._errors_store import StoreUnavailableError
from aries_async._url_secrets import redacted
from aries_async.errors import AriesError, ConfigurationError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = [
    "REDIS_SOCKET_TIMEOUT",
    "redis_client",
    "redis_failure",
    "redis_module",
    "shown",
    "shown_client",
    "shown_url",
]

_UNREADABLE = "<unreadable Redis URL>"

REDIS_SOCKET_TIMEOUT = 5.0
"""Seconds a client made from a URL waits for Redis to connect, and for each answer, before the
command fails (``StoreUnavailableError``): redis-py 8's default, which redis-py before it does
not have (it waits for ever); ``socket_timeout=`` and ``socket_connect_timeout=`` in the URL's
query win."""


def redis_module() -> Any:
    """The ``redis`` package (its ``asyncio`` client loaded).

    Raises:
        ConfigurationError: redis-py is not installed; the message names the extra.
    """
    try:
        import redis.asyncio
        import redis.asyncio.retry
        import redis.backoff
    except ImportError as exc:
        raise ConfigurationError(
            "RedisTokenStore and RedisRateBudget need redis-py, the redis extra: "
            "pip install 'aries-async[redis]'"
        ) from exc
    return redis


_SCHEMES = ("redis://", "rediss://", "unix://")


def redis_client(url: str) -> Redis:
    """A redis-py asyncio client for ``url``, with :data:`REDIS_SOCKET_TIMEOUT`s unless the
    URL's query gives its own, that sends a command again, once and at once, on a new
    connection when its connection failed (a pooled connection a restarted Redis closed: the
    store's and the budget's commands are safe to send twice). A timeout is not retried: a
    stalled Redis fails the call after one timeout, not two. A client of yours is used as
    given; for the same, build it with ``retry=Retry(NoBackoff(), 1)`` (``redis.asyncio.retry``,
    ``redis.backoff``) and ``retry_on_error=[ConnectionError]`` (``redis.exceptions``).

    Raises:
        ConfigurationError: redis-py is not installed, or cannot read ``url`` (the message
            shows it without its password, and does not chain redis-py's, which may quote it).
    """
    module = redis_module()
    connection_error = module.exceptions.ConnectionError
    refused = ConfigurationError(
        f"not a Redis URL (redis://, rediss:// or unix://): {shown_url(url)}"
    )
    # Checked here too: redis-py 5 reads "redis:/:PASSWORD@host" as a URL of localhost.
    if not url.lower().startswith(_SCHEMES):
        raise refused
    try:
        # redis-py reads timeouts in the URL's query over these.
        client: Redis = module.asyncio.Redis.from_url(
            url,
            socket_timeout=REDIS_SOCKET_TIMEOUT,
            socket_connect_timeout=REDIS_SOCKET_TIMEOUT,
            # Both are needed: redis-py 5 retries only errors named in retry_on_error, and the
            # Retry's own list would add timeouts.
            retry=module.asyncio.retry.Retry(
                module.backoff.NoBackoff(), 1, supported_errors=(connection_error,)
            ),
            retry_on_error=[connection_error],
        )
    except ValueError:
        raise refused from None
    return client


def redis_failure(exc: Exception, message: str) -> AriesError:
    """What a failed Redis command means, ``message`` saying what failed: Redis down, timing
    out, or refusing writes for a while (a primary demoted by a failover, ``READONLY``; full
    under ``maxmemory`` without eviction, ``OOM``; a cluster failing over) is
    :class:`StoreUnavailableError`, a :class:`ConnectionFailedError` (an outage: nothing was
    sent to Aries, try again later); anything else (a refused password, a database out of
    range, a key of another type) is :class:`ConfigurationError`, which waiting does not cure."""
    module = redis_module()
    text = f"{message}: {type(exc).__name__}: {exc}"
    errors = module.exceptions
    outage = isinstance(
        exc,
        (
            errors.ConnectionError,
            errors.TimeoutError,
            errors.ReadOnlyError,
            errors.OutOfMemoryError,
            errors.TryAgainError,
            errors.ClusterDownError,
        ),
    )
    if outage and not isinstance(exc, module.AuthenticationError):
        return StoreUnavailableError(text, request_sent=False)
    return ConfigurationError(text)


def shown(redis: str | Redis) -> str:
    """Where ``redis`` (a URL or a client) connects, without its password."""
    return shown_url(redis) if isinstance(redis, str) else shown_client(redis)


def shown_url(url: str) -> str:
    """The URL without its user, password or query (see :func:`aries_async._url_secrets.redacted`),
    or a note that it is not shown (no ``scheme://`` in front, a ``?`` or ``#`` before its last
    ``@``, not a URL)."""
    return redacted(url) or _UNREADABLE


def shown_client(client: Redis) -> str:
    """Where a client of yours connects, as a URL without its password."""
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    scheme = "rediss" if "SSL" in client.connection_pool.connection_class.__name__ else "redis"
    host, port, db = kwargs.get("host", "localhost"), kwargs.get("port", 6379), kwargs.get("db", 0)
    return f"{scheme}://{host}:{port}/{db}"
