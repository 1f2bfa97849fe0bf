"""Run the simulator in firehose mode in this process (a helper of the stream benchmarks).

Run: ``python -m benchmarks._sim_firehose --symbols 100 --lines-per-frame 20 --count 200000``.
Prints one JSON line (the simulator's URLs and local client credentials, plus a pre-issued
``token`` response) and serves until terminated. Every market websocket that subscribes to all
the firehose symbols (``FH00000``...) gets ``--count`` quote lines (or ``--duration`` seconds of
them) back to back; see :class:`aries_async.sim.feed.Firehose`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from aries_async.sim import Simulator
from aries_async.sim.feed import Firehose

__all__ = ["main", "sim_cpu", "start", "write_results"]


def start(
    symbols: int, lines_per_frame: int, count: int | None = None, duration: float | None = None
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start a firehose simulator in a child process; returns it and its JSON info line."""
    cmd = [sys.executable, "-m", "benchmarks._sim_firehose", "--symbols", str(symbols)]
    cmd += ["--lines-per-frame", str(lines_per_frame)]
    if count is not None:
        cmd += ["--count", str(count)]
    if duration is not None:
        cmd += ["--duration", str(duration)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our interpreter
    line = proc.stdout.readline() if proc.stdout is not None else ""
    if not line:
        proc.kill()
        raise RuntimeError("the firehose simulator did not start")
    return proc, json.loads(line)


def write_results(name: str, fields: dict[str, Any]) -> None:
    """Write ``benchmarks/results/{name}.json``: ``fields`` plus the machine and versions."""
    from importlib.metadata import version

    out = {
        **fields,
        "python": platform.python_version(),
        "websockets": version("websockets"),
        "orjson": version("orjson"),
        "nproc": os.cpu_count(),
        "loadavg": os.getloadavg(),
    }
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"{name}.json").write_text(json.dumps(out, indent=2))


def sim_cpu(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def serve(firehose: Firehose) -> None:
    async with Simulator(tick_interval=None, firehose=firehose, token_ttl=86_400) as sim:
        info = dict(sim.info(), token=sim.issue_token_response(), firehose_symbols=firehose.names())
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()
        await sim.serve_forever()


def main(argv: list[str] | None = None) -> int:
    """Parse the firehose settings and serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=100)
    parser.add_argument("--lines-per-frame", type=int, default=20)
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--duration", type=float, default=None)
    args = parser.parse_args(argv)
    firehose = Firehose(
        symbols=args.symbols,
        lines_per_frame=args.lines_per_frame,
        count=args.count,
        duration=args.duration,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(firehose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
