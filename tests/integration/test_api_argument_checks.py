"""Arguments refused before anything is sent, read from the simulator's journal: floats for the
decimal strings of money and quantities, body items (mappings and models) checked against their
schemas, numbers for text parameters, and the wrong type for the hand-written calls' requests.

Each refusal is a :class:`ValidationError` whose ``field`` names the parameter (and, in a body
item, the item and its key); the simulator's journal stays empty.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.errors import ValidationError
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
