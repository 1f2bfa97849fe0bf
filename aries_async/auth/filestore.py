"""A token store in a file: private (0600), replaced atomically, locked across processes.

The default file is ``$XDG_CONFIG_HOME/aries-async/token.json`` (``~/.config/aries-async/``
when ``XDG_CONFIG_HOME`` is not set). Several processes may share it: ``lock()`` takes an
``fcntl.flock`` on a sibling ``.lock`` file (in a worker thread, so the event loop keeps running)
as well as an in-process :class:`asyncio.Lock`, so one refresh happens among all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

import orjson

from aries_async.auth.tokens import Token

__all__ = ["FileTokenStore", "default_token_path"]

APP_DIR = "aries-async"
TOKEN_FILE = "token.json"  # noqa: S105 - a file name


def default_token_path() -> Path:
    """``$XDG_CONFIG_HOME/aries-async/token.json`` or ``~/.config/aries-async/token.json``."""
    base = os.environ.get("XDG_CONFIG_HOME")
    root = Path(base) if base else Path.home() / ".config"
    return root / APP_DIR / TOKEN_FILE


def _write_all(handle: IO[bytes], data: bytes) -> None:
    """Write the bytes and flush them to disk (a hook the tests use to simulate a crash)."""
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())


class FileTokenStore:
    """Keeps the token in a JSON file only the user can read; implements ``TokenStore``.

    Example:
        >>> store = FileTokenStore("/tmp/aries-example/token.json")
        >>> store.path.name
        'token.json'

    Args:
        path: the token file (default: :func:`default_token_path`).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_token_path()
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock = asyncio.Lock()

    # -- blocking parts (run in a thread) -------------------------------------------------------

    def _ensure_dir(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _read(self) -> Token | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            data = orjson.loads(raw)
            if not isinstance(data, dict):
                return None
            return Token.from_dict(data)
        except (orjson.JSONDecodeError, ValueError):
            return None

    def _write(self, token: Token) -> None:
        self._ensure_dir()
        data = orjson.dumps(token.to_dict(), option=orjson.OPT_INDENT_2)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                _write_all(handle, data)
            os.replace(tmp_name, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise
        self._fsync_dir()

    def _fsync_dir(self) -> None:
        if sys.platform == "win32":  # pragma: no cover - no directory fds there
            return
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def _remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _acquire_file_lock(self) -> int:
        import fcntl

        self._ensure_dir()
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def _release_file_lock(fd: int) -> None:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- TokenStore -----------------------------------------------------------------------------

    async def load(self) -> Token | None:
        """The saved token; None when there is no file or it cannot be read as a token."""
        return await asyncio.to_thread(self._read)

    async def save(self, token: Token) -> None:
        """Replace the file atomically (temporary file, fsync, ``os.replace``), mode 0600."""
        await asyncio.to_thread(self._write, token)

    async def clear(self) -> None:
        """Delete the token file (logout)."""
        await asyncio.to_thread(self._remove)

    @contextlib.asynccontextmanager
    async def lock(self) -> AsyncIterator[None]:
        """Exclusive across tasks of this process and across processes sharing the file."""
        async with self._lock:
            acquire = asyncio.ensure_future(asyncio.to_thread(self._acquire_file_lock))
            try:
                fd = await asyncio.shield(acquire)
            except asyncio.CancelledError:
                # The thread may still get the lock after we gave up: release it when it does.
                acquire.add_done_callback(_release_when_acquired)
                raise
            try:
                yield
            finally:
                await asyncio.to_thread(self._release_file_lock, fd)

    def __repr__(self) -> str:
        return f"FileTokenStore(path={str(self.path)!r})"


def _release_when_acquired(future: asyncio.Future[int]) -> None:
    if future.cancelled() or future.exception() is not None:
        return
    FileTokenStore._release_file_lock(future.result())
