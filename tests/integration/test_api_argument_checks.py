"""Arguments refused before anything is sent, read from the simulator's journal: floats for the
decimal strings of money and quantities, body items (mappings and models) checked against their
schemas, numbers for text parameters, and the wrong type for the hand-written calls' requests.

Each refusal is a :class:`ValidationError` whose ``field`` names the parameter (and, in a body
item, the item and its key); the simulator's journal stays empty.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.errors import ValidationError
from aries_async.models.generated import PredMdHistoryRequest, ScreenClause, WatchlistRequest
from aries_async.sim import Simulator

Call = Callable[[AriesClient], Awaitable[Any]]

PRED: dict[str, Any] = {
    "account_id": "TEST-ACCOUNT-001",
    "order_type": "limit",
    "outcome": "YES",
    "quantity": Decimal("10"),
    "side": "buy",
    "symbol": "KXFED-26MAR-T4.00",
    "time_in_force": "day",
    "price": Decimal("0.42"),
}
CONTRACT = "KXFED-26MAR-T4.00"
NAIVE = datetime(2026, 1, 1)  # the naive time under test


async def _refused(aries: AriesClient, sim: Simulator, call: Call) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        await call(aries)
    assert list(sim.journal) == []
    return raised.value


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 10.1}, "quantity"),
        ({"price": 0.1 + 0.2}, "price"),
        ({"quantity": 10.0}, "quantity"),  # whole, and still a float
        ({"order_type": "stop", "price": None, "stop_price": 0.5}, "stop_price"),
    ],
)
async def test_a_float_for_a_prediction_order_amount_is_refused(
    aries: AriesClient, sim: Simulator, changes: dict[str, Any], field: str
) -> None:
    error = await _refused(aries, sim, lambda c: c.predictions.orders.place(**{**PRED, **changes}))
    assert error.field == field
    assert "floats lose money" in str(error)


async def test_a_float_filter_of_a_json_number_is_still_sent(
    aries: AriesClient, sim: Simulator
) -> None:
    # A screening threshold the wire takes as a JSON number: the float's shortest text.
    await aries.financials.ratios(pe_ratio_max=15.5)
    (sent,) = list(sim.journal)
    assert ("peRatioMax", "15.5") in list(sent.query)


async def test_a_huge_prediction_quantity_is_refused_by_the_simulator_not_failed(
    aries: AriesClient, sim: Simulator
) -> None:
    from aries_async.errors import BadRequestError

    with pytest.raises(BadRequestError, match="quantity"):
        await aries.predictions.orders.place(**{**PRED, "quantity": Decimal("1e400")})


BAD_ITEMS: list[tuple[Call, str, str]] = [
    (
        lambda c: c.watchlists.replace_all(watchlists=[{"nme": "x", "symbols": ["AAPL"]}]),
        "watchlists[0].nme",
        "allowed: name, symbols",
    ),
    (
        lambda c: c.watchlists.replace_all(watchlists=[{"symbols": ["AAPL"]}]),
        "watchlists[0].name",
        "is required",
    ),
    (
        lambda c: c.watchlists.replace_all(watchlists=[{"name": "A"}, {"name": 5}]),
        "watchlists[1].name",
        "must be string",
    ),
    (
        lambda c: c.watchlists.replace_all(watchlists=[WatchlistRequest(name=5)]),  # type: ignore[arg-type]
        "watchlists[0].name",
        "must be string",
    ),
    (
        lambda c: c.watchlists.replace_all(watchlists=[{"name": "A", "symbols": ["KO", 7]}]),
        "watchlists[0].symbols[1]",
        "must be string",
    ),
    (
        lambda c: c.analytics.stock_screener(
            operator="AND", clauses=[{"field": "marketCap", "operator": "gt", "value": 1e9}]
        ),
        "clauses[0].value",
        "must be string",
    ),
    (
        lambda c: c.analytics.stock_screener(
            operator="AND",
            clauses=[ScreenClause(field="marketCap", operator="gt", value=1e9)],  # type: ignore[arg-type]
        ),
        "clauses[0].value",
        "must be string",
    ),
    (
        lambda c: c.analytics.stock_screener(operator="AND", clauses=[{"fieldz": "marketCap"}]),
        "clauses[0].fieldz",
        "allowed: field, operator, value",
    ),
    (
        lambda c: c.predictions.history.history_batch(queries=[{"sym": CONTRACT}]),
        "queries[0].sym",
        "unknown key",
    ),
    (
        lambda c: c.predictions.history.history_batch(
            queries=[{"symbol": CONTRACT, "from": "2026-01-01T00:00:00"}]
        ),
        "queries[0].from",
        "timezone-aware datetime",
    ),
    (
        lambda c: c.predictions.history.history_batch(
            queries=[PredMdHistoryRequest(symbol=CONTRACT, from_=NAIVE)]
        ),
        "queries[0].from",
        "timezone-aware datetime",
    ),
    (
        lambda c: c.predictions.history.history_batch(queries=[{"symbol": CONTRACT, "limit": "5"}]),
        "queries[0].limit",
        "must be a whole number",
    ),
    (
        lambda c: c.predictions.history.history_batch(queries=[{7: CONTRACT}]),  # type: ignore[dict-item]
        "queries[0]",
        "keys must be strings",
    ),
]


async def test_good_body_items_are_sent_as_the_wire_wants_them(
    aries: AriesClient, sim: Simulator
) -> None:
    when = datetime(2026, 1, 1, 12, tzinfo=UTC)
    await aries.predictions.history.history_batch(
        queries=[
            PredMdHistoryRequest(symbol=CONTRACT, from_=when, limit=5),
            {"symbol": CONTRACT, "to": when},
        ]
    )
    (sent,) = list(sim.journal)
    assert json.loads(sent.body) == {
        "queries": [
            {"symbol": CONTRACT, "from": "2026-01-01T12:00:00Z", "limit": 5},
            {"symbol": CONTRACT, "to": "2026-01-01T12:00:00Z"},
        ]
    }


TEXT_GIVEN_A_NUMBER: list[tuple[Call, str, str]] = [
    (lambda c: c.stocks.trades(123), "ticker", "must be a string"),  # type: ignore[arg-type]
    (lambda c: c.financials.income_statements(cik=320193), "cik", "must be a string"),  # type: ignore[arg-type]
    (lambda c: c.company.profile(cusip=Decimal("37833100")), "cusip", "must be a string"),  # type: ignore[arg-type]
    (
        lambda c: c.options.chain_snapshot("AAPL", contract_type=1),  # type: ignore[arg-type]
        "contract_type",
        "must be a string",
    ),
]
"""A number for a ``string`` parameter: an identifier's text (a CIK's leading zeros) is the
user's to give, as the signature (``str``) says. (An amount the wire takes as text, a strike,
takes a ``Decimal``: ``test_api_argument_ranges.py``.)"""

WRONG_TYPES: list[tuple[Call, str, str]] = [
    (lambda c: c.orders.place(None), "request", "OrderRequest"),  # type: ignore[arg-type]
    (lambda c: c.orders.place({"symbol": "AAPL"}), "request", "OrderRequest"),  # type: ignore[arg-type]
    (lambda c: c.orders.preview(None), "request", "OrderRequest"),  # type: ignore[arg-type]
    (lambda c: c.orders.replace(None), "request", "ReplaceRequest"),  # type: ignore[arg-type]
    (lambda c: c.orders.cancel({}), "request", "CancelRequest"),  # type: ignore[arg-type]
    (
        lambda c: c.orders.find_placed(None, since=datetime.now(UTC)),  # type: ignore[arg-type]
        "request",
        "OrderRequest",
    ),
    (lambda c: c.orders.reconcile("TEST-ACCOUNT-001", None), "orders", "list of Order"),  # type: ignore[arg-type]
    (lambda c: c.orders.reconcile("TEST-ACCOUNT-001", [1]), "orders", "list of Order"),  # type: ignore[list-item]
    (lambda c: c.market.quotes(None), "symbols", "a list of strings"),  # type: ignore[arg-type]
    (lambda c: c.market.quotes(5), "symbols", "a list of strings"),  # type: ignore[arg-type]
    (lambda c: c.market.option_details(None), "symbols", "a list of strings"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "field", "why"), [*BAD_ITEMS, *TEXT_GIVEN_A_NUMBER, *WRONG_TYPES])
async def test_a_bad_argument_is_refused_by_name_before_anything_is_sent(
    aries: AriesClient, sim: Simulator, call: Call, field: str, why: str
) -> None:
    error = await _refused(aries, sim, call)
    assert error.field == field
    assert why in str(error)
