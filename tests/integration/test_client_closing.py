"""What closing a client, or a stream it opened, leaves behind: nothing."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from stream_helpers import until

from aries_async import AriesClient


def _collected(ref: weakref.ref[Any]) -> bool:
    gc.collect()
    return ref() is None


async def test_a_stream_closed_by_itself_is_let_go_by_its_client(aries: AriesClient) -> None:
    # A notebook's stream, entered in one cell and closed in another without its opener's
    # async with: once closed, the client holds it no more (until the client closed, before).
    stream = await aries.market_stream().__aenter__()
    await stream.aclose()
    gone = weakref.ref(stream)
    del stream
    # The socket lets go of its callbacks once the loop has run its connection_lost.
    await until(lambda: _collected(gone), timeout=2)
