"""Models and events pickled by 0.1.0 load where they now live.

A pickle names a class by its module. 0.1.0 defined the bars and the details in
``models/_market_other.py`` and the status, control and account events in ``models/events.py``;
they have moved since, and what a notebook cached with pickle then must load now.
"""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from aries_async.models import events, market


def pickled_under(value: object, module: str) -> bytes:
    """``value`` pickled as if its class were defined in ``module`` (as 0.1.0 pickled it)."""
    cls = type(value)
    assert cls.__module__ != module  # it moved
    moved_to = cls.__module__
    cls.__module__ = module
    try:
        pickled = pickle.dumps(value)
    finally:
        cls.__module__ = moved_to
    assert module.encode() in pickled
    return pickled


BAR = market.Bar(
    timestamp=datetime(2026, 11, 27, 14, 30, tzinfo=UTC),
    open=Decimal("1.5"),
    high=Decimal("2"),
    low=Decimal("1"),
    close=Decimal("1.75"),
)


@pytest.mark.parametrize(
    ("value", "module"),
    [
        (BAR, "aries_async.models._market_other"),
        (market.EquityDetails(), "aries_async.models._market_other"),
        (market.SymbolError(), "aries_async.models._market_other"),
        (market.OptionDetails(), "aries_async.models._market_other"),
        (
            events.StreamConnected(attempt=2, reconnect=True, at=5.0, down_for=3.0),
            "aries_async.models.events",
        ),
    ],
    ids=["Bar", "EquityDetails", "SymbolError", "OptionDetails", "StreamConnected"],
)
def test_what_0_1_0_pickled_loads_where_it_now_lives(value: object, module: str) -> None:
    assert pickle.loads(pickled_under(value, module)) == value  # noqa: S301 - our own bytes
