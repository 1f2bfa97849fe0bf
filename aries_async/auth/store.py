"""Where tokens live between calls and between processes.

A :class:`TokenStore` keeps one grant. The session manager reads it, and refreshes under
``store.lock()`` so that several processes sharing one store make one refresh between them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from aries_async.auth.tokens import Token
from aries_async.errors import NotSignedInError

__all__ = ["ClientBound", "MemoryTokenStore", "TokenStore", "sign_out", "where"]


@runtime_checkable
class TokenStore(Protocol):
    """What the session manager needs from a token store.

    Implement these four methods to keep tokens elsewhere (a key ring, a secrets service); for a
    fleet on several hosts, :class:`~aries_async.auth.redisstore.RedisTokenStore` is one on Redis.
    ``lock()`` must exclude every other user of the same store, in any process or on any host that
    shares it, for as long as it is held: the session manager holds it while it re-reads the store
    and, when the token there is still due, refreshes it and saves the result. ``load()`` and
    ``save()`` are called with the lock held during a refresh and without it otherwise.

    The store is the truth: an empty store means signed out. A session that finds its store
    cleared (a logout elsewhere) stops using its token instead of renewing it, and a renewal
    whose store changed while it was in flight does not overwrite the change. A renewed token
    that ``load()`` or ``save()`` failed to take (raising
    :class:`~aries_async.errors.StoreUnavailableError`) is saved again later, under ``lock()``
    after a ``load()``, only while the store still holds the token it was renewed from
    (:mod:`~aries_async.auth.renewal_resave`): no other method is needed.
    """

    async def load(self) -> Token | None:
        """The saved token, or None."""
        ...

    async def save(self, token: Token) -> None:
        """Replace the saved token (atomically: a reader sees the old or the new one)."""
        ...

    async def clear(self) -> None:
        """Forget the token (logout)."""
        ...

    def lock(self) -> contextlib.AbstractAsyncContextManager[None]:
        """An exclusive lock around a refresh, shared by every user of this store."""
        ...


@runtime_checkable
class ClientBound(Protocol):
    """A token store that keeps the tokens of one app and one token endpoint, and wants to
    know the client it is given to (as :class:`~aries_async.auth.redisstore.RedisTokenStore`
    does): :class:`~aries_async.AriesClient` calls :meth:`bind_client` when built with it."""

    def bind_client(self, client_id: str | None, token_url: str) -> None:
        """Take (or check) the client's app and token endpoint; raise
        :class:`~aries_async.errors.ConfigurationError` for ones the store does not serve."""
        ...


class MemoryTokenStore:
    """Keeps the token in this process only; the default store.

    Example:
        >>> store = MemoryTokenStore()
    """

    def __init__(self, token: Token | None = None) -> None:
        self._token = token
        self._lock = asyncio.Lock()

    async def load(self) -> Token | None:
        return self._token

    async def save(self, token: Token) -> None:
        self._token = token

    async def clear(self) -> None:
        self._token = None

    @contextlib.asynccontextmanager
    async def lock(self) -> AsyncIterator[None]:
        async with self._lock:
            yield

    def __repr__(self) -> str:
        return f"MemoryTokenStore(token={self._token!r})"


async def sign_out(store: TokenStore) -> bool:
    """Forget the saved token (logout), waiting for a renewal in flight to finish first, so that
    the renewal cannot write its token back afterwards.

    Returns:
        Whether there was a token to forget.
    """
    async with store.lock():
        had = await store.load() is not None
        await store.clear()
    return had


def where(store: TokenStore) -> str:
    """Where ``store`` keeps its token, for messages ("in the token file ...")."""
    path = getattr(store, "path", None)
    if path is not None:
        return f"in the token file {path}"
    key = getattr(store, "token_key", None)  # a RedisTokenStore
    return f"in Redis at {key}" if key is not None else "in the token store"


def not_signed_in(
    store: TokenStore, app_grant: bool, *, signed_out: bool = False
) -> NotSignedInError:
    """The :class:`~aries_async.errors.NotSignedInError` of a call that found no token in
    ``store``: cleared by a sign-out, or never there. Then, with ``app_grant`` (the client holds
    an id and a secret), it names the app token too, the one call away that finance-dev's
    client makes by itself."""
    if signed_out:
        return NotSignedInError(f"no token {where(store)}: it was cleared (signed out)")
    how = (
        ", or get an app token: await client.oauth.client_credentials(), or by itself with"
        " ClientConfig(app_token=True)"
        if app_grant
        else ""
    )
    return NotSignedInError(f"no token {where(store)}: sign in first{how}")
