"""Poll quotes for 500 symbols with many concurrent calls, against a local simulator that
enforces a rate limit of 200 calls a second, as a real server enforces one.

``market.quotes`` splits the list into chunks fetched concurrently over one connection pool;
here we also fire 200 single-symbol calls side by side to show the pool handling hundreds at
once. A bot that fans out like this sets ``rate_limit`` in its config: the calls then wait for
their turn on our side instead of being refused with 429 and backing off one by one.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from aries_async import AriesClient
from aries_async.sim import Simulator
from aries_async.sim.symbols import SYMBOLS

CALLS_A_SECOND = 200  # the server's limit, which the client is told


async def main(rounds: int = 3) -> None:
    async with Simulator(seed=1, rate_limit=CALLS_A_SECOND) as sim:
        symbols = [s.symbol for s in SYMBOLS if s.kind == "stock"][:500]
        config = sim.client_config(rate_limit=CALLS_A_SECOND)  # or ARIES_RATE_LIMIT=200
        async with AriesClient(config, token=sim.issue_token()) as client:
            for round_no in range(rounds):
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
        limit = sim.faults.app_rate_limit
        print(f"calls refused with 429: {limit.refused if limit else 0}")


if __name__ == "__main__":
    asyncio.run(main())
