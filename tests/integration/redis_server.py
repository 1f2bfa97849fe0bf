"""What the fleet tests need around their ``redis-server`` (see ``tests/fleet/conftest.py``)."""

from __future__ import annotations

import os

import redis

__all__ = ["REQUIRED", "flush"]

# Read at import: the autouse fixture of tests/conftest.py removes ARIES_* variables per test.
REQUIRED = os.environ.get("ARIES_REQUIRE_REDIS") == "1"


def flush(url: str) -> None:
    """Empty the test server's databases."""
    with redis.Redis.from_url(url) as client:
        client.flushall()
