"""OAuth, tokens, token stores and the refreshing session."""

from aries_async.auth.oauth import AuthorizationRequest, OAuth
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.session import AuthSession
from aries_async.auth.store import MemoryTokenStore, TokenStore
from aries_async.auth.tokens import Token

__all__ = [
    "AuthSession",
    "AuthorizationRequest",
    "MemoryTokenStore",
    "OAuth",
    "RedisTokenStore",
    "Token",
    "TokenStore",
]
