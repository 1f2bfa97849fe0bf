"""The sweep of an account's resync for orders placed and finished while the stream was down
(:class:`GapSweep`): no socket, no task; the wall clock comes in as a reading.

Whether the snapshot after a reconnect lists today's terminal orders or working ones only is
UNCERTAIN (websocket.md 4.3). One that lists them tells every order that changed in the gap,
those begun and ended in it included, if the gap began that day (the orders' day, from
midnight in New York); a gap from an earlier day is swept. One that lists working orders only
tells none of the latter: such an order is in no snapshot, and the stream, down, heard none of
its events. So a resync snapshot that lists no terminal order (it may be of either kind:
nothing may have ended today) is *swept*: the account's orders are read over REST (the
``reconcile`` hook, asked with ``changed_since``), and each the stream does not hold (nor told
and forgot, nor let go), created or changed in the gap's window, is told as
``OrderEvent(resync=True)`` (changed: a replacement made in the gap may carry its original's
creation time, as the simulator's does).

The window starts at the stream's last sync point: the time of the latest snapshot up to which
the account's orders are known to the stream (the first snapshot's; then that of each resync
checked: one that lists terminal orders, or whose sweep succeeded). An order that ended before
the stream opened is not news. A sweep that keeps failing leaves the sync point where it was:
the next resync checks the longer gap. The window ends at the resync snapshot's time: an order
created after it is told live.

Times are the server's: the snapshot's envelope ``timestamp`` and the orders' ``createdAt`` and
``updatedAt``,
widened by :data:`SYNC_MARGIN` on either side (a server may write times to the second). A
snapshot without a time gives the client's wall clock when it arrived, reaching back
:data:`UNTIMED_MARGIN` (the two clocks may differ by minutes), and no end: orders ended in the
hour before the stream opened may then be told at its first swept resync, rather than a gap
order never.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from aries_async._orders_day import orders_day_start
from aries_async.models.events import AccountSnapshot
from aries_async.models.orders import Order
from aries_async.streaming.mirror import AccountMirror

__all__ = ["SYNC_MARGIN", "UNTIMED_MARGIN", "GapSweep", "Window", "lists_orders"]

SYNC_MARGIN = timedelta(seconds=1)
"""How far a window reaches past a snapshot's server time on either side."""

UNTIMED_MARGIN = timedelta(hours=1)
"""How far a window reaches back from the client's clock, for a snapshot without a time."""


def lists_orders(lookup: Callable[..., Any]) -> bool:
    """Whether a ``reconcile`` hook can list the account's orders: it takes ``changed_since``
    by name (``client.orders.reconcile`` does). One written for ``reconcile(account_id,
    orders)`` is called so, and the stream does not sweep."""
    try:
        parameter = inspect.signature(lookup).parameters.get("changed_since")
    except (TypeError, ValueError):  # no signature to read (a builtin): not asked
        return False
    return parameter is not None and parameter.kind in (
        inspect.Parameter.KEYWORD_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )


@attrs.frozen
class Window:
    """A gap to sweep.

    Attributes:
        since: the orders created or changed from then on are looked for (the sync point,
            less the margin).
        until: ... up to then (the resync snapshot's time, plus the margin); None: no end.
        synced: the sync point once this window is checked.
    """

    since: datetime
    until: datetime | None
    synced: datetime

    def holds(self, when: datetime | None) -> bool:
        """Whether ``when`` (an order's time; None: not known) lies in the window."""
        return (
            when is not None and when >= self.since and (self.until is None or when <= self.until)
        )


class GapSweep:
    """When an account's resync is swept, and over which window (see the module docstring)."""

    def __init__(self) -> None:
        self._since: datetime | None = None  # the start of the next window
        self._due: tuple[datetime | None, datetime] | None = None  # (until, synced)

    @property
    def due(self) -> bool:
        """Whether a window waits to be swept."""
        return self._due is not None

    def on_snapshot(self, snapshot: AccountSnapshot, wall_now: float) -> bool:
        """A snapshot of the account (``resync`` set after the first), arrived at ``wall_now``
        (Unix seconds, the client's clock): whether a sweep is due now."""
        at = snapshot.timestamp
        if at is None:
            arrived = datetime.fromtimestamp(wall_now, UTC)
            start, end = arrived - UNTIMED_MARGIN, None
        else:
            arrived, start, end = at, at - SYNC_MARGIN, at + SYNC_MARGIN
        if (
            not snapshot.resync
            or self._since is None
            or (
                # It lists what ended today: a gap from yesterday may hold more.
                any(order.is_terminal for order in snapshot.orders)
                and self._since >= orders_day_start(arrived)
            )
        ):
            self._since, self._due = start, None  # it lists what ended: nothing to sweep
            return False
        self._due = (end, start)  # from the sync point, which only a checked window moves
        return True

    def take(self) -> Window | None:
        """The window to sweep now (None: none is due); it stays due until :meth:`checked`
        or :meth:`unchecked`."""
        if self._due is None or self._since is None:
            return None
        until, synced = self._due
        return Window(self._since, until, synced)

    def checked(self, window: Window, found: Iterable[Order], mirror: AccountMirror) -> list[Order]:
        """``window`` was read (``found``, the hook's answer): the sync point moves on, and
        the orders to tell are returned, the first created first: those begun in the window
        (created, or changed: a replacement may carry its original's creation time) that the
        mirror does not hold, has not forgotten (:meth:`AccountMirror.forgotten`) and has
        not let go (:attr:`AccountMirror.left`: told already). A window due since, for a
        later resync, stays due."""
        if self._since is None or window.synced > self._since:
            self._since = window.synced
        if self._due is not None and self._due[1] <= window.synced:
            self._due = None
        news: dict[str, Order] = {}
        for order in found:
            cl_ord_id = order.cl_ord_id
            if not cl_ord_id or not any(
                window.holds(t) for t in (order.created_at, order.updated_at)
            ):
                continue  # before the gap (not news), or after the resync snapshot (told live)
            if cl_ord_id in mirror.orders or cl_ord_id in mirror.left or mirror.forgotten(order):
                continue
            news.setdefault(cl_ord_id, order)
        return sorted(news.values(), key=lambda order: order.created_at or window.since)

    def unchecked(self, window: Window) -> None:
        """``window`` could not be read: no longer due (the next resync sweeps it again, from
        the same sync point)."""
        if self._due is not None and self._due[1] <= window.synced:
            self._due = None
