"""A token store that fails or hangs while the access token in hand is inside its renewal
margin: the token in hand serves through it as through a token endpoint outage
(``test_token_outage.py``), the store being tried again after the retry policy's backoff.

A store that does not answer is the same outage as one that cannot be reached: the session
waits for it :data:`RENEWAL_PATIENCE` at most, as for a token endpoint that does not answer.
A token file that the file system fails to read (an I/O error, as a failing disk or a network
file system gives) is an outage of the store too; one that cannot be read for lack of
permission, or for a directory in its place, is a mistake (``ConfigurationError``), as before.

Every simulator runs on a :class:`ManualClock` that is the client's token clock too; the
waits for a store that does not answer run on virtual time (``loop_clock``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from test_token_outage import LIFE, MARGIN, TOKEN, bot, on_sim, signed_in

from aries_async import FileTokenStore, MemoryTokenStore, StoreUnavailableError, Token
from aries_async.auth.renewal_outage import RENEWAL_PATIENCE, SERVE_FLOOR


class StallingStore(MemoryTokenStore):
    """A store of one's own whose reads, or whose lock, stop answering once told to (a
    service that hangs); it counts its reads."""

    def __init__(self, token: Token | None = None) -> None:
        super().__init__(token)
        self.loads = 0
        self.stall_loads = False
        self.stall_lock = False
        self._never = asyncio.Event()

    async def load(self) -> Token | None:
        self.loads += 1
        if self.stall_loads:
            await self._never.wait()
        return await super().load()

    @contextlib.asynccontextmanager
    async def lock(self) -> AsyncIterator[None]:
        if self.stall_lock:
            await self._never.wait()
        async with super().lock():
            yield


def outage_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_store_whose_reads_hang_holds_the_calls_a_moment_only(
    loop_clock: Callable[[], float], caplog: pytest.LogCaptureFixture
) -> None:
    async with on_sim() as sim:
        store = StallingStore(signed_in(sim))
        async with bot(sim, token_store=store) as client:
            token = await client.auth.token()
            sim.advance(LIFE - 30)  # due, good for 30 s more
            store.stall_loads = True
            started = loop_clock()
            with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
                results = await asyncio.gather(*(client.accounts.list() for _ in range(20)))
                assert len(results) == 20
                assert loop_clock() - started == pytest.approx(RENEWAL_PATIENCE)
                loads = store.loads
                assert await client.accounts.list()  # the backoff runs: at once, from memory
                assert loop_clock() - started == pytest.approx(RENEWAL_PATIENCE)
                assert store.loads == loads
            assert (await client.auth.token()).access_token == token.access_token
            (warning,) = outage_warnings(caplog)
            assert "token store" in warning and "endpoint" not in warning
            assert sim.requests[TOKEN] == 0


async def test_a_store_whose_lock_hangs_is_named_in_the_warning(
    loop_clock: Callable[[], float], caplog: pytest.LogCaptureFixture
) -> None:
    async with on_sim() as sim:
        store = StallingStore(signed_in(sim))
        async with bot(sim, token_store=store) as client:
            sim.advance(LIFE - 30)
            store.stall_lock = True  # read, then the renewal waits for a lock that never comes
            started = loop_clock()
            with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
                assert await client.accounts.list()
                assert loop_clock() - started == pytest.approx(RENEWAL_PATIENCE)
                assert await client.accounts.list()  # the renewal still waits: at once
                assert loop_clock() - started == pytest.approx(RENEWAL_PATIENCE)
            (warning,) = outage_warnings(caplog)
            assert "token store" in warning and "endpoint" not in warning
            assert sim.requests[TOKEN] == 0


CALL = 1.0
"""A call's timeout shorter than RENEWAL_PATIENCE."""


@pytest.mark.parametrize("stalls", ["loads", "lock"])
async def test_a_short_call_waits_for_a_hung_store_part_of_its_own_time(
    loop_clock: Callable[[], float], stalls: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A call whose timeout is shorter than RENEWAL_PATIENCE does not wait for the store (its
    read, or the renewal on its lock) up to its own timeout: half of what it has left, then the
    token in hand serves, and the outage is recorded: the next calls do not wait at all."""
    async with on_sim() as sim:
        store = StallingStore(signed_in(sim))
        async with bot(sim, token_store=store) as client:
            token = await client.auth.token()
            sim.advance(LIFE - 30)  # due, good for 30 s more
            setattr(store, f"stall_{stalls}", True)
            with client.timeout(CALL), caplog.at_level(logging.WARNING, logger="aries_async"):
                started = loop_clock()
                assert await client.accounts.list()
                assert loop_clock() - started == pytest.approx(CALL / 2, abs=0.01)
                for _ in range(5):
                    assert await client.accounts.list()  # at once, from memory
                assert loop_clock() - started == pytest.approx(CALL / 2, abs=0.01)
            assert (await client.auth.token()).access_token == token.access_token
            (warning,) = outage_warnings(caplog)
            assert "token store" in warning and "endpoint" not in warning
            assert sim.requests[TOKEN] == 0


async def test_a_token_first_read_from_the_store_is_in_hand_when_the_store_fails_next(
    loop_clock: Callable[[], float],
) -> None:
    """A process that starts inside the margin has no token of its own: the one it read from
    the store, served while the store's lock does not come, is its token in hand when the
    store's reads stop answering too."""
    async with on_sim() as sim:
        store = StallingStore(signed_in(sim))
        sim.advance(LIFE - 30)  # due already when the process starts
        async with bot(sim, token_store=store) as client:
            store.stall_lock = True
            started = loop_clock()
            assert await client.accounts.list()  # read, then the lock never comes
            store.stall_loads = True
            for _ in range(10):
                assert await client.accounts.list()  # at once: the token read first, in hand
            assert loop_clock() - started == pytest.approx(RENEWAL_PATIENCE)
            assert sim.requests[TOKEN] == 0


def fails_to_read(path: Path) -> Path:
    """Put a file whose every read fails with EIO (a failing disk's, or a network file
    system's that lost its server) in the place of ``path``; its content is moved aside."""
    aside = path.with_name(path.name + ".aside")
    path.rename(aside)
    # Reading /proc/self/mem at offset 0 (never mapped) fails with EIO: a real I/O error.
    path.symlink_to("/proc/self/mem")
    return aside


async def test_a_token_file_that_fails_to_read_is_an_outage_of_the_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "token.json"
    async with on_sim() as sim:
        store = FileTokenStore(path)
        old = signed_in(sim)
        await store.save(old)
        async with bot(sim, token_store=store) as client:
            assert await client.accounts.list()
            sim.advance(LIFE - MARGIN + 1)
            aside = fails_to_read(path)
            with caplog.at_level(logging.INFO, logger="aries_async.auth"):
                assert await client.accounts.list()  # the token in hand
                assert await client.accounts.list()
                assert sim.requests[TOKEN] == 0
                path.unlink()
                aside.rename(path)  # the disk is back
                sim.advance(client.config.retry.max_backoff)
                assert await client.accounts.list()  # renewed, and saved
            fresh = await client.auth.token()
            assert fresh.access_token != old.access_token and client.auth.refreshes == 1
            saved = await store.load()
            assert saved is not None and saved.access_token == fresh.access_token
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        (warning,) = warnings
        assert str(path) in warning and "Input/output error" in warning
        assert old.access_token not in warning
        assert any("token store answered again" in r.getMessage() for r in caplog.records)


async def test_past_the_floor_a_token_file_that_fails_to_read_is_the_calls_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "token.json"
    async with on_sim() as sim:
        store = FileTokenStore(path)
        await store.save(signed_in(sim))
        async with bot(sim, token_store=store) as client:
            assert await client.accounts.list()
            sim.advance(LIFE - SERVE_FLOOR + 1)
            fails_to_read(path)
            with pytest.raises(StoreUnavailableError) as raised:
                await client.accounts.list()
            assert raised.value.request_sent is False
            assert f"cannot read the token file {path}" in str(raised.value)
            os.unlink(path)
