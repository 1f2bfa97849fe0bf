"""``ClientOptions``: the keyword arguments of :meth:`AriesClient.from_env()
<aries_async.client.AriesClient.from_env>`, so that a type checker refuses a misspelled one,
or a value of the wrong type, as it does for ``AriesClient(...)`` itself; ``Parsed``: what
:meth:`AriesClient.request() <aries_async.client.AriesClient.request>` returns, for type
checkers only."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    import aiohttp
    from typing_extensions import TypeVar  # a default (PEP 696) before Python 3.13

    from aries_async.auth.store import TokenStore
    from aries_async.auth.tokens import Token
    from aries_async.http.budget import RateBudget
    from aries_async.http.transport import Monotonic, Sleep

    Parsed = TypeVar("Parsed", default=Any)
    """What the ``parse`` given to ``request()`` returns; without one, the decoded JSON (Any)."""

__all__ = ["ClientOptions"]


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
