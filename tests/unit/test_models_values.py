"""Value rules of the converter: decimals, absent values, times, dates and open enums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import pytest

from aries_async.models import (
    Balance,
    MarketStatus,
    Order,
    OrderAck,
    OrderPage,
    OrderStatus,
    Position,
    PutCall,
    Side,
    SymbolType,
    TimeInForce,
    structure,
    unstructure,
)
from aries_async.models._converter import strict_converter
from aries_async.models.common import (
    OpenEnum,
    datetime_to_epoch,
    decimal_to_wire,
    parse_date,
    parse_datetime,
    parse_decimal,
)
from aries_async.models.generated.etf import EtfHoldingsResponseData

# ---------------------------------------------------------------------------------------------
# Decimals


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("150.00", "150.00"),
        ("-250.75", "-250.75"),
        ("0", "0"),
        ("0.00001", "0.00001"),
        ("123456789012345678.123456789", "123456789012345678.123456789"),
        (" 1.5 ", "1.5"),
        (189.49, "189.49"),  # float -> shortest repr, never 189.49000000000000909...
        (0.1, "0.1"),
        (175.4, "175.4"),
        (1e-7, "1E-7"),
        (48213377, "48213377"),
        (2710000000000, "2710000000000"),
    ],
)
def test_decimal_fidelity(wire: Any, expected: str) -> None:
    result = structure({"price": wire}, Position).price
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize("wire", ["", "   ", None])
def test_empty_decimal_is_none(wire: Any) -> None:
    assert structure({"price": wire, "symbol": "X"}, Position).price is None


@pytest.mark.parametrize("wire", ["abc", "NaN", "Infinity", True, [1]])
def test_bad_decimal_is_rejected(wire: Any) -> None:
    with pytest.raises(cattrs.BaseValidationError):
        structure({"price": wire}, Position)


@pytest.mark.parametrize("wire", [0.5, 12.25, -3.5, "12.5", float("inf"), float("nan")])
def test_an_integer_field_refuses_a_fraction_instead_of_cutting_it(wire: Any) -> None:
    """An ``int`` field (a count of a generated model: an ETF's number of holdings) given a
    number with a fraction is malformed, as the string ``"12.5"`` is: never cut to ``0`` or
    ``12``."""
    with pytest.raises(cattrs.BaseValidationError):
        structure({"numberOfHoldings": wire}, EtfHoldingsResponseData)


@pytest.mark.parametrize("wire", [12, 12.0, "12", -3.0])
def test_an_integer_field_takes_a_whole_number_in_any_form(wire: Any) -> None:
    count = structure({"numberOfHoldings": wire}, EtfHoldingsResponseData).number_of_holdings
    assert count == int(float(wire)) and type(count) is int


def test_a_boolean_field_stays_a_boolean_beside_the_integer_rule() -> None:
    # bool is a subclass of int: the integer rule must not take its fields over.
    assert structure({"success": 1, "clOrdId": "c"}, OrderAck).success is True


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (Decimal("1E+2"), "100"),
        (Decimal("150.00"), "150.00"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("-0"), "0"),
        (Decimal("-1.50"), "-1.50"),
    ],
)
def test_decimal_to_wire_is_plain(value: Decimal, wire: str) -> None:
    assert decimal_to_wire(value) == wire


def test_decimal_unstructures_as_string() -> None:
    body = unstructure(Position(symbol="AAPL", quantity=Decimal("1E+2"), price=Decimal("1.50")))
    assert body == {"symbol": "AAPL", "quantity": "100", "price": "1.50"}


def test_parse_decimal_direct() -> None:
    assert parse_decimal("") is None
    assert parse_decimal(7) == Decimal(7)
    with pytest.raises(ValueError, match="not a finite"):
        parse_decimal(float("nan"))


# ---------------------------------------------------------------------------------------------
# Date-times


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2026-01-15T14:30:05Z", datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),
        ("2026-01-15T14:30:05z", datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),
        ("2026-01-15T09:30:05-05:00", datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),
        ("2026-01-15T16:30:05+02:00", datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),
        ("2026-01-15T14:30:05.1Z", datetime(2026, 1, 15, 14, 30, 5, 100000, tzinfo=UTC)),
        ("2026-01-15T14:30:05.157503Z", datetime(2026, 1, 15, 14, 30, 5, 157503, tzinfo=UTC)),
        # nanoseconds are truncated to microseconds
        ("2026-01-15T14:30:05.123456789Z", datetime(2026, 1, 15, 14, 30, 5, 123456, tzinfo=UTC)),
        (
            "2026-01-15T14:30:04.812-05:00",
            datetime(2026, 1, 15, 19, 30, 4, 812000, tzinfo=UTC),
        ),
        ("2026-01-15T14:30:05", datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),  # naive = UTC
        (1768487405, datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),  # seconds
        (1768487405123, datetime(2026, 1, 15, 14, 30, 5, 123000, tzinfo=UTC)),  # ms
        (1768487405123456, datetime(2026, 1, 15, 14, 30, 5, 123456, tzinfo=UTC)),  # us
        (1768487405000000000, datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),  # ns
        ("1768487405", datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)),  # numeric string
    ],
)
def test_datetimes_are_aware_utc(wire: Any, expected: datetime) -> None:
    parsed = structure({"createdAt": wire}, Position).created_at
    assert parsed is not None
    assert parsed.tzinfo is not None
    assert parsed.utcoffset() == timedelta(0)
    assert parsed == expected
    assert (parsed.year, parsed.hour, parsed.microsecond) == (
        expected.year,
        expected.hour,
        expected.microsecond,
    )


@pytest.mark.parametrize("wire", ["", None])
def test_empty_datetime_is_none(wire: Any) -> None:
    assert structure({"createdAt": wire}, Position).created_at is None


@pytest.mark.parametrize("wire", ["yesterday", "2026-13-45T00:00:00Z", True])
def test_bad_datetime_is_rejected(wire: Any) -> None:
    with pytest.raises(cattrs.BaseValidationError):
        structure({"createdAt": wire}, Position)


def test_parse_datetime_converts_aware_values_to_utc() -> None:
    eastern = timezone(timedelta(hours=-5))
    result = parse_datetime(datetime(2026, 1, 15, 9, 30, tzinfo=eastern))
    assert result == datetime(2026, 1, 15, 14, 30, tzinfo=UTC)
    assert result is not None
    assert result.tzinfo == UTC


def test_datetime_unstructures_as_rfc3339_z() -> None:
    when = datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)
    assert unstructure(Position(created_at=when)) == {"createdAt": "2026-01-15T14:30:05Z"}


def test_epoch_field_unstructures_as_integer() -> None:
    status = MarketStatus(timestamp=datetime(2026, 1, 15, 14, 30, 5, 900000, tzinfo=UTC))
    assert unstructure(status) == {"timestamp": 1768487405}
    assert datetime_to_epoch(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC), "ms") == 1000


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("2026-01-15", date(2026, 1, 15)), ("2026-01-15T10:00:00Z", date(2026, 1, 15)), ("", None)],
)
def test_dates(wire: str, expected: date | None) -> None:
    assert (
        structure({"sodFundsAvailableDate": wire}, Balance).start_of_day_funds_available_date
        == expected
    )
    assert parse_date(wire) == expected


def test_date_unstructures_iso() -> None:
    assert unstructure(Balance(start_of_day_funds_available_date=date(2026, 1, 5))) == {
        "sodFundsAvailableDate": "2026-01-05"
    }


# ---------------------------------------------------------------------------------------------
# Open enums


def test_known_enum_values_are_members() -> None:
    order = structure({"side": "BUY", "ordStatus": "FILLED", "timeInForce": "GTC"}, Order)
    assert order.side is Side.BUY
    assert order.ord_status is OrderStatus.FILLED
    assert order.time_in_force is TimeInForce.GTC


def test_unknown_enum_value_is_kept_and_round_trips() -> None:
    order = structure({"clOrdId": "A", "ordStatus": "HALTED_BY_MARS", "side": "sell_plus"}, Order)
    assert order.ord_status is not None
    assert order.side is not None
    assert order.ord_status.value == "HALTED_BY_MARS"
    assert order.ord_status == "HALTED_BY_MARS"
    assert not order.ord_status.is_known
    assert not order.ord_status.is_terminal
    assert isinstance(order.ord_status, OrderStatus)
    # case is preserved for unknown values
    assert order.side.value == "sell_plus"
    assert unstructure(order) == {
        "clOrdId": "A",
        "ordStatus": "HALTED_BY_MARS",
        "side": "sell_plus",
        "legs": [],
    }


def test_enum_matching_ignores_case_for_known_values() -> None:
    assert Side("buy") is Side.BUY
    assert SymbolType("STOCK") is SymbolType.STOCK
    assert SymbolType("stock").value == "stock"
    assert SymbolType("crypto").value == "crypto"


@pytest.mark.parametrize(
    ("cls", "alias", "member"),
    [
        (TimeInForce, "ATO", TimeInForce.AT_THE_OPENING),
        (TimeInForce, "atc", TimeInForce.AT_THE_CLOSE),
        (TimeInForce, "EXT", TimeInForce.EXTENDED_HOURS),
        (PutCall, "C", PutCall.CALL),
        (PutCall, "p", PutCall.PUT),
    ],
)
def test_enum_aliases(cls: type[OpenEnum], alias: str, member: OpenEnum) -> None:
    assert cls(alias) is member


@pytest.mark.parametrize(
    ("status", "terminal"),
    [
        ("FILLED", True),
        ("CANCELED", True),
        ("REJECTED", True),
        ("EXPIRED", True),
        ("REPLACED", True),
        ("SUPERSEDED", True),
        ("DONE_FOR_DAY", True),
        ("NEW", False),
        ("PENDING_NEW", False),
        ("PARTIALLY_FILLED", False),
        ("PENDING_CANCEL", False),
        ("PENDING_REPLACE", False),
        ("SOMETHING_ELSE", False),
    ],
)
def test_order_status_terminal(status: str, terminal: bool) -> None:
    assert OrderStatus(status).is_terminal is terminal


def test_str_of_enum_is_the_wire_value() -> None:
    assert str(Side.SELL_SHORT) == "SELL_SHORT"
    assert f"{OrderStatus('NEWTHING')}" == "NEWTHING"


# ---------------------------------------------------------------------------------------------
# Converter behaviour


def test_none_is_omitted_on_unstructure() -> None:
    assert unstructure(Balance(account_id="A", balance=None, cash_balance=Decimal("-1"))) == {
        "accountId": "A",
        "cashBalance": "-1",
    }


def test_null_list_becomes_empty_even_strictly() -> None:
    page = strict_converter().structure({"orders": None, "nextCursor": 7}, OrderPage)
    assert page.orders == []
    assert page.next_cursor == 7
    assert page.has_more
    order = strict_converter().structure({"clOrdId": "A", "legs": None}, Order)
    assert order.legs == []


def test_missing_fields_take_defaults() -> None:
    page = structure({}, OrderPage)
    assert page == OrderPage(orders=[], next_cursor=0)


def test_wire_case_snake_and_override() -> None:
    @attrs.frozen(kw_only=True)
    class Snake:
        __wire_case__ = "snake"
        some_field: int | None = None

    assert unstructure(Snake(some_field=1)) == {"some_field": 1}
    assert structure({"todayRealizedPnL": "3"}, Position).today_realized_pnl == Decimal(3)
    assert "todayRealizedPnL" in unstructure(Position(today_realized_pnl=Decimal(3)))


@pytest.mark.parametrize(
    "module",
    ["__init__", "common", "_converter", "users", "accounts", "orders", "market", "options"],
)
def test_exports_resolve(module: str) -> None:
    import importlib

    name = "aries_async.models" if module == "__init__" else f"aries_async.models.{module}"
    mod = importlib.import_module(name)
    assert mod.__all__
    missing = [export for export in mod.__all__ if not hasattr(mod, export)]
    assert missing == []


@pytest.mark.parametrize("wire", ["<html>upstream error</html>", "success", [1, 2], 5, True])
def test_a_model_is_never_built_from_something_that_is_not_an_object(wire: Any) -> None:
    # A string used to pass: cattrs looked its keys up with ``in`` and built an empty model.
    with pytest.raises((TypeError, cattrs.BaseValidationError)):
        structure(wire, OrderAck)
