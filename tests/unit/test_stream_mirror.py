"""The account mirror, without a socket: snapshots, live events, resyncs and lookups."""

from __future__ import annotations

from decimal import Decimal

from aries_async.models.accounts import Balance, Position
from aries_async.models.events import AccountSnapshot, BalanceEvent, OrderEvent, PositionEvent
from aries_async.models.orders import Order, OrderStatus
from aries_async.streaming.mirror import AccountMirror

NEW, FILLED = OrderStatus.NEW, OrderStatus.FILLED


def _order(cl_ord_id: str, status: OrderStatus = NEW) -> Order:
    return Order(cl_ord_id=cl_ord_id, symbol="AAPL", ord_status=status)


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
