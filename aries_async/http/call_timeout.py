"""The per-call timeout a block sets for the calls made inside it, in its task only
(:meth:`AriesClient.timeout <aries_async.client.AriesClient.timeout>`)."""

from __future__ import annotations

import contextvars
from types import TracebackType

from aries_async.errors import ValidationError

__all__ = ["BLOCK_TIMEOUT", "TimeoutBlock"]

BLOCK_TIMEOUT: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "aries_async_timeout", default=None
)
"""The timeout of the innermost :class:`TimeoutBlock` around the running code (None: none)."""


class TimeoutBlock:
    """A block, entered with ``with`` or ``async with`` (as ``asyncio.timeout`` is), whose
    calls take ``seconds`` as their timeout.

    Raises:
        ValidationError: ``seconds`` is not positive.
    """

    __slots__ = ("_resets", "_seconds")

    def __init__(self, seconds: float) -> None:
        if not seconds > 0:
            raise ValidationError("timeout must be positive", field="timeout")
        self._seconds = seconds
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
