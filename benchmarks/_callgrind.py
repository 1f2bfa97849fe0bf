"""Instruction counts under ``valgrind --tool=callgrind`` for the benchmarks' ``--instructions``.

Wall and CPU time on a shared 2-core machine move by 10-15% from run to run; the number of
instructions a process executes does not (the same totals to within a few dozen instructions
out of billions). Each benchmark runs a worker command twice, doing N and 0 (or N1 and N2)
units of work, and divides the difference: start-up, imports and set-up cancel out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["ROOT", "count", "find_valgrind", "total"]

ROOT = Path(__file__).resolve().parent.parent


def find_valgrind() -> tuple[str, str] | None:
    """``(path, version)`` of valgrind, or None (after a message on stderr) when missing."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind not found: --instructions needs valgrind on PATH", file=sys.stderr)
        return None
    version = subprocess.run(  # noqa: S603 - valgrind itself
        [valgrind, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return valgrind, version


def total(path: Path) -> int:
    """Total instructions (Ir) from a callgrind output file's ``totals:``/``summary:`` line."""
    for line in path.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise SystemExit(f"no totals: or summary: line in {path}")


def count(valgrind: str, outdir: Path, label: str, args: list[str]) -> int:
    """Instructions executed by ``python args...`` (run from the repository root, with
    ``PYTHONHASHSEED=0``) under callgrind; ``label`` names its output file in ``outdir``."""
    cmd = [
        valgrind,
        "--tool=callgrind",
        f"--callgrind-out-file={outdir / label}.%p",
        sys.executable,
        *args,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(  # noqa: S603 - valgrind on our own interpreter and script
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{label} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    outputs = list(outdir.glob(f"{label}.*"))
    if len(outputs) != 1:
        raise SystemExit(f"expected one callgrind output for {label}, found {outputs}")
    return total(outputs[0])
