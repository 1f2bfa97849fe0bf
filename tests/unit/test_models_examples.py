"""Every REST/OAuth example payload of the wire spec parses into its model.

The strict converter rejects unknown keys, so a documented field missing from a model fails
here; the production converter must tolerate fields it does not know. Request examples are
rebuilt from request objects and compared with ``to_wire()``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import cattrs
import pytest

from aries_async.auth.tokens import Token
from aries_async.models import (
    Account,
    AccountStatus,
    Balance,
    CancelAck,
    CancelRequest,
    EquityDetailsResponse,
    Holiday,
    LegSecurityType,
    MarketStatus,
    OptionChain,
    OptionDetailsResponse,
    OptionExpirations,
    OrderAck,
    OrderCategory,
    OrderLeg,
    OrderPage,
    OrderPreview,
    OrderRequest,
    OrderStatus,
    OrderType,
    Position,
    PositionEffect,
    PutCall,
    ReplaceAck,
    ReplaceRequest,
    SecurityType,
    Side,
    SymbolMatch,
    SymbolType,
    TimeInForce,
    User,
    parse_bars,
    parse_quotes_response,
    structure,
)
from aries_async.models._converter import strict_converter

EXAMPLES = Path(os.environ.get("ARIES_API_EXAMPLES", "/work/shared/aries-api/examples"))

pytestmark = pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason=f"wire-spec examples not found at {EXAMPLES}"
)


def load(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text())


# file -> (model, how to take the model's objects out of the body)
RESPONSES: dict[str, tuple[Any, Callable[[Any], list[Any]]]] = {
    "users.me.response.json": (User, lambda body: [body]),
    "accounts.list.response.json": (Account, lambda body: body["accounts"]),
    "accounts.balance.response.json": (Balance, lambda body: [body]),
    "accounts.positions.response.json": (Position, lambda body: body["positions"]),
    "orders.active.response.json": (OrderPage, lambda body: [body]),
    "orders.active.empty.response.json": (OrderPage, lambda body: [body]),
    "orders.history.response.json": (OrderPage, lambda body: [body]),
    "orders.place.response.json": (OrderAck, lambda body: [body]),
    "orders.preview.response.json": (OrderPreview, lambda body: [body]),
    "orders.replace.response.json": (ReplaceAck, lambda body: [body]),
    "orders.cancel.response.json": (CancelAck, lambda body: [body]),
    "marketdata.search.response.json": (SymbolMatch, lambda body: body),
    "market.status.response.json": (MarketStatus, lambda body: [body]),
    "market.holidays.response.json": (Holiday, lambda body: body["holidays"]),
    "options.expiry_dates.response.json": (OptionExpirations, lambda body: [body]),
    "options.contracts.response.json": (OptionChain, lambda body: [body]),
    "marketdata.equity_details.response.json": (EquityDetailsResponse, lambda body: [body]),
    "marketdata.option_details.response.json": (OptionDetailsResponse, lambda body: [body]),
}

# Bodies with their own parse functions (UDF shapes) or owned outside the models package.
PARSED_ELSEWHERE = {
    "chart.quotes.response.json",
    "chart.history.response.json",
    "chart.history.no_data.response.json",
    "oauth.token.response.json",
}
# Not model payloads: error envelopes (errors.py) and OAuth authorize steps (auth package).
NOT_MODELS = {
    "errors.flat.response.json",
    "errors.nested.response.json",
    "errors.unavailable_503.response.json",
    "oauth.authorize.response.json",
    "oauth.authorize_confirm.response.json",
    "oauth.authorize_mfa.response.json",
    "oauth.authorize_confirm.request.json",
    "oauth.authorize_mfa.request.json",
    "oauth.token.authorization_code.request.json",
    "oauth.token.pkce.request.json",
    "oauth.token.refresh.request.json",
}
REQUESTS = {
    "orders.place.request.json",
    "orders.place.option_single_leg.request.json",
    "orders.place.multi_leg.request.json",
    "orders.preview.request.json",
    "orders.replace.request.json",
    "orders.cancel.request.json",
}


def test_every_example_file_is_accounted_for() -> None:
    on_disk = {p.name for p in EXAMPLES.glob("*.json")}
    known = set(RESPONSES) | PARSED_ELSEWHERE | NOT_MODELS | REQUESTS
    assert on_disk - known == set(), "new example files: add them to a table"
    assert known - on_disk == set(), "tables name files that do not exist"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_response_example_fits_its_model_strictly(name: str) -> None:
    model, pick = RESPONSES[name]
    items = pick(load(name))
    assert items
    strict = strict_converter()
    for item in items:
        parsed = strict.structure(item, model)
        assert isinstance(parsed, model)


def _with_extra(value: Any) -> Any:
    """A copy with an unknown key added to every object (recursively)."""
    if isinstance(value, dict):
        out = {k: _with_extra(v) for k, v in value.items()}
        out["someFutureField"] = {"nested": [1, "x"]}
        return out
    if isinstance(value, list):
        return [_with_extra(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_production_converter_tolerates_unknown_fields(name: str) -> None:
    model, pick = RESPONSES[name]
    for item in pick(load(name)):
        plain = structure(item, model)
        assert structure(_with_extra(item), model) == plain
        with pytest.raises(cattrs.BaseValidationError) as caught:
            strict_converter().structure(_with_extra(item), model)
        assert "someFutureField" in " ".join(cattrs.transform_error(caught.value))


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_unstructure_round_trips(name: str) -> None:
    model, pick = RESPONSES[name]
    strict = strict_converter()
    for item in pick(load(name)):
        parsed = strict.structure(item, model)
        assert strict.structure(strict.unstructure(parsed), model) == parsed


# ---------------------------------------------------------------------------------------------
# Values of particular examples


def test_user_example_values() -> None:
    user = structure(load("users.me.response.json"), User)
    assert user.id == 123
    assert user.email_verified is True
    assert user.account_application is not None
    assert user.account_application.missing_fields == ["date_of_birth"]
    assert user.account_application.can_submit is False
    assert user.created_at == datetime(2026, 1, 13, 11, 7, 5, 157503, tzinfo=UTC)


def test_accounts_example_values() -> None:
    live, sim = (structure(a, Account) for a in load("accounts.list.response.json")["accounts"])
    assert live.id == live.trading_account_id == "TEST-ACCOUNT-001"
    assert live.status is AccountStatus.OPEN
    assert (live.is_sim, sim.is_sim) == (False, True)
    assert sim.broker_account_id == ""
    assert live.account_class == "MARGIN"


@pytest.mark.parametrize(
    "item", [{"is_sim": True}, {"trading_account_id": None}, {"trading_account_id": ""}]
)
async def test_an_account_without_a_trading_account_id_has_an_empty_id_calls_refuse(
    item: dict[str, Any],
) -> None:
    from aries_async import AriesClient, ClientConfig
    from aries_async.errors import ValidationError

    account = structure(item, Account)
    assert account.id == ""
    assert f"{account.id:<20}|" == " " * 20 + "|"  # listings format it like any other id
    config = ClientConfig.for_base_url("http://127.0.0.1:9")  # never reached
    async with AriesClient(config, token=Token(access_token="x" * 30)) as client:
        with pytest.raises(ValidationError) as info:
            await client.accounts.balance(account.id)
    assert info.value.field == "account_id"


def test_balance_example_values() -> None:
    bal = structure(load("accounts.balance.response.json"), Balance)
    assert bal.net_buying_power == Decimal("125000.50")
    assert str(bal.balance) == "250000.00"
    assert bal.day_trade_overnight_reg_t_buying_power == Decimal("48000.00")
    assert bal.pending_orders_count == 2
    assert bal.start_of_day_funds_available_date == date(2026, 1, 15)
    assert bal.start_of_day_total_equity_updated_at == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert bal.sma_credit_remaining == Decimal(0)


def test_positions_example_values() -> None:
    stock, option = (
        structure(p, Position) for p in load("accounts.positions.response.json")["positions"]
    )
    assert stock.security_type is SecurityType.EQUITY
    assert option.security_type is SecurityType.OPTION
    assert stock.today_realized_pnl == Decimal(0)
    assert stock.quantity == Decimal(100)
    assert option.average_price == Decimal("4.10")
    assert stock.created_at == datetime(2026, 1, 10, 16, tzinfo=UTC)


def test_active_orders_example_values() -> None:
    page = structure(load("orders.active.response.json"), OrderPage)
    assert page.next_cursor == 0
    assert not page.has_more
    stock, spread = page.orders
    assert stock.cl_ord_id == "ORDER-20260115-003"
    assert stock.orig_cl_ord_id == "ORDER-20260115-001"
    assert stock.stop_price is None  # "" means absent
    assert stock.price == Decimal("148.50")
    assert stock.type is OrderType.LIMIT
    assert stock.ord_status is OrderStatus.NEW
    assert not stock.is_terminal
    assert stock.legs == []
    assert spread.category is OrderCategory.MULTI_LEG
    assert spread.time_in_force is TimeInForce.GTC
    assert [leg.strike_price for leg in spread.legs] == [Decimal(150), Decimal(155)]
    assert spread.legs[1].side == "SELL"
    assert spread.legs[0].maturity == date(2026, 6, 18)
    assert spread.legs[0].put_call is PutCall.CALL
    assert spread.legs[0].position_effect is PositionEffect.OPEN
    assert spread.legs[0].average_price == Decimal("4.10")


def test_null_orders_is_an_empty_page() -> None:
    page = strict_converter().structure(load("orders.active.empty.response.json"), OrderPage)
    assert page.orders == []
    assert page.next_cursor == 0


def test_history_example_values() -> None:
    (order,) = structure(load("orders.history.response.json"), OrderPage).orders
    assert order.ord_status is OrderStatus.FILLED
    assert order.is_terminal
    assert order.average_price == Decimal("410.25")
    assert order.side is Side.SELL


def test_acks_example_values() -> None:
    ack = structure(load("orders.place.response.json"), OrderAck)
    assert ack.accepted
    assert ack.cl_ord_id == "ORDER-20260115-001"
    assert ack.transact_time == datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)
    replace = structure(load("orders.replace.response.json"), ReplaceAck)
    assert replace.accepted
    assert replace.status is OrderStatus.PENDING_REPLACE
    assert replace.price == Decimal("148.50")
    cancel = structure(load("orders.cancel.response.json"), CancelAck)
    assert cancel.accepted
    assert cancel.orig_cl_ord_id == "ORDER-20260115-003"
    preview = structure(load("orders.preview.response.json"), OrderPreview)
    assert preview.number_day_trades == 0
    assert preview.ok
    assert preview.buying_power_impact == Decimal("1500.01")
    assert preview.warn_rule_id == "0"


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        ({"success": True, "status": "NEW"}, True),
        ({"success": True, "status": "REJECTED", "ordRejReason": "no bp"}, False),
        ({"success": False, "status": "NEW"}, False),
        ({"status": "NEW"}, False),  # Go omitempty drops success=false
    ],
)
@pytest.mark.parametrize("ack", [OrderAck, ReplaceAck, CancelAck])
def test_ack_accepted(body: dict[str, Any], accepted: bool, ack: type[Any]) -> None:
    assert structure(body, ack).accepted is accepted


def test_market_examples_values() -> None:
    status = structure(load("market.status.response.json"), MarketStatus)
    assert status.is_open is True
    assert status.timestamp == datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)
    holidays = structure(load("market.holidays.response.json")["holidays"], list[Holiday])
    assert [h.early_close for h in holidays] == [False, True, True, False]
    assert holidays[0].at_date == date(2026, 11, 26)
    matches = structure(load("marketdata.search.response.json"), list[SymbolMatch])
    assert [m.type for m in matches] == [SymbolType.STOCK, SymbolType.OPTION]
    assert matches[1].tag == "OPRA"


def test_details_examples_values() -> None:
    details = structure(load("marketdata.equity_details.response.json"), EquityDetailsResponse)
    (aapl,) = details.data
    assert aapl.pe == Decimal("28.7")
    assert aapl.is_etf is False
    assert aapl.has_options is True
    assert aapl.high_52_week_date == date(2025, 12, 14)
    assert aapl.average_volume_4_weeks == Decimal(52110000)
    assert aapl.trade_timestamp == datetime(2026, 1, 15, 19, 30, 4, 812000, tzinfo=UTC)
    assert details.errors[0].symbol == "ZZZZ"
    options = structure(load("marketdata.option_details.response.json"), OptionDetailsResponse)
    assert options.data[0].mid_price == Decimal("79.475")
    assert options.errors == []


def test_options_examples_values() -> None:
    expirations = structure(load("options.expiry_dates.response.json"), OptionExpirations)
    assert expirations.expiry_dates[-1] == date(2026, 6, 18)
    chain = structure(load("options.contracts.response.json"), OptionChain)
    assert chain.expiry_date == date(2025, 1, 17)
    assert [c.strike_price for c in chain.calls] == [Decimal(150), Decimal(155)]
    assert chain.calls[0].osi == "AAPL250117C00150000"
    assert chain.puts[0].put_call == "PUT"
    assert chain.calls[0].put_call == "CALL"


def test_quotes_example() -> None:
    aapl, msft = parse_quotes_response(load("chart.quotes.response.json"))
    assert (aapl.symbol, msft.symbol) == ("AAPL", "MSFT")
    assert aapl.last_price == Decimal("175.4")
    assert msft.change == Decimal("-2.15")
    assert aapl.volume == Decimal(48213377)
    assert msft.open_price == Decimal("412.0")
    assert aapl.description == "Apple Inc."


def test_bars_examples() -> None:
    bars = parse_bars(load("chart.history.response.json"))
    assert [b.timestamp for b in bars] == [
        datetime(2023, 1, 1, 0, tzinfo=UTC),
        datetime(2023, 1, 1, 1, tzinfo=UTC),
        datetime(2023, 1, 1, 2, tzinfo=UTC),
    ]
    assert bars[2].close == Decimal("131.24")
    assert bars[0].volume == Decimal(1234567)
    assert parse_bars(load("chart.history.no_data.response.json")) == []


def test_token_example_parses() -> None:
    token = Token.from_response(load("oauth.token.response.json"), now=1000.0)
    assert token.expires_at == 4600.0
    assert "order:execution" in token.scopes


# ---------------------------------------------------------------------------------------------
# Requests: build the object, compare to_wire() with the example body


def _option_leg(side: str, strike: str) -> OrderLeg:
    return OrderLeg(
        security_type=LegSecurityType.OPT,
        side=side,
        ratio_quantity=1,
        put_call=PutCall.CALL,
        strike_price=strike,
        maturity=date(2026, 6, 18),
        position_effect=PositionEffect.OPEN,
    )


REQUEST_OBJECTS: dict[str, Callable[[], Any]] = {
    "orders.place.request.json": lambda: OrderRequest(
        account_id="TEST-ACCOUNT-001",
        symbol="AAPL",
        side=Side.BUY,
        type=OrderType.LIMIT,
        quantity=10,
        price=Decimal("150.00"),
        client_id="strategy-42",
    ),
    "orders.place.option_single_leg.request.json": lambda: OrderRequest(
        account_id="TEST-ACCOUNT-001",
        symbol="AAPL",
        side="BUY",
        type="LIMIT",
        quantity="1",
        price="2.50",
        legs=[_option_leg("BUY", "150")],
    ),
    "orders.place.multi_leg.request.json": lambda: OrderRequest(
        account_id="TEST-ACCOUNT-001",
        symbol="AAPL",
        side=Side.BUY,
        type=OrderType.LIMIT,
        quantity=5,
        price="1.85",
        time_in_force=TimeInForce.GTC,
        legs=[_option_leg("BUY", "150"), _option_leg("SELL", "155")],
    ),
    "orders.preview.request.json": lambda: OrderRequest(
        account_id="TEST-ACCOUNT-001", symbol="AAPL", side="BUY", type="MARKET", quantity=10
    ),
    "orders.replace.request.json": lambda: ReplaceRequest(
        orig_cl_ord_id="ORDER-20260115-001",
        account_id="TEST-ACCOUNT-001",
        symbol="AAPL",
        side=Side.BUY,
        type=OrderType.LIMIT,
        quantity=20,
        price="148.50",
        time_in_force=TimeInForce.DAY,
    ),
    "orders.cancel.request.json": lambda: CancelRequest(
        orig_cl_ord_id="ORDER-20260115-003",
        account_id="TEST-ACCOUNT-001",
        symbol="AAPL",
        side=Side.BUY,
        security_type=LegSecurityType.CS,
    ),
}


def test_every_request_example_has_an_object() -> None:
    assert set(REQUEST_OBJECTS) == REQUESTS


@pytest.mark.parametrize("name", sorted(REQUEST_OBJECTS))
def test_request_to_wire_equals_example(name: str) -> None:
    body = REQUEST_OBJECTS[name]().to_wire()
    assert body == load(name)
    # the exact JSON text round-trips too: nothing in the body needs a custom encoder
    assert json.loads(json.dumps(body)) == load(name)


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("orders.place.request.json", OrderRequest),
        ("orders.place.multi_leg.request.json", OrderRequest),
        ("orders.replace.request.json", ReplaceRequest),
        ("orders.cancel.request.json", CancelRequest),
    ],
)
def test_request_examples_structure_back(name: str, model: Any) -> None:
    """The simulator can read request bodies with the same models (validation included)."""
    parsed = strict_converter().structure(load(name), model)
    assert parsed == REQUEST_OBJECTS[name]()
    assert parsed.to_wire() == load(name)
