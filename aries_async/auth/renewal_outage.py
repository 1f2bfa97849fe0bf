"""The token in hand when its renewal fails inside the renewal margin: used on, or not.

Three failures leave it to serve. A grant refused for good (:mod:`~aries_async.auth.unrenewable`)
leaves it to its end. A token endpoint that fails, for a reason that says nothing of the grant
(a 429 or 5xx, a timeout, a connection refused or reset; a 2xx that is no token, a captive
portal's page, say), and a token store that fails before the grant is sent, which says nothing
of it either (:class:`~aries_async.errors.StoreUnavailableError`: a Redis down, refusing writes
or not answering, a file system failing for a while), leave it while it has more than
:data:`SERVE_FLOOR` seconds left; the renewal is tried again once the retry policy's backoff has
passed (:func:`~aries_async.http.retry.retry_delay`: the wait grows with each failed renewal in
a row, and a longer ``Retry-After`` is waited out), and the calls made meanwhile, or while a
renewal a call stopped waiting for (:data:`RENEWAL_PATIENCE`) is still in flight, are served
without asking the endpoint or reading the token store (:meth:`InHand.serving`, the session's
path in memory): a token another process stored meanwhile is taken at the next renewal attempt.
A store that does not answer is an outage too: a call whose token serves waits for the store's
read (:meth:`InHand.load`), as for the renewal, :data:`RENEWAL_PATIENCE` at most, and a call
whose own timeout is shorter, part of its time only (:mod:`~aries_async.http.token_wait`).
A renewal that ends otherwise (a new token, a refusal) ends the outage; a store that answers
again ends its own. Either way one warning says so, naming what failed (and an INFO line when
it answers again), and a token the server refused (a 401) or that a caller wants replaced is
not served. Past the floor, or with no token in hand, the outage is the calls' error again; so
is a store's failure once the grant was sent (the new token is this process's, in memory).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import TypeGuard

from aries_async._errors_store import StoreUnavailableError
from aries_async.auth.tokens import Token
from aries_async.auth.unrenewable import serves_still, tell_serving
from aries_async.config import RetryPolicy
from aries_async.errors import APIError, AuthError, RequestTimeoutError, TransportError
from aries_async.http.retry import retry_budget, retry_delay
from aries_async.http.token_wait import patience as call_patience

__all__ = [
    "ENDPOINT_FAILURES",
    "RENEWAL_PATIENCE",
    "SERVE_FLOOR",
    "InHand",
    "endpoint_failed",
    "named",
    "store_failed",
    "store_unanswered",
]

log = logging.getLogger("aries_async.auth")

SERVE_FLOOR = 5.0
"""Seconds before its expiry from which a token whose renewal failed for an outage is no longer
served: a call sent with it then may well arrive after it expired (a slow send, clocks apart)."""

RENEWAL_PATIENCE = 5.0
"""The longest a call waits for a renewal while the token in hand serves (a token endpoint or a
token store that does not answer, or slowly): then the call goes on with that token, the
renewal without it. A renewal that takes longer than this is not waited for by later calls
either; nor is the store's read before it (:meth:`InHand.load`)."""

ENDPOINT_FAILURES = (APIError, TransportError)
"""What a grant's request raises when the endpoint failed (a 429 or 5xx, no answer at all); the
token store's :class:`~aries_async.errors.StoreUnavailableError` is one too, and is told apart
by :func:`endpoint_failed` and :func:`store_failed`."""

_ENDPOINT = "the token endpoint"
_STORE = "the token store"
_REFUSAL = "a refusal"
_SOMEWHERE = "in the token store"
"""Where a store keeps its token, when it does not say (:func:`~aries_async.auth.store.where`)."""


def store_unanswered(waited: float, where: str = _SOMEWHERE) -> StoreUnavailableError:
    """The error of a token store that did not answer within ``waited`` seconds; ``where``
    (:func:`~aries_async.auth.store.where`) names where it keeps the token."""
    place = "" if where == _SOMEWHERE else f" (the token {where})"
    return StoreUnavailableError(
        f"the token store did not answer within {waited:.3g}s{place}", request_sent=False
    )


def endpoint_failed(error: BaseException) -> bool:
    """Whether ``error``, which ended a renewal, is the token endpoint's failure, not a refusal
    of the grant nor the token store's failure: that includes a 2xx answer that is no token
    (a page a proxy or a captive portal put in its place), which says nothing of the grant."""
    if isinstance(error, AuthError):
        return error.status is not None and 200 <= error.status < 300
    return isinstance(error, ENDPOINT_FAILURES) and not isinstance(error, StoreUnavailableError)


def store_failed(error: BaseException) -> bool:
    """Whether ``error`` is the token store's outage (down, refusing writes, not answering):
    which says nothing of the grant either. A store's mistake (a refused password, a file
    that may not be read) is a :class:`~aries_async.errors.ConfigurationError`, not this."""
    return isinstance(error, StoreUnavailableError)


def _failing(error: BaseException) -> str | None:
    """What failed, when ``error`` is an outage's: the token endpoint or the token store."""
    if store_failed(error):
        return _STORE
    return _ENDPOINT if endpoint_failed(error) else None


class InHand:
    """Whether the token in hand serves on after its renewal failed, and the failed renewals
    in a row of one access token for one cause (an outage of the endpoint or of the store):
    when to try again.

    Args:
        rand: uniform in [0, 1), for the backoff's jitter.
        where: where the store keeps the token (:func:`~aries_async.auth.store.where`), for
            the error of a store that does not answer.
    """

    def __init__(
        self, rand: Callable[[], float] = random.random, *, where: str = _SOMEWHERE
    ) -> None:
        self._rand = rand
        self._where = where
        self._token: str | None = None
        """The access token whose renewal failed for an outage (None: no outage)."""
        self._cause = _ENDPOINT
        """What failed: the token endpoint or the token store."""
        self._failures = 0
        self._retry_at = 0.0
        self._granting = False
        """Whether the renewal in flight is in its grant (else on the store, or done)."""
        self._slow: asyncio.Future[Token] | None = None
        """The latest renewal a caller stopped waiting for (:data:`RENEWAL_PATIENCE`)."""
        self._slow_for: str | None = None
        """The access token that renewal renews."""
        self._warned: tuple[str, str] | None = None
        """The access token last said to serve on, and after what (a refusal, the endpoint's
        or the store's outage): one warning for each."""

    @contextlib.contextmanager
    def renewing(
        self, token: Token, wall_clock: Callable[[], float], policy: RetryPolicy
    ) -> Iterator[None]:
        """Around the grant that renews ``token``: an :func:`endpoint_failed` error ends in
        an outage, the next renewal waiting for the backoff of ``policy`` (from the time on
        ``wall_clock``); any other end (a new token, a refusal) ends the outage.

        While ``token`` would serve on, the grant's retries wait :data:`RENEWAL_PATIENCE` in
        all at most (:func:`~aries_async.http.retry.retry_budget`): a 429 or 5xx whose
        ``Retry-After`` would take them past it ends the renewal as what it is, named to the
        calls and in the warning, and the next renewal waits it out (:meth:`_failed`)."""
        self._granting = True
        budget = (
            retry_budget(RENEWAL_PATIENCE)
            if self._outlasts(token, wall_clock(), set())
            else contextlib.nullcontext()
        )
        try:
            with budget:
                yield
        except (AuthError, *ENDPOINT_FAILURES) as exc:
            if endpoint_failed(exc):
                self._failed(token, exc, wall_clock(), policy)
            elif isinstance(exc, AuthError):  # a refusal: the endpoint answers
                self._over()
            raise
        finally:
            self._granting = False
        self._over()

    @contextlib.contextmanager
    def storing(
        self,
        token: Token | None,
        wall_clock: Callable[[], float],
        policy: RetryPolicy,
        granted: Callable[[], bool] = lambda: False,
    ) -> Iterator[None]:
        """Around the token store's work for a renewal of ``token`` (the token in hand; None:
        there is none): a :func:`store_failed` error before the grant was sent (``granted``)
        ends in an outage of the store, as an endpoint's failure does (:meth:`renewing`);
        the work done, an outage of the store is over (the store answers again)."""
        try:
            yield
        except StoreUnavailableError as exc:
            if token is not None and not granted():
                self._failed(token, exc, wall_clock(), policy)
            raise
        if self._token is not None and self._cause == _STORE:
            self._over()

    async def load(
        self,
        load: Callable[[], Awaitable[Token | None]],
        token: Token | None,
        wall_clock: Callable[[], float],
        policy: RetryPolicy,
        unusable: set[str],
    ) -> Token | None:
        """The store's token (``load``, its read at a renewal's start), waited for at most
        :data:`RENEWAL_PATIENCE` (less in a short call: :func:`~aries_async.http.token_wait.
        patience`) when ``token``, the token in hand, would serve on through an outage
        (:meth:`serves_on`): a store that does not answer is down as much as one that cannot
        be reached. Either ends in an outage of the store (:meth:`storing`).

        Raises:
            StoreUnavailableError: the store's failure, or its silence (``request_sent``
                False); the token in hand may serve (:meth:`serves_on`).
        """
        with self.storing(token, wall_clock, policy):
            if token is None or not self._outlasts(token, wall_clock(), unusable):
                return await load()
            waited = call_patience(RENEWAL_PATIENCE)
            patience = asyncio.timeout(waited)
            try:
                async with patience:
                    return await load()
            except TimeoutError:
                if not patience.expired():
                    raise
            raise store_unanswered(waited, self._where)

    def _failed(self, token: Token, error: BaseException, now: float, policy: RetryPolicy) -> None:
        cause = _STORE if store_failed(error) else _ENDPOINT
        if token.access_token != self._token or cause != self._cause:
            self._token, self._cause, self._failures = token.access_token, cause, 0
        self._failures += 1
        self._retry_at = now + retry_delay(error, self._failures, policy, self._rand)

    def _over(self) -> None:
        if self._token is not None and self._warned == (self._token, self._cause):
            log.info(
                "%s answered again after %d failed renewal%s",
                self._cause,
                self._failures,
                "" if self._failures == 1 else "s",
            )
        self._token, self._failures = None, 0

    def serving(self, token: Token | None, now: float, unusable: set[str]) -> TypeGuard[Token]:
        """Whether ``token``, due for renewal, is served as it is, without a renewal now: its
        last one failed for an outage and the backoff runs, or the one in flight is one a
        caller stopped waiting for; and it still serves (:meth:`serves_on`). Cheap: the
        session asks it of every call due for renewal, before its lock and its store."""
        if token is None:
            return False
        slow = self._slow
        if slow is not None and token.access_token == self._slow_for and not slow.done():
            return self._outlasts(token, now, unusable)
        if token.access_token != self._token or now >= self._retry_at:
            return False
        return self._outlasts(token, now, unusable)

    async def renewal(
        self,
        task: asyncio.Future[Token],
        token: Token | None,
        now: float,
        unusable: set[str],
        granted: Callable[[], bool] = lambda: False,
    ) -> Token:
        """The token of the renewal ``task`` of ``token`` (shielded: a caller that stops
        waiting does not stop it), waited for at most :data:`RENEWAL_PATIENCE` (less in a short
        call, as :meth:`load`) when ``token`` would serve on through an outage, and not at all
        once a caller stopped waiting for it (by a caller with that caller's token, even one
        that no longer serves: every such call ends alike).

        Raises:
            StoreUnavailableError: the renewal did not end in time, waiting on the token store
                before its grant (its lock, a read; ``granted``: whether the grant is done).
            RequestTimeoutError: the renewal did not end in time, in its grant or after it
                (``request_sent`` False: it is the calls' that was not sent).
                Either way the token in hand serves (:meth:`serves_on`).
        """
        if token is None:
            return await asyncio.shield(task)
        given_up = task is self._slow
        # A renewal a caller gave up on ends the wait of a caller with the same token at
        # once, as it ended that one's: served on with the token in hand, or, once the token
        # no longer serves, failed alike (not held to the call's own timeout, long past the
        # token's end). A token refused with a 401 is not that one's: its renewal is waited.
        same = (
            given_up and token.access_token == self._slow_for and token.access_token not in unusable
        )
        if not (same or self._outlasts(token, now, unusable)):
            return await asyncio.shield(task)
        waited = RENEWAL_PATIENCE  # what the caller who gave up first waited, at most
        if not given_up:
            waited = call_patience(RENEWAL_PATIENCE)
            patience = asyncio.timeout(waited)
            try:
                async with patience:
                    return await asyncio.shield(task)
            except TimeoutError:
                if not patience.expired():
                    raise
            self._slow, self._slow_for = task, token.access_token
        if not self._granting and not granted():
            raise store_unanswered(waited, self._where)
        raise RequestTimeoutError(
            f"the renewal did not end within {waited:.3g}s (the token endpoint is slow?)",
            request_sent=False,
        )

    def serves_on(
        self,
        token: Token | None,
        error: BaseException,
        now: float,
        unusable: set[str],
        *,
        granted: bool = False,
    ) -> TypeGuard[Token]:
        """Whether ``token``, whose renewal ``error`` ended, is to be used all the same (and if
        so, warn once): the grant was refused for good and the token has not expired, or the
        endpoint failed, or the store before the grant was sent (``granted``: after it, the
        new token is in memory, and the store's failure to keep it is the call's), and it has
        more than :data:`SERVE_FLOOR` seconds left; never one of ``unusable`` (refused itself
        with a 401, or the one a caller wants replaced)."""
        if token is None:
            return False
        if isinstance(error, AuthError) and not endpoint_failed(error):
            if not serves_still(token, error, now, unusable):
                return False
            if self._warned != (token.access_token, _REFUSAL):
                self._warned = (token.access_token, _REFUSAL)
                tell_serving(token, error)
            return True
        failing = _failing(error)
        if failing is None or (failing == _STORE and granted):
            return False
        if not self._outlasts(token, now, unusable):
            return False
        if self._warned != (token.access_token, failing):
            self._warned = (token.access_token, failing)
            _tell_outage(token, error, failing)
        return True

    @staticmethod
    def _outlasts(token: Token, now: float, unusable: set[str]) -> bool:
        """Whether ``token`` is to serve on through an outage (at ``now``)."""
        if token.access_token in unusable:
            return False
        left = token.seconds_left(now)
        return left is not None and left > SERVE_FLOOR


def named(error: BaseException) -> str:
    """``error`` as a renewal's failure is told (to the calls, in a warning): its type and
    message, and the ``Retry-After`` of a 429 or 5xx that sent one (the next renewal waits it
    out)."""
    text = f"{type(error).__name__}: {error}"
    retry_after = getattr(error, "retry_after", None) if isinstance(error, APIError) else None
    if isinstance(retry_after, (int, float)):
        text += f", Retry-After {retry_after:g}s"
    return text


def _tell_outage(token: Token, error: BaseException, failing: str) -> None:
    """Warn that ``token``'s renewal failed for an outage of what is ``failing`` (the token
    endpoint or the token store), and until when it serves."""
    until = ""
    if token.expires_at is not None:
        with contextlib.suppress(OverflowError, ValueError, OSError):
            when = datetime.fromtimestamp(token.expires_at - SERVE_FLOOR, tz=UTC)
            until = f" until {when:%Y-%m-%d %H:%M:%S} UTC"
    log.warning(
        "could not renew the access token, %s failing (%s); the token in hand is used%s "
        "(%gs before it expires) while the renewal is tried again",
        failing,
        named(error),
        until,
        SERVE_FLOOR,
    )
