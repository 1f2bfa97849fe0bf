"""The per-call timeout a block sets for the calls made inside it, in its task only
(:meth:`AriesClient.timeout <aries_async.client.AriesClient.timeout>`)."""

from __future__ import annotations

import contextvars
from types import TracebackType

from aries_async._settings import Seconds, seconds_setting
from aries_async.errors import ValidationError

__all__ = ["BLOCK_TIMEOUT", "TimeoutBlock", "call_timeout"]

BLOCK_TIMEOUT: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "aries_async_timeout", default=None
)
"""The timeout of the innermost :class:`TimeoutBlock` around the running code (None: none)."""


def call_timeout(value: object) -> float | None:
    """A call's ``timeout=``: ``value`` as a float when it is finite seconds above 0 (an int,
    a float or a ``Decimal``), else, for None, the innermost block's (None: the client's own).

    Raises:
        ValidationError: naming ``timeout``, for anything else (NaN, an infinity, which no
            deadline can be set at, a bool, a string), before anything is sent.
    """
    if value is None:
        return BLOCK_TIMEOUT.get()
    return seconds_setting(value, "timeout", error=ValidationError, decimals=True)


class TimeoutBlock:
    """A block, entered with ``with`` or ``async with`` (as ``asyncio.timeout`` is), whose
    calls take ``seconds`` as their timeout.

    Raises:
        ValidationError: ``seconds`` is not finite and above 0 (see :func:`call_timeout`).
    """

    __slots__ = ("_resets", "_seconds")

    def __init__(self, seconds: Seconds) -> None:
        self._seconds = seconds_setting(seconds, "timeout", error=ValidationError, decimals=True)
        self._resets: list[contextvars.Token[float | None]] = []

    def __enter__(self) -> None:
        self._resets.append(BLOCK_TIMEOUT.set(self._seconds))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        BLOCK_TIMEOUT.reset(self._resets.pop())

    async def __aenter__(self) -> None:
        self.__enter__()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(kind, error, traceback)
