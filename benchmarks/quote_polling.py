"""Quote polling: N quote requests at concurrency C against the simulator in its own process.

Run: ``python -m benchmarks.quote_polling [--requests 2000 --concurrency 100 --rounds 11]``.
Writes ``benchmarks/results/quote_polling.json``.

Contenders, each with a connection pool of ``--pool`` connections (256, our default) to the same
URL with the same query and the same bearer token:

* raw aiohttp: ``session.get`` and ``orjson.loads`` of the body into plain dicts;
* aries-async: ``client.market.quote``, which returns a typed ``Quote`` (``Decimal`` prices);
* finance-dev: ``chart.get_quotes_async``, which returns its pydantic models (httpx pool limits
  set to the same size);
* aries (dicts), a diagnostic: ``client.request`` on the same URL with the query string
  ``market.quote`` sends, returning the decoded JSON (auth, retry policy and error mapping
  included): the difference to aries-async is the typed quotes;
* aries (3 reads), a diagnostic: ``client.market.quote`` and then ``last_price``,
  ``bid_price`` and ``ask_price`` read from each quote (a quote's numbers become ``Decimal``
  on first read, so this is what a caller who uses three of them pays; raw aiohttp still
  reads nothing).

Fairness: building each client, fetching a token and opening the first connection happen
before the clock starts (one untimed warm-up call). Rounds interleave the contenders and rotate
their order, so slow drifts of a shared machine hit each one alike; the ratios reported are the
medians of the per-round ratios. The sim's CPU time per contender is read from /proc: sim CPU
close to wall time would mean the sim, not the client, set the pace. ``--sim-check`` also runs
two raw clients at once in two processes: if together they get well above one raw client, the
sim had headroom during the raw run.

``--instructions`` counts instead of timing (written to ``quote_polling_instructions.json``): each
contender runs in a child under ``valgrind --tool=callgrind`` twice, with 200 and 1,200
requests (finance-dev: 20 and 120), and the difference of the two totals over the 1,000 (100)
extra requests is the client's instructions per request: start-up, imports, the token and the
warm-up call cancel out. The sim runs natively in its own process. The counts repeat to within a
fraction of a percent, where the rates above move by 10% on a shared machine; they measure the
client's CPU work only (not the sockets' waiting), which is what limits it here.

``--no-gc`` turns the garbage collector off for the timed part of every contender (a
diagnostic: the difference to a run without it is each contender's collector time). The table
counts the collections each contender set off while its requests ran: young ones per 1,000
requests, and full ones (which walk the whole heap) per run.

``--freeze`` runs each contender once, untimed, then moves everything the process holds by
then (the contenders' modules, finance-dev's among them) out of the collector's reach with
``gc.freeze()``, as servers do after start-up: a full collection then walks only what the
requests made, not a heap that is mostly the comparison package's, whichever contender sets
it off.

``--workers`` runs the requests in ``--concurrency`` tasks that each loop until the requests
are done, as a polling bot would, instead of one task a request made up front that waits its
turn at a semaphore (the default): the up-front tasks are most of the heap that each full
collection walks, whichever contender sets it off.

``--slowed-raw US`` adds a diagnostic contender: raw aiohttp that also computes for ``US``
microseconds a request and allocates nothing the collector tracks. It shows what a client a
few microseconds slower than raw aiohttp pays in this set-up, its collections included.

``--profile`` runs ``--requests`` x ``--rounds`` requests of aries-async alone under
pyinstrument and writes where the time goes to ``benchmarks/results/quote_polling.*`` (see
``benchmarks._profile``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from benchmarks import _callgrind, _profile, _simproc
from benchmarks._simproc import sim_cpu

SYMBOL = "AAPL"
POOL = 256

Timed = Callable[[], Awaitable[None]]
"""Runs the timed part of one contender (the requests), after its untimed set-up."""


HARNESS = {"workers": False}
"""``--workers``: how :func:`gather_limited` runs the requests (set once by :func:`main`)."""


async def gather_limited(make: Callable[[], Awaitable[Any]], n: int, conc: int) -> None:
    """Run ``make()`` ``n`` times with at most ``conc`` in flight: ``n`` tasks made up front
    that take turns at a semaphore, or with ``--workers`` ``conc`` tasks that each run
    ``make()`` until ``n`` calls have started (a polling bot's shape)."""
    if HARNESS["workers"]:
        left = n

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                await make()

        await asyncio.gather(*(worker() for _ in range(min(n, conc))))
        return
    sem = asyncio.Semaphore(conc)

    async def one() -> None:
        async with sem:
            await make()

    await asyncio.gather(*(one() for _ in range(n)))


async def raw(
    info: dict[str, Any],
    token: dict[str, Any],
    n: int,
    conc: int,
    clock: Timed,
    *,
    extra_us: float = 0.0,
) -> None:
    """Raw aiohttp: the same URL, query, token and pool size; the body decoded with orjson.
    With ``extra_us``, each request also computes for that many microseconds, allocating
    nothing the garbage collector tracks (``--slowed-raw``)."""
    url = info["base_url"].rstrip("/") + "/v1/chart/quotes"
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    extra = extra_us / 1e6
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=POOL)) as s:

        async def call() -> Any:
            async with s.get(url, params={"symbols": SYMBOL}, headers=headers) as r:
                data = orjson.loads(await r.read())
            if extra:
                until = time.perf_counter() + extra
                while time.perf_counter() < until:  # floats: not tracked by the collector
                    pass
            return data

        await call()
        await clock()
        await gather_limited(call, n, conc)
        await clock()


async def ours(
    info: dict[str, Any],
    token: dict[str, Any],
    n: int,
    conc: int,
    clock: Timed,
    *,
    reads: bool = False,
) -> None:
    """aries-async: ``client.market.quote`` returning typed quotes; with ``reads``, the quote's
    ``last_price``, ``bid_price`` and ``ask_price`` are read too (each ``Decimal`` is built on
    first read)."""
    from aries_async.auth.tokens import Token
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig

    config = ClientConfig.for_base_url(
        info["base_url"],
        client_id=info["client_id"],
        client_secret=info["client_secret"],
        pool_size=POOL,
    )
    async with AriesClient(config, token=Token.from_response(token)) as client:

        async def call() -> Any:
            quote = await client.market.quote(SYMBOL)
            if reads:
                return quote.last_price, quote.bid_price, quote.ask_price
            return quote

        await call()
        await clock()
        await gather_limited(call, n, conc)
        await clock()


async def ours_json(
    info: dict[str, Any], token: dict[str, Any], n: int, conc: int, clock: Timed
) -> None:
    """aries-async's request path alone: ``client.request`` returning the decoded JSON, with
    the query string that ``client.market.quote`` sends (a diagnostic: the difference to
    ``client.market.quote`` is the cost of the typed quotes)."""
    from aries_async.auth.tokens import Token
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig

    config = ClientConfig.for_base_url(info["base_url"], pool_size=POOL)
    params = f"symbols={SYMBOL}"
    async with AriesClient(config, token=Token.from_response(token)) as client:
        await client.request("GET", "/v1/chart/quotes", params=params)
        await clock()
        await gather_limited(
            lambda: client.request("GET", "/v1/chart/quotes", params=params), n, conc
        )
        await clock()


async def fd(info: dict[str, Any], token: dict[str, Any], n: int, conc: int, clock: Timed) -> None:
    """finance-dev: ``chart.get_quotes_async`` returning its models (it fetches its own token)."""
    import httpx

    limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    async with httpx.AsyncClient(limits=limits, follow_redirects=True) as http:
        sdk = _simproc.finance_dev_client(info, async_client=http)
        await sdk.chart.get_quotes_async(symbols=SYMBOL)
        await clock()
        await gather_limited(lambda: sdk.chart.get_quotes_async(symbols=SYMBOL), n, conc)
        await clock()


CONTENDERS: dict[str, Callable[..., Coroutine[Any, Any, None]]] = {
    "raw aiohttp": raw,
    "aries-async": ours,
    "finance-dev": fd,
    "aries (dicts)": ours_json,
    "aries (3 reads)": functools.partial(ours, reads=True),
}


async def get_token(info: dict[str, Any]) -> dict[str, Any]:
    """A client-credentials token from the sim (shared by raw aiohttp and aries-async)."""
    async with aiohttp.ClientSession() as s:
        form = {
            "grant_type": "client_credentials",
            "client_id": info["client_id"],
            "client_secret": info["client_secret"],
        }
        async with s.post(info["token_url"], data=form) as r:
            result: dict[str, Any] = await r.json()
            return result


def measure(
    run: Callable[..., Coroutine[Any, Any, None]],
    info: dict[str, Any],
    token: dict[str, Any],
    n: int,
    conc: int,
    sim_pid: int,
    *,
    collect: bool = True,
) -> dict[str, float]:
    """One timed run: wall seconds, client CPU seconds and sim CPU seconds of the requests
    (without ``collect``, the garbage collector is off while they run)."""
    marks: list[tuple[float, float, float]] = []
    collections = [0, 0, 0]  # by generation, while the requests run

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and len(marks) == 1:
            collections[info["generation"]] += 1

    async def clock() -> None:
        if not collect:
            (gc.disable if not marks else gc.enable)()
        marks.append((time.perf_counter(), time.process_time(), sim_cpu(sim_pid)))

    gc.callbacks.append(count)
    try:
        asyncio.run(run(info, token, n, conc, clock))
    finally:
        gc.enable()
        gc.callbacks.remove(count)
    (w0, c0, s0), (w1, c1, s1) = marks
    wall = w1 - w0
    return {
        "req_per_s": n / wall,
        "wall_s": wall,
        "client_cpu_us_per_req": (c1 - c0) / n * 1e6,
        "sim_cpu_s": s1 - s0,
        "sim_cpu_share": (s1 - s0) / wall,
        "young_collections_per_1000": collections[0] / n * 1000,
        "full_collections": collections[2],
    }


def two_raw_clients(info: dict[str, Any], n: int, conc: int, sim_pid: int) -> dict[str, float]:
    """Two raw clients in two processes at once: the sim's rate when pushed harder.

    Each child marks the wall clock and the sim's CPU time right before its first timed
    request and right after its last one, so process start-up is not counted."""
    code = (
        "import asyncio, json, sys, time\n"
        "from benchmarks.quote_polling import get_token, raw\n"
        "from benchmarks._simproc import sim_cpu\n"
        "info = json.loads(sys.argv[1]); n, c, pid = map(int, sys.argv[2:5])\n"
        "marks = []\n"
        "async def clock(): marks.append((time.time(), sim_cpu(pid)))\n"
        "token = asyncio.run(get_token(info))\n"
        "asyncio.run(raw(info, token, n, c, clock))\n"
        "print(json.dumps(marks))\n"
    )
    args = [sys.executable, "-c", code, json.dumps(info), str(n), str(conc), str(sim_pid)]
    root = str(Path(__file__).resolve().parent.parent)
    procs = [
        subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, text=True)  # noqa: S603
        for _ in range(2)
    ]
    marks = [json.loads(proc.communicate(timeout=300)[0]) for proc in procs]
    starts = [m[0] for m in marks]
    ends = [m[1] for m in marks]
    wall = max(t for t, _ in ends) - min(t for t, _ in starts)
    sim = max(c for _, c in ends) - min(c for _, c in starts)
    overlap = min(t for t, _ in ends) - max(t for t, _ in starts)
    return {"req_per_s": 2 * n / wall, "sim_cpu_share": sim / wall, "overlap_s": overlap}


async def _no_clock() -> None:
    """The ``clock`` of a run that is counted or profiled, not timed."""


def worker(name: str, n: int, conc: int, info_json: str) -> int:
    """One callgrind child of ``--instructions``: a token, one warm-up call, ``n`` requests."""
    info = json.loads(info_json)
    token = asyncio.run(get_token(info))
    asyncio.run(CONTENDERS[name](info, token, n, conc, _no_clock))
    return 0


def instructions(names: list[str], n: int, conc: int) -> int:
    """Client instructions per request of each contender under callgrind: a run of ``n`` more
    requests than another, the difference divided by ``n`` (finance-dev: ``n // 10``, it is
    slow under valgrind), so start-up, imports, the token and the warm-up call cancel out. The
    sim runs natively in its own process."""
    found = _callgrind.find_valgrind()
    if found is None:
        return 2
    valgrind, version = found
    sizes = {name: (n // 10 if name == "finance-dev" else n) for name in names}
    jobs = [(name, low) for name in names for low in (True, False)]

    def run(info: dict[str, Any], outdir: Path, job: tuple[str, bool]) -> int:
        name, low = job
        count = sizes[name] // 5 if low else sizes[name] + sizes[name] // 5
        label = f"{name.replace(' ', '_')}-{count}"
        args = ["-m", "benchmarks.quote_polling", "--worker", name, "--requests", str(count)]
        args += ["--concurrency", str(conc), "--info", json.dumps(info)]
        return _callgrind.count(valgrind, outdir, label, args)

    with (
        _simproc.running() as (_, info),
        tempfile.TemporaryDirectory() as tmp,
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        counted = pool.map(functools.partial(run, info, Path(tmp)), jobs)
        totals = dict(zip(jobs, counted, strict=True))
    per_request = {
        name: (totals[(name, False)] - totals[(name, True)]) / sizes[name] for name in names
    }
    print(f"{'contender':<14} {'instr/request':>14} {'vs raw':>7} {'vs fd':>7}")
    ratios: dict[str, dict[str, float]] = {}
    for name, mine in per_request.items():
        ratios[name] = {"vs raw": per_request["raw aiohttp"] / mine}
        if "finance-dev" in per_request:
            ratios[name]["vs finance-dev"] = per_request["finance-dev"] / mine
        vs_fd = ratios[name].get("vs finance-dev")
        fd_text = f"{vs_fd:>6.2f}x" if vs_fd is not None else f"{'-':>7}"
        print(f"{name:<14} {mine:>14,.0f} {ratios[name]['vs raw']:>6.2f}x {fd_text}")
    out = {
        "requests": sizes,
        "concurrency": conc,
        "tool": "valgrind --tool=callgrind",
        "valgrind": version,
        "statistic": "client instructions per request; ratios: theirs / ours (>1: fewer)",
        "instructions_per_request": per_request,
        "ratios": ratios,
    }
    _simproc.write_results("quote_polling_instructions", out)
    return 0


def profile(n: int, conc: int) -> int:
    """``--profile``: ``n`` requests of ``client.market.quote`` under pyinstrument."""
    with _simproc.serving() as info:
        token = asyncio.run(get_token(info))

        def run(requests: int) -> None:
            asyncio.run(ours(info, token, requests, conc, _no_clock))

        run(conc)  # imports and first-call set-up stay out of the profile
        print(f"aries-async, {n:,} requests at concurrency {conc}")
        _profile.profile("quote_polling", functools.partial(run, n))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its JSON results."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--skip-finance-dev", action="store_true")
    parser.add_argument("--sim-check", action="store_true", help="also run two raw clients")
    parser.add_argument(
        "--no-gc", action="store_true", help="the garbage collector off while requests run"
    )
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="after one untimed run of each contender, gc.freeze() what the process holds",
    )
    parser.add_argument(
        "--workers",
        action="store_true",
        help="run the requests in --concurrency worker tasks, not --requests tasks made up front",
    )
    parser.add_argument(
        "--slowed-raw",
        type=float,
        metavar="US",
        help="also run raw aiohttp with US microseconds of computation a request (a diagnostic)",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count client instructions per request under valgrind's callgrind instead of timing",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile aries-async's requests with pyinstrument instead (results/quote_polling.*)",
    )
    # The callgrind child of --instructions.
    parser.add_argument("--worker", choices=list(CONTENDERS), help=argparse.SUPPRESS)
    parser.add_argument("--info", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n, c = args.requests, args.concurrency
    HARNESS["workers"] = args.workers
    if args.worker is not None:
        return worker(args.worker, n, c, args.info)
    contenders = dict(CONTENDERS)
    if args.slowed_raw:
        contenders[f"raw +{args.slowed_raw:g} us"] = functools.partial(
            raw, extra_us=args.slowed_raw
        )
    names = [k for k in contenders if not (args.skip_finance_dev and k == "finance-dev")]
    if args.instructions:
        return instructions(names, 1000 if n == parser.get_default("requests") else n, c)
    if args.profile:
        return profile(n * args.rounds, c)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    skipped: dict[str, str] = {}
    sim_check: dict[str, float] | None = None
    with _simproc.running() as (proc, info):
        token = asyncio.run(get_token(info))
        if args.freeze:
            for name in names:
                with contextlib.suppress(ImportError):  # reported by the rounds
                    measure(contenders[name], info, token, 100, c, proc.pid)
            gc.collect()
            gc.freeze()
        for r in range(args.rounds):
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in order:
                if name in skipped:
                    continue
                try:
                    sample = measure(
                        contenders[name], info, token, n, c, proc.pid, collect=not args.no_gc
                    )
                    samples[name].append(sample)
                except ImportError as exc:
                    skipped[name] = str(exc)
        if args.sim_check:
            sim_check = two_raw_clients(info, n, c, proc.pid)
    runs: dict[str, Any] = {}
    base = samples["raw aiohttp"]
    fds = samples.get("finance-dev") or []
    for name in names:
        if name in skipped:
            runs[name] = {"skipped": skipped[name]}
            continue
        mine = samples[name]
        summary: dict[str, Any] = {
            key: statistics.median(s[key] for s in mine)
            for key in (
                "req_per_s",
                "client_cpu_us_per_req",
                "sim_cpu_share",
                "young_collections_per_1000",
                "full_collections",
            )
        }
        summary["vs_raw"] = statistics.median(
            a["req_per_s"] / b["req_per_s"] for a, b in zip(mine, base, strict=True)
        )
        summary["vs_raw_per_round"] = [
            round(a["req_per_s"] / b["req_per_s"], 3) for a, b in zip(mine, base, strict=True)
        ]
        if fds:
            summary["vs_finance_dev"] = statistics.median(
                a["req_per_s"] / b["req_per_s"] for a, b in zip(mine, fds, strict=True)
            )
        summary["samples"] = mine
        runs[name] = summary
    print(
        f"{'contender':<16} {'req/s':>8} {'client CPU/req':>15} {'sim CPU/wall':>13}"
        f" {'vs raw':>7} {'vs fd':>7} {'young GCs/1000':>15} {'full GCs':>9}"
    )
    for name, r in runs.items():
        if "skipped" in r:
            print(f"{name:<16} skipped: {r['skipped']}")
            continue
        vs_fd = f"{r['vs_finance_dev']:>6.2f}x" if "vs_finance_dev" in r else f"{'-':>7}"
        print(
            f"{name:<16} {r['req_per_s']:>8,.0f} {r['client_cpu_us_per_req']:>12.0f} us"
            f" {r['sim_cpu_share']:>12.0%} {r['vs_raw']:>6.2f}x {vs_fd}"
            f" {r['young_collections_per_1000']:>15.0f} {r['full_collections']:>9.0f}"
        )
    if sim_check is not None:
        print(
            f"two raw clients at once: {sim_check['req_per_s']:,.0f} req/s in total,"
            f" sim CPU/wall {sim_check['sim_cpu_share']:.0%}"
            f" (the two overlapped for {sim_check['overlap_s']:.2f} s)"
        )
    out = {
        "requests": n,
        "concurrency": c,
        "rounds": args.rounds,
        "pool": POOL,
        "garbage_collector": not args.no_gc,
        "frozen_before_rounds": args.freeze,
        "worker_tasks": args.workers,
        "runs": runs,
        "two_raw_clients": sim_check,
    }
    _simproc.write_results("quote_polling", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
