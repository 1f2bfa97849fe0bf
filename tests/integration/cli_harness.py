"""Running ``aries-async`` against a simulator: in process (``main()``) or as a subprocess.

The seam of the in-process runs is the console script's own entry point,
:func:`aries_async.cli.main`: it takes ``argv`` and returns the exit status; it reads its
settings from ``os.environ`` and reads and writes ``sys.stdin``, ``sys.stdout`` and
``sys.stderr`` as it finds them at each use. :func:`run_main` (finished runs),
:class:`Started` (a run on a thread of its own, read and written while it runs, as a child
process is) and :func:`run_on_terminal` (stdout on a pseudo-terminal) swap those three for
the run, so one in-process run at a time. A fresh interpreter costs most of a CPU second
here: it is kept for what only a process shows (Ctrl-C and other signals, a closed stdout,
what the interpreter sets up or prints at start and exit) and, per area, for one run of the
installed console script itself (:data:`SCRIPT`).

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
import sysconfig
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TextIO, TypeVar, cast

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
    "SCRIPT",
    "WIRE_NAMES",
    "Cli",
    "Result",
    "Started",
    "a_line",
    "assert_python_names",
    "cli_fixture",
    "closed_port",
    "gone_after_a_line",
    "interrupted",
    "reached",
    "run_main",
    "run_on_terminal",
    "run_script",
    "running_cli",
    "stepping_cli_fixture",
    "use_env",
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


SCRIPT = Path(sysconfig.get_path("scripts")) / "aries-async"
"""The installed console script (the one ``pip install`` put beside this interpreter)."""


class _Channel(io.TextIOBase):
    """Text written on one thread and read on another: a pipe, in memory, that never fills.

    A read waits (at most :attr:`WAIT` seconds, then ``TimeoutError``) for a whole line, or
    for :meth:`end` (``read()``: for the end); ``isatty()`` says ``tty``.
    """

    WAIT = 60.0

    def __init__(self, text: str = "", *, tty: bool = False) -> None:
        super().__init__()
        self._text = text
        self._tty = tty
        self._ended = False
        self._changed = threading.Condition()

    def isatty(self) -> bool:
        return self._tty

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._changed:
            self._text += text
            self._changed.notify_all()
        return len(text)

    def end(self) -> None:
        """No more is written: what waits for more reads what is left (EOF)."""
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def _take(self, ready: Callable[[], bool], cut: Callable[[], int]) -> str:
        """What is written up to ``cut()``, once ``ready()`` (or at the end: all that is left)."""
        with self._changed:
            if not self._changed.wait_for(lambda: ready() or self._ended, self.WAIT):
                raise TimeoutError(f"nothing more within {self.WAIT} s; so far {self._text!r}")
            at = cut() if ready() else len(self._text)
            taken, self._text = self._text[:at], self._text[at:]
            return taken

    def readline(self, size: int | None = -1, /) -> str:  # type: ignore[override] # as TextIOBase
        assert size in (-1, None), "a whole line or nothing"
        return self._take(lambda: "\n" in self._text, lambda: self._text.index("\n") + 1)

    def read(self, size: int | None = -1, /) -> str:
        assert size in (-1, None), "all of it or nothing"
        return self._take(lambda: False, lambda: len(self._text))


_ONE_RUN = threading.Lock()
"""Held while an in-process run has the standard streams (they are the process's)."""


@contextlib.contextmanager
def _standard_streams(
    stdin: io.TextIOBase,
    stdout: io.TextIOBase,
    stderr: io.TextIOBase,
    *,
    interpreters: io.TextIOBase | None = None,
) -> Iterator[None]:
    """``sys.stdin``, ``sys.stdout`` and ``sys.stderr`` are these for the block; with
    ``interpreters``, so is ``sys.__stdout__`` (what a process was started with, where
    ``shutil.get_terminal_size`` looks for the terminal's width)."""
    if not _ONE_RUN.acquire(blocking=False):
        raise RuntimeError("one in-process run of the CLI at a time: the streams are shared")
    saved = sys.stdin, sys.stdout, sys.stderr, sys.__stdout__
    try:
        # What main() uses of them (write, flush, readline, isatty, fileno) a TextIOBase has.
        sys.stdin, sys.stdout, sys.stderr = (cast(TextIO, s) for s in (stdin, stdout, stderr))
        if interpreters is not None:
            setattr(sys, "__stdout__", interpreters)  # noqa: B010 - typeshed: Final
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved[:3]
        setattr(sys, "__stdout__", saved[3])  # noqa: B010 - typeshed: Final
        _ONE_RUN.release()


def use_env(monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str]) -> None:
    """``os.environ`` without its ``ARIES_*`` and ``COLUMNS``/``LINES`` (a terminal's width
    comes from the terminal), plus ``env``: what the CLI reads, as a child given ``env``
    would find it."""
    for name in list(os.environ):
        if name.startswith("ARIES_") or name in ("COLUMNS", "LINES"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def run_main(args: Sequence[str], *, stdin: str = "", tty: bool = False) -> Result:
    """``main(args)`` in this thread, to its end: ``stdin`` is what the user types, ``tty``
    whether it is a terminal."""
    out, err, typed = io.StringIO(), io.StringIO(), _Channel(stdin, tty=tty)
    typed.end()
    with _standard_streams(typed, out, err):
        code = main(list(args))
    return Result(code, out.getvalue(), err.getvalue())


def run_script(args: Sequence[str], env: Mapping[str, str]) -> Result:
    """The installed ``aries-async ARGS`` (:data:`SCRIPT`) in a process of its own, to its
    end, with ``env`` (and a ``PATH``) as its whole environment."""
    done = subprocess.run(  # noqa: S603 - our own console script
        [SCRIPT, *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


class Started:
    """``main(args)`` on a thread of its own, as a child process runs: the test writes its
    :attr:`stdin` and reads its :attr:`stdout` and :attr:`stderr` (``_Channel``: ``readline``
    and ``read`` wait for the command) while it runs.

    The block ends its stdin and waits (a minute at most) for the command to end; an error
    ``main()`` raised is raised by :meth:`wait` (a child would print its traceback and exit
    1).
    """

    def __init__(self, *args: str, tty: bool = False) -> None:
        self.stdin = _Channel(tty=tty)
        self.stdout = _Channel()
        self.stderr = _Channel()
        self.returncode: int | None = None
        self._raised: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(args,), name=f"cli {args}")
        self._thread.start()

    def _run(self, args: tuple[str, ...]) -> None:
        try:
            with _standard_streams(self.stdin, self.stdout, self.stderr):
                self.returncode = main(list(args))
        except BaseException as exc:  # handed to wait()
            self._raised = exc
        finally:
            self.stdout.end()
            self.stderr.end()

    def wait(self, timeout: float = 60) -> int:
        """The exit status, once the command ended."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"{self._thread.name} still runs after {timeout} s")
        if self._raised is not None:
            raise self._raised
        assert self.returncode is not None
        return self.returncode

    def communicate(self, text: str = "", timeout: float = 60) -> tuple[str, str]:
        """Type ``text``, end stdin; once the command ended, the rest of stdout and stderr."""
        self.stdin.write(text)
        self.stdin.end()
        self.wait(timeout)
        return self.stdout.read(), self.stderr.read()

    def __enter__(self) -> Started:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stdin.end()
        self._thread.join(60)


def run_on_terminal(args: Sequence[str], *, columns: int | None = None) -> tuple[int, str]:
    """``main(args)`` in this thread with stdout on a pseudo-terminal: its exit status and
    what the terminal received. With ``columns``, a terminal that wide, which stderr writes
    to as well (as in a shell); else stderr is not kept."""
    import pty

    leader, follower = pty.openpty()
    if columns is not None:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    received = bytearray()

    def receive() -> None:
        with contextlib.suppress(OSError):  # EIO once the terminal's last writer is gone
            while chunk := os.read(leader, 65536):
                received.extend(chunk)

    # Read while the command draws: a terminal's buffer holds a few KiB only.
    reader = threading.Thread(target=receive, name="terminal", daemon=True)
    reader.start()
    try:
        with open(follower, "w", encoding="utf-8") as terminal:
            err = terminal if columns is not None else io.StringIO()
            with _standard_streams(_Channel(), terminal, err, interpreters=terminal):
                code = main(list(args))
        reader.join(30)
    finally:
        os.close(leader)
    return code, received.decode()


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
    ) -> None:
        self.sim = sim
        self.token_file = home / "config" / "aries-async" / "token.json"
        self._monkeypatch = monkeypatch
        self.env = {
            "ARIES_BASE_URL": sim.base_url,
            "ARIES_CLIENT_ID": sim.client_id,
            "ARIES_CLIENT_SECRET": sim.client_secret,
            "XDG_CONFIG_HOME": str(home / "config"),
            "HOME": str(home),
        }
        use_env(monkeypatch, self.env)

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
        """Run ``main(args)`` here (:func:`run_main`); ``stdin`` is what the user types,
        ``tty`` whether it is a terminal."""
        return run_main(args, stdin=stdin, tty=tty)

    def spawn(
        self,
        *args: str,
        stdin: int = subprocess.PIPE,
        stdout: int = subprocess.PIPE,
        stderr: int = subprocess.PIPE,
        script: bool = False,
    ) -> subprocess.Popen[str]:
        """Start ``python -m aries_async.cli args`` with this environment (and Ctrl-C at its
        default, see :data:`_AS_FROM_A_TERMINAL`); with ``script``, the installed
        ``aries-async args`` (:data:`SCRIPT`, Ctrl-C as this process has it).

        ``stdin``, ``stdout`` and ``stderr`` are pipes unless another file descriptor is given
        (a pseudo-terminal, say).
        """
        env = {"PATH": "/usr/bin:/bin", **self.env}
        command = [str(SCRIPT)] if script else [sys.executable, "-c", _AS_FROM_A_TERMINAL]
        return subprocess.Popen(  # noqa: S603 - our own CLI with our interpreter
            [*command, *args],
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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **sim_options: Any
) -> Iterator[Cli]:
    """A :class:`Cli` on a fresh simulator (``sim_options`` go to the simulator)."""
    with ThreadedSimulator(**{"seed": 4, **sim_options}) as sim:
        yield Cli(sim, tmp_path, monkeypatch)


@pytest.fixture(name="cli")
def cli_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """The ``cli`` fixture: import ``cli_fixture`` into a test module to use it."""
    with running_cli(tmp_path, monkeypatch) as harness:
        yield harness


@pytest.fixture(name="cli")
def stepping_cli_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """The ``cli`` fixture on a simulator whose prices step every 0.05 s instead of 0.5 s, for
    tests that wait for the live feed's steps in real time (import it instead of
    ``cli_fixture``)."""
    with running_cli(tmp_path, monkeypatch, step_seconds=0.05) as harness:
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
