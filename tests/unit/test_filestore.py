"""FileTokenStore: private file, atomic replace, XDG default path, cross-process lock."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import json
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
from aries_async.errors import ConfigurationError, StoreUnavailableError


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


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2]",
        b"",
        b'{"access_token": "access-secret-tail',
        b'{"scope": "x"}',
        # a field of another type (hand-edited, another tool's): the renewal failed on it
        b'{"access_token": "access-secret", "refresh_token": 12345}',
        b'{"access_token": "access-secret", "scope": ["a", "b"]}',
        b'{"access_token": "access-secret", "token_type": 7}',
    ],
)
async def test_a_file_without_a_token_is_no_token_with_a_warning(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "token.json"
    path.write_bytes(content)
    path.chmod(0o600)
    with caplog.at_level("WARNING", logger="aries_async.auth"):
        assert await FileTokenStore(path).load() is None
    assert [r.getMessage() for r in caplog.records] == [
        f"the token file {path} does not hold a saved token: treated as none"
    ]
    assert "access-secret" not in caplog.text  # the path, never the content
    caplog.clear()
    with caplog.at_level("WARNING", logger="aries_async.auth"):
        assert await FileTokenStore(tmp_path / "none.json").load() is None
    assert not caplog.records  # no file at all is simply no token


ACCESS = "access-secret-" + "s" * 30


@pytest.mark.parametrize(
    "odd",
    ["soon", "2026-12-08T00:00:00+00:00", True, [1], {"at": 1}, ACCESS, "nan", 1e300],
    ids=["word", "iso-date", "bool", "list", "object", "the-token", "nan-text", "past-9999"],
)
async def test_an_unreadable_expiry_is_no_known_expiry_with_a_warning(
    tmp_path: Path, odd: object, caplog: pytest.LogCaptureFixture
) -> None:
    """An ``expires_at`` no time (written by something else) is read as an ``expires_in``
    that is no lifetime: no known expiry (renewed after a 401), told once, the tokens never
    quoted."""
    data = {"access_token": ACCESS, "refresh_token": "refresh-secret", "expires_at": odd}
    path = tmp_path / "token.json"
    path.write_text(json.dumps(data))
    path.chmod(0o600)
    with caplog.at_level("WARNING", logger="aries_async.auth"):
        token = await FileTokenStore(path).load()
    assert token is not None and token.access_token == ACCESS
    assert token.expires_at is None
    (warning,) = [r.getMessage() for r in caplog.records]
    assert "expires_at" in warning and "no known expiry" in warning, warning
    assert ACCESS not in warning and "access-secret" not in warning, warning


async def test_a_readable_expiry_loads_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "token.json"
    store = FileTokenStore(path)
    await store.save(_token(1))
    with caplog.at_level("WARNING", logger="aries_async.auth"):
        token = await store.load()
    assert token is not None and token.expires_at == 1_001.0
    assert not caplog.records


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
    with pytest.raises(ConfigurationError, match=r"cannot write the token file.*disk vanished"):
        await store.save(_token(2))
    assert await store.load() == _token(1)
    assert sorted(await asyncio.to_thread(os.listdir, tmp_path)) == ["token.json"]


@pytest.mark.parametrize(
    ("code", "raised"),
    [
        (errno.ENOSPC, StoreUnavailableError),  # full: it passes, as a full Redis's outage
        (errno.EIO, StoreUnavailableError),
        (errno.EACCES, ConfigurationError),  # a mistake: waiting does not cure it
        (errno.EROFS, ConfigurationError),
    ],
)
async def test_a_file_system_failing_for_a_while_is_an_outage_of_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, raised: type[Exception]
) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    await store.save(_token(1))

    def fails(handle: IO[bytes], data: bytes) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(filestore, "_write_all", fails)
    with pytest.raises(raised, match=f"cannot write the token file .*: {os.strerror(code)}") as e:
        await store.save(_token(2))
    assert type(e.value) is raised
    assert not isinstance(e.value, StoreUnavailableError) or e.value.request_sent is False
    assert await store.load() == _token(1)


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


async def _hold_in_another_process(store: FileTokenStore) -> asyncio.subprocess.Process:
    """A process holding ``store``'s lock until it reads a line."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _HOLDER,
        str(store.path),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"held\n"
    return holder


async def test_lock_waits_for_another_process_without_blocking_the_loop(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    holder = await _hold_in_another_process(store)
    try:
        assert holder.stdout is not None and holder.stdin is not None
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


_BOTS_IN_ONE_PROCESS = textwrap.dedent(
    """
    import asyncio, sys
    from concurrent.futures import ThreadPoolExecutor
    from aries_async.auth.filestore import FileTokenStore
    from aries_async.auth.tokens import Token

    async def bump(path: str) -> None:
        store = FileTokenStore(path)  # one store per bot: nothing shared but the file
        async with store.lock():
            token = await store.load()
            count = int(token.access_token.split("-")[1]) if token else 0
            await store.save(Token(access_token=f"n-{count + 1}-" + "x" * 30))

    async def main() -> None:
        # Fewer worker threads than bots waiting for the lock.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=2))
        await asyncio.gather(*(bump(sys.argv[1]) for _ in range(6)))
        final = await FileTokenStore(sys.argv[1]).load()
        print(final.access_token.split("-")[1] if final else "none")

    asyncio.run(main())
    """
)


def test_waiting_for_the_lock_leaves_the_default_executor_free(tmp_path: Path) -> None:
    """Waiters must not sit in the loop's worker threads: the holder needs one to read and save.

    Six stores on one file in one process, two worker threads: every bot gets the lock in turn
    and no increment is lost. (When waiting took executor threads, this deadlocked.)
    """
    try:
        done = subprocess.run(  # noqa: S603 - our interpreter, our snippet
            [sys.executable, "-c", _BOTS_IN_ONE_PROCESS, str(tmp_path / "token.json")],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("bots waiting for the file lock starved the default executor (deadlock)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6"


async def test_cancelled_waiter_lets_go_of_the_lock_it_gets_late(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    holder = await _hold_in_another_process(store)
    try:
        assert holder.stdin is not None and holder.stdout is not None

        async def take() -> None:
            async with store.lock():
                pytest.fail("a cancelled waiter entered the lock")

        waiter = asyncio.create_task(take())
        for _ in range(5):
            await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        holder.stdin.write(b"\n")
        await holder.stdin.drain()
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"released\n"
        # The abandoned wait still gets the lock, then releases it: the store locks again.
        relocked = asyncio.Event()

        async def relock() -> None:
            async with store.lock():
                relocked.set()
                assert await asyncio.to_thread(_probe, store.lock_path) == "busy"

        await asyncio.wait_for(relock(), 30)
        assert relocked.is_set()
        assert await asyncio.to_thread(_probe, store.lock_path) == "free"
    finally:
        if holder.returncode is None:
            holder.kill()
        await holder.wait()


def test_no_file_locking_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(filestore, "_LOCKING", None)
    with pytest.raises(ConfigurationError, match=r"file locking.*MemoryTokenStore"):
        FileTokenStore(tmp_path / "token.json")


class _FakeMsvcrt:
    """Windows' ``msvcrt.locking`` as far as the store uses it, backed by flock here.

    ``LK_LOCK`` gives up with EDEADLOCK after ten tries on Windows; ``refusals`` plays that.
    """

    LK_UNLCK = 0
    LK_LOCK = 1

    def __init__(self, refusals: int = 0, error: int = errno.EDEADLOCK) -> None:
        self.refusals = refusals
        self.error = error
        self.calls: list[tuple[int, int, int]] = []

    def locking(self, fd: int, mode: int, nbytes: int, /) -> None:
        self.calls.append((mode, nbytes, os.lseek(fd, 0, os.SEEK_CUR)))
        if mode == self.LK_LOCK and self.refusals:
            self.refusals -= 1
            raise OSError(self.error, os.strerror(self.error))
        fcntl.flock(fd, fcntl.LOCK_EX if mode == self.LK_LOCK else fcntl.LOCK_UN)


async def test_windows_locking_asks_again_until_it_gets_the_byte(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = _FakeMsvcrt(refusals=3)
    monkeypatch.setattr(filestore, "_LOCKING", filestore._MsvcrtLocking(fake))
    store = FileTokenStore(tmp_path / "token.json")
    await asyncio.to_thread(store.lock_path.parent.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(store.lock_path.write_bytes, b"xyz")  # position must not matter
    async with store.lock():
        assert await asyncio.to_thread(_probe, store.lock_path) == "busy"
    assert await asyncio.to_thread(_probe, store.lock_path) == "free"
    # Four LK_LOCK calls (three refused), then LK_UNLCK; always one byte at offset 0.
    assert fake.calls == [(1, 1, 0)] * 4 + [(0, 1, 0)]


async def test_windows_locking_passes_other_errors_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = _FakeMsvcrt(refusals=1, error=errno.EBADF)
    monkeypatch.setattr(filestore, "_LOCKING", filestore._MsvcrtLocking(fake))
    store = FileTokenStore(tmp_path / "token.json")
    with pytest.raises(ConfigurationError, match=os.strerror(errno.EBADF)) as info:
        async with store.lock():
            pytest.fail("entered without the lock")
    assert isinstance(info.value.__cause__, OSError)
    async with store.lock():  # the failed attempt left nothing held
        pass
    assert fake.calls == [(1, 1, 0), (1, 1, 0), (0, 1, 0)]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o666])
async def test_a_file_others_can_read_is_made_private_with_a_warning(
    tmp_path: Path, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    await store.save(_token(1))
    os.chmod(store.path, mode)
    with caplog.at_level("WARNING", logger="aries_async.auth"):
        assert await FileTokenStore(store.path).load() == _token(1)
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert str(store.path) in message and oct(mode)[2:] in message
    assert "access-" not in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="aries_async.auth"):
        await FileTokenStore(store.path).load()  # private now: nothing to say
    assert not caplog.records


@pytest.mark.parametrize("target_exists", [False, True])
async def test_the_lock_file_is_never_followed_through_a_symlink(
    tmp_path: Path, target_exists: bool
) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    target = tmp_path / "elsewhere" / "victim"
    target.parent.mkdir()
    if target_exists:
        target.write_bytes(b"precious")
        os.chmod(target, 0o644)
    store.lock_path.symlink_to(target)
    with pytest.raises(ConfigurationError, match="lock"):
        async with store.lock():
            pass
    if target_exists:
        assert target.read_bytes() == b"precious"
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    else:
        assert not target.exists()  # O_CREAT did not create the file the link points at
    assert store.lock_path.is_symlink()
