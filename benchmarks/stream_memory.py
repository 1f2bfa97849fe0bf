"""Peak memory of a large market subscription with a slow consumer while the sim publishes fast.

Run: ``python -m benchmarks.stream_memory [--symbols 1000,5000 --seconds 5]``. Writes
``benchmarks/results/stream_memory.json``.

For each symbol count the simulator runs in its own process in firehose mode (quote frames for
every symbol, back to back, for as long as the socket is open). A fresh child interpreter
opens ``market_stream()``, subscribes to all the symbols and keeps one *slow* consumer on
``stream.quotes()`` that takes one quote every 0.1 s, so the stream must conflate (the
documented policy: the consumer's buffer holds ``StreamConfig.market_buffer`` updates, then the
latest update per symbol). The child reports, before subscribing and after ``T`` and ``2T``
seconds of firehose:

- RSS high-water mark (``VmHWM`` in ``/proc/self/status``) and current RSS (``VmRSS``);
- in a second child with ``tracemalloc`` on (slower, so fewer updates arrive), the traced peak
  since just before subscribing;
- quotes received, delivered to the consumer, conflated and still pending.

Bounded means the figures at ``2T`` are about those at ``T`` although twice as many updates
arrived, and 5,000 symbols cost a few MB more than 1,000 (one conflated slot and one
``latest()`` entry per symbol), not more per update.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks import _simproc

MB = 1024 * 1024


def proc_status() -> dict[str, float]:
    """VmHWM and VmRSS of this process in MB."""
    out: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0]) * 1024 / MB
    return out


def sample(stream: Any, consumer: Any, traced: bool) -> dict[str, Any]:
    point: dict[str, Any] = dict(proc_status())
    if traced:
        current, peak = tracemalloc.get_traced_memory()
        point["traced_current_mb"] = current / MB
        point["traced_peak_mb"] = peak / MB
    point["quotes_received"] = stream._connection.decoder.lines
    point["delivered"] = consumer.delivered
    point["conflated"] = consumer.conflated
    point["pending"] = consumer.pending
    return point


async def child(info: dict[str, Any], seconds: float, traced: bool) -> dict[str, Any]:
    from aries_async.auth.tokens import Token
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig

    config = ClientConfig.for_base_url(
        info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]
    )
    symbols = info["firehose_symbols"]
    async with (
        AriesClient(config, token=Token.from_response(info["token"])) as client,
        client.market_stream() as stream,
    ):
        quotes = stream.quotes()
        if traced:
            tracemalloc.start()
        points = {"before": sample(stream, quotes, traced)}

        async def slow() -> None:
            async for _ in quotes:
                await asyncio.sleep(0.1)

        reader = asyncio.create_task(slow())
        t0 = time.perf_counter()
        await stream.subscribe(symbols, channels=["quotes"])
        await asyncio.sleep(seconds)
        points["T"] = sample(stream, quotes, traced)
        await asyncio.sleep(seconds)
        points["2T"] = sample(stream, quotes, traced)
        points["2T"]["elapsed_s"] = time.perf_counter() - t0
        reader.cancel()
        if traced:
            tracemalloc.stop()
        return points


def run_child(info: dict[str, Any], seconds: float, traced: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.stream_memory", "--child", json.dumps(info)]
    cmd += ["--seconds", str(seconds)] + (["--traced"] if traced else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)  # noqa: S603
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", default="1000,5000")
    parser.add_argument("--seconds", type=float, default=5.0, help="T: sample at T and 2T")
    parser.add_argument("--lines-per-frame", type=int, default=20)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        points = asyncio.run(child(json.loads(args.child), args.seconds, args.traced))
        print(json.dumps(points))
        return 0
    results: dict[str, Any] = {}
    print(
        f"{'symbols':>7} {'mode':<11} {'at':>3} {'received':>9} {'conflated':>9} {'pending':>7}"
        f" {'VmHWM MB':>8} {'VmRSS MB':>8} {'traced peak MB':>14}"
    )
    for count in (int(x) for x in args.symbols.split(",")):
        with _simproc.running(count, args.lines_per_frame) as (_, info):
            runs = {
                "rss": run_child(info, args.seconds, traced=False),
                "tracemalloc": run_child(info, args.seconds, traced=True),
            }
        results[str(count)] = runs
        for mode, points in runs.items():
            for at, p in points.items():
                traced = p.get("traced_peak_mb")
                print(
                    f"{count:>7} {mode:<11} {at:>3} {p['quotes_received']:>9,}"
                    f" {p['conflated']:>9,} {p['pending']:>7,} {p['VmHWM']:>8.1f}"
                    f" {p['VmRSS']:>8.1f} " + (f"{traced:>14.1f}" if traced is not None else "")
                )
    fields = {
        "seconds": args.seconds,
        "lines_per_frame": args.lines_per_frame,
        "slow_consumer": "one quote every 0.1 s",
        "by_symbols": results,
    }
    _simproc.write_results("stream_memory", fields)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
