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

__all__ = ["run_child"]


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
