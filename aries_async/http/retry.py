"""The one place that decides whether a failed call is retried, and how long to wait first.

Pure logic: it takes the failure and the attempt number and returns data. The transport and the
account stream's order lookups run their retries in tenacity with these functions (the waits
are :meth:`RetryPolicy.delay`, the one backoff rule, which stream reconnects use too); the sleep
is injectable so tests never wait.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

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

__all__ = ["backoff_wait", "retry_delay", "should_retry"]


def should_retry(error: BaseException, *, idempotent: bool, policy: RetryPolicy) -> bool:
    """Whether ``error`` may be retried.

    * A connection error before the request was sent is always safe to retry.
    * Anything that may have reached the server (timeouts, resets after sending, 408/429/5xx) is
      retried only for idempotent calls; order writes are never retried.
    * A 429 or 5xx whose ``Retry-After`` is longer than the policy's cap is raised, not waited
      out (nor retried sooner than the server asked).
    """
    if isinstance(error, ConnectionFailedError):
        return idempotent or not error.request_sent
    if isinstance(error, RequestTimeoutError):
        return idempotent
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
    """Seconds before the next attempt: ``Retry-After`` when the server sent it (429, 5xx),
    else backoff."""
    wait = _retry_after(error)
    if wait is not None:
        return min(wait, policy.retry_after_cap)
    return policy.delay(attempt, rand())
