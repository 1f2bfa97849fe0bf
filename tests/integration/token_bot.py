"""One bot of the token-sharing tests, run as a process of its own.

``python token_bot.py INFO``: INFO is JSON naming the token store, ``{"store": "file", "path":
...}`` or ``{"store": "redis", "url": ..., "client_id": ..., "grant": ..., "name": ...,
"lease": ...}`` (``name`` also names its Redis connection, for ``CLIENT LIST``). The bot enters
its client (configured from ``ARIES_*``, see :func:`child_process.sim_env`), prints ``ready``,
waits for a line on stdin, makes one call and prints one JSON line: the accounts it saw, how many
renewal grants it sent, the access token it used and its process id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from typing import Any

from aries_async.auth.filestore import FileTokenStore
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.store import TokenStore
from aries_async.client import AriesClient


def _store(info: dict[str, Any], stack: contextlib.AsyncExitStack) -> TokenStore:
    if info["store"] == "file":
        return FileTokenStore(info["path"])
    import redis.asyncio

    connection = redis.asyncio.Redis.from_url(info["url"], client_name=info["name"])
    stack.push_async_callback(connection.aclose)
    return RedisTokenStore(
        connection, client_id=info["client_id"], grant=info["grant"], lease=info["lease"]
    )


async def main(info: dict[str, Any]) -> None:
    async with contextlib.AsyncExitStack() as stack:
        store = _store(info, stack)
        client = await stack.enter_async_context(AriesClient.from_env(token_store=store))
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        accounts = await client.accounts.list()
        used = await client.auth.token()
        answer = {
            "accounts": sorted(a.id or "" for a in accounts),
            "refreshes": client.auth.refreshes,
            "access_token": used.access_token,
            "pid": os.getpid(),
        }
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
