"""Footprint: cold start in a fresh subprocess (import, build client, one quote).

Run: ``python -m benchmarks.footprint [--repeat 5]``. Writes ``benchmarks/results/footprint.json``.
The simulator runs in its own process. Each sample is a new interpreter; we report the median
wall time of the child (import + client + one quote) and its ru_maxrss. The 5,000-symbol stream
subscription memory measurement is NOT implemented (see README).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

OURS = """
import asyncio, time, resource, sys, json
t0 = time.perf_counter()
from aries_async.client import AriesClient
from aries_async.config import ClientConfig
info = json.loads(sys.argv[1])
async def main():
    cfg = ClientConfig.for_base_url(info["base_url"], client_id=info["client_id"],
                                    client_secret=info["client_secret"])
    async with AriesClient(cfg) as c:
        await c.auth.set_token(await c.oauth.client_credentials())
        await c.market.quote("AAPL")
asyncio.run(main())
print(json.dumps([time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))
"""

FD = """
import asyncio, time, resource, sys, json
t0 = time.perf_counter()
from finance_dev import FinanceDev, models
info = json.loads(sys.argv[1])
async def main():
    sdk = FinanceDev(security=models.Security(client_id=info["client_id"],
        client_secret=info["client_secret"], token_url=info["token_url"]),
        server_url=info["base_url"])
    await sdk.chart.get_quotes_async(symbols="AAPL")
asyncio.run(main())
print(json.dumps([time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    proc = subprocess.Popen(
        [sys.executable, "-m", "aries_async.sim.cli", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    runs: dict[str, dict[str, float]] = {}
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        for name, code in (("aries-async", OURS), ("finance-dev", FD)):
            samples = []
            for _ in range(args.repeat):  # interleaving is not needed: each sample is cold
                out = subprocess.run(  # noqa: S603 - our own interpreter and script
                    [sys.executable, "-c", code, line], capture_output=True, text=True, check=True
                )
                samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
            runs[name] = {
                "cold_start_s": statistics.median(s[0] for s in samples),
                "maxrss_kib": statistics.median(s[1] for s in samples),
            }
    finally:
        proc.terminate()
        proc.wait(10)
    ratio = runs["aries-async"]["cold_start_s"] / runs["finance-dev"]["cold_start_s"]
    print(f"{'contender':<12} {'cold start s':>13} {'maxrss MiB':>11}")
    for name, r in runs.items():
        print(f"{name:<12} {r['cold_start_s']:>13.3f} {r['maxrss_kib'] / 1024:>11.1f}")
    print(f"cold start aries-async / finance-dev = {ratio:.2f}x (target <= 0.7x)")
    out = {
        "python": platform.python_version(),
        "nproc": os.cpu_count(),
        "runs": runs,
        "cold_start_ratio": ratio,
        "stream_5000_symbols": "not measured",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "footprint.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
