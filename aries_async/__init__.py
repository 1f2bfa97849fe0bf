"""aries-async: an asyncio-first, typed SDK for the Aries brokerage API.

Example:
    >>> import aries_async
    >>> async def main() -> None:
    ...     async with aries_async.AriesClient.from_env() as client:
    ...         print(await client.market.quote("AAPL"))

Importing the package is cheap: each public name is imported from its module on first use
(PEP 562), so a program that only polls quotes never loads the streaming, order or login code.
``from aries_async import X`` and ``aries_async.X`` work as usual, and type checkers read the
imports below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aries_async._lazy import lazy_dir, lazy_getattr

if TYPE_CHECKING:
    from aries_async.auth.filestore import FileTokenStore
    from aries_async.auth.login import login
    from aries_async.auth.oauth import AuthorizationRequest
    from aries_async.auth.redisstore import RedisTokenStore
    from aries_async.auth.store import MemoryTokenStore, TokenStore
    from aries_async.auth.tokens import Token
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig, Endpoints, RateLimit, RetryPolicy
    from aries_async.errors import (
        APIError,
        AriesError,
        AuthError,
        MissingDependencyError,
        OrderMatchAmbiguousError,
        OrderOutcomeUnknownError,
        OrderStateUnknownError,
        PermissionDeniedError,
        ReauthenticationRequired,
        ValidationError,
    )
    from aries_async.frames import to_frame
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
    "AuthorizationRequest",
    "CancelRequest",
    "ChartStream",
    "ClientConfig",
    "Endpoints",
    "FileTokenStore",
    "MarketStream",
    "MemoryTokenStore",
    "MissingDependencyError",
    "OrderLeg",
    "OrderMatchAmbiguousError",
    "OrderOutcomeUnknownError",
    "OrderRequest",
    "OrderStateUnknownError",
    "OrderStatus",
    "OrderType",
    "Paged",
    "PermissionDeniedError",
    "RateLimit",
    "ReauthenticationRequired",
    "RedisTokenStore",
    "ReplaceRequest",
    "RetryPolicy",
    "Side",
    "StreamConfig",
    "TimeInForce",
    "Token",
    "TokenStore",
    "ValidationError",
    "__version__",
    "login",
    "to_frame",
]

__version__ = "0.1.0"

_ORDERS = "aries_async.models.orders"
_ERRORS = "aries_async.errors"
_STREAMING = "aries_async.streaming"

_LAZY: dict[str, str] = {
    "APIError": _ERRORS,
    "AccountStream": _STREAMING,
    "AriesClient": "aries_async.client",
    "AriesError": _ERRORS,
    "AuthError": _ERRORS,
    "AuthorizationRequest": "aries_async.auth.oauth",
    "CancelRequest": _ORDERS,
    "ChartStream": _STREAMING,
    "ClientConfig": "aries_async.config",
    "Endpoints": "aries_async.config",
    "FileTokenStore": "aries_async.auth.filestore",
    "MarketStream": _STREAMING,
    "MemoryTokenStore": "aries_async.auth.store",
    "MissingDependencyError": _ERRORS,
    "OrderLeg": _ORDERS,
    "OrderMatchAmbiguousError": _ERRORS,
    "OrderOutcomeUnknownError": _ERRORS,
    "OrderRequest": _ORDERS,
    "OrderStateUnknownError": _ERRORS,
    "OrderStatus": _ORDERS,
    "OrderType": _ORDERS,
    "PermissionDeniedError": _ERRORS,
    "RateLimit": "aries_async.config",
    "Paged": "aries_async.http.pagination",
    "ReauthenticationRequired": _ERRORS,
    "RedisTokenStore": "aries_async.auth.redisstore",
    "ReplaceRequest": _ORDERS,
    "RetryPolicy": "aries_async.config",
    "Side": _ORDERS,
    "StreamConfig": _STREAMING,
    "TimeInForce": _ORDERS,
    "Token": "aries_async.auth.tokens",
    "TokenStore": "aries_async.auth.store",
    "ValidationError": _ERRORS,
    "login": "aries_async.auth.login",
    "to_frame": "aries_async.frames",
}
"""Public name -> the module that defines it (imported on first access)."""


__getattr__ = lazy_getattr(__name__, _LAZY, globals())

__dir__ = lazy_dir(globals(), __all__)
