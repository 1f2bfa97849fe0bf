"""OAuth, tokens, token stores and the refreshing session."""

from typing import TYPE_CHECKING

from aries_async._lazy import lazy_dir, lazy_getattr
from aries_async.auth.oauth import OAuth
from aries_async.auth.session import AuthSession
from aries_async.auth.store import MemoryTokenStore, TokenStore
from aries_async.auth.tokens import Token

if TYPE_CHECKING:
    from aries_async.auth.pkce import AuthorizationRequest
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

# Loaded when they are asked for: most programs never use the Redis store, and app tokens
# need no authorization request.
__getattr__ = lazy_getattr(
    __name__,
    {
        "AuthorizationRequest": "aries_async.auth.pkce",
        "RedisTokenStore": "aries_async.auth.redisstore",
    },
    globals(),
)
__dir__ = lazy_dir(globals(), __all__)
