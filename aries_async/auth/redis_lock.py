"""The refresh lock of a :class:`~aries_async.auth.redisstore.RedisTokenStore`: a lease on Redis.

The lock is a lease: ``SET NX PX`` with an owner string (``"<host>:<pid>:<random>"``), in a
script that also takes a lock already naming that owner, released by a script that deletes the
key only while it still names that owner. While the lock is held, the lease (``lease``, 60
seconds by default) starts again every third of it, by a script that does so only while the key
still names that owner: however long a live holder's token request takes (a slow token
endpoint, 5xx answers and their retries), no other process refreshes the same grant meanwhile
(with rotating refresh tokens one of the two would be refused, and told to sign in again). A
holder that dies (SIGKILL, a lost host) frees the lock when its lease ends; one held up for
longer than that (a frozen process, Redis out of reach) loses it: its renewal stops with a
warning, and neither it nor its release touches the next holder's lock.

Each of these commands is safe to send twice (as a client does that sends a command again when
its connection failed, the first one's reply lost): the second take finds the lock its own, the
second release finds its owner in ``<lock key>:released`` (kept for a lease), the second
renewal renews again.

Waiting for the lock polls Redis every ``poll_interval`` seconds or so, jittered. The owner
strings' randomness never appears in logs. Importing this module does not import redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import random
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["Lease", "RedisLock"]

log = logging.getLogger("aries_async.auth")

_TAKE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return 1
end
return 0
"""
"""Take the lock for ARGV[1] (a lease of ARGV[2] milliseconds) when it is free or already
his: sent again after its reply was lost, it finds its own first run's lock taken."""

_RELEASE = """
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then
    redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
    return redis.call('DEL', KEYS[1])
end
if not owner and redis.call('GET', KEYS[2]) == ARGV[1] then return 1 end
return 0
"""
"""Delete the lock KEYS[1] only while it still names this owner, who is then kept in KEYS[2]
for a lease (ARGV[2] milliseconds): the same release sent again finds the lock released by
this owner (1), not a lock that ran out before it was released (0, as when another holds it)."""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
"""Start the lease (ARGV[2] milliseconds) again only while the lock still names this owner."""


class Lease:
    """The refresh lock held by the current task, and whether its renewal found the lock gone
    (``lost``).

    ``version`` is the store's: the version its last load under the lock saw (or its own last
    save or clear made), which a save under the lock is checked against; None until the store
    sets it.
    """

    __slots__ = ("lock", "lost", "owner", "version")

    def __init__(self, lock: RedisLock, owner: str) -> None:
        self.lock = lock
        self.owner = owner
        self.version: int | None = None
        self.lost = False


# Per task: the session renews in a task of its own, and what it loads under the lock is what
# its save is checked against. A stack, for a task that holds the locks of several stores.
_LEASES: contextvars.ContextVar[tuple[Lease, ...]] = contextvars.ContextVar(
    "aries_async_redis_leases", default=()
)


class RedisLock:
    """One grant's refresh lock: exclusive across this process's tasks and every process on
    the same Redis and key, a lease renewed while held (see the module notes).

    Args:
        redis: the store's Redis client.
        key: the lock's key.
        lease: seconds the lock lasts unless its holder renews it.
        poll_interval: about how often a waiting task asks again, in seconds.
        sleep: ``asyncio.sleep``-compatible; the waits between lease renewals use it.
        run: awaits a Redis command and raises its failure as the store's error (taking the
            lock raises what it raises); given ``"lock"`` and the command.
        error: redis-py's base error: renewing and releasing catch it, log and go on.
    """

    def __init__(
        self,
        redis: Redis,
        key: str,
        *,
        lease: float,
        poll_interval: float,
        sleep: Callable[[float], Awaitable[Any]],
        run: Callable[[str, Awaitable[Any]], Awaitable[Any]],
        error: type[Exception],
    ) -> None:
        self.key = key
        self.lease = lease
        self.poll_interval = poll_interval
        self._lease_ms = max(1, round(lease * 1000))
        self._sleep = sleep
        self._run = run
        self._error = error
        self._take_script = redis.register_script(_TAKE)
        self._release_script = redis.register_script(_RELEASE)
        self.released_key = f"{key}:released"
        """The last owner to release the lock, kept for a lease."""
        self._renew_script = redis.register_script(_RENEW)
        self._lock = asyncio.Lock()
        self._releases: set[asyncio.Future[None]] = set()
        self._unreleased: set[str] = set()
        """Owners of this process whose release Redis refused (its writes refused, say): the
        next take of the lock releases them first, not waiting out their lease."""

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Hold the lock, renewing its lease, until the block ends. A wait cancelled as Redis
        gave it the lock, and a holder cancelled in the block, release it in the background
        (:meth:`drain` waits for it).

        Raises:
            AriesError: what ``run`` makes of a failed ``SET`` (the store's
                ``StoreUnavailableError`` or ``ConfigurationError``).
        """
        async with self._lock:
            lease = Lease(self, await self._acquire())
            reset = _LEASES.set((*_LEASES.get(), lease))
            renewing = asyncio.ensure_future(self._renew(lease))
            try:
                yield
            finally:
                _LEASES.reset(reset)
                renewing.cancel()
                leaving = self._background(self._leave(lease, renewing))
                task = asyncio.current_task()
                # A holder being cancelled (a closing client giving up a renewal on a Redis
                # that stopped answering) does not wait for the release. Otherwise shielded:
                # a cancellation must not leave the lock to its lease.
                if task is None or not task.cancelling():
                    await asyncio.shield(leaving)

    def held(self) -> Lease | None:
        """This lock as held by the current task, if it is."""
        return next((lease for lease in _LEASES.get() if lease.lock is self), None)

    async def drain(self, timeout: float) -> None:
        """Wait for the releases still in flight (those of cancelled lock waits and holders
        among them) to finish, for ``timeout`` seconds at most (a stalled Redis must not hold
        up a shutdown): those still waiting then are given up, with a warning, and the lock
        ends with its lease."""
        if not self._releases:
            return
        _, late = await asyncio.wait(set(self._releases), timeout=timeout)
        if late:
            for release in late:
                release.cancel()
            await asyncio.wait(late)
            log.warning(
                "could not release the refresh lock %s (Redis did not answer within %gs); "
                "it ends with its lease (%gs)",
                self.key,
                timeout,
                self.lease,
            )

    def _background(self, release: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        """Run ``release`` in a task of its own, which :meth:`drain` waits for."""
        task = asyncio.ensure_future(release)
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)
        return task

    async def _acquire(self) -> str:
        owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(8)}"
        await self._release_unreleased()
        while True:
            try:
                taken = await self._run(
                    "lock", self._take_script(keys=[self.key], args=[owner, self._lease_ms])
                )
            except asyncio.CancelledError:
                # The SET may have reached Redis: free the lock now rather than at lease end.
                self._background(self._release(owner, held=False))
                raise
            if taken:
                return owner
            # Jittered, so that waiting processes do not ask in lockstep.
            await asyncio.sleep(self.poll_interval * (0.5 + random.random()))

    async def _renew(self, lease: Lease) -> None:
        """Start the lease again every third of it (a renewal lost leaves time for the next)."""
        while True:
            await self._sleep(self.lease / 3)
            try:
                renewed = await self._renew_script(
                    keys=[self.key], args=[lease.owner, self._lease_ms]
                )
            except self._error as exc:
                log.warning(
                    "could not renew the refresh lock %s (%s); trying again in %gs",
                    self.key,
                    type(exc).__name__,
                    self.lease / 3,
                )
                continue
            if not renewed:
                lease.lost = True
                log.warning(
                    "the refresh lock %s ended before it was renewed (this process was held "
                    "up for its lease of %gs); another process may be renewing the token too",
                    self.key,
                    self.lease,
                )
                return

    async def _leave(self, lease: Lease, renewing: asyncio.Future[None]) -> None:
        """Release the lock once its renewal stopped (no warning again if that found it lost)."""
        await asyncio.wait([renewing])
        await self._release(lease.owner, held=not lease.lost)

    def _delete_if_held(self, owner: str) -> Awaitable[Any]:
        """The release script: deletes the lock if ``owner`` holds it (true then), and notes
        the release."""
        keys = [self.key, self.released_key]
        return self._release_script(keys=keys, args=[owner, self._lease_ms])

    async def _release_unreleased(self) -> None:
        """Release the locks of this process a failed release left (quietly: each was
        warned about once)."""
        for owner in list(self._unreleased):
            try:
                await self._delete_if_held(owner)
            except self._error:
                return  # still refused: they end with their lease
            self._unreleased.discard(owner)

    async def _release(self, owner: str, *, held: bool = True) -> None:
        """Delete the lock if ``owner`` holds it; warn when it was ``held`` and another owner
        holds it now."""
        try:
            released = await self._delete_if_held(owner)
        except self._error as exc:
            self._unreleased.add(owner)
            log.warning(
                "could not release the refresh lock %s (%s); it ends with its lease",
                self.key,
                type(exc).__name__,
            )
            return
        if not released and held:
            log.warning(
                "the refresh lock %s was held longer than its lease (%gs); another process "
                "may have taken it meanwhile",
                self.key,
                self.lease,
            )
