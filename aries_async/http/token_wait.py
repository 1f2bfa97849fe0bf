"""How long a call waits for its access token on a token store, or a renewal, that does not
answer, while the token in hand would serve (:mod:`~aries_async.auth.renewal_outage`).

A renewal is waited for :data:`~aries_async.auth.renewal_outage.RENEWAL_PATIENCE` at most, the
store's read before it too; but a call whose own timeout is shorter would end at that timeout
first, with nothing recorded, and so would every call after it while the store hangs. A call
waits for them :data:`CALL_SHARE` of the time it has left when it asks for its token, at most:
then the token in hand serves, with time left for the request itself, and the outage is
recorded, so that the next calls do not wait.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from aries_async._closing import set_in_block

__all__ = ["CALL_SHARE", "patience", "waiting_for_token"]

CALL_SHARE = 0.5
"""The share of the time a call has left that it waits for its token on a store or a renewal
that does not answer, while the token in hand would serve."""

_UNTIL: ContextVar[float | None] = ContextVar("aries_async_token_wait_until", default=None)
"""When (on the event loop's clock) the call of this task stops waiting for them."""


@contextlib.contextmanager
def waiting_for_token(left: float) -> Iterator[None]:
    """In the block, the current task's call, with ``left`` seconds before its deadline, gets
    its access token (:func:`patience` bounds its waits)."""
    until = asyncio.get_running_loop().time() + max(0.0, left) * CALL_SHARE
    with set_in_block(_UNTIL, until):
        yield


def patience(longest: float) -> float:
    """Seconds from now the current task waits for a store or a renewal that does not answer:
    ``longest``, or less inside a call's :func:`waiting_for_token` (none once its share is
    spent)."""
    until = _UNTIL.get()
    if until is None:
        return longest
    return max(0.0, min(longest, until - asyncio.get_running_loop().time()))
