"""Footprint: cold start in a fresh subprocess (import, build client, one quote).

Run: ``python -m benchmarks.footprint [--repeat 7]``. Writes ``benchmarks/results/footprint.json``.
The simulator runs in its own process. Each sample is a new interpreter; we report the median
wall time of the child (import + client + token + one quote, timed inside the child so the
interpreter's own start-up, the same for both, is left out), the import part of it, the CPU
time of that window (steadier than wall time when other jobs share the machine) and its
ru_maxrss. A third contender, raw aiohttp doing the same token request and quote, shows the
floor that any aiohttp-based client starts from. Samples rotate the order of the contenders.
Before measuring, the package's bytecode is compiled (as installing a wheel does), so no sample
pays for compiling our sources. The memory of a 5,000-symbol subscription with a slow consumer
is measured by ``python -m benchmarks.stream_memory``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from typing import Any

from benchmarks import _simproc
from benchmarks._bytecode import write_package_bytecode

OURS = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import asyncio, resource, sys, json
from aries_async import AriesClient, ClientConfig
t_import = time.perf_counter() - t0
info = json.loads(sys.argv[1])
async def main():
    cfg = ClientConfig.for_base_url(info["base_url"], client_id=info["client_id"],
                                    client_secret=info["client_secret"])
    async with AriesClient(cfg) as c:
        await c.auth.set_token(await c.oauth.client_credentials())
        await c.market.quote("AAPL")
asyncio.run(main())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([time.perf_counter() - t0, rss, t_import, time.process_time() - c0]))
"""

FD = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import asyncio, resource, sys, json
from finance_dev import FinanceDev, models
t_import = time.perf_counter() - t0
info = json.loads(sys.argv[1])
async def main():
    sdk = FinanceDev(security=models.Security(client_id=info["client_id"],
        client_secret=info["client_secret"], token_url=info["token_url"]),
        server_url=info["base_url"])
    await sdk.chart.get_quotes_async(symbols="AAPL")
asyncio.run(main())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([time.perf_counter() - t0, rss, t_import, time.process_time() - c0]))
"""

RAW = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import asyncio, resource, sys, json
import aiohttp, orjson
t_import = time.perf_counter() - t0
info = json.loads(sys.argv[1])
async def main():
    form = {"grant_type": "client_credentials", "client_id": info["client_id"],
            "client_secret": info["client_secret"]}
    async with aiohttp.ClientSession() as s:
        async with s.post(info["token_url"], data=form) as r:
            token = orjson.loads(await r.read())["access_token"]
        async with s.get(info["base_url"] + "/v1/chart/quotes", params={"symbols": "AAPL"},
                         headers={"Authorization": "Bearer " + token}) as r:
            orjson.loads(await r.read())
asyncio.run(main())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([time.perf_counter() - t0, rss, t_import, time.process_time() - c0]))
"""
"""The floor for any aiohttp-based client: raw aiohttp doing the same token request and quote."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    write_package_bytecode()
    contenders = (("aries-async", OURS), ("finance-dev", FD), ("raw aiohttp", RAW))
    samples: dict[str, list[list[float]]] = {name: [] for name, _ in contenders}
    with _simproc.running() as (_, info):
        line = json.dumps(info)
        for i in range(args.repeat):
            # Rotate the order so that drifts of a shared machine hit every contender alike.
            for name, code in contenders[i % 3 :] + contenders[: i % 3]:
                out = subprocess.run(  # noqa: S603 - our own interpreter and script
                    [sys.executable, "-c", code, line], capture_output=True, text=True, check=True
                )
                samples[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs: dict[str, dict[str, float]] = {
        name: {
            "cold_start_s": statistics.median(s[0] for s in mine),
            "import_s": statistics.median(s[2] for s in mine),
            "maxrss_kib": statistics.median(s[1] for s in mine),
            "cpu_s": statistics.median(s[3] for s in mine),
        }
        for name, mine in samples.items()
    }
    ratios = [
        a[0] / b[0] for a, b in zip(samples["aries-async"], samples["finance-dev"], strict=True)
    ]
    cpu_ratios = [
        a[3] / b[3] for a, b in zip(samples["aries-async"], samples["finance-dev"], strict=True)
    ]
    ratio = statistics.median(ratios)
    print(
        f"{'contender':<12} {'cold start s':>13} {'of it import':>13} {'CPU s':>7}"
        f" {'maxrss MiB':>11}"
    )
    for name, r in runs.items():
        print(
            f"{name:<12} {r['cold_start_s']:>13.3f} {r['import_s']:>13.3f} {r['cpu_s']:>7.3f}"
            f" {r['maxrss_kib'] / 1024:>11.1f}"
        )
    print(
        f"cold start aries-async / finance-dev = {ratio:.2f}x, median of {len(ratios)} paired"
        f" samples (target <= 0.7x); per pair: {', '.join(f'{r:.2f}' for r in ratios)}"
    )
    print(
        f"CPU time of the same window, aries-async / finance-dev ="
        f" {statistics.median(cpu_ratios):.2f}x (less sensitive to other load on the machine)"
    )
    floor = statistics.median(
        a[0] / b[0] for a, b in zip(samples["raw aiohttp"], samples["finance-dev"], strict=True)
    )
    print(f"floor: raw aiohttp / finance-dev = {floor:.2f}x (no SDK built on aiohttp gets below)")
    results: dict[str, Any] = {
        "runs": runs,
        "cold_start_ratio": ratio,
        "cold_start_ratio_per_pair": ratios,
        "cpu_ratio": statistics.median(cpu_ratios),
        "raw_aiohttp_floor_ratio": floor,
    }
    _simproc.write_results("footprint", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
