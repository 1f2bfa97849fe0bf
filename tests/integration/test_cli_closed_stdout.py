"""A command whose stdout's reader went away (``aries-async stream AAPL | head -1``).

It ends quietly, as a Unix filter does: no traceback, no "Exception ignored" at exit, and the
status a shell reports for a filter that SIGPIPE stopped (141). A placed order is the
exception: its outcome goes to stderr and the exit status says it (``test_cli_order.py``).
"""

from __future__ import annotations

import os
import subprocess

import pytest
from cli_harness import Cli, cli_fixture  # noqa: F401 - the `cli` fixture

from aries_async._cli.common import EXIT_PIPE

ACCOUNT = "TEST-ACCOUNT-001"

COMMANDS = [
    ("stream", "AAPL", "MSFT"),
    ("stream", "AAPL", "--json", "--count", "1000"),
    ("stream", "--account", ACCOUNT, "--topics", "pnl,snapshots", "--interval", "15s"),
    ("bars", "AAPL", "--resolution", "1", "--start", "2026-11-02", "--end", "2026-11-06"),
    ("bars", "AAPL", "--json"),
    ("search", "a", "--limit", "50"),
    ("order", "list", ACCOUNT),
    ("accounts",),
    ("positions", ACCOUNT, "--json"),
    ("quote", "AAPL", "MSFT"),
]


def _gone_at_once(proc: subprocess.Popen[str]) -> tuple[str, int]:
    """The reader of stdout goes away before the command writes: what it wrote on stderr
    and its exit status."""
    try:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read()
        return err, proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_status_is_the_one_a_shell_gives_a_filter_stopped_by_sigpipe() -> None:
    assert EXIT_PIPE == 141  # 128 + SIGPIPE (13)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_gone_ends_the_command_quietly(cli: Cli, args: tuple[str, ...]) -> None:
    cli.sign_in()
    err, code = _gone_at_once(cli.spawn(*args))
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert "Broken pipe" not in err and "error" not in err.lower(), err
    assert code == EXIT_PIPE, err


@pytest.mark.parametrize(
    "args",
    [("stream", "AAPL", "--count", "1000"), ("order", "wait", ACCOUNT, "NO-SUCH")],
    ids=" ".join,
)
def test_stdout_and_stderr_on_one_pipe_gone(cli: Cli, args: tuple[str, ...]) -> None:
    """``2>&1 | head -1``: stderr has no reader either, neither for the notices nor for the
    error a command ends with (``order wait`` of an order that does not exist); Python's
    failed flush of it at exit would make the status 120, an error told into it 1."""
    cli.sign_in()
    read, write = os.pipe()
    proc = cli.spawn(*args, stdout=write, stderr=write)
    os.close(write)
    os.close(read)
    try:
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == EXIT_PIPE
