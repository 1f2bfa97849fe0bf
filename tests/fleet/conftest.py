"""A real ``redis-server`` for the fleet tests, on a free loopback port, without persistence.

``redis_url`` starts one server per session (:func:`aries_async.testing.redis_server`: a
temporary directory, ``--save '' --appendonly no``, a random password in the URL, so AUTH is
exercised) and stops it at the end; every test that uses it starts on an empty database.
Without a ``redis-server`` binary those tests are skipped, unless ``ARIES_REQUIRE_REDIS=1``
(``.ci/run`` sets it), which makes them fail instead.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio
from redis_server import REQUIRED, flush

from aries_async.testing import redis_server, redis_server_binary


@pytest.fixture(scope="session")
def redis_binary() -> str:
    """The ``redis-server`` to run (the test is skipped without one, unless required)."""
    binary = redis_server_binary()
    if binary is None:
        message = "no redis-server binary (Debian: apt-get install redis-server)"
        if REQUIRED:
            pytest.fail(f"ARIES_REQUIRE_REDIS=1 but {message}")
        pytest.skip(message)
    return binary


@pytest.fixture(scope="session")
def redis_url(redis_binary: str) -> Iterator[str]:
    """The URL of a running ``redis-server`` (with its password) for this test session."""
    with redis_server(redis_binary, password=secrets.token_hex(16)) as url:
        yield url


@pytest.fixture(autouse=True)
def _empty_redis(request: pytest.FixtureRequest) -> None:
    """Every test that uses ``redis_url`` starts on an empty server."""
    if "redis_url" in request.fixturenames:
        flush(request.getfixturevalue("redis_url"))


@pytest.fixture
async def paused(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    """A plain client to pause the server's writes with (``CLIENT PAUSE ... WRITE``: scripts
    and ``SET`` wait, reads and its own ``CLIENT UNPAUSE`` do not); they resume after the
    test."""
    client = redis.asyncio.Redis.from_url(redis_url)
    yield client
    await client.client_unpause()
    await client.aclose()
