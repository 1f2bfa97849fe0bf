"""Structuring whole answers: every item the same as one alone, and errors that say where."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import cattrs
import pytest

from aries_async.models import Order, OrderPage, Position, SecurityType, structure

POSITION = {
    "accountId": "TEST-ACCOUNT-001",
    "symbol": "AAPL",
    "securityType": "EQUITY",
    "quantity": "42",
    "averagePrice": "194.95",
    "price": "191.96",
    "marketValue": "9597.84",
    "todayRealizedPnL": "0.00",
    "createdAt": "2026-01-05T15:15:00.000Z",
}


def test_a_list_of_positions_is_each_position() -> None:
    items = [dict(POSITION, quantity=str(n)) for n in range(1, 4)]
    positions = structure(items, list[Position])
    assert [p.quantity for p in positions] == [Decimal(1), Decimal(2), Decimal(3)]
    assert positions[0] == structure(items[0], Position)
    assert positions[0].security_type is SecurityType.EQUITY
    assert positions[0].created_at == datetime(2026, 1, 5, 15, 15, tzinfo=UTC)


def test_a_bad_item_deep_in_a_page_is_named_by_its_path() -> None:
    page = {"orders": [{"clOrdId": "A"}, {"clOrdId": "B", "legs": [{"ratioQty": "x"}]}]}
    with pytest.raises(cattrs.BaseValidationError) as caught:
        structure(page, OrderPage)
    assert cattrs.transform_error(caught.value) == [
        "invalid value for type, expected decimal.Decimal | None"
        " @ $.orders[1].legs[0].ratio_quantity"
    ]


def test_a_bad_position_in_a_list_is_named_by_its_index() -> None:
    with pytest.raises(cattrs.BaseValidationError) as caught:
        structure([POSITION, dict(POSITION, price="abc")], list[Position])
    assert cattrs.transform_error(caught.value) == [
        "invalid value for type, expected decimal.Decimal | None @ $[1].price"
    ]


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        # Digits alone are an epoch, even where ISO 8601's basic form would read a date.
        ("20260115", datetime.fromtimestamp(20260115, UTC)),
        (" 2026-01-15T14:30:05Z ", datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),
        ("2026-01-15 14:30:05+00:00", datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),
    ],
)
def test_times_in_other_spellings(wire: str, expected: datetime) -> None:
    assert structure({"createdAt": wire}, Position).created_at == expected


@pytest.mark.parametrize(
    ("item", "field", "expected"),
    [
        ({"symbol": 5}, "symbol", "5"),
        ({"qty": 7}, "quantity", Decimal(7)),
        ({"side": "buy"}, "side", "BUY"),
        ({"ordStatus": "SOMETHING_NEW"}, "ord_status", "SOMETHING_NEW"),
        ({"legs": None}, "legs", []),
        ({"price": None, "stopPrice": ""}, "price", None),
    ],
)
def test_values_that_are_not_the_usual_shape(
    item: dict[str, Any], field: str, expected: Any
) -> None:
    assert getattr(structure(item, Order), field) == expected


def test_null_for_a_defaulted_field_gives_the_default() -> None:
    assert structure({"orders": None, "nextCursor": None}, OrderPage) == OrderPage()
