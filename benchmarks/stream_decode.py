"""Stream decoding: NDJSON market-data quote lines -> typed objects, side by side.

Run: ``python -m benchmarks.stream_decode [--lines 200000]``. Writes
``benchmarks/results/stream_decode.json``. Every contender reads the bid and ask of every quote,
so lazy conversion is charged for the Decimals it hands out.

Contenders:
* ``aries-async``: our ``Decoder.feed`` (frame -> NDJSON split -> orjson -> ``QuoteUpdate``),
  then ``update.bid_price`` / ``update.ask_price`` as ``Decimal``;
* ``json.loads``: stdlib parse of each line into plain dicts, floats read from the dicts;
* ``finance-dev``: the official package's websocket codec (``decode_frame``) into its pydantic
  message models, floats read from the payload (skipped when the package is not installed).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
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
    from finance_dev.websocket.codec import decode_frame  # type: ignore[import-not-found]

    seen = 0
    for frame in frames:
        for message in decode_frame(frame):
            data = message.payload["data"]
            data["bidPrice"]
            data["askPrice"]
            seen += 1
    return seen


def best_rate(fn: Callable[[list[str]], int], frames: list[str], lines: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        seen = fn(frames)
        best = min(best, time.perf_counter() - started)
        if seen != lines:
            raise SystemExit(f"{fn.__name__} decoded {seen} of {lines} quotes")
    return lines / best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    lines = make_lines(args.lines)
    contenders: dict[str, Callable[[list[str]], int]] = {"aries-async": ours, "json.loads": stdlib}
    try:
        import finance_dev  # type: ignore[import-not-found]  # noqa: F401

        contenders["finance-dev"] = fd_codec
    except ImportError:
        print("finance-dev not installed: pip install -e '.[compare]'", file=sys.stderr)
    results: dict[str, Any] = {
        "lines": args.lines,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "runs": {},
    }
    header = ("frame", "contender", "lines/s", "vs json.loads", "vs finance-dev")
    print(f"{header[0]:>10} {header[1]:<12} {header[2]:>12} {header[3]:>14} {header[4]:>15}")
    for per_frame in (1, 20):
        frames = frames_of(lines, per_frame)
        rates = {
            name: best_rate(fn, frames, args.lines, args.repeat) for name, fn in contenders.items()
        }
        results["runs"][f"{per_frame}_per_frame"] = rates
        for name, rate in rates.items():
            vs_std = rate / rates["json.loads"]
            vs_fd = f"{rate / rates['finance-dev']:.2f}x" if "finance-dev" in rates else "-"
            print(f"{per_frame:>9}l {name:<12} {rate:>12,.0f} {vs_std:>13.2f}x {vs_fd:>15}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stream_decode.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
