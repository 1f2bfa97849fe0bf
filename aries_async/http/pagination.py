"""The one pager: every item of a paginated operation, page after page, in any of the API's
four styles (conventions.md section 11), and paging that always ends.

* ``cursor``: an int64 ``cursor``, 0 first; the page's ``nextCursor`` is the next one, 0 ends;
* ``next_url``: the page's ``nextUrl`` is fetched as it is (on the API's origin only); absent
  or empty ends;
* ``page``: ``page`` numbers from the one asked for (0 when none), next ``page + 1``; an empty
  page, or one shorter than the page size asked for, ends. An operation documented to count
  from 1 (``apispec.ranges.FIRST_PAGES``: the prediction venue's search) counts from there;
  for the others whether a server counts from 0 or from 1 is not documented: when the first
  page (none or 0 asked for) comes again as page 1, the server counts from 1 and took 0 for
  1; that repeat is skipped once;
* ``next_page``: an opaque token, the page's ``nextPage`` (or a prediction order page's
  ``nextCursor``), goes back as the operation's parameter (``nextPage``, ``cursor``); absent,
  null or empty ends.

An empty page ends every style. :func:`paginate` runs the loop, :func:`following` says what comes
after a page. Every continuation a server hands out may be followed once per iteration.

A paginated method returns a :class:`Paged`: ``await`` it for one page, or iterate it with
``async for`` for every item of every page.

A server that hands one out again (a bug, a proxy replaying a cached page, a hostile server)
would otherwise keep an ``async for`` loop running forever, yielding the same items again;
:class:`PageTrail` turns that into :class:`~aries_async.errors.PaginationError`. Every pager
of the SDK keeps one. So does a page that is the one before it again (a server that ignores
the ``page`` asked for: each number is new).
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Hashable,
    Sequence,
)
from typing import Any, Generic, TypeVar

from aries_async.errors import PaginationError

__all__ = ["STYLES", "PageTrail", "Paged", "following", "paginate"]

STYLES = ("cursor", "next_url", "page", "next_page")
"""The pagination styles of the API, as the description (``aries_async.apispec``) names them."""

T = TypeVar("T")
P = TypeVar("P")
I = TypeVar("I")  # noqa: E741 - the item type, beside P, the page type


class Paged(Generic[P, I]):
    """What a paginated method returns: ``await`` it for one page (the page model, with its
    continuation), or iterate it with ``async for`` for every item of every page, fetched as
    the loop goes on.

    Example:
        >>> async def show(client: AriesClient) -> None:
        ...     page = await client.stocks.trades("AAPL", limit=100)  # one page
        ...     async for trade in client.stocks.trades("AAPL", limit=100):  # every trade
        ...         print(trade.price)

    The arguments are checked when the method is called (a program's first generated paged
    call checks them at its first ``await`` or ``async for`` step instead, raising the same
    error before anything is sent); each ``await`` and each loop sends its own requests.
    """

    __slots__ = ("_items", "_page")

    def __init__(
        self, page: Callable[[], Awaitable[P]], items: Callable[[], AsyncIterator[I]]
    ) -> None:
        self._page = page
        self._items = items

    def __await__(self) -> Generator[Any, None, P]:
        return _await(self._page()).__await__()

    def __aiter__(self) -> AsyncIterator[I]:
        return self._items()

    def __repr__(self) -> str:
        # What a notebook shows when the await was left out: nothing was sent yet.
        return "<Paged, not sent yet: `await` it for one page, `async for` over it for every item>"


async def _await(page: Awaitable[P]) -> P:
    return await page


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


def following(
    style: str,
    *,
    sent: Any,
    count: int,
    current: Hashable | None,
    size: int | None,
    first: int = 0,
) -> Hashable | None:
    """The continuation after a page of ``count`` items, or None when the paging is over.

    Args:
        style: one of :data:`STYLES`.
        sent: what the page says comes next (``nextCursor``, ``nextUrl``, ``nextPage``);
            unused by the ``page`` style.
        count: the page's number of items.
        current: the continuation that fetched this page (None for the first).
        size: the page size asked for, when one was (``page`` style: a shorter page ends).
        first: the number of the first page where the API documents it (``page`` style:
            ``apispec.ranges.FIRST_PAGES``, 1 for the prediction venue's search); a smaller
            number, or none, asked for that page.
    """
    if not count:
        return None
    if style == "page":
        if size is not None and count < size:
            return None
        # No page asked for is the server's first: ``first`` where documented, else 0, or 1 on
        # a server counting from 1, whose page 1 then comes back again (paginate() skips it).
        number = current if isinstance(current, int) else first
        return max(number, first) + 1
    if style == "cursor":
        return sent if isinstance(sent, int) and not isinstance(sent, bool) and sent else None
    if style in ("next_url", "next_page"):
        return sent if isinstance(sent, str) and sent.strip() else None
    raise ValueError(f"unknown pagination style {style!r}")


async def paginate(
    fetch: Callable[[Hashable | None], Awaitable[tuple[Sequence[T], Hashable | None]]],
    what: str,
    start: Hashable | None = None,
    *,
    first_may_repeat: bool = False,
) -> AsyncGenerator[T, None]:
    """Every item of every page: ``fetch(continuation)`` returns a page's items and the
    continuation after it (:func:`following`), None when there is none; ``start`` fetches
    the first page. With ``first_may_repeat`` (page numbers from 0 or none, on a server that
    may count from 1) the second page being the first again is skipped, once.

    Raises:
        PaginationError: a continuation came back twice (``start`` included: a page that
            names the one the loop started from would give its items again), or a page was
            the one before it again.
    """
    trail = PageTrail(what)
    continuation = start
    if start is not None:  # a page naming the one the loop started from would come again
        trail.follow(start)
    before: Sequence[T] = ()
    pages = 0
    while True:
        items, continuation = await fetch(continuation)
        pages += 1
        if pages == 2 and first_may_repeat and items and items == before:
            # A server counting from 1 took page 0 (or none) for page 1: the next one is new.
            if continuation is None:
                return
            trail.follow(continuation)
            continue
        if items and items == before:
            # A server (or a proxy) that ignores the page asked for: every page number is
            # new, every page the same.
            raise PaginationError(
                f"{what}: the server sent the page it had sent before; stopping instead of "
                "looping forever"
            )
        for item in items:
            yield item
        if continuation is None or not items:
            return
        trail.follow(continuation)
        before = items
