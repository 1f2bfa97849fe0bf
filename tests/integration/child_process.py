"""Run a Python script in a fresh interpreter beside a simulator and read its JSON answer.

For what one process cannot show of itself once its modules are loaded: what importing, or
opening the first stream, does in a program that has not done it yet.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["WATCH_LOOP_IMPORTS", "run_child"]

WATCH_LOOP_IMPORTS = r"""
import json, sys, threading

info = json.loads(sys.argv[1])
loop_thread = threading.get_ident()
watching = False
imported = []


def audit(event, args):
    if event == "import" and watching and threading.get_ident() == loop_thread:
        imported.append(args[0])


sys.addaudithook(audit)
"""
"""A script's preamble: ``info`` is the JSON argument, and while ``watching`` is true every
module imported on the main thread (the event loop's) is appended to ``imported``."""


async def run_child(script: str, info: dict[str, Any], timeout: float = 60) -> Any:
    """Run ``script`` with ``info`` as JSON in ``sys.argv[1]``; its last stdout line, as JSON.

    The child fails the test when it exits with an error (its stderr's end is shown).
    """
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        json.dumps(info),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parent,
    )
    async with asyncio.timeout(timeout):
        out, err = await child.communicate()
    assert child.returncode == 0, err.decode()[-2000:]
    return json.loads(out.splitlines()[-1])
