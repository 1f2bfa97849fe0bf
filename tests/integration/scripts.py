"""Run a Python script as ``python SCRIPT ARGS...`` would: in a child process, or in this
interpreter on a thread of its own.

A child costs a fresh interpreter (about 0.7 CPU s here, as nothing is byte-compiled ahead):
a test that checks what a script does against the simulator runs it in this interpreter
(:func:`run_script`); a test of what only the process shows (its start, its exit, what the
user types) runs it as one (``process=True``). Both give the same :class:`ScriptRun`.

In this interpreter the script runs as ``__main__`` with the ``sys.argv``, ``sys.path[0]``,
environment, stdout and stderr the process would have had, all put back after it. Or, for a
smaller run of what the script does (``main=``), it is loaded under another name and its
``async def main()`` is run with the given arguments by ``asyncio.run``, as its
``__main__`` block runs it with none.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import runpy
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

__all__ = ["ScriptRun", "run_script"]


@attrs.frozen
class ScriptRun:
    """How a script ended: its exit status and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


def run_script(
    path: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    process: bool = False,
    main: Mapping[str, Any] | None = None,
    timeout: float = 120,
) -> ScriptRun:
    """Run the script at ``path`` with ``args``, ``env`` added to this environment.

    ``process``: in a child process of this interpreter's executable; else here, where an
    exception the script lets out is raised again (its traceback is the test's), and a
    script still running after ``timeout`` seconds fails the test (its thread is left).
    ``main``: the keyword arguments its ``main()`` is called with instead of its
    ``__main__`` block (here only).
    """
    if process:
        assert main is None, "a child process runs the script's __main__ block"
        done = subprocess.run(  # noqa: S603 - a script of ours with our interpreter
            [sys.executable, str(path), *args],
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return ScriptRun(done.returncode, done.stdout, done.stderr)
    outcome: list[ScriptRun | BaseException] = []

    def run() -> None:
        out, err = io.StringIO(), io.StringIO()
        code = 0
        try:
            with (
                _as_main(path, args, env or {}),
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
            ):
                try:
                    if main is None:
                        runpy.run_path(str(path), run_name="__main__")
                    else:
                        module = runpy.run_path(str(path), run_name=f"script_{path.stem}")
                        asyncio.run(module["main"](**main))
                except SystemExit as exc:
                    code = _exit_status(exc, err)
        except BaseException as exc:  # given to the test's thread, to raise there
            outcome.append(exc)
            return
        outcome.append(ScriptRun(code, out.getvalue(), err.getvalue()))

    thread = threading.Thread(target=run, name=f"script {path.name}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"{path.name} still running after {timeout} s")
    (result,) = outcome
    if isinstance(result, BaseException):
        raise result
    return result


def _exit_status(exc: SystemExit, err: io.StringIO) -> int:
    """The status ``raise SystemExit(code)`` gives the process (a message: printed, 1)."""
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    print(exc.code, file=err)
    return 1


@contextlib.contextmanager
def _as_main(path: Path, args: tuple[str, ...], env: Mapping[str, str]) -> Iterator[None]:
    """``sys.argv``, ``sys.path[0]`` and the environment of ``python path args``."""
    saved_argv, saved_path = sys.argv, sys.path[:]
    saved_env = {name: os.environ.get(name) for name in env}
    sys.argv = [str(path), *args]
    sys.path.insert(0, str(path.parent))
    os.environ.update(env)
    try:
        yield
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
