"""pytest fixtures for testing your own bots against the local Aries simulator.

Installed with aries-async as a pytest plugin (entry point ``pytest11``), so the fixtures are
available in every test once the package is installed; nothing runs unless a test asks for them.
Async fixtures need pytest-asyncio (``asyncio_mode = "auto"`` or ``@pytest.mark.asyncio``).

Fixtures (function scoped: every test gets a fresh market, accounts and order book):

``aries_sim``
    A running :class:`aries_async.sim.Simulator` on 127.0.0.1 with a fixed seed (0) and the
    wall clock (a background ticker moves prices and fills orders). Set faults on
    ``aries_sim.faults``; read ``aries_sim.state`` / ``aries_sim.requests`` to check what your
    bot did. Accounts: ``TEST-ACCOUNT-001`` (live-looking) and ``TEST-SIM-001`` (``is_sim``).

``aries_client``
    An entered :class:`aries_async.AriesClient` bound to ``aries_sim`` with a server-issued token
    holding every scope.

Helpers:

``RecordingSleep``
    A stand-in for ``asyncio.sleep`` that records the waits instead of waiting. Give it to the
    client (``AriesClient(config, sleep=RecordingSleep())``) and retries after a rate limit or a
    5xx take no real time, while the test can still check how long the client would have
    waited (``sleep.waits``).

``redis_server()``
    A throwaway ``redis-server`` (found on ``PATH``) on a free loopback port, in a temporary
    directory, without persistence, for tests of a fleet sharing Redis::

        with redis_server() as url:  # "redis://127.0.0.1:PORT/0"
            ...  # RedisRateBudget(url), one per simulated process
        with redis_server(port=yarl.URL(url).port):
            ...  # the same Redis restarted, empty: the processes' connections were closed

``capture_logs()`` and ``shows_secret()``
    Every record of every logger at DEBUG (as ``logging.basicConfig(level=DEBUG)`` would show
    them, third-party loggers included), and whether a text shows a secret or any 12
    characters of it in a row, to check that your bot logs no token::

        with capture_logs() as logs:
            ...  # run the bot
        assert not any(shows_secret(line, token.access_token) for line in logs.lines)

``aries_sim_options``
    The keyword arguments of ``aries_sim``'s simulator (none by default). Override it to run the
    two fixtures above on a manual clock, so that time only moves on ``aries_sim.advance()``::

        @pytest.fixture
        def aries_sim_options():
            return {"clock": ManualClock(), "tick_interval": None}

Options: ``--aries-sim-seed N`` changes the seed. For full control build the simulator yourself,
e.g. with a manual clock so time only moves when you say so::

    from aries_async.sim import ManualClock, RateLimitFault, Simulator

    async def test_my_bot_survives_rate_limits(aries_sim, aries_client):
        aries_sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=1, retry_after=0)
        quotes = await aries_client.market.quotes(["AAPL"])
        assert aries_sim.requests[("GET", "/v1/chart/quotes")] == 2

    async def test_limit_order_fills_when_price_crosses():
        async with Simulator(seed=3, clock=ManualClock()) as sim:
            ...  # place an order through your bot, then
            sim.advance(60)  # one simulated minute of prices and matching, no sleeping
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from aries_async.sim.server import Simulator

if TYPE_CHECKING:
    _async_fixture = pytest.fixture
else:
    try:  # pytest-asyncio's decorator works in strict mode too; fall back if it is absent
        import pytest_asyncio

        _async_fixture = pytest_asyncio.fixture
    except ImportError:  # pragma: no cover - only without pytest-asyncio
        _async_fixture = pytest.fixture

__all__ = [
    "LogCapture",
    "RecordingSleep",
    "aries_client",
    "aries_sim",
    "aries_sim_options",
    "capture_logs",
    "pytest_addoption",
    "redis_server",
    "redis_server_binary",
    "shows_secret",
]


class RecordingSleep:
    """An ``asyncio.sleep`` stand-in for the client's ``sleep=``: it records each wait in
    :attr:`waits` (seconds, in order) and returns at once.

    Example:
        >>> import asyncio
        >>> sleep = RecordingSleep()
        >>> asyncio.run(sleep(1.5))
        >>> sleep.waits
        [1.5]
    """

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class LogCapture(logging.Handler):
    """The records :func:`capture_logs` collected, in order."""

    def __init__(self, level: int = logging.DEBUG) -> None:
        super().__init__(level)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def lines(self) -> list[str]:
        """Each record as ``"logger LEVEL message"``, with its arguments and traceback."""
        return [self.format(record) for record in self.records]


@contextlib.contextmanager
def capture_logs(level: int = logging.DEBUG) -> Iterator[LogCapture]:
    """Every record of every logger at ``level`` or above (DEBUG: all) while the block runs
    (the root logger's level is set back afterwards).

    A higher level spares a long run the records it would not read: below it, the loggers
    of the block (the websockets library's, one line a frame at DEBUG) make none at all.
    """
    root = logging.getLogger()
    capture = LogCapture(level)
    saved = root.level
    root.addHandler(capture)
    root.setLevel(level)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(saved)


@contextlib.contextmanager
def redis_server(
    binary: str | None = None, *, password: str | None = None, port: int | None = None
) -> Iterator[str]:
    """Run a ``redis-server`` for as long as the block lasts, on a free loopback port (or
    ``port``: a block after another on the port the first yielded is a restart of that Redis,
    empty), in a temporary directory, with no persistence; yields its ``redis://`` URL (with
    ``password``, when given, which the server then requires).

    Raises:
        FileNotFoundError: no ``redis-server`` on ``PATH`` or where Debian puts it (and no
            ``binary`` given).
        RuntimeError: it did not start listening within 10 seconds.
    """
    binary = binary or redis_server_binary()
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (Debian: apt install redis-server)")
    if port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
    with tempfile.TemporaryDirectory(prefix="aries-redis-") as workdir:
        args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", workdir]
        args += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        args += ["--requirepass", password] if password else []
        server = subprocess.Popen(  # noqa: S603 - the redis-server asked for
            args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 10
            while True:  # until it accepts connections: it starts in milliseconds
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("redis-server did not start") from None
                    time.sleep(0.01)
            auth = f":{password}@" if password else ""
            yield f"redis://{auth}127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(10)


def redis_server_binary() -> str | None:
    """``redis-server`` on ``PATH``, or where the Debian package puts it, or None."""
    found = shutil.which("redis-server")
    if found:
        return found
    for candidate in ("/usr/bin/redis-server", "/usr/sbin/redis-server"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def shows_secret(text: str, secret: str, window: int = 12) -> bool:
    """Whether ``text`` shows ``secret``, or any ``window`` characters of it in a row (a log
    that cuts a long message short may show only a token's end)."""
    return any(secret[i : i + window] in text for i in range(max(1, len(secret) - window + 1)))


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--aries-sim-seed``."""
    group = parser.getgroup("aries-async")
    group.addoption(
        "--aries-sim-seed",
        type=int,
        default=0,
        help="seed of the aries_sim fixture's price walk (default 0)",
    )


@pytest.fixture
def aries_sim_options() -> dict[str, Any]:
    """Keyword arguments for the :class:`~aries_async.sim.Simulator` of ``aries_sim`` (none:
    the wall clock, seed ``--aries-sim-seed``). Override it in a ``conftest.py`` or a test
    module to run ``aries_sim`` (and so ``aries_client``) on other settings, such as a manual
    clock: ``return {"clock": ManualClock(), "tick_interval": None}``."""
    return {}


@_async_fixture
async def aries_sim(
    request: pytest.FixtureRequest, aries_sim_options: dict[str, Any]
) -> AsyncIterator[Simulator]:
    """A running simulator (fixed seed, wall clock unless ``aries_sim_options`` says
    otherwise), stopped after the test."""
    from aries_async.sim.server import Simulator

    seed = request.config.getoption("--aries-sim-seed", default=0)
    async with Simulator(**{"seed": int(seed or 0), **aries_sim_options}) as sim:
        yield sim


@_async_fixture
async def aries_client(aries_sim: Simulator) -> AsyncIterator[Any]:
    """An entered ``AriesClient`` bound to ``aries_sim`` with a token holding every scope."""
    try:
        client_module = importlib.import_module("aries_async.client")
    except ImportError as exc:  # the client is part of the package; this guards partial installs
        pytest.skip(f"aries_async.client is not available: {exc}")
    client_class = client_module.AriesClient
    config = aries_sim.client_config()
    async with client_class(config=config, token=aries_sim.issue_token()) as client:
        yield client
