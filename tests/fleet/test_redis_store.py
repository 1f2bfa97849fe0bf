"""RedisTokenStore on a real redis-server: keys, URLs, the lease, the check-and-set, failures.

The lease ending is Redis's own expiry, brought forward with ``PEXPIRE`` where a test needs it
now (a holder that "died"), so no test waits for a lease to run out; the holder's lease
renewals wait on a ``FakeTime`` sleep that the test advances, shrinking the lease in Redis as
much with ``PEXPIRE`` (``_time_passes``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
import redis.asyncio
from redis_server import ReplyGate, cancel_unanswered_lock_wait, reply_gate
from stream_helpers import FakeTime, until

from aries_async import AriesClient
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.tokens import Token
from aries_async.errors import ConfigurationError, ConnectionFailedError, NotSignedInError
from aries_async.sim import Simulator
from aries_async.testing import LogCapture, capture_logs, shows_secret

LEASE = 60.0


def _token(n: int) -> Token:
    return Token(
        access_token=f"access-{n}-" + "a" * 40,
        refresh_token=f"refresh-{n}-" + "r" * 40,
        expires_at=2_000_000_000.0,
    )


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    """A plain client of the test server, to look at keys as an operator would."""
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


async def _lease_ends(raw: redis.asyncio.Redis, store: RedisTokenStore) -> None:
    """Bring the lock's lease to its end now (its holder "died" long ago)."""
    await raw.pexpire(store.lock_key, 1)
    async with asyncio.timeout(5):
        while await raw.exists(store.lock_key):  # noqa: ASYNC110 - Redis expiring a key
            await asyncio.sleep(0.002)


@contextlib.asynccontextmanager
async def _holding(
    redis_url: str,
) -> AsyncIterator[tuple[RedisTokenStore, RedisTokenStore, LogCapture]]:
    """Two stores of one app, ``(holder, other, logs)``: the holder saved token 1, took the
    lock and loaded the token under it; the logs are captured until the lock is released."""
    async with (
        RedisTokenStore(redis_url, client_id="app") as holder,
        RedisTokenStore(redis_url, client_id="app") as other,
    ):
        await holder.save(_token(1))
        with capture_logs() as logs:
            async with holder.lock():
                assert await holder.load() == _token(1)
                yield holder, other, logs


async def test_one_hash_per_grant_under_the_prefix(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with (
        RedisTokenStore(redis_url, client_id="app-1") as user,
        RedisTokenStore(redis_url, client_id="app-1", grant="app") as app,
        RedisTokenStore(redis_url, client_id="app-2", prefix="bots") as other,
    ):
        await user.save(_token(1))
        await app.save(_token(2))
        assert await other.load() is None
        assert (user.token_key, user.lock_key) == (
            "aries-async:{app-1/user}:token",
            "aries-async:{app-1/user}:lock",
        )
        assert other.token_key == "bots:{app-2/user}:token"
        keys = sorted(await raw.keys("*"))
        assert keys == ["aries-async:{app-1/app}:token", "aries-async:{app-1/user}:token"]
        saved = await raw.hgetall(user.token_key)
        assert saved["version"] == "1"
        assert json.loads(saved["token"])["access_token"] == _token(1).access_token
        assert await app.load() == _token(2)


async def test_the_lock_is_a_lease_naming_its_holder(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with RedisTokenStore(redis_url, client_id="app", lease=7.5) as store:
        assert await store.lock_owner() is None
        async with store.lock():
            ttl = await raw.pttl(store.lock_key)
            owner = await store.lock_owner()
        assert 7000 < ttl <= 7500
        assert owner is not None
        host, pid, _ = owner.split(":")
        assert (host, int(pid)) == (socket.gethostname(), os.getpid())
        assert await raw.exists(store.lock_key) == 0


async def test_a_dead_holders_lock_is_free_when_its_lease_ends(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with (
        RedisTokenStore(redis_url, client_id="app") as dead,
        RedisTokenStore(redis_url, client_id="app", poll_interval=0.005) as other,
    ):
        held = dead.lock()
        await held.__aenter__()  # and never leaves: the process "died" holding it

        async def take() -> None:
            async with other.lock():
                await other.save(_token(2))

        waiting = asyncio.ensure_future(take())
        for _ in range(20):
            await asyncio.sleep(0)
        assert not waiting.done()
        await _lease_ends(raw, dead)
        await asyncio.wait_for(waiting, 5)
        assert await other.load() == _token(2)


async def test_a_holder_whose_lease_ran_out_does_not_overwrite_the_next_holders_token(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with _holding(redis_url) as (late, next_holder, logs):
        await _lease_ends(raw, late)
        async with next_holder.lock():
            assert await next_holder.load() == _token(1)
            await next_holder.save(_token(2))
            await late.save(_token(3))  # too late: skipped
            assert await next_holder.lock_owner() is not None
        assert await late.load() == _token(2)
    # late's release found the lock gone (or another's) and left it alone
    warnings = [line for line in logs.lines if "WARNING" in line]
    assert any("kept the newer token" in line for line in warnings), warnings
    assert any("longer than its lease" in line for line in warnings), warnings


@pytest.mark.parametrize("signed_in_again", [False, True], ids=["cleared", "then-signed-in"])
async def test_a_logout_is_not_undone_by_a_holder_that_read_before_it(
    redis_url: str, signed_in_again: bool
) -> None:
    """A clear moves the version on, and never back: the holder's check fails after a logout
    alone, and after a logout and a sign-in (which must not land on the version it read)."""
    async with _holding(redis_url) as (holder, elsewhere, logs):
        await elsewhere.clear()  # a logout that did not wait for the lock
        if signed_in_again:
            await elsewhere.save(_token(5))
        await holder.save(_token(2))  # read before the logout: skipped
        assert await elsewhere.load() == (_token(5) if signed_in_again else None)
    assert any("kept the newer token" in line for line in logs.lines), logs.lines


async def test_the_holders_own_saves_and_clear_are_what_its_next_save_is_checked_against(
    redis_url: str,
) -> None:
    """Under one hold, each save or clear of the holder's own becomes the version its next
    save expects: its own writes do not stop it, another's still do."""
    async with _holding(redis_url) as (holder, elsewhere, logs):
        await holder.save(_token(2))
        await holder.save(_token(3))  # no load between: checked against its save
        assert await elsewhere.load() == _token(3)
        await holder.clear()
        await holder.save(_token(4))  # checked against its own clear
        assert await elsewhere.load() == _token(4)
        skipped = [line for line in logs.lines if "kept the newer token" in line]
        assert skipped == []
        await elsewhere.save(_token(5))  # a sign-in meanwhile
        await holder.save(_token(6))  # skipped
        assert await elsewhere.load() == _token(5)
        await holder.clear()  # a clear always wins, and is checked against next
        await elsewhere.save(_token(7))
        await holder.save(_token(8))  # skipped
        assert await elsewhere.load() == _token(7)
    skipped = [line for line in logs.lines if "kept the newer token" in line]
    assert len(skipped) == 2, logs.lines


async def test_a_late_release_leaves_the_next_holders_lock_in_place(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """The holder whose lease ran out leaves after the next one took the lock: its release
    must not free the next holder's lock (the script deletes it only under its own name)."""
    async with (
        RedisTokenStore(redis_url, client_id="app") as late,
        RedisTokenStore(redis_url, client_id="app") as next_holder,
    ):
        entered, leave = asyncio.Event(), asyncio.Event()

        async def hold_past_the_lease() -> None:
            async with late.lock():
                entered.set()
                await leave.wait()

        holding = asyncio.ensure_future(hold_past_the_lease())
        await entered.wait()
        await _lease_ends(raw, late)
        with capture_logs() as logs:
            async with next_holder.lock():
                owner = await next_holder.lock_owner()
                assert owner is not None
                leave.set()
                await holding  # the late holder leaves, releasing "its" lock
                assert await next_holder.lock_owner() == owner
                assert await raw.pttl(next_holder.lock_key) > 0
        assert any("longer than its lease" in line for line in logs.lines), logs.lines
        assert await next_holder.lock_owner() is None  # the next holder's own release


async def _cancel_as_redis_answers(gate: ReplyGate, store: RedisTokenStore) -> None:
    """Cancel a wait for ``store``'s lock once Redis has answered its SET, before the answer
    reaches the store; then let the replies through."""
    await cancel_unanswered_lock_wait(gate, store)
    gate.let_go()


async def test_a_wait_cancelled_after_its_lock_was_taken_frees_it(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """Cancelled after Redis set the lock but before the answer came back: the store
    releases it (by the time it is closed), instead of leaving the fleet to wait a lease."""
    async with reply_gate(redis_url) as gate:
        async with RedisTokenStore(gate.url, client_id="app") as store:
            # Taken once first, so that Redis knows the lock's script: on a fresh server the
            # held reply would be the first EVALSHA's NOSCRIPT, before the script set anything.
            async with store.lock():
                pass
            await cancel_unanswered_lock_wait(gate, store)
            # The SET took it; looked at before its answer goes through, which lets the store
            # release it at once.
            assert await raw.get(store.lock_key) is not None
            gate.let_go()
        assert await raw.get(store.lock_key) is None


async def test_a_wait_cancelled_while_another_holds_the_lock_leaves_it_quietly(
    redis_url: str,
) -> None:
    """The cancelled wait's SET did not take the lock: the holder keeps it, and no warning
    says this process held it past its lease."""
    async with (
        reply_gate(redis_url) as gate,
        RedisTokenStore(redis_url, client_id="app") as holder,
        holder.lock(),
    ):
        owner = await holder.lock_owner()
        with capture_logs() as logs:
            async with RedisTokenStore(gate.url, client_id="app") as store:
                await _cancel_as_redis_answers(gate, store)
        assert await holder.lock_owner() == owner
        warnings = [line for line in logs.lines if "WARNING" in line]
        assert warnings == []


async def test_saves_outside_a_load_under_the_lock_always_replace(redis_url: str) -> None:
    async with (
        RedisTokenStore(redis_url, client_id="app") as one,
        RedisTokenStore(redis_url, client_id="app") as two,
    ):
        await one.save(_token(1))
        async with one.lock():
            await two.save(_token(2))
            await one.save(_token(3))  # a sign-in under the lock: nothing read, so it wins
        assert await two.load() == _token(3)


async def test_a_client_of_yours_stays_open_and_a_url_hides_its_password(redis_url: str) -> None:
    password = redis_url.split(":")[2].split("@")[0]
    client = redis.asyncio.Redis.from_url(redis_url)
    async with RedisTokenStore(client, client_id="app") as given:
        await given.save(_token(1))
        assert "127.0.0.1" in repr(given)
    assert await client.ping()  # not closed by the store
    await client.aclose()
    for url in (redis_url, redis_url.replace("redis://:", "rediss://user:") + "?password=x"):
        store = RedisTokenStore(url, client_id="app")
        assert not shows_secret(repr(store), password), repr(store)
        await store.aclose()
    tls = RedisTokenStore("rediss://:pw-secret-123456@cache.example:6380/2", client_id="a")
    assert repr(tls).startswith("RedisTokenStore(rediss://cache.example:6380/2,")
    assert "SSL" in tls._redis.connection_pool.connection_class.__name__
    assert not shows_secret(repr(tls), "pw-secret-123456")


async def test_an_unreachable_redis_or_a_wrong_password_is_a_typed_error_without_it(
    redis_url: str,
) -> None:
    url = "redis://:pw-secret-123456@127.0.0.1:1/0"  # nothing listens on port 1
    async with RedisTokenStore(url, client_id="app") as store:
        with pytest.raises(ConnectionFailedError) as raised:
            await store.load()
    assert raised.value.request_sent is False
    assert "127.0.0.1:1" in str(raised.value)
    assert not shows_secret(str(raised.value), "pw-secret-123456")
    wrong = redis_url.replace(redis_url.split(":")[2].split("@")[0], "wrong-password-1234")
    async with RedisTokenStore(wrong, client_id="app") as store:
        with pytest.raises(ConfigurationError, match="AuthenticationError"):
            async with store.lock():
                pass


def test_bad_arguments_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="not a Redis URL"):
        RedisTokenStore("http://:secret-password@host/", client_id="app")
    with pytest.raises(ConfigurationError, match="braces"):
        RedisTokenStore("redis://localhost", client_id="a{b}")
    for unset in (None, ""):  # ClientConfig.from_env() without ARIES_CLIENT_ID
        with pytest.raises(ConfigurationError, match="ARIES_CLIENT_ID"):
            RedisTokenStore("redis://localhost", client_id=unset)
    with pytest.raises(ConfigurationError, match=r"^lease must be a finite number of seconds > 0"):
        RedisTokenStore("redis://localhost", client_id="app", lease=0)


@pytest.mark.parametrize(
    "url",
    [
        "redis//:pw-secret-123456@cache.example:6379/0",
        "redis:/:pw-secret-123456@cache.example",
        "redis:pw-secret-123456@cache.example",
        ":pw-secret-123456@cache.example:6379",
        "pw-secret-123456",
    ],
)
def test_a_url_without_its_slashes_is_refused_without_its_password(url: str) -> None:
    with pytest.raises(ConfigurationError, match="not a Redis URL") as raised:
        RedisTokenStore(url, client_id="app")
    assert not shows_secret(str(raised.value), "pw-secret-123456"), raised.value


def test_without_redis_py_the_error_names_the_extra() -> None:
    script = (
        "import sys; sys.modules['redis'] = None\n"
        "import aries_async\n"
        "from aries_async.auth import RedisTokenStore\n"
        "from aries_async.http.budget_redis import RedisRateBudget\n"
        "try:\n"
        "    RedisTokenStore('redis://localhost', client_id='app')\n"
        "except aries_async.errors.ConfigurationError as exc:\n"
        "    print(exc)\n"
        "try:\n"
        "    RedisRateBudget('redis://localhost')\n"
        "except aries_async.errors.ConfigurationError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.count("pip install 'aries-async[redis]'") == 2, out


async def test_a_renewal_refused_because_the_next_holder_rotated_takes_its_token(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """The lease ran out while a renewal was at the server; another process renewed (rotating
    the refresh token), so the late renewal is refused: it takes the other's token, and its
    call succeeds instead of signing out."""
    async with Simulator(seed=3, rotate_refresh_tokens=True, tick_interval=None) as sim:
        late_store = RedisTokenStore(redis_url, client_id=sim.client_id)
        next_store = RedisTokenStore(redis_url, client_id=sim.client_id)
        await late_store.save(sim.issue_token(ttl=0))
        hold = asyncio.Event()
        sim.faults.hold_token_requests = hold
        async with (
            late_store,
            next_store,
            AriesClient(sim.client_config(), token_store=late_store) as late,
            AriesClient(sim.client_config(), token_store=next_store) as other,
        ):
            call = asyncio.ensure_future(late.accounts.list())
            await until(lambda: sim.token_requests == 1)
            sim.faults.hold_token_requests = None  # the next renewal goes through
            await _lease_ends(raw, late_store)
            assert await other.accounts.list()
            renewed = await next_store.load()
            hold.set()  # the late renewal reaches the grant: its refresh token is spent
            assert await asyncio.wait_for(call, 10)
            assert (await late.auth.token()) == renewed
            assert (late.auth.refreshes, other.auth.refreshes) == (0, 1)
            assert await late_store.load() == renewed
        assert sim.token_requests == 2


async def _time_passes(
    raw: redis.asyncio.Redis, store: RedisTokenStore, time: FakeTime, seconds: float
) -> None:
    """``seconds`` go by for Redis and for ``store``'s sleeps: the lock's time to live shrinks
    by that much (the lease ends if none is left), then the sleeps due by then return, and the
    lease renewal they woke, if any, is asleep again."""
    left = await raw.pttl(store.lock_key)
    if left > seconds * 1000:
        await raw.pexpire(store.lock_key, left - round(seconds * 1000))
    elif left > 0:
        await raw.delete(store.lock_key)  # what Redis does when a lease ends
    woken = any(delay <= seconds for delay in time.waiting())
    time.advance(seconds)
    if woken:
        await until(lambda: bool(time.waiting()))


async def _asking_for_the_lock(raw: redis.asyncio.Redis, name: str, sim: Simulator) -> None:
    """Until the Redis connection ``name`` was refused the lock (its last command the lock
    script's ``EVALSHA``), or a second token request reached the simulator (it took the lock
    instead)."""
    async with asyncio.timeout(5):
        while sim.token_requests < 2:
            clients = await raw.client_list()
            if any(c["name"] == name and c["cmd"] == "evalsha" for c in clients):
                return
            await asyncio.sleep(0.002)


async def test_a_renewal_slower_than_the_lease_keeps_the_lock_and_signs_nobody_out(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """The token request is held at the server for two leases: its process renews the lease
    meanwhile, so another one waits and takes its token instead of refreshing the same grant
    (with rotation one of the two would be refused and its process told to sign in again)."""
    time = FakeTime()
    async with Simulator(seed=3, rotate_refresh_tokens=True, tick_interval=None) as sim:
        holder_store = RedisTokenStore(
            redis_url, client_id=sim.client_id, lease=LEASE, sleep=time.sleep
        )
        named = redis.asyncio.Redis.from_url(redis_url, client_name="other")
        other_store = RedisTokenStore(named, client_id=sim.client_id, poll_interval=0.005)
        await holder_store.save(sim.issue_token(ttl=0))
        hold = asyncio.Event()
        sim.faults.hold_token_requests = hold
        async with (
            named,
            holder_store,
            other_store,
            AriesClient(sim.client_config(), token_store=holder_store) as holder,
            AriesClient(sim.client_config(), token_store=other_store) as other,
        ):
            call = asyncio.ensure_future(holder.accounts.list())
            await until(lambda: sim.token_requests == 1)
            for _ in range(8):
                await _time_passes(raw, holder_store, time, LEASE / 4)
            waiting = asyncio.ensure_future(other.accounts.list())
            await _asking_for_the_lock(raw, "other", sim)
            hold.set()
            assert await asyncio.wait_for(call, 10)
            assert await asyncio.wait_for(waiting, 10)
            assert (holder.auth.refreshes, other.auth.refreshes) == (1, 0)
            assert await other.auth.token() == await holder.auth.token()
            assert await raw.exists(holder_store.lock_key) == 0
        assert sim.token_requests == 1


FLEET = 8


async def _fleet_at_the_lock(raw: redis.asyncio.Redis, sim: Simulator) -> None:
    """Until one token request reached the simulator and every other process of the fleet was
    refused the lock (its Redis connection's last command the lock script's ``EVALSHA``)."""
    async with asyncio.timeout(5):
        while True:
            clients = await raw.client_list()
            refused = [c for c in clients if c["name"].startswith("bot") and c["cmd"] == "evalsha"]
            if sim.token_requests == 1 and len(refused) == FLEET - 1:
                return
            await asyncio.sleep(0.002)


async def test_a_fleet_asking_for_a_token_other_than_its_sockets_renews_it_once(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """On ``refreshAuth`` every stream of every process asks for a token other than the one its
    socket uses, ahead of its renewal time: one renewal for the fleet, held at the server until
    every other process waits for the lock; they take its token from Redis (with rotation, a
    second renewal of the same grant would be refused and sign its process out)."""
    async with (
        Simulator(seed=3, rotate_refresh_tokens=True, tick_interval=None) as sim,
        contextlib.AsyncExitStack() as stack,
    ):
        clients = []
        for i in range(FLEET):
            named = redis.asyncio.Redis.from_url(redis_url, client_name=f"bot{i}")
            stack.push_async_callback(named.aclose)
            store = RedisTokenStore(named, client_id=sim.client_id, poll_interval=0.005)
            await stack.enter_async_context(store)
            if i == 0:
                await store.save(sim.issue_token())
            clients.append(
                await stack.enter_async_context(AriesClient(sim.client_config(), token_store=store))
            )
        (used,) = {(await client.auth.token()).access_token for client in clients}
        hold = asyncio.Event()
        sim.faults.hold_token_requests = hold
        calls = [
            asyncio.ensure_future(client.auth.access_token_other_than(used))
            for client in clients
            for _ in range(125)
        ]
        await _fleet_at_the_lock(raw, sim)
        hold.set()
        got = await asyncio.wait_for(asyncio.gather(*calls), 10)
        saved = await store.load()
        assert sim.token_requests == 1
        assert saved is not None and set(got) == {saved.access_token} != {used}
        assert sorted(client.auth.refreshes for client in clients) == [0] * (FLEET - 1) + [1]
        for client in clients:
            assert (await client.auth.token()) == saved


async def test_a_holder_renews_its_lease_only_while_the_lock_names_it(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """Renewed every third of the lease while the lock is its own; once the lease ended and
    another process took the lock, the renewal leaves that lock alone, stops and says so
    (once: the release does not warn again); leaving the lock stops the renewal."""
    time = FakeTime()
    async with (
        RedisTokenStore(redis_url, client_id="app", lease=LEASE, sleep=time.sleep) as holder,
        RedisTokenStore(redis_url, client_id="app") as other,
    ):
        with capture_logs() as logs:
            async with holder.lock():
                owner = await holder.lock_owner()
                await until(lambda: time.waiting() == [LEASE / 3])
                await raw.pexpire(holder.lock_key, 5000)  # most of the lease gone
                time.advance(LEASE / 3)
                await until(lambda: bool(time.waiting()))
                assert await raw.pttl(holder.lock_key) > (LEASE - 5) * 1000
                assert await holder.lock_owner() == owner
                await _lease_ends(raw, holder)  # a renewal came too late (a frozen process)
                async with other.lock():
                    theirs = await other.lock_owner()
                    await raw.pexpire(other.lock_key, 5000)
                    time.advance(LEASE / 3)
                    await until(lambda: any("before it was renewed" in x for x in logs.lines))
                    assert 0 < await raw.pttl(other.lock_key) <= 5000
                    assert await other.lock_owner() == theirs
                    assert time.waiting() == []
            assert await other.lock_owner() is None
            async with holder.lock():
                await until(lambda: bool(time.waiting()))
            assert time.waiting() == []
    warnings = [line for line in logs.lines if "WARNING" in line]
    assert len(warnings) == 1, warnings
    assert owner is not None and owner.rsplit(":", 1)[1] not in warnings[0]


async def test_a_renewal_redis_refuses_is_tried_again_a_third_of_the_lease_later(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """Redis refuses a renewal (here: the lock key holds a hash): a warning names the error,
    not the owner, and the next renewal is on time and succeeds."""
    time = FakeTime()
    async with RedisTokenStore(redis_url, client_id="app", lease=LEASE, sleep=time.sleep) as holder:
        with capture_logs() as logs:
            async with holder.lock():
                owner = await holder.lock_owner()
                assert owner is not None
                await until(lambda: bool(time.waiting()))
                await raw.delete(holder.lock_key)
                await raw.hset(holder.lock_key, "not", "a lock")
                time.advance(LEASE / 3)
                await until(lambda: any("could not renew" in line for line in logs.lines))
                await until(lambda: time.waiting() == [LEASE / 3])
                await raw.delete(holder.lock_key)
                await raw.set(holder.lock_key, owner, px=5000)
                time.advance(LEASE / 3)
                await until(lambda: bool(time.waiting()))
                assert await raw.pttl(holder.lock_key) > (LEASE - 5) * 1000
        assert await raw.exists(holder.lock_key) == 0
    warnings = [line for line in logs.lines if "WARNING" in line]
    assert len(warnings) == 1 and "ResponseError" in warnings[0], warnings
    assert owner.rsplit(":", 1)[1] not in warnings[0]


async def test_a_value_that_is_no_token_loads_as_none_and_signed_out_names_the_key(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with (
        Simulator(seed=3, tick_interval=None) as sim,
        RedisTokenStore(redis_url, client_id=sim.client_id) as store,
    ):
        await raw.hset(store.token_key, mapping={"token": "not json", "version": "3"})
        with capture_logs() as logs:
            assert await store.load() is None
        assert any("is not a saved token" in line for line in logs.lines)
        async with AriesClient(sim.client_config(), token_store=store) as client:
            with pytest.raises(NotSignedInError, match=r"in Redis at aries-async:\{"):
                await client.accounts.list()
