"""Loop stall: the longest time the event loop is blocked during a demo-like session.

Run: ``python -m benchmarks.loop_stall [--huge-mb 20 --stream-seconds 3]``. Writes
``benchmarks/results/loop_stall.json``.

The simulator runs in its own process (``benchmarks._simproc``, prices moving on the wall clock,
its ``huge_body`` fault on ``GET /v1/chart/history``). In this process a watchdog task wakes
every millisecond and records how late it woke: the excess is how long something else held
the loop. Meanwhile one client does, phase by phase, what a bot does on its first minutes:

1. ``rest``: a token refresh on the first call (the token is believed expired), accounts,
   search, a quote, 50 quote polls, positions, balance;
2. ``market stream``: the first ``market_stream()`` opened and subscribed, quotes consumed;
3. ``account stream``: the first ``account_stream()`` opened, an order placed and its events
   consumed, quotes still flowing;
4. ``refresh``: a second refresh (the token again believed expired) under the live streams;
5. ``huge response``: ``market.bars()`` answered with a ~20 MB body (bars repeated);
6. ``free the answer``: the program drops those 400,000 bars (its own work, reported apart and
   not counted against the target: freeing them takes what it takes in any library);
7. ``close``: the streams and the client closed.

The SDK and the models are imported before the loop starts, as a program imports them at the
top; whatever the SDK imports later, inside the loop, is measured, from bytecode written
beforehand as installing the package does. Reported per phase: the longest block, the count of
blocks over 5 ms, and the phase's wall time; the target is no block over 5 ms (issue 17, point
22).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import attrs

from aries_async.auth.tokens import Token
from aries_async.client import AriesClient
from aries_async.config import ClientConfig
from aries_async.models.orders import OrderRequest
from benchmarks import _simproc
from benchmarks._bytecode import write_package_bytecode

TICK = 0.001
"""The watchdog's sleep: a block shorter than about this is not seen."""

TARGET_MS = 5.0
USER_PHASE = "free the answer"
"""The one phase that measures the program's own work rather than an SDK call's."""

HISTORY = "GET /v1/chart/history"


class Watchdog:
    """Wakes every :data:`TICK` seconds and charges any lateness to the current phase."""

    def __init__(self) -> None:
        self.phase = "start"
        self.worst: dict[str, float] = {}
        self.over: dict[str, int] = {}
        self.wall: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._started = 0.0

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            late = time.perf_counter() - before - TICK
            phase = self.phase
            if late > self.worst.get(phase, 0.0):
                self.worst[phase] = late
            if late * 1000 > TARGET_MS:
                self.over[phase] = self.over.get(phase, 0) + 1

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Watchdog]:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0.01)  # its first wake-ups
        try:
            yield self
        finally:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def enter(self, phase: str) -> None:
        """End the current phase (a block at its very end still counts for it), start ``phase``."""
        await asyncio.sleep(0.005)
        now = time.perf_counter()
        if self.phase != "start":
            self.wall[self.phase] = now - self._started
        self.phase, self._started = phase, now


def _expired(token: Token) -> Token:
    return attrs.evolve(token, expires_at=time.time() - 10)


async def session(info: dict[str, Any], dog: Watchdog, stream_seconds: float) -> dict[str, Any]:
    config = ClientConfig.for_base_url(
        info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]
    )
    counts: dict[str, Any] = {"quotes": 0, "account_events": 0}

    async def drain(consumer: Any, seconds: float, key: str) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(anext(consumer), 0.25)
                counts[key] += 1

    async with contextlib.AsyncExitStack() as stack:
        client = AriesClient(config, token=_expired(Token.from_response(info["token"])))
        await stack.enter_async_context(client)
        await dog.enter("rest")
        accounts = await client.accounts.list()
        account_id = next(a.id for a in accounts if a.is_sim)
        await client.market.search("AAPL", limit=3)
        quote = await client.market.quote("AAPL")
        for _ in range(50):
            await client.market.quotes(["AAPL", "MSFT", "KO"])
        await client.accounts.positions(account_id)
        await client.accounts.balance(account_id)

        await dog.enter("market stream")
        market = await stack.enter_async_context(client.market_stream())
        await market.subscribe(["AAPL", "MSFT", "KO"], channels=["quotes"])
        quotes = market.quotes()
        await drain(quotes, stream_seconds, "quotes")

        await dog.enter("account stream")
        account = await stack.enter_async_context(client.account_stream(account_id))
        events = account.events()
        price = ((quote.ask_price or Decimal(200)) + Decimal("0.05")).quantize(Decimal("0.01"))
        buy = functools.partial(OrderRequest, symbol="AAPL", side="BUY", type="LIMIT", quantity=1)
        ack = await client.orders.place(buy(account_id=account_id, price=price))
        counts["order"] = str(ack.status)
        await asyncio.gather(
            drain(events, stream_seconds, "account_events"),
            drain(quotes, stream_seconds, "quotes"),
        )

        await dog.enter("refresh")
        current = client.auth.cached()
        assert current is not None
        await client.auth.set_token(_expired(current))
        await client.market.quote("AAPL")
        counts["refreshes"] = client.auth.refreshes

        await dog.enter("huge response")
        now = int(time.time())
        bars = await client.market.bars("AAPL", "1D", now - 86_400 * 30, now)
        counts["huge_response_bars"] = len(bars)
        # Freeing 400,000 models is the program's own work, not an SDK call's: its own phase.
        await dog.enter(USER_PHASE)
        del bars

        await dog.enter("close")
    await dog.enter("end")
    return counts


async def probe(info: dict[str, Any], stream_seconds: float) -> dict[str, Any]:
    dog = Watchdog()
    async with dog.running():
        counts = await session(info, dog, stream_seconds)
    phases = [
        "rest",
        "market stream",
        "account stream",
        "refresh",
        "huge response",
        USER_PHASE,
        "close",
    ]
    return {
        "phases": {
            name: {
                "longest_block_ms": round(dog.worst.get(name, 0.0) * 1000, 2),
                "blocks_over_5ms": dog.over.get(name, 0),
                "wall_s": round(dog.wall.get(name, 0.0), 3),
            }
            for name in phases
        },
        "longest_block_ms": round(
            max(dog.worst.get(n, 0.0) for n in phases if n != USER_PHASE) * 1000, 2
        ),
        "counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--huge-mb", type=float, default=20.0)
    parser.add_argument("--stream-seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    size = int(args.huge_mb * 1_000_000)
    write_package_bytecode()  # what the SDK imports during the session, as installed
    options = ["--tick-interval", "0.05", "--huge-body", f"{HISTORY}={size}"]
    with _simproc.running(options=options) as (_, info):
        result = asyncio.run(probe(info, args.stream_seconds))
    print(f"{'phase':<16} {'longest block':>14} {'blocks > 5 ms':>14} {'wall':>8}")
    for name, phase in result["phases"].items():
        print(
            f"{name:<16} {phase['longest_block_ms']:>11.1f} ms {phase['blocks_over_5ms']:>14}"
            f" {phase['wall_s']:>6.2f} s"
        )
    print(
        f"longest block in an SDK call: {result['longest_block_ms']:.1f} ms"
        f" (target: {TARGET_MS:.0f} ms; '{USER_PHASE}' is the program's own work)"
    )
    _simproc.write_results(
        "loop_stall",
        {"huge_body_bytes": size, "stream_seconds": args.stream_seconds, "target_ms": TARGET_MS}
        | result,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
