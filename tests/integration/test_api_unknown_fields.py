"""A server newer than the client (``Faults.unknown_fields``: keys no schema names in every object
of the described answers): the generated models read the same values and ignore the new keys,
except a model made for open-ended objects, which keeps them in ``.extra``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.sim import Simulator

Call = Callable[[AriesClient], Awaitable[Any]]

CALLS: dict[str, Call] = {
    "stocks.trades page": lambda c: c.stocks.trades("AAPL", limit=5),
    "options.chain_snapshot": lambda c: c.options.chain_snapshot("AAPL", limit=3),
    "analytics.ratings page": lambda c: c.analytics.ratings(tickers="AAPL", page_size=3),
    "company.profile": lambda c: c.company.profile(symbol="AAPL"),
    "calendars.earnings list": lambda c: c.calendars.earnings(
        date(2025, 12, 1), date(2025, 12, 31), symbol="AAPL"
    ),
    "predictions.markets.categories": lambda c: c.predictions.markets.categories(),
}


@pytest.fixture
def sim_seed() -> int:
    return 8


@pytest.mark.parametrize("name", list(CALLS))
async def test_unknown_keys_are_ignored_by_the_generated_models(
    sim: Simulator, aries: AriesClient, name: str
) -> None:
    call = CALLS[name]
    before = await call(aries)
    sim.faults.unknown_fields = True
    raw = await aries.request("GET", sim.journal[-1].raw_path, params=dict(sim.journal[-1].query))
    assert "simUnknownText" in (raw[0] if isinstance(raw, list) else raw)
    after = await call(aries)
    assert after == before  # the same values, read from an answer with keys added


async def test_an_open_ended_model_keeps_unknown_keys_in_extra(
    sim: Simulator,
    aries: AriesClient,
) -> None:
    plain = (await aries.company.metrics("AAPL")).metric
    assert plain is not None and plain.beta is not None and plain.extra == {}
    sim.faults.unknown_fields = True
    metric = (await aries.company.metrics("AAPL")).metric
    assert metric is not None
    assert metric.extra["simUnknownText"] == "added by a newer server"
    assert metric.extra["simUnknownNumber"] == Decimal("1.25")
