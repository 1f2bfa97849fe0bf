"""Calls whose attempts are never cut short: a single-use token grant's.

``ClientConfig.attempt_timeout`` cuts a hung attempt so that a retry has time to succeed. A
grant that spends what it presents (a rotating refresh token, an authorization code) has no
such retry: once the server grants, its answer is the only copy of the new tokens, and a retry
presents what the server has spent. Its attempts therefore run to the call's deadline.

Such a grant is still sent as idempotent (retried after a connection lost once it was sent, and
after a 429 or 5xx, which are answers: nothing was granted). Unlike an order's, its retry
risks nothing: a grant left unanswered is presented again by the next renewal anyway (the
session keeps the token it sent), so a refusal then only comes sooner; and the retry succeeds
whenever the server never read the first (a stale pooled connection) or does not rotate.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from aries_async._closing import set_in_block

__all__ = ["WHOLE_ATTEMPTS", "whole_attempts"]

WHOLE_ATTEMPTS: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "aries_async_whole_attempts", default=False
)
"""Whether the code running is inside :func:`whole_attempts` (read by the transport only when
an ``attempt_timeout`` is set: the calls of the default configuration never look)."""


@contextlib.contextmanager
def whole_attempts() -> Iterator[None]:
    """A block, in its task only, whose transport calls given a ``timeout`` (or a
    ``deadline``) are not cut at ``ClientConfig.attempt_timeout``: each attempt may use all
    that is left of the call's time."""
    with set_in_block(WHOLE_ATTEMPTS, True):
        yield
