"""docs/migrating.md runs: its code blocks, one program in the order written, against the
simulator, the official finance-dev client's calls beside ours included.

A block with a top-level ``await`` runs as a coroutine on the test's loop; one without (the
sync section's ``asyncio.run``) on a thread of its own, where it may start a loop. finance-dev's
token hook blocks, so the simulator serves from its own thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from doc_blocks import python_blocks, run_block

from aries_async import AriesClient
from aries_async.sim.threaded import ThreadedSimulator

pytestmark = pytest.mark.finance_dev

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "migrating.md"


@pytest.fixture
def sim() -> Iterator[ThreadedSimulator]:
    pytest.importorskip("finance_dev")
    with ThreadedSimulator(seed=5) as running:
        yield running


async def test_every_block_of_the_guide_runs(sim: ThreadedSimulator) -> None:
    blocks = python_blocks(GUIDE)
    assert len(blocks) >= 10
    namespace: dict[str, Any] = {
        "ACCOUNT": "TEST-ACCOUNT-001",
        "BASE_URL": sim.base_url,
        "TOKEN_URL": sim.token_url,
        "CLIENT_ID": sim.client_id,
        "CLIENT_SECRET": sim.client_secret,
    }
    try:
        for block in blocks:
            await run_block(block.source, namespace, block.label)
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
