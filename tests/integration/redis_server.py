"""Start and stop a local ``redis-server`` for the fleet tests (see ``tests/fleet/conftest.py``)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

__all__ = ["REQUIRED", "flush", "redis_server_binary", "start_redis", "stop_redis"]

# Read at import: the autouse fixture of tests/conftest.py removes ARIES_* variables per test.
REQUIRED = os.environ.get("ARIES_REQUIRE_REDIS") == "1"

_STARTUP_SECONDS = 20.0


def redis_server_binary() -> str | None:
    """``redis-server`` on PATH, or where the Debian package puts it."""
    found = shutil.which("redis-server")
    if found:
        return found
    for candidate in ("/usr/bin/redis-server", "/usr/sbin/redis-server"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop_redis(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def start_redis(binary: str, directory: Path, password: str) -> tuple[subprocess.Popen[bytes], str]:
    """A server that answers PING, and its URL (another process may take the free port
    between our probe and the server's bind: then try another port)."""
    for _ in range(5):
        port = _free_port()
        command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(directory)]
        command += ["--save", "", "--appendonly", "no", "--requirepass", password]
        server = subprocess.Popen(  # noqa: S603 - our own arguments
            [*command, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://:{password}@127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        deadline = time.monotonic() + _STARTUP_SECONDS
        try:
            while server.poll() is None and time.monotonic() < deadline:
                with contextlib.suppress(redis.ConnectionError):
                    if client.ping():
                        return server, url
                time.sleep(0.02)  # waiting for a process to start listening, not for time
        finally:
            client.close()
        stop_redis(server)
    pytest.fail(f"{binary} did not start answering on a loopback port")


def flush(url: str) -> None:
    """Empty the test server's databases."""
    with redis.Redis.from_url(url) as client:
        client.flushall()
