"""Quote polling: N quote requests at concurrency C against the simulator in its own process.

Run: ``python -m benchmarks.quote_polling [--requests 2000 --concurrency 100]``. Writes
``benchmarks/results/quote_polling.json``. Contenders run side by side in one run: raw aiohttp
(same URL, same pool size, orjson decode), ``client.market.quote``, finance-dev
``chart.get_quotes_async``. The sim's CPU time per contender is read from /proc to show whether
the sim was the bottleneck (CPU seconds close to wall seconds means it was).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson

RESULTS = Path(__file__).resolve().parent / "results"
SYMBOL = "AAPL"


def sim_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def gather_limited(make, n: int, conc: int) -> None:
    sem = asyncio.Semaphore(conc)

    async def one() -> None:
        async with sem:
            await make()

    await asyncio.gather(*(one() for _ in range(n)))


async def raw(info: dict[str, Any], token: str, n: int, conc: int) -> None:
    url = info["base_url"].rstrip("/") + "/v1/chart/quotes"
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as s:

        async def call() -> None:
            async with s.get(url, params={"symbols": SYMBOL}, headers=headers) as r:
                orjson.loads(await r.read())

        await gather_limited(call, n, conc)


async def ours(info: dict[str, Any], token: dict[str, Any], n: int, conc: int) -> None:
    from aries_async.auth.tokens import Token
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig

    config = ClientConfig.for_base_url(
        info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]
    )
    async with AriesClient(config, token=Token.from_response(token)) as client:
        await client.market.quote(SYMBOL)
        await gather_limited(lambda: client.market.quote(SYMBOL), n, conc)


async def fd(info: dict[str, Any], n: int, conc: int) -> None:
    from finance_dev import FinanceDev, models  # type: ignore[import-not-found]

    sdk = FinanceDev(
        security=models.Security(
            client_id=info["client_id"],
            client_secret=info["client_secret"],
            token_url=info["token_url"],
        ),
        server_url=info["base_url"],
    )
    await sdk.chart.get_quotes_async(symbols=SYMBOL)
    await gather_limited(lambda: sdk.chart.get_quotes_async(symbols=SYMBOL), n, conc)


async def get_token(info: dict[str, Any]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as s:
        form = {
            "grant_type": "client_credentials",
            "client_id": info["client_id"],
            "client_secret": info["client_secret"],
        }
        async with s.post(info["token_url"], data=form) as r:
            return await r.json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args(argv)
    n, c = args.requests, args.concurrency
    proc = subprocess.Popen(
        [sys.executable, "-m", "aries_async.sim.cli", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        info = json.loads(proc.stdout.readline())  # type: ignore[union-attr]
        token = asyncio.run(get_token(info))
        contenders: dict[str, Any] = {
            "raw aiohttp": lambda: raw(info, token["access_token"], n, c),
            "aries-async": lambda: ours(info, token, n, c),
            "finance-dev": lambda: fd(info, n, c),
        }
        runs: dict[str, Any] = {}
        for name, make in contenders.items():
            try:
                cpu0, t0 = sim_cpu(proc.pid), time.perf_counter()
                asyncio.run(make())
                wall = time.perf_counter() - t0
                cpu = sim_cpu(proc.pid) - cpu0
                runs[name] = {"req_per_s": n / wall, "wall_s": wall, "sim_cpu_s": cpu}
            except ImportError as exc:
                runs[name] = {"skipped": str(exc)}
    finally:
        proc.terminate()
        proc.wait(10)
    base = runs["raw aiohttp"]["req_per_s"]
    fdr = runs.get("finance-dev", {}).get("req_per_s")
    print(f"{'contender':<12} {'req/s':>9} {'sim CPU/wall':>13} {'vs raw':>7} {'vs fd':>7}")
    for name, r in runs.items():
        if "skipped" in r:
            print(f"{name:<12} skipped: {r['skipped']}")
            continue
        r["vs_raw"] = r["req_per_s"] / base
        r["vs_finance_dev"] = r["req_per_s"] / fdr if fdr else None
        print(
            f"{name:<12} {r['req_per_s']:>9,.0f} {r['sim_cpu_s'] / r['wall_s']:>12.0%}"
            f" {r['vs_raw']:>6.2f}x {r['vs_finance_dev'] or 0:>6.2f}x"
        )
    out = {"requests": n, "concurrency": c, "python": platform.python_version(),
           "nproc": os.cpu_count(), "runs": runs}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "quote_polling.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
