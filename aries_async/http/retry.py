"""The one place that decides whether a failed call is retried, and how long to wait first.

Pure logic: it takes the failure and the attempt number and returns data. The transport and the
account stream's order lookups run their retries in tenacity with these functions (the waits
are :meth:`RetryPolicy.delay`, the one backoff rule, which stream reconnects use too); the sleep
is injectable so tests never wait.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

from aries_async._closing import set_in_block
from aries_async.config import RetryPolicy
from aries_async.errors import (
    APIError,
    ConnectionFailedError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
)

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = [
    "RETRY_BUDGET",
    "backoff_wait",
    "counts_as_attempt",
    "retry_budget",
    "retry_delay",
    "should_retry",
]

RETRY_BUDGET: ContextVar[float | None] = ContextVar("aries_async_retry_budget", default=None)
"""The seconds the waits between a call's attempts may add up to (None: only its timeout
bounds them), in the block of :func:`retry_budget`."""


@contextlib.contextmanager
def retry_budget(seconds: float) -> Iterator[None]:
    """A block, in its task only, whose calls begin no retry whose wait would take their waits
    past ``seconds`` in all: the failure that asked for it (a 429 or 5xx with its
    ``Retry-After``) is raised instead. A renewal whose token in hand serves meanwhile uses it:
    its callers wait that long for it at most, and a failure they can name is better than the
    silence of a renewal still waiting out a ``Retry-After`` (the next renewal honours it).
    """
    with set_in_block(RETRY_BUDGET, seconds):
        yield


def should_retry(error: BaseException, *, idempotent: bool, policy: RetryPolicy) -> bool:
    """Whether ``error`` may be retried.

    * A connection error or a timeout before the request was sent (``request_sent`` False:
      a refused or timed-out connect, a wait for a pooled connection) is always safe to
      retry: nothing of it reached the server.
    * Anything that may have reached the server (timeouts, resets after sending, 408/429/5xx) is
      retried only for idempotent calls; order writes are then never retried.
    * A 429 or 5xx whose ``Retry-After`` is longer than the policy's cap is raised, not waited
      out (nor retried sooner than the server asked).

    How many attempts are made is the retry loop's: ``max_attempts`` of those that
    :func:`counts_as_attempt`, within the call's time budget.
    """
    if isinstance(error, ConnectionFailedError):
        return idempotent or not error.request_sent
    if isinstance(error, RequestTimeoutError):
        return idempotent or not error.request_sent
    if isinstance(error, APIError):
        if not idempotent or error.status not in policy.retry_statuses:
            return False
        wait = _retry_after(error)
        return wait is None or wait <= policy.retry_after_cap
    return False


def _retry_after(error: BaseException) -> float | None:
    """The seconds a 429 or 5xx asked to wait (``Retry-After``), when it said."""
    if isinstance(error, (RateLimitError, ServerError)):
        return error.retry_after
    return None


def backoff_wait(
    policy: RetryPolicy, rand: Callable[[], float] = random.random
) -> Callable[[RetryCallState], float]:
    """A tenacity ``wait`` that waits :meth:`RetryPolicy.delay` after each failed attempt."""

    def wait(state: RetryCallState) -> float:
        return policy.delay(state.attempt_number, rand())

    return wait


def retry_delay(
    error: BaseException,
    attempt: int,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds before retry number ``attempt`` (1: the first retry): the policy's backoff
    (:meth:`RetryPolicy.delay`), or the ``Retry-After`` of a 429 or 5xx when that is longer.

    A ``Retry-After`` shorter than the backoff does not shorten it: a server that refills its
    budget a few milliseconds at a time answers "2 ms" to each of a burst of calls, and
    retrying them all after 2 ms would spend their attempts at once, every one of them
    refused again. The backoff grows with each attempt, so repeated 429s back off.
    """
    backoff = policy.delay(attempt, rand())
    wait = _retry_after(error)
    if wait is not None:
        return max(min(wait, policy.retry_after_cap), backoff)
    return backoff


def counts_as_attempt(error: BaseException) -> bool:
    """Whether a failed attempt uses up one of :attr:`RetryPolicy.max_attempts`: every failure
    but a 429, which says the server did not process the request (it only asks the caller to
    slow down), so waiting and trying again is what it calls for. The call's time budget
    still bounds the 429s' retries, and their backoff grows like any other's."""
    return not isinstance(error, RateLimitError)
