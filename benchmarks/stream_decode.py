"""Stream decoding: NDJSON market-data quote lines -> typed objects, side by side.

Run: ``python -m benchmarks.stream_decode [--lines 200000] [--repeat 5]``. Writes
``benchmarks/results/stream_decode.json``. Every contender reads the bid and ask of every quote,
so lazy conversion is charged for the Decimals it hands out.

Contenders:
* ``aries-async``: our ``Decoder.feed`` (frame -> NDJSON split -> orjson -> ``QuoteUpdate``),
  then ``update.bid_price`` / ``update.ask_price`` as ``Decimal``;
* ``json.loads``: stdlib parse of each line into plain dicts, floats read from the dicts;
* ``finance-dev``: what the official package's stream runs per message (its read loop:
  ``decode_frame`` into pydantic message models, then ``model_dump`` and routing checks), floats
  read from the payload;
* ``finance-dev codec``: ``decode_frame`` alone (a lower bound on finance-dev's per-message cost).

The finance-dev contenders are skipped when the package is not installed. Contenders run in
interleaved rounds (``--repeat``); the table shows medians of the rates and of the per-round
ratios. Time is this process's CPU time by default (``--clock process``): on a machine shared
with other jobs, time spent descheduled would otherwise be charged to whichever contender ran.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


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


def ours(frames: list[str]) -> int:
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
    from finance_dev.websocket.codec import decode_frame  # type: ignore[import-not-found]

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


CLOCKS: dict[str, Callable[[], float]] = {
    "process": time.process_time,
    "wall": time.perf_counter,
}


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
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(repeat):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(timed(contenders[name], frames, lines, clock))
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="process",
        help="process: CPU time of this process (robust on a shared machine); wall: elapsed",
    )
    args = parser.parse_args(argv)
    lines = make_lines(args.lines)
    contenders: dict[str, Callable[[list[str]], int]] = {"aries-async": ours, "json.loads": stdlib}
    try:
        import finance_dev  # type: ignore[import-not-found]  # noqa: F401

        contenders["finance-dev"] = fd_stream
        contenders["finance-dev codec"] = fd_codec
    except ImportError:
        print("finance-dev not installed: pip install -e '.[compare]'", file=sys.stderr)
    results: dict[str, Any] = {
        "lines": args.lines,
        "repeat": args.repeat,
        "clock": args.clock,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "statistic": "median of interleaved rounds; ratios are medians of per-round ratios",
        "runs": {},
        "ratios": {},
        "samples": {},
    }
    header = ("frame", "contender", "lines/s", "vs json.loads", "vs finance-dev", "vs fd codec")
    print(
        f"{header[0]:>6} {header[1]:<18} {header[2]:>10} {header[3]:>14} {header[4]:>15}"
        f" {header[5]:>11}"
    )
    for per_frame in (1, 20):
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
                for base in ("json.loads", "finance-dev", "finance-dev codec")
                if base in samples
            }
        results["runs"][key] = rates
        results["ratios"][key] = ratios
        results["samples"][key] = samples
        for name, rate in rates.items():
            cells = [
                f"{ratios[name][col]:.2f}x" if col in ratios[name] else "-"
                for col in ("vs json.loads", "vs finance-dev", "vs finance-dev codec")
            ]
            print(
                f"{per_frame:>5}l {name:<18} {rate:>10,.0f} {cells[0]:>14} {cells[1]:>15}"
                f" {cells[2]:>11}"
            )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stream_decode.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
