"""The public API's types, as a user's type checker sees them: the ``_typed_*`` functions are
never run, only checked by the suite's ``mypy --strict`` (``typing.assert_type`` and a
``type: ignore`` that would be reported as unused if the call type-checked); the tests beside
them check at run time what those types promise."""

from __future__ import annotations

import typing
from typing import assert_type

from aries_async.models.events import AccountEvent, ChartEvent, MarketEvent
from aries_async.streaming import AccountStream, ChartStream, Consumer, MarketStream
from aries_async.streaming.base import STATUS_TYPES


async def _typed_stream_events(
    market: MarketStream, charts: ChartStream, account: AccountStream
) -> None:
    assert_type(market.events(), Consumer[MarketEvent])
    assert_type(market.events("AAPL"), Consumer[MarketEvent])
    assert_type(charts.events(), Consumer[ChartEvent])
    assert_type(account.events(), Consumer[AccountEvent])
    async for event in market.events():
        assert_type(event, MarketEvent)


def test_every_status_event_is_in_each_stream_event_union() -> None:
    """``events()`` delivers the connection's status events, the re-authentication included,
    so a ``match`` over the union it is typed with reaches each of them."""
    for union in (MarketEvent, ChartEvent, AccountEvent):
        assert set(STATUS_TYPES) <= set(typing.get_args(union))
