"""A simulator option or fault switch value it cannot mean is refused where it is given: a
simulator so built never listens, and a running one keeps its faults as they were and sees
no request."""

from __future__ import annotations

import math

import pytest

from aries_async import AriesClient
from aries_async.errors import ValidationError
from aries_async.sim import AppRateLimit, RateLimitFault, Simulator


async def test_a_simulator_with_a_nan_tick_interval_never_listens() -> None:
    with pytest.raises(ValidationError, match=r"^tick_interval must be") as info:
        async with Simulator(tick_interval=math.nan):
            pytest.fail("the simulator started")
    assert info.value.field == "tick_interval"


async def test_a_refused_fault_switch_leaves_the_running_faults_as_they_were(
    sim: Simulator,
) -> None:
    with pytest.raises(ValidationError, match=r"^AppRateLimit\.per_second must be"):
        sim.faults.app_rate_limit = AppRateLimit(per_second=math.nan)
    with pytest.raises(ValidationError, match=r"^Faults\.latency must be"):
        sim.faults.latency = math.inf
    with pytest.raises(ValidationError, match=r"^RateLimitFault\.retry_after must be"):
        sim.faults.rate_limit["GET /v1/market/status"] = RateLimitFault(retry_after=math.nan)
    assert sum(sim.requests.values()) == 0
    assert (sim.faults.app_rate_limit, sim.faults.latency, sim.faults.rate_limit) == (None, 0, {})
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        await client.market.status()  # answered at once: no fault was half set
    assert sim.requests[("GET", "/v1/market/status")] == 1
