"""A token store in a file: private (0600), replaced atomically, locked across processes.

The default file is ``$XDG_CONFIG_HOME/aries-async/token.json`` (``~/.config/aries-async/``
when ``XDG_CONFIG_HOME`` is not set). Several processes may share it: ``lock()`` takes an
exclusive lock on a sibling ``.lock`` file as well as an in-process :class:`asyncio.Lock`, so one
refresh happens among all of them. The file lock is ``fcntl.flock`` on POSIX and
``msvcrt.locking`` (first byte of the lock file) on Windows; a platform with neither cannot
build a :class:`FileTokenStore` (:class:`~aries_async.errors.ConfigurationError`).

A token file that group or others may read (a copy, a restored backup) is made private
(owner-only) when it is read, with a warning on the ``aries_async.auth`` logger. A directory
(created 0700) that the group or others may use gets one warning from the store that writes
into it, naming its mode and the ``chmod`` that fixes it; it is not changed (see
:mod:`~aries_async.auth.token_dir`). The lock file is
opened with ``O_NOFOLLOW``: a symbolic link planted at its path is refused, never followed.

Waiting for the file lock blocks a thread of its own, never one of the event loop's worker
threads: the holder needs those to read and save the token, so waiters parked there could
deadlock it.

A file system that fails for a while (full, an I/O error) is an outage of the store, as a Redis
down is (:mod:`~aries_async.auth.file_failures`); a file not to be read or written (permissions,
a directory in its place) a :class:`~aries_async.errors.ConfigurationError`.

On Windows, mode bits mean little: the file gets the access control list it inherits from its
directory (under the user's profile that is normally the user only), and ``os.replace`` fails
while another process has the file open, which surfaces as a
:class:`~aries_async.errors.ConfigurationError` from ``save``. Tested on Linux only.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import IO, Protocol

import orjson

from aries_async.auth.file_failures import file_failure
from aries_async.auth.store import MemoryTokenStore, TokenStore
from aries_async.auth.token_dir import (
    default_token_path,
    directory_exposure,
    make_private,
    remove_stale_temporaries,
    temporary_prefix,
    token_file_path,
)
from aries_async.auth.tokens import Token, token_from_variable
from aries_async.errors import ConfigurationError

__all__ = ["FileTokenStore", "default_token_path", "token_store_from_env"]

log = logging.getLogger("aries_async.auth")

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # Windows has no symbolic-link flag to open with


def token_store_from_env(
    env: Mapping[str, str] | None = None, *, path: str | os.PathLike[str] | None = None
) -> TokenStore:
    """Where the command line and :meth:`AriesClient.from_env` keep the token.

    ``ARIES_ACCESS_TOKEN``, when set, is the token (in memory, for this run; never renewed);
    otherwise the token file: ``path``, else ``ARIES_TOKEN_FILE``, else
    :func:`default_token_path` (a leading ``~`` in either expanded, as a shell would).

    Raises:
        ConfigurationError: this platform has no file locking (see :class:`FileTokenStore`),
            or ``ARIES_TOKEN_FILE`` names no file (the error names the variable).
        ValidationError: ``ARIES_ACCESS_TOKEN`` holds a character no token has.
    """
    env = os.environ if env is None else env
    access = env.get("ARIES_ACCESS_TOKEN")
    if access:
        return MemoryTokenStore(token_from_variable(access))
    if path is None and env.get("ARIES_TOKEN_FILE"):
        path = token_file_path(env["ARIES_TOKEN_FILE"], "ARIES_TOKEN_FILE")
    return FileTokenStore(path or None)


class _FileLocking(Protocol):
    """An exclusive lock on an open file, held per open file (not per process)."""

    def lock(self, fd: int) -> None:
        """Block until this file descriptor holds the lock."""
        ...

    def unlock(self, fd: int) -> None:
        """Release the lock held through this descriptor (never blocks)."""
        ...


if sys.platform != "win32":

    class _FlockLocking:
        """POSIX: ``flock``, per open file description (two opens in one process exclude too)."""

        def lock(self, fd: int) -> None:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)

        def unlock(self, fd: int) -> None:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)


class _Msvcrt(Protocol):
    """The part of Windows' ``msvcrt`` module that :class:`_MsvcrtLocking` uses."""

    @property
    def LK_LOCK(self) -> int: ...

    @property
    def LK_UNLCK(self) -> int: ...

    def locking(self, fd: int, mode: int, nbytes: int, /) -> None: ...


class _MsvcrtLocking:
    """Windows: ``msvcrt.locking`` on the first byte of the lock file (per file handle)."""

    def __init__(self, msvcrt: _Msvcrt) -> None:
        self._msvcrt = msvcrt

    def lock(self, fd: int) -> None:
        while True:
            os.lseek(fd, 0, os.SEEK_SET)
            try:
                self._msvcrt.locking(fd, self._msvcrt.LK_LOCK, 1)
            except OSError as exc:
                # LK_LOCK gives up with EDEADLOCK after ten tries a second apart; unlike flock it
                # does not wait for good, so ask again.
                if exc.errno != errno.EDEADLOCK:
                    raise
            else:
                return

    def unlock(self, fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        self._msvcrt.locking(fd, self._msvcrt.LK_UNLCK, 1)


def _platform_locking() -> _FileLocking | None:
    # if/else, not an early return: mypy then checks each branch on its own platform only.
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        return _MsvcrtLocking(msvcrt)
    else:
        try:
            import fcntl  # noqa: F401 - only checking that it exists
        except ImportError:  # pragma: no cover - a platform with neither
            return None
        return _FlockLocking()


_LOCKING: _FileLocking | None = _platform_locking()


def _write_all(handle: IO[bytes], data: bytes) -> None:
    """Write the bytes and flush them to disk (a hook the tests use to simulate a crash)."""
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())


class FileTokenStore:
    """Keeps the token in a JSON file only the user can read (POSIX mode 0600; see the module
    notes for Windows); implements ``TokenStore``.

    Example:
        >>> store = FileTokenStore("/tmp/aries-example/token.json")
        >>> store.path.name
        'token.json'

    Args:
        path: the token file (default: :func:`default_token_path`); a leading ``~`` or
            ``~user`` is expanded to that home directory.

    Raises:
        ConfigurationError: ``path`` names no file (empty, a directory, a NUL in it, an
            unknown ``~user``), or this platform has no file locking (neither ``fcntl`` nor
            ``msvcrt``): use a :class:`~aries_async.auth.store.MemoryTokenStore` or your own.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        locking = _LOCKING
        if locking is None:
            raise ConfigurationError(
                f"FileTokenStore needs file locking (fcntl or msvcrt), which {sys.platform} "
                "lacks: use MemoryTokenStore or a TokenStore of your own"
            )
        self._locking: _FileLocking = locking
        # A ``~`` no shell expanded (``--token-file=~/t.json``, a variable's value) is the
        # home directory, not a directory named ``~`` in the current one.
        self.path: Path = default_token_path() if path is None else token_file_path(path, "path")
        self.lock_path: Path = self.path.with_name(self.path.name + ".lock")
        self._lock = asyncio.Lock()
        self._reported_dir_mode: int | None = None

    # -- blocking parts (run in a thread) -------------------------------------------------------

    def _ensure_dir(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _report_loose_dir(self) -> None:
        """Warn once per store (and again if the mode changes) when the group or others may use
        the directory: the user may have made or shared it on purpose, so it is not changed."""
        exposure = directory_exposure(self.path.parent)
        if exposure is None or exposure.mode == self._reported_dir_mode:
            return
        self._reported_dir_mode = exposure.mode
        log.warning("%s; make it private: %s", exposure.describe(), exposure.fix)

    def _read(self) -> Token | None:
        try:
            with open(self.path, "rb") as handle:
                make_private(handle.fileno(), self.path)
                raw = handle.read()
        except FileNotFoundError:
            return None
        try:
            data = orjson.loads(raw)
            if isinstance(data, dict):
                return Token.from_dict(data)
        except (orjson.JSONDecodeError, ValueError):
            pass
        log.warning("the token file %s does not hold a saved token: treated as none", self.path)
        return None

    def _write(self, token: Token) -> None:
        self._ensure_dir()
        self._report_loose_dir()
        remove_stale_temporaries(self.path.parent, self.path.name, now=time.time())
        data = orjson.dumps(token.to_dict(), option=orjson.OPT_INDENT_2)
        fd, tmp_name = tempfile.mkstemp(
            prefix=temporary_prefix(self.path.name), suffix=".tmp", dir=self.path.parent
        )
        try:
            if sys.platform != "win32":  # Windows: the directory's inherited access list applies
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
        if sys.platform != "win32":  # Windows has no directory descriptors
            with contextlib.suppress(OSError):
                dir_fd = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)

    def _remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _open_and_lock(self) -> int:
        """Open the lock file and wait for its lock (blocks: run it on a thread of its own)."""
        self._ensure_dir()
        # Never through a symbolic link: one planted at the lock path would have us create or
        # lock a file of someone else's choosing.
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
        try:
            self._locking.lock(fd)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _unlock(self, fd: int) -> None:
        try:
            self._locking.unlock(fd)
        finally:
            os.close(fd)

    async def _acquire_file_lock(self) -> int:
        """The lock file's descriptor, once its lock is ours.

        The wait runs on a daemon thread of its own: a waiter in the loop's default executor
        would hold a worker that the lock's holder may need (for ``load``/``save``), and a
        process would not exit while such a worker still waits.
        """
        loop = asyncio.get_running_loop()
        acquired: asyncio.Future[int] = loop.create_future()

        def settle(fd: int | None, error: BaseException | None) -> None:
            if acquired.done():  # the waiter gave up (cancelled): let go of what came late
                if fd is not None:
                    self._unlock(fd)
            elif error is not None:
                acquired.set_exception(error)
            elif fd is not None:
                acquired.set_result(fd)

        def wait_for_lock() -> None:
            fd: int | None = None
            error: BaseException | None = None
            try:
                fd = self._open_and_lock()
            except BaseException as exc:  # handed to the waiting task
                error = exc
            try:
                loop.call_soon_threadsafe(settle, fd, error)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                if fd is not None:
                    self._unlock(fd)

        threading.Thread(target=wait_for_lock, name="aries-token-lock", daemon=True).start()
        try:
            return await acquired
        except asyncio.CancelledError:
            # Cancelled after the result was set but before we resumed: release it here.
            if acquired.done() and not acquired.cancelled() and acquired.exception() is None:
                self._unlock(acquired.result())
            raise

    # -- TokenStore -----------------------------------------------------------------------------

    async def load(self) -> Token | None:
        """The saved token; None when there is no file or it does not hold a token (corrupt,
        truncated: with a warning naming the file, never its content).

        Raises:
            ConfigurationError: the file exists but cannot be read (permissions, a directory).
            StoreUnavailableError: the file system failed for a while (an I/O error, say).
        """
        try:
            return await asyncio.to_thread(self._read)
        except OSError as exc:
            raise file_failure("read", self.path, exc) from exc

    async def save(self, token: Token) -> None:
        """Replace the file atomically (temporary file, fsync, ``os.replace``), mode 0600.
        Temporaries that killed saves left (older than
        :data:`~aries_async.auth.token_dir.STALE_TEMPORARY_AGE`) are removed first.

        Raises:
            ConfigurationError: the file or its directory cannot be written.
            StoreUnavailableError: the file system failed for a while (full, an I/O error).
        """
        try:
            await asyncio.to_thread(self._write, token)
        except OSError as exc:
            raise file_failure("write", self.path, exc) from exc

    async def clear(self) -> None:
        """Delete the token file (logout).

        Raises:
            ConfigurationError: the file cannot be deleted.
            StoreUnavailableError: the file system failed for a while.
        """
        try:
            await asyncio.to_thread(self._remove)
        except OSError as exc:
            raise file_failure("delete", self.path, exc) from exc

    @contextlib.asynccontextmanager
    async def lock(self) -> AsyncIterator[None]:
        """Exclusive across tasks of this process and across processes sharing the file;
        raises as :meth:`save` does when the lock file cannot be opened or locked."""
        async with self._lock:
            try:
                fd = await self._acquire_file_lock()
            except OSError as exc:
                what = f"lock ({self.lock_path.name}) next to"
                raise file_failure(what, self.path, exc) from exc
            try:
                yield
            finally:
                self._unlock(fd)  # unlocking never blocks: no thread, nothing to cancel

    def __repr__(self) -> str:
        return f"FileTokenStore(path={str(self.path)!r})"
