"""Stream chart quotes and trades (the TradingView-style charts socket): starts a local Aries
simulator and prints the last price, change and volume of a stock and an option.

Run: ``python examples/stream_charts.py`` (no arguments, no network). Against the real API,
use ``async with AriesClient(...).chart_stream() as stream``.
"""

from __future__ import annotations

import asyncio

from aries_async.models.events import ChartQuote, ChartTrade, StreamDisconnected
from aries_async.sim import Simulator
from aries_async.streaming import ChartStream

SYMBOLS = ["AAPL", "AAPL270115C00230000"]  # an OSI option symbol is subscribed as an option


async def main(count: int = 10) -> None:
    async with Simulator(seed=1) as sim:
        token = sim.issue_token().access_token

        async def token_provider() -> str:
            return token

        async with ChartStream(sim.charts_ws_url, token_provider) as stream:
            await stream.subscribe(SYMBOLS)  # quotes and trades
            seen = 0
            async for event in stream.events():
                if isinstance(event, ChartQuote):
                    print(
                        f"{event.symbol:20} last {event.last_price}  change {event.change}"
                        f" ({event.change_percent}%)  volume {event.volume}"
                    )
                elif isinstance(event, ChartTrade):
                    print(f"{event.symbol:20} trade {event.size} @ {event.price}")
                elif isinstance(event, StreamDisconnected):
                    print("gap:", event.reason)
                seen += 1
                if seen >= count:
                    break
            print("latest AAPL:", (q := stream.latest("AAPL")) and q.last_price)


if __name__ == "__main__":
    asyncio.run(main())
