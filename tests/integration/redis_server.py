"""What the fleet tests need around their ``redis-server`` (see ``tests/fleet/conftest.py``)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

import pytest
import redis
import yarl

from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.tokens import Token

__all__ = [
    "REQUIRED",
    "ReplyGate",
    "cancel_unanswered_lock_wait",
    "flush",
    "numbered_token",
    "reply_gate",
    "stores",
]

# Read at import: the autouse fixture of tests/conftest.py removes ARIES_* variables per test.
REQUIRED = os.environ.get("ARIES_REQUIRE_REDIS") == "1"


def numbered_token(n: int, obtained_at: float) -> Token:
    """A user token told apart by ``n``, obtained at ``obtained_at`` (Unix seconds)."""
    return Token(
        access_token=f"access-{n}-" + "a" * 40,
        refresh_token=f"refresh-{n}-" + "r" * 40,
        expires_at=2_000_000_000.0,
        obtained_at=obtained_at,
    )


@contextlib.asynccontextmanager
async def stores(url: str, count: int) -> AsyncIterator[list[RedisTokenStore]]:
    """``count`` stores of one app's grant, each with its own connections (processes)."""
    async with contextlib.AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(RedisTokenStore(url, client_id="app"))
            for _ in range(count)
        ]


def flush(url: str) -> None:
    """Empty the test server's databases."""
    with redis.Redis.from_url(url) as client:
        client.flushall()


class ReplyGate:
    """A TCP relay in front of the test server that can keep the server's replies back.

    Commands always reach Redis. After :meth:`hold`, the next replies stop at the relay
    (``held`` is set when the first arrives), so a test can act between a command taking effect
    and its sender hearing of it; :meth:`let_go` forwards them and lets later ones through,
    :meth:`cut` closes the connections instead (the replies held are lost, as with a Redis
    that went away after it ran the command) and lets later connections through.
    A connection's own greeting (AUTH) is a reply too: open it before holding.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        """The server's URL, password included, with the relay's port."""
        self.held = asyncio.Event()
        """Set when a reply has been kept back since :meth:`hold`."""
        self._open = asyncio.Event()
        self._open.set()
        self.connections: set[asyncio.StreamWriter] = set()
        """The relay's ends of its open connections, both sides."""

    def hold(self) -> None:
        """Keep back every reply from now on."""
        self.held.clear()
        self._open.clear()

    def let_go(self) -> None:
        """Forward the replies kept back, and every later one."""
        self._open.set()

    def cut(self) -> None:
        """Close every connection open now, its replies kept back lost; forward every later
        connection's replies."""
        for writer in self.connections:
            writer.close()
        self._open.set()

    async def pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, gated: bool
    ) -> None:
        """Copy bytes until either side closes; replies (``gated``) wait while held."""
        with contextlib.suppress(OSError):
            while data := await source.read(65536):
                if gated and not self._open.is_set():
                    self.held.set()
                    await self._open.wait()
                if sink.is_closing():
                    break
                sink.write(data)
                await sink.drain()
        sink.close()


@contextlib.asynccontextmanager
async def reply_gate(url: str) -> AsyncIterator[ReplyGate]:
    """A :class:`ReplyGate` to the server at ``url`` for as long as the block lasts."""
    target = yarl.URL(url)
    relays: set[asyncio.Future[None]] = set()

    async def relay(client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        gate.connections.add(client_out)
        try:
            server_in, server_out = await asyncio.open_connection(target.host, target.port)
            gate.connections.add(server_out)
            try:
                await asyncio.gather(
                    gate.pump(client_in, server_out, gated=False),
                    gate.pump(server_in, client_out, gated=True),
                )
            finally:
                server_out.close()
                gate.connections.discard(server_out)
        finally:
            client_out.close()
            gate.connections.discard(client_out)

    def connected(client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        relays.add(asyncio.ensure_future(relay(client_in, client_out)))

    server = await asyncio.start_server(connected, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    gate = ReplyGate(str(target.with_port(port)))
    try:
        yield gate
    finally:
        server.close()
        for task in relays:
            task.cancel()  # connections its users left open end with it
        await asyncio.gather(*relays, return_exceptions=True)
        await server.wait_closed()


async def cancel_unanswered_lock_wait(gate: ReplyGate, store: RedisTokenStore) -> None:
    """Start waiting for ``store``'s lock (through ``gate``), and cancel the wait once Redis has
    answered its SET, before the answer reaches the store: the replies stay held."""
    await store.lock_owner()  # connected before the replies are held
    gate.hold()

    async def enter() -> None:
        async with store.lock():
            raise AssertionError("the wait was cancelled before it got the answer")

    waiter = asyncio.ensure_future(enter())
    async with asyncio.timeout(5):
        await gate.held.wait()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
