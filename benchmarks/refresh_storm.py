"""Refresh storm: 1,000 concurrent quote calls on an expired token; token requests at the sim.

Run: ``python -m benchmarks.refresh_storm [--calls 1000]``. Writes
``benchmarks/results/refresh_storm.json``. The simulator runs in a thread of this process
(``ThreadedSimulator``) because its token-request counter is not exposed over HTTP; only counts
are reported here, no timings that a shared process would distort.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from pathlib import Path
from typing import Any

import attrs

from aries_async.sim.threaded import ThreadedSimulator

RESULTS = Path(__file__).resolve().parent / "results"


async def ours(sim: ThreadedSimulator, calls: int) -> dict[str, Any]:
    from aries_async.client import AriesClient

    token = sim.call(lambda: sim.simulator.issue_token())
    expired = attrs.evolve(token, expires_at=time.time() - 10)
    before = sim.call(lambda: sim.simulator.token_requests)
    async with AriesClient(sim.client_config(), token=expired) as client:
        results = await asyncio.gather(
            *(client.market.quote("AAPL") for _ in range(calls)), return_exceptions=True
        )
    errors = sum(isinstance(r, BaseException) for r in results)
    after = sim.call(lambda: sim.simulator.token_requests)
    return {"token_requests": after - before, "errors": errors}


async def finance_dev(sim: ThreadedSimulator, calls: int) -> dict[str, Any]:
    from finance_dev import FinanceDev, models  # type: ignore[import-not-found]
    from finance_dev._hooks.clientcredentials import (  # type: ignore[import-not-found]
        ClientCredentialsHook,
    )

    sdk = FinanceDev(
        security=models.Security(
            client_id=sim.client_id, client_secret=sim.client_secret, token_url=sim.token_url
        ),
        server_url=sim.base_url,
    )
    await sdk.chart.get_quotes_async(symbols="AAPL")  # obtain a token, then expire it
    for sessions in ClientCredentialsHook._sessions.values():
        for session in sessions.values():
            session.expires_at = int(time.time()) - 10
    before = sim.call(lambda: sim.simulator.token_requests)
    results = await asyncio.gather(
        *(sdk.chart.get_quotes_async(symbols="AAPL") for _ in range(calls)),
        return_exceptions=True,
    )
    errors = sum(isinstance(r, BaseException) for r in results)
    after = sim.call(lambda: sim.simulator.token_requests)
    return {"token_requests": after - before, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"calls": args.calls, "python": platform.python_version(), "runs": {}}
    with ThreadedSimulator() as sim:
        for name, fn in (("aries-async", ours), ("finance-dev", finance_dev)):
            try:
                out["runs"][name] = asyncio.run(fn(sim, args.calls))
            except ImportError as exc:
                out["runs"][name] = {"skipped": str(exc)}
    print(f"{'contender':<12} {'token requests':>15} {'errors':>7}  (target: 1 token request)")
    for name, r in out["runs"].items():
        print(f"{name:<12} {r.get('token_requests', '-')!s:>15} {r.get('errors', '-')!s:>7}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "refresh_storm.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
