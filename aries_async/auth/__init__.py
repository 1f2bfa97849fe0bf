"""OAuth, tokens, token stores and the refreshing session."""

from typing import TYPE_CHECKING, Any

from aries_async.auth.oauth import AuthorizationRequest, OAuth
from aries_async.auth.session import AuthSession
from aries_async.auth.store import MemoryTokenStore, TokenStore
from aries_async.auth.tokens import Token

if TYPE_CHECKING:
    from aries_async.auth.redisstore import RedisTokenStore

__all__ = [
    "AuthSession",
    "AuthorizationRequest",
    "MemoryTokenStore",
    "OAuth",
    "RedisTokenStore",
    "Token",
    "TokenStore",
]


def __getattr__(name: str) -> Any:
    # The Redis store loads when it is asked for: most programs never use it.
    if name == "RedisTokenStore":
        from aries_async.auth.redisstore import RedisTokenStore

        return RedisTokenStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
