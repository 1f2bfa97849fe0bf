"""docs/migrating.md runs: its code blocks, one program in the order written, against the
simulator, the official finance-dev client's calls beside ours included.

A block with a top-level ``await`` runs as a coroutine on the test's loop; one without (the
sync section's ``asyncio.run``) on a thread of its own, where it may start a loop. finance-dev's
token hook blocks, so the simulator serves from its own thread.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.sim.threaded import ThreadedSimulator

pytestmark = pytest.mark.finance_dev

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "migrating.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def guide_blocks() -> list[str]:
    """The guide's Python blocks, in order."""
    return BLOCK.findall(GUIDE.read_text(encoding="utf-8"))


@pytest.fixture
def sim() -> Iterator[ThreadedSimulator]:
    pytest.importorskip("finance_dev")
    with ThreadedSimulator(seed=5) as running:
        yield running


async def run_block(source: str, namespace: dict[str, Any], number: int) -> None:
    code = compile(
        source, f"<docs/migrating.md block {number}>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    )
    if code.co_flags & inspect.CO_COROUTINE:
        await eval(code, namespace)  # noqa: S307 - the guide's own code, on purpose
    else:
        await asyncio.to_thread(exec, code, namespace)


async def test_every_block_of_the_guide_runs(sim: ThreadedSimulator) -> None:
    blocks = guide_blocks()
    assert len(blocks) >= 10
    namespace: dict[str, Any] = {
        "ACCOUNT": "TEST-ACCOUNT-001",
        "BASE_URL": sim.base_url,
        "TOKEN_URL": sim.token_url,
        "CLIENT_ID": sim.client_id,
        "CLIENT_SECRET": sim.client_secret,
    }
    try:
        for number, source in enumerate(blocks, 1):
            await run_block(source, namespace, number)
    finally:
        client = namespace.get("client")
        if isinstance(client, AriesClient):
            await client.aclose()
        sdk = namespace.get("sdk")
        if sdk is not None:
            sdk.__exit__(None, None, None)
    # The blocks' own asserts checked the answers; these check that they got that far.
    assert namespace["filled"].ord_status == "FILLED"
    assert namespace["cash"] > 0


def test_the_readme_links_the_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/migrating.md)" in readme
