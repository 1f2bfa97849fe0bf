"""Run Python in fresh interpreters beside a simulator and read their JSON answers.

For what one process cannot show of itself once its modules are loaded (what importing, or
opening the first stream, does in a program that has not done it yet), and for what only several
processes show (:class:`Bots`: processes sharing one token store).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aries_async.sim import Simulator

__all__ = [
    "APP_CLIENT",
    "TOKEN_BOT",
    "WATCH_LOOP_IMPORTS",
    "BotAnswer",
    "Bots",
    "lines_until_blank",
    "run_child",
    "run_child_told",
    "sim_command",
    "sim_env",
]

TOKEN_BOT = Path(__file__).with_name("token_bot.py")
"""The bot script of :class:`Bots` (see its docstring for its argument and answer)."""

WATCH_LOOP_IMPORTS = r"""
import json, sys, threading

info = json.loads(sys.argv[1])
loop_thread = threading.get_ident()
watching = False
imported = []


class WatchImports:
    # First on the import path: told of every module imported (not in sys.modules yet), by an
    # import statement or importlib.import_module alike (the "import" audit event misses the
    # latter, which the package's lazy names use).

    @staticmethod
    def find_spec(name, path=None, target=None):
        if watching and threading.get_ident() == loop_thread:
            imported.append(name)
        return None  # the other finders find it


sys.meta_path.insert(0, WatchImports)
"""
"""A script's preamble: ``info`` is the JSON argument, and while ``watching`` is true every
module imported on the main thread (the event loop's) is appended to ``imported``."""


APP_CLIENT = r"""
import contextlib
from aries_async import AriesClient, ClientConfig


@contextlib.asynccontextmanager
async def app_client():
    config = ClientConfig.for_base_url(
        info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]
    )
    async with AriesClient(config) as client:
        await client.auth.set_token(await client.oauth.client_credentials())
        yield client
"""
"""A script's part (after ``info`` is set, as :data:`WATCH_LOOP_IMPORTS` sets it): ``async with
app_client() as client`` is a client of the simulator that ``info`` describes (``sim.info()``),
signed in with an app token of every scope."""


async def run_child(script: str, info: dict[str, Any], timeout: float = 60) -> Any:
    """Run ``script`` with ``info`` as JSON in ``sys.argv[1]``; its last stdout line, as JSON.

    The child fails the test when it exits with an error (its stderr's end is shown).
    """
    answer, _ = await run_child_told(script, info, timeout)
    return answer


async def run_child_told(script: str, info: dict[str, Any], timeout: float = 60) -> tuple[Any, str]:
    """:func:`run_child`, and what the child wrote on stderr (what Python reports as ignored
    is only ever printed there)."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        json.dumps(info),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parent,
    )
    async with asyncio.timeout(timeout):
        out, err = await child.communicate()
    assert child.returncode == 0, err.decode()[-2000:]
    return json.loads(out.splitlines()[-1]), err.decode()


@contextlib.asynccontextmanager
async def sim_command(
    *flags: str,
) -> AsyncIterator[tuple[asyncio.subprocess.Process, dict[str, Any]]]:
    """``aries-async sim --seed 5 FLAGS`` in a child process (stdout and stderr piped), and the
    JSON line it prints first. The block stops it as its test requires; one still running at
    the end of the block is killed."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aries_async.cli",
        "sim",
        "--seed",
        "5",
        *flags,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        yield proc, json.loads(await asyncio.wait_for(proc.stdout.readline(), 30))
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def lines_until_blank(stream: asyncio.StreamReader) -> list[str]:
    """The lines of ``stream`` up to the next empty one (the shell lines ``aries-async sim``
    prints on stderr end with one), without their newlines."""
    lines: list[str] = []
    while line := (await asyncio.wait_for(stream.readline(), 30)).decode().rstrip("\n"):
        lines.append(line)
    return lines


def sim_env(sim: Simulator, home: Path) -> dict[str, str]:
    """This environment without ``ARIES_*``, plus the simulator's URL and client credentials,
    and ``home`` as the home and config directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIES_")}
    env.update(
        ARIES_BASE_URL=sim.base_url,
        ARIES_CLIENT_ID=sim.client_id,
        ARIES_CLIENT_SECRET=sim.client_secret,
        XDG_CONFIG_HOME=str(home / "config"),
        HOME=str(home),
    )
    return env


BotAnswer = tuple[int, Any, str]
"""A bot's exit status, its JSON answer (None when it printed none) and the end of its stderr."""


class Bots:
    """:data:`TOKEN_BOT` processes, one per JSON argument, started together.

    ``async with`` starts them and returns once each has said ``ready`` (its client is entered);
    :meth:`go` lets them all make their call at once; :meth:`finish` collects their answers.
    Bots still running when the block ends are killed.
    """

    def __init__(self, infos: list[dict[str, Any]], env: dict[str, str]) -> None:
        self._infos = infos
        self._env = env
        self.processes: list[asyncio.subprocess.Process] = []

    async def __aenter__(self) -> Bots:
        for info in self._infos:
            self.processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    str(TOKEN_BOT),
                    json.dumps(info),
                    env=self._env,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                )
            )
        for bot in self.processes:
            assert bot.stdout is not None
            ready = await asyncio.wait_for(bot.stdout.readline(), 60)
            assert ready == b"ready\n", (await bot.communicate())[1].decode()[-2000:]
        return self

    async def go(self) -> None:
        """Release every bot (each waits on its stdin)."""
        for bot in self.processes:
            assert bot.stdin is not None
            bot.stdin.write(b"go\n")
        await asyncio.gather(*(bot.stdin.drain() for bot in self.processes if bot.stdin))

    def by_pid(self, pid: int) -> asyncio.subprocess.Process:
        """The bot with this process id."""
        (bot,) = [bot for bot in self.processes if bot.pid == pid]
        return bot

    async def finish(self, timeout: float = 60) -> list[BotAnswer]:
        """Wait for every bot to exit; their answers, in start order."""
        outputs = await asyncio.wait_for(
            asyncio.gather(*(bot.communicate() for bot in self.processes)), timeout
        )
        answers: list[BotAnswer] = []
        for bot, (out, err) in zip(self.processes, outputs, strict=True):
            lines = out.splitlines()
            answer = json.loads(lines[-1]) if lines else None
            assert bot.returncode is not None
            answers.append((bot.returncode, answer, err.decode()[-2000:]))
        return answers

    async def __aexit__(self, *exc_info: object) -> None:
        for bot in self.processes:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
