"""The (un)subscribe messages a simulator websocket acts on late (``faults.ws_subscribe_delay``),
as a server whose subscriptions are checked apart from its authentication: a subscribe read
before a ``POST /auth`` may be answered after it. Held messages are acted on in the order they
were read, by the hub's deadline checks (:meth:`~aries_async.sim.ws.WsHub.check_deadlines`,
which a test may call after ``sim.advance``), once the simulator's clock reaches their time,
or one by one whatever their time (:meth:`HeldSubscriptions.release`), or dropped unanswered
(:meth:`HeldSubscriptions.drop`: a server that loses a request, as websocket.md allows);
while one is held, every later (un)subscribe waits behind it, whatever the delay is then. The
hub counts an (un)subscribe (``subscribes``, ``unsubscribes``) when it is acted on."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aries_async.sim.ws_session import Session

__all__ = ["HeldSubscriptions"]


class HeldSubscriptions:
    """The (un)subscribes of one socket waiting to be acted on, each with its time."""

    def __init__(self) -> None:
        self._queue: deque[tuple[float, Callable[[], None]]] = deque()

    def __len__(self) -> int:
        return len(self._queue)

    def act(self, session: Session, subscribe: bool, payload: Any, request_id: str | None) -> None:
        """A ``subscribe`` (or ``unsubscribe``) message of an authenticated client: acted on
        now, or held (see the module docstring)."""

        def now() -> None:
            if session.closed:
                return
            if subscribe:
                session.hub.subscribes += 1
                session.subscribe(payload, request_id)
            else:
                session.hub.unsubscribes += 1
                session.unsubscribe(payload, request_id)

        delay = session.hub.ctx.faults.ws_subscribe_delay
        if delay is None and not self._queue:
            now()
        else:
            self._queue.append((session.hub.ctx.clock.now() + (delay or 0.0), now))

    def run(self, now: float) -> None:
        """Act, in order, on the messages due by ``now``."""
        while self._queue and self._queue[0][0] <= now:
            _, act = self._queue.popleft()
            act()

    def release(self, count: int = 1) -> int:
        """Act now, in order, on the first ``count`` messages held, whatever their time (a
        test then sees the answers of one request at a time); returns how many were."""
        acted = 0
        while self._queue and acted < count:
            _, act = self._queue.popleft()
            act()
            acted += 1
        return acted

    def drop(self, count: int = 1) -> int:
        """Forget the first ``count`` messages held, unanswered and not acted on (a server
        that loses a request: no answer, no refusal); returns how many were."""
        dropped = 0
        while self._queue and dropped < count:
            self._queue.popleft()
            dropped += 1
        return dropped

    def clear(self) -> None:
        """The socket is gone: nothing held is acted on."""
        self._queue.clear()
