"""The event loop an object belongs to: the one it is first used on.

An aiohttp session, its pooled connections, asyncio locks and futures all belong to one loop;
used from another they fail deep inside (``Event loop is closed``, ``Timeout context manager
should be used inside a task``) or wait for ever. :class:`LoopOwner` turns that into one
clear error, raised before anything is done.
"""

from __future__ import annotations

import asyncio

from aries_async.errors import WrongEventLoopError

__all__ = ["LoopOwner"]


class LoopOwner:
    """Mixin: the object belongs to the event loop it is first used on (``_loop``)."""

    _loop: asyncio.AbstractEventLoop | None = None
    """The loop the object belongs to (None until its first use)."""

    def check_loop(self) -> None:
        """Take the running loop as the object's own on first use; refuse any other.

        Raises:
            WrongEventLoopError: the object belongs to another event loop.
        """
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        if self._loop is None:
            self._loop = loop
            return
        state = "is closed" if self._loop.is_closed() else "is another event loop"
        raise WrongEventLoopError(
            f"this client belongs to the event loop it was first used on, which {state}; "
            "nothing was sent. Each asyncio.run() starts a new loop: make the client inside "
            "the coroutine that uses it (async with AriesClient(...) as client:), one per "
            "asyncio.run(). Under pytest-asyncio, a test and the fixture that made the client "
            "must run with the same loop scope"
        )

    def on_its_loop(self) -> bool:
        """Whether the running loop is the object's own (taking it if it has none yet);
        False when its own loop is closed: nothing of it can be awaited any more.

        Raises:
            WrongEventLoopError: the object's own loop is another one, still open.
        """
        loop = self._loop
        if loop is not None and loop is not asyncio.get_running_loop() and loop.is_closed():
            return False
        self.check_loop()
        return True
