"""The token cache: one renewal for any number of concurrent callers, and 401 recovery.

A token is read from memory; when it is due for renewal (``refresh_skew`` before expiry, or
halfway through a short life), the first caller takes the asyncio lock, looks again (another
caller may have renewed meanwhile), then takes the store's lock (shared with other processes),
reads the store once more, and only then renews and saves. A user's token is renewed with its
refresh token, an app token (client credentials) with the client credentials. After a 401,
:meth:`AuthSession.invalidate` drops exactly the token that was used, so a stale 401 cannot throw
away a newer token. A websocket whose session ends with the token it presented asks for
another (:meth:`AuthSession.access_token_other_than`): a renewal ahead of time, shared alike.

The store is the truth. A store found empty means signed out (a logout in another process is not
undone), but to a client that gets its app token by itself (``config.app_token``), which gets
one then, as it renews one; a renewal whose store was cleared or replaced while it was in flight
does not save its result. A refresh refused because another process renewed meanwhile (its
refresh token rotated away while a store lock's lease ran out) takes that process's token from
the store. A grant the token endpoint refused (a 400 or 401, whatever its body) is not sent
again: later calls raise the same error at once, until a new token is set here or appears in the
store. The access token in hand serves on (one warning) through a refusal to its end, through a
failing endpoint or token store to shortly before it (:mod:`~aries_async.auth.renewal_outage`).
A renewed token the store fails to take is kept, served, and saved in the background once the
store answers, unless a logout or a newer token is there (:mod:`~aries_async.auth.renewal_resave`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeGuard

from aries_async._closing import retrieve
from aries_async._deprecation import renamed_arguments
from aries_async._errors_store import StoreUnavailableError
from aries_async._settings import Seconds, seconds_setting
from aries_async.auth.app_token import NO_APP_TOKEN_YET
from aries_async.auth.grant_errors import refused_for_good
from aries_async.auth.oauth import OAuth
from aries_async.auth.renewal_close import (
    RenewalStage,
    raise_if_failed_meanwhile,
    settle_renewal,
)
from aries_async.auth.renewal_outage import ENDPOINT_FAILURES, InHand
from aries_async.auth.renewal_resave import Pending, Resaver, save_renewed
from aries_async.auth.shared_refusals import record_refusal, recorded_refusal
from aries_async.auth.store import TokenStore, not_signed_in, sign_out, where
from aries_async.auth.tokens import Token, given_token
from aries_async.auth.unrenewable import refused_again, renewed_elsewhere, why_unusable
from aries_async.errors import AuthError, NotSignedInError
from aries_async.http.loop_owner import LoopOwner

__all__ = ["SESSION_WARNING", "AuthSession"]

SESSION_WARNING = 300.0
"""How long before a websocket session ends the server warns (``refreshAuth``): five minutes
(websocket.md 2.4, the accounts socket; the simulator's ``ws_refresh_warning``)."""

log = logging.getLogger("aries_async.auth")


class AuthSession:
    """Hands out valid access tokens (``client.auth``); token expiry is read on ``wall_clock``
    (Unix seconds; its old name ``clock`` still works for one release, with a warning), and
    ``sleep`` waits in its seconds (:meth:`access_token_other_than`).

    Its lock, its renewals and its token belong to one event loop: that of ``loop_owner`` (a
    client passes its transport, so that the session is the loop's the client is first used
    on), else the one the session is first used on. Each of its awaitables raises
    :class:`~aries_async.errors.WrongEventLoopError` on another loop, before doing anything.

    ``refresh_skew``: renew a token this many seconds before it expires (finite, at least 0;
    else :class:`~aries_async.errors.ConfigurationError`, as ``ClientConfig`` refuses it).
    """

    @renamed_arguments(clock="wall_clock")
    def __init__(
        self,
        oauth: OAuth,
        store: TokenStore,
        *,
        refresh_skew: Seconds = 60.0,
        wall_clock: Callable[[], float] = time.time,
        token: Token | None = None,
        loop_owner: LoopOwner | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        token = given_token(token)
        self._owner = loop_owner if loop_owner is not None else LoopOwner()
        self._sleep = sleep
        self._oauth = oauth
        self._store = store
        self._skew = seconds_setting(refresh_skew, "refresh_skew", zero=True, decimals=True)
        self._wall_clock = wall_clock
        self._token: Token | None = None
        self._due: float | None = None
        """When ``_token`` is due for renewal (None: never)."""
        self._invalid: str | None = None
        self._unsaved: Token | None = token
        """A token given to the constructor, saved to the store by the first call that needs
        the store (or by ``async with``)."""
        self._refused: tuple[Token, AuthError] | None = None
        """The grant the token endpoint refused for good, and how."""
        self._lock = asyncio.Lock()
        self._refreshing: asyncio.Future[Token] | None = None
        """The latest refresh (a strong reference, so the loop cannot drop it mid-flight)."""
        self._stage = RenewalStage()
        """How far the latest refresh got (for a closing client, :meth:`settle`)."""
        self._in_hand = InHand(where=where(store))  # does the token in hand serve on?
        self._pending = Pending(store)  # a renewed token the store did not take
        self._resaver = Resaver(self._pending, self._took, wall_clock, sleep)
        self.refreshes: int = 0
        """How many renewal grants (refresh or client credentials) this session sent."""
        if token is not None:
            self._adopt(token)

    @property
    def store(self) -> TokenStore:
        """The token store."""
        return self._store

    def _adopt(self, token: Token | None) -> None:
        self._token = token
        self._due = None if token is None else token.refresh_due(token.renewal_margin(self._skew))

    def _usable(self, token: Token | None) -> TypeGuard[Token]:
        return (
            token is not None
            and token.access_token != self._invalid
            and not token.needs_refresh(self._wall_clock(), token.renewal_margin(self._skew))
        )

    def cached(self) -> Token | None:
        """The token in memory when it is usable as it is (no refresh, no store, no await).

        Returns:
            The token :meth:`token` would return without renewing (one serving through an
            outage too), or None when :meth:`token` has work to do (no token yet, refused, due).
        """
        token = self._token
        if token is None or token.access_token == self._invalid or self._unsaved is not None:
            return None
        due = self._due
        if due is not None and (now := self._wall_clock()) >= due:
            return token if self._in_hand.serving(token, now, set()) else None
        return token

    async def token(self) -> Token:
        """A token that is not due for renewal, renewing it if needed.

        Raises:
            NotSignedInError: there is no token at all (the store is empty), or it expired or
                the server refused it, and it cannot be renewed (the message says which).
            ReauthenticationRequired: the refresh token was refused; sign in again. Raised again
                without asking the server until a new token is set or saved in the store.
                Refused inside the renewal margin, the token in hand serves to its end instead.
            AuthError: the client credentials were refused (also remembered, and the token in
                hand served to its end, as above).
            WrongEventLoopError: the session belongs to another event loop; nothing was done
                (so for every awaitable of the session).
        """
        self._owner.check_loop()
        token = self.cached()
        if token is not None:
            return token
        return await self._current()

    async def access_token_other_than(self, used: str) -> str:
        """An access token other than ``used``, renewed ahead of its time if need be: for a
        websocket whose session ends with the token it authenticated with (``refreshAuth``),
        where presenting that token again would not move the end.

        The token in hand, when it is already another (renewed meanwhile, here or by another
        process through the store); else a renewal now, before it is due, shared like any
        renewal: concurrent callers with the same ``used`` get the one token it brings.
        ``used`` is not marked bad: until a renewal succeeds, :meth:`token` still returns it.

        A token whose whole life is within the server's warning (:data:`SESSION_WARNING`)
        is not renewed in the first half of its life: the session of a token that short is
        warned as soon as it begins, and renewing at each warning would ask the token
        endpoint again and again. The renewal waits until half its life has passed
        (``sleep``); :meth:`token` renews a token of two minutes or less at that point too.

        Raises:
            NotSignedInError: as :meth:`token`, or the token cannot be renewed.
            AuthError: the grant was refused (remembered as for :meth:`token`).
            APIError, TransportError: the token endpoint failed (its answer, or none).
        """
        in_hand = await self.token()
        if in_hand.access_token != used:
            return in_hand.access_token
        expires_at = in_hand.expires_at
        if in_hand.obtained_at > 0 and expires_at is not None:
            life = expires_at - in_hand.obtained_at
            if life <= SESSION_WARNING:
                await self._sleep(in_hand.obtained_at + life / 2 - self._wall_clock())
        return (await self._current(other_than=used)).access_token

    async def _current(self, other_than: str | None = None) -> Token:
        """Under the lock: the token in memory or in the store when it is usable (and not
        ``other_than``), else a renewal; raises as :meth:`token` says."""
        earlier = self._refreshing  # a renewal that ended before this caller came is not its own
        if earlier is not None and not earlier.done():
            earlier = None
        async with self._lock:
            await self._save_unsaved()
            token = self._token
            unusable = {self._invalid or "", other_than or ""}
            policy = self._oauth.retry_policy  # spaces the renewals while an outage lasts
            if self._usable(token) and token.access_token != other_than:
                return token
            if self._in_hand.serving(token, self._wall_clock(), unusable):
                return token  # its renewal failed of late (the store too): not tried so soon
            try:
                stored = await self._in_hand.load(
                    self._store.load, token, self._wall_clock, policy, unusable
                )
            except StoreUnavailableError as exc:  # the store is down: the token in hand may serve
                if not self._in_hand.serves_on(token, exc, self._wall_clock(), unusable):
                    raise
                return token
            if self._revived(stored, other_than):
                return stored
            if self._in_hand.serving(stored, self._wall_clock(), unusable):
                return stored  # as above (a token of another process's, due as well)
            try:
                raise_if_failed_meanwhile(self._refreshing, earlier)
                if stored is not None:
                    self._refused = refused_again(self._refused, stored)
                elif token is None and not self._oauth.app_token_by_itself:  # never signed in
                    raise not_signed_in(self._store, self._oauth.app_grant)
                return await self._renewal(other_than, stored, unusable)
            except (AuthError, *ENDPOINT_FAILURES) as exc:  # inside the margin: it may serve on
                granted = self._stage.answered.is_set()  # after it, a store's failure is ours
                now = self._wall_clock()
                if not self._in_hand.serves_on(stored, exc, now, unusable, granted=granted):
                    raise
                self._adopt(stored)  # in hand now, should the store fail at the next attempt
                return stored

    async def _renewal(
        self, other_than: str | None, in_hand: Token | None, unusable: set[str]
    ) -> Token:
        """Run a renewal (the one in flight, if any) and return its token; called under the
        lock. It runs in a task of its own, shielded: a caller's timeout or cancellation must
        not stop it between the grant and the save, or the rotated refresh token would be lost
        and the user signed out. A caller that comes while one whose first caller gave up is
        still running waits for that one (a moment at most while ``in_hand`` serves)."""
        task = self._refreshing
        if task is None or task.done():
            self._stage = stage = RenewalStage()
            renewal = self._renew_under_store_lock(stage, other_than, in_hand)
            task = asyncio.ensure_future(stage.run(renewal))
            task.add_done_callback(retrieve)  # its callers may all have been cancelled
            self._refreshing = task
        granted = self._stage.answered.is_set
        return await self._in_hand.renewal(task, in_hand, self._wall_clock(), unusable, granted)

    async def _save_unsaved(self) -> None:
        token = self._unsaved
        if token is not None:
            async with self._store.lock():
                await self._store.save(token)
            self._unsaved = None

    def _revive(self, token: Token) -> None:
        """Use ``token``, found in the store: a grant refused before is no longer in the way."""
        self._adopt(token)
        self._refused = None

    def _revived(self, stored: Token | None, other_than: str | None = None) -> TypeGuard[Token]:
        """Whether ``stored``, found in the store, is usable (and not ``other_than``); if so,
        it is revived."""
        if not self._usable(stored) or stored.access_token == other_than:
            return False
        if self._pending.stale(stored):
            return False  # the token the pending one replaces
        self._revive(stored)
        return True

    async def _renew_under_store_lock(
        self, stage: RenewalStage, other_than: str | None, in_hand: Token | None
    ) -> Token:
        """Renew the stored token under the store's lock, unless it is usable (and not
        ``other_than``, the token an early renewal replaces) by then; the store failing
        before the grant is an outage for ``in_hand``, the token the calls have."""
        policy = self._oauth.retry_policy  # spaces the renewals while an outage lasts
        with self._in_hand.storing(in_hand, self._wall_clock, policy, stage.answered.is_set):
            async with self._store.lock():
                # Another process may have renewed (or signed out) while we waited for its lock.
                stored = await self._pending.under_lock(await self._store.load())
                if self._revived(stored, other_than):
                    return stored
                if stored is None and self._oauth.app_token_by_itself:
                    stored = NO_APP_TOKEN_YET
                elif stored is None:
                    signed_out = self._token is not None
                    self._adopt(None)
                    raise not_signed_in(self._store, self._oauth.app_grant, signed_out=signed_out)
                self._refused = refused_again(self._refused, stored)
                elsewhere = await recorded_refusal(self._store)
                if elsewhere is not None:  # another process sent this grant and was refused
                    self._refused = (stored, elsewhere)
                    raise elsewhere
                if not stored.renewable and not self._oauth.app_token_by_itself:
                    raise NotSignedInError(why_unusable(stored, self._invalid))
                log.debug("renewing the access token")
                try:
                    with stage.granting(), self._in_hand.renewing(stored, self._wall_clock, policy):
                        fresh = await self._oauth.renew(stored, sending=stage.request)
                except AuthError as exc:
                    current = await renewed_elsewhere(self._store, stored, exc)
                    if current is not None:  # not the token refused: due or not, it is used
                        log.debug("another token was saved meanwhile; using that token")
                        self._revive(current)
                        return current
                    if refused_for_good(exc):
                        self._refused = (stored, exc)
                        await record_refusal(self._store, exc)
                    raise
                self.refreshes += 1
                # In memory first: this process holds the only copy of the new grant, whose
                # refresh token the server has just rotated.
                self._adopt(fresh)
                renewed_from = None if stored is NO_APP_TOKEN_YET else stored
                try:  # unless the store changed meanwhile (see save_renewed)
                    there = await save_renewed(self._store, fresh, renewed_from)
                except NotSignedInError:
                    self._adopt(None)
                    raise
                except StoreUnavailableError as exc:  # kept: saved once the store answers
                    self._pending.keep(fresh, renewed_from, exc, self._wall_clock(), policy)
                    self._resaver.start(policy)
                    return fresh
                return there if there is fresh or self._revived(there) else fresh

    def _took(self, token: Token | None) -> None:
        """Use the store's token after the background save (None: a logout meanwhile won)."""
        if token is None:
            self._adopt(None)
        else:
            self._revive(token)  # the pending token, or a newer one found in the store

    async def settle(self, *, closing: bool = False) -> None:
        """Wait for a refresh (or a code exchange of its ``OAuth``) still in flight whose
        callers were cancelled (raises only :class:`~aries_async.errors.WrongEventLoopError`);
        ``closing``, as a client's close does (:mod:`~aries_async.auth.renewal_close`: the
        store's work bounded by its close_timeout)."""
        self._owner.check_loop()  # both at once: on a stalled store, one close_timeout
        renewal = settle_renewal(self._refreshing, self._stage, self._store, closing=closing)
        await asyncio.gather(renewal, self._oauth.settle(closing=closing))
        if closing:  # a renewed token the store did not take: one more try
            await self._resaver.stop()
            await self._pending.on_close(self._oauth.retry_policy, self._wall_clock())

    async def access_token(self) -> str:
        """The access token string (a token provider for the streams)."""
        return (await self.token()).access_token

    async def invalidate(self, access_token: str) -> None:
        """Mark exactly this access token as refused; a newer one in use is kept."""
        self._owner.check_loop()
        current = self._token
        if (current is not None and current.access_token == access_token) or current is None:
            self._invalid = access_token

    async def set_token(self, token: Token) -> None:
        """Use and save ``token`` (after a login); a grant refused before is forgotten."""
        self._owner.check_loop()
        async with self._store.lock():
            await self._store.save(token)
        await self.use_saved(token)

    async def use_saved(self, token: Token) -> None:
        """Use ``token``, which is already in the store (saved or found there under its lock),
        from the next call on; a grant refused before is forgotten."""
        self._owner.check_loop()
        self._unsaved = None
        self._pending.drop()
        self._revive(token)
        self._invalid = None

    async def save_initial(self) -> None:
        """Save the token given to the constructor now, if it is not saved yet."""
        self._owner.check_loop()
        async with self._lock:
            await self._save_unsaved()

    async def clear(self) -> None:
        """Forget the token here and in the store (waiting for a renewal in flight); a renewed
        token pending for the store is dropped once the store took the logout, not before."""
        self._owner.check_loop()
        self._unsaved = None
        await sign_out(self._store)
        self._pending.drop()
        await self._resaver.stop()
        self._adopt(None)
        self._refused = None
