"""A real ``redis-server`` for the fleet tests, on a free loopback port, without persistence.

``redis_url`` starts one server per session (in a temporary directory, ``--save ''
--appendonly no``, a random password in the URL, so AUTH is exercised), waits until it answers,
and stops it at the end; every test that uses it starts on an empty database. Without a
``redis-server`` binary those tests are skipped, unless ``ARIES_REQUIRE_REDIS=1`` (``.ci/run``
sets it), which makes them fail instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from redis_server import REQUIRED, flush, redis_server_binary, start_redis, stop_redis


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a running ``redis-server`` (with its password) for this test session."""
    binary = redis_server_binary()
    if binary is None:
        message = "no redis-server binary (Debian: apt-get install redis-server)"
        if REQUIRED:
            pytest.fail(f"ARIES_REQUIRE_REDIS=1 but {message}")
        pytest.skip(message)
    server, url = start_redis(binary, tmp_path_factory.mktemp("redis"), secrets.token_hex(16))
    try:
        yield url
    finally:
        stop_redis(server)


@pytest.fixture(autouse=True)
def _empty_redis(request: pytest.FixtureRequest) -> None:
    """Every test that uses ``redis_url`` starts on an empty server."""
    if "redis_url" in request.fixturenames:
        flush(request.getfixturevalue("redis_url"))
