"""``AT_THE_OPENING`` and ``AT_THE_CLOSE`` orders trade in their auction only: finance-dev
documents them as "execute at the official market open (close) price; if it can't fill at
open (close), it's cancelled" (rest.md lists both times in force). So the simulator fills
one whole at the official price of its session's open (the day's first trade at or after
09:30 New York) or close (its last at or before 16:00) when that price is marketable for
it, at that time, and otherwise ends it ``EXPIRED`` there (as a ``DAY`` order the close
ends); before its auction it rests, whatever the touch.

A simulator that filled them at the touch at once passed a bot's test whose order the real
API fills hours later, at another price.

The simulator starts on Thursday 2026-01-15 10:00 New York, the market open.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from auction_days import (
    ACCOUNT,
    WEEK,
    minute_sim,  # noqa: F401  (the fixture sim: a step a minute)
    move_to,
    new_york,
    order_now,
)

from aries_async.client import AriesClient
from aries_async.models.orders import OrderRequest, OrderStatus
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK


async def session(aries: AriesClient, day: int) -> tuple[Decimal, Decimal]:
    """The official open and close of KO's session of January ``day`` (its daily bar, whose
    time is the day's UTC midnight)."""
    start = datetime(2026, 1, day, tzinfo=UTC)
    bars = await aries.market.bars("KO", "D", start, start + timedelta(hours=23))
    (bar,) = [b for b in bars if b.timestamp == start]
    return bar.open, bar.close


def order(
    tif: str, side: str = "BUY", quantity: int = 1200, limit: Decimal | None = None
) -> OrderRequest:
    return OrderRequest(
        account_id=ACCOUNT,
        symbol="KO",
        side=side,
        type="MARKET" if limit is None else "LIMIT",
        quantity=quantity,
        price=limit,
        time_in_force=tif,
    )


@pytest.mark.parametrize("side", ["BUY", "SELL_SHORT"])
async def test_an_at_the_close_order_fills_whole_at_the_closing_price(
    sim: Simulator, aries: AriesClient, side: str
) -> None:
    """More than the touch offers a step (1000 at most), all at the close, at its price."""
    ack = await aries.orders.place(order("AT_THE_CLOSE", side))
    assert ack.success and ack.status == OrderStatus.NEW, ack
    move_to(sim, new_york(15, 15, 59))
    waiting = await order_now(aries, ack)
    assert waiting.ord_status == OrderStatus.NEW and waiting.cumulative_quantity == 0
    move_to(sim, new_york(15, 16, 5))
    filled = await order_now(aries, ack)
    _, close = await session(aries, 15)
    assert filled.ord_status == OrderStatus.FILLED, filled
    assert (filled.cumulative_quantity, filled.average_price) == (Decimal(1200), close)
    assert filled.updated_at == datetime.fromtimestamp(new_york(15, 16), NEW_YORK)
    held = {p.symbol: p.quantity for p in await aries.accounts.positions(ACCOUNT)}
    assert held["KO"] == (1200 if side == "BUY" else -1200)


async def test_an_at_the_opening_order_fills_at_the_next_opening_price(
    sim: Simulator, aries: AriesClient
) -> None:
    """Placed in the session, it belongs to the next trading day's open."""
    ack = await aries.orders.place(order("AT_THE_OPENING"))
    move_to(sim, new_york(16, 9, 29))
    assert (await order_now(aries, ack)).ord_status == OrderStatus.NEW
    move_to(sim, new_york(16, 9, 35))
    filled = await order_now(aries, ack)
    opening, _ = await session(aries, 16)
    assert filled.ord_status == OrderStatus.FILLED, filled
    assert (filled.cumulative_quantity, filled.average_price) == (Decimal(1200), opening)
    assert filled.updated_at == datetime.fromtimestamp(new_york(16, 9, 30), NEW_YORK)


@pytest.mark.parametrize(
    ("tif", "day", "end"),
    [
        pytest.param("AT_THE_CLOSE", 15, new_york(15, 16), id="close"),
        pytest.param("AT_THE_OPENING", 16, new_york(16, 9, 30), id="opening"),
    ],
)
async def test_a_limit_the_auction_price_does_not_reach_expires_unfilled(
    sim: Simulator, aries: AriesClient, tif: str, day: int, end: float
) -> None:
    """A buy limited just under the auction's price: the touch may cross it before the
    auction, the auction does not, so nothing fills; one limited at that price fills there."""
    move_to(sim, end + 300)  # learn the auction's price, then play the day again
    opening, close = await session(aries, day)
    price = opening if tif == "AT_THE_OPENING" else close
    async with (
        Simulator(
            seed=0, clock=ManualClock(), tick_interval=None, token_ttl=WEEK, step_seconds=60.0
        ) as again,
        AriesClient(again.client_config(), token=again.issue_token()) as client,
    ):
        under = await client.orders.place(order(tif, limit=price - Decimal("0.01")))
        at = await client.orders.place(order(tif, limit=price))
        move_to(again, end + 300)
        missed, met = await order_now(client, under), await order_now(client, at)
    assert missed.ord_status == OrderStatus.EXPIRED and missed.cumulative_quantity == 0, missed
    assert missed.updated_at == datetime.fromtimestamp(end, NEW_YORK)
    assert met.ord_status == OrderStatus.FILLED and met.average_price == price, met
