"""A top list ranks its whole market once per market state: requests at the same step of the
simulator's clock, with the same parameters (any page size), read the ranking the first one
made, and a step of the clock or a price set by hand makes a new one, the same a simulator
coming fresh to that state makes (found a defect: every request ranked the table's 751
stocks and ETFs, or every listed contract of the option lists' underlyings, again).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
from sim_http import SimApi

from aries_async.sim import ManualClock, Simulator
from aries_async.sim.rankings import underlyings

GAINERS = "/v1/equity/top-gainers"
OPTION_VOLUME = "/v1/options/stocks/top-volume"


async def _rows(api: SimApi, path: str, size: int = 50) -> list[dict[str, Any]]:
    name = "size" if path.startswith("/v1/options/") else "limit"
    status, rows = await api.call("GET", path, params={name: str(size)})
    assert status == 200, rows
    assert isinstance(rows, list) and len(rows) == size, rows
    return rows


async def _fresh_rows(
    sim: Simulator, seed: int, path: str, moves: list[tuple[str, Decimal]]
) -> Any:
    """The rows of ``path`` from a new simulator of ``sim``'s seed brought to its clock, with
    the prices ``moves`` set there: a ranking nothing was cached for."""
    async with (
        Simulator(seed=seed, clock=ManualClock(), tick_interval=None) as fresh,
        aiohttp.ClientSession() as http,
    ):
        fresh.advance(sim.clock.now() - fresh.clock.now())
        for symbol, price in moves:
            fresh.feed.set_price(symbol, price)
        return await _rows(SimApi(fresh, http), path)


async def test_an_equity_top_list_is_ranked_once_per_clock_step(
    api: SimApi, sim: Simulator, sim_seed: int
) -> None:
    rankings = sim.context.rankings
    first = await _rows(api, GAINERS)
    made = rankings.computed
    assert await _rows(api, GAINERS) == first  # the same clock: the same answer
    head = await _rows(api, GAINERS, 5)  # a shorter page: the head of the same ranking
    assert [row["symbol"] for row in head] == [row["symbol"] for row in first[:5]]
    assert rankings.computed == made  # both from the ranking the first request made
    sim.advance(sim.feed.step_seconds)  # one step of the walk: the prices move
    stepped = await _rows(api, GAINERS)
    assert rankings.computed == made + 1
    assert [row["symbol"] for row in stepped] != [row["symbol"] for row in first]
    assert stepped == await _fresh_rows(sim, sim_seed, GAINERS, [])


async def test_an_option_top_list_is_ranked_again_after_a_price_is_set(
    api: SimApi, sim: Simulator, sim_seed: int
) -> None:
    rankings = sim.context.rankings
    first = await _rows(api, OPTION_VOLUME)
    assert await _rows(api, OPTION_VOLUME) == first
    made = rankings.computed
    underlying = first[0]["underlyingSymbol"]
    # At the same clock time: a price set by hand is a new market state too.
    price = (sim.feed.quote(underlying).last_price * Decimal("1.5")).quantize(Decimal("0.01"))
    sim.feed.set_price(underlying, price)
    moved = await _rows(api, OPTION_VOLUME)
    assert rankings.computed == made + 1
    assert [row["symbol"] for row in moved] != [row["symbol"] for row in first]
    assert moved == await _fresh_rows(sim, sim_seed, OPTION_VOLUME, [(underlying, price)])


async def test_an_option_top_list_s_chain_is_built_once_per_market_state(
    api: SimApi, sim: Simulator, sim_seed: int
) -> None:
    # The chain of every optionable stock (Black-Scholes on each contract) is built once at a
    # clock time, and read by every option list over the stocks (found a defect: each
    # request priced the whole chain again, 4-5 ms a request).
    chains = sim.context.chains
    before = chains.computed
    first = await _rows(api, OPTION_VOLUME)
    assert chains.computed == before + 1
    assert await _rows(api, OPTION_VOLUME, 10) == first[:10]
    gainers = await _rows(api, "/v1/options/stocks/top-gainers")
    assert {row["underlyingSymbol"] for row in gainers} <= set(_roots(sim))
    assert chains.computed == before + 1  # the same market: the chain the first one built
    sim.advance(sim.feed.step_seconds)  # a new market state: a chain at the new prices
    stepped = await _rows(api, OPTION_VOLUME)
    assert chains.computed == before + 2
    assert stepped == await _fresh_rows(sim, sim_seed, OPTION_VOLUME, [])


def _roots(sim: Simulator) -> list[str]:
    return underlyings(OPTION_VOLUME, sim.feed.symbols)
