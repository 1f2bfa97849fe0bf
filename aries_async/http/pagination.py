"""Paging that always ends: every continuation a server hands out (an int64 cursor, a
``nextUrl``, an opaque token) may be followed once per iteration.

A server that hands one out again (a bug, a proxy replaying a cached page, a hostile server)
would otherwise keep an ``async for`` loop running forever, yielding the same items again;
:class:`PageTrail` turns that into :class:`~aries_async.errors.PaginationError`. Every pager
of the SDK keeps one.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

from aries_async.errors import PaginationError

__all__ = ["PageTrail", "cursor_pages"]

T = TypeVar("T")


class PageTrail:
    """The continuations one iteration has followed.

    Args:
        what: what is being paged, for the error message (``"order history"``).
    """

    __slots__ = ("_seen", "_what")

    def __init__(self, what: str) -> None:
        self._what = what
        self._seen: set[Hashable] = set()

    def follow(self, continuation: Hashable) -> None:
        """Record ``continuation`` as followed.

        Raises:
            PaginationError: it was followed before in this iteration (the continuation
                itself is not in the message: a ``nextUrl`` may carry identifiers).
        """
        if continuation in self._seen:
            raise PaginationError(
                f"{self._what}: after {len(self._seen) + 1} pages the server sent a "
                "continuation it had sent before; stopping instead of looping forever"
            )
        self._seen.add(continuation)


async def cursor_pages(
    fetch: Callable[[int], Awaitable[tuple[Sequence[T], int]]], what: str
) -> AsyncGenerator[T, None]:
    """Every item of int64-cursor pages (conventions.md section 11, style 1).

    ``fetch(cursor)`` returns one page's items and its ``nextCursor``; the first page is
    cursor 0. Iteration ends at ``nextCursor`` 0 or an empty page.

    Raises:
        PaginationError: a ``nextCursor`` came back twice.
    """
    trail = PageTrail(what)
    cursor = 0
    while True:
        items, following = await fetch(cursor)
        for item in items:
            yield item
        if not following or not items:
            return
        trail.follow(following)
        cursor = following
