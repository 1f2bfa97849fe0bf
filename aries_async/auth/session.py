"""The token cache: one refresh for any number of concurrent callers, and 401 recovery.

A token is read from memory; when it is within ``refresh_skew`` of expiry, the first caller takes
the asyncio lock, looks again (another caller may have refreshed meanwhile), then takes the store's
lock (shared with other processes), reads the store once more, and only then refreshes and saves.
After a 401, :meth:`AuthSession.invalidate` drops exactly the token that was used, so a stale 401
cannot throw away a newer token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from aries_async.auth.oauth import OAuth
from aries_async.auth.store import TokenStore
from aries_async.auth.tokens import Token
from aries_async.errors import NotSignedInError

__all__ = ["AuthSession"]

log = logging.getLogger("aries_async.auth")


def _retrieve(task: asyncio.Future[Token]) -> None:
    """Mark a refresh's failure as seen when every caller that waited on it was cancelled."""
    if not task.cancelled():
        task.exception()


class AuthSession:
    """Hands out valid access tokens (``client.auth``)."""

    def __init__(
        self,
        oauth: OAuth,
        store: TokenStore,
        *,
        refresh_skew: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._oauth = oauth
        self._store = store
        self._skew = refresh_skew
        self._clock = clock
        self._token: Token | None = None
        self._invalid: str | None = None
        self._lock = asyncio.Lock()
        self._refreshing: asyncio.Future[Token] | None = None
        """The latest refresh (a strong reference, so the loop cannot drop it mid-flight)."""
        self.refreshes = 0
        """How many refresh grants this session sent."""

    @property
    def store(self) -> TokenStore:
        """The token store."""
        return self._store

    def _usable(self, token: Token | None) -> bool:
        return (
            token is not None
            and token.access_token != self._invalid
            and not token.needs_refresh(self._clock(), self._skew)
        )

    def cached(self) -> Token | None:
        """The token in memory when it is usable as it is (no refresh, no store, no await).

        Returns:
            The token :meth:`token` would return without refreshing, or None when :meth:`token`
            has work to do (no token yet, refused, or within ``refresh_skew`` of expiry).
        """
        token = self._token
        if token is None or token.access_token == self._invalid:
            return None
        expires_at = token.expires_at
        if expires_at is not None and expires_at - self._clock() <= self._skew:
            return None
        return token

    async def token(self) -> Token:
        """A token that is valid for at least ``refresh_skew`` seconds, refreshing if needed.

        Raises:
            NotSignedInError: there is no token at all.
            ReauthenticationRequired: the refresh token was refused; sign in again.
        """
        token = self.cached()
        if token is not None:
            return token
        async with self._lock:
            token = self._token
            if self._usable(token):
                assert token is not None
                return token
            stored = await self._store.load()
            if self._usable(stored):
                assert stored is not None
                self._token = stored
                return stored
            # The refresh runs in a task of its own, shielded: a caller's timeout or
            # cancellation must not stop it between the grant and the save, or the rotated
            # refresh token would be lost and the user signed out. A caller that comes while
            # one whose first caller gave up is still running waits for that one.
            task = self._refreshing
            if task is None or task.done():
                task = asyncio.ensure_future(self._refresh_under_store_lock(token))
                task.add_done_callback(_retrieve)
                self._refreshing = task
            return await asyncio.shield(task)

    async def _refresh_under_store_lock(self, token: Token | None) -> Token:
        async with self._store.lock():
            # Another process may have refreshed while we waited for its lock.
            stored = await self._store.load()
            if self._usable(stored):
                assert stored is not None
                self._token = stored
                return stored
            base = stored or token
            if base is None:
                raise NotSignedInError("no token: sign in first (aries-async login)")
            if not base.can_refresh:
                raise NotSignedInError("the token expired and has no refresh token; sign in again")
            log.debug("refreshing the access token")
            fresh = await self._oauth.refresh(base)
            self.refreshes += 1
            # In memory first: if saving fails (its error is raised), this process still has
            # the new grant, whose refresh token the server has just rotated.
            self._token = fresh
            self._invalid = None
            await self._store.save(fresh)
            return fresh

    async def settle(self) -> None:
        """Wait for a refresh still in flight whose callers were cancelled (never raises)."""
        task = self._refreshing
        if task is not None and not task.done():
            await asyncio.wait([task])

    async def access_token(self) -> str:
        """The access token string (a token provider for the streams)."""
        return (await self.token()).access_token

    async def invalidate(self, access_token: str) -> None:
        """Mark exactly this access token as refused; a newer one in use is kept."""
        current = self._token
        if (current is not None and current.access_token == access_token) or current is None:
            self._invalid = access_token

    async def set_token(self, token: Token) -> None:
        """Use and save ``token`` (after a login)."""
        await self._store.save(token)
        self._token = token
        self._invalid = None

    async def clear(self) -> None:
        """Forget the token here and in the store."""
        self._token = None
        await self._store.clear()
