"""Every example runs against the simulator with no arguments; the notebook runs with top-level
await inside an already running event loop, as in Jupyter.

The examples run in this interpreter (:mod:`scripts`), a few of them shortened through their
``main()``'s arguments where what they wait for is the wall clock; the quickstart runs as the
process a user starts."""

from __future__ import annotations

import ast
import asyncio
import json
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from child_process import run_child
from redis_server import REQUIRED
from scripts import run_script

from aries_async.testing import redis_server_binary

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_quickstart_runs_as_the_user_types_it() -> None:
    # The one example run as its own process: ``python examples/quickstart.py``, from start to
    # exit. The others run in this interpreter, which checks the same of what they do.
    done = run_script(EXAMPLES / "quickstart.py", process=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "6. order" in done.stdout


@pytest.mark.parametrize(
    ("script", "main", "expects"),
    [
        # One round: the 200 single calls already outrun the burst the limit allows, and
        # wait for their turns (a round takes a second); the next rounds do the same again.
        ("poll_quotes.py", {"rounds": 1}, ["500 quotes", "calls refused with 429: 0"]),
        ("trading_bot.py", None, ["FILLED"]),
        # Three snapshots, then the first push (pushes come half a second apart).
        ("stream_quotes.py", {"count": 4}, ["latest AAPL mid: "]),
        ("market_data.py", None, ["delta"]),
        ("stream_charts.py", {"count": 3}, ["latest AAPL: "]),
    ],
    ids=["poll_quotes", "trading_bot", "stream_quotes", "market_data", "stream_charts"],
)
def test_example_script_runs(script: str, main: dict[str, int] | None, expects: list[str]) -> None:
    done = run_script(EXAMPLES / script, main=main)
    assert done.returncode == 0, done.stderr[-2000:]
    for expect in expects:
        assert expect in done.stdout


def test_fleet_example_shares_one_budget_between_four_processes() -> None:
    if not (os.environ.get("REDIS_URL") or redis_server_binary()):
        if REQUIRED:
            pytest.fail("ARIES_REQUIRE_REDIS=1 but no redis-server binary")
        pytest.skip("no redis-server binary")
    # The fleet runs here; its four bots are processes, as the example starts them.
    done = run_script(
        EXAMPLES / "fleet_bots.py",
        env={"FLEET_SECONDS": "1"},  # long enough for every bot to take turns
    )
    assert done.returncode == 0, done.stderr[-2000:]
    fleet = done.stdout.splitlines()[-1]
    assert fleet.startswith("fleet: ")
    assert int(fleet.split()[1]) > 0
    assert fleet.endswith(" 0 rate-limited (429) at the simulator")


def notebook_cells() -> list[str]:
    """The sources of the notebook's code cells, in order."""
    notebook = json.loads((EXAMPLES / "notebook.ipynb").read_text())
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


async def run_cell(source: str, namespace: dict[str, Any]) -> None:
    """Run one cell as IPython does, top-level ``await`` included."""
    code = compile(source, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)  # noqa: S307 - our own notebook's cells
    if asyncio.iscoroutine(result):
        await result


async def test_notebook_cells_run_with_top_level_await() -> None:
    namespace: dict[str, Any] = {}
    cells = notebook_cells()
    for source in cells:
        await run_cell(source, namespace)
    assert len(cells) == 6
    assert {a.id for a in namespace["accounts"]} == {"TEST-ACCOUNT-001", "TEST-SIM-001"}
    assert set(namespace["quotes"]) == {"AAPL", "MSFT", "NVDA"}


_RERUN_CHILD = r"""
import ast, asyncio, gc, json, logging, sys, warnings

cells = json.loads(sys.argv[1])["cells"]
unclosed = []


class Unclosed(logging.Handler):
    def emit(self, record):
        if "nclosed" in record.getMessage():
            unclosed.append(record.getMessage())


logging.getLogger().addHandler(Unclosed())


async def run_cell(source, namespace):
    code = compile(source, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)
    if asyncio.iscoroutine(result):
        await result


async def main():
    (client_cell,) = [source for source in cells if "AriesClient(" in source]
    namespace = {}
    for source in cells[:-1]:  # all but the last one, which closes everything
        await run_cell(source, namespace)
    first = namespace["client"]
    await run_cell(client_cell, namespace)
    assert namespace["client"] is not first
    del first
    await run_cell(cells[2], namespace)  # the new client works
    await run_cell(cells[-1], namespace)
    namespace.clear()  # the kernel restarts: whatever was left unclosed is found now
    gc.collect()


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ResourceWarning)
    asyncio.run(main())
unclosed += [str(w.message) for w in caught if "nclosed" in str(w.message)]
print(json.dumps(unclosed))
"""


async def test_running_the_notebooks_client_cell_again_closes_the_client_it_made() -> None:
    # What a notebook user does all the time: run the cell that makes the client once more.
    # The client it made before must not be left for the garbage collector to find unclosed.
    # In a fresh interpreter: what earlier tests of a worker leave unclosed is not counted.
    assert await run_child(_RERUN_CHILD, {"cells": notebook_cells()}) == []


async def test_running_the_notebooks_simulator_cell_again_stops_the_one_it_started() -> None:
    # Run again, the first cell must not leave its earlier simulator serving (and ticking)
    # for as long as the kernel lives.
    (sim_cell,) = [source for source in notebook_cells() if "Simulator(" in source]
    namespace: dict[str, Any] = {}
    await run_cell(sim_cell, namespace)
    first = namespace["sim"]
    await run_cell(sim_cell, namespace)
    try:
        assert namespace["sim"] is not first
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(f"{first.base_url}/v1/market/status")
    finally:
        await first.aclose()
        await namespace["sim"].aclose()
