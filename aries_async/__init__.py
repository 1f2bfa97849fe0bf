"""aries-async: an asyncio-first, typed SDK for the Aries brokerage API.

Example:
    >>> import aries_async
    >>> async def main() -> None:
    ...     async with aries_async.AriesClient.from_env() as client:
    ...         print(await client.market.quote("AAPL"))

Importing the package is cheap: each public name is imported from its module on first use
(PEP 562), so a program that only polls quotes never loads the streaming, order or login code.
``from aries_async import X`` and ``aries_async.X`` work as usual, and type checkers read the
imports below. Every exception class of :mod:`aries_async.errors` is exported here too
(``from aries_async import NotFoundError, RateLimitError``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aries_async._lazy import lazy_dir, lazy_getattr, names_to_modules

if TYPE_CHECKING:
    from aries_async.auth.filestore import FileTokenStore
    from aries_async.auth.login import login
    from aries_async.auth.pkce import AuthorizationRequest
    from aries_async.auth.redisstore import RedisTokenStore
    from aries_async.auth.store import MemoryTokenStore, TokenStore
    from aries_async.auth.tokens import Token
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig, Endpoints, RateLimit, RetryPolicy, Seconds
    from aries_async.errors import (
        APIError,
        AriesError,
        AuthenticationError,
        AuthError,
        AuthorizationDeniedError,
        BadRequestError,
        ClientClosedError,
        ConfigurationError,
        ConfigurationValueError,
        ConflictError,
        ConnectionFailedError,
        MissingDependencyError,
        NotFoundError,
        NotSignedInError,
        OrderMatchAmbiguousError,
        OrderOutcomeUnknownError,
        OrderRejectedError,
        OrderRejectedHTTPError,
        OrderStateUnknownError,
        PaginationError,
        PermissionDeniedError,
        QuoteError,
        RateLimitError,
        ReauthenticationRequired,
        RequestTimeoutError,
        ResponseFormatError,
        ResponseTooLargeError,
        ServerError,
        StateMismatchError,
        StoreUnavailableError,
        StreamAuthError,
        StreamClosedError,
        StreamError,
        StreamOverflowError,
        StreamRequestError,
        StreamRequestInterrupted,
        StreamRequestTimeout,
        TokenRefreshError,
        TransportError,
        ValidationError,
        WrongEventLoopError,
    )
    from aries_async.frames import to_frame
    from aries_async.http.budget_redis import RedisRateBudget
    from aries_async.http.pagination import Paged
    from aries_async.models.orders import (
        CancelRequest,
        OrderLeg,
        OrderRequest,
        OrderStatus,
        OrderType,
        ReplaceRequest,
        Side,
        TimeInForce,
    )
    from aries_async.streaming import AccountStream, ChartStream, MarketStream, StreamConfig

__all__ = [
    "APIError",
    "AccountStream",
    "AriesClient",
    "AriesError",
    "AuthError",
    "AuthenticationError",
    "AuthorizationDeniedError",
    "AuthorizationRequest",
    "BadRequestError",
    "CancelRequest",
    "ChartStream",
    "ClientClosedError",
    "ClientConfig",
    "ConfigurationError",
    "ConfigurationValueError",
    "ConflictError",
    "ConnectionFailedError",
    "Endpoints",
    "FileTokenStore",
    "MarketStream",
    "MemoryTokenStore",
    "MissingDependencyError",
    "NotFoundError",
    "NotSignedInError",
    "OrderLeg",
    "OrderMatchAmbiguousError",
    "OrderOutcomeUnknownError",
    "OrderRejectedError",
    "OrderRejectedHTTPError",
    "OrderRequest",
    "OrderStateUnknownError",
    "OrderStatus",
    "OrderType",
    "Paged",
    "PaginationError",
    "PermissionDeniedError",
    "QuoteError",
    "RateLimit",
    "RateLimitError",
    "ReauthenticationRequired",
    "RedisRateBudget",
    "RedisTokenStore",
    "ReplaceRequest",
    "RequestTimeoutError",
    "ResponseFormatError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "Seconds",
    "ServerError",
    "Side",
    "StateMismatchError",
    "StoreUnavailableError",
    "StreamAuthError",
    "StreamClosedError",
    "StreamConfig",
    "StreamError",
    "StreamOverflowError",
    "StreamRequestError",
    "StreamRequestInterrupted",
    "StreamRequestTimeout",
    "TimeInForce",
    "Token",
    "TokenRefreshError",
    "TokenStore",
    "TransportError",
    "ValidationError",
    "WrongEventLoopError",
    "__version__",
    "login",
    "to_frame",
]

__version__ = "0.1.0"

_HOMES = {  # module -> the public names it defines, imported from it on first access
    "aries_async.auth.filestore": "FileTokenStore",
    "aries_async.auth.login": "login",
    "aries_async.auth.pkce": "AuthorizationRequest",
    "aries_async.auth.redisstore": "RedisTokenStore",
    "aries_async.auth.store": "MemoryTokenStore TokenStore",
    "aries_async.auth.tokens": "Token",
    "aries_async.client": "AriesClient",
    "aries_async.config": "ClientConfig Endpoints RateLimit RetryPolicy Seconds",
    "aries_async.errors": "APIError AriesError AuthError AuthenticationError"
    " AuthorizationDeniedError BadRequestError ClientClosedError ConfigurationError"
    " ConfigurationValueError ConflictError ConnectionFailedError MissingDependencyError"
    " NotFoundError NotSignedInError"
    " OrderMatchAmbiguousError OrderOutcomeUnknownError OrderRejectedError OrderRejectedHTTPError"
    " OrderStateUnknownError PaginationError PermissionDeniedError QuoteError RateLimitError"
    " ReauthenticationRequired RequestTimeoutError ResponseFormatError ResponseTooLargeError"
    " ServerError StateMismatchError StoreUnavailableError StreamAuthError StreamClosedError"
    " StreamError StreamOverflowError StreamRequestError StreamRequestInterrupted"
    " StreamRequestTimeout TokenRefreshError TransportError ValidationError WrongEventLoopError",
    "aries_async.frames": "to_frame",
    "aries_async.http.budget_redis": "RedisRateBudget",
    "aries_async.http.pagination": "Paged",
    "aries_async.models.orders": "CancelRequest OrderLeg OrderRequest OrderStatus OrderType"
    " ReplaceRequest Side TimeInForce",
    "aries_async.streaming": "AccountStream ChartStream MarketStream StreamConfig",
}
_LAZY = names_to_modules(_HOMES)


__getattr__ = lazy_getattr(__name__, _LAZY, globals())

__dir__ = lazy_dir(globals(), __all__)
