"""Rate budgets: calls wait for their turn under ``ClientConfig.rate_limit``.

A :class:`RateBudget` keeps the buckets and the pauses: :class:`LocalRateBudget` in this
process (aiolimiter's leaky bucket), :class:`~aries_async.http.budget_redis.RedisRateBudget`
across a fleet. The client never knows which one it has: it asks its :class:`Pacer`, which
picks the bucket of each call, lets the calls of a bucket take their turns one at a time
(the urgent ones first) and turns a budget that cannot be had in time into
:class:`~aries_async.errors.RequestTimeoutError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

from aiolimiter import AsyncLimiter

from aries_async._closing import set_in_block
from aries_async.config import ClientConfig, RateLimit
from aries_async.errors import AriesError, ConfigurationError, RequestTimeoutError
from aries_async.http.exchange import path_of

__all__ = ["LocalRateBudget", "Pacer", "RateBudget", "asking_store", "pacer_for"]

log = logging.getLogger("aries_async.http")

Sleep = Callable[[float], Awaitable[None]]

_ASKED: ContextVar[list[str] | None] = ContextVar("aries_async_budget_asked", default=None)
"""The store a call's turn is being asked of (a budget's round trip to it), while the call's
:class:`Pacer` waits for its turn (None outside)."""


@contextlib.contextmanager
def asking_store(what: str) -> Iterator[None]:
    """Around a budget's round trip to its store (``what`` names it: "the shared rate budget
    in Redis at ..."): a call whose time runs out in it is told it waited for that store,
    not that the rate left it no turn. Left marked when the block ends in an error: the
    call's timeout, which the :class:`Pacer` reads then."""
    asked = _ASKED.get()
    if asked is None:
        yield
        return
    asked.append(what)
    yield
    asked.remove(what)


@runtime_checkable
class RateBudget(Protocol):
    """Where the buckets of a rate limit live: one process, or every process of a fleet.

    A bucket is named by the app and the route of its budget (``"*"`` for the default one);
    every process that shares the budget and names the same bucket draws from it.
    """

    async def acquire(self, bucket: str, per_second: float, burst: int, timeout: float) -> bool:
        """Take one call's turn from ``bucket`` (``per_second`` sustained, ``burst`` at once),
        waiting for it and for any pause of the bucket first.

        Returns:
            True once the call may be sent; False, having taken nothing, when the turn cannot
            come within ``timeout`` seconds (as soon as that is known).
        """
        ...

    async def pause(self, bucket: str, seconds: float) -> None:
        """Hold back every call of ``bucket`` for ``seconds`` (a 429's ``Retry-After``); a
        longer pause already recorded stays."""
        ...


class LocalRateBudget:
    """The buckets of this process: an aiolimiter leaky bucket per bucket name, measured on
    the event loop's clock; pauses on ``monotonic``.

    Args:
        sleep: the wait of a pause (tests pass one that does not wait).
        monotonic: the clock of the pauses.
    """

    def __init__(
        self, *, sleep: Sleep = asyncio.sleep, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._sleep = sleep
        self._monotonic = monotonic
        self._limiters: dict[tuple[str, float, int], AsyncLimiter] = {}
        self._pauses: dict[str, float] = {}

    async def acquire(self, bucket: str, per_second: float, burst: int, timeout: float) -> bool:
        """See :meth:`RateBudget.acquire`."""
        while (left := self._pauses.get(bucket, 0.0) - self._monotonic()) > 0:
            if left >= timeout:
                return False
            await self._sleep(left)
            timeout -= left
        key = (bucket, per_second, burst)
        limiter = self._limiters.get(key)
        if limiter is None:
            # ``burst`` calls at once, refilled at ``per_second``.
            limiter = self._limiters[key] = AsyncLimiter(burst, burst / per_second)
        if limiter.has_capacity():
            await limiter.acquire()  # returns at once
            return True
        try:
            async with asyncio.timeout(timeout):
                await limiter.acquire()
        except TimeoutError:
            return False
        return True

    async def pause(self, bucket: str, seconds: float) -> None:
        """See :meth:`RateBudget.pause`."""
        until = self._monotonic() + seconds
        if until > self._pauses.get(bucket, 0.0):
            self._pauses[bucket] = until


class _Lane:
    """The calls of one bucket in this process: one takes its turn from the budget at a time
    (the holder), the others wait in ``waiting``, urgent ones first, then by arrival."""

    __slots__ = ("asked", "busy", "waiting")

    def __init__(self) -> None:
        self.busy = False
        self.waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self.asked: list[str] = []
        """The budget's store the holder is waiting on (:func:`asking_store`), or the one the
        last holder's time ran out on: what holds up the calls queued behind it."""

    def hand_over(self) -> None:
        """The holder is done: the next live waiter holds the lane, else it is free."""
        while self.waiting:
            _, _, future = heapq.heappop(self.waiting)
            if not future.done():
                future.set_result(None)
                return
        self.busy = False


class Pacer:
    """Paces a client's calls under its :class:`~aries_async.config.RateLimit`.

    The calls of one bucket take their turns from the budget one at a time, so a call given
    priority (``RateLimit.priority``) that arrives while others wait goes next.

    Args:
        limit: the rate limit and its per-route budgets.
        budget: where the buckets live.
        app: the name of the buckets' owner (the OAuth client id): processes of one app share
            its buckets.
        unpaced: URLs that never wait (the token endpoint's).
        sleep, monotonic: the client's; they bound the waits by each call's deadline.
    """

    def __init__(
        self,
        limit: RateLimit,
        budget: RateBudget,
        *,
        app: str,
        unpaced: Iterable[str] = (),
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.budget = budget
        self._app = app
        self._unpaced = frozenset(unpaced)
        self._sleep = sleep
        self._monotonic = monotonic
        self._lanes: dict[str, _Lane] = {}
        self._seq = itertools.count()

    def _bucket(self, method: str, path: str) -> tuple[str, RateLimit]:
        route, limit = self.limit.budget_for(method, path)
        return f"{self._app}:{route}", limit

    async def wait(self, method: str, url: str, deadline: float) -> None:
        """Wait for the call's turn.

        Raises:
            RequestTimeoutError: the turn cannot come before ``deadline`` (on ``monotonic``);
                the call was not sent.
        """
        if url in self._unpaced:
            return  # a token request never waits behind the calls that need its token
        path = path_of(url)
        bucket, limit = self._bucket(method, path)
        lane = self._lanes.get(bucket) or self._lanes.setdefault(bucket, _Lane())
        held_up: str | None = ""  # None: the turn came
        if not lane.busy:
            lane.busy = True
        elif not await self._queue(lane, self._rank(method, path), deadline):
            # Behind a call held up by the budget's store: held up by it too, and told so.
            why = (
                f"{lane.asked[-1]} did not answer before its timeout"
                if lane.asked
                else "waited for its turn under the rate limit past its timeout"
            )
            raise RequestTimeoutError(f"{method} {path}: {why}", request_sent=False)
        try:
            left = deadline - self._monotonic()
            if left > 0:
                held_up = await self._take(bucket, limit, left, lane)
            elif lane.asked:
                held_up = lane.asked[-1]
        finally:
            lane.hand_over()
        if held_up is None:
            return
        why = f"{held_up} did not answer" if held_up else "the rate limit leaves no turn for it"
        raise RequestTimeoutError(f"{method} {path}: {why} before its timeout", request_sent=False)

    async def _take(self, bucket: str, limit: RateLimit, left: float, lane: _Lane) -> str | None:
        """A turn from the budget within ``left`` seconds (None); else what held the call up
        past them: the budget's store, named, when the time ran out waiting for its answer
        (a stalled Redis must not hold the call past its deadline), or "" when no turn
        came."""
        scope = asyncio.timeout(left)
        asked: list[str] = []  # marked by the budget while it waits on its store
        lane.asked = asked
        try:
            with set_in_block(_ASKED, asked):
                async with scope:
                    turn = await self.budget.acquire(bucket, limit.per_second, limit.burst, left)
        except TimeoutError:
            if not scope.expired():
                raise
            return asked[-1] if asked else ""
        return None if turn else ""

    def _rank(self, method: str, path: str) -> int:
        """0 for a call with priority, 1 for the others: the order of the waiters."""
        return 0 if self.limit.has_priority(method, path) else 1

    async def _queue(self, lane: _Lane, rank: int, deadline: float) -> bool:
        """Wait until ``lane`` is handed to us (True), or until ``deadline`` (False)."""
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(lane.waiting, (rank, next(self._seq), future))
        sleeper = asyncio.ensure_future(self._sleep(max(0.0, deadline - self._monotonic())))
        try:
            await asyncio.wait((future, sleeper), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            if future.done() and not future.cancelled():
                lane.hand_over()  # handed to us as we were cancelled: pass it on
            future.cancel()
            raise
        finally:
            sleeper.cancel()
        if future.done():
            return True
        future.cancel()
        return False

    async def rate_limited(self, method: str, url: str, retry_after: float | None) -> None:
        """Record a 429's ``Retry-After`` as a pause of the call's bucket (for every process
        sharing the budget). A failure to record it is logged, not raised: the 429 is. So is
        a budget that takes the pause's whole length to answer (a stalled Redis): the call
        goes on then, as a record that late would hold nobody back."""
        if retry_after is None or retry_after <= 0:
            return
        path = path_of(url)
        bucket, _ = self._bucket(method, path)
        log.info("429 on %s %s: pausing its budget for %.2fs", method, path, retry_after)
        try:
            async with asyncio.timeout(retry_after):
                await self.budget.pause(bucket, retry_after)
        except (AriesError, OSError, TimeoutError):
            log.warning("could not record the pause of %s %s", method, path, exc_info=True)


def pacer_for(
    config: ClientConfig,
    budget: RateBudget | None,
    *,
    sleep: Callable[[float], Awaitable[None]],
    monotonic: Callable[[], float],
) -> Pacer | None:
    """The pacer of a client with ``config``: None without ``config.rate_limit``; else one that
    spends ``budget`` (a fleet's shared one) or, by default, a budget of this client's own.
    Token requests are never paced.

    Raises:
        ConfigurationError: ``budget`` without ``config.rate_limit``.
    """
    limit = config.rate_limit
    if limit is None:
        if budget is not None:
            raise ConfigurationError("a rate_budget needs config.rate_limit (calls a second)")
        return None
    budget = budget or LocalRateBudget(sleep=sleep, monotonic=monotonic)
    unpaced = (config.endpoints.token_url,)
    app = config.client_id or "app"
    return Pacer(limit, budget, app=app, unpaced=unpaced, sleep=sleep, monotonic=monotonic)
