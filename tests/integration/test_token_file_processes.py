"""Eight processes share one token file at expiry: one refresh request, every process succeeds.

The simulator rotates refresh tokens, so a process that sent the refresh token another process
had already traded in would be answered ``invalid_grant`` and exit non-zero. The token endpoint
answers slowly (a simulator latency fault) so that, without the file lock, every process would
have sent its refresh before the first answer came back; the test itself never sleeps.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from child_process import Bots, sim_env

from aries_async.auth.filestore import FileTokenStore
from aries_async.sim import Simulator

PROCESSES = 8


async def test_eight_processes_share_one_refresh(tmp_path: Path) -> None:
    path = tmp_path / "tokens" / "token.json"
    async with Simulator(seed=2, rotate_refresh_tokens=True, tick_interval=None) as sim:
        stale = sim.issue_token(ttl=0)  # expired on both sides; its refresh token is good
        await FileTokenStore(path).save(stale)
        assert stale.needs_refresh()
        sim.faults.route_latency["POST /v1/oauth2/token"] = 0.5
        infos = [{"store": "file", "path": str(path)}] * PROCESSES
        async with Bots(infos, sim_env(sim, tmp_path)) as bots:
            await bots.go()
            answers = await bots.finish()
        failures = [(code, err) for code, _, err in answers if code != 0]
        assert not failures, failures
        results = [answer for _, answer, _ in answers]
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
