"""The keyword arguments of the functions that pass them on, so that a type checker refuses a
misspelled one, or a value of the wrong type, as it does for the class they build:
``ClientOptions`` for :meth:`AriesClient.from_env() <aries_async.client.AriesClient.from_env>`,
``ConfigOptions`` and ``ConfigOverrides`` for :meth:`ClientConfig.for_base_url()
<aries_async.config.ClientConfig.for_base_url>`, :meth:`ClientConfig.from_env()
<aries_async.config.ClientConfig.from_env>` and the simulator's ``client_config()``;
``Parsed``: what :meth:`AriesClient.request() <aries_async.client.AriesClient.request>`
returns, for type checkers only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    import aiohttp
    from typing_extensions import TypeVar  # a default (PEP 696) before Python 3.13

    from aries_async.auth.store import TokenStore
    from aries_async.auth.tokens import Token
    from aries_async.config import Endpoints, RetryPolicy, Seconds
    from aries_async.http.budget import RateBudget
    from aries_async.http.transport import Monotonic, Sleep
    from aries_async.rate_limit import RateLimit

    Parsed = TypeVar("Parsed", default=Any)
    """What the ``parse`` given to ``request()`` returns; without one, the decoded JSON (Any)."""

__all__ = ["ClientOptions", "ConfigOptions", "ConfigOverrides"]


class ClientOptions(TypedDict, total=False):
    """The keyword arguments of :class:`~aries_async.client.AriesClient` but ``config``
    (see it for each one's meaning)."""

    token: Token | None
    token_store: TokenStore | None
    session: aiohttp.ClientSession | None
    sleep: Sleep
    wall_clock: Callable[[], float]
    monotonic: Monotonic
    rate_budget: RateBudget | None


class ConfigOptions(TypedDict, total=False):
    """The fields of :class:`~aries_async.config.ClientConfig` but ``endpoints`` (see it for
    each one's meaning), as its constructor takes them."""

    client_id: str | None
    client_secret: str | None
    app_token: bool
    redirect_uri: str | None
    scopes: str | Iterable[str]
    timeout: Seconds
    attempt_timeout: Seconds | None
    connect_timeout: Seconds
    pool_size: int
    pool_size_per_host: int
    retry: RetryPolicy
    refresh_skew: Seconds
    quote_chunk_size: int
    max_response_bytes: int
    offload_parse_bytes: int
    user_agent: str
    rate_limit: RateLimit | Seconds | None


class ConfigOverrides(ConfigOptions, total=False):
    """Every field of :class:`~aries_async.config.ClientConfig`."""

    endpoints: Endpoints
