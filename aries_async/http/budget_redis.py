"""A rate budget shared by every process and host of a fleet, on Redis (``aries-async[redis]``).

Each bucket is one Redis key holding its next free turn (the generic cell rate algorithm,
GCRA), updated by one Lua script. A call reserves its turn in one round trip and learns how
long to wait for it, so the processes of a fleet neither poll nor stampede; times come from
the Redis server's clock, so the hosts' clocks need not agree. A 429's pause is a second key
holding the time the pause ends. (Both keys expire on the server's clock a second after they
stop mattering, so Redis keeps nothing of an idle bucket.)

The members of a fleet may be configured with different rates for one bucket (one process
restarted with another ``ARIES_RATE_LIMIT``): one bucket drawn at each member's own rate would
let the fleet exceed the lowest. So each member registers its rate and burst in a third key, a
hash of the bucket's members, with every turn it takes; the script spaces turns by the
strictest registration still current (the longest interval, the smallest burst), and a member
held to a stricter rate than its own logs one warning naming both. A registration lasts
``member_lease`` seconds after the member's last turn, and ``aclose()`` withdraws it: lowering
the rate of one member lowers the fleet's at its next turn; raising it takes effect once no
member that was configured lower is left (closed, or gone for ``member_lease``). Deleting the
hash forgets every registration at once; the members still running register again at their
next turn.

Each command is safe to send twice (its reply lost with its connection, which a client made
from a URL answers by sending it again, once): a registration is written again; a pause is
set again, to end later by the time the second took; a reservation sent twice reserves two
turns, the first of which goes unused, so the fleet sends less than its budget for one turn,
never more.

We use one script rather than the ``limits`` library: its Redis windows count whole seconds
on each process's own clock, and it answers "refused" rather than "your turn is in 40 ms",
so waiting calls would have to poll.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aries_async._closing import AsyncClosing
from aries_async._deprecation import renamed_arguments
from aries_async._settings import Seconds, key_prefix_setting, seconds_settings
from aries_async.auth.redis_where import redis_client, redis_failure, redis_module, shown
from aries_async.errors import AriesError
from aries_async.http.budget import asking_store

if TYPE_CHECKING:
    import redis.asyncio as redis

__all__ = ["RedisRateBudget"]

log = logging.getLogger("aries_async.http")

# Both scripts start with _NOW: ``now`` is their last ARGV, microseconds on the fleet's clock,
# or '' for the Redis server's clock (what a fleet uses; tests give a clock of their own).
_NOW = """
local now = tonumber(ARGV[#ARGV])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
"""

# KEYS: the bucket's members. ARGV: this member's microseconds between turns and burst, its
# name, how long its registration lasts (microseconds), now. Registers this member's rate,
# forgets the members whose registration ran out (or is unreadable), and leaves in ``interval``
# and ``burst`` the strictest of those left: the longest interval and the smallest burst.
_MEMBERS = """
local members = KEYS[1]
local lease = tonumber(ARGV[4])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local entry = string.format('%.0f %.0f %.0f', interval, burst, now + lease)
redis.call('HSET', members, ARGV[3], entry)
local all = redis.call('HGETALL', members)
for i = 1, #all, 2 do
  local each, most, ends = string.match(all[i + 1], '^(%d+) (%d+) (%d+)$')
  if ends == nil or tonumber(ends) < now then
    redis.call('HDEL', members, all[i])
  else
    interval = math.max(interval, tonumber(each))
    burst = math.min(burst, tonumber(most))
  end
end
redis.call('PEXPIRE', members, math.ceil(lease / 1000) + 1000)
"""

# KEYS: the members, the bucket's next free turn, the end of its pause (microseconds).
# ARGV: as _MEMBERS's, then the longest wait accepted (microseconds), now. Returns {reserved
# (1/0), microseconds to wait, the interval and burst used}. A turn is reserved only when its
# wait is accepted; a pause reserves nothing (the caller waits it out and asks again).
_RESERVE = """
local resume = tonumber(redis.call('GET', KEYS[3]) or '0')
if resume > now then return {0, resume - now, interval, burst} end
local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
if tat < now then tat = now end
local wait = tat + interval - burst * interval - now
if wait < 0 then wait = 0 end
if wait > tonumber(ARGV[5]) then return {0, wait, interval, burst} end
local ttl = math.ceil((tat + interval - now) / 1000) + 1000
redis.call('SET', KEYS[2], string.format('%.0f', tat + interval), 'PX', ttl)
return {1, wait, interval, burst}
"""

# KEYS: the end of the pause. ARGV: the pause's length (microseconds), now. A pause that ends
# later already there stays.
_PAUSE = """
local resume = now + tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < resume then
  local ttl = math.ceil(tonumber(ARGV[1]) / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.0f', resume), 'PX', ttl)
end
return 0
"""


class RedisRateBudget(AsyncClosing):
    """A :class:`~aries_async.http.budget.RateBudget` on Redis, shared by every client that
    uses the same server and ``prefix``.

    Give it to each client of the fleet, with the same ``ClientConfig.rate_limit``; a member
    configured otherwise keeps to the strictest rate and burst of the bucket's live members
    (see the module notes) and logs a warning naming both. A call cancelled while it waits for
    its reserved turn leaves that turn unused: the fleet may send less than its budget then,
    never more.

    Example:
        >>> async def bot(config: ClientConfig) -> None:                 # doctest: +SKIP
        ...     async with RedisRateBudget("redis://cache:6379/0") as budget:
        ...         async with AriesClient(config, rate_budget=budget) as client:
        ...             await client.market.quote("AAPL")

    Args:
        url: a Redis URL (``redis://``, ``rediss://`` for TLS, user and password in it for
            AUTH; 5 s socket and connect timeouts unless ``?socket_timeout=`` and
            ``?socket_connect_timeout=`` say otherwise; a command sent again, once, when its
            connection failed), or a ``redis.asyncio.Redis`` client, used as given (not
            closed by us; its timeouts and retries are yours: redis-py before 8 has no
            timeout; see :func:`~aries_async.auth.redis_where.redis_client` for the retry).
        prefix: the start of every key (``{prefix}{app:route}:turn``, ``...:pause`` and
            ``...:members``).
        sleep: the waits for turns and pauses (tests pass one that does not wait).
        wall_clock: the fleet's clock in Unix seconds; default: the Redis server's, which every
            member shares whatever its host's clock says. Tests give every member one clock
            that moves with their ``sleep``, so that turns and pauses pass without waiting.
            Members of a fleet must all use the same clock. Its old name ``clock`` still
            works for one release, with a :class:`DeprecationWarning`.
        member_lease: seconds (on the fleet's clock) this member's configured rate keeps
            holding the fleet to it after its last turn, when it ends without ``aclose()``
            (or its withdrawal failed); a member idle longer stops counting until its next
            turn.
        close_timeout: seconds ``aclose()`` waits for Redis to take the withdrawal of this
            member's rate before it gives up (a stalled Redis must not hold up a shutdown).

    Raises:
        ConfigurationError: redis-py is not installed (the ``redis`` extra), ``url`` is not
            a Redis URL, ``member_lease`` or ``close_timeout`` is not a finite number of
            seconds above 0, or ``prefix`` holds a brace, a space or a control character (the
            error names the argument).
    """

    @renamed_arguments(clock="wall_clock")
    def __init__(
        self,
        url: str | redis.Redis,
        *,
        prefix: str = "aries:rate:",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall_clock: Callable[[], float] | None = None,
        member_lease: Seconds = 300.0,
        close_timeout: Seconds = 2.0,
    ) -> None:
        key_prefix_setting(prefix)
        floats = seconds_settings(member_lease=member_lease, close_timeout=close_timeout)
        self._error: type[Exception] = redis_module().RedisError
        self._own = isinstance(url, str)
        self._where = shown(url)
        self._named = f"the shared rate budget in Redis at {self._where}"
        self.redis = redis_client(url) if isinstance(url, str) else url
        self.prefix = prefix
        self._sleep = sleep
        self._wall_clock = wall_clock
        self.member_lease, self.close_timeout = floats
        self._member = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(8)}"
        self._joined: set[str] = set()
        self._told: dict[str, tuple[int, int]] = {}
        self._reserve = self.redis.register_script(_NOW + _MEMBERS + _RESERVE)
        self._pause = self.redis.register_script(_NOW + _PAUSE)

    def _keys(self, bucket: str) -> tuple[str, str, str]:
        """The bucket's members, next turn and pause."""
        # One hash tag for the keys: a Redis cluster keeps them on one node for the script.
        tag = f"{self.prefix}{{{bucket}}}"
        return f"{tag}:members", f"{tag}:turn", f"{tag}:pause"

    async def acquire(self, bucket: str, per_second: float, burst: int, timeout: float) -> bool:
        """See :meth:`~aries_async.http.budget.RateBudget.acquire`.

        Raises:
            StoreUnavailableError: Redis cannot be reached (the call was not sent).
            ConfigurationError: Redis refused the password, the database or the command.
        """
        keys = self._keys(bucket)
        interval = max(1, round(1_000_000 / per_second))
        lease = math.ceil(self.member_lease * 1_000_000)
        while True:
            limit = max(0, math.floor(timeout * 1_000_000))
            try:
                args: list[int | str] = [interval, burst, self._member, lease, limit, self._now()]
                self._joined.add(bucket)
                with asking_store(self._named):
                    reserved, wait, used, most = await self._reserve(keys=keys, args=args)
            except self._error as exc:
                raise self._failure(exc) from exc
            self._compare(bucket, per_second, (interval, burst), (int(used), int(most)))
            seconds = int(wait) / 1_000_000
            if reserved:
                if seconds > 0:
                    await self._sleep(seconds)
                return True
            if seconds >= timeout:
                return False
            await self._sleep(seconds)  # a pause: wait it out, then ask for a turn
            timeout -= seconds

    def _compare(
        self, bucket: str, per_second: float, mine: tuple[int, int], used: tuple[int, int]
    ) -> None:
        """Warn once when the fleet keeps ``bucket`` to a stricter rate than this member's (and
        again if it changes to yet another)."""
        if used == mine:
            self._told.pop(bucket, None)
        elif self._told.get(bucket) != used:
            self._told[bucket] = used
            log.warning(
                "the rate budget %r in Redis at %s keeps to %g calls a second, %d at once: the "
                "strictest rate a live member of the fleet was configured with; this process "
                "was configured with %g a second, %d at once, and keeps to the fleet's",
                bucket,
                self._where,
                float(f"{1_000_000 / used[0]:.4g}"),  # 16667 microseconds: 60, not 59.9988
                used[1],
                per_second,
                mine[1],
            )

    def _now(self) -> int | str:
        """The scripts' ``now``: microseconds on the clock given, '' for the server's clock."""
        return "" if self._wall_clock is None else round(self._wall_clock() * 1_000_000)

    async def pause(self, bucket: str, seconds: float) -> None:
        """See :meth:`~aries_async.http.budget.RateBudget.pause`.

        Raises:
            StoreUnavailableError: Redis cannot be reached.
            ConfigurationError: Redis refused the password, the database or the command.
        """
        try:
            micros = max(1, math.ceil(seconds * 1_000_000))
            await self._pause(keys=[self._keys(bucket)[2]], args=[micros, self._now()])
        except self._error as exc:
            raise self._failure(exc) from exc

    async def aclose(self) -> None:
        """Withdraw this member's rate from the buckets it used (so that it no longer holds the
        fleet back), then close the Redis client if we made it from a URL. A Redis that cannot
        be reached, or does not take the withdrawal within ``close_timeout`` seconds, is not an
        error: one warning says so, and the rate lapses ``member_lease`` seconds after this
        member's last turn instead."""
        joined, self._joined = sorted(self._joined), set()
        try:
            if joined:
                async with asyncio.timeout(self.close_timeout):
                    for bucket in joined:
                        await self.redis.hdel(self._keys(bucket)[0], self._member)
        except (self._error, TimeoutError) as exc:
            # The type only: redis-py's messages may quote the server's address and more.
            why = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
            log.warning(
                "could not withdraw this process's rate from the fleet's rate budget in Redis "
                "at %s (%s, waited at most %gs): the fleet keeps to it until %gs after this "
                "process's last turn",
                self._where,
                why,
                self.close_timeout,
                self.member_lease,
            )
        finally:
            if self._own:
                await self.redis.aclose()

    def _failure(self, exc: Exception) -> AriesError:
        """An outage (:class:`~aries_async.errors.StoreUnavailableError`) or a mistake
        (:class:`~aries_async.errors.ConfigurationError`), naming the Redis."""
        return redis_failure(exc, f"{self._named} failed")

    def __repr__(self) -> str:
        # The URL may carry a password: not shown.
        return f"RedisRateBudget(prefix={self.prefix!r})"
