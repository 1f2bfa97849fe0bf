"""A token store that fails while the access token in hand is inside its renewal margin: the
token in hand serves through it as through a token endpoint outage (``test_token_outage.py``),
the store being tried again after the retry policy's backoff.

A token file that the file system fails to read (an I/O error, as a failing disk or a network
file system gives) is an outage of the store too; one that cannot be read for lack of
permission, or for a directory in its place, is a mistake (``ConfigurationError``), as before.

Every simulator runs on a :class:`ManualClock` that is the client's token clock too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from test_token_outage import LIFE, MARGIN, TOKEN, bot, on_sim, signed_in

from aries_async import FileTokenStore, StoreUnavailableError
from aries_async.auth.renewal_outage import SERVE_FLOOR


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
