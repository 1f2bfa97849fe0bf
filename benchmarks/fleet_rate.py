"""Fleet rate: 8 bot processes poll quotes as fast as they can against a simulator limited to
N requests a second, with the fleet's shared budget (Redis) set to N, and without a budget.

Run: ``python -m benchmarks.fleet_rate [--rate 100 --processes 8 --tasks 8 --duration 10]``
(``--redis-url URL`` to use a running Redis; by default a throwaway ``redis-server`` is
started). Writes ``benchmarks/results/fleet_rate.json``.

The simulator runs in its own process (``benchmarks._simproc --rate-limit N``) and counts the
429s it sends. Every bot process polls with ``--tasks`` concurrent calls, retries off (so a
429 is a failed call), from a common start time (once all are ready) for ``--duration``
seconds. Targets with the
shared budget: no 429, and an aggregate throughput of at least 0.9 N.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

from benchmarks import _simproc


async def _bot(spec: dict[str, Any]) -> dict[str, int]:
    """One bot process: poll until the end of the window; count what came back."""
    from aries_async import AriesClient, RateLimit, RetryPolicy
    from aries_async.auth.tokens import Token
    from aries_async.config import ClientConfig
    from aries_async.errors import RateLimitError
    from aries_async.http.budget_redis import RedisRateBudget

    info = spec["info"]
    shared = spec["shared"]
    config = ClientConfig.for_base_url(
        info["base_url"],
        client_id=info["client_id"],
        retry=RetryPolicy(max_attempts=1),
        rate_limit=RateLimit(per_second=spec["rate"]) if shared else None,
    )
    counts = {"ok": 0, "rate_limited": 0, "errors": 0}
    async with contextlib.AsyncExitStack() as stack:
        budget = None
        if shared:
            budget = RedisRateBudget(spec["redis_url"], prefix=spec["prefix"])
            await stack.enter_async_context(budget)
        token = Token.from_response(info["token"])
        client = AriesClient(config, token=token, rate_budget=budget)
        await stack.enter_async_context(client)
        print("ready", flush=True)  # then the parent's start time, once every bot is ready
        start_at = float(await asyncio.to_thread(sys.stdin.readline))
        await asyncio.sleep(max(0.0, start_at - time.time()))
        end = start_at + spec["duration"]

        async def poll() -> None:
            while time.time() < end:
                try:
                    await client.market.quote("AAPL")
                except RateLimitError:
                    counts["rate_limited"] += 1
                except Exception:  # counted, and the run goes on
                    counts["errors"] += 1
                else:
                    if time.time() <= end:
                        counts["ok"] += 1

        await asyncio.gather(*(poll() for _ in range(spec["tasks"])))
    return counts


def _fleet(spec: dict[str, Any], processes: int) -> dict[str, Any]:
    """Run ``processes`` bots from one start time; their summed counts."""
    bots = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.fleet_rate", "--bot"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for bot in bots:
        if bot.stdin is None or bot.stdout is None:
            raise RuntimeError("a bot process has no pipes")
        bot.stdin.write(json.dumps(spec) + "\n")
        bot.stdin.flush()
    for bot in bots:
        if bot.stdout is None or bot.stdout.readline().strip() != "ready":
            raise RuntimeError("a bot process did not start")
    start_at = time.time() + 0.2
    totals = {"ok": 0, "rate_limited": 0, "errors": 0}
    for bot in bots:
        out, _ = bot.communicate(f"{start_at}\n", timeout=spec["duration"] + 60)
        for key, value in json.loads(out.strip().splitlines()[-1]).items():
            totals[key] += value
    return totals


@contextlib.contextmanager
def _redis(url: str | None) -> Iterator[str]:
    if url is not None:
        yield url
        return
    from aries_async.testing import redis_server

    with redis_server() as started:
        yield started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="N: the simulator's limit")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=8, help="concurrent calls per process")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of polling")
    parser.add_argument("--redis-url", default=None, help="default: a throwaway redis-server")
    parser.add_argument("--bot", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bot:
        print(json.dumps(asyncio.run(_bot(json.loads(sys.stdin.readline())))))
        return 0
    runs: dict[str, Any] = {}
    with (
        _redis(args.redis_url) as redis_url,
        _simproc.running(options=["--rate-limit", str(args.rate)]) as (proc, info),
    ):
        for name, shared in (("shared budget", True), ("no budget", False)):
            before = _simproc.counters(proc)
            spec = {
                "info": info,
                "shared": shared,
                "rate": args.rate,
                "tasks": args.tasks,
                "duration": args.duration,
                "redis_url": redis_url,
                "prefix": f"bench:{uuid.uuid4().hex}:",
            }
            totals = _fleet(spec, args.processes)
            after = _simproc.counters(proc)
            runs[name] = {
                **totals,
                "per_second": round(totals["ok"] / args.duration, 1),
                "of_limit": round(totals["ok"] / args.duration / args.rate, 3),
                "sim_429s": after["refused"] - before["refused"],
            }
            time.sleep(1.5)  # the simulator's bucket refills before the next run
    print(
        f"{args.processes} processes x {args.tasks} tasks, {args.duration:g} s, "
        f"simulator limit {args.rate:g}/s (targets with the budget: 0 429s, >= 0.9 N)"
    )
    print(f"{'run':<14} {'calls/s':>8} {'of N':>6} {'ok':>7} {'429s':>7} {'errors':>7}")
    for name, r in runs.items():
        print(
            f"{name:<14} {r['per_second']:>8} {r['of_limit']:>6} {r['ok']:>7} "
            f"{r['sim_429s']:>7} {r['errors']:>7}"
        )
    _simproc.write_results(
        "fleet_rate",
        {
            "rate": args.rate,
            "processes": args.processes,
            "tasks": args.tasks,
            "duration": args.duration,
            "runs": runs,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
