"""Order, replace and cancel requests: every validation rule, and the exact wire bodies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async.errors import ValidationError
from aries_async.models import (
    CancelRequest,
    LegSecurityType,
    LegSide,
    OrderLeg,
    OrderRequest,
    OrderType,
    PositionEffect,
    PutCall,
    ReplaceRequest,
    Side,
    TimeInForce,
    is_osi_symbol,
)

ACCOUNT = "TEST-ACCOUNT-001"


def option_leg(**changes: Any) -> OrderLeg:
    base: dict[str, Any] = {
        "security_type": "OPT",
        "side": "BUY",
        "position_effect": "OPEN",
        "put_call": "CALL",
        "strike_price": "150",
        "maturity": "2026-06-18",
    }
    base.update(changes)
    return OrderLeg(**base)


def order(**changes: Any) -> OrderRequest:
    base: dict[str, Any] = {
        "account_id": ACCOUNT,
        "symbol": "AAPL",
        "side": "BUY",
        "type": "LIMIT",
        "quantity": "10",
        "price": "150.00",
    }
    base.update(changes)
    return OrderRequest(**base)


def replace(**changes: Any) -> ReplaceRequest:
    base: dict[str, Any] = {
        "orig_cl_ord_id": "ORDER-1",
        "account_id": ACCOUNT,
        "symbol": "AAPL",
    }
    base.update(changes)
    return ReplaceRequest(**base)


def cancel(**changes: Any) -> CancelRequest:
    base: dict[str, Any] = {
        "orig_cl_ord_id": "ORDER-1",
        "account_id": ACCOUNT,
        "symbol": "AAPL",
        "side": "BUY",
    }
    base.update(changes)
    return CancelRequest(**base)


FOUR_LEGS = [option_leg(strike_price=str(150 + 5 * i)) for i in range(4)]

# (id, builder, field the error must name)
INVALID: list[tuple[str, Callable[[], Any], str]] = [
    # quantity
    ("qty zero", lambda: order(quantity=0), "quantity"),
    ("qty negative", lambda: order(quantity="-1"), "quantity"),
    ("qty float", lambda: order(quantity=10.0), "quantity"),
    ("qty garbage", lambda: order(quantity="ten"), "quantity"),
    ("qty nan", lambda: order(quantity="NaN"), "quantity"),
    ("qty bool", lambda: order(quantity=True), "quantity"),
    # prices
    ("price float", lambda: order(price=150.5), "price"),
    ("price zero", lambda: order(price="0"), "price"),
    ("price negative", lambda: order(price="-1"), "price"),
    ("price 6 decimals", lambda: order(price="1.123456"), "price"),
    ("limit without price", lambda: order(price=None), "price"),
    (
        "stop_limit without price",
        lambda: order(type="STOP_LIMIT", price=None, stop_price="9"),
        "price",
    ),
    ("market with price", lambda: order(type="MARKET"), "price"),
    ("stop with price", lambda: order(type="STOP", stop_price="140"), "price"),
    ("stop without stop_price", lambda: order(type="STOP", price=None), "stop_price"),
    ("stop_limit without stop_price", lambda: order(type="STOP_LIMIT"), "stop_price"),
    (
        "market with stop_price",
        lambda: order(type="MARKET", price=None, stop_price="9"),
        "stop_price",
    ),
    ("limit with stop_price", lambda: order(stop_price="9"), "stop_price"),
    (
        "stop_price 6 decimals",
        lambda: order(type="STOP", price=None, stop_price="9.000001"),
        "stop_price",
    ),
    ("stop_price float", lambda: order(type="STOP", price=None, stop_price=9.5), "stop_price"),
    ("stop_price negative", lambda: order(type="STOP", price=None, stop_price=-9), "stop_price"),
    # time in force
    ("legs with IOC", lambda: order(legs=[option_leg()], time_in_force="IOC"), "time_in_force"),
    (
        "osi symbol with FOK",
        lambda: order(symbol="AAPL240119C00150000", time_in_force="FOK"),
        "time_in_force",
    ),
    (
        "option with EXT alias",
        lambda: order(symbol="aapl240119c00150000", time_in_force="EXT"),
        "time_in_force",
    ),
    ("unknown tif", lambda: order(time_in_force="SOMETIMES"), "time_in_force"),
    # legs
    ("five legs", lambda: order(legs=[*FOUR_LEGS, option_leg()]), "legs"),
    ("legs not OrderLeg", lambda: order(legs=[{"side": "BUY"}]), "legs"),
    ("legs a string", lambda: order(legs="AAPL"), "legs"),
    # symbol
    ("empty symbol", lambda: order(symbol=""), "symbol"),
    ("blank symbol", lambda: order(symbol="   "), "symbol"),
    ("symbol 22 chars", lambda: order(symbol="A" * 22), "symbol"),
    ("symbol with space", lambda: order(symbol="AA PL"), "symbol"),
    ("symbol not str", lambda: order(symbol=123), "symbol"),
    # ids and tags
    ("client_id 51 chars", lambda: order(client_id="c" * 51), "client_id"),
    # a blank tag could never be looked up (find_by_client_id refuses it)
    ("client_id empty", lambda: order(client_id=""), "client_id"),
    ("client_id blank", lambda: order(client_id="  "), "client_id"),
    # a tag with a line break or another control character would break the log lines and
    # the CSV files it is reconciled with (spaces are fine)
    ("client_id newline", lambda: order(client_id="a\nb"), "client_id"),
    ("client_id NUL", lambda: order(client_id="a\x00b"), "client_id"),
    ("replace client_id tab", lambda: replace(client_id="a\tb"), "client_id"),
    ("empty account", lambda: order(account_id=""), "account_id"),
    ("account 51 chars", lambda: order(account_id="A" * 51), "account_id"),
    ("currency 4 letters", lambda: order(currency="USDT"), "currency"),
    # enums
    ("unknown side", lambda: order(side="HOLD"), "side"),
    ("unknown type", lambda: order(type="TRAILING_STOP"), "type"),
    ("side not str", lambda: order(side=1), "side"),
    # with_client_id is validated too
    ("with_client_id too long", lambda: order().with_client_id("x" * 51), "client_id"),
    ("with_client_id empty", lambda: order().with_client_id(""), "client_id"),
    # legs themselves
    ("leg without strike", lambda: option_leg(strike_price=None), "strike_price"),
    ("leg without put_call", lambda: option_leg(put_call=None), "put_call"),
    ("leg without maturity", lambda: option_leg(maturity=None), "maturity"),
    ("leg bad maturity", lambda: option_leg(maturity="18/06/2026"), "maturity"),
    ("leg strike float", lambda: option_leg(strike_price=150.0), "strike_price"),
    ("leg strike 6 decimals", lambda: option_leg(strike_price="150.000001"), "strike_price"),
    ("leg ratio zero", lambda: option_leg(ratio_quantity=0), "ratio_quantity"),
    ("leg unknown side", lambda: option_leg(side="SELL_SHORT"), "side"),
    ("leg unknown security type", lambda: option_leg(security_type="FUT"), "security_type"),
    ("leg unknown effect", lambda: option_leg(position_effect="ROLL"), "position_effect"),
    ("leg unknown put_call", lambda: option_leg(put_call="STRADDLE"), "put_call"),
    # replace
    ("replace empty orig id", lambda: replace(orig_cl_ord_id=""), "orig_cl_ord_id"),
    ("replace orig id 101", lambda: replace(orig_cl_ord_id="x" * 101), "orig_cl_ord_id"),
    ("replace empty account", lambda: replace(account_id=""), "account_id"),
    ("replace long symbol", lambda: replace(symbol="A" * 22), "symbol"),
    ("replace qty zero", lambda: replace(quantity=0), "quantity"),
    ("replace qty float", lambda: replace(quantity=1.5), "quantity"),
    ("replace price float", lambda: replace(price=1.5), "price"),
    ("replace price 6 decimals", lambda: replace(price="1.000001"), "price"),
    ("replace stop_price negative", lambda: replace(stop_price="-1"), "stop_price"),
    ("replace market with price", lambda: replace(type="MARKET", price="1"), "price"),
    ("replace limit with stop", lambda: replace(type="LIMIT", stop_price="1"), "stop_price"),
    (
        "replace option IOC",
        lambda: replace(legs=[option_leg()], time_in_force="IOC"),
        "time_in_force",
    ),
    ("replace five legs", lambda: replace(legs=[*FOUR_LEGS, option_leg()]), "legs"),
    ("replace client_id 51", lambda: replace(client_id="c" * 51), "client_id"),
    ("replace client_id blank", lambda: replace(client_id="\t"), "client_id"),
    ("replace unknown side", lambda: replace(side="HOLD"), "side"),
    # cancel
    ("cancel empty orig id", lambda: cancel(orig_cl_ord_id=""), "orig_cl_ord_id"),
    ("cancel empty account", lambda: cancel(account_id=""), "account_id"),
    ("cancel empty symbol", lambda: cancel(symbol=""), "symbol"),
    ("cancel unknown side", lambda: cancel(side="HOLD"), "side"),
    ("cancel side missing", lambda: cancel(side=None), "side"),
    ("cancel strike float", lambda: cancel(strike_price=1.5), "strike_price"),
    ("cancel strike negative", lambda: cancel(strike_price="-5"), "strike_price"),
    # an OSI symbol and terms that contradict it: which contract is meant?
    (
        "cancel put_call against the OSI symbol",
        lambda: cancel(symbol="AAPL260116C00190000", put_call="PUT"),
        "put_call",
    ),
    (
        "cancel strike against the OSI symbol",
        lambda: cancel(symbol="AAPL260116C00190000", strike_price="200"),
        "strike_price",
    ),
    (
        "cancel expiry against the OSI symbol",
        lambda: cancel(symbol="AAPL260116C00190000", maturity="2027-01-01"),
        "maturity",
    ),
    # an option named by the underlying needs its terms (the docstring's either/or)
    ("cancel option without terms", lambda: cancel(security_type="OPT"), "put_call"),
    ("cancel bad put_call", lambda: cancel(put_call="X"), "put_call"),
    ("cancel bad maturity", lambda: cancel(maturity="2026-6-1"), "maturity"),
    ("cancel bad security type", lambda: cancel(security_type="BOND"), "security_type"),
]


@pytest.mark.parametrize(
    ("build", "field"), [(b, f) for _, b, f in INVALID], ids=[i for i, _, _ in INVALID]
)
def test_invalid_requests_raise_naming_the_field(build: Callable[[], Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.field == field
    assert field in str(caught.value)
    assert isinstance(caught.value, ValueError)


# ---------------------------------------------------------------------------------------------
# Valid requests and their bodies


def test_minimal_limit_order_body() -> None:
    assert order().to_wire() == {
        "tradingAccountId": ACCOUNT,
        "symbol": "AAPL",
        "side": "BUY",
        "type": "LIMIT",
        "qty": "10",
        "price": "150.00",
        "timeInForce": "DAY",
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"type": "MARKET", "price": None}, {"type": "MARKET"}),
        ({"type": "STOP", "price": None, "stop_price": 140}, {"type": "STOP", "stopPrice": "140"}),
        (
            {"type": "STOP_LIMIT", "stop_price": "149.5"},
            {"type": "STOP_LIMIT", "price": "150.00", "stopPrice": "149.5"},
        ),
    ],
)
def test_order_types_body(changes: dict[str, Any], expected: dict[str, Any]) -> None:
    body = order(**changes).to_wire()
    for key, value in expected.items():
        assert body[key] == value
    if "price" not in expected:
        assert "price" not in body
    if "stopPrice" not in expected:
        assert "stopPrice" not in body


@pytest.mark.parametrize(
    ("given", "wire"),
    [
        (Decimal("150.12345"), "150.12345"),
        ("0.00001", "0.00001"),
        (150, "150"),
        (Decimal("1E+2"), "100"),
        ("1.1000000", "1.1"),  # excess zeros: 1 fractional digit really
        (Decimal("150.10"), "150.10"),
    ],
)
def test_price_precision_and_plain_strings(given: Any, wire: str) -> None:
    assert order(price=given).to_wire()["price"] == wire


def test_numbers_are_decimals_and_symbol_upper_cased() -> None:
    req = order(symbol=" aapl ", quantity=3, side=Side.SELL_SHORT, currency="usd")
    assert req.quantity == Decimal(3)
    assert isinstance(req.quantity, Decimal)
    assert req.symbol == "AAPL"
    assert req.side is Side.SELL_SHORT
    assert req.currency == "USD"
    assert req.to_wire()["currency"] == "USD"


def test_optional_fields_are_omitted_never_null() -> None:
    body = order(type="MARKET", price=None).to_wire()
    assert None not in body.values()
    assert set(body) == {"tradingAccountId", "symbol", "side", "type", "qty", "timeInForce"}


def test_tif_aliases_are_sent_as_long_names() -> None:
    assert order(time_in_force="ATO").to_wire()["timeInForce"] == "AT_THE_OPENING"
    assert order(time_in_force="ATC").time_in_force is TimeInForce.AT_THE_CLOSE
    assert order(time_in_force="EXT").to_wire()["timeInForce"] == "EXTENDED_HOURS"


@pytest.mark.parametrize("tif", ["DAY", "GTC"])
def test_option_orders_allow_day_and_gtc(tif: str) -> None:
    req = order(symbol="AAPL240119C00150000", time_in_force=tif, price="2.5")
    assert req.is_option
    assert req.to_wire()["timeInForce"] == tif
    assert order(legs=[option_leg()], time_in_force=tif).is_option


@pytest.mark.parametrize(
    "build",
    [
        lambda: order(symbol="AAPL240119C00150000", quantity="0.5", price="2.5"),
        lambda: order(legs=[option_leg()], quantity="1.5"),
        lambda: order(legs=[option_leg(ratio_quantity="0.5")]),
        lambda: ReplaceRequest(
            orig_cl_ord_id="A1",
            account_id=ACCOUNT,
            symbol="AAPL240119C00150000",
            quantity="2.25",
        ),
    ],
    ids=["osi-quantity", "legs-quantity", "leg-ratio", "replace-quantity"],
)
def test_option_contracts_are_whole(build: Callable[[], object]) -> None:
    """A contract cannot be split: a fractional quantity of an option order, or a fractional
    ratio of an option leg, is refused before sending (fractional shares stay allowed)."""
    with pytest.raises(ValidationError, match="whole number of contracts"):
        build()


def test_fractional_shares_stay_allowed() -> None:
    assert order(quantity="0.5").quantity == Decimal("0.5")
    assert order(symbol="AAPL240119C00150000", quantity="2", price="2.5").quantity == 2


def test_equity_orders_allow_every_tif() -> None:
    for tif in TimeInForce:
        assert order(time_in_force=tif).time_in_force is tif
    assert not order().is_option


def test_symbol_of_21_chars_and_four_legs_are_fine() -> None:
    assert order(symbol="A" * 21).symbol == "A" * 21
    assert len(order(legs=FOUR_LEGS).to_wire()["legs"]) == 4


def test_with_client_id() -> None:
    base = order()
    tagged = base.with_client_id("bot-7")
    assert tagged.client_id == "bot-7"
    assert tagged.to_wire()["clientId"] == "bot-7"
    assert base.client_id is None
    assert order().with_client_id("c" * 50).client_id == "c" * 50


def test_requests_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        order().quantity = Decimal(1)  # type: ignore[misc]


def test_leg_aliases_and_body() -> None:
    leg = OrderLeg(
        security_type=LegSecurityType.OPT,
        side="S",
        position_effect="C",
        put_call="P",
        strike_price=Decimal("152.50"),
        maturity=date(2026, 6, 18),
        ratio_quantity=2,
        symbol="aapl",
    )
    assert (leg.side, leg.position_effect, leg.put_call) == (
        LegSide.SELL,
        PositionEffect.CLOSE,
        PutCall.PUT,
    )
    assert leg.to_wire() == {
        "securityType": "OPT",
        "side": "SELL",
        "positionEffect": "CLOSE",
        "ratioQty": "2",
        "putCall": "PUT",
        "strikePrice": "152.50",
        "maturity": "2026-06-18",
        "symbol": "AAPL",
    }


def test_option_leg_identified_by_osi_symbol_needs_no_fields() -> None:
    """The terms are read from the OSI symbol and sent: a server that reads a leg's symbol
    as the underlying (rest.md 6.1) refuses an option leg without them."""
    leg = OrderLeg(
        security_type="OPT", side="BUY", position_effect="OPEN", symbol="AAPL240119P00152500"
    )
    assert leg.to_wire() == {
        "securityType": "OPT",
        "side": "BUY",
        "positionEffect": "OPEN",
        "ratioQty": "1",
        "putCall": "PUT",
        "strikePrice": "152.5",
        "maturity": "2024-01-19",
        "symbol": "AAPL240119P00152500",
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [("put_call", "CALL"), ("strike_price", "150"), ("maturity", "2024-02-16")],
)
def test_option_leg_terms_that_contradict_its_osi_symbol_are_refused(name: str, value: str) -> None:
    with pytest.raises(ValidationError, match="disagrees with the OSI symbol") as info:
        OrderLeg(
            security_type="OPT",
            side="BUY",
            position_effect="OPEN",
            symbol="AAPL240119P00152500",
            **{name: value},
        )
    assert info.value.field == name


def test_option_leg_of_an_osi_symbol_whose_expiry_is_no_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="no date"):
        OrderLeg(
            security_type="OPT", side="BUY", position_effect="OPEN", symbol="AAPL241319C00150000"
        )


BAD_EXPIRY = "AAPL261318C00215000"  # month 13: the OSI pattern holds, the date does not


@pytest.mark.parametrize(
    "build",
    [
        lambda: OrderRequest(
            account_id=ACCOUNT, symbol=BAD_EXPIRY, side="BUY", type="LIMIT", quantity=1, price="1"
        ),
        lambda: ReplaceRequest(
            orig_cl_ord_id="X", account_id=ACCOUNT, symbol=BAD_EXPIRY, price="1"
        ),
        lambda: CancelRequest(
            orig_cl_ord_id="X", account_id=ACCOUNT, symbol=BAD_EXPIRY, side="BUY"
        ),
        lambda: OrderLeg(security_type="CS", side="BUY", position_effect="OPEN", symbol=BAD_EXPIRY),
    ],
)
def test_an_osi_symbol_whose_expiry_is_no_date_is_refused_at_construction(
    build: Callable[[], object],
) -> None:
    with pytest.raises(ValidationError, match="no date") as info:
        build()
    assert info.value.field == "symbol"


def test_stock_leg_needs_no_option_fields() -> None:
    leg = OrderLeg(security_type="CS", side="BUY", position_effect="OPEN", ratio_quantity=100)
    assert leg.to_wire()["securityType"] == "CS"
    assert "putCall" not in leg.to_wire()


def test_replace_body_only_sends_what_changes() -> None:
    assert replace(price="148.5").to_wire() == {
        "origClOrdId": "ORDER-1",
        "tradingAccountId": ACCOUNT,
        "symbol": "AAPL",
        "price": "148.5",
    }
    body = replace(
        type=OrderType.STOP_LIMIT,
        price="1",
        stop_price="2",
        quantity=3,
        time_in_force="GTC",
        client_id="tag",
        legs=[option_leg()],
    ).to_wire()
    assert body["stopPrice"] == "2"
    assert body["qty"] == "3"
    assert body["timeInForce"] == "GTC"
    assert body["legs"][0]["strikePrice"] == "150"


def test_cancel_body_with_option_fields() -> None:
    assert cancel(
        symbol="AAPL",
        side=Side.SELL,
        security_type="OPT",
        put_call="C",
        strike_price="150",
        maturity="2026-06-18",
    ).to_wire() == {
        "origClOrdId": "ORDER-1",
        "tradingAccountId": ACCOUNT,
        "symbol": "AAPL",
        "side": "SELL",
        "securityType": "OPT",
        "putCall": "CALL",
        "strikePrice": "150",
        "maturity": "2026-06-18",
    }


@pytest.mark.parametrize(
    ("symbol", "osi"),
    [
        ("AAPL240119C00150000", True),
        ("aapl240119p00150000", True),
        ("SPXW240119C05000000", True),
        ("ABCDEFG240119C05000000", False),  # 7-character root is not OSI
        ("BRK.B240119C00150000", True),
        ("AAPL", False),
        ("AAPL240119X00150000", False),
        ("O:AAPL240119C00150000", False),
    ],
)
def test_is_osi_symbol(symbol: str, osi: bool) -> None:
    assert is_osi_symbol(symbol) is osi


# ---------------------------------------------------------------------------------------------
# Numbers that would not reach the server exactly are refused (nothing is ever sent rounded)

THIRTY_DIGITS = "1.00000000000000000000000000001"  # rounds to 1 in a 28-digit context

INEXACT = [
    ("qty 30 digits", lambda: order(quantity=THIRTY_DIGITS), "quantity"),
    ("qty 16 digits", lambda: order(quantity="1234567890.123456"), "quantity"),
    ("price 30 digits", lambda: order(price="150.000000000000000000000000001"), "price"),
    ("stop 30 digits", lambda: order(type="STOP_LIMIT", stop_price=THIRTY_DIGITS), "stop_price"),
    ("qty absurd exponent", lambda: order(quantity=Decimal("1e400000000")), "quantity"),
    ("price absurd exponent", lambda: order(price="1e400000000"), "price"),
    ("qty absurd negative exponent", lambda: order(quantity="1e-400000000"), "quantity"),
    ("qty 1e15", lambda: order(quantity=10**15), "quantity"),
    ("price 1e20", lambda: order(price=Decimal("1E+20")), "price"),
    ("qty many digits", lambda: order(quantity="9" * 5000), "quantity"),
    ("qty NaN", lambda: order(quantity="NaN"), "quantity"),
    ("qty sNaN", lambda: order(quantity=Decimal("sNaN")), "quantity"),
    ("price Infinity", lambda: order(price="Infinity"), "price"),
    ("qty -Infinity", lambda: order(quantity=Decimal("-Infinity")), "quantity"),
    ("qty zero", lambda: order(quantity="0"), "quantity"),
    ("qty negative zero", lambda: order(quantity="-0.000"), "quantity"),
    ("price negative", lambda: order(price="-1.5"), "price"),
    ("replace qty 30 digits", lambda: replace(quantity=THIRTY_DIGITS), "quantity"),
    ("replace price absurd", lambda: replace(price="1e400000000"), "price"),
    ("leg ratio 30 digits", lambda: option_leg(ratio_quantity=THIRTY_DIGITS), "ratio_quantity"),
    ("leg strike 30 digits", lambda: option_leg(strike_price=THIRTY_DIGITS), "strike_price"),
    ("cancel strike absurd", lambda: cancel(strike_price="1e400000000"), "strike_price"),
]


@pytest.mark.parametrize(
    ("build", "field"), [(b, f) for _, b, f in INEXACT], ids=[i for i, _, _ in INEXACT]
)
def test_numbers_that_would_not_survive_the_wire_are_refused(
    build: Callable[[], Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.field == field
    assert len(str(caught.value)) < 300  # the message quotes no 400-million-digit number


@pytest.mark.parametrize(
    ("qty", "wire"),
    [
        ("123456789012345", "123456789012345"),  # 15 significant digits: kept exactly
        ("0.000000000000001", "0.000000000000001"),
        ("12345.6789012345", "12345.6789012345"),
        ("10.00", "10.00"),
        ("10." + "0" * 40, "10"),  # only zeros beyond the limit: the same number, sent short
        (Decimal("2.5E+3"), "2500"),
    ],
)
def test_exact_quantities_are_sent_exactly(qty: Any, wire: str) -> None:
    body = order(quantity=qty).to_wire()
    assert body["qty"] == wire
    assert Decimal(body["qty"]) == Decimal(qty)


def test_a_replace_that_changes_nothing_is_refused() -> None:
    """A replace naming only the order (and its side) would be sent for nothing: the server
    gives the order a new id and the same terms."""
    for unchanged in ({}, {"side": "BUY"}):
        with pytest.raises(ValidationError, match="changes nothing") as info:
            replace(**unchanged)
        assert info.value.field is None
    for one in ({"client_id": "again"}, {"time_in_force": "GTC"}, {"currency": "USD"}):
        assert replace(**one).to_wire()


def test_an_order_for_two_symbols_at_once_is_refused() -> None:
    """A comma makes two symbols of one (the quotes call's separator): no order, replace,
    cancel or leg is for two instruments, and the message says so."""
    builds: list[Callable[[], object]] = [
        lambda: order(symbol="AAPL,MSFT"),
        lambda: replace(symbol="AAPL,MSFT", price="1"),
        lambda: cancel(symbol="AAPL,MSFT"),
        lambda: OrderLeg(
            symbol="AAPL,MSFT", security_type="CS", side="BUY", position_effect="OPEN"
        ),
    ]
    for build in builds:
        with pytest.raises(ValidationError, match="one symbol") as info:
            build()
        assert info.value.field == "symbol"
