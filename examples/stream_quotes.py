"""Stream live quotes: starts a local Aries simulator and prints quotes for a few symbols.

Run: ``python examples/stream_quotes.py`` (no arguments, no network). Against the real API,
replace the simulator by ``AriesClient(...).market_stream()``.
"""

from __future__ import annotations

import asyncio

from aries_async.models.events import StreamConnected, StreamDisconnected
from aries_async.sim import Simulator
from aries_async.streaming import MarketStream

SYMBOLS = ["AAPL", "MSFT", "SPY"]


async def main(count: int = 12) -> None:
    async with Simulator(seed=1) as sim:
        token = sim.issue_token().access_token

        async def token_provider() -> str:
            return token

        async with MarketStream(sim.market_ws_url, token_provider) as stream:
            status = stream.market_status
            print("market:", status.market if status else "unknown")

            async def watch_status() -> None:
                async for change in stream.status():
                    if isinstance(change, StreamDisconnected):
                        print("gap:", change.reason, "retry in", change.retry_in)
                    elif isinstance(change, StreamConnected) and change.reconnect:
                        print("reconnected; fresh snapshots follow")

            watcher = asyncio.create_task(watch_status())
            await stream.subscribe(SYMBOLS, channels=["quotes"])
            seen = 0
            async for quote in stream.quotes():
                print(
                    f"{quote.symbol:6} bid {quote.bid_price} x {quote.bid_size}"
                    f"  ask {quote.ask_price} x {quote.ask_size}"
                )
                seen += 1
                if seen >= count:
                    break
            print("latest AAPL mid:", (q := stream.latest("AAPL")) and q.mid_price)
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
