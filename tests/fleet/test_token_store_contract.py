"""One contract for every ``TokenStore``: the memory, file and Redis stores pass the same tests.

``make()`` opens the store the way another user of it would (a new object on the same file or
Redis keys; the memory store, which lives in one process, hands back the same object).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from redis_server import flush

from aries_async.auth.filestore import FileTokenStore
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.store import MemoryTokenStore, TokenStore, sign_out
from aries_async.auth.tokens import CLIENT_CREDENTIALS, Token
from aries_async.testing import capture_logs, shows_secret

Make = Callable[[], TokenStore]


@pytest.fixture(params=["memory", "file", "redis"])
async def make(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Make]:
    kind = request.param
    if kind == "memory":
        shared = MemoryTokenStore()
        yield lambda: shared
    elif kind == "file":
        yield lambda: FileTokenStore(tmp_path / "token.json")
    else:
        url: str = request.getfixturevalue("redis_url")
        flush(url)
        opened: list[RedisTokenStore] = []

        def open_store() -> TokenStore:
            store = RedisTokenStore(url, client_id="contract", poll_interval=0.005)
            opened.append(store)
            return store

        yield open_store
        for store in opened:
            await store.aclose()


def _token(n: int = 1, **changes: object) -> Token:
    values: dict[str, object] = {
        "access_token": f"access-{n}-" + "a" * 40,
        "refresh_token": f"refresh-{n}-" + "r" * 40,
        "expires_at": 2_000_000_000.5 + n,
        "refresh_expires_at": 2_100_000_000.25,
        "scopes": frozenset({"account:information", "market:data"}),
        "obtained_at": 1_999_996_400.0,
        "grant_type": "authorization_code",
    }
    values.update(changes)
    return Token(**values)  # type: ignore[arg-type]


async def test_an_empty_store_loads_none(make: Make) -> None:
    assert await make().load() is None


async def test_a_saved_token_comes_back_whole_to_every_user(make: Make) -> None:
    token = _token(grant_type=CLIENT_CREDENTIALS, refresh_token=None, refresh_expires_at=None)
    await make().save(token)
    assert await make().load() == token
    odd = _token(2, access_token="ü-" + "x" * 3000, scopes=frozenset())
    await make().save(odd)
    assert await make().load() == odd


async def test_save_replaces_and_clear_forgets(make: Make) -> None:
    store = make()
    await store.clear()  # clearing an empty store is fine
    await store.save(_token(1))
    await make().save(_token(2))
    assert await store.load() == _token(2)
    await make().clear()
    assert await store.load() is None


async def test_load_and_save_under_the_lock_renew_the_token(make: Make) -> None:
    store = make()
    await store.save(_token(1))
    async with store.lock():
        assert await store.load() == _token(1)
        await store.save(_token(2))
        assert await store.load() == _token(2)
        await store.save(_token(3))
    assert await make().load() == _token(3)


async def test_the_lock_excludes_every_other_user(make: Make) -> None:
    """Read-modify-write under the lock from many users at once loses no update."""
    await make().save(_token(0))

    async def bump() -> None:
        store = make()
        async with store.lock():
            current = await store.load()
            assert current is not None
            for _ in range(3):
                await asyncio.sleep(0)  # let the others run while this one holds the lock
            n = int(current.access_token.split("-")[1])
            await store.save(_token(n + 1))

    await asyncio.wait_for(asyncio.gather(*(bump() for _ in range(8))), 30)
    assert await make().load() == _token(8)


async def test_the_lock_is_released_after_an_error_and_after_a_cancelled_wait(
    make: Make,
) -> None:
    store = make()
    with pytest.raises(RuntimeError):
        async with store.lock():
            raise RuntimeError("boom")
    holder = make()
    entered = asyncio.Event()
    leave = asyncio.Event()

    async def hold() -> None:
        async with holder.lock():
            entered.set()
            await leave.wait()

    holding = asyncio.ensure_future(hold())
    await entered.wait()

    async def take() -> None:
        async with make().lock():
            pass

    waiter = asyncio.ensure_future(take())
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiter.done()  # the lock is held
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    leave.set()
    await holding
    await asyncio.wait_for(take(), 10)


async def test_sign_out_clears_under_the_lock(make: Make) -> None:
    await make().save(_token(1))
    assert await sign_out(make()) is True
    assert await make().load() is None
    assert await sign_out(make()) is False


async def test_no_secret_in_reprs_or_logs(make: Make) -> None:
    token = _token(7)
    with capture_logs() as logs:
        store = make()
        async with store.lock():
            await store.save(token)
            await store.load()
        await store.clear()
    shown = "\n".join([repr(store), *logs.lines])
    for secret in (token.access_token, token.refresh_token or ""):
        assert not shows_secret(shown, secret)
