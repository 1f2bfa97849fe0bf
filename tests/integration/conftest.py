"""Shared setup of the integration tests: a simulator on a manual clock, raw calls to it, and
the event loop on virtual time (``loop_clock``) for the waits that are the loop's own.

A module picks its price walk by overriding ``sim_seed``, and its own simulator by defining a
``sim`` fixture (which ``api`` then uses).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from sim_http import SimApi
from stream_helpers import FakeTime
from virtual_time import loop_time, on_virtual_time

from aries_async import AriesClient
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub, hub_of


@pytest.fixture
def sim_seed() -> int:
    """The seed of ``sim``'s price walk (override it in a module for another walk)."""
    return 0


@pytest.fixture
async def sim(sim_seed: int) -> AsyncIterator[Simulator]:
    """A simulator on a :class:`ManualClock` with no ticker: time moves on ``sim.advance()``."""
    async with Simulator(seed=sim_seed, clock=ManualClock(), tick_interval=None) as simulator:
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session for raw calls."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def aries(sim: Simulator) -> AsyncIterator[AriesClient]:
    """The SDK's client on ``sim``, with an all-scope token."""
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        yield client


@pytest.fixture
def api(sim: Simulator, http: aiohttp.ClientSession) -> SimApi:
    """Raw calls to ``sim`` with an all-scope token."""
    return SimApi(sim, http)


@pytest.fixture
def hub(sim: Simulator) -> WsHub:
    """The websocket hub of ``sim`` (triggers drops, expiries, injected lines)."""
    return hub_of(sim.app)


@pytest.fixture
def fake_time() -> FakeTime:
    """A monotonic clock and sleep for the streams that move only on ``advance``."""
    return FakeTime()


@pytest.fixture
def loop_clock(request: pytest.FixtureRequest) -> Callable[[], float]:
    """The test's event loop on virtual time (:mod:`virtual_time`), and its clock: the waits
    of aiohttp's timeouts and of the simulator's faults take no real time, and are measured
    exactly."""
    on_virtual_time(request)
    return loop_time
