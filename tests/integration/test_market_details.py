"""``market.equity_details()`` and ``market.option_details()`` answer with the models the
package exports and documents (:mod:`aries_async.models`), one class per wire schema: the
generated names of those schemas are the same classes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient, models
from aries_async.errors import ValidationError
from aries_async.models import generated
from aries_async.sim import Simulator


async def test_equity_details_are_the_documented_models(aries: AriesClient) -> None:
    answer = await aries.market.equity_details(["AAPL", "MSFT"])
    assert isinstance(answer, models.EquityDetailsResponse)
    assert [item.symbol for item in answer.data] == ["AAPL", "MSFT"]
    apple = answer.data[0]
    assert isinstance(apple, models.EquityDetails)
    # Sizes and volumes are Decimal (docs/architecture.md, Quantities), as prices are.
    for size in (apple.ask_size, apple.bid_size, apple.volume, apple.average_volume_4_weeks):
        assert type(size) is Decimal
    # The names 0.1.0 had read for one release, warning.
    for old, new in [
        ("avg_volume_4_weeks", "average_volume_4_weeks"),
        ("net_change", "change"),
        ("trade_seq", "trade_sequence"),
    ]:
        with pytest.warns(DeprecationWarning, match=new):
            assert getattr(apple, old) == getattr(apple, new)
    assert apple.change is not None  # the aliases read values, not only None


async def test_option_details_are_the_documented_models(aries: AriesClient) -> None:
    expiry = (await aries.market.option_expirations("AAPL"))[0]
    osi = (await aries.market.option_chain("AAPL", expiry)).calls[0].osi
    assert osi is not None
    answer = await aries.market.option_details([osi])
    assert isinstance(answer, models.OptionDetailsResponse)
    (details,) = answer.data
    assert isinstance(details, models.OptionDetails)
    assert details.symbol == osi and type(details.ask_price) is Decimal


def test_the_generated_names_are_the_documented_models() -> None:
    assert generated.GetEquityDetailsResponse is models.EquityDetailsResponse
    assert generated.EquityDetailsDTO is models.EquityDetails
    assert generated.GetOptionDetailsResponse is models.OptionDetailsResponse
    assert generated.OptionDetailsDTO is models.OptionDetails
    assert generated.SymbolError is models.SymbolError


@pytest.mark.parametrize(
    "expiry",
    [datetime(2026, 1, 16), datetime(2026, 1, 16, 23, 30, tzinfo=UTC), "2026-01-16", None],
)
async def test_an_option_chain_takes_a_day_and_nothing_else(
    aries: AriesClient, sim: Simulator, expiry: Any
) -> None:
    # A datetime is a date to isinstance: it was sent as "2026-01-16T00:00:00", which the
    # server refuses (and an aware one may name another day than the user's).
    before = len(sim.journal)
    with pytest.raises(ValidationError) as info:
        await aries.market.option_chain("AAPL", expiry)
    assert info.value.field == "expiry"
    assert len(sim.journal) == before
