"""What the simulator served, told back: ``Simulator.summary()`` in Python, and the same
summary on stderr when ``aries-async sim`` stops on SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import json
import shlex
import signal
from collections import Counter

import aiohttp
import pytest
from child_process import lines_until_blank, sim_command
from sim_http import SimApi

from aries_async.auth.filestore import FileTokenStore
from aries_async.sim import ManualClock, RateLimitFault, ServerErrorFault, SimSummary, Simulator

QUOTES = "GET /v1/chart/quotes"


async def _serve_a_little(base_url: str, http: aiohttp.ClientSession, token: str) -> Counter[int]:
    """Four quotes, a path nothing serves and a refused token request; their statuses."""
    statuses: Counter[int] = Counter()
    for _ in range(4):
        async with http.get(
            base_url + "/v1/chart/quotes",
            params={"symbols": "AAPL"},
            headers={"Authorization": f"Bearer {token}"},
        ) as resp:
            statuses[resp.status] += 1
    async with http.get(base_url + "/v1/no/such/route") as resp:
        statuses[resp.status] += 1
    form = {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
    async with http.post(base_url + "/v1/oauth2/token", data=form) as resp:
        statuses[resp.status] += 1
    return statuses


async def test_the_summary_counts_routes_token_requests_429s_and_5xx(
    sim: Simulator, api: SimApi, http: aiohttp.ClientSession
) -> None:
    assert sim.summary() == SimSummary(requests=0, token_requests=0, routes={}, statuses={})
    sim.faults.rate_limit[QUOTES] = RateLimitFault(count=2)
    sim.faults.server_errors[QUOTES] = ServerErrorFault(count=1, status=502)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    statuses = await _serve_a_little(sim.base_url, http, token)
    assert (statuses[429], statuses[502], statuses[200], statuses[404]) == (2, 1, 1, 1)

    summary = sim.summary()
    assert summary.requests == 6
    assert summary.token_requests == 1
    assert summary.routes == {
        QUOTES: 4,
        "GET /v1/no/such/route": 1,
        "POST /v1/oauth2/token": 1,
    }
    assert next(iter(summary.routes)) == QUOTES  # the most requested first
    assert summary.statuses == dict(statuses)
    assert list(summary.statuses) == sorted(statuses)
    assert (summary.rate_limited, summary.server_errors) == (2, 1)
    assert json.loads(json.dumps(summary.as_dict())) == {
        "requests": 6,
        "token_requests": 1,
        "rate_limited": 2,
        "server_errors": 1,
        "routes": dict(summary.routes),
        "statuses": {str(status): count for status, count in summary.statuses.items()},
    }
    text = summary.text().splitlines()
    assert text[:5] == [
        "requests: 6",
        "token requests: 1",
        "rate limited (429): 2",
        "server errors (5xx): 1",
        "by route:",
    ]
    assert f"  {QUOTES}: 4" in text
    assert text[text.index("by status:") + 1 :] == [
        f"  {status}: {count}" for status, count in sorted(statuses.items())
    ]

    await _serve_a_little(sim.base_url, http, token)
    assert summary.requests == 6  # a copy: what came later is in the next one
    assert sim.summary().routes[QUOTES] == 8


async def test_the_summary_outlives_the_simulator(http: aiohttp.ClientSession) -> None:
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        await _serve_a_little(sim.base_url, http, sim.issue_token().access_token)
    assert (sim.summary().requests, sim.summary().token_requests) == (6, 1)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
async def test_sim_prints_what_it_served_when_it_stops(signum: signal.Signals) -> None:
    flags = ("--rate-limit", f"{QUOTES}=2", "--server-errors", f"{QUOTES}=1:502")
    async with sim_command(*flags) as (sim, info), aiohttp.ClientSession() as http:
        assert sim.stderr is not None
        shell = await lines_until_blank(sim.stderr)  # it is ready and has said how to use it
        exported = dict(
            shlex.split(line.removeprefix("export "))[0].split("=", 1)
            for line in shell
            if line.startswith("export ")
        )
        token = await FileTokenStore(exported["ARIES_TOKEN_FILE"]).load()  # its own token
        assert token is not None
        statuses = await _serve_a_little(info["base_url"], http, token.access_token)
        sim.send_signal(signum)
        out, err = await asyncio.wait_for(sim.communicate(), 30)
    assert sim.returncode == 0
    assert out == b""  # stdout carries the JSON line only
    told = err.decode().splitlines()
    start = told.index("aries-async sim: stopped; it served:")
    served = told[start + 1 :]
    assert served[:4] == [
        "requests: 6",
        "token requests: 1",
        f"rate limited (429): {statuses[429]}",
        f"server errors (5xx): {statuses[502]}",
    ]
    assert (statuses[429], statuses[502]) == (2, 1)
    assert f"  {QUOTES}: 4" in served
    assert "  POST /v1/oauth2/token: 1" in served
    assert served[served.index("by status:") + 1 :] == [
        f"  {status}: {count}" for status, count in sorted(statuses.items())
    ]
