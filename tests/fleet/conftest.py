"""A real ``redis-server`` for the fleet tests: started once per session on a free loopback
port, in a temporary directory, with no persistence; skipped only when no binary is found."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from aries_async.testing import redis_server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a redis-server that lives as long as the session."""
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        pytest.skip("no redis-server binary")
    with redis_server(binary) as url:
        yield url
