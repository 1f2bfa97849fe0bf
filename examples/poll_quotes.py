"""Poll quotes for 500 symbols with many concurrent calls, against a local simulator.

``market.quotes`` splits the list into chunks fetched concurrently over one connection pool;
here we also fire single-symbol calls side by side to show the pool handling hundreds at once.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from aries_async import AriesClient
from aries_async.sim import Simulator
from aries_async.sim.symbols import SYMBOLS


async def main() -> None:
    async with Simulator(seed=1) as sim:
        symbols = [s.symbol for s in SYMBOLS if s.kind == "stock"][:500]
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            for round_no in range(3):
                started = time.perf_counter()
                quotes = await client.market.quotes(symbols)
                batch = time.perf_counter() - started
                started = time.perf_counter()
                singles = await asyncio.gather(*(client.market.quote(s) for s in symbols[:200]))
                each = time.perf_counter() - started
                by_move = sorted(quotes.values(), key=lambda q: abs(q.change_percent or Decimal(0)))
                movers = by_move[-3:]
                print(
                    f"round {round_no}: {len(quotes)} quotes in {batch * 1000:.0f} ms (chunked), "
                    f"{len(singles)} single calls in {each * 1000:.0f} ms; movers: "
                    + ", ".join(f"{q.symbol} {q.change_percent}%" for q in reversed(movers))
                )


if __name__ == "__main__":
    asyncio.run(main())
