"""``StreamOpener``: the ``async with`` handle that :class:`~aries_async.client.AriesClient`
returns for a stream, loading the streaming code off the event loop on first use."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from aries_async._lazy import load

__all__ = ["StreamOpener"]


S = TypeVar("S", bound=contextlib.AbstractAsyncContextManager[Any])


class StreamOpener(Generic[S]):
    """What :meth:`AriesClient.market_stream <aries_async.client.AriesClient.market_stream>` and
    :meth:`AriesClient.account_stream <aries_async.client.AriesClient.account_stream>` return:
    ``async with`` it, and the block gets the stream (:class:`~aries_async.streaming.
    MarketStream`, :class:`~aries_async.streaming.AccountStream`), closed when the block ends.

    The streaming code (websockets, the event models) is imported on first use in a worker
    thread: a program that never streams does not pay for it, and opening the first stream
    does not hold up the event loop (the imports take some 50 ms of CPU).

    Example:
        >>> async def main(client: AriesClient) -> None:                    # doctest: +SKIP
        ...     async with client.market_stream() as stream:
        ...         await stream.subscribe("AAPL")
    """

    __slots__ = ("_build", "_modules", "_stream")

    def __init__(self, modules: tuple[str, ...], build: Callable[[], S]) -> None:
        self._modules = modules
        self._build = build
        self._stream: S | None = None

    async def __aenter__(self) -> S:
        if self._stream is not None:
            raise RuntimeError("a stream opener is entered once; call the client again")
        for module in self._modules:
            await load(module)
        stream = self._stream = self._build()
        entered: S = await stream.__aenter__()
        return entered

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._stream is not None:
            await self._stream.__aexit__(*exc_info)
