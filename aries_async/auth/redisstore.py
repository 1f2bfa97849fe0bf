"""A token store on Redis: one grant shared by a fleet of processes on any number of hosts.

Needs the ``redis`` extra (``pip install 'aries-async[redis]'``: redis-py 5 or later, whose
asyncio client it uses); without it, building a :class:`RedisTokenStore` raises
:class:`~aries_async.errors.ConfigurationError` naming the extra. Importing this module does not
import redis.

Three keys per grant (``prefix`` defaults to ``aries-async``)::

    <prefix>:{<client_id>/<grant>}:token   a hash: "token" (the token as JSON), "version",
                                           "restored" for a token put back, "refused" (below),
                                           "endpoint" (the token URL, with ``token_url=``),
                                           "saved" (which save wrote the token: below)
    <prefix>:{<client_id>/<grant>}:lock    the refresh lock: "<host>:<pid>:<random>", a lease
    <prefix>:{<client_id>/<grant>}:lock:released   its last owner, for a lease after its release

A grant is named by the app's ``client_id`` and a name of your choosing, ``grant`` (default
``"user"``): one name per signed-in user when one app acts for several, ``"app"`` for an app
token (client credentials), and so on. The braces are a Redis Cluster hash tag: both keys of a
grant live on one shard.

The refresh lock is a lease, renewed while it is held, that only its owner releases
(:mod:`~aries_async.auth.redis_lock`): however long a live holder's token request takes, no other
process refreshes the same grant meanwhile, and a holder that dies frees it when its lease ends.

Every save and clear increments the hash's ``version``, and a save made under the lock after a
load under the same lock is a check-and-set (one Lua script): when the version moved since that
load (the lease ran out and another process renewed meanwhile, or a sign-in replaced the token),
the save is skipped with a warning, so a late holder never overwrites a newer token; if its
refresh was refused, the other's having rotated the refresh token away, the session takes the
other's token from the store (:mod:`aries_async.auth.session`). Other saves (a sign-in,
``set_token``) replace the token unconditionally, and a clear (logout) always wins.

A Redis that loses its data (restarted without persistence, flushed, the key evicted or
deleted) or goes back to an older copy (restarted from an older snapshot, a failover onto a
replica behind) does not sign the fleet out: a store puts back the token it last loaded or
saved (:mod:`~aries_async.auth.redis_kept`), so the fleet converges on the newest grant it
holds. A logout keeps the hash's version, so a store that saw it puts nothing back (one lost
with the data before any store read it cannot be told from a loss: it is undone).

Every command of the store is safe to send twice (its reply lost with its connection): a
script finds its own first run's effect (a save its write, named in "saved"; the lock its
owner). So a client made from a URL sends a command again, once, when its connection failed:
the first command on a connection a restarted Redis closed does not fail (a client of yours:
see :func:`~aries_async.auth.redis_where.redis_client`).

A grant the token endpoint refused for good is kept as refused beside the token ("refused",
until the token changes: :mod:`~aries_async.auth.shared_refusals`), so the other processes
raise the same error without sending the dead grant again: the fleet sends it once.

Tokens, the URL's password and the lock owners' randomness never appear in logs, reprs or
errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson

from aries_async._closing import AsyncClosing
from aries_async._settings import Seconds, key_prefix_setting, seconds_settings
from aries_async.auth.redis_kept import KeptToken, warn_put_back
from aries_async.auth.redis_lock import Lease, RedisLock
from aries_async.auth.redis_token_scripts import CLEAR, REFUSE, RESTORE, SAVE
from aries_async.auth.redis_where import (
    redis_client,
    redis_failure,
    redis_module,
    shown,
    shown_url,
)
from aries_async.auth.tokens import Token
from aries_async.errors import AriesError, ConfigurationError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisTokenStore"]

log = logging.getLogger("aries_async.auth")


class RedisTokenStore(AsyncClosing):
    """Keeps one grant's token in Redis for every process that shares it; implements
    ``TokenStore`` (see the module notes for keys, the lease and the check-and-set).

    Example:
        >>> store = RedisTokenStore("redis://localhost:6379/0", client_id="my-app")
        >>> store.token_key
        'aries-async:{my-app/user}:token'

    Args:
        redis: a Redis URL (``redis://``, ``rediss://`` for TLS, ``unix://``; a password as
            ``redis://:PASSWORD@host`` or ``redis://USER:PASSWORD@host``), or a
            ``redis.asyncio.Redis`` client of yours, used as given (you close it; its
            timeouts and retries are yours: see the module notes). A URL's client times out
            after 5 s (``?socket_timeout=``), and sends a command again when its connection
            failed.
        client_id: the app whose grant this is (``config.client_id``; None raises).
        grant: which of the app's grants (default ``"user"``).
        prefix: the start of every key.
        lease: seconds a refresh lock lasts unless its holder renews it (a dead holder's lock
            ends then; a live one renews it every third of that).
        poll_interval: about how often a process waiting for the lock asks again, in seconds.
        sleep: ``asyncio.sleep``-compatible; the waits between lease renewals use it (tests
            pass one they control).
        close_timeout: seconds :meth:`aclose` waits for Redis to take the releases of
            cancelled lock waits before it gives up (a stalled Redis must not hold up a
            shutdown; such a lock ends with its lease), and a closing ``AriesClient`` for the
            store to take a renewal's result.
        token_url: the token endpoint the grant is for (``config.endpoints.token_url``; the
            client's, when left out and the store is given to an ``AriesClient``): kept
            beside the token, and a token kept for another (a sandbox's, where this is
            production's, of one client id on the same keys) is refused with
            ``ConfigurationError``. A
            token kept without one (saved before, or by a store not given one) is accepted,
            and labelled at this store's next save; a store not given one checks nothing and
            removes the label when it saves.

    Raises:
        ConfigurationError: redis-py is not installed (the ``redis`` extra), the URL is not a
            Redis URL, or an argument is refused (naming it: seconds not finite and above 0,
            a prefix with a brace, a space or a control character).
    """

    def __init__(
        self,
        redis: str | Redis,
        *,
        client_id: str | None,
        grant: str = "user",
        prefix: str = "aries-async",
        lease: Seconds = 60.0,
        poll_interval: Seconds = 0.05,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        token_url: str | None = None,
        close_timeout: Seconds = 2.0,
    ) -> None:
        module = redis_module()
        if not client_id:  # ClientConfig.client_id, read from an unset ARIES_CLIENT_ID
            raise ConfigurationError("RedisTokenStore needs the app's client_id (ARIES_CLIENT_ID)")
        if not grant or {"{", "}"} & set(client_id + grant):
            raise ConfigurationError("client_id and grant must be non-empty and without braces")
        key_prefix_setting(prefix)
        kept = seconds_settings(
            lease=lease, poll_interval=poll_interval, close_timeout=close_timeout
        )
        self._error: type[Exception] = module.RedisError
        self._where = shown(redis)
        self._owned = isinstance(redis, str)
        self._redis: Redis = redis_client(redis) if isinstance(redis, str) else redis
        tag = f"{prefix}:{{{client_id}/{grant}}}"
        self.token_key: str = f"{tag}:token"
        """The hash that holds the token and its version."""
        self.lock_key: str = f"{tag}:lock"
        """The refresh lock's key."""
        self.client_id = client_id
        """The app whose grant this is (part of the keys)."""
        self.lease, self.poll_interval, self.close_timeout = kept
        self.token_url = token_url
        """The token endpoint the tokens are for (None: not checked)."""
        self._label = token_url or ""
        self._save_script = self._redis.register_script(SAVE)
        self._clear_script = self._redis.register_script(CLEAR)
        self._restore_script = self._redis.register_script(RESTORE)
        self._refuse_script = self._redis.register_script(REFUSE)
        self._kept = KeptToken()
        """The token this store last loaded or saved: what it puts back if Redis loses it."""
        self._refresh_lock = RedisLock(
            self._redis,
            self.lock_key,
            lease=self.lease,
            poll_interval=self.poll_interval,
            sleep=sleep,
            run=self._run,
            error=self._error,
        )

    async def _run(self, what: str, call: Any) -> Any:
        """Await a Redis command; its failure raised as one of ours (see :meth:`_failure`)."""
        try:
            return await call
        except self._error as exc:
            raise self._failure(what, exc) from exc

    def _failure(self, what: str, exc: Exception) -> AriesError:
        """Redis down or timing out: :class:`~aries_async.errors.StoreUnavailableError`, a
        ``ConnectionFailedError`` (nothing was sent to Aries, so try again later); anything
        else (a refused password, a key of another type): :class:`ConfigurationError`."""
        return redis_failure(
            exc,
            f"the token store cannot {what} the token in Redis at {self._where} ({self.token_key})",
        )

    def bind_client(self, client_id: str | None, token_url: str) -> None:
        """Called by :class:`~aries_async.AriesClient` when given this store, with its app and
        token endpoint: a store not told its endpoint takes the client's, one told another or
        keyed by another app is refused (its tokens would be sent where they do not belong).

        Raises:
            ConfigurationError: the client's app or endpoint is not this store's.
        """
        if client_id is not None and client_id != self.client_id:
            raise ConfigurationError(
                f"the token store at {self.token_key} keeps the app {self.client_id!r}'s tokens, "
                f"the client is the app {client_id!r}: build the store with its client_id"
            )
        if self.token_url is None:
            self.token_url = self._label = token_url
        elif token_url != self.token_url:
            raise ConfigurationError(
                f"the token store at {self.token_key} is for the token endpoint "
                f"{shown_url(self.token_url)}, the client for {shown_url(token_url)}"
            )

    # -- TokenStore -----------------------------------------------------------------------------

    async def load(self) -> Token | None:
        """The saved token; None when there is none or it cannot be read as a token.

        Raises:
            StoreUnavailableError: Redis could not be reached (or timed out).
            ConfigurationError: Redis refused the password or the command, or the token is
                for a token endpoint other than :attr:`token_url`.
        """
        fields = ["token", "version", "restored", "endpoint"]
        raw, version, restored, endpoint = await self._run(
            "read", self._redis.hmget(self.token_key, fields)
        )
        self._check(endpoint)
        lost = self._kept.to_put_back(version, restored)
        if lost is not None:
            raw, version = await self._restore(lost)
        lease = self._lease()
        if lease is not None:
            lease.version = int(version or 0)
        self._kept.saw(None, version)
        if raw is None:
            return None
        try:
            data = orjson.loads(raw)
            token = Token.from_dict(data) if isinstance(data, dict) else None
        except (orjson.JSONDecodeError, ValueError):
            log.warning("the value at %s is not a saved token: treated as none", self.token_key)
            return None
        self._kept.saw(token, version)
        return token

    async def _restore(self, token: Token) -> tuple[Any, Any]:
        """Put ``token`` back where Redis lost the token (see the module notes); the token and
        version there afterwards."""
        args = self._kept.restore_args(token, self._label)
        raw, version, put_back, endpoint = await self._run(
            "restore", self._restore_script(keys=[self.token_key], args=args)
        )
        self._check(endpoint)
        if put_back:
            warn_put_back(self.token_key)
        return raw, version

    def _check(self, endpoint: Any) -> None:
        """Refuse a token saved for another token endpoint than :attr:`token_url` (if set)."""
        theirs = None if endpoint is None else bytes(endpoint).decode(errors="replace")
        if self.token_url is not None and theirs is not None and theirs != self.token_url:
            raise ConfigurationError(
                f"the token at {self.token_key} in Redis at {self._where} is for the token "
                f"endpoint {shown_url(theirs)}, this store for {shown_url(self.token_url)}: give "
                "each API environment its own prefix= (or Redis database); nothing was sent"
            )

    async def _other_endpoint(self) -> ConfigurationError:
        """The error of a save or clear refused for a token of another endpoint."""
        try:
            self._check(await self._run("read", self._redis.hget(self.token_key, "endpoint")))
        except ConfigurationError as exc:
            return exc
        return ConfigurationError(f"the token at {self.token_key} is for another endpoint")

    async def save(self, token: Token) -> None:
        """Replace the saved token; under the lock, after a load under it, only if nobody else
        changed it since (this holder's own saves and clears do not count), else the newer one
        is kept, with a warning.

        Raises:
            StoreUnavailableError: Redis could not be reached (or timed out).
            ConfigurationError: Redis refused the password or the command, or the token there
                is for a token endpoint other than :attr:`token_url` (it is kept).
        """
        lease = self._lease()
        expected = "" if lease is None or lease.version is None else str(lease.version)
        data = orjson.dumps(token.to_dict())
        args: list[bytes | str] = [data, expected, self._label, secrets.token_hex(8)]
        version = int(await self._run("write", self._save_script(keys=[self.token_key], args=args)))
        if version == -2:
            raise await self._other_endpoint()
        if version < 0:
            log.warning(
                "the token at %s changed after this process read it under the refresh lock "
                "(its lease of %gs ran out, and another process saved meanwhile): kept the "
                "newer token, did not save this one",
                self.token_key,
                self.lease,
            )
            return
        self._kept.saw(token, version)
        if lease is not None:
            lease.version = version

    async def clear(self) -> None:
        """Forget the token (logout), whatever was read before; but not a token for a token
        endpoint other than :attr:`token_url`.

        Raises:
            StoreUnavailableError: Redis could not be reached (or timed out).
            ConfigurationError: Redis refused the password or the command, or the token there
                is for another token endpoint (it is kept).
        """
        args = ["", "", self._label]
        version = await self._run("delete", self._clear_script(keys=[self.token_key], args=args))
        if int(version) == -2:
            raise await self._other_endpoint()
        self._kept.saw(None, version)
        lease = self._lease()
        if lease is not None:
            lease.version = int(version)

    async def refuse(self, record: dict[str, Any]) -> None:
        """Keep ``record``, the token endpoint's refusal of the grant loaded under the lock,
        beside it for the fleet's other processes (:mod:`~aries_async.auth.shared_refusals`);
        nothing when the token changed since that load, or outside the lock.

        Raises:
            StoreUnavailableError: Redis could not be reached (or timed out).
            ConfigurationError: Redis refused the password or the command.
        """
        lease = self._lease()
        if lease is None or lease.version is None:
            return
        args = [orjson.dumps(record).decode(), str(lease.version)]
        script = self._refuse_script(keys=[self.token_key], args=args)
        await self._run("keep the refusal of", script)

    async def refusal(self) -> dict[str, Any] | None:
        """The refusal another process kept for the token in the store (see :meth:`refuse`).

        Raises:
            StoreUnavailableError: Redis could not be reached (or timed out).
            ConfigurationError: Redis refused the password or the command.
        """
        raw = await self._run("read the refusal of", self._redis.hget(self.token_key, "refused"))
        try:
            record = orjson.loads(raw) if raw is not None else None
        except orjson.JSONDecodeError:
            return None
        return record if isinstance(record, dict) else None

    def lock(self) -> contextlib.AbstractAsyncContextManager[None]:
        """The refresh lock: exclusive across this process's tasks and every process on the
        same Redis and keys, a lease renewed while held (see the module notes). A wait cancelled
        as Redis gave it the lock releases it in the background (:meth:`aclose` waits for it).

        Raises:
            StoreUnavailableError: Redis could not be reached (or timed out).
            ConfigurationError: Redis refused the password or the command.
        """
        return self._refresh_lock.hold()

    def _lease(self) -> Lease | None:
        """This store's lock as held by the current task, if it is."""
        return self._refresh_lock.held()

    async def lock_owner(self) -> str | None:
        """Who holds the refresh lock now, as ``"<host>:<pid>:<random>"`` (None: nobody).

        Raises:
            StoreUnavailableError: Redis could not be reached (or timed out).
        """
        owner = await self._run("read the lock of", self._redis.get(self.lock_key))
        return None if owner is None else bytes(owner).decode(errors="replace")

    # -- lifetime -------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Finish releasing the locks of cancelled lock waits (for ``close_timeout`` seconds at
        most: a lock Redis has not released by then ends with its lease), then close the Redis
        connections the store opened from a URL (a client you gave stays open)."""
        try:
            await self._refresh_lock.drain(self.close_timeout)
        finally:
            if self._owned:
                await self._redis.aclose()

    def __repr__(self) -> str:
        return f"RedisTokenStore({self._where}, key={self.token_key!r}, lease={self.lease:g}s)"
