"""The Redis connection helpers of the token store and the rate budget: redis-py loaded on
demand, a client made from a URL, where a client's Redis is (shown without its password), and
what a failed command means."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yarl

from aries_async._errors_store import StoreUnavailableError
from aries_async.errors import AriesError, ConfigurationError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["redis_client", "redis_failure", "redis_module", "shown", "shown_client", "shown_url"]

_UNREADABLE = "<unreadable Redis URL>"


def redis_module() -> Any:
    """The ``redis`` package (its ``asyncio`` client loaded).

    Raises:
        ConfigurationError: redis-py is not installed; the message names the extra.
    """
    try:
        import redis.asyncio
    except ImportError as exc:
        raise ConfigurationError(
            "RedisTokenStore and RedisRateBudget need redis-py, the redis extra: "
            "pip install 'aries-async[redis]'"
        ) from exc
    return redis


_SCHEMES = ("redis://", "rediss://", "unix://")


def redis_client(url: str) -> Redis:
    """A redis-py asyncio client for ``url``.

    Raises:
        ConfigurationError: redis-py is not installed, or cannot read ``url`` (the message
            shows it without its password, and does not chain redis-py's, which may quote it).
    """
    module = redis_module()
    refused = ConfigurationError(
        f"not a Redis URL (redis://, rediss:// or unix://): {shown_url(url)}"
    )
    # Checked here too: redis-py 5 reads "redis:/:PASSWORD@host" as a URL of localhost.
    if not url.lower().startswith(_SCHEMES):
        raise refused
    try:
        client: Redis = module.asyncio.Redis.from_url(url)
    except ValueError:
        raise refused from None
    return client


def redis_failure(exc: Exception, message: str) -> AriesError:
    """What a failed Redis command means, ``message`` saying what failed: Redis down or timing
    out is :class:`StoreUnavailableError`, a :class:`ConnectionFailedError` (an outage: nothing
    was sent to Aries, try again later); anything else (a refused password, a database out of
    range, a key of another type) is :class:`ConfigurationError`, which waiting does not cure."""
    module = redis_module()
    text = f"{message}: {type(exc).__name__}: {exc}"
    outage = isinstance(exc, (module.ConnectionError, module.TimeoutError))
    if outage and not isinstance(exc, module.AuthenticationError):
        return StoreUnavailableError(text, request_sent=False)
    return ConfigurationError(text)


def shown(redis: str | Redis) -> str:
    """Where ``redis`` (a URL or a client) connects, without its password."""
    return shown_url(redis) if isinstance(redis, str) else shown_client(redis)


def shown_url(url: str) -> str:
    """The URL without its user, password or query (which may carry a password); a URL
    without ``scheme://`` in front is not shown at all, since a password may then be read
    as its scheme or its path.

    Everything up to the last ``@`` is taken for the user and password, as redis-py takes it:
    a password written unescaped may hold ``/`` or ``@``, which a URL parser reads as the
    path (``redis://:2024/Hs8@host``: port 2024, path ``/Hs8@host``). When a ``?`` or ``#``
    comes before that ``@``, it may be a query's password or a password's own character:
    the URL is not shown at all."""
    scheme, slashes, rest = url.partition("://")
    if not slashes:
        return _UNREADABLE
    user_info, at, host_on = rest.rpartition("@")
    if at:
        if "?" in user_info or "#" in user_info:
            return _UNREADABLE
        url = f"{scheme}://{host_on}"
    try:
        parsed = yarl.URL(url)
    except (TypeError, ValueError):
        return _UNREADABLE
    if not parsed.scheme or not url.lower().startswith(f"{parsed.scheme}://"):
        return _UNREADABLE
    if parsed.scheme == "unix":
        return f"unix://{parsed.path}"
    port = f":{parsed.explicit_port}" if parsed.explicit_port else ""
    return f"{parsed.scheme}://{parsed.host or ''}{port}{parsed.path}"


def shown_client(client: Redis) -> str:
    """Where a client of yours connects, as a URL without its password."""
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    scheme = "rediss" if "SSL" in client.connection_pool.connection_class.__name__ else "redis"
    host, port, db = kwargs.get("host", "localhost"), kwargs.get("port", 6379), kwargs.get("db", 0)
    return f"{scheme}://{host}:{port}/{db}"
