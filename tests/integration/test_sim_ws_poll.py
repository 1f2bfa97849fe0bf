"""The simulator's websocket deadline poll (auth timeouts, ``refreshAuth``, ``authExpired``)
runs only while a socket is open: an idle simulator, or one serving REST alone, does not wake
twenty times a second (on virtual time, each wake is a step the loop must take)."""

from __future__ import annotations

import asyncio

import aiohttp
from stream_helpers import action, raw_auth, until

from aries_async.sim import Simulator

POLL = "aries-sim-ws-poll"


def polls() -> int:
    """The simulator's deadline polls running on this loop."""
    return sum(1 for task in asyncio.all_tasks() if task.get_name() == POLL and not task.done())


async def test_the_deadline_poll_runs_only_while_a_socket_is_open(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    assert polls() == 0
    async with http.ws_connect(sim.market_ws_url) as market:
        await raw_auth(market, sim)
        async with http.ws_connect(sim.accounts_ws_url) as accounts:
            await raw_auth(accounts, sim)
            assert polls() == 1  # one for every socket
        assert polls() == 1
    await until(lambda: polls() == 0)
    async with http.ws_connect(sim.market_ws_url) as market:
        reader = await raw_auth(market, sim)
        assert polls() == 1  # back with the next socket, and its deadlines kept
        sim.advance(sim.auth.token_ttl + 1)
        await reader.next(action("authExpired"))
    await until(lambda: polls() == 0)
