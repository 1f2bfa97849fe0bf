"""The report of a client dropped with its connection pool open: a :class:`ResourceWarning`
and the event loop's exception handler (which logs it, as aiohttp does its connector), both
naming the owner and how to close it."""

from __future__ import annotations

import asyncio
import warnings

__all__ = ["warn_unclosed"]


def warn_unclosed(owner: str, source: object, loop: asyncio.AbstractEventLoop | None) -> None:
    """Report ``owner`` (a repr) dropped unclosed: a :class:`ResourceWarning` whose source is
    ``source`` (the object holding the pool), and ``loop``'s exception handler when there is
    a loop."""
    message = (
        f"Unclosed {owner}: dropped without being closed, it leaves its connection pool "
        "to the garbage collector. Close a client when done with it: await "
        "client.aclose(), or async with AriesClient(...) as client (in a notebook, let "
        "the cell that makes a client close the one it made before)"
    )
    warnings.warn(message, ResourceWarning, source=source, stacklevel=2)
    if loop is not None:
        loop.call_exception_handler({"message": message})
