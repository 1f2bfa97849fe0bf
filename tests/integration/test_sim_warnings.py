"""The simulator under ``-W error``: no warning of the web framework turns a request into a 500.

aiohttp warns (``NotAppKeyWarning``) the first time a process stores a plain string key on an
app or a request; with warnings as errors that warning is raised inside the handler. It is
raised once per process, so the check runs in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = """
import asyncio

import aiohttp

from aries_async.sim import Simulator


async def main() -> None:
    async with Simulator(tick_interval=None) as sim, aiohttp.ClientSession() as http:
        headers = {"Authorization": sim.issue_token().authorization}
        for path in ("/health", "/v2/users/me/accounts", "/v1/chart/quotes?symbols=AAPL"):
            async with http.get(sim.base_url + path, headers=headers) as resp:
                print(path, resp.status, flush=True)


asyncio.run(main())
"""


def test_requests_succeed_with_warnings_as_errors() -> None:
    done = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-W", "error", "-c", _SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "/health",
        "200",
        "/v2/users/me/accounts",
        "200",
        "/v1/chart/quotes?symbols=AAPL",
        "200",
    ]
