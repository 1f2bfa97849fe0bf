"""Positions and orders from the wire: amounts checked when built, ``Decimal`` on first read."""

from __future__ import annotations

import copy
import pickle
import warnings
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import pytest

from aries_async.models import Order, OrderPage, Position, structure, unstructure
from aries_async.models.common import parse_decimal

POSITION = {
    "accountId": "A1",
    "symbol": "AAPL",
    "securityType": "EQUITY",
    "quantity": "50",
    "averagePrice": "232.08",
    "price": "228.52",
    "marketValue": "11426.00",
    "costBasis": "11604.00",
    "unrealizedPl": "-178.00",
    "todayPl": "89.50",
    "todayRealizedPnL": "0.00",
    "createdAt": "2026-01-05T15:15:00.000Z",
}
ORDER = {
    "clOrdId": "X1",
    "symbol": "JPM",
    "side": "BUY",
    "type": "STOP",
    "qty": "3",
    "price": "",
    "stopPrice": "9999",
    "ordStatus": "NEW",
    "cumQty": "0",
    "leavesQty": "3",
    "avgPrice": "0",
    "legs": [],
    "createdAt": "2026-01-15T15:00:00.000Z",
}


def _eager(model: Any) -> Any:
    """The same model built by its constructor, from the values it reads."""
    return type(model)(**attrs.asdict(model, recurse=False))


@pytest.mark.parametrize("how", ["list", "one"])
def test_a_decoded_position_is_the_model_its_constructor_builds(how: str) -> None:
    wire = [POSITION, {**POSITION, "symbol": "KO", "quantity": 7.5, "price": None}]
    if how == "list":
        positions = structure(wire, list[Position])
    else:
        positions = [structure(item, Position) for item in wire]
    eager = [_eager(p) for p in positions]
    assert positions == eager
    assert [hash(p) for p in positions] == [hash(p) for p in eager]
    assert [repr(p) for p in positions] == [repr(p) for p in eager]
    assert positions[0].average_price == Decimal("232.08")
    assert positions[1].quantity == Decimal("7.5")
    assert positions[1].price is None
    assert unstructure(positions[0]) == {k: v for k, v in POSITION.items() if k != "createdAt"} | {
        "createdAt": "2026-01-05T15:15:00Z"
    }


def test_pickle_copy_and_evolve_see_the_converted_values() -> None:
    fresh = structure([POSITION], list[Position])[0]  # nothing read yet
    assert pickle.loads(pickle.dumps(fresh)) == fresh  # noqa: S301 - our own bytes
    assert copy.copy(fresh) == fresh
    moved = attrs.evolve(structure([POSITION], list[Position])[0], symbol="MSFT")
    assert (moved.symbol, moved.quantity, moved.today_pnl) == (
        "MSFT",
        Decimal(50),
        Decimal("89.50"),
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fresh.quantity = Decimal(1)  # type: ignore[misc]


def test_an_amount_read_twice_is_the_same_object() -> None:
    position = structure([POSITION], list[Position])[0]
    assert position.market_value is position.market_value


def test_an_order_page_decodes_its_orders_with_empty_prices_as_none() -> None:
    page = structure({"orders": [ORDER, {**ORDER, "clOrdId": "X2"}], "nextCursor": 0}, OrderPage)
    assert [o.cl_ord_id for o in page.orders] == ["X1", "X2"]
    assert page.orders[0].price is None
    assert page.orders[0].stop_price == Decimal(9999)
    assert page.orders == [_eager(o) for o in page.orders]


@pytest.mark.parametrize(
    "bad", ["12.3.4", "abc", "NaN", "-Infinity", "1,5", "[1]", "null", True, {"a": 1}, [1]]
)
@pytest.mark.parametrize("how", ["list", "one"])
def test_a_malformed_amount_fails_when_the_model_is_built(bad: object, how: str) -> None:
    wire: Any = [POSITION, {**POSITION, "costBasis": bad}]
    cls: Any = list[Position]
    if how == "one":
        wire, cls = wire[1], Position
    with pytest.raises((cattrs.BaseValidationError, ValueError, TypeError)) as info:
        structure(wire, cls)
    assert "cost_basis" in _described(info.value) or "costBasis" in _described(info.value)


def _described(exc: BaseException) -> str:
    notes = [exc, *getattr(exc, "exceptions", ())]
    for inner in list(notes):
        notes += getattr(inner, "exceptions", ())
    return " ".join(f"{e} {getattr(e, '__notes__', '')}" for e in notes)


@pytest.mark.parametrize("odd", ["007", " 1.5 ", "+1", "1e999", "1_000", "-0", 12, 2**70])
def test_an_unusual_but_valid_amount_reads_as_the_strict_parser_reads_it(odd: object) -> None:
    positions = structure([POSITION, {**POSITION, "quantity": odd}], list[Position])
    assert positions[1].quantity == parse_decimal(odd)
    assert positions[0].quantity == Decimal(50)


def test_an_unknown_enum_value_or_a_number_for_a_text_still_builds_the_answer() -> None:
    wire = [POSITION, {**POSITION, "securityType": "WARRANT", "symbol": 42}]
    positions = structure(wire, list[Position])
    assert positions[1].security_type == "WARRANT"
    assert positions[1].symbol == "42"
    assert positions[0].quantity == positions[1].quantity == Decimal(50)


@pytest.mark.parametrize(
    ("model", "old", "new", "value"),
    [
        (Order(average_price=Decimal("4.1")), "avg_price", "average_price", Decimal("4.1")),
        (Position(today_pnl=Decimal("-2")), "today_pl", "today_pnl", Decimal("-2")),
    ],
)
def test_the_old_names_read_the_new_fields_and_warn(
    model: Any, old: str, new: str, value: Decimal
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert getattr(model, old) == value == getattr(model, new)
    assert [str(w.message) for w in caught] == [
        f"{type(model).__name__}.{old} is deprecated and will be removed in the next release; "
        f"use {type(model).__name__}.{new}"
    ]
    assert all(w.category is DeprecationWarning for w in caught)


def test_the_renamed_fields_keep_their_wire_keys() -> None:
    assert unstructure(Order(average_price=Decimal(1)))["avgPrice"] == "1"
    assert unstructure(Position(today_pnl=Decimal(2)))["todayPl"] == "2"
    assert structure({"avgPrice": "3"}, Order).average_price == Decimal(3)
