"""The pytest plugin a user's own tests get (``aries_async.testing``): its fixtures in
pytest-asyncio's strict and auto modes, and ``aries_sim_options`` overridden for a manual
clock. Each case runs a small test file of a user's in a pytest of its own: in this process
(pytester's inline run, which loads the plugins from their entry points as any pytest does),
and once in a process of its own, as the user starts it."""

from __future__ import annotations

import pytest

pytest_plugins = ("pytester",)

USER_TESTS = """
from decimal import Decimal

import pytest

from aries_async import OrderRequest
from aries_async.sim import ManualClock

ACCOUNT = "TEST-SIM-001"


@pytest.fixture
def aries_sim_options():
    return {"clock": ManualClock(), "tick_interval": None}


@pytest.mark.asyncio
async def test_a_resting_order_fills_when_the_price_crosses(aries_sim, aries_client):
    start = aries_sim.clock.now()
    limit = (aries_sim.feed.quote("AAPL").bid_price * Decimal("0.9")).quantize(Decimal("0.01"))
    async with aries_client.account_stream(ACCOUNT) as stream:
        ack = await aries_client.orders.place(OrderRequest(
            account_id=ACCOUNT, symbol="AAPL", side="BUY", type="LIMIT", quantity=2,
            price=limit))
        aries_sim.feed.set_price("AAPL", limit - Decimal("0.50"))
        order = await stream.wait_for_order(ack, timeout=10)
    assert (order.ord_status, order.cumulative_quantity) == ("FILLED", 2)
    aries_sim.advance(30)
    assert aries_sim.clock.now() == start + 30
"""


@pytest.mark.parametrize(
    ("mode", "run"), [("strict", "inline"), ("auto", "subprocess")], ids=["strict", "auto"]
)
def test_the_fixtures_work_in_both_modes_on_a_manual_clock(
    pytester: pytest.Pytester, mode: str, run: str
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    options: tuple[str, ...] = ("-p", "no:cacheprovider", "-p", "no:xdist", "-W", "error")
    options += ("-o", f"asyncio_mode={mode}", "-o", "asyncio_default_fixture_loop_scope=function")
    if run == "inline":
        result = pytester.runpytest_inprocess(*options)
    else:
        result = pytester.runpytest_subprocess(*options)
    result.assert_outcomes(passed=1)
