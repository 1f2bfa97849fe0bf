"""Repeated and late quote and trade updates on the market and charts sockets (no sequence
number orders them, websocket.md 3.3): ``faults.ws_market_repeat_every`` sends every Nth
update of a kind again, verbatim; ``faults.ws_market_stale_every`` follows every Nth with the
update of that kind and symbol sent before it (an older time after a newer one)."""

from __future__ import annotations

from typing import Any

from aries_async.sim.faults import Faults

__all__ = ["UpdateRepeats"]


class UpdateRepeats:
    """One socket's count of the quote and trade updates sent so far, per kind, and the
    latest of each kind and symbol."""

    __slots__ = ("previous", "sent")

    def __init__(self) -> None:
        self.sent: dict[str, int] = {}
        self.previous: dict[tuple[str, str], dict[str, Any]] = {}

    def after(
        self, faults: Faults, kind: str, symbol: str, message: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """What the socket sends right after ``message``, the update of ``kind`` (``quote``
        or ``trade``) for ``symbol`` it just sent: itself again, then the one before it, or
        nothing, as the faults say (copies: the socket may stamp what it sends)."""
        count = self.sent[kind] = self.sent.get(kind, 0) + 1
        repeat, stale = faults.ws_market_repeat_every, faults.ws_market_stale_every
        again: list[dict[str, Any]] = []
        if repeat and count % repeat == 0:
            again.append(dict(message))
        before = self.previous.get((kind, symbol))
        if stale and count % stale == 0 and before is not None:
            again.append(dict(before))
        self.previous[(kind, symbol)] = message
        return again
