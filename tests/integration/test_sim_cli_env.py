"""``aries-async sim`` tells how to point the command line at it: after its JSON line on
stdout (which stays the only thing there), the ``export ARIES_...`` lines on stderr, which a
shell runs before ``aries-async quote AAPL`` for the quote to come from this simulator."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import attrs
from child_process import lines_until_blank, sim_command
from cli_harness import closed_port

from aries_async.auth.filestore import FileTokenStore
from aries_async.config import ClientConfig

_URL_VARIABLES = (
    "ARIES_BASE_URL",
    "ARIES_AUTHORIZE_URL",
    "ARIES_TOKEN_URL",
    "ARIES_MARKET_WS_URL",
    "ARIES_ACCOUNTS_WS_URL",
    "ARIES_CHARTS_WS_URL",
)
"""The URLs ``ClientConfig.from_env`` reads (see its docstring)."""


def _shell_then_quote(lines: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """Run ``lines`` in ``sh``, then ``aries-async quote AAPL --json``, in an environment
    that points the command line elsewhere (a closed port, a token of another server): what
    reaches this simulator is what the lines set."""
    nowhere = f"http://127.0.0.1:{closed_port()}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(sys.path),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "ARIES_PYTHON": sys.executable,
        "ARIES_BASE_URL": nowhere,
        "ARIES_TOKEN_URL": f"{nowhere}/v1/oauth2/token",
        "ARIES_ACCESS_TOKEN": "another-servers-token-" + "x" * 20,
        "ARIES_MAX_ATTEMPTS": "1",
    }
    script = "\n".join([*lines, 'exec "$ARIES_PYTHON" -m aries_async.cli quote AAPL --json'])
    return subprocess.run(  # noqa: S603 - the shell of the system, our own CLI
        ["/bin/sh", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


async def test_the_lines_sim_prints_point_the_cli_at_it(tmp_path: Path) -> None:
    secret = "local secret: 'quoted', $HOME & more"  # the lines quote it for the shell
    async with sim_command("--client-secret", secret) as (sim, info):
        try:
            assert sim.stderr is not None
            lines = await lines_until_blank(sim.stderr)
            commands = [line for line in lines if not line.startswith("#")]
            assert commands and all(
                line.startswith(("export ARIES_", "unset ")) for line in commands
            )
            exported = dict(
                shlex.split(line.removeprefix("export "))[0].split("=", 1)
                for line in commands
                if line.startswith("export ")
            )
            # Whatever URLs the shell had, the command line's are the simulator's.
            shell = {name: "http://127.0.0.1:9" for name in _URL_VARIABLES}
            endpoints = ClientConfig.from_env({**shell, **exported}).endpoints
            urls = {k: v for k, v in info.items() if k.endswith("url")}
            assert urls.pop("marketdata_ws_url") == urls["market_ws_url"].replace(
                "/v1/market/ws", "/v1/marketdata/ws"
            )  # the older path of the market socket, which no variable names
            assert attrs.asdict(endpoints) == urls
            assert exported["ARIES_CLIENT_SECRET"] == info["client_secret"]

            # The token is in a file of the simulator's, not in the lines.
            store = FileTokenStore(exported["ARIES_TOKEN_FILE"])
            first = await store.load()
            assert first is not None and first.access_token not in "\n".join(lines)

            done = await asyncio.to_thread(_shell_then_quote, lines, tmp_path)
            assert done.returncode == 0, done.stderr
            assert [quote["symbol"] for quote in json.loads(done.stdout)["quotes"]] == ["AAPL"]
        finally:
            if sim.returncode is None:
                sim.send_signal(signal.SIGINT)
            out, _ = await asyncio.wait_for(sim.communicate(), 30)
    assert sim.returncode == 0
    assert out == b""  # stdout: the JSON line only
    gone = not await asyncio.to_thread(Path(exported["ARIES_TOKEN_FILE"]).exists)
    assert gone  # with the simulator
