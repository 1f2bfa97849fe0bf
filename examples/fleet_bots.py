"""Four bot processes share one grant and one rate budget on Redis, against a local simulator.

The simulator allows the app 20 requests a second, across all its tokens and connections (as
``aries-async sim --rate-limit 20`` would). Each bot is its own process polling quotes as fast
as it can; what turns a fleet into one careful client is the same few settings in every bot:

* ``ARIES_RATE_LIMIT=20``: the app's budget, in calls a second;
* a :class:`~aries_async.http.budget_redis.RedisRateBudget` on the fleet's Redis;
* a :class:`~aries_async.RedisTokenStore` on the same Redis, where the grant was saved once:
  when the token expires one bot renews it and the others take the new one;
* given to the client: ``AriesClient.from_env(rate_budget=budget, token_store=store)``.

Between them the bots stay within the limit: the simulator answers no 429.

Redis: ``REDIS_URL`` when set, else a throwaway ``redis-server`` is started (Debian:
``apt install redis-server``). Run: ``python examples/fleet_bots.py`` (each bot polls for
``FLEET_SECONDS``, 3 unless set).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator

from aries_async import AriesClient, ClientConfig, RedisRateBudget, RedisTokenStore
from aries_async.sim import Simulator
from aries_async.testing import redis_server

BOTS = 4
RATE = 20  # the app's requests a second, at the simulator and in every bot's budget
SECONDS = float(os.environ.get("FLEET_SECONDS", "3"))


async def bot() -> None:
    """One bot: poll quotes with four concurrent calls for SECONDS; print how many came."""
    quotes = 0
    url, config = os.environ["REDIS_URL"], ClientConfig.from_env()
    token_url = config.endpoints.token_url  # so that a sandbox's token is never used here
    async with (
        RedisRateBudget(url) as budget,
        RedisTokenStore(url, client_id=config.client_id, token_url=token_url) as store,
        AriesClient(config, rate_budget=budget, token_store=store) as client,
    ):
        end = time.monotonic() + SECONDS

        async def poll() -> None:
            nonlocal quotes
            while time.monotonic() < end:
                await client.market.quote("AAPL")
                quotes += 1

        await asyncio.gather(*(poll() for _ in range(4)))
    print(quotes)


@contextlib.contextmanager
def redis() -> Iterator[str]:
    """The fleet's Redis: ``REDIS_URL``, else a throwaway redis-server."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    with redis_server() as url:
        yield url


async def fleet(redis_url: str) -> None:
    async with Simulator(rate_limit=RATE) as sim:
        # The grant, saved once where every bot finds it (after `aries-async login`, this would
        # be the CLI's token: `await store.save(await FileTokenStore().load())`).
        async with RedisTokenStore(
            redis_url, client_id=sim.client_id, token_url=sim.token_url
        ) as store:
            await store.save(sim.issue_token())
        env = dict(
            os.environ,
            REDIS_URL=redis_url,
            ARIES_BASE_URL=sim.base_url,
            ARIES_CLIENT_ID=sim.client_id,
            ARIES_CLIENT_SECRET=sim.client_secret,
            ARIES_RATE_LIMIT=str(RATE),
        )
        started = time.monotonic()
        bots = [
            await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--bot", env=env, stdout=asyncio.subprocess.PIPE
            )
            for _ in range(BOTS)
        ]
        counts = [int((await bot.communicate())[0]) for bot in bots]
        took = time.monotonic() - started
        refused = sim.faults.app_rate_limit.refused if sim.faults.app_rate_limit else 0
        print(f"bots' quotes: {counts} in {took:.1f} s (limit {RATE}/s, {SECONDS:g} s each)")
        print(f"fleet: {sum(counts)} quotes, {refused} rate-limited (429) at the simulator")


if __name__ == "__main__":
    if "--bot" in sys.argv:
        asyncio.run(bot())
    else:
        with redis() as url:
            asyncio.run(fleet(url))
