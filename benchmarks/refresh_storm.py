"""Refresh storm: 1,000 concurrent quote calls on an expired token; token requests at the sim.

Run: ``python -m benchmarks.refresh_storm [--calls 1000]``. Writes
``benchmarks/results/refresh_storm.json``. The simulator runs in its own process
(``benchmarks._simproc``), which reports how many requests reached its token endpoint. Only
counts are reported, no timings: the target is one token request however many calls wait.

Contenders:
* aries-async: a client holding a token that it believes expired (the sim still accepts it),
  then ``client.market.quote`` 1,000 times at once;
* finance-dev: ``chart.get_quotes_async`` once (it fetches its client-credentials token), its
  cached token marked expired, then 1,000 calls at once.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import time
from typing import Any

import attrs

from benchmarks import _simproc


async def ours(info: dict[str, Any], proc: subprocess.Popen[str], calls: int) -> dict[str, Any]:
    from aries_async.auth.tokens import Token
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig

    config = ClientConfig.for_base_url(
        info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]
    )
    expired = attrs.evolve(Token.from_response(info["token"]), expires_at=time.time() - 10)
    before = _simproc.counters(proc)["token_requests"]
    async with AriesClient(config, token=expired) as client:
        results = await asyncio.gather(
            *(client.market.quote("AAPL") for _ in range(calls)), return_exceptions=True
        )
    errors = sum(isinstance(r, BaseException) for r in results)
    after = _simproc.counters(proc)["token_requests"]
    return {"token_requests": after - before, "errors": errors}


async def finance_dev(
    info: dict[str, Any], proc: subprocess.Popen[str], calls: int
) -> dict[str, Any]:
    from finance_dev._hooks.clientcredentials import ClientCredentialsHook

    sdk = _simproc.finance_dev_client(info)
    await sdk.chart.get_quotes_async(symbols="AAPL")  # obtain a token, then expire it
    for sessions in ClientCredentialsHook._sessions.values():
        for session in sessions.values():
            session.expires_at = int(time.time()) - 10
    before = _simproc.counters(proc)["token_requests"]
    results = await asyncio.gather(
        *(sdk.chart.get_quotes_async(symbols="AAPL") for _ in range(calls)),
        return_exceptions=True,
    )
    errors = sum(isinstance(r, BaseException) for r in results)
    after = _simproc.counters(proc)["token_requests"]
    return {"token_requests": after - before, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args(argv)
    runs: dict[str, Any] = {}
    with _simproc.running() as (proc, info):
        for name, fn in (("aries-async", ours), ("finance-dev", finance_dev)):
            try:
                runs[name] = asyncio.run(fn(info, proc, args.calls))
            except ImportError as exc:
                runs[name] = {"skipped": str(exc)}
    print(f"{'contender':<12} {'token requests':>15} {'errors':>7}  (target: 1 token request)")
    for name, r in runs.items():
        print(f"{name:<12} {r.get('token_requests', '-')!s:>15} {r.get('errors', '-')!s:>7}")
    _simproc.write_results("refresh_storm", {"calls": args.calls, "runs": runs})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
