"""The Redis store's connection helpers: redis-py loaded on demand, and where a store's Redis
is, shown without its password."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yarl

from aries_async.errors import ConfigurationError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["redis_module", "shown_client", "shown_url"]

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
            "RedisTokenStore needs redis-py, the redis extra: pip install 'aries-async[redis]'"
        ) from exc
    return redis


def shown_url(url: str) -> str:
    """The URL without its user, password or query (which may carry a password); a URL
    without ``scheme://`` in front is not shown at all, since a password may then be read
    as its scheme or its path."""
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
