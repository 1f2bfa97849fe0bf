"""Run the simulator in its own process for the benchmarks, so it does not share the client's.

Run: ``python -m benchmarks._simproc [--symbols 100 --lines-per-frame 20 --count 200000]``
(``--tick-interval 0.05``: prices move and orders fill on the wall clock; ``--huge-body
ROUTE=BYTES``: the simulator's ``huge_body`` fault; ``--rate-limit N``: the app's sustained
limit of N requests a second).
Prints one JSON line (the simulator's URLs and local client credentials, plus a pre-issued
``token`` response) and serves until terminated or until its standard input closes.

With ``--symbols`` the market websocket is a firehose: every connection that subscribes to all
the firehose symbols (``FH00000``...) gets ``--count`` quote lines (or ``--duration`` seconds of
them) back to back; see :class:`aries_async.sim.feed.Firehose`. Without it, the simulator is
the usual one.

The parent can ask for the simulator's counters: a line ``counters`` on the child's standard
input is answered by one JSON line on its standard output (see :func:`counters`).

:func:`serving` gives only the JSON info, for a run that needs no process to measure (a
profile of the client); with :data:`IN_THREAD` set it serves from a thread of this process.
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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the simulator is imported by the child that runs it, not by the clients'
    # process: its modules would lengthen every full collection of the client measured there.
    from aries_async.sim import Faults, Simulator
    from aries_async.sim.feed import Firehose

__all__ = [
    "IN_THREAD",
    "counters",
    "finance_dev_client",
    "main",
    "running",
    "serving",
    "sim_cpu",
    "start",
    "write_results",
]


IN_THREAD = False
"""Whether :func:`serving` runs the simulator on a thread of this process (a
:class:`~aries_async.sim.ThreadedSimulator`) rather than in a child: for the tests of the
profiles, which look at which functions a profile names and keep no figure, and need not
start an interpreter for the simulator. It shares this process's interpreter lock, so a
profile's timings are the simulator's as much as the client's."""


def start(
    symbols: int | None = None,
    lines_per_frame: int = 20,
    count: int | None = None,
    duration: float | None = None,
    options: Sequence[str] = (),
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start a simulator in a child process (a firehose when ``symbols`` is given); returns the
    process and its JSON info line. ``options``: more command-line options of this module."""
    cmd = [sys.executable, "-m", "benchmarks._simproc", *options]
    if symbols is not None:
        cmd += ["--symbols", str(symbols), "--lines-per-frame", str(lines_per_frame)]
    if count is not None:
        cmd += ["--count", str(count)]
    if duration is not None:
        cmd += ["--duration", str(duration)]
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    line = proc.stdout.readline() if proc.stdout is not None else ""
    if not line:
        proc.kill()
        raise RuntimeError("the simulator process did not start")
    return proc, json.loads(line)


@contextlib.contextmanager
def running(
    symbols: int | None = None,
    lines_per_frame: int = 20,
    count: int | None = None,
    duration: float | None = None,
    options: Sequence[str] = (),
) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """:func:`start` for a ``with`` block: the simulator is terminated when the block ends."""
    proc, info = start(symbols, lines_per_frame, count, duration, options)
    try:
        yield proc, info
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def serving(
    symbols: int | None = None, lines_per_frame: int = 20, count: int | None = None
) -> Iterator[dict[str, Any]]:
    """The JSON info of a simulator that serves while the block runs: :func:`running`'s, or,
    with :data:`IN_THREAD`, one on a thread of this process with the same settings."""
    if not IN_THREAD:
        with running(symbols, lines_per_frame, count) as (_, info):
            yield info
        return
    from aries_async.sim import Faults
    from aries_async.sim.threaded import ThreadedSimulator

    firehose = _firehose(symbols, lines_per_frame, count, None)
    with ThreadedSimulator(**_settings(firehose, None, Faults())) as sim:
        yield sim.call(lambda: _info(sim.simulator, firehose))


def counters(proc: subprocess.Popen[str]) -> dict[str, int]:
    """The simulator's counters, asked over the child's standard input: ``token_requests``
    (requests to the token endpoint so far), ``quote_requests`` (to ``/v1/chart/quotes``) and
    ``refused`` (429s of ``--rate-limit``)."""
    if proc.stdin is None or proc.stdout is None:
        raise ValueError("the simulator process was not started by start()")
    proc.stdin.write("counters\n")
    proc.stdin.flush()
    answer: dict[str, int] = json.loads(proc.stdout.readline())
    return answer


def finance_dev_client(info: dict[str, Any], **options: Any) -> Any:
    """The official ``finance-dev`` SDK pointed at the simulator of ``info``, signing in with
    the simulator's client credentials (``options`` go to ``FinanceDev``)."""
    from finance_dev import FinanceDev, models

    security = models.Security(
        client_id=info["client_id"],
        client_secret=info["client_secret"],
        token_url=info["token_url"],
    )
    return FinanceDev(security=security, server_url=info["base_url"], **options)


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def write_results(name: str, fields: dict[str, Any]) -> None:
    """Write ``benchmarks/results/{name}.json``: ``fields`` plus where the figures were taken
    (interpreter, machine, load, package versions; None for a package not installed)."""
    out = {
        **fields,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "nproc": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "versions": {
            dist: _version(dist)
            for dist in ("aries-async", "aiohttp", "websockets", "orjson", "finance-dev")
        },
    }
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"{name}.json").write_text(json.dumps(out, indent=2))


def sim_cpu(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _answer(sim: Simulator) -> None:
    """Answer ``counters`` lines on standard input until it closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if line.strip() == b"counters":
            limit = sim.faults.app_rate_limit
            answer = {
                "token_requests": sim.token_requests,
                "quote_requests": sim.requests["GET", "/v1/chart/quotes"],
                "refused": limit.refused if limit is not None else 0,
            }
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()


async def serve(
    firehose: Firehose | None, tick_interval: float | None = None, faults: Faults | None = None
) -> None:
    from aries_async.sim import Simulator

    async with Simulator(**_settings(firehose, tick_interval, faults)) as sim:
        sys.stdout.write(json.dumps(_info(sim, firehose)) + "\n")
        sys.stdout.flush()
        if sys.stdin is None or sys.stdin.isatty():
            await sim.serve_forever()
        else:
            await _answer(sim)  # serves until the parent closes our standard input


def _settings(
    firehose: Firehose | None, tick_interval: float | None, faults: Faults | None
) -> dict[str, Any]:
    """The benchmarks' simulator: no ticker unless asked, tokens that outlive any run."""
    return {
        "tick_interval": tick_interval,
        "firehose": firehose,
        "token_ttl": 86_400,
        "faults": faults,
    }


def _info(sim: Simulator, firehose: Firehose | None) -> dict[str, Any]:
    """The JSON info line: URLs, credentials, a token response, the firehose's symbols."""
    info = dict(sim.info(), token=sim.issue_token_response())
    if firehose is not None:
        info["firehose_symbols"] = firehose.names()
    return info


def _firehose(
    symbols: int | None, lines_per_frame: int, count: int | None, duration: float | None
) -> Firehose | None:
    """The firehose of ``--symbols`` (None: the usual market socket)."""
    if symbols is None:
        return None
    from aries_async.sim.feed import Firehose

    return Firehose(
        symbols=symbols, lines_per_frame=lines_per_frame, count=count, duration=duration
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the settings and serve until killed."""
    from aries_async.sim import AppRateLimit, Faults
    from aries_async.sim.cli import huge_body

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--symbols", type=int, default=None, help="firehose symbols (default: off)")
    parser.add_argument("--lines-per-frame", type=int, default=20)
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument("--tick-interval", type=float, default=None)
    parser.add_argument("--huge-body", action="append", default=[], metavar="ROUTE=BYTES")
    parser.add_argument("--rate-limit", type=float, default=None, metavar="N")
    args = parser.parse_args(argv)
    faults = Faults(huge_body=dict(huge_body(spec) for spec in args.huge_body))
    if args.rate_limit is not None:
        faults.app_rate_limit = AppRateLimit(per_second=args.rate_limit)
    firehose = _firehose(args.symbols, args.lines_per_frame, args.count, args.duration)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(firehose, args.tick_interval, faults))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
