"""The market socket's ``marketStatus`` (websocket.md 3.2): its data at a given time, and the
changes of the trading session as time moves, each sent as of the moment it happened.

A ``sim.advance()`` moves the clock first, then runs the feed steps in between (each quote
update stamped with its step's time); a change of session inside it (the open, the close) is
sent when the steps reach it, or at the hub's next deadline check when no symbol is watched,
with that change's time as its ``serverTime`` and envelope ``timestamp``, not the end of the
advance's. An advance across several changes sends each.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aries_async.sim.context import SimContext
from aries_async.sim.sessions import next_session_change, session_changes

__all__ = ["StatusChanges", "status_data"]


def status_data(ctx: SimContext, at: float | None = None) -> dict[str, Any]:
    """The ``marketStatus`` data object at the time ``at`` (default: the clock's)."""
    now = ctx.clock.now() if at is None else at
    session = ctx.market_status(at=now).get("session")
    venue = ctx.faults.ws_market_status or ("open" if session == "regular" else "closed")
    return {
        "afterHours": session == "after-hours",
        "currencies": {"crypto": "open", "fx": "open"},
        "earlyHours": session == "pre-market",
        "exchanges": {"nasdaq": venue, "nyse": venue, "otc": venue},
        "indicesGroups": {"dow_jones": venue, "nasdaq": venue, "s_and_p": venue},
        "market": venue,
        "serverTime": datetime.fromtimestamp(now, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
    }


class StatusChanges:
    """The session changes not yet looked at: :meth:`due` gives those up to a time, once.

    Args:
        since: the time from which changes are due (the hub's start).
    """

    __slots__ = ("next", "until")

    def __init__(self, since: float) -> None:
        self.until = since
        self.next = next_session_change(since)
        """The first change after :attr:`until` (a feed step before it has nothing to do)."""

    def due(self, upto: float) -> list[float]:
        """The instants of the changes after the last call and at or before ``upto``, in
        order (none when ``upto`` is not later)."""
        if upto <= self.until:
            return []
        changes = session_changes(self.until, upto) if upto >= self.next else []
        self.until = upto
        if changes:
            self.next = next_session_change(upto)
        return changes
