"""A simulator whose address answers no new connection: a client's connect times out.

A host that drops the connection requests it gets (a firewall, a server whose accept queue is
full) leaves a client's TCP connect without an answer until the client's connect timeout, and
a connect that timed out sent nothing of its request. The kernel, not the server, completes a
TCP handshake, so the server alone cannot leave one unanswered: while the fault is on, the
simulator is stopped and a listener that accepts nothing, its accept queue filled, holds its
port. The simulator's state (accounts, orders, tokens) is kept; the sockets open when the
fault begins are closed with the server.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Self

from aries_async._closing import AsyncClosing

if TYPE_CHECKING:
    from aries_async.sim.server import Simulator

__all__ = ["UnansweredConnects"]


class UnansweredConnects(AsyncClosing):
    """The fault on ``sim``, from :meth:`start` (or ``async with``) to :meth:`stop`.

    Example:
        >>> async def demo(sim: Simulator) -> None:
        ...     async with UnansweredConnects(sim):
        ...         ...  # a connect to sim.base_url times out here
    """

    def __init__(self, sim: Simulator) -> None:
        self._sim = sim
        self._sockets: list[socket.socket] = []

    @property
    def on(self) -> bool:
        """Whether new connections go unanswered now."""
        return bool(self._sockets)

    async def start(self) -> None:
        """Stop the simulator and hold its port with a listener that answers no new
        connection (idempotent)."""
        if self._sockets:
            return
        sim = self._sim
        await sim.stop()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((sim.host, sim.port))
            # A backlog of 0 queues one connection; with that one taken by a connection of
            # our own that is never accepted, the kernel drops every further request.
            listener.listen(0)
            filler = socket.create_connection((sim.host, sim.port), timeout=1.0)
        except BaseException:
            listener.close()
            raise
        self._sockets = [listener, filler]

    async def stop(self) -> None:
        """Free the port and start the simulator again on it (idempotent)."""
        if not self._sockets:
            return
        for sock in self._sockets:
            sock.close()
        self._sockets = []
        await self._sim.start()

    async def aclose(self) -> None:
        """Same as :meth:`stop` (the end of ``async with``)."""
        await self.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self
