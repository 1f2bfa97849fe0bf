"""End-to-end stream throughput: the simulator's firehose over loopback, raw websockets vs ours.

Run: ``python -m benchmarks.stream_throughput [--count 200000 --symbols 100 --frames 1,20
--repeat 5]``. Writes ``benchmarks/results/stream_throughput.json``.

The simulator runs in its own process in firehose mode (``benchmarks._simproc``): once a
connection has subscribed to every firehose symbol it gets ``--count`` quote update lines,
``lines-per-frame`` per text frame, as fast as the socket takes them (frames are precomputed,
so the sim does little more than write). Each run opens a fresh connection, authenticates,
subscribes, and is timed from the first subscribe message to the last quote read.

Contenders (interleaved in every repeat; medians of ``--repeat``):

raw websockets
    What a user of plain ``websockets`` must at least do: ``POST /auth`` and wait for
    ``authSuccess``, subscribe, then ``async for frame in ws``, split each frame on newlines,
    ``orjson.loads`` every line into a dict and read ``bidPrice``/``askPrice`` (floats) of every
    quote. No reconnects, no keep-alive, no typed models, no Decimal.
aries-async
    ``client.market_stream()``, ``stream.subscribe(symbols, channels=["quotes"])`` and one
    consumer ``async for q in stream.quotes()`` reading ``q.bid_price`` and ``q.ask_price``
    (``Decimal``) of every quote. The consumer stops when delivered + conflated reaches the
    count; the conflated count is reported (0 means every update was delivered).
charts: raw websockets / charts: aries-async
    The same pair on the charts socket (``/v1/charts/ws``), whose firehose sends the same
    symbols' quotes in TradingView form (``payload {symbol, data: {s, n, v: {lp, bid, ask,
    ...}}}``): the raw loop reads ``v.bid`` and ``v.ask`` (floats) of every quote,
    ``client.chart_stream()`` reads ``quote.bid_price`` and ``quote.ask_price`` (``Decimal``).
    Each is subscribed one symbol a message, as the charts socket's clients do. Their ``vs raw``
    is against the charts raw loop, in the same run as the market pair.

Four context rows (not targets; ``--no-diagnostics`` skips them): ``raw + Decimal`` is the raw
loop plus ``Decimal(repr(float))`` of bid and ask (what a raw user pays for Decimal money),
``ours, .data floats`` is our consumer reading the wire floats from ``quote.data`` (our pipeline
without the Decimal reads; with several quotes in a read the decoder still converts their bid
and ask in one batch before anyone reads, so only at a read of one quote does it skip the
conversion too), ``ours, batches`` is our consumer taking
``quotes.batches()`` (a list per wake-up instead of one ``async for`` step per quote) and
reading the same ``Decimal`` prices, and ``raw aiohttp ws`` is the raw loop on aiohttp's
websocket client (the per-frame cost of the other websocket stack the project depends on).

The sim's CPU seconds during each run (from /proc) over the run's wall time show whether the
sim could have been the bottleneck (close to 100% means it was). ``vs raw`` is the ratio of the
medians; ``pair med`` the median of the ratios of runs that ran back to back.

Then, without a socket, the cost per quote of each stage of our consumer path on the same
frames (decode into typed models; plus routing, fan-out and the consumer buffer; plus the two
Decimal reads) next to the raw loop's split-and-parse, to show where the time goes.

``--instructions`` counts instead of timing (``stream_throughput_instructions.json``): each
contender runs in a child under ``valgrind --tool=callgrind`` twice, reading ``--count`` / 10
and ``--count`` / 2 quotes (1 line a frame; else ``--count`` / 2 and ``--count``), each
child from a native firehose simulator of its own that sends until the socket closes; the
difference of the two totals over the extra quotes is the client's instructions per quote
(start-up, imports, connecting and subscribing cancel out). Like the timed runs, the client
is the bottleneck: it reads what the socket holds, the simulator waits on the socket. Unless
``--no-diagnostics``, it then counts the in-process stages too (20,000 quote lines each, a
child that runs the stage less one that only sets it up), with one more diagnostic stage: the
decoder with its batch conversion of bid and ask switched off, to show what that costs.

``--profile`` runs our consumer alone against the firehose (``--count`` quotes, once per frame
size) under pyinstrument and writes where
the time goes to ``benchmarks/results/stream_throughput_<n>_per_frame.*`` (see
``benchmarks._profile``).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import websockets

from benchmarks import _callgrind, _profile, _simproc
from benchmarks._socket_reads import socket_reads

BATCH = 500  # symbols per subscribe message (StreamConfig.subscribe_batch)


def _auth_text(info: dict[str, Any]) -> str:
    token = info["token"]["access_token"]
    auth = {
        "type": "request",
        "id": "auth-1",
        "payload": {"method": "POST", "path": "/auth", "body": {"token": token}},
    }
    return orjson.dumps(auth).decode()


def _authenticated(frame: str) -> bool:
    for line in frame.split("\n"):
        payload = orjson.loads(line).get("payload")
        if isinstance(payload, dict) and payload.get("action") == "authSuccess":
            return True
    return False


def _subscribe_texts(info: dict[str, Any], charts: bool = False) -> list[str]:
    symbols = info["firehose_symbols"]
    if charts:  # one symbol a message, as the charts socket's clients send them
        return [
            orjson.dumps(
                {"type": "subscribe", "id": f"s{i}", "payload": {"type": "quotes", "symbol": s}}
            ).decode()
            for i, s in enumerate(symbols)
        ]
    texts = []
    for start in range(0, len(symbols), BATCH):
        items = [{"symbol": s, "quoteFields": "*"} for s in symbols[start : start + BATCH]]
        message = {"type": "subscribe", "id": f"s{start}", "payload": items}
        texts.append(orjson.dumps(message).decode())
    return texts


async def _read_quotes(frames: AsyncIterator[str], count: int, decimal: bool) -> int:
    """The raw receive loop: split each frame, parse each line, read bid and ask of each quote
    (as ``Decimal`` too when ``decimal``) until ``count`` quotes; returns how many were read."""
    n = 0
    async for frame in frames:
        for line in frame.split("\n"):
            message = orjson.loads(line)
            payload = message.get("payload")
            if payload is not None and payload.get("type") == "quote":
                data = payload["data"]
                bid, ask = data["bidPrice"], data["askPrice"]
                if decimal:
                    bid, ask = Decimal(repr(bid)), Decimal(repr(ask))
                n += 1
        if n >= count:
            break
    return n


async def _read_chart_quotes(frames: AsyncIterator[str], count: int) -> int:
    """:func:`_read_quotes` for the charts socket: a quote is an event whose ``data.v`` is an
    object; its ``bid`` and ``ask`` are read."""
    n = 0
    async for frame in frames:
        for line in frame.split("\n"):
            payload = orjson.loads(line).get("payload")
            if payload is not None:
                data = payload.get("data")
                if type(data) is dict and type(data.get("v")) is dict:
                    values = data["v"]
                    _ = values["bid"], values["ask"]
                    n += 1
        if n >= count:
            break
    return n


async def raw(
    info: dict[str, Any], count: int, *, decimal: bool = False, charts: bool = False
) -> dict[str, Any]:
    url = info["charts_ws_url" if charts else "market_ws_url"]
    async with websockets.connect(
        url, compression=None, max_size=16 * 1024 * 1024, close_timeout=0.2
    ) as ws:
        await ws.send(_auth_text(info))
        while not _authenticated(str(await ws.recv())):
            pass
        t0 = time.perf_counter()
        for text in _subscribe_texts(info, charts):
            await ws.send(text)
        frames: Any = ws  # text frames
        n = await (
            _read_chart_quotes(frames, count) if charts else _read_quotes(frames, count, decimal)
        )
        wall = time.perf_counter() - t0
    return {"wall_s": wall, "quotes": n, "conflated": 0}


async def raw_aiohttp(info: dict[str, Any], count: int) -> dict[str, Any]:
    """The raw loop on aiohttp's websocket client instead of ``websockets`` (a diagnostic: the
    per-frame cost of the other websocket stack this project already depends on). Its frames
    pass through one more async generator than the ``websockets`` ones, a cost on its side."""
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(info["market_ws_url"], compress=0, max_msg_size=16 * 1024 * 1024) as ws,
    ):
        await ws.send_str(_auth_text(info))
        while not _authenticated((await ws.receive()).data):
            pass
        t0 = time.perf_counter()
        for text in _subscribe_texts(info):
            await ws.send_str(text)
        n = await _read_quotes((message.data async for message in ws), count, False)
        wall = time.perf_counter() - t0
    return {"wall_s": wall, "quotes": n, "conflated": 0}


async def ours(
    info: dict[str, Any],
    count: int,
    *,
    typed: bool = True,
    batches: bool = False,
    charts: bool = False,
) -> dict[str, Any]:
    from aries_async.auth.tokens import Token
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig

    config = ClientConfig.for_base_url(
        info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]
    )
    async with (
        AriesClient(config, token=Token.from_response(info["token"])) as client,
        client.chart_stream() if charts else client.market_stream() as stream,
    ):
        quotes: Any = stream.quotes()
        t0 = time.perf_counter()
        await stream.subscribe(info["firehose_symbols"], channels=["quotes"])
        n = 0
        if charts:
            async for quote in quotes:
                _ = quote.bid_price, quote.ask_price
                n += 1
                if n + quotes.conflated >= count:
                    break
        elif batches:
            async for batch in quotes.batches():
                for quote in batch:
                    bid, ask = quote.bid_price, quote.ask_price
                n += len(batch)
                if n + quotes.conflated >= count:
                    break
        else:
            async for quote in quotes:
                if typed:
                    bid, ask = quote.bid_price, quote.ask_price
                else:
                    data = quote.data
                    bid, ask = data["bidPrice"], data["askPrice"]  # noqa: F841
                n += 1
                if n + quotes.conflated >= count:
                    break
        wall = time.perf_counter() - t0
        return {"wall_s": wall, "quotes": n, "conflated": quotes.conflated}


Contender = Callable[[dict[str, Any], int], Coroutine[Any, Any, dict[str, Any]]]

CONTENDERS: dict[str, Contender] = {
    "raw websockets": raw,
    "aries-async": ours,
    # The charts socket (TradingView-style quotes), its ratio reported beside the market's.
    "charts: raw websockets": functools.partial(raw, charts=True),
    "charts: aries-async": functools.partial(ours, charts=True),
}
PAIRS = {"aries-async": "raw websockets", "charts: aries-async": "charts: raw websockets"}
"""Our contenders and the raw loops of their sockets (their runs are paired)."""


def _raw_of(name: str) -> str:
    """The raw loop a contender is measured against: its own socket's."""
    return "charts: raw websockets" if name.startswith("charts") else "raw websockets"


DIAGNOSTICS: dict[str, Contender] = {
    # What a raw user pays to get Decimal money too, and our pipeline without the Decimal reads.
    "raw + Decimal": functools.partial(raw, decimal=True),
    "ours, .data floats": functools.partial(ours, typed=False),
    "ours, batches": functools.partial(ours, batches=True),
    "raw aiohttp ws": raw_aiohttp,
}


STAGE_RAW = "raw: split + orjson per line + dict reads"
STAGE_DECODE = "ours: Decoder.feed_many (typed QuoteUpdate)"
STAGE_NO_BATCH = "ours: Decoder.feed_many, no batch price conversion"
STAGE_ROUTE = "ours: + on_messages, fan-out, consumer"
STAGE_READ = "ours: + bid_price/ask_price (Decimal)"
STAGE_NAMES = (STAGE_RAW, STAGE_DECODE, STAGE_NO_BATCH, STAGE_ROUTE, STAGE_READ)


def _stage_runs(lines_per_frame: int, frames: int) -> tuple[int, dict[str, Callable[[], None]]]:
    """``(quote lines, {stage: run})``: each stage of our consumer path, in process (no
    socket), on ``frames`` of the firehose's own frames, and the raw loop's parse. Routing
    takes the frames in reads of up to 256 KiB, as the stream does. Decode, route and read each
    include the stage before; ``STAGE_NO_BATCH`` is a diagnostic (the decoder with its batch
    conversion of bid and ask switched off, which the package never does) that only
    ``--instructions`` runs.
    """
    from aries_async.models.events import QuoteUpdate
    from aries_async.sim.feed import Firehose
    from aries_async.streaming.market import MarketStream
    from aries_async.streaming.protocol import decoder as protocol

    firehose = Firehose(symbols=100, lines_per_frame=lines_per_frame)
    cycle = firehose.frames()
    data = [cycle[i % len(cycle)][0] for i in range(frames)]
    lines = sum(frame.count(b"\n") + 1 for frame in data)
    reads = socket_reads(data)

    async def no_token() -> str:
        return ""

    def raw_parse() -> None:
        for frame in data:
            for line in frame.split(b"\n"):
                payload = orjson.loads(line)["payload"]
                if payload.get("type") == "quote":
                    _ = payload["data"]["bidPrice"], payload["data"]["askPrice"]

    def decode() -> None:
        feed = protocol.Decoder().feed_many
        for frames in reads:
            feed(frames)

    def decode_no_batch() -> None:
        namespace = vars(protocol)  # where the Decoder looks the function up
        convert = namespace["convert_quote_prices"]
        namespace["convert_quote_prices"] = lambda messages: None
        try:
            decode()
        finally:
            namespace["convert_quote_prices"] = convert

    async def subscribed() -> MarketStream:
        # Not connected: the subscriptions wait for a socket. Subscribed, so that the quotes
        # are delivered (a stream withholds updates of symbols it did not subscribe).
        stream = MarketStream("ws://127.0.0.1:9/unused", no_token)
        await stream.subscribe(firehose.names(), channels=["quotes"])
        return stream

    streams = {read: asyncio.run(subscribed()) for read in (False, True)}  # made untimed
    consumers = {read: stream.quotes(buffer=lines + 1) for read, stream in streams.items()}

    def route(read: bool) -> None:
        stream, consumer = streams[read], consumers[read]
        feed = stream._connection.decoder.feed_many
        for frames in reads:  # as the socket hands them over: the frames of one read
            stream.on_messages(feed(frames))
            while (quote := consumer.get_nowait()) is not None:
                if read and type(quote) is QuoteUpdate:
                    _ = quote.bid_price, quote.ask_price
        if stream.withheld:
            raise SystemExit(f"{stream.withheld} quotes withheld: the stage measures strays")

    return lines, {
        STAGE_RAW: raw_parse,
        STAGE_DECODE: decode,
        STAGE_NO_BATCH: decode_no_batch,
        STAGE_ROUTE: lambda: route(False),
        STAGE_READ: lambda: route(True),
    }


def stages(lines_per_frame: int, frames: int = 5_000) -> dict[str, float]:
    """Microseconds per quote of each stage (see :func:`_stage_runs`), best of 5."""
    lines, runs = _stage_runs(lines_per_frame, frames)

    def best(fn: Callable[[], None]) -> float:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times) / lines * 1e6

    result = {name: best(runs[name]) for name in STAGE_NAMES if name != STAGE_NO_BATCH}
    return result


def stage_worker(name: str, lines_per_frame: int, quotes: int, skip_run: bool) -> int:
    """One callgrind child of the stage counts: the same set-up whether or not it runs."""
    runs = _stage_runs(lines_per_frame, quotes // lines_per_frame)[1]
    # As in stream_decode: the set-up heap stays out of the collector's way, so where its full
    # collections fall does not depend on the size of the imports.
    gc.collect()
    gc.freeze()
    if not skip_run:
        runs[name]()
    return 0


def _count_stage(
    valgrind: str, outdir: Path, lines: int, quotes: int, job: tuple[str, bool]
) -> int:
    name, skip = job
    label = f"stage{STAGE_NAMES.index(name)}-{lines}-{'skip' if skip else 'run'}"
    cmd = ["-m", "benchmarks.stream_throughput", "--stage", name, "--frames", str(lines)]
    cmd += ["--count", str(quotes)] + (["--skip-run"] if skip else [])
    return _callgrind.count(valgrind, outdir, label, cmd)


def count_stages(
    valgrind: str, lines: int, quotes: int, names: tuple[str, ...] = STAGE_NAMES
) -> dict[str, float]:
    """Instructions per quote of each stage: a child that runs it less one that does not."""
    jobs = [(name, skip) for name in names for skip in (False, True)]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        count = functools.partial(_count_stage, valgrind, Path(tmp), lines, quotes)
        totals = dict(zip(jobs, pool.map(count, jobs), strict=True))
    return {name: (totals[name, False] - totals[name, True]) / quotes for name in names}


INSTRUCTION_CONTENDERS = (
    "raw websockets",
    "aries-async",
    "raw + Decimal",
    "charts: raw websockets",
    "charts: aries-async",
)
STAGE_QUOTES = 20_000  # quote lines per stage count (in process, no socket)


def worker(name: str, count: int, info_json: str) -> int:
    """One callgrind child of ``--instructions``: read ``count`` quotes with one contender."""
    run = dict(CONTENDERS, **DIAGNOSTICS)[name]
    result = asyncio.run(run(json.loads(info_json), count))
    return 0 if result["quotes"] + result["conflated"] >= count else 1


def _count_one(valgrind: str, outdir: Path, symbols: int, lines: int, job: tuple[str, int]) -> int:
    """Instructions of one callgrind child reading ``job = (contender, quotes)`` from a
    firehose simulator of its own (two children sharing one would get smaller bursts, and so
    more wake-ups per quote, than a child alone)."""
    name, n = job
    label = f"{name.replace(' ', '_').replace('+', 'plus')}-{lines}-{n}"
    with _simproc.running(symbols, lines) as (_, info):  # sends until the socket closes
        cmd = ["-m", "benchmarks.stream_throughput", "--worker", name]
        cmd += ["--count", str(n), "--info", json.dumps(info)]
        return _callgrind.count(valgrind, outdir, label, cmd)


def instructions(args: argparse.Namespace) -> int:
    """Client instructions per quote of each contender under callgrind (see the module doc)."""
    found = _callgrind.find_valgrind()
    if found is None:
        return 2
    valgrind, version = found
    results: dict[str, Any] = {
        "tool": "valgrind --tool=callgrind",
        "valgrind": version,
        "statistic": "client instructions per quote; ratios: raw websockets / contender",
        "by_lines_per_frame": {},
    }
    contenders = INSTRUCTION_CONTENDERS
    print(f"{'lines/frame':>11} {'contender':<22} {'instr/quote':>12} {'vs raw':>7}")
    for lines in (int(x) for x in args.frames.split(",")):
        low, high = (
            (args.count // 10, args.count // 2) if lines == 1 else (args.count // 2, args.count)
        )
        jobs = [(name, n) for name in contenders for n in (low, high)]
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as pool:
            count = functools.partial(_count_one, valgrind, Path(tmp), args.symbols, lines)
            totals = dict(zip(jobs, pool.map(count, jobs), strict=True))
        per_quote = {
            name: (totals[name, high] - totals[name, low]) / (high - low) for name in contenders
        }
        vs_raw = {name: per_quote[_raw_of(name)] / value for name, value in per_quote.items()}
        results["by_lines_per_frame"][str(lines)] = {
            "quotes": [low, high],
            "instructions_per_quote": per_quote,
            "vs_raw": vs_raw,
        }
        for name, value in per_quote.items():
            print(f"{lines:>11} {name:<22} {value:>12,.0f} {vs_raw[name]:>6.2f}x")
        if args.diagnostics:
            quotes = STAGE_QUOTES // lines * lines
            costs = count_stages(valgrind, lines, quotes)
            results["by_lines_per_frame"][str(lines)]["stages"] = {
                "quotes": quotes,
                "instructions_per_quote": costs,
            }
            for stage, value in costs.items():
                print(f"{lines:>11}   stage: {stage:<52} {value:>8,.0f}")
    _simproc.write_results("stream_throughput_instructions", results)
    return 0


def measure(lines_per_frame: int, args: argparse.Namespace) -> dict[str, Any]:
    contenders = dict(CONTENDERS, **(DIAGNOSTICS if args.diagnostics else {}))
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in contenders}
    with _simproc.running(args.symbols, lines_per_frame, count=args.count) as (proc, info):
        asyncio.run(raw(info, min(args.count, 20_000)))  # warm up both sides
        for _ in range(args.repeat):
            for name, run in contenders.items():
                cpu0 = _simproc.sim_cpu(proc.pid)
                result = asyncio.run(run(info, args.count))
                result["sim_cpu_s"] = _simproc.sim_cpu(proc.pid) - cpu0
                result["quotes_per_s"] = args.count / result["wall_s"]
                samples[name].append(result)
    summary: dict[str, Any] = {}
    for name, runs in samples.items():
        summary[name] = {
            "quotes_per_s": statistics.median(r["quotes_per_s"] for r in runs),
            "sim_cpu_share": statistics.median(r["sim_cpu_s"] / r["wall_s"] for r in runs),
            "conflated": max(r["conflated"] for r in runs),
            "runs": runs,
        }
    with_decimal = summary.get("raw + Decimal", {}).get("quotes_per_s")
    for name, entry in summary.items():
        entry["vs_raw"] = entry["quotes_per_s"] / summary[_raw_of(name)]["quotes_per_s"]
        entry["vs_raw_decimal"] = (
            entry["quotes_per_s"] / with_decimal
            if with_decimal and not name.startswith("charts")
            else None
        )
    # Ratio of medians and median of the per-pair ratios (pairs ran back to back).
    for ours_name, raw_name in PAIRS.items():
        pairs = [
            o["quotes_per_s"] / r["quotes_per_s"]
            for r, o in zip(samples[raw_name], samples[ours_name], strict=True)
        ]
        summary[ours_name]["median_pair_ratio"] = statistics.median(pairs)
    return summary


def _run_once(run: Contender, info: dict[str, Any], count: int) -> None:
    asyncio.run(run(info, count))


def profile(args: argparse.Namespace) -> int:
    """``--profile``: our consumer against the firehose, once per frame size, under pyinstrument."""
    name, run = "aries-async", CONTENDERS["aries-async"]
    for lines in (int(x) for x in args.frames.split(",")):
        with _simproc.serving(args.symbols, lines, count=args.count) as info:
            asyncio.run(run(info, min(args.count, 20_000)))  # imports, first connection
            title = f"stream_throughput_{lines}_per_frame"
            print(f"\n{lines} lines a frame, {name}, {args.count:,} quotes")
            _profile.profile(title, functools.partial(_run_once, run, info, args.count))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=None, help="default 200000 (50000 with --instructions)"
    )
    parser.add_argument("--symbols", type=int, default=100)
    parser.add_argument("--frames", default="1,20", help="lines per frame, comma separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-diagnostics",
        dest="diagnostics",
        action="store_false",
        help="skip the context rows (raw + Decimal, ours reading floats or batches, aiohttp ws)",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count client instructions per quote under valgrind's callgrind instead of timing",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile our consumer with pyinstrument instead (results/stream_throughput_*.txt)",
    )
    # The callgrind children of --instructions.
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--info", help=argparse.SUPPRESS)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--skip-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        return worker(args.worker, args.count, args.info)
    if args.stage is not None:
        return stage_worker(args.stage, int(args.frames), args.count, args.skip_run)
    if args.count is None:
        args.count = 50_000 if args.instructions else 200_000
    if args.instructions:
        return instructions(args)
    if args.profile:
        return profile(args)
    results: dict[str, Any] = {}
    print(
        f"{'lines/frame':>11} {'contender':<22} {'quotes/s':>10} {'sim CPU/wall':>13}"
        f" {'conflated':>9} {'vs raw':>7} {'vs raw+Dec':>10} {'pair med':>8}"
    )
    breakdown: dict[str, dict[str, float]] = {}
    for lines in (int(x) for x in args.frames.split(",")):
        summary = measure(lines, args)
        results[str(lines)] = summary
        breakdown[str(lines)] = stages(lines)
        for name, r in summary.items():
            pair = r.get("median_pair_ratio")
            print(
                f"{lines:>11} {name:<22} {r['quotes_per_s']:>10,.0f} {r['sim_cpu_share']:>12.0%}"
                f" {r['conflated']:>9} {r['vs_raw']:>6.2f}x"
                + (f" {r['vs_raw_decimal']:>9.2f}x" if r["vs_raw_decimal"] else f" {'':>10}")
                + (f" {pair:>7.2f}x" if pair is not None else "")
            )
    print("\nIn-process cost per quote (µs, no socket, best of 5):")
    for frame_size, costs in breakdown.items():
        for stage, micros in costs.items():
            print(f"{frame_size:>3} lines/frame  {stage:<45} {micros:>6.2f}")
    fields = {
        "stages_us_per_quote": breakdown,
        "count": args.count,
        "symbols": args.symbols,
        "repeat": args.repeat,
        "by_lines_per_frame": results,
    }
    _simproc.write_results("stream_throughput", fields)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
