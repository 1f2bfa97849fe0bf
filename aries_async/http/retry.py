"""The one place that decides whether a failed call is retried, and how long to wait first.

Pure logic: it takes the failure and the attempt number and returns data. The transport wraps
calls in tenacity with these functions; the sleep is injectable so tests never wait.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from aries_async.config import RetryPolicy
from aries_async.errors import (
    APIError,
    ConnectionFailedError,
    RateLimitError,
    RequestTimeoutError,
)

__all__ = ["backoff_delay", "retry_delay", "should_retry"]


def should_retry(error: BaseException, *, idempotent: bool, policy: RetryPolicy) -> bool:
    """Whether ``error`` may be retried.

    * A connection error before the request was sent is always safe to retry.
    * Anything that may have reached the server (timeouts, resets after sending, 408/429/5xx) is
      retried only for idempotent calls; order writes are never retried.
    * A 429 whose ``Retry-After`` is longer than the policy's cap is raised, not waited out.
    """
    if isinstance(error, ConnectionFailedError):
        return idempotent or not error.request_sent
    if isinstance(error, RequestTimeoutError):
        return idempotent
    if isinstance(error, APIError):
        if not idempotent or error.status not in policy.retry_statuses:
            return False
        if isinstance(error, RateLimitError) and error.retry_after is not None:
            return error.retry_after <= policy.retry_after_cap
        return True
    return False


def backoff_delay(
    attempt: int, policy: RetryPolicy, rand: Callable[[], float] = random.random
) -> float:
    """Exponential backoff with jitter for retry number ``attempt`` (1 = first retry)."""
    base = min(policy.max_backoff, policy.initial_backoff * policy.multiplier ** (attempt - 1))
    return base * (1.0 - policy.jitter * rand())


def retry_delay(
    error: BaseException,
    attempt: int,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds before the next attempt: ``Retry-After`` when the server sent it, else backoff."""
    if isinstance(error, RateLimitError) and error.retry_after is not None:
        return min(error.retry_after, policy.retry_after_cap)
    return backoff_delay(attempt, policy, rand)
