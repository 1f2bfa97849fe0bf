"""``--profile``: where our side of a benchmark spends its time, sampled with pyinstrument.

The benchmarks' ``--profile`` option runs our contender alone, untimed, under pyinstrument's
sampling profiler (a sample of the Python stack every ``interval`` seconds; asyncio tasks are
followed across ``await``) and writes three files to ``benchmarks/results/``:
``<name>.flat.txt``, the functions by the share of samples spent in them (self time), which is
the hot path; ``<name>.tree.txt``, the call tree in percent of the total; and ``<name>.html``,
pyinstrument's interactive view. It prints the head of the flat list.

Sampling costs little, but it is not free, and C functions called from Python show under the
Python function that called them. Time ratios come from the timed runs; instruction counts,
which see into C, from ``--instructions``.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
INSTALL_HINT = "--profile needs pyinstrument: pip install -e '.[compare]'"


def _flat(root: Any) -> str:
    """Self time by function, most first: each sample counts for the function it was in.

    pyinstrument's own flat view groups the ``[self]`` time of every function under one name;
    here it goes to its function, and time spent suspended in ``await`` (the event loop had
    nothing of ours to run) gets a line of its own.
    """
    from pyinstrument.frame import AWAIT_FRAME_IDENTIFIER, SELF_TIME_FRAME_IDENTIFIER

    def key(frame: Any) -> str:
        where = frame.file_path_short or ""
        if frame.line_no:
            where += f":{frame.line_no}"
        owner = f"{frame.class_name}." if frame.class_name else ""
        return f"{owner}{frame.function}  {where}"

    times: dict[str, float] = {}
    stack = [(root, key(root))]
    while stack:
        frame, parent = stack.pop()
        if frame.identifier == SELF_TIME_FRAME_IDENTIFIER:
            name, own = parent, frame.time
        elif frame.identifier == AWAIT_FRAME_IDENTIFIER:
            name, own = "(suspended in await)", frame.time
        elif frame.is_synthetic:
            name, own = frame.identifier, frame.time
        else:
            name = key(frame)
            own = frame.time - sum(child.time for child in frame.children)
            stack.extend((child, name) for child in frame.children)
        times[name] = times.get(name, 0.0) + own
    total = root.time or 1.0
    rows = sorted(times.items(), key=lambda item: -item[1])
    return "".join(
        f"{seconds / total:6.1%} {seconds:8.3f} s  {name}\n"
        for name, seconds in rows
        if seconds > 0
    )


class _CollectorTime:
    """A ``gc.callbacks`` entry that adds up the garbage collector's time and collections.

    A sampling profiler charges a collection to whatever function allocated the object that
    set it off, so the collector's own share is measured apart.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections[info["generation"]] += 1

    def summary(self, total: float) -> str:
        young, middle, old = self.collections
        share = self.seconds / total if total else 0.0
        return (
            f"garbage collection: {self.seconds:.3f} s ({share:.1%} of the samples' time, inside"
            f" the functions above), {young} + {middle} + {old} collections by generation"
        )


def profile(
    name: str,
    work: Callable[[], Any],
    *,
    interval: float = 0.0002,
    head: int = 25,
    out: Path | None = None,
) -> list[Path]:
    """Run ``work()`` under pyinstrument; write ``name``'s three files to ``out`` (default
    :data:`RESULTS`) and print the first ``head`` lines of the flat list. Returns the files
    written.

    Raises:
        SystemExit: pyinstrument is not installed (with how to install it).
    """
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit(INSTALL_HINT) from None
    collector = _CollectorTime()
    profiler = Profiler(interval=interval, async_mode="enabled")
    gc.callbacks.append(collector)
    profiler.start()
    try:
        work()
    finally:
        profiler.stop()
        gc.callbacks.remove(collector)
    out = RESULTS if out is None else out
    out.mkdir(parents=True, exist_ok=True)
    session = profiler.last_session
    root = session.root_frame() if session is not None else None
    if root is None:
        raise RuntimeError(f"{name}: the profiler took no sample")
    flat = _flat(root)
    tree = profiler.output_text(time="percent_of_total")
    files = [out / f"{name}.flat.txt", out / f"{name}.tree.txt", out / f"{name}.html"]
    files[0].write_text(flat, encoding="utf-8")
    files[1].write_text(f"{collector.summary(root.time)}\n{tree}", encoding="utf-8")
    profiler.write_html(files[2])
    functions = len(flat.splitlines())
    print(f"\n{name}: self time by function ({functions} functions, all in {files[0]})")
    print("\n".join(flat.splitlines()[:head]))
    print(collector.summary(root.time))
    print(f"call tree: {files[1]}; interactive: {files[2]}")
    return files
