"""A rate budget shared by every process and host of a fleet, on Redis (``aries-async[redis]``).

Each bucket is one Redis key holding its next free turn (the generic cell rate algorithm,
GCRA), updated by one Lua script. A call reserves its turn in one round trip and learns how
long to wait for it, so the processes of a fleet neither poll nor stampede; times come from
the Redis server's clock, so the hosts' clocks need not agree. A 429's pause is a second key
holding the time the pause ends. (Both keys expire on the server's clock a second after they
stop mattering, so Redis keeps nothing of an idle bucket.)

We use one script rather than the ``limits`` library: its Redis windows count whole seconds
on each process's own clock, and it answers "refused" rather than "your turn is in 40 ms",
so waiting calls would have to poll.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aries_async._closing import AsyncClosing
from aries_async._deprecation import renamed_arguments
from aries_async.auth.redis_where import redis_client, redis_failure, redis_module, shown
from aries_async.errors import AriesError

if TYPE_CHECKING:
    import redis.asyncio as redis

__all__ = ["RedisRateBudget"]

# Both scripts start with _NOW: ``now`` is their last ARGV, microseconds on the fleet's clock,
# or '' for the Redis server's clock (what a fleet uses; tests give a clock of their own).
_NOW = """
local now = tonumber(ARGV[#ARGV])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
"""

# KEYS: the bucket's next free turn, the end of its pause (microseconds).
# ARGV: microseconds between turns, the burst, the longest wait accepted (microseconds), now.
# Returns {reserved (1/0), microseconds to wait}. A turn is reserved only when its wait is
# accepted; a pause reserves nothing (the caller waits it out and asks again).
_RESERVE = """
local resume = tonumber(redis.call('GET', KEYS[2]) or '0')
if resume > now then return {0, resume - now} end
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat + interval - tonumber(ARGV[2]) * interval - now
if wait < 0 then wait = 0 end
if wait > tonumber(ARGV[3]) then return {0, wait} end
local ttl = math.ceil((tat + interval - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', tat + interval), 'PX', ttl)
return {1, wait}
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

    Give it to each client of the fleet, with the same ``ClientConfig.rate_limit``. A call
    cancelled while it waits for its reserved turn leaves that turn unused: the fleet may
    send less than its budget then, never more.

    Example:
        >>> async def bot(config: ClientConfig) -> None:                 # doctest: +SKIP
        ...     async with RedisRateBudget("redis://cache:6379/0") as budget:
        ...         async with AriesClient(config, rate_budget=budget) as client:
        ...             await client.market.quote("AAPL")

    Args:
        url: a Redis URL (``redis://``, ``rediss://`` for TLS, user and password in it for
            AUTH), or a ``redis.asyncio.Redis`` client (not closed by us).
        prefix: the start of every key (``{prefix}{app:route}:turn`` and ``...:pause``).
        sleep: the waits for turns and pauses (tests pass one that does not wait).
        wall_clock: the fleet's clock in Unix seconds; default: the Redis server's, which every
            member shares whatever its host's clock says. Tests give every member one clock
            that moves with their ``sleep``, so that turns and pauses pass without waiting.
            Members of a fleet must all use the same clock. Its old name ``clock`` still
            works for one release, with a :class:`DeprecationWarning`.

    Raises:
        ConfigurationError: redis-py is not installed (the ``redis`` extra), or ``url`` is not
            a Redis URL.
    """

    @renamed_arguments(clock="wall_clock")
    def __init__(
        self,
        url: str | redis.Redis,
        *,
        prefix: str = "aries:rate:",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        self._error: type[Exception] = redis_module().RedisError
        self._own = isinstance(url, str)
        self._where = shown(url)
        self.redis = redis_client(url) if isinstance(url, str) else url
        self.prefix = prefix
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._reserve = self.redis.register_script(_NOW + _RESERVE)
        self._pause = self.redis.register_script(_NOW + _PAUSE)

    def _keys(self, bucket: str) -> tuple[str, str]:
        # One hash tag for both keys: a Redis cluster keeps them on one node for the script.
        return f"{self.prefix}{{{bucket}}}:turn", f"{self.prefix}{{{bucket}}}:pause"

    async def acquire(self, bucket: str, per_second: float, burst: int, timeout: float) -> bool:
        """See :meth:`~aries_async.http.budget.RateBudget.acquire`.

        Raises:
            ConnectionFailedError: Redis cannot be reached (the call was not sent).
            ConfigurationError: Redis refused the password, the database or the command.
        """
        keys = self._keys(bucket)
        interval = max(1, round(1_000_000 / per_second))
        while True:
            limit = max(0, math.floor(timeout * 1_000_000))
            try:
                args = [interval, burst, limit, self._now()]
                reserved, wait = await self._reserve(keys=keys, args=args)
            except self._error as exc:
                raise self._failure(exc) from exc
            seconds = int(wait) / 1_000_000
            if reserved:
                if seconds > 0:
                    await self._sleep(seconds)
                return True
            if seconds >= timeout:
                return False
            await self._sleep(seconds)  # a pause: wait it out, then ask for a turn
            timeout -= seconds

    def _now(self) -> int | str:
        """The scripts' ``now``: microseconds on the clock given, '' for the server's clock."""
        return "" if self._wall_clock is None else round(self._wall_clock() * 1_000_000)

    async def pause(self, bucket: str, seconds: float) -> None:
        """See :meth:`~aries_async.http.budget.RateBudget.pause`.

        Raises:
            ConnectionFailedError: Redis cannot be reached.
            ConfigurationError: Redis refused the password, the database or the command.
        """
        try:
            micros = max(1, math.ceil(seconds * 1_000_000))
            await self._pause(keys=[self._keys(bucket)[1]], args=[micros, self._now()])
        except self._error as exc:
            raise self._failure(exc) from exc

    async def aclose(self) -> None:
        """Close the Redis client if we made it from a URL."""
        if self._own:
            await self.redis.aclose()

    def _failure(self, exc: Exception) -> AriesError:
        """An outage (:class:`~aries_async.errors.ConnectionFailedError`) or a mistake
        (:class:`~aries_async.errors.ConfigurationError`), naming the Redis."""
        return redis_failure(exc, f"the shared rate budget in Redis at {self._where} failed")

    def __repr__(self) -> str:
        # The URL may carry a password: not shown.
        return f"RedisRateBudget(prefix={self.prefix!r})"
