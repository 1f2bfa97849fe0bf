"""Quote.received_at: when the answer carrying the quote arrived, read from the client's clock
once per answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from aries_async import AriesClient
from aries_async.sim import Simulator


class CountingClock:
    """The simulator's time plus a millisecond per read, so each read gives another time."""

    def __init__(self, sim: Simulator) -> None:
        self._sim = sim
        self.reads: list[float] = []

    def __call__(self) -> float:
        now = self._sim.clock.now() + len(self.reads) / 1000
        self.reads.append(now)
        return now

    def times(self) -> set[datetime]:
        return {datetime.fromtimestamp(read, UTC) for read in self.reads}


@pytest.fixture
def clock(sim: Simulator) -> CountingClock:
    return CountingClock(sim)


@pytest.fixture
async def client(sim: Simulator, clock: CountingClock) -> AsyncIterator[AriesClient]:
    config = sim.client_config(quote_chunk_size=2)
    async with AriesClient(config, token=sim.issue_token(), wall_clock=clock) as aries:
        yield aries


async def test_a_quote_carries_the_time_its_answer_arrived(
    client: AriesClient, clock: CountingClock
) -> None:
    clock.reads.clear()
    quote = await client.market.quote("AAPL")
    assert quote.received_at is not None and quote.received_at.tzinfo is UTC
    assert quote.received_at in clock.times()
    assert quote.received_at == datetime.fromtimestamp(clock.reads[-1], UTC)  # after the answer


async def test_the_quotes_of_one_answer_share_one_time(
    client: AriesClient, clock: CountingClock
) -> None:
    clock.reads.clear()
    batch = await client.market.quotes(["AAPL", "MSFT", "KO", "NOSUCH"])  # two answers
    assert set(batch) == {"AAPL", "MSFT", "KO"} and set(batch.errors) == {"NOSUCH"}
    times = {symbol: quote.received_at for symbol, quote in batch.items()}
    assert times["AAPL"] is times["MSFT"]  # one clock read for the answer, not one a quote
    assert times["KO"] is not None and times["KO"] != times["AAPL"]
    assert set(times.values()) <= clock.times()
    assert batch.to_frame()["received_at"].dt.tz is not None
