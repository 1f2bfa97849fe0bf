"""The account mirror's orders it cannot place: a status the client does not know (neither
working nor terminal), and orders of unknown state after gaps (bounded)."""

from __future__ import annotations

import logging

import pytest

from aries_async.errors import ConfigurationError
from aries_async.models.accounts import Balance
from aries_async.models.events import AccountSnapshot, OrderEvent
from aries_async.models.orders import Order, OrderStatus
from aries_async.streaming import StreamConfig
from aries_async.streaming.mirror import AccountMirror

NEW, FILLED = OrderStatus.NEW, OrderStatus.FILLED
HELD = OrderStatus("SIM_HELD")
"""A status newer than the client."""


def _order(cl_ord_id: str, status: OrderStatus | None = NEW) -> Order:
    return Order(cl_ord_id=cl_ord_id, symbol="AAPL", ord_status=status)


def _snapshot(*orders: Order) -> AccountSnapshot:
    return AccountSnapshot(account_id="A", balance=Balance(), orders=orders)


def _gap(mirror: AccountMirror, *listed: Order) -> dict[str, Order]:
    """A resync snapshot listing ``listed``: the orders that vanished, now pending."""
    vanished = mirror.apply_snapshot(_snapshot(*listed), relook_unknown=True).vanished
    mirror.pending.update(vanished)
    return vanished


# -- a status the client does not know ------------------------------------------------------


def test_an_order_of_an_unknown_status_is_neither_working_nor_terminal() -> None:
    mirror = AccountMirror(terminal_kept=0)
    mirror.apply(OrderEvent(order=_order("x", HELD)))
    assert not HELD.is_known and not mirror.orders["x"].is_terminal
    assert set(mirror.orders) == {"x"}  # not forgotten as a terminal one would be
    mirror.apply(OrderEvent(order=_order("x", OrderStatus.CANCELED)))  # a known end
    assert mirror.orders == {}


@pytest.mark.parametrize("status", [HELD, None])
def test_it_leaves_when_a_resync_no_longer_lists_it_and_the_lookup_finds_it_so(
    status: OrderStatus | None,
) -> None:
    mirror = AccountMirror()
    mirror.apply_snapshot(_snapshot(_order("x", status), _order("w")), relook_unknown=True)
    assert set(_gap(mirror, _order("x", status), _order("w"))) == set()  # still listed
    vanished = _gap(mirror, _order("w"))
    assert set(vanished) == {"x"}  # its state may have moved on to one we know: asked
    result = mirror.apply_lookup(vanished, [_order("x", status)])
    assert (result.updated, result.missing) == ([], {})
    assert set(mirror.orders) == {"w"}
    assert (mirror.pending, mirror.unknown) == ({}, {})
    assert _gap(mirror, _order("w")) == {}  # not looked up again


def test_one_that_left_is_taken_back_by_a_waiter_and_told_only_when_it_changed() -> None:
    """The latest ``unknown_kept`` that left are remembered as told: one a waiter finds over
    REST unchanged is taken back untold (and leaves with its waiter), one changed is told; one
    beyond the bound is told again rather than never."""
    mirror = AccountMirror(unknown_kept=2)
    held = [_order(c, HELD) for c in "abc"]
    mirror.apply_snapshot(_snapshot(*held), relook_unknown=True)
    vanished = _gap(mirror)
    mirror.apply_lookup(vanished, held)
    assert mirror.orders == {} and list(mirror.left) == ["b", "c"]
    mirror.hold("b")
    assert mirror.adopt(held[1]) is False and mirror.orders == {"b": held[1]}
    mirror.release("b")
    assert mirror.orders == {} and list(mirror.left) == ["c", "b"]
    assert mirror.adopt(_order("c", OrderStatus("SIM_PURGED"))) is True
    assert mirror.adopt(held[0]) is True  # forgotten by the bound


def test_a_held_one_whose_lookup_fails_stays_of_unknown_state_until_released() -> None:
    mirror = AccountMirror()
    mirror.apply_snapshot(_snapshot(_order("x", HELD)), relook_unknown=True)
    mirror.hold("x")
    vanished = _gap(mirror)
    assert mirror.give_up(vanished, "the order lookup failed") == [vanished["x"]]
    assert mirror.orders == vanished and mirror.unknown == {"x": "the order lookup failed"}
    assert mirror.give_up(vanished, "the order lookup failed") == []  # told once
    mirror.release("x")
    assert mirror.orders == {} and mirror.unknown == {} and set(mirror.left) == {"x"}


def test_what_the_lookup_finds_it_became_is_taken() -> None:
    mirror = AccountMirror()
    mirror.apply(OrderEvent(order=_order("x", HELD)))
    mirror.apply_snapshot(_snapshot(), relook_unknown=True)
    result = mirror.apply_lookup(_gap(mirror), [_order("x", FILLED)])
    assert [o.ord_status for o in result.updated] == [FILLED]
    assert mirror.orders["x"].ord_status is FILLED


def test_found_in_another_unknown_status_it_is_told_then_leaves() -> None:
    mirror = AccountMirror()
    mirror.apply(OrderEvent(order=_order("x", HELD)))
    mirror.apply_snapshot(_snapshot(), relook_unknown=True)
    voided = _order("x", OrderStatus("SIM_VOIDED"))
    result = mirror.apply_lookup(_gap(mirror), [voided])
    assert result.updated == [voided] and "x" not in mirror.orders


def test_not_found_it_is_reported_once_and_leaves() -> None:
    mirror = AccountMirror()
    mirror.apply(OrderEvent(order=_order("x", HELD)))
    mirror.apply_snapshot(_snapshot(), relook_unknown=True)
    vanished = _gap(mirror)
    assert mirror.give_up(vanished, "not found") == [vanished["x"]]  # told: a gap
    assert (mirror.orders, mirror.pending, mirror.unknown) == ({}, {}, {})
    assert _gap(mirror) == {}


# -- orders of unknown state ----------------------------------------------------------------


def _lost(mirror: AccountMirror, cl_ord_id: str) -> None:
    """A working order that vanishes at a gap and that no lookup finds."""
    mirror.apply(OrderEvent(order=_order(cl_ord_id)))
    mirror.give_up(_gap(mirror), "not found")


def test_an_order_of_unknown_state_leaves_that_bookkeeping_once_resolved() -> None:
    mirror = AccountMirror()
    mirror.apply_snapshot(_snapshot(), relook_unknown=True)
    for cl_ord_id in ("listed", "found", "ended"):
        _lost(mirror, cl_ord_id)
    assert list(mirror.unknown) == ["listed", "found", "ended"]
    vanished = _gap(mirror, _order("listed", FILLED))
    assert set(vanished) == {"found", "ended"}  # due again; "listed" is in the snapshot
    mirror.apply_lookup(vanished, [_order("found", OrderStatus.CANCELED)])
    mirror.apply(OrderEvent(order=_order("ended", FILLED)))
    assert (mirror.unknown, mirror.pending) == ({}, {})


def test_orders_of_unknown_state_are_bounded_the_first_reported_dropped_first(
    caplog: pytest.LogCaptureFixture,
) -> None:
    mirror = AccountMirror(unknown_kept=2, account_id="A")
    mirror.apply_snapshot(_snapshot(), relook_unknown=True)
    mirror.hold("held")
    for cl_ord_id in ("held", "a", "b"):
        _lost(mirror, cl_ord_id)
    with caplog.at_level(logging.WARNING, logger="aries_async.streaming"):
        _lost(mirror, "c")
    # A waiter's order stays (its waiter has been told); "a" is the first reported after it.
    assert list(mirror.unknown) == ["held", "b", "c"]
    assert "a" not in mirror.orders and {"held", "b", "c"} <= set(mirror.orders)
    (record,) = caplog.records
    assert "a" in record.getMessage() and "A" in record.getMessage()
    mirror.release("held")
    assert list(mirror.unknown) == ["b", "c"] and "held" not in mirror.orders
    # Another gap looks up only what is still kept.
    assert set(_gap(mirror)) <= {"b", "c"}


def test_the_bound_of_orders_of_unknown_state_defaults_to_a_thousand_and_may_be_lifted() -> None:
    assert StreamConfig().unknown_orders_kept == 1000
    mirror = AccountMirror(unknown_kept=None)
    mirror.apply_snapshot(_snapshot(), relook_unknown=True)
    for n in range(5):
        _lost(mirror, str(n))
    assert len(mirror.unknown) == 5


@pytest.mark.parametrize("kept", [-1, 1.5, "3"])
def test_a_bad_bound_of_orders_of_unknown_state_is_refused(kept: object) -> None:
    with pytest.raises(ConfigurationError, match="unknown_orders_kept"):
        StreamConfig(unknown_orders_kept=kept)  # type: ignore[arg-type]
