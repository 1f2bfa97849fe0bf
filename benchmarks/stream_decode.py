"""Stream decoding: NDJSON market-data quote lines -> typed objects, side by side.

Run: ``python -m benchmarks.stream_decode [--lines 200000] [--repeat 5]``, or
``python -m benchmarks.stream_decode --instructions [--lines 20000]``. Writes
``benchmarks/results/stream_decode.json`` (``stream_decode_instructions.json`` with
``--instructions``). Every contender reads the bid and ask of every quote, so lazy conversion is
charged for the Decimals it hands out.

Contenders:
* ``aries-async``: our ``Decoder.feed`` (frame -> NDJSON split -> orjson -> ``QuoteUpdate``),
  then ``update.bid_price`` / ``update.ask_price`` as ``Decimal``, on text frames like the
  others;
* ``aries-async, bytes``: the same on the frames' UTF-8 bytes, which is what our streams' socket
  hands the decoder (a frame is never decoded to text), a frame at a time (a quiet stream's
  reads bring one frame each);
* ``aries-async, socket reads``: the path a busy stream runs, the frames' bytes in socket reads
  of up to 256 KiB (``benchmarks._socket_reads``), each read through ``Decoder.feed_many``,
  which looks for a long number once a read and converts the read's bid and ask prices in one
  batch;
* ``json.loads``: stdlib parse of each line into plain dicts, floats read from the dicts;
* ``finance-dev``: what the official package's stream runs per message (its read loop:
  ``decode_frame`` into pydantic message models, then ``model_dump`` and routing checks), floats
  read from the payload;
* ``finance-dev codec``: ``decode_frame`` alone (a lower bound on finance-dev's per-message cost).

The finance-dev contenders are skipped when the package is not installed. Contenders run in
interleaved rounds (``--repeat``); the table shows medians of the rates and of the per-round
ratios. Time is this process's CPU time by default (``--clock process``): on a machine shared
with other jobs, time spent descheduled would otherwise be charged to whichever contender ran.

``--instructions`` counts instructions per line instead of timing: on a small shared VM the time
ratios move by +-15% between runs, while an instruction count under ``valgrind --tool=callgrind``
is the same from run to run, so its ratios are reproducible (it weighs every instruction alike,
so cache misses and branch mispredictions do not show). Each contender runs once over all the
frames in a fresh interpreter under callgrind; a baseline interpreter does everything the same
(same imports, including finance-dev for every contender, the same lines and frames, the same
seed, ``PYTHONHASHSEED=0``) but skips the run, and its total is subtracted. What is counted is
thus the contender's decoding and reading of the bid and ask, including the Python interpreter's
own work (bytecode dispatch, allocation, garbage collection) and any first-use cost, but not
interpreter start-up, imports or generating the lines. Before the run every child (the baseline
too) collects and then freezes its heap (``gc.freeze()``), so the collector's full collections
walk only what the run allocates: otherwise where they fall depends on the size of the import
heap and moved the count by about 1,000 instructions a line between runs. Two callgrind children
run at a time.

``--profile`` runs our decode path alone under pyinstrument, once per frame size, and writes
where its time goes to ``benchmarks/results/stream_decode_<n>_per_frame.*`` (see
``benchmarks._profile``).
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks import _callgrind, _profile, _simproc
from benchmarks._clock import CLOCKS, add_clock_option
from benchmarks._socket_reads import socket_reads


def make_lines(count: int, seed: int = 1) -> list[str]:
    """Realistic quote update envelopes (as in examples/ws/market.quote.update.json)."""
    rng = random.Random(seed)
    symbols = [f"SYM{i}" for i in range(500)]
    lines = []
    now = 1_750_839_134_000
    for i in range(count):
        bid = round(rng.uniform(5, 900), 2)
        msg = {
            "type": "event",
            "payload": {
                "action": "update",
                "type": "quote",
                "symbol": symbols[i % 500],
                "data": {
                    "bidPrice": bid,
                    "bidSize": rng.randrange(1, 50) * 100,
                    "bidExchange": "NSDQ",
                    "askPrice": round(bid + 0.02, 2),
                    "askSize": rng.randrange(1, 50) * 100,
                    "askExchange": "ARCA",
                    "quoteTimestamp": now + i,
                },
                "timestamp": now + i + 3,
            },
        }
        lines.append(json.dumps(msg, separators=(",", ":")))
    return lines


def frames_of(lines: list[str], per_frame: int) -> list[str]:
    return ["\n".join(lines[i : i + per_frame]) for i in range(0, len(lines), per_frame)]


def ours(frames: Sequence[str | bytes]) -> int:
    from aries_async.models.events import QuoteUpdate
    from aries_async.streaming.protocol import Decoder

    decoder = Decoder()
    seen = 0
    for frame in frames:
        for item in decoder.feed(frame):
            if isinstance(item, QuoteUpdate):
                item.bid_price  # noqa: B018 - the read is the work being measured
                item.ask_price  # noqa: B018
                seen += 1
    return seen


def ours_bytes(frames: Sequence[str | bytes]) -> int:
    """``ours`` given bytes frames (see :func:`frames_for`)."""
    return ours(frames)


def ours_reads(reads: Sequence[Any]) -> int:
    """``ours`` on a busy stream's path: the frames' bytes in socket reads (see
    :func:`frames_for`), each read through ``Decoder.feed_many``."""
    from aries_async.models.events import QuoteUpdate
    from aries_async.streaming.protocol import Decoder

    feed_many = Decoder().feed_many
    seen = 0
    for read in reads:
        for item in feed_many(read):
            if isinstance(item, QuoteUpdate):
                item.bid_price  # noqa: B018 - the read is the work being measured
                item.ask_price  # noqa: B018
                seen += 1
    return seen


def stdlib(frames: list[str]) -> int:
    loads = json.loads
    seen = 0
    for frame in frames:
        for line in frame.split("\n"):
            data = loads(line)["payload"]["data"]
            data["bidPrice"]
            data["askPrice"]
            seen += 1
    return seen


def fd_codec(frames: list[str]) -> int:
    """finance-dev's codec alone: ``decode_frame`` into its pydantic message models."""
    from finance_dev.websocket.codec import decode_frame

    seen = 0
    for frame in frames:
        for message in decode_frame(frame):
            data = message.payload["data"]
            data["bidPrice"]
            data["askPrice"]
            seen += 1
    return seen


def fd_stream(frames: list[str]) -> int:
    """What finance-dev's stream runs per message before a user sees it.

    Mirrors ``finance_dev.websocket.transport.async_connection.AsyncConnection._read_loop``
    (the sync ``SyncConnection`` does the same): ``decode_frame``, then for every message that
    is not an ``UnknownMessage`` a ``model_dump(by_alias=True, exclude_none=True)`` and the
    routing checks on the dumped dict; a data event reaches the user as the validated
    ``EventMessage``. The queue hand-off is left out (ours is left out too).
    """
    from finance_dev.websocket.codec import decode_frame

    pending: dict[str, Any] = {}
    auth_id = "auth-1"
    seen = 0
    for frame in frames:
        for message in decode_frame(frame):
            if hasattr(message, "original"):
                continue
            wire_message = message
            dumped = message.model_dump(by_alias=True, exclude_none=True)
            payload = dumped.get("payload", {})
            ident = dumped.get("id") or payload.get("id")
            action = payload.get("action")
            if action in ("authExpired", "authRequired", "authTimeout", "refreshAuth"):
                raise SystemExit(f"unexpected control message {action}")
            if ident in pending and (
                dumped.get("type") in {"response", "subscribed", "pong"}
                or action in {"authSuccess", "error"}
            ):
                raise SystemExit("unexpected response")
            if action == "authSuccess" and auth_id in pending:
                raise SystemExit("unexpected auth")
            data = wire_message.payload["data"]
            data["bidPrice"]
            data["askPrice"]
            seen += 1
    return seen


def frames_for(fn: Callable[[list[str]], int], frames: list[str], encoded: list[bytes]) -> Any:
    """The frames ``fn`` is given: their bytes for ``ours_bytes``, their bytes in socket reads
    for ``ours_reads`` (both made before any timing or counting starts), the text for every
    other contender."""
    if fn is ours_reads:
        return socket_reads(encoded)
    return encoded if fn is ours_bytes else frames


def timed(
    fn: Callable[[list[str]], int], frames: list[str], lines: int, clock: Callable[[], float]
) -> float:
    """Lines per second of one run of ``fn``; checks every quote was decoded."""
    started = clock()
    seen = fn(frames)
    elapsed = clock() - started
    if seen != lines:
        raise SystemExit(f"{fn.__name__} decoded {seen} of {lines} quotes")
    return lines / elapsed


def interleaved(
    contenders: dict[str, Callable[[list[str]], int]],
    frames: list[str],
    lines: int,
    repeat: int,
    clock: Callable[[], float],
) -> dict[str, list[float]]:
    """``repeat`` rounds; each round runs every contender once, the order rotating per round.

    Ratios are taken within a round (same machine load), then their median across rounds.
    """
    names = list(contenders)
    encoded = [frame.encode() for frame in frames]
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(repeat):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            fn = contenders[name]
            samples[name].append(timed(fn, frames_for(fn, frames, encoded), lines, clock))
    return samples


CONTENDERS: dict[str, Callable[[list[str]], int]] = {
    "aries-async": ours,
    "aries-async, bytes": ours_bytes,
    "aries-async, socket reads": ours_reads,
    "json.loads": stdlib,
    "finance-dev": fd_stream,
    "finance-dev codec": fd_codec,
}
FD_CONTENDERS = ("finance-dev", "finance-dev codec")
BASES = ("json.loads", "finance-dev", "finance-dev codec")
FRAME_SIZES = (1, 20)
# Every module a contender imports, imported up front by each worker whatever it runs.
MODULES = ("json", "aries_async.models.events", "aries_async.streaming.protocol")
FD_MODULES = ("finance_dev", "finance_dev.websocket.codec")


def import_contender_modules() -> bool:
    """Import the modules of every contender; False when finance-dev is not installed."""
    for name in MODULES:
        importlib.import_module(name)
    try:
        for name in FD_MODULES:
            importlib.import_module(name)
    except ImportError:
        return False
    return True


def available_contenders() -> dict[str, Callable[[list[str]], int]]:
    if import_contender_modules():
        return dict(CONTENDERS)
    print("finance-dev not installed: pip install -e '.[compare]'", file=sys.stderr)
    return {name: fn for name, fn in CONTENDERS.items() if name not in FD_CONTENDERS}


def print_header(unit: str) -> None:
    header = ("frame", "contender", unit, "vs json.loads", "vs finance-dev", "vs fd codec")
    print(
        f"{header[0]:>6} {header[1]:<26} {header[2]:>10} {header[3]:>14} {header[4]:>15}"
        f" {header[5]:>11}"
    )


def print_row(per_frame: int, name: str, value: float, ratios: dict[str, float]) -> None:
    cells = [f"{ratios[f'vs {base}']:.2f}x" if f"vs {base}" in ratios else "-" for base in BASES]
    print(
        f"{per_frame:>5}l {name:<26} {value:>10,.0f} {cells[0]:>14} {cells[1]:>15} {cells[2]:>11}"
    )


def worker(name: str, per_frame: int, count: int, skip_run: bool) -> int:
    """One callgrind child: the same imports, lines and frames as every other, then one run."""
    fns = {fn.__name__: fn for fn in CONTENDERS.values()}
    have_fd = import_contender_modules()
    frames = frames_of(make_lines(count), per_frame)
    encoded = [frame.encode() for frame in frames]  # in every child, so the baseline too
    fn = fns[name]
    # The set-up (imports, lines, frames) stays out of the collector's way: a full collection
    # then walks what the run allocates, not the import heap, whose size otherwise decides
    # where full collections fall (about 1,000 instructions a line between runs).
    gc.collect()
    gc.freeze()
    if skip_run:
        return 0
    if not have_fd and fn in (fd_stream, fd_codec):
        raise SystemExit("finance-dev is not installed")
    seen = fn(frames_for(fn, frames, encoded))
    if seen != count:
        raise SystemExit(f"{name} decoded {seen} of {count} quotes")
    return 0


def count_instructions(
    valgrind: str, outdir: Path, fn_name: str, per_frame: int, count: int, skip_run: bool
) -> int:
    """Instructions executed by one worker process under callgrind."""
    label = f"{fn_name}-{per_frame}-{'baseline' if skip_run else 'run'}"
    args = ["-m", "benchmarks.stream_decode", "--worker", fn_name]
    args += ["--per-frame", str(per_frame), "--lines", str(count)]
    if skip_run:
        args.append("--skip-run")
    return _callgrind.count(valgrind, outdir, label, args)


def instructions(count: int) -> int:
    """Instructions per line of every contender under callgrind, minus a no-run baseline."""
    found = _callgrind.find_valgrind()
    if found is None:
        return 2
    valgrind, version = found
    # Also compiles any stale .pyc here, so no child pays for it.
    contenders = available_contenders()
    jobs = [
        (fn.__name__, per_frame, skip_run)
        for per_frame in FRAME_SIZES
        for fn, skip_run in [(stdlib, True), *((fn, False) for fn in contenders.values())]
    ]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        totals_list = list(
            pool.map(
                lambda job: count_instructions(valgrind, Path(tmp), job[0], job[1], count, job[2]),
                jobs,
            )
        )
    elapsed = time.perf_counter() - started
    totals = dict(zip(jobs, totals_list, strict=True))
    results: dict[str, Any] = {
        "lines": count,
        "tool": "valgrind --tool=callgrind",
        "valgrind": version,
        "statistic": (
            "instructions per line: (total of a run - total of a no-run baseline) / lines;"
            " ratios are base instructions / contender instructions (>1: fewer than the base)"
        ),
        "seconds": round(elapsed, 1),
        "totals": {},
        "instructions_per_line": {},
        "ratios": {},
    }
    print_header("instr/line")
    for per_frame in FRAME_SIZES:
        key = f"{per_frame}_per_frame"
        baseline = totals[(stdlib.__name__, per_frame, True)]
        run_totals = {
            name: totals[(fn.__name__, per_frame, False)] for name, fn in contenders.items()
        }
        for name, total in run_totals.items():
            if total <= baseline:
                raise SystemExit(
                    f"{name} at {per_frame} line(s)/frame executed {total:,} instructions,"
                    f" not more than the no-run baseline's {baseline:,}"
                )
        per_line = {name: (total - baseline) / count for name, total in run_totals.items()}
        ratios = {
            name: {f"vs {base}": per_line[base] / mine for base in BASES if base in per_line}
            for name, mine in per_line.items()
        }
        results["totals"][key] = {"baseline": baseline, **run_totals}
        results["instructions_per_line"][key] = per_line
        results["ratios"][key] = ratios
        for name, value in per_line.items():
            print_row(per_frame, name, value, ratios[name])
    print(f"{len(jobs)} callgrind runs in {elapsed:.0f} s")
    _simproc.write_results("stream_decode_instructions", results)
    return 0


def profile(lines: list[str]) -> int:
    """``--profile``: our decode path (bytes frames, as our streams get them), per frame size."""
    for per_frame in FRAME_SIZES:
        encoded = [frame.encode() for frame in frames_of(lines, per_frame)]
        ours_bytes(encoded[:10])  # imports and first-call set-up stay out of the profile
        name = f"stream_decode_{per_frame}_per_frame"
        _profile.profile(name, functools.partial(ours_bytes, encoded))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lines", type=int, default=None, help="default 200000 (20000 with --instructions)"
    )
    parser.add_argument("--repeat", type=int, default=5)
    add_clock_option(parser)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per line under valgrind's callgrind instead of timing",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile our decode path with pyinstrument instead (results/stream_decode_*.txt)",
    )
    # The callgrind child of --instructions.
    parser.add_argument(
        "--worker", choices=[fn.__name__ for fn in CONTENDERS.values()], help=argparse.SUPPRESS
    )
    parser.add_argument("--per-frame", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--skip-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        if args.lines is None:
            parser.error("--worker needs --lines")
        return worker(args.worker, args.per_frame, args.lines, args.skip_run)
    if args.instructions:
        return instructions(20_000 if args.lines is None else args.lines)
    if args.lines is None:
        args.lines = 200_000
    lines = make_lines(args.lines)
    if args.profile:
        return profile(lines)
    contenders = available_contenders()
    results: dict[str, Any] = {
        "lines": args.lines,
        "repeat": args.repeat,
        "clock": args.clock,
        "statistic": "median of interleaved rounds; ratios are medians of per-round ratios",
        "runs": {},
        "ratios": {},
        "samples": {},
    }
    print_header("lines/s")
    for per_frame in FRAME_SIZES:
        key = f"{per_frame}_per_frame"
        samples = interleaved(
            contenders, frames_of(lines, per_frame), args.lines, args.repeat, CLOCKS[args.clock]
        )
        rates = {name: statistics.median(values) for name, values in samples.items()}
        ratios: dict[str, dict[str, float]] = {}
        for name, values in samples.items():
            ratios[name] = {
                f"vs {base}": statistics.median(
                    mine / theirs for mine, theirs in zip(values, samples[base], strict=True)
                )
                for base in BASES
                if base in samples
            }
        results["runs"][key] = rates
        results["ratios"][key] = ratios
        results["samples"][key] = samples
        for name, rate in rates.items():
            print_row(per_frame, name, rate, ratios[name])
    _simproc.write_results("stream_decode", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
