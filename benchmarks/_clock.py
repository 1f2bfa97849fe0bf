"""The clocks the in-process benchmarks time with, and their ``--clock`` option."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

__all__ = ["CLOCKS", "add_clock_option"]

CLOCKS: dict[str, Callable[[], float]] = {
    "process": time.process_time,
    "wall": time.perf_counter,
}


def add_clock_option(parser: argparse.ArgumentParser) -> None:
    """``--clock process`` (the default) or ``--clock wall``; read it as ``CLOCKS[args.clock]``."""
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="process",
        help="process: CPU time of this process (robust on a shared machine); wall: elapsed",
    )
