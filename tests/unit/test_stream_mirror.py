"""The account mirror, without a socket: snapshots, live events, resyncs and lookups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from aries_async.errors import ConfigurationError
from aries_async.models.accounts import Balance, Position
from aries_async.models.events import AccountSnapshot, BalanceEvent, OrderEvent, PositionEvent
from aries_async.models.orders import Order, OrderStatus
from aries_async.streaming import StreamConfig
from aries_async.streaming.mirror import AccountMirror

NEW, FILLED = OrderStatus.NEW, OrderStatus.FILLED
T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def _order(cl_ord_id: str, status: OrderStatus = NEW, at: int | None = None) -> Order:
    updated_at = None if at is None else T0 + timedelta(seconds=at)
    return Order(cl_ord_id=cl_ord_id, symbol="AAPL", ord_status=status, updated_at=updated_at)


def _snapshot(*orders: Order, cash: str = "100") -> AccountSnapshot:
    return AccountSnapshot(
        account_id="A",
        balance=Balance(cash_balance=Decimal(cash)),
        positions=(Position(symbol="AAPL", quantity=Decimal(1)),),
        orders=orders,
    )


def test_the_first_snapshot_is_the_state_and_reports_nothing_changed() -> None:
    mirror = AccountMirror()
    first = mirror.apply_snapshot(_snapshot(_order("a")), relook_unknown=True)
    assert not first.snapshot.resync and first.changed == [] and first.vanished == {}
    assert set(mirror.orders) == {"a"} and set(mirror.positions) == {"AAPL"}
    assert mirror.balance == Balance(cash_balance=Decimal(100))


def test_live_events_update_the_state() -> None:
    mirror = AccountMirror()
    mirror.apply(OrderEvent(order=_order("a", FILLED)))
    mirror.apply(PositionEvent(position=Position(symbol="MSFT", quantity=Decimal(2))))
    mirror.apply(BalanceEvent(balance=Balance(cash_balance=Decimal(5))))
    assert mirror.orders["a"].ord_status is FILLED
    assert mirror.positions["MSFT"].quantity == 2
    assert mirror.balance is not None and mirror.balance.cash_balance == 5


def test_a_resync_reports_changed_orders_and_working_ones_that_vanished() -> None:
    mirror = AccountMirror()
    mirror.apply_snapshot(
        _snapshot(_order("kept"), _order("gone"), _order("moved")), relook_unknown=True
    )
    mirror.apply(OrderEvent(order=_order("done", FILLED)))  # terminal: never looked up
    resync = mirror.apply_snapshot(
        _snapshot(_order("kept"), _order("moved", OrderStatus.PARTIALLY_FILLED)),
        relook_unknown=True,
    )
    assert resync.snapshot.resync
    assert [o.cl_ord_id for o in resync.changed] == ["moved"]
    assert set(resync.vanished) == {"gone"}


def test_a_lookup_resolves_pending_orders_and_reports_the_missing() -> None:
    mirror = AccountMirror()
    mirror.apply_snapshot(_snapshot(_order("a"), _order("b")), relook_unknown=True)
    vanished = mirror.apply_snapshot(_snapshot(), relook_unknown=True).vanished
    mirror.pending.update(vanished)
    result = mirror.apply_lookup(vanished, [_order("a", FILLED)])
    assert [o.cl_ord_id for o in result.updated] == ["a"] and set(result.missing) == {"b"}
    assert mirror.orders["a"].ord_status is FILLED and "a" not in mirror.pending


def test_an_unknown_order_is_reported_once_and_looked_up_again_ever_more_rarely() -> None:
    mirror = AccountMirror()
    mirror.apply_snapshot(_snapshot(_order("x")), relook_unknown=True)
    vanished = mirror.apply_snapshot(_snapshot(), relook_unknown=True).vanished
    assert [o.cl_ord_id for o in mirror.give_up(vanished, "not found")] == ["x"]
    assert mirror.give_up(vanished, "still not found") == []  # said once
    assert mirror.unknown == {"x": "still not found"}
    due = [bool(mirror.apply_snapshot(_snapshot(), relook_unknown=True).vanished) for _ in range(8)]
    assert due == [True, True, False, True, False, False, False, True]
    assert not mirror.apply_snapshot(_snapshot(), relook_unknown=False).vanished
    mirror.apply(OrderEvent(order=_order("x", FILLED)))  # a live event tells the truth
    assert mirror.unknown == {}


def test_a_resync_snapshot_replaces_positions_and_balance() -> None:
    mirror = AccountMirror()
    mirror.apply_snapshot(_snapshot(cash="100"), relook_unknown=True)
    mirror.apply(PositionEvent(position=Position(symbol="MSFT", quantity=Decimal(2))))
    flat = AccountSnapshot(
        account_id="A",
        balance=Balance(cash_balance=Decimal(50)),
        positions=(Position(symbol="AAPL", quantity=Decimal(3)),),
        orders=(),
    )
    mirror.apply_snapshot(flat, relook_unknown=True)  # positions closed while down are gone
    assert mirror.positions == {"AAPL": Position(symbol="AAPL", quantity=Decimal(3))}
    assert mirror.balance == Balance(cash_balance=Decimal(50))


def test_a_lookup_does_not_overwrite_what_a_live_event_told_meanwhile() -> None:
    mirror = AccountMirror()
    mirror.apply_snapshot(_snapshot(_order("a")), relook_unknown=True)
    vanished = mirror.apply_snapshot(_snapshot(), relook_unknown=True).vanished
    mirror.pending.update(vanished)
    mirror.apply(OrderEvent(order=_order("a", FILLED)))  # while the lookup was in flight
    result = mirror.apply_lookup(vanished, [_order("a", NEW)])  # the older state it found
    assert (result.updated, result.missing) == ([], {})
    assert mirror.orders["a"].ord_status is FILLED


# -- the bound of terminal orders ---------------------------------------------------------


def _fill(mirror: AccountMirror, cl_ord_id: str, at: int | None = None) -> None:
    mirror.apply(OrderEvent(order=_order(cl_ord_id, FILLED, at)))


def test_working_orders_are_all_kept_and_the_last_terminal_ones_learnt() -> None:
    mirror = AccountMirror(terminal_kept=3)
    mirror.apply_snapshot(_snapshot(_order("w1"), _order("w2")), relook_unknown=True)
    for n in range(6):
        mirror.apply(OrderEvent(order=_order(f"w{n + 3}")))  # working: never forgotten
        _fill(mirror, f"f{n}", at=10 - n)  # learnt last, kept: whatever their own times
    mirror.apply(OrderEvent(order=_order("f3", FILLED, at=99)))  # terminal again: same place
    _fill(mirror, "f6", at=1)
    working = {f"w{n}" for n in range(1, 9)}
    assert set(mirror.orders) == working | {"f4", "f5", "f6"}
    assert "f3" not in mirror.orders
    unbounded = AccountMirror()
    for n in range(50):
        _fill(unbounded, f"f{n}", at=n)
    assert len(unbounded.orders) == 50


def test_a_snapshot_keeps_its_newest_terminal_orders_and_a_terminal_order_may_work_again() -> None:
    mirror = AccountMirror(terminal_kept=2)
    listed = [_order(f"f{n}", FILLED, at=n) for n in (5, 1, 4, 2, 3)]  # not in time order
    mirror.apply_snapshot(_snapshot(*listed, _order("w")), relook_unknown=True)
    assert set(mirror.orders) == {"w", "f5", "f4"}
    mirror.apply(OrderEvent(order=_order("f4", NEW)))  # working again: out of the queue
    _fill(mirror, "f6", at=6)
    _fill(mirror, "f7", at=7)
    assert set(mirror.orders) == {"w", "f4", "f6", "f7"}


def test_a_resync_does_not_tell_a_forgotten_order_again_but_tells_a_new_one() -> None:
    mirror = AccountMirror(terminal_kept=2)
    mirror.apply_snapshot(_snapshot(), relook_unknown=True)
    for n in range(1, 5):
        _fill(mirror, f"f{n}", at=n)  # f1 and f2 forgotten
    listed = [_order(f"f{n}", FILLED, at=n) for n in range(1, 5)]
    late = _order("late", FILLED, at=2)  # finished at the time f2 did, never told
    new = _order("new", FILLED, at=5)  # finished while the stream was down
    resync = mirror.apply_snapshot(_snapshot(*listed, late, new), relook_unknown=True)
    assert [o.cl_ord_id for o in resync.changed] == ["late", "new"]
    assert set(mirror.orders) == {"late", "new"}  # learnt last: kept
    assert not mirror.adopt(_order("f1", FILLED, at=1))  # told before: not taken again
    assert mirror.adopt(_order("stamp", FILLED))  # no time: taken, told twice over never
    assert mirror.adopt(_order("x", NEW, at=0)) and "x" in mirror.orders


def test_a_held_order_is_not_forgotten_until_released() -> None:
    mirror = AccountMirror(terminal_kept=1)
    mirror.hold("a")
    mirror.hold("a")  # two waiters
    _fill(mirror, "a", at=1)
    _fill(mirror, "b", at=2)
    _fill(mirror, "c", at=3)
    assert set(mirror.orders) == {"a", "c"}
    mirror.release("a")
    assert set(mirror.orders) == {"a", "c"}
    mirror.release("a")
    assert set(mirror.orders) == {"c"}
    assert mirror.forgotten(_order("a", FILLED, at=1))


@pytest.mark.parametrize("kept", [-1, 1.5, True, "10"])
def test_a_bad_bound_of_terminal_orders_is_refused(kept: object) -> None:
    with pytest.raises(ConfigurationError, match="terminal_orders_kept"):
        StreamConfig(terminal_orders_kept=kept)  # type: ignore[arg-type]


def test_the_bound_of_terminal_orders_defaults_to_ten_thousand_and_may_be_lifted() -> None:
    assert StreamConfig().terminal_orders_kept == 10_000
    assert StreamConfig(terminal_orders_kept=None).terminal_orders_kept is None
    assert StreamConfig(terminal_orders_kept=0).terminal_orders_kept == 0
