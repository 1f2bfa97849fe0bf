"""The gap sweep of an account's resyncs, without a socket: when a resync is swept, over which
window, and which of the orders read are told."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from aries_async.models.accounts import Balance
from aries_async.models.events import AccountSnapshot, OrderEvent
from aries_async.models.orders import Order, OrderStatus
from aries_async.streaming.gap_sweep import SYNC_MARGIN, UNTIMED_MARGIN, GapSweep, lists_orders
from aries_async.streaming.mirror import AccountMirror

NEW, FILLED = OrderStatus.NEW, OrderStatus.FILLED
T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
WALL = (T0 + timedelta(minutes=30)).timestamp()  # the client's clock, 30 minutes ahead


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _order(cl_ord_id: str, status: OrderStatus = NEW, created: float | None = 0.0) -> Order:
    at = None if created is None else _at(created)
    return Order(cl_ord_id=cl_ord_id, ord_status=status, created_at=at, updated_at=at)


def _snapshot(
    *orders: Order, at: float | None, resync: bool = True, **fields: Any
) -> AccountSnapshot:
    stamp = None if at is None else int(_at(at).timestamp() * 1000)
    return AccountSnapshot(
        account_id="A",
        balance=Balance(cash_balance=Decimal(1)),
        orders=orders,
        resync=resync,
        timestamp_ms=stamp,
        **fields,
    )


def _opened(at: float | None = 0.0) -> GapSweep:
    sweep = GapSweep()
    assert sweep.on_snapshot(_snapshot(at=at, resync=False), WALL) is False
    return sweep


def _due(sweep: GapSweep) -> bool:
    """Read afresh (mypy would keep an earlier assert's narrowing of the property)."""
    return sweep.due


def _ids(orders: Iterable[Order]) -> list[str | None]:
    return [o.cl_ord_id for o in orders]


def test_a_resync_listing_no_terminal_order_is_swept_from_the_last_snapshot() -> None:
    sweep = _opened(at=0.0)
    assert not _due(sweep) and sweep.take() is None
    assert sweep.on_snapshot(_snapshot(_order("working"), at=60.0), WALL) is True
    window = sweep.take()
    assert window is not None and _due(sweep)
    assert (window.since, window.until) == (_at(0) - SYNC_MARGIN, _at(60) + SYNC_MARGIN)


def test_a_resync_listing_terminal_orders_after_new_york_midnight_is_swept() -> None:
    """The terminal orders a snapshot lists are today's: a gap that began before midnight in
    New York (05:00 UTC in January) may hold orders that ended yesterday, which it does not
    list. T0 is 15:00 UTC: 14 hours later is 05:00 the next day."""
    sweep = _opened(at=0.0)
    after = _snapshot(_order("done", FILLED, created=50_500.0), at=50_700.0)  # 05:05 UTC
    assert sweep.on_snapshot(after, WALL) is True
    window = sweep.take()
    assert window is not None and window.since == _at(0) - SYNC_MARGIN
    # Within one day (from 05:05 to 05:10), the listing tells the gap itself.
    sweep = _opened(at=50_700.0)
    assert sweep.on_snapshot(_snapshot(_order("x", FILLED, 50_800.0), at=51_000.0), WALL) is False


def test_a_resync_listing_a_terminal_order_tells_the_gap_itself() -> None:
    sweep = _opened()
    listed = _snapshot(_order("working"), _order("done", FILLED, created=30.0), at=60.0)
    assert sweep.on_snapshot(listed, WALL) is False
    assert not _due(sweep)
    # ... and is the sync point of the next gap.
    assert sweep.on_snapshot(_snapshot(at=120.0), WALL) is True
    window = sweep.take()
    assert window is not None and window.since == _at(60) - SYNC_MARGIN


def test_the_sweep_tells_the_orders_of_the_window_the_stream_does_not_hold() -> None:
    sweep = _opened(at=0.0)
    mirror = AccountMirror()
    mirror.apply(OrderEvent(order=_order("held", FILLED, created=10.0)))
    assert sweep.on_snapshot(_snapshot(at=60.0), WALL)
    window = sweep.take()
    assert window is not None
    found = [
        _order("late", FILLED, created=40.0),
        _order("before-open", FILLED, created=-5.0),
        _order("at-open", FILLED, created=-0.5),  # within the margin: told rather than lost
        _order("held", FILLED, created=10.0),
        _order("after-resync", FILLED, created=75.0),  # told live
        _order("untimed", FILLED, created=None),
        _order("early", OrderStatus.CANCELED, created=20.0),
        _order("early", OrderStatus.CANCELED, created=20.0),
    ]
    assert _ids(sweep.checked(window, found, mirror)) == ["at-open", "early", "late"]
    assert not _due(sweep)
    # The next gap starts where this one was checked.
    assert sweep.on_snapshot(_snapshot(at=120.0), WALL)
    later = sweep.take()
    assert later is not None and later.since == _at(60) - SYNC_MARGIN


def test_orders_the_mirror_told_and_forgot_or_let_go_are_not_told_again() -> None:
    sweep = _opened(at=0.0)
    mirror = AccountMirror(terminal_kept=1)
    for name, created in (("first", 5.0), ("second", 6.0)):
        mirror.apply(OrderEvent(order=_order(name, FILLED, created=created)))
    assert "first" not in mirror.orders  # forgotten by the bound
    strange = attrs.evolve(_order("strange", created=7.0), ord_status=OrderStatus("HALTED"))
    mirror.left["strange"] = strange  # a status the client does not know, no longer listed
    assert sweep.on_snapshot(_snapshot(at=60.0), WALL)
    window = sweep.take()
    assert window is not None
    found = [_order("first", FILLED, created=5.0), strange, _order("new", FILLED, created=8.0)]
    assert _ids(sweep.checked(window, found, mirror)) == ["new"]


def test_a_failed_sweep_leaves_the_sync_point_for_the_next_resync() -> None:
    sweep = _opened(at=0.0)
    assert sweep.on_snapshot(_snapshot(at=60.0), WALL)
    window = sweep.take()
    assert window is not None
    sweep.unchecked(window)
    assert not _due(sweep)
    assert sweep.on_snapshot(_snapshot(at=120.0), WALL)
    again = sweep.take()
    assert again is not None
    assert (again.since, again.until) == (_at(0) - SYNC_MARGIN, _at(120) + SYNC_MARGIN)


def test_a_resync_during_a_sweep_stays_due_after_it() -> None:
    sweep = _opened(at=0.0)
    assert sweep.on_snapshot(_snapshot(at=60.0), WALL)
    first = sweep.take()
    assert first is not None
    assert sweep.on_snapshot(_snapshot(at=90.0), WALL)  # another gap while it reads
    assert sweep.checked(first, [], AccountMirror()) == []
    assert _due(sweep)
    second = sweep.take()
    assert second is not None
    assert (second.since, second.until) == (_at(60) - SYNC_MARGIN, _at(90) + SYNC_MARGIN)
    sweep.unchecked(first)  # a late word about the first: the second stays due
    assert _due(sweep)


def test_a_snapshot_without_a_time_takes_the_clients_clock_an_hour_back_and_no_end() -> None:
    sweep = _opened(at=None)
    assert sweep.on_snapshot(_snapshot(at=None), WALL)
    window = sweep.take()
    assert window is not None
    assert window.since == datetime.fromtimestamp(WALL, UTC) - UNTIMED_MARGIN
    assert window.until is None
    found = [_order("much-later", FILLED, created=3600.0)]
    assert _ids(sweep.checked(window, found, AccountMirror())) == ["much-later"]


def test_only_a_hook_taking_changed_since_by_name_lists_orders() -> None:
    async def plain(account_id: str, orders: Sequence[Order]) -> list[Order]:
        return []

    async def listing(
        account_id: str, orders: Sequence[Order], *, changed_since: datetime | None = None
    ) -> list[Order]:
        return []

    async def anything(account_id: str, orders: Sequence[Order], **kwargs: Any) -> list[Order]:
        return []

    assert lists_orders(listing)
    assert not lists_orders(plain)
    assert not lists_orders(anything)  # it may drop the keyword: not taken for a listing
    assert not lists_orders(len)
