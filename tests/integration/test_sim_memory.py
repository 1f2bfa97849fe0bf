"""The simulator left running for days keeps only what a user can still ask of it.

A week-long unattended run (``test_week_unattended.py``) measured the simulator growing about
0.8 MB a simulated day. Snapshots of ``tracemalloc`` between day 2 and day 6 of a run like
this one's (a quote subscription, the token renewed every hour, a few orders a day) put
almost all of it in the live walk's minute bars (``sim/walk.py``), which a bars request can
ask for; what else grew was every access and refresh token ever issued, which nothing reads
once it has expired or been rotated. This test holds the rest of the simulator to a bound: the
minute bars are left out of the figure (their retention is the bars' own rule), and so is the
request journal, bounded by design (``JOURNAL_SIZE``) and emptied before each snapshot.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import tracemalloc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, time
from typing import Any

import aiohttp

import aries_async.sim
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK

DAYS = 6
STEP = 600.0
"""Simulated seconds a driver step: an hour is six steps."""
GROWTH_LIMIT = 64_000
"""Bytes the simulator (minute bars and journal apart) may grow between the ends of the
second and the last day: some 25 kB measured (a few orders a day, and up to a sweep's worth
of dead tokens); the tokens alone grew some 25 kB a day before they were dropped."""


@asynccontextmanager
async def _quotes(http: aiohttp.ClientSession, sim: Simulator, token: str) -> AsyncIterator[None]:
    """A market socket subscribed to three symbols' quotes, read until it closes."""
    async with http.ws_connect(sim.market_ws_url) as ws:
        auth = {"method": "POST", "path": "/auth", "body": {"token": token}}
        await ws.send_str(json.dumps({"type": "request", "id": "a", "payload": auth}))
        await ws.receive_str()
        subscribe = {"symbols": ["AAPL", "MSFT", "KO"], "channels": ["quotes"]}
        body = {"method": "POST", "path": "/subscribe", "body": subscribe}
        await ws.send_str(json.dumps({"type": "request", "id": "s", "payload": body}))

        async def read() -> None:
            async for _ in ws:
                pass

        reader = asyncio.create_task(read())
        try:
            yield
        finally:
            reader.cancel()


SIM_DIR = os.path.dirname(aries_async.sim.__file__) + os.sep
WALK = os.path.join(SIM_DIR, "walk.py")
"""The minute bars' module, left out of the figure."""


def _held() -> int:
    """Bytes held by what the simulator's modules (the walk's apart) allocated.

    The traces are grouped by file first and the files picked after: a ``Snapshot``'s
    ``filter_traces()`` matches every trace against the patterns, which cost more than the six
    simulated days themselves (more each day, as the traces grow).
    """
    gc.collect()
    by_file = tracemalloc.take_snapshot().statistics("filename")
    return sum(
        stat.size
        for stat in by_file
        if stat.traceback[0].filename.startswith(SIM_DIR) and stat.traceback[0].filename != WALK
    )


async def test_days_on_end_grow_the_simulator_by_what_a_user_can_ask_for() -> None:
    start = datetime.combine(date(2026, 11, 2), time(8, 0), NEW_YORK).timestamp()
    async with (
        Simulator(
            seed=3,
            clock=ManualClock(start=start),
            tick_interval=None,
            step_seconds=60.0,
            token_ttl=3600.0,
        ) as sim,
        aiohttp.ClientSession() as http,
    ):
        grant = sim.issue_token_response()
        tokens = {"access": str(grant["access_token"]), "refresh": str(grant["refresh_token"])}

        async def renew() -> None:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh"],
                "client_id": sim.client_id,
                "client_secret": sim.client_secret,
            }
            async with http.post(sim.token_url, data=form) as resp:
                assert resp.status == 200
                body = await resp.json()
            tokens["access"], tokens["refresh"] = body["access_token"], body["refresh_token"]

        async def trade() -> None:
            headers = {"Authorization": "Bearer " + tokens["access"]}
            for price in ("1.00", "100000"):  # one rests and expires at the close, one fills
                order: dict[str, Any] = {
                    "tradingAccountId": "TEST-ACCOUNT-001",
                    "symbol": "AAPL",
                    "side": "BUY",
                    "type": "LIMIT",
                    "qty": "1",
                    "price": price,
                    "timeInForce": "DAY",
                }
                async with http.post(sim.base_url + "/v1/orders", json=order, headers=headers):
                    pass

        held: dict[int, int] = {}
        tracemalloc.start()
        try:
            for day in range(DAYS):
                for hour in range(24):
                    await renew()
                    async with _quotes(http, sim, tokens["access"]):
                        if hour == 11:
                            await trade()
                        for _ in range(int(3600 / STEP)):
                            sim.advance(STEP)
                            await asyncio.sleep(0)
                # A snapshot is a full collection, costlier the more the process holds: only
                # the two days compared.
                if day in (1, DAYS - 1):
                    sim.journal.clear()
                    held[day] = _held()
        finally:
            tracemalloc.stop()
    growth = held[DAYS - 1] - held[1]
    assert growth < GROWTH_LIMIT, (growth, held)
