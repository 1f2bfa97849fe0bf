"""Positions and orders read from their bytes (msgspec, ``models/_reader.py``) and from decoded
JSON (the converter): the same models, and what the bytes reader does not take is left to the
converter."""

from __future__ import annotations

import json
import random
import warnings
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import cattrs
import orjson
import pytest

from aries_async.http.decode import SLICED_BYTES, loads_in_pieces
from aries_async.models import Order, OrderPage, Position, structure, unstructure
from aries_async.models._reader import Unread, body_reader
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


LEG = {
    "symbol": "AAPL260618C00180000",
    "side": "BUY",
    "ratioQty": "1",
    "positionEffect": "OPEN",
    "putCall": "CALL",
    "strikePrice": "180",
    "maturity": "2026-06-18",
    "avgPrice": "",
}
POSITIONS = list[Position]


def _read(model: Any, wire: Any, key: str | None = None) -> Any:
    """``wire`` read from its bytes, or the :class:`Unread` raised."""
    reader = body_reader(model, key)
    assert reader is not None
    try:
        return reader.read(json.dumps(wire).encode())  # json: ints beyond 64 bits too
    except Unread as exc:
        return exc


@pytest.mark.parametrize("shape", ["bare", "keyed"])
def test_a_positions_answer_read_from_its_bytes_is_the_converters(shape: str) -> None:
    items = [POSITION, {**POSITION, "symbol": "KO", "quantity": 7.5, "price": None}]
    wire: Any = items if shape == "bare" else {"positions": items, "other": 1}
    positions = _read(POSITIONS, wire, "positions")
    assert positions == structure(items, POSITIONS)
    assert [repr(p) for p in positions] == [repr(p) for p in structure(items, POSITIONS)]
    assert positions[0].average_price == Decimal("232.08")
    assert positions[1].quantity == Decimal("7.5")
    assert positions[1].price is None
    assert positions[0].created_at == datetime(2026, 1, 5, 15, 15, tzinfo=UTC)
    assert unstructure(positions[0]) == {k: v for k, v in POSITION.items() if k != "createdAt"} | {
        "createdAt": "2026-01-05T15:15:00Z"
    }


def test_an_order_page_read_from_its_bytes_has_empty_prices_as_none() -> None:
    multi = {**ORDER, "clOrdId": "X2", "category": "MULTI_LEG", "legs": [LEG, LEG]}
    wire = {"orders": [ORDER, multi], "nextCursor": 7}
    page = _read(OrderPage, wire)
    assert page == structure(wire, OrderPage)
    assert [o.cl_ord_id for o in page.orders] == ["X1", "X2"]
    assert (page.orders[0].price, page.orders[0].stop_price) == (None, Decimal(9999))
    assert page.orders[1].legs[0].strike_price == Decimal(180)
    assert page.orders[1].legs[0].average_price is None
    assert page.next_cursor == 7


@pytest.mark.parametrize(
    ("field", "value", "converted"),
    [
        ("price", "", None),  # a blank where the reader expects a number
        ("createdAt", "2026-01-05T10:15:00-05:00", datetime(2026, 1, 5, 15, 15, tzinfo=UTC)),
        ("createdAt", 1767626100, datetime(2026, 1, 5, 15, 15, tzinfo=UTC)),
        ("symbol", 42, "42"),
    ],
)
def test_what_the_reader_does_not_take_the_converter_reads(
    field: str, value: object, converted: object
) -> None:
    wire = [POSITION, {**POSITION, field: value}]
    assert isinstance(_read(POSITIONS, wire), Unread)
    name = {"price": "price", "createdAt": "created_at", "symbol": "symbol"}[field]
    assert getattr(structure(wire, POSITIONS)[1], name) == converted


@pytest.mark.parametrize(
    "bad", ["12.3.4", "abc", "NaN", "-Infinity", "1,5", "[1]", "null", True, {"a": 1}, [1]]
)
@pytest.mark.parametrize("how", ["list", "one"])
def test_a_malformed_amount_is_refused_with_the_field_named(bad: object, how: str) -> None:
    wire: Any = [POSITION, {**POSITION, "costBasis": bad}]
    cls: Any = POSITIONS
    if how == "one":
        wire, cls = wire[1], Position
    else:
        assert isinstance(_read(cls, wire), Unread)
    with pytest.raises((cattrs.BaseValidationError, ValueError, TypeError)) as info:
        structure(wire, cls)
    assert "cost_basis" in _described(info.value) or "costBasis" in _described(info.value)


def _described(exc: BaseException) -> str:
    notes = [exc, *getattr(exc, "exceptions", ())]
    for inner in list(notes):
        notes += getattr(inner, "exceptions", ())
    return " ".join(f"{e} {getattr(e, '__notes__', '')}" for e in notes)


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "1.2.3", True])
def test_a_malformed_blank_able_price_is_refused(bad: object) -> None:
    wire = {"orders": [{**ORDER, "stopPrice": bad}]}
    assert isinstance(_read(OrderPage, wire), Unread)
    with pytest.raises((cattrs.BaseValidationError, ValueError)):
        structure(wire, OrderPage)


def test_null_for_a_field_with_a_default_reads_as_the_default() -> None:
    wire = {"orders": [{**ORDER, "legs": None}], "nextCursor": None}
    read = _read(OrderPage, wire)
    assert read == structure(wire, OrderPage)
    assert read.next_cursor == 0
    assert all(order.legs == [] for order in read.orders)


@pytest.mark.parametrize(
    ("model", "key", "wire"),
    [
        (OrderPage, None, {"orders": None, "nextCursor": None}),  # active orders, none open
        (OrderPage, None, {}),
        (OrderPage, None, {"data": {"orders": [ORDER]}}),  # an envelope it does not know
        (POSITIONS, "positions", {"positions": None}),
        (POSITIONS, "positions", {"data": {"positions": [POSITION]}}),
    ],
)
def test_an_answer_without_items_is_left_to_the_converter(
    model: Any, key: str | None, wire: dict[str, Any]
) -> None:
    """The mirror reads an empty answer and one in another envelope alike, without items:
    the converter tells them apart (models/_envelopes.py)."""
    assert isinstance(_read(model, wire, key), Unread)


@pytest.mark.parametrize("odd", ["007", " 1.5 ", "+1", "1e999", "1_000", "-0", 12, 2**70, 0.1])
def test_an_unusual_but_valid_amount_reads_as_the_strict_parser_reads_it(odd: object) -> None:
    wire = [POSITION, {**POSITION, "quantity": odd}]
    read = _read(POSITIONS, wire)
    assert not isinstance(read, Unread)
    assert read[1].quantity == parse_decimal(odd) == structure(wire, POSITIONS)[1].quantity


def test_a_json_number_keeps_every_digit_it_was_sent_with() -> None:
    body = b'[{"quantity": 0.12345678901234567890123, "price": 1.10}]'
    reader = body_reader(POSITIONS)
    assert reader is not None
    (read,) = reader.read(body)
    assert read.quantity == Decimal("0.12345678901234567890123")
    assert read.price == Decimal("1.10")
    # The converter gets the float orjson made of it: the digits a float holds.
    (built,) = structure(orjson.loads(body), POSITIONS)
    assert built.quantity == Decimal("0.12345678901234568")


def test_an_unknown_enum_value_reads_as_the_converter_reads_it() -> None:
    wire = [{**POSITION, "securityType": "WARRANT"}, {**POSITION, "securityType": "equity"}]
    read = _read(POSITIONS, wire)
    assert read == structure(wire, POSITIONS)
    assert (read[0].security_type, read[0].security_type.is_known) == ("WARRANT", False)
    assert read[1].security_type.is_known


@pytest.mark.parametrize(
    ("field", "value"), [("costBasis", "NaN"), ("createdAt", "2026-01-05T10:15:00-05:00")]
)
def test_a_part_of_a_large_answer_is_checked_as_a_whole_answer_is(field: str, value: str) -> None:
    reader = body_reader(POSITIONS, "positions")
    assert reader is not None
    part = orjson.dumps([POSITION, {**POSITION, field: value}, POSITION])
    with pytest.raises(Unread):  # the converter reads it: refuses the NaN, moves the time to UTC
        reader.read_items(part)
    assert len(reader.read_items(orjson.dumps([POSITION, POSITION]))) == 2


def test_a_large_answer_read_in_parts_gives_the_models_of_the_whole() -> None:
    count = SLICED_BYTES // len(orjson.dumps(POSITION)) * 2
    items = [{**POSITION, "symbol": f"S{i}"} for i in range(count)]
    reader = body_reader(POSITIONS, "positions")
    assert reader is not None
    parts: list[int] = []

    def read_items(part: bytes) -> list[Any]:
        parts.append(len(part))
        read: list[Any] = reader.read_items(part)
        return read

    data = loads_in_pieces(orjson.dumps({"positions": items}), read_items)
    assert len(parts) > 2
    read = [p for p in data["positions"] if isinstance(p, Position)]
    assert len(read) > count / 2  # the ends of the list are read with the rest of the body
    assert structure(data["positions"], POSITIONS) == structure(items, POSITIONS)


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


_ODD_VALUES: tuple[object, ...] = (
    "",
    None,
    "NaN",
    "-Infinity",
    "1e3",
    " 2.50 ",
    "abc",
    "007",
    5,
    5.25,
    -0.0,
    2**70,
    True,
    [],
    {},
    "2026-01-05T10:15:00-05:00",
    "2026-01-05T15:15:00",
    1767626100,
    "equity",
    "WARRANT",
    "BUY",
)


@pytest.mark.parametrize("seed", range(40))
def test_the_reader_gives_the_converters_models_or_none(seed: int) -> None:
    """Whatever the fields hold, the bytes reader gives the models the converter builds, or
    leaves the body to the converter (which may refuse it): never other models."""
    rng = random.Random(seed)
    multi: dict[str, Any] = {**ORDER, "clOrdId": "X2", "legs": [LEG, LEG]}
    cases: tuple[tuple[Any, list[dict[str, Any]], str], ...] = (
        (POSITIONS, [POSITION, {**POSITION, "symbol": "KO"}], "positions"),
        (OrderPage, [ORDER, multi], "orders"),
    )
    for model, items, key in cases:
        changed = [dict(item) for item in items]
        for _ in range(rng.randint(1, 3)):
            item = rng.choice(changed)
            target = item
            if item.get("legs") and rng.random() < 0.5:
                item["legs"] = [dict(leg) for leg in item["legs"]]
                target = rng.choice(item["legs"])
            target[rng.choice(list(target))] = rng.choice(_ODD_VALUES)
        wire: Any = {key: changed}
        read = _read(model, wire, key if model is POSITIONS else None)
        try:
            built = structure(changed if model is POSITIONS else wire, model)
        except (cattrs.BaseValidationError, ValueError, TypeError):
            assert isinstance(read, Unread), (seed, changed)
            continue
        assert isinstance(read, Unread) or read == built, (seed, changed)


@pytest.mark.parametrize("odd", [{"token": "x"}, ["AAPL"], {}])
@pytest.mark.parametrize("how", ["list", "one"])
def test_a_text_field_given_an_object_is_refused_by_both_paths(odd: object, how: str) -> None:
    wire: Any = [POSITION, {**POSITION, "symbol": odd}]
    cls: Any = POSITIONS
    if how == "one":
        wire, cls = wire[1], Position
    else:
        assert isinstance(_read(cls, wire), Unread)
    with pytest.raises((cattrs.BaseValidationError, ValueError, TypeError)) as info:
        structure(wire, cls)
    described = _described(info.value)
    assert "symbol" in described and type(odd).__name__ in described, described
    assert "'token'" not in described and "AAPL" not in described
