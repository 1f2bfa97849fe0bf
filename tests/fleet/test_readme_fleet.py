"""The README's fleet block runs as written, against the simulator and the fleet tests' Redis.

Substituted: the ``ARIES_*`` environment (the one ``aries-async sim`` prints, as in
``tests/integration/test_readme_code.py``) for production's, and ``REDIS_URL`` for the
comment's ``rediss://...redis.internal``: this session's ``redis-server`` (AUTH, no TLS).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from doc_blocks import DocBlock, python_blocks, readers_environment, run_block

from aries_async import RateLimit, RedisRateBudget, RedisTokenStore
from aries_async.sim import Simulator

README = Path(__file__).resolve().parents[2] / "README.md"


def block(name: str) -> DocBlock:
    """The README's python block marked ``test: name``."""
    (found,) = [b for b in python_blocks(README) if b.test == name]
    return found


async def test_the_fleet_block_runs(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with Simulator(seed=1) as sim:
        await readers_environment(sim, tmp_path, monkeypatch)
        monkeypatch.setenv("REDIS_URL", redis_url)
        namespace: dict[str, Any] = {}
        await run_block(block("fleet").source, namespace, block("fleet").label)
    assert namespace["config"].rate_limit == RateLimit(per_second=20)  # "or ARIES_RATE_LIMIT=20"
    assert isinstance(namespace["store"], RedisTokenStore)
    assert isinstance(namespace["budget"], RedisRateBudget)
