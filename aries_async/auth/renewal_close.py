"""A token renewal still in flight when its client closes, and how long the close waits for it.

A renewal waits on the token store (its lock, a read), sends its grant, then writes to the
store (the new token, or a refusal) and releases the lock. Closing the client:

- gives up a renewal that has not sent its grant: nothing was sent, so nothing is lost (a
  renewal waiting for another process's lock, or on a store that stopped answering, would
  otherwise hold the close up for as long as that takes);
- waits for the answer of a grant in flight, however long the token endpoint takes (up to the
  renewal's own timeout): it holds the only copy of a rotated refresh token;
- waits for the store's work after the answer at most the store's ``close_timeout`` (that of
  :class:`~aries_async.auth.redisstore.RedisTokenStore`; :data:`CLOSE_TIMEOUT` for a store
  without one), then gives it up with a warning: a stalled Redis does not hold up the close
  until its Redis client's socket timeout (or for ever, on a client of yours without one).

The calls that waited on a renewal given up end with
:class:`~aries_async.errors.ClientClosedError`, not sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from aries_async.auth.store import where
from aries_async.errors import ClientClosedError

if TYPE_CHECKING:
    from aries_async.http.sessions import Sending

__all__ = ["CLOSE_TIMEOUT", "ExchangeStage", "RenewalStage", "close_timeout", "settle_for_close"]

log = logging.getLogger("aries_async.auth")

T = TypeVar("T")

CLOSE_TIMEOUT = 2.0
"""Seconds a closing client waits for the store's work after a grant's answer, for a store
that does not say (no ``close_timeout`` attribute)."""


def close_timeout(store: Any) -> float:
    """The store's ``close_timeout`` when it has a positive one, else :data:`CLOSE_TIMEOUT`."""
    value = getattr(store, "close_timeout", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    return CLOSE_TIMEOUT


class RenewalStage:
    """How far one renewal got: its grant :attr:`sent`, ``answered`` (however it ended), and
    whether a closing client ``given_up`` on it."""

    __slots__ = ("answered", "given_up", "started")

    def __init__(self) -> None:
        self.started = False
        self.answered = asyncio.Event()
        self.given_up = False

    @property
    def sent(self) -> bool:
        """Whether the grant may have reached the token endpoint: from the moment it starts."""
        return self.started

    @contextlib.contextmanager
    def granting(self) -> Iterator[None]:
        """Around the grant: started as it starts, answered as it ends."""
        self.started = True
        try:
            yield
        finally:
            self.answered.set()

    async def run(self, renewal: Coroutine[Any, Any, T]) -> T:
        """``renewal``'s result (the renewal's task runs this): a closing client's giving it
        up is :class:`~aries_async.errors.ClientClosedError` to the calls that wait on it, not
        a cancellation they did not ask for."""
        try:
            return await renewal
        except asyncio.CancelledError:
            if not self.given_up:
                raise
        raise ClientClosedError(
            "the client was closed while the access token was being renewed", request_sent=False
        )


class ExchangeStage(RenewalStage):
    """How far one code exchange got: its grant :attr:`sent` once aiohttp started writing its
    request (``request``, given to the transport), not before: until then the code is not
    spent, and giving the exchange up loses nothing."""

    __slots__ = ("request",)

    def __init__(self, request: Sending) -> None:
        super().__init__()
        self.request = request

    @property
    def sent(self) -> bool:
        """Whether the grant's request may have reached the token endpoint."""
        return self.request.begun


async def settle_for_close(task: asyncio.Future[Any], stage: RenewalStage, store: Any) -> None:
    """Let the renewal ``task`` on ``store`` end as a closing client may (see the module
    notes), the store's work after the grant's answer waited for at most
    :func:`close_timeout`."""
    if task.done():
        return
    timeout = close_timeout(store)
    if not stage.sent:
        stage.given_up = True
        task.cancel()  # the grant was not sent: nothing to keep
    elif not stage.answered.is_set():
        answered = asyncio.ensure_future(stage.answered.wait())
        try:
            await asyncio.wait((task, answered), return_when=asyncio.FIRST_COMPLETED)
        finally:
            answered.cancel()
    done, _ = await asyncio.wait((task,), timeout=timeout)
    if done:
        return
    log.warning(
        "the token store did not finish the token renewal's work within %gs of the client's "
        "close (it stopped answering?); gave it up: %s",
        timeout,
        (
            f"the renewed token may not be saved {where(store)}, and if its refresh token was "
            "rotated the next renewal there asks to sign in again"
            if stage.sent
            else "its grant was not sent, and a refresh lock it took ends with its lease"
        ),
    )
    stage.given_up = True
    task.cancel()
    await asyncio.wait((task,))
