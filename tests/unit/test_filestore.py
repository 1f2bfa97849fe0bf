"""FileTokenStore: private file, atomic replace, XDG default path, cross-process lock."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import IO

import pytest

from aries_async.auth import filestore
from aries_async.auth.filestore import FileTokenStore, default_token_path
from aries_async.auth.store import TokenStore
from aries_async.auth.tokens import Token


def _token(n: int) -> Token:
    return Token(
        access_token=f"access-{n}-" + "x" * 30,
        refresh_token=f"refresh-{n}",
        expires_at=1_000.0 + n,
        scopes=frozenset({"account:information"}),
        obtained_at=10.0,
    )


def test_is_a_token_store(tmp_path: Path) -> None:
    assert isinstance(FileTokenStore(tmp_path / "t.json"), TokenStore)


def test_default_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_token_path() == tmp_path / "cfg" / "aries-async" / "token.json"
    assert FileTokenStore().path == tmp_path / "cfg" / "aries-async" / "token.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_token_path() == tmp_path / "home" / ".config" / "aries-async" / "token.json"


async def test_round_trip_mode_0600_and_clear(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "sub" / "token.json")
    assert await store.load() is None
    await store.save(_token(1))
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    loaded = await store.load()
    assert loaded == _token(1)
    await store.save(_token(2))
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert await store.load() == _token(2)
    await store.clear()
    assert await store.load() is None
    await store.clear()  # idempotent
    assert "access-" not in repr(store)


async def test_unreadable_file_is_no_token(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text("{not json")
    assert await FileTokenStore(path).load() is None
    path.write_text("[1, 2]")
    assert await FileTokenStore(path).load() is None


async def test_crash_mid_write_keeps_previous_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    await store.save(_token(1))

    def write_then_crash(handle: IO[bytes], data: bytes) -> None:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        raise OSError("disk vanished")

    monkeypatch.setattr(filestore, "_write_all", write_then_crash)
    with pytest.raises(OSError, match="disk vanished"):
        await store.save(_token(2))
    assert await store.load() == _token(1)
    assert sorted(await asyncio.to_thread(os.listdir, tmp_path)) == ["token.json"]


async def test_lock_excludes_tasks_in_this_process(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    order: list[str] = []
    release = asyncio.Event()
    entered = asyncio.Event()

    async def first() -> None:
        async with store.lock():
            order.append("first in")
            entered.set()
            await release.wait()
            order.append("first out")

    async def second() -> None:
        async with store.lock():
            order.append("second in")

    one = asyncio.create_task(first())
    await entered.wait()
    two = asyncio.create_task(second())
    for _ in range(20):
        await asyncio.sleep(0)
    assert order == ["first in"]
    release.set()
    await asyncio.gather(one, two)
    assert order == ["first in", "first out", "second in"]


_PROBE = textwrap.dedent(
    """
    import fcntl, os, sys
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("busy")
    else:
        print("free")
    """
)

_HOLDER = textwrap.dedent(
    """
    import asyncio, sys
    from aries_async.auth.filestore import FileTokenStore

    async def main() -> None:
        async with FileTokenStore(sys.argv[1]).lock():
            print("held", flush=True)
            await asyncio.to_thread(sys.stdin.readline)

    asyncio.run(main())
    print("released", flush=True)
    """
)


def _probe(lock_path: Path) -> str:
    done = subprocess.run(  # noqa: S603 - our interpreter, our snippet
        [sys.executable, "-c", _PROBE, str(lock_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout.strip()


async def test_lock_excludes_another_process(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    async with store.lock():
        assert await asyncio.to_thread(_probe, store.lock_path) == "busy"
    assert await asyncio.to_thread(_probe, store.lock_path) == "free"


async def test_lock_waits_for_another_process_without_blocking_the_loop(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _HOLDER,
        str(store.path),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"held\n"
        got = asyncio.Event()

        async def take() -> None:
            async with store.lock():
                got.set()

        waiter = asyncio.create_task(take())
        # The loop keeps running while the other process holds the lock.
        ticks = 0
        for _ in range(50):
            await asyncio.sleep(0)
            ticks += 1
        assert ticks == 50
        assert await asyncio.to_thread(_probe, store.lock_path) == "busy"
        assert not got.is_set()
        holder.stdin.write(b"\n")
        await holder.stdin.drain()
        await asyncio.wait_for(waiter, timeout=30)
        assert got.is_set()
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"released\n"
    finally:
        if holder.returncode is None:
            holder.kill()
        await holder.wait()
