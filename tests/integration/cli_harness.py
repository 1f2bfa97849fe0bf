"""Running ``aries-async`` against a simulator: in process (``main()``) or as a subprocess.

The simulator runs on its own thread (:class:`ThreadedSimulator`), so the synchronous
``main()`` -- which calls ``asyncio.run`` -- can talk to it from the test's thread. The
environment points every URL at it and keeps the token file inside the test's temporary
directory, never the user's.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import attrs
import pytest

from aries_async import models
from aries_async._deprecation import renamed
from aries_async.auth.filestore import FileTokenStore
from aries_async.auth.tokens import Token
from aries_async.cli import main
from aries_async.models import events
from aries_async.models.common import field_wire_name
from aries_async.sim.threaded import ThreadedSimulator

__all__ = [
    "OLD_NAMES",
    "WIRE_NAMES",
    "Cli",
    "Result",
    "a_line",
    "assert_python_names",
    "cli_fixture",
    "closed_port",
    "gone_after_a_line",
    "interrupted",
    "reached",
    "running_cli",
    "stepping_cli_fixture",
]

T = TypeVar("T")


_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _wire_names() -> frozenset[str]:
    """Every wire name of the REST models that is not also its Python name, and the chart
    quote's keys that differ from ``Quote``'s names (``lp`` is ``last_price``...)."""
    names = {"lp", "ch", "chp", "prev_close_price"}
    for name in models.__all__:
        cls = getattr(models, name)
        if isinstance(cls, type) and attrs.has(cls):
            case = getattr(cls, "__wire_case__", "camel")
            for field in attrs.fields(cls):
                wire = field_wire_name(field, case)
                if wire != field.name:
                    names.add(wire)
    return frozenset(names)


WIRE_NAMES = _wire_names()
"""Keys no ``--json`` output may have: they are the wire's, not the models' Python names."""


def _old_names() -> frozenset[str]:
    """The models' names of the previous release (each a ``renamed`` alias, such as
    ``Quote.bid`` or ``Bar.time``) that no model uses any more."""
    classes = [getattr(m, n) for m in (models, events) for n in m.__all__]
    classes = [c for c in classes if isinstance(c, type)]
    old = {n for c in classes for n, a in vars(c).items() if isinstance(a, renamed)}
    current = {n for c in classes if attrs.has(c) for n in attrs.fields_dict(c)}
    current |= {n for c in classes for n in dir(c) if not isinstance(getattr(c, n, None), renamed)}
    return frozenset(old - current)


OLD_NAMES = _old_names()
"""Keys no ``--json`` output may have either: the models' old names (``bid``, ``time``...),
where a script would look for the current ones."""


def _keys(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield path, key
            yield from _keys(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _keys(value, f"{path}[{i}]")


def assert_python_names(data: Any, command: str) -> None:
    """Every object key in ``data``, at any depth, is a snake_case Python name
    (``^[a-z][a-z0-9_]*$``), none is a wire name (:data:`WIRE_NAMES`) and none a model's
    old name (:data:`OLD_NAMES`)."""
    found = list(_keys(data))
    assert found, f"{command}: no keys to check"
    assert [f"{p}.{k}" for p, k in found if not _SNAKE.match(k)] == [], command
    assert [f"{p}.{k}" for p, k in found if k in WIRE_NAMES] == [], command
    assert [f"{p}.{k}" for p, k in found if k in OLD_NAMES] == [], command


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Stdin(io.StringIO):
    """What the command reads its answers from; ``tty`` decides what ``isatty()`` says."""

    def __init__(self, text: str, tty: bool) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@attrs.frozen
class Result:
    """Exit status and output of one run."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout as one JSON document."""
        return json.loads(self.out)

    def ndjson(self) -> list[Any]:
        """stdout as one JSON document per line."""
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


_AS_FROM_A_TERMINAL = (
    "import runpy, signal; "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('aries_async.cli', run_name='__main__', alter_sys=True)"
)
"""``python -m aries_async.cli`` with Ctrl-C as a terminal gives it: a test run started where
SIGINT is ignored (a shell's background job) passes that on to every child, and Python then
leaves it ignored, so the Ctrl-C tests would wait in vain."""


class Cli:
    """The command line wired to one simulator and one temporary token file."""

    def __init__(
        self,
        sim: ThreadedSimulator,
        home: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        self.sim = sim
        self.token_file = home / "config" / "aries-async" / "token.json"
        self._monkeypatch = monkeypatch
        self._capsys = capsys
        self.env = {
            "ARIES_BASE_URL": sim.base_url,
            "ARIES_CLIENT_ID": sim.client_id,
            "ARIES_CLIENT_SECRET": sim.client_secret,
            "XDG_CONFIG_HOME": str(home / "config"),
            "HOME": str(home),
        }
        for name in list(os.environ):
            if name.startswith("ARIES_"):
                monkeypatch.delenv(name)
        self.setenv(**self.env)

    def setenv(self, **values: str) -> None:
        """Set environment variables for the following in-process runs and spawns."""
        for name, value in values.items():
            self._monkeypatch.setenv(name, value)
            self.env[name] = value

    def sign_in(
        self,
        *,
        scopes: list[str] | None = None,
        ttl: float | None = None,
        refresh: bool = True,
        mode: int = 0o600,
    ) -> Token:
        """Save a token the simulator issued into the token file (as ``login`` would)."""
        token: Token = self.sim.issue_token(scopes, ttl)
        if not refresh:
            token = attrs.evolve(token, refresh_token=None, refresh_expires_at=None)
        asyncio.run(FileTokenStore(self.token_file).save(token))
        os.chmod(self.token_file, mode)
        return token

    def __call__(self, *args: str, stdin: str = "", tty: bool = False) -> Result:
        """Run ``main(args)`` here; ``stdin`` is what the user types, ``tty`` whether it is a
        terminal."""
        self._capsys.readouterr()
        with self._monkeypatch.context() as patch:
            patch.setattr(sys, "stdin", _Stdin(stdin, tty))
            code = main(list(args))
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def spawn(
        self,
        *args: str,
        stdin: int = subprocess.PIPE,
        stdout: int = subprocess.PIPE,
        stderr: int = subprocess.PIPE,
    ) -> subprocess.Popen[str]:
        """Start ``python -m aries_async.cli args`` with this environment (and Ctrl-C at its
        default, see :data:`_AS_FROM_A_TERMINAL`).

        ``stdin``, ``stdout`` and ``stderr`` are pipes unless another file descriptor is given
        (a pseudo-terminal, say).
        """
        env = {"PATH": "/usr/bin:/bin", **self.env}
        return subprocess.Popen(  # noqa: S603 - our own CLI with our interpreter
            [sys.executable, "-c", _AS_FROM_A_TERMINAL, *args],
            env=env,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            text=True,
        )

    def on_sim(self, function: Callable[[], T]) -> T:
        """Run ``function`` on the simulator's loop (to read or change its state)."""
        return self.sim.call(function)

    def lose_answer(self, call: str, mode: str = "drop") -> None:
        """The simulator executes the next ``call`` (``"place"``, ``"replace"``, ``"cancel"``)
        and answers it as ``mode`` says (``"drop"``: the connection is dropped; ``"hang"``: no
        answer; a non-ack body): the outcome is unknown to the command."""

        def lose() -> None:
            self.sim.faults.swallow_order_calls = frozenset({call})
            self.sim.faults.swallow_order_response = 1
            self.sim.faults.swallow_mode = mode

        self.on_sim(lose)

    def requests(self, method: str, path: str) -> int:
        """How many ``method path`` requests reached the simulator."""
        count: int = self.on_sim(lambda: self.sim.requests[(method, path)])
        return count


@contextlib.contextmanager
def running_cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    **sim_options: Any,
) -> Iterator[Cli]:
    """A :class:`Cli` on a fresh simulator (``sim_options`` go to the simulator)."""
    with ThreadedSimulator(**{"seed": 4, **sim_options}) as sim:
        yield Cli(sim, tmp_path, monkeypatch, capsys)


@pytest.fixture(name="cli")
def cli_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cli]:
    """The ``cli`` fixture: import ``cli_fixture`` into a test module to use it."""
    with running_cli(tmp_path, monkeypatch, capsys) as harness:
        yield harness


@pytest.fixture(name="cli")
def stepping_cli_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cli]:
    """The ``cli`` fixture on a simulator whose prices step every 0.05 s instead of 0.5 s, for
    tests that wait for the live feed's steps in real time (import it instead of
    ``cli_fixture``)."""
    with running_cli(tmp_path, monkeypatch, capsys, step_seconds=0.05) as harness:
        yield harness


# -- Ctrl-C at a chosen moment of a spawned command ------------------------------------------


def interrupted(proc: subprocess.Popen[str], ready: Callable[[], object]) -> tuple[int, str, str]:
    """Ctrl-C to ``proc`` once ``ready()`` returns (it blocks until the moment has come): the
    exit code, stdout and stderr."""
    try:
        ready()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err


def reached(cli: Cli, proc: subprocess.Popen[str], route: tuple[str, str]) -> Callable[[], None]:
    """Waits until a request of ``route`` has reached the simulator (``proc`` still running)."""

    def wait() -> None:
        deadline = time.monotonic() + 30
        while cli.requests(*route) == 0:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)

    return wait


def a_line(stream: IO[str] | None) -> Callable[[], None]:
    """Waits for a line on ``stream`` (one the command prints before the step interrupted)."""

    def wait() -> None:
        assert stream is not None and stream.readline()

    return wait


def gone_after_a_line(proc: subprocess.Popen[str], shown: IO[str] | None) -> tuple[str, str, int]:
    """``| head -1``: the first line of ``shown`` (stdout, or stderr when the command shows
    what it does there), then the reader of stdout goes away. That line, what ``proc`` wrote
    on stderr after it, and its exit code."""
    try:
        assert shown is not None and proc.stdout is not None and proc.stderr is not None
        first = shown.readline()
        proc.stdout.close()  # the reader went away
        err, code = proc.stderr.read(), proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return first, err, code
