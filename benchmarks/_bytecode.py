"""The package's bytecode written before a benchmark measures, as installing a wheel does.

Without it (a checkout, or ``PYTHONDONTWRITEBYTECODE`` set) every module imported during a
measurement is compiled from source first: its import costs several times as much, and holds
the interpreter lock throughout, which a user's installed package never pays.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["write_package_bytecode"]


def write_package_bytecode() -> None:
    """Compile every module of ``aries_async`` to bytecode (``compileall``, in a child)."""
    package = Path(__file__).resolve().parent.parent / "aries_async"
    subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "compileall", "-q", str(package)], check=True
    )
