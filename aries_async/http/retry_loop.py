"""Attempts 2.. of a call: the transport's retry loop, run in tenacity.

Whether a failure is retried and how long to wait first are decided in :mod:`.retry`; this
module runs those decisions. The failure that ended attempt 1 (sent by the transport without
any retry machinery) is replayed as tenacity's first outcome, so that waits, logs and the
attempt limit are exactly those of a loop that had run from the start; a retry whose wait would
end at or past the call's deadline (on the clock, or by the waits made so far) is never begun
(the one bound of the retries of 429s, which do not use up attempts: see
:func:`.retry.counts_as_attempt`); every further attempt first
takes its turn under the rate limit; and a wait ends at once when the transport closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aries_async.config import RetryPolicy
from aries_async.errors import AriesError, ClientClosedError
from aries_async.http.exchange import Monotonic, Response, Sleep, path_of
from aries_async.http.retry import (
    RETRY_BUDGET,
    counts_as_attempt,
    retry_delay,
    should_retry,
)

if TYPE_CHECKING:
    import aiohttp
    from tenacity import RetryCallState

    from aries_async.http.budget import Pacer

__all__ = ["RetryLoop"]

log = logging.getLogger("aries_async.http")


class RetryLoop:
    """Runs the retries of one transport's calls.

    Args:
        policy: attempts, backoff, retryable statuses, the ``Retry-After`` cap.
        remaining: the timeout of an attempt starting now, given the call's deadline, method
            and URL: what is left of the call's time (the transport's; it raises
            :class:`~aries_async.errors.RequestTimeoutError` when nothing is left).
        pacer: paces every attempt under the rate limit; None: no limit.
        sleep: the sleep between attempts (tests pass a recorder that does not wait).
        rand: the jitter's random numbers in [0, 1).
        monotonic: the clock of the calls' deadlines.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        remaining: Callable[[float, str, str], aiohttp.ClientTimeout],
        pacer: Pacer | None,
        *,
        sleep: Sleep,
        rand: Callable[[], float],
        monotonic: Monotonic,
    ) -> None:
        self._policy = policy
        self._rand = rand
        self._monotonic = monotonic
        # The waits between attempts, which close() ends (and refuses new ones).
        self._closing: asyncio.Future[None] | None = None  # created by the first wait
        self._closed = False
        self._sleep = sleep
        # Each retry's turn under the rate limit, and its time.
        self._pacer = pacer
        self._remaining = remaining

    def close(self) -> None:
        """End the waits in progress and refuse new ones (the transport is closing)."""
        self._closed = True
        if self._closing is not None and not self._closing.done():
            self._closing.set_result(None)

    async def run(
        self,
        first: Exception,
        method: str,
        url: str,
        idempotent: bool,
        deadline: float,
        again: Callable[[aiohttp.ClientTimeout, float, None], Awaitable[Response]],
    ) -> Response:
        """Attempts 2.. under tenacity, after ``first`` (a retryable failure) ended attempt 1;
        ``again(timeout, deadline, None)`` sends one attempt.

        Tenacity computes each wait before asking whether to stop (tenacity >= 8.3), so a
        retry whose wait would end at or past ``deadline`` is never begun.

        Raises:
            AriesError: the failure of the last attempt made (one not to retry, or the last
                the policy or the deadline allows).
            ClientClosedError: the transport was closed during a wait.
        """
        from tenacity import AsyncRetrying, retry_if_exception

        policy = self._policy

        def _retryable(exc: BaseException) -> bool:
            return should_retry(exc, idempotent=idempotent, policy=policy)

        def _wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            return retry_delay(exc, state.attempt_number, policy, self._rand) if exc else 0.0

        counted = 0  # the failed attempts that use up one of max_attempts (not the 429s)
        # The waits count in the call's time whatever the clock says: with a sleep that does
        # not wait (a test's), the 429s (which max_attempts does not bound) would otherwise be
        # retried as fast as the loop turns until the clock reached the deadline. With a real
        # sleep the clock's check below comes first.
        left = deadline - self._monotonic()
        waited = 0.0
        budget = RETRY_BUDGET.get()  # a renewal's, while the token in hand serves

        def _stop(state: RetryCallState) -> bool:
            # Called once for each failed attempt that may be retried.
            nonlocal counted
            exc = state.outcome.exception() if state.outcome else None
            if exc is None or counts_as_attempt(exc):
                counted += 1
            if policy.max_attempts <= 1 or counted >= policy.max_attempts:
                return True
            upcoming = state.upcoming_sleep or 0.0
            late = self._monotonic() + upcoming >= deadline or waited + upcoming >= left
            if late:
                log.info("giving up %s %s: its timeout would pass", method, path_of(url))
            elif budget is not None and waited + upcoming > budget:
                log.info("giving up %s %s: its retries' budget would pass", method, path_of(url))
                return True
            return late

        def _before_sleep(state: RetryCallState) -> None:
            nonlocal waited
            waited += state.upcoming_sleep or 0.0
            exc = state.outcome.exception() if state.outcome else None
            log.info(
                "retrying %s %s after %s in %.2fs (attempt %d)",
                method,
                path_of(url),
                type(exc).__name__,
                state.upcoming_sleep,
                state.attempt_number + 1,
            )

        retrying = AsyncRetrying(
            stop=_stop,
            retry=retry_if_exception(_retryable),
            wait=_wait,
            sleep=self._pause,
            before_sleep=_before_sleep,
            reraise=True,
        )
        replay: Exception | None = first
        async for attempt in retrying:
            if replay is None and (pacer := self._pacer) is not None:
                await self._unless_closed(
                    lambda: pacer.wait(method, url, deadline), "the wait for its turn"
                )
            with attempt:
                if replay is not None:
                    # Attempt 1 already ran (the transport's fast path): hand its failure to
                    # tenacity as that attempt's outcome instead of sending again.
                    failed, replay = replay, None
                    raise failed
                return await again(self._remaining(deadline, method, url), deadline, None)
        raise AriesError("unreachable: retry loop ended without a result")  # pragma: no cover

    async def _pause(self, seconds: float) -> None:
        """The wait before a retry, cut short by :meth:`close`.

        Raises:
            ClientClosedError: the transport is or was closed during the wait.
        """
        await self._unless_closed(lambda: self._sleep(seconds), "a retry wait")

    async def _unless_closed(self, wait: Callable[[], Awaitable[None]], what: str) -> None:
        """``await wait()``, cut short by :meth:`close` (``what`` names it in the error).

        Raises:
            ClientClosedError: the transport is or was closed during the wait; the call's
                next attempt was not sent.
        """
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_future()
        if not self._closed:
            waiting = asyncio.ensure_future(wait())
            try:
                await asyncio.wait((waiting, self._closing), return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not waiting.done():
                    waiting.cancel()
            if not self._closed:
                waiting.result()  # the wait's own failure, if it had one
                return
        raise ClientClosedError(f"the client was closed during {what}")
