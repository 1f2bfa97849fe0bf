"""Simulators in one process share what is the same for all of them (the seeded history) and
nothing that one of them changes: orders, prices, faults and counts stay each simulator's
own."""

from __future__ import annotations

from contextlib import AsyncExitStack
from decimal import Decimal

from aries_async.sim import ManualClock, Simulator

ACCOUNT = "TEST-ACCOUNT-001"


async def test_the_seeded_history_is_shared_and_the_orders_built_on_it_are_not() -> None:
    async with AsyncExitStack() as stack:
        one, two = [
            await stack.enter_async_context(
                Simulator(seed=0, clock=ManualClock(), tick_interval=None)
            )
            for _ in range(2)
        ]
        seeded = [(o.cl_ord_id, o.status, o.price) for o in two.state.orders[ACCOUNT]]
        positions = {s: p.quantity for s, p in two.state.positions[ACCOUNT].items()}
        assert [(o.cl_ord_id, o.status, o.price) for o in one.state.orders[ACCOUNT]] == seeded

        for order in one.state.orders[ACCOUNT]:
            order.status = "CANCELED"
            order.price = Decimal(1)
        one.state.orders[ACCOUNT].clear()
        one.state.positions[ACCOUNT].clear()
        one.feed.history_closes("AAPL").clear()
        one.feed.set_price("AAPL", Decimal("1.23"))

        assert [(o.cl_ord_id, o.status, o.price) for o in two.state.orders[ACCOUNT]] == seeded
        assert {s: p.quantity for s, p in two.state.positions[ACCOUNT].items()} == positions
        assert two.feed.quote("AAPL").last_price != Decimal("1.23")
        assert two.feed.recent_closes("AAPL", 8) == one.feed.recent_closes("AAPL", 8)
        assert one.feed.history_closes("AAPL") == two.feed.history_closes("AAPL")
        closes = two.feed.recent_closes("AAPL", 8)
        assert seeded[0][2] == Decimal(repr(closes[0][1]))  # the first seeded buy's price
