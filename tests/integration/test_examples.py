"""Every example runs against the simulator with no arguments; the notebook runs with top-level
await inside an already running event loop, as in Jupyter."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from redis_server import REQUIRED

from aries_async.testing import redis_server_binary

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("script", "expect"),
    [
        ("quickstart.py", "6. order"),
        ("poll_quotes.py", "500 quotes"),
        ("trading_bot.py", "FILLED"),
        ("stream_quotes.py", "AAPL"),
        ("market_data.py", "delta"),
        ("stream_charts.py", "latest AAPL: "),
    ],
)
def test_example_script_runs(script: str, expect: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own example with our interpreter
        [sys.executable, str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert expect in done.stdout


def test_fleet_example_shares_one_budget_between_four_processes() -> None:
    if not (os.environ.get("REDIS_URL") or redis_server_binary()):
        if REQUIRED:
            pytest.fail("ARIES_REQUIRE_REDIS=1 but no redis-server binary")
        pytest.skip("no redis-server binary")
    done = subprocess.run(  # noqa: S603 - our own example with our interpreter
        [sys.executable, str(EXAMPLES / "fleet_bots.py")],
        env={**os.environ, "FLEET_SECONDS": "1"},  # long enough for every bot to take turns
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    fleet = done.stdout.splitlines()[-1]
    assert fleet.startswith("fleet: ")
    assert int(fleet.split()[1]) > 0
    assert fleet.endswith(" 0 rate-limited (429) at the simulator")


async def test_notebook_cells_run_with_top_level_await() -> None:
    notebook = json.loads((EXAMPLES / "notebook.ipynb").read_text())
    namespace: dict[str, Any] = {}
    ran = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        code = compile(source, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(code, namespace)  # noqa: S307 - our own notebook's cells
        if asyncio.iscoroutine(result):
            await result
        ran += 1
    assert ran == 5
    assert {a.id for a in namespace["accounts"]} == {"TEST-ACCOUNT-001", "TEST-SIM-001"}
    assert set(namespace["quotes"]) == {"AAPL", "MSFT", "NVDA"}
