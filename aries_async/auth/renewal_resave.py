"""A renewed token the token store did not take: kept pending, saved once the store answers.

A renewal's grant rotates the refresh token: from its answer on, the token the store holds is
dead at the server, and the new one is in this process's memory only. When the store fails then
(its read after the grant, or the save: :class:`~aries_async.errors.StoreUnavailableError`, a
Redis down, refusing writes or not answering), the session keeps the new token as *pending*
(one warning, naming the store), serves its calls with it (it is valid, and its calls do not
wait on the store for it), and saves it in the background (:class:`Resaver`, a task of the
session's) once the retry policy's backoff has passed, again after a longer one while the store
fails, or at the next renewal, whichever comes first: not at the process's next call, which may
come late (an idle process) or never, while the other processes hold a token whose refresh
token is dead. A client that closes, or signs out, stops that task; one that closes with a token
still pending tries once more, within the store's ``close_timeout``, and warns if it still
cannot (the other processes sharing the store may then be asked to sign in again: sign in
again).

That save is a check-and-set under the store's lock (a read, a comparison, a write; on a
:class:`~aries_async.auth.redisstore.RedisTokenStore` its save under the lock is checked against
the version read): what the store holds then decides.

- The token the pending one was renewed from (or nothing, for an app token got by itself into
  an empty store): nobody wrote meanwhile, and its refresh token is dead: the pending token is
  saved (one INFO line). A Redis that lost its data meanwhile shows the token it had (a store
  puts back the token it last read: :mod:`~aries_async.auth.redis_kept`), so it is saved there
  too.
- The pending token itself: the failed save had reached the store (its answer was lost).
- Nothing: a logout (``clear()``) meanwhile. It wins: the pending token is dropped, not written
  back, and the session is signed out.
- Another token: a sign-in, or another process's token, saved meanwhile. It wins: the pending
  token is dropped and the session takes the store's. So too when the store skipped the save
  (a Redis store's version check: another process saved after the read), which a read after
  the save tells.

A token set here (a sign-in, ``set_token``) drops the pending one too, and so does a logout here
once the store took it (one the store failed to take leaves it pending: nobody is signed out).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from aries_async._closing import retrieve
from aries_async._errors_store import StoreUnavailableError
from aries_async.auth.renewal_close import close_timeout
from aries_async.auth.renewal_outage import RENEWAL_PATIENCE, store_unanswered
from aries_async.auth.store import TokenStore, where
from aries_async.auth.tokens import Token
from aries_async.config import RetryPolicy
from aries_async.errors import AriesError, NotSignedInError
from aries_async.http.retry import retry_delay

__all__ = ["Pending", "Resaver", "save_renewed", "signed_out_meanwhile"]

log = logging.getLogger("aries_async.auth")


def _same(one: Token | None, other: Token | None) -> bool:
    """Whether two tokens are one grant (the same access and refresh tokens)."""
    if one is None or other is None:
        return one is other
    return (one.access_token, one.refresh_token) == (other.access_token, other.refresh_token)


def signed_out_meanwhile(store: TokenStore) -> NotSignedInError:
    """The error of a renewal whose store was cleared before its token could be saved."""
    return NotSignedInError(
        f"signed out while the token was being renewed: the token {where(store)} was cleared, "
        "and the new token was not saved"
    )


async def save_renewed(store: TokenStore, fresh: Token, renewed_from: Token | None) -> Token:
    """Save ``fresh``, just granted for ``renewed_from`` (None: an empty store, an app token got
    by itself), with the store's lock held, unless the store changed while the grant was in
    flight, by a writer that did not take the lock: it wins. Cleared is a logout, not to be
    undone; replaced is a newer sign-in, not to be overwritten: its token is returned.

    Raises:
        NotSignedInError: the store was cleared meanwhile.
        StoreUnavailableError: the store failed (keep ``fresh`` pending: :class:`Pending`).
    """
    current = await store.load()
    if current is None and renewed_from is not None:
        raise signed_out_meanwhile(store)
    if current is not None and current != renewed_from:  # None: the first app token
        return current
    await store.save(fresh)
    return fresh


class Pending:
    """The renewed token ``store`` has not taken yet (see the module notes), if any.

    Args:
        store: the session's token store.
        rand: uniform in [0, 1), for the backoff's jitter.
    """

    def __init__(self, store: TokenStore, rand: Callable[[], float] = random.random) -> None:
        self.store = store
        """The session's token store."""
        self._rand = rand
        self.token: Token | None = None
        """The renewed token the store has not taken (None: there is none)."""
        self._renewed_from: Token | None = None
        """The token the store held when it was renewed (None: an empty store)."""
        self._failures = 0
        self._retry_at = 0.0

    def keep(
        self,
        token: Token,
        renewed_from: Token | None,
        error: StoreUnavailableError,
        now: float,
        policy: RetryPolicy,
    ) -> None:
        """Keep ``token``, renewed from ``renewed_from``, which the store failed to take with
        ``error`` at ``now`` (one warning): saved after the backoff of ``policy``."""
        self.token, self._renewed_from, self._failures = token, renewed_from, 0
        self._failed(error, now, policy)
        log.warning(
            "could not save the renewed token %s (%s: %s): this process keeps it in memory and "
            "saves it as soon as the token store answers again (the token there was renewed: "
            "its refresh token is no longer taken by the server)",
            where(self.store),
            type(error).__name__,
            error,
        )

    def _failed(self, error: StoreUnavailableError, now: float, policy: RetryPolicy) -> None:
        self._failures += 1
        self._retry_at = now + retry_delay(error, self._failures, policy, self._rand)

    def wait(self, now: float) -> float:
        """Seconds from ``now`` until the backoff of the last failed save has passed."""
        return max(0.0, self._retry_at - now)

    def drop(self) -> None:
        """Forget the pending token (a token set here, or a logout here, replaces it)."""
        self.token = self._renewed_from = None

    def stale(self, token: Token | None) -> bool:
        """Whether ``token``, found in the store, is the one a pending token replaces."""
        return self.token is not None and _same(token, self._renewed_from)

    async def save(self, now: float, policy: RetryPolicy, patience: float) -> Token:
        """Save the pending token under the store's lock (see the module notes; call it only
        when one is pending), waiting ``patience`` seconds at most (a call that has a valid
        token does not wait on a store that does not answer, or on a lock its failed release
        left to its lease): the store's token afterwards.

        Raises:
            NotSignedInError: the store was cleared meanwhile (a logout: it wins).
            StoreUnavailableError: the store failed again, or did not answer in time: the token
                stays pending, saved after a longer backoff.
        """
        bound = asyncio.timeout(patience)
        try:
            async with bound, self.store.lock():
                there = await self.under_lock(await self.store.load())
            if there is None:
                raise signed_out_meanwhile(self.store)
            return there
        except TimeoutError as exc:
            if not bound.expired():
                raise
            error = store_unanswered(patience, where(self.store))
            self._failed(error, now, policy)
            raise error from exc
        except StoreUnavailableError as exc:
            if self.token is not None:
                self._failed(exc, now, policy)
            raise

    async def under_lock(self, stored: Token | None) -> Token | None:
        """With the store's lock held and ``stored`` just read from it: the pending token
        (if any) saved when ``stored`` is the token it was renewed from; the store's token
        afterwards (None: none, a logout).

        Raises:
            StoreUnavailableError: the save failed; the token stays pending.
        """
        token = self.token
        if token is None or _same(stored, token):
            self.drop()  # the failed save had reached the store
            return stored
        if not _same(stored, self._renewed_from):
            return self._beaten(stored)
        await self.store.save(token)
        # A save can be skipped without an error (RedisTokenStore's version check, when
        # another process saved meanwhile without the lock): what the store holds says.
        there = await self.store.load()
        if not _same(there, token):
            return self._beaten(there)
        log.info(
            "saved the renewed token %s, which the token store had not taken (%d failed attempt%s)",
            where(self.store),
            self._failures,
            "" if self._failures == 1 else "s",
        )
        self.drop()
        return token

    def _beaten(self, stored: Token | None) -> Token | None:
        """Drop the pending token for ``stored``, a logout (None) or another token, which the
        store holds instead: it wins."""
        log.info(
            "did not save the renewed token %s: %s meanwhile, which wins",
            where(self.store),
            "it was cleared (signed out)" if stored is None else "another token was saved",
        )
        self.drop()
        return stored

    async def on_close(self, policy: RetryPolicy, now: float) -> None:
        """A closing client's last attempt to save the pending token (if any), within the
        store's ``close_timeout``; a warning when it fails."""
        if self.token is None:
            return
        timeout = close_timeout(self.store)
        try:
            await self.save(now, policy, timeout)
        except NotSignedInError:
            return  # a logout meanwhile: nothing to keep
        except StoreUnavailableError as exc:
            why = f"{type(exc).__name__}: {exc}"
            log.warning(
                "the client closed with a renewed token the token store never took (%s); it "
                "may be lost to the fleet: the token %s has a refresh token the server no "
                "longer takes, so the next renewal there asks to sign in again: sign in again",
                why,
                where(self.store),
            )
            self.drop()


class Resaver:
    """Saves the pending token in the background, each attempt after the backoff of the one
    before (:meth:`Pending.wait`, the retry policy's rule): a task that ends once the token is
    saved, dropped (a renewal saved it, a token was set here) or beaten by a logout or a newer
    token in the store, or when it is stopped (a close, a logout here).

    Args:
        pending: the session's pending token.
        took: given the store's token after a save (:meth:`Pending.save`): the pending one,
            or a newer one found there; None, a logout meanwhile.
        wall_clock: the clock of the backoff (Unix seconds).
        sleep: waits that long, in seconds.
    """

    def __init__(
        self,
        pending: Pending,
        took: Callable[[Token | None], None],
        wall_clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[Any]],
    ) -> None:
        self._pending = pending
        self._policy = RetryPolicy()  # the client's, from start()
        self._took = took
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._task: asyncio.Future[None] | None = None

    def start(self, policy: RetryPolicy) -> None:
        """Save the pending token in the background, unless that runs already, its attempts
        spaced by the backoff of ``policy``."""
        self._policy = policy
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())
            self._task.add_done_callback(retrieve)

    def _over(self) -> bool:
        """Whether no token is pending (any more): saved, or dropped."""
        return self._pending.token is None

    async def _run(self) -> None:
        while not self._over():
            # Every attempt waits for the backoff first: a store down is not asked in a loop.
            await self._sleep(self._pending.wait(self._wall_clock()))
            if self._over():
                return  # saved or dropped meanwhile
            try:
                now = self._wall_clock()
                token = await self._pending.save(now, self._policy, RENEWAL_PATIENCE)
            except StoreUnavailableError:
                continue  # still pending, after a longer backoff (Pending.save)
            except NotSignedInError:
                self._took(None)  # a logout meanwhile: it wins
                return
            except AriesError as exc:  # a mistake, not an outage: asking again cannot help
                log.warning(
                    "could not save the renewed token %s (%s: %s); tried again at the next "
                    "renewal, or when the client closes",
                    where(self._pending.store),
                    type(exc).__name__,
                    exc,
                )
                return
            self._took(token)

    async def stop(self) -> None:
        """Stop the background save (the pending token, if any, stays pending)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
