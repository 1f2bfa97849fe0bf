"""The shared query filters have a public home, ``aries_async.filters``: a user annotates with
them (mypy checks this file: a wrong key is an error it must report, or the ``type: ignore``
below is itself an error), passes them on as ``**filters``, and the simulator receives the wire
names (``tests/unit/test_exports.py`` checks that importing the package does not load them)."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest

from aries_async import AriesClient, filters
from aries_async.errors import APIError
from aries_async.filters import FinancialsShortInterestFilters
from aries_async.sim import Simulator


def liquid_since(day: date) -> FinancialsShortInterestFilters:
    """A user's own helper, annotated with the public type."""
    return {"settlement_date_from": day, "average_daily_volume_min": 1_000_000, "ticker": "AAPL"}


async def test_a_user_annotates_with_the_public_filters_and_the_wire_gets_them(
    sim: Simulator,
) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        with contextlib.suppress(APIError):
            await client.financials.short_interest(**liquid_since(date(2026, 1, 5)))
    (sent,) = list(sim.journal)
    assert sent.raw_path == "/v1/financials/short-interest"
    assert sorted(sent.query) == [
        ("avgDailyVolumeMin", "1000000"),
        ("settlementDateFrom", "2026-01-05"),
        ("ticker", "AAPL"),
    ]


def test_the_old_spelling_is_no_key_of_the_filters() -> None:
    old: FinancialsShortInterestFilters = {"avg_daily_volume_min": 1}  # type: ignore[typeddict-unknown-key]
    assert "average_daily_volume_min" in FinancialsShortInterestFilters.__optional_keys__
    with pytest.raises(TypeError, match="unexpected keyword argument 'avg_daily_volume_min'"):
        AriesClient().financials.short_interest(**old)  # refused before anything is sent


def test_every_shared_filter_is_public() -> None:
    from aries_async.resources.generated import _filters

    assert filters.__all__ == _filters.__all__
    assert "FinancialsStatementsFilters" in filters.__all__
    assert all(getattr(filters, name) is getattr(_filters, name) for name in filters.__all__)
