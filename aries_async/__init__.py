"""aries-async: an asyncio-first, typed SDK for the Aries brokerage API.

Example:
    >>> import aries_async
    >>> async def main() -> None:
    ...     async with aries_async.AriesClient.from_env() as client:
    ...         print(await client.market.quote("AAPL"))
"""

from aries_async.auth.filestore import FileTokenStore
from aries_async.auth.login import login
from aries_async.auth.oauth import AuthorizationRequest
from aries_async.auth.store import MemoryTokenStore, TokenStore
from aries_async.auth.tokens import Token
from aries_async.client import AriesClient
from aries_async.config import ClientConfig, Endpoints, RetryPolicy
from aries_async.errors import (
    APIError,
    AriesError,
    AuthError,
    OrderOutcomeUnknownError,
    ReauthenticationRequired,
    ValidationError,
)
from aries_async.models import (
    CancelRequest,
    OrderLeg,
    OrderRequest,
    OrderStatus,
    OrderType,
    ReplaceRequest,
    Side,
    TimeInForce,
)
from aries_async.streaming import AccountStream, MarketStream, StreamConfig

__all__ = [
    "APIError",
    "AccountStream",
    "AriesClient",
    "AriesError",
    "AuthError",
    "AuthorizationRequest",
    "CancelRequest",
    "ClientConfig",
    "Endpoints",
    "FileTokenStore",
    "MarketStream",
    "MemoryTokenStore",
    "OrderLeg",
    "OrderOutcomeUnknownError",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "ReauthenticationRequired",
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
]

__version__ = "0.1.0"
