"""``async with`` for the objects that close with ``await aclose()``."""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["AsyncClosing"]


class AsyncClosing:
    """Mixin: ``async with obj`` gives ``obj`` and closes it (``await obj.aclose()``) when the
    block ends, however it ends. A subclass with work to do on entry (connecting, checking
    that it is still open) overrides ``__aenter__``."""

    __slots__ = ()

    async def aclose(self) -> None:
        """Release what the object holds (idempotent)."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
