"""Eight processes share one token file at expiry: one refresh request, every process succeeds.

The simulator rotates refresh tokens, so a process that sent the refresh token another process
had already traded in would be answered ``invalid_grant`` and exit non-zero. The token endpoint
answers slowly (a simulator latency fault) so that, without the file lock, every process would
have sent its refresh before the first answer came back; the test itself never sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
import textwrap
from pathlib import Path

from aries_async.auth.filestore import FileTokenStore
from aries_async.sim import Simulator

PROCESSES = 8

# One bot: enters its client, says "ready", waits for the go line, then makes one call.
_BOT = textwrap.dedent(
    """
    import asyncio, json, sys
    from aries_async.auth.filestore import FileTokenStore
    from aries_async.client import AriesClient

    async def main() -> None:
        async with AriesClient.from_env(token_store=FileTokenStore(sys.argv[1])) as client:
            print("ready", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            accounts = await client.accounts.list()
            used = await client.auth.token()
            print(json.dumps({
                "accounts": sorted(a.id or "" for a in accounts),
                "refreshes": client.auth.refreshes,
                "access_token": used.access_token,
            }), flush=True)

    asyncio.run(main())
    """
)


def _bot_env(sim: Simulator, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIES_")}
    env.update(
        ARIES_BASE_URL=sim.base_url,
        ARIES_CLIENT_ID=sim.client_id,
        ARIES_CLIENT_SECRET=sim.client_secret,
        XDG_CONFIG_HOME=str(home / "config"),
        HOME=str(home),
    )
    return env


async def test_eight_processes_share_one_refresh(tmp_path: Path) -> None:
    path = tmp_path / "tokens" / "token.json"
    async with Simulator(seed=2, rotate_refresh_tokens=True, tick_interval=None) as sim:
        stale = sim.issue_token(ttl=0)  # expired on both sides; its refresh token is good
        await FileTokenStore(path).save(stale)
        assert stale.needs_refresh()
        sim.faults.route_latency["POST /v1/oauth2/token"] = 0.5
        env = _bot_env(sim, tmp_path)
        bots = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                _BOT,
                str(path),
                env=env,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(PROCESSES)
        ]
        try:
            for bot in bots:
                assert bot.stdout is not None
                ready = await asyncio.wait_for(bot.stdout.readline(), 60)
                assert ready == b"ready\n", (await bot.communicate())[1].decode()
            # Every bot is waiting on its stdin: release them all at once.
            for bot in bots:
                assert bot.stdin is not None
                bot.stdin.write(b"go\n")
            await asyncio.gather(*(bot.stdin.drain() for bot in bots if bot.stdin))
            outputs = await asyncio.wait_for(
                asyncio.gather(*(bot.communicate() for bot in bots)), 60
            )
        finally:
            for bot in bots:
                if bot.returncode is None:
                    bot.kill()
                    await bot.wait()

        failures = [
            (bot.returncode, err.decode()[-2000:])
            for bot, (_, err) in zip(bots, outputs, strict=True)
            if bot.returncode != 0
        ]
        assert not failures, failures
        results = [json.loads(out) for out, _ in outputs]
        token_requests = sim.token_requests

    # One refresh grant reached the simulator, sent by one process; the other seven read its
    # result from the file (none sent the refresh token that grant had rotated away).
    assert token_requests == 1
    assert sorted(r["refreshes"] for r in results) == [0] * (PROCESSES - 1) + [1]
    for result in results:
        assert {"TEST-ACCOUNT-001", "TEST-SIM-001"} <= set(result["accounts"])

    saved = await FileTokenStore(path).load()
    assert saved is not None
    assert saved.refresh_token and saved.refresh_token != stale.refresh_token
    assert saved.access_token != stale.access_token
    assert not saved.needs_refresh()
    assert {r["access_token"] for r in results} == {saved.access_token}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(os.listdir(path.parent)) == ["token.json", "token.json.lock"]
