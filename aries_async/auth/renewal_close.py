"""A token grant still in flight when its client closes (a renewal, or a sign-in's code
exchange), and how long the close waits for it.

A renewal waits on the token store (its lock, a read), sends its grant, then writes to the
store (the new token, or a refusal) and releases the lock; a code exchange sends its grant,
then saves the token under the store's lock. A grant is sent once aiohttp starts writing its
request (any attempt of it), not before. Closing the client:

- gives up a grant not sent yet: nothing was sent, so nothing is lost (a renewal waiting for
  another process's lock, or on a store that stopped answering, would otherwise hold the
  close up for as long as that takes; a grant still connecting, for its connect timeouts and
  retries);
- waits for the answer of a grant in flight, however long the token endpoint takes (up to the
  grant's own timeout): it holds the only copy of a rotated refresh token, or of the token a
  spent code was granted;
- waits for the store's work after the answer at most the store's ``close_timeout`` (that of
  :class:`~aries_async.auth.redisstore.RedisTokenStore`; :data:`CLOSE_TIMEOUT` for a store
  without one), then gives it up with a warning: a stalled Redis does not hold up the close
  until its Redis client's socket timeout (or for ever, on a client of yours without one).

The calls that waited on a renewal given up end with
:class:`~aries_async.errors.ClientClosedError`, not sent; so does a code exchange given up,
its ``request_sent`` saying whether its grant was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

from aries_async.auth.store import where
from aries_async.errors import ClientClosedError
from aries_async.http.sending import Sending

__all__ = [
    "CLOSE_TIMEOUT",
    "ExchangeStage",
    "RenewalStage",
    "close_timeout",
    "raise_if_failed_meanwhile",
    "settle_for_close",
    "settle_renewal",
]

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
    """How far one renewal got: its grant :attr:`sent` once aiohttp started writing its
    request (``request``, given to the transport), ``answered`` (however it ended), and
    whether a closing client ``given_up`` on it."""

    __slots__ = ("answered", "given_up", "request")

    what = "token renewal"
    """What the grant is, in a warning."""

    def __init__(self, request: Sending | None = None) -> None:
        self.request = Sending() if request is None else request
        self.answered = asyncio.Event()
        self.given_up = False

    @property
    def sent(self) -> bool:
        """Whether the grant's request may have reached the token endpoint: until then
        nothing is spent (a refresh token, a code), and giving the grant up loses nothing."""
        return self.request.begun

    @contextlib.contextmanager
    def granting(self) -> Iterator[None]:
        """Around the grant: answered as it ends (sent, or not)."""
        try:
            yield
        finally:
            self.answered.set()

    def closed_error(self) -> ClientClosedError:
        """What the calls that wait on a renewal given up raise: their own requests were not
        sent (whatever became of the grant)."""
        return ClientClosedError(
            "the client was closed while the access token was being renewed", request_sent=False
        )

    def lost(self, store: Any) -> str:
        """What is lost when the store's work after the grant is given up."""
        if not self.sent:
            return "its grant was not sent, and a refresh lock it took ends with its lease"
        return (
            f"the renewed token may not be saved {where(store)}, and if its refresh token was "
            "rotated the next renewal there asks to sign in again"
        )

    async def run(self, renewal: Coroutine[Any, Any, T]) -> T:
        """``renewal``'s result (the renewal's task runs this): a closing client's giving it
        up is :class:`~aries_async.errors.ClientClosedError` to the calls that wait on it, not
        a cancellation they did not ask for."""
        try:
            return await renewal
        except asyncio.CancelledError:
            if not self.given_up:
                raise
        raise self.closed_error()


class ExchangeStage(RenewalStage):
    """How far one code exchange got (as a renewal's: :class:`RenewalStage`); its caller's
    call is the grant itself, so its error says whether that was sent."""

    __slots__ = ()

    what = "code exchange"

    def closed_error(self) -> ClientClosedError:
        """What the caller of an exchange given up raises."""
        lost = "; its token may not be saved" if self.sent else ""
        return ClientClosedError(
            f"the client was closed during the code exchange{lost}", request_sent=self.sent
        )

    def lost(self, store: Any) -> str:
        """What is lost when the store's work after the grant is given up."""
        if not self.sent:
            return "its code was not sent"
        return f"the signed-in token may not be saved {where(store)}: sign in again if it is not"


async def settle_renewal(
    task: asyncio.Future[Any] | None, stage: RenewalStage, store: Any, *, closing: bool
) -> None:
    """Wait for the renewal ``task`` (None: there was none) to end, ``closing`` as a closing
    client lets it (:func:`settle_for_close`, ``stage`` saying how far it got on ``store``)."""
    if task is not None and closing:
        await settle_for_close(task, stage, store)
    elif task is not None and not task.done():
        await asyncio.wait([task])


async def settle_for_close(task: asyncio.Future[Any], stage: RenewalStage, store: Any) -> None:
    """Let the grant's ``task`` (a renewal, or a code exchange: ``stage`` says) on ``store``
    end as a closing client may (see the module notes), the store's work after the grant's
    answer waited for at most :func:`close_timeout`."""
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
        "the token store did not finish the %s's work within %gs of the client's close (it "
        "stopped answering?); gave it up: %s",
        stage.what,
        timeout,
        stage.lost(store),
    )
    stage.given_up = True
    task.cancel()
    await asyncio.wait((task,))


def raise_if_failed_meanwhile(
    task: asyncio.Future[Any] | None, earlier: asyncio.Future[Any] | None
) -> None:
    """Raise the failure of the renewal ``task`` when it ended while a caller waited for the
    session's lock (``earlier``: the one that had ended before it came), no usable token
    having turned up meanwhile: it was this caller's renewal too (a second one, right away,
    would fail the same way)."""
    if task is None or task is earlier or not task.done() or task.cancelled():
        return
    if task.exception() is not None:
        task.result()  # raises it with its own traceback, not one grown by every caller's
