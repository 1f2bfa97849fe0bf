"""Token renewal a bot can leave running: app tokens, short lifetimes, dead grants, logout.

Every simulator here runs on a :class:`ManualClock` and every client reads the same clock, so
tokens expire when the test moves time, never by waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sim_http import Gate

from aries_async import AriesClient, Token
from aries_async.auth.filestore import FileTokenStore
from aries_async.auth.store import MemoryTokenStore, sign_out
from aries_async.errors import (
    AuthError,
    NotSignedInError,
    PermissionDeniedError,
    ReauthenticationRequired,
    ServerError,
    TokenRefreshError,
)
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.faults import ServerErrorFault

ACCOUNTS = ("GET", "/v2/users/me/accounts")
TOKEN = ("POST", "/v1/oauth2/token")


async def no_sleep(_: float) -> None:
    """The retry sleep: the waits between attempts take no time."""


@contextlib.asynccontextmanager
async def manual_sim(token_ttl: float = 3600.0) -> AsyncIterator[Simulator]:
    async with Simulator(
        seed=11, clock=ManualClock(), tick_interval=None, token_ttl=token_ttl
    ) as sim:
        yield sim


def client_on(sim: Simulator, **kwargs: object) -> AriesClient:
    """A client whose token clock is the simulator's."""
    return AriesClient(sim.client_config(pool_size=100), wall_clock=sim.clock.now, **kwargs)  # type: ignore[arg-type]


def user_token(sim: Simulator, ttl: float | None = None) -> Token:
    """A refreshable user token the simulator issued, timed on the simulator's clock."""
    return Token.from_response(sim.issue_token_response(ttl=ttl), now=sim.clock.now())


@pytest.mark.parametrize("rotate", [True, False])
async def test_a_user_token_renews_again_and_again_with_or_without_rotation(rotate: bool) -> None:
    async with Simulator(
        seed=11, clock=ManualClock(), tick_interval=None, rotate_refresh_tokens=rotate
    ) as sim:
        store = MemoryTokenStore()
        async with client_on(sim, token=user_token(sim), token_store=store) as client:
            refresh_tokens = []
            for _ in range(3):
                sim.advance(3600)  # expired: the next call renews it
                await client.accounts.list()
                saved = await store.load()
                assert saved is not None and saved.refresh_token
                refresh_tokens.append(saved.refresh_token)
            assert client.auth.refreshes == 3
        # a rotating server hands out a new refresh token each time; another keeps the first
        assert len(set(refresh_tokens)) == (3 if rotate else 1)


# -- 1. client-credentials tokens renew themselves ------------------------------------------


async def test_app_token_renews_at_expiry_once_for_a_thousand_callers() -> None:
    async with manual_sim() as sim, client_on(sim) as client:
        first = await client.oauth.client_credentials()
        assert first.refresh_token is None
        await client.accounts.list()
        sim.advance(3600)  # expired on both sides
        before = sim.token_requests
        results = await asyncio.gather(*(client.market.status() for _ in range(1000)))
        assert len(results) == 1000
        assert sim.token_requests - before == 1
        fresh = await client.auth.token()
        assert fresh.access_token != first.access_token
        assert fresh.refresh_token is None


async def test_app_token_refused_with_401_is_renewed_once_and_the_call_replayed() -> None:
    async with manual_sim() as sim, client_on(sim) as client:
        await client.oauth.client_credentials()
        await client.accounts.list()
        sim.revoke_tokens()
        before, calls = sim.token_requests, sim.requests[ACCOUNTS]
        assert await client.accounts.list()
        assert sim.token_requests - before == 1
        assert sim.requests[ACCOUNTS] - calls == 2  # the refused call and its one replay


async def test_app_token_saved_in_a_file_renews_after_reload(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    async with manual_sim() as sim:
        async with client_on(sim, token_store=FileTokenStore(path)) as first:
            await first.oauth.client_credentials(scopes="account:information")
        sim.advance(4000)
        # Another run of the bot: only the file and the client's configuration.
        async with client_on(sim, token_store=FileTokenStore(path)) as again:
            before = sim.token_requests
            assert await again.accounts.list()
            assert sim.token_requests - before == 1
        saved = await FileTokenStore(path).load()
        assert saved is not None and not saved.needs_refresh(sim.clock.now())
        assert saved.scopes == frozenset({"account:information"})


async def test_a_token_answer_without_scope_keeps_the_scopes_asked_for() -> None:
    # RFC 6749 5.1: a token answer names its scope only when it differs from the one asked for;
    # the official SDK reads nothing but access_token, token_type and expires_in.
    async with manual_sim() as sim, client_on(sim) as client:
        sim.faults.token_response_omit = frozenset({"scope"})
        first = await client.oauth.client_credentials(scopes="account:information")
        assert first.scopes == frozenset({"account:information"})
        sim.advance(3600)
        assert await client.accounts.list()  # renewed: the same scope, not every scope
        assert (await client.auth.token()).scopes == frozenset({"account:information"})
        with pytest.raises(PermissionDeniedError):
            await client.market.status()  # market:supplemental was never asked for
        request = client.oauth.authorization_url(scopes="market:information")
        async with (
            aiohttp.ClientSession() as browser,
            browser.get(request.url, allow_redirects=False) as consent,
        ):
            callback = consent.headers["Location"]
        token = await client.oauth.exchange_code(callback, request)
        assert token.scopes == frozenset({"market:information"})


# -- 2. a short lifetime is not a refresh per call ---------------------------------------------


async def test_token_ttl_60_is_not_a_refresh_per_call() -> None:
    async with manual_sim(token_ttl=60) as sim, client_on(sim, token=user_token(sim)) as client:
        before = sim.token_requests
        for _ in range(10):
            await client.accounts.list()
            sim.advance(2.9)  # 29 s in all: inside half the lifetime
        assert sim.token_requests == before
        sim.advance(1.1)
        for _ in range(10):
            await client.accounts.list()
        assert sim.token_requests - before == 1


# -- 3. a dead grant is reported, not hammered ----------------------------------------------


async def test_refused_refresh_token_is_not_sent_again() -> None:
    async with manual_sim() as sim, client_on(sim, token=user_token(sim)) as client:
        sim.advance(3600)
        sim.revoke_tokens(refresh_tokens=True)
        before = sim.token_requests
        with pytest.raises(ReauthenticationRequired):
            await client.accounts.list()
        assert sim.token_requests - before == 1
        for _ in range(5):
            with pytest.raises(ReauthenticationRequired):
                await client.accounts.list()
        with pytest.raises(ReauthenticationRequired):
            await client.auth.token()
        assert sim.token_requests - before == 1
        # A new sign-in brings it back.
        await client.auth.set_token(user_token(sim))
        assert await client.accounts.list()


async def test_a_dead_refresh_token_leaves_the_access_token_to_serve_to_its_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Inside the renewal margin the access token still serves: a refused refresh is said
    once (a warning), and the calls go on with that token until it really expires."""
    async with manual_sim() as sim:
        sim.auth.refresh_ttl = 1800.0  # the refresh token dies first
        async with client_on(sim, token=user_token(sim)) as client:
            sim.advance(3600 - 30)  # 30 s left: due for renewal, refused (invalid_grant)
            before = sim.token_requests
            with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
                for _ in range(3):
                    assert await client.accounts.list()
                assert (await client.auth.token()).expires_at == sim.clock.now() + 30
            assert sim.token_requests - before == 1  # the dead grant is not sent again
            (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
            assert "sign in again" in warning.getMessage()
            sim.advance(30)  # expired: now the refusal is the answer
            with pytest.raises(ReauthenticationRequired):
                await client.accounts.list()
            assert sim.token_requests - before == 1


async def test_callers_waiting_on_a_renewal_that_fails_share_its_failure() -> None:
    async with manual_sim() as sim, client_on(sim, token=user_token(sim), sleep=no_sleep) as client:
        sim.advance(3600)
        sim.faults.server_errors["POST /v1/oauth2/token"] = ServerErrorFault(count=None)
        before = sim.requests[TOKEN]
        results = await asyncio.gather(
            *(client.accounts.list() for _ in range(20)), return_exceptions=True
        )
        assert {type(result) for result in results} == {TokenRefreshError}
        # Each caller's error has the renewal's failure as its cause, with the renewal's
        # traceback and that caller's frames, not those of every caller before it.
        for result in results:
            assert isinstance(result, TokenRefreshError)
            cause = result.__cause__
            assert cause is not None
            frames = [frame.name for frame in traceback.extract_tb(cause.__traceback__)]
            assert frames.count("_current") <= 1, frames
        # One renewal (its attempts as the retry policy allows) for the twenty callers, not
        # one renewal each, one after the other, against a token endpoint that is down.
        assert sim.requests[TOKEN] - before == client.config.retry.max_attempts
        # A call that comes after the failure tries again.
        sim.faults.server_errors.clear()
        assert await client.accounts.list()
        assert sim.requests[TOKEN] - before == client.config.retry.max_attempts + 1


@pytest.mark.parametrize("body", [b"<html><body>Sign in to the Wi-Fi</body></html>", b"null", b""])
async def test_a_token_answer_that_is_no_json_object_is_an_auth_error(body: bytes) -> None:
    async with manual_sim() as sim, client_on(sim, token=user_token(sim)) as client:
        sim.advance(3600)
        sim.faults.token_response_body = body
        calls = sim.requests[ACCOUNTS]
        with pytest.raises(AuthError, match="no JSON object"):
            await client.accounts.list()
        assert sim.requests[ACCOUNTS] == calls  # the call itself was not sent
        with pytest.raises(AuthError, match="no JSON object"):
            await client.oauth.client_credentials()


async def test_token_saved_by_another_process_revives_a_dead_grant(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    async with manual_sim() as sim:
        await FileTokenStore(path).save(user_token(sim))
        async with client_on(sim, token_store=FileTokenStore(path)) as client:
            sim.advance(3600)
            sim.revoke_tokens(refresh_tokens=True)
            with pytest.raises(ReauthenticationRequired):
                await client.accounts.list()
            before = sim.token_requests
            with pytest.raises(ReauthenticationRequired):
                await client.accounts.list()
            assert sim.token_requests == before
            # ``aries-async login`` in another process writes a fresh grant into the file.
            await FileTokenStore(path).save(user_token(sim))
            assert await client.accounts.list()
            assert sim.token_requests == before
            # Refused again; then a grant saved elsewhere expires before this process uses it:
            # it renews, as it is not the grant that was refused.
            sim.advance(3600)
            sim.revoke_tokens(refresh_tokens=True)
            with pytest.raises(ReauthenticationRequired):
                await client.accounts.list()
            await FileTokenStore(path).save(user_token(sim))
            sim.advance(3600)
            before = sim.token_requests
            assert await client.accounts.list()
            assert sim.token_requests == before + 1


async def test_refused_client_secret_is_not_sent_again(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    async with manual_sim() as sim:
        async with client_on(sim, token_store=FileTokenStore(path)) as app:
            await app.oauth.client_credentials()
        sim.advance(3600)
        config = sim.client_config(client_secret="not-the-secret")
        async with AriesClient(
            config, token_store=FileTokenStore(path), wall_clock=sim.clock.now
        ) as bad:
            before = sim.token_requests
            for _ in range(3):
                with pytest.raises(AuthError) as info:
                    await bad.accounts.list()
                assert info.value.error == "invalid_client"
            assert sim.token_requests - before == 1


# -- 5. token= without ``async with`` -----------------------------------------------------------


async def test_token_argument_works_without_async_with() -> None:
    async with manual_sim() as sim:
        client = client_on(sim, token=user_token(sim))
        try:
            assert await client.accounts.list()
        finally:
            await client.aclose()


async def test_token_argument_is_saved_to_the_store_on_first_use(tmp_path: Path) -> None:
    async with manual_sim() as sim:
        token = user_token(sim)
        store = FileTokenStore(tmp_path / "token.json")
        client = client_on(sim, token=token, token_store=store)
        try:
            assert await client.accounts.list()
        finally:
            await client.aclose()
        assert await store.load() == token


async def test_not_signed_in_names_the_store_not_a_command(tmp_path: Path) -> None:
    async with manual_sim() as sim:
        for store in (MemoryTokenStore(), FileTokenStore(tmp_path / "token.json")):
            async with client_on(sim, token_store=store) as client:
                with pytest.raises(NotSignedInError) as info:
                    await client.accounts.list()
            assert "aries-async" not in str(info.value)
        assert str(tmp_path / "token.json") in str(info.value)


# -- 7. logout during another process's refresh stays a logout -----------------------------


@contextlib.asynccontextmanager
async def renewal_held_at_server(
    path: Path,
) -> AsyncIterator[tuple[Simulator, AriesClient, asyncio.Future[object], Gate]]:
    """A bot on the token file ``path`` whose call is renewing an expired token, the token
    request held at the simulator until the gate is set; yields the simulator, the bot, the
    call and the gate. Exactly one token request is made in all."""
    async with manual_sim() as sim:
        await FileTokenStore(path).save(user_token(sim))
        sim.advance(3600)
        release = Gate()
        sim.faults.hold_token_requests = release
        async with client_on(sim, token_store=FileTokenStore(path)) as bot:
            call: asyncio.Future[object] = asyncio.ensure_future(bot.accounts.list())
            await release.arrived.wait()  # the refresh is at the server
            yield sim, bot, call, release
        assert sim.token_requests == 1


async def test_a_refresh_does_not_write_back_a_token_file_cleared_meanwhile(
    tmp_path: Path,
) -> None:
    path = tmp_path / "token.json"
    async with renewal_held_at_server(path) as (_, bot, call, release):
        # Another process signs out (without taking the lock, as older versions did).
        await FileTokenStore(path).clear()
        release.set()
        with pytest.raises(NotSignedInError, match="signed out"):
            await call
        assert not path.exists()
        with pytest.raises(NotSignedInError):
            await bot.accounts.list()
    assert not path.exists()


async def test_logout_waits_for_a_refresh_in_flight_then_wins(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    async with renewal_held_at_server(path) as (_, _, call, release):
        logout = asyncio.ensure_future(sign_out(FileTokenStore(path)))
        release.set()
        assert await logout is True
        with contextlib.suppress(NotSignedInError):
            await call
    assert not path.exists()


async def test_a_refresh_does_not_overwrite_a_sign_in_made_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    async with renewal_held_at_server(path) as (sim, bot, call, release):
        signed_in = user_token(sim)
        await FileTokenStore(path).save(signed_in)  # ``aries-async login`` in another process
        release.set()
        await call
        saved = await FileTokenStore(path).load()
        assert saved is not None and saved.access_token == signed_in.access_token
        assert (await bot.auth.token()).access_token == signed_in.access_token


# -- 8. a renewal ahead of time, for a websocket whose session ends with its token -------------


@pytest.mark.parametrize("grant", ["user", "app"])
async def test_a_token_other_than_the_one_used_is_one_renewal_for_a_thousand_callers(
    grant: str,
) -> None:
    async with manual_sim() as sim, client_on(sim, token=user_token(sim)) as client:
        if grant == "app":
            await client.oauth.client_credentials()
        used = await client.auth.token()
        assert not used.needs_refresh(sim.clock.now())  # not due: renewed ahead of time
        before = sim.token_requests
        got = await asyncio.gather(
            *(client.auth.access_token_other_than(used.access_token) for _ in range(1000))
        )
        assert len(set(got)) == 1 and used.access_token not in got
        assert sim.token_requests - before == 1
        renewed = await client.auth.token()  # the REST calls use it too
        assert renewed.access_token == got[0] and renewed.expires_at == sim.clock.now() + 3600
        assert (renewed.refresh_token is None) == (grant == "app")
        # Asked again for another than the first: the one in hand already is.
        assert await client.auth.access_token_other_than(used.access_token) == got[0]
        assert sim.token_requests - before == 1


async def test_a_renewal_ahead_of_time_that_fails_leaves_the_token_in_hand_in_use() -> None:
    """Unlike ``invalidate()``, asking for another token does not mark the one in hand bad: when
    the renewal fails (shared by the callers that waited on it), the REST calls go on with it."""
    async with manual_sim() as sim, client_on(sim, token=user_token(sim), sleep=no_sleep) as client:
        used = await client.auth.token()
        sim.faults.server_errors["POST /v1/oauth2/token"] = ServerErrorFault(count=None)
        before = sim.requests[TOKEN]
        results = await asyncio.gather(
            *(client.auth.access_token_other_than(used.access_token) for _ in range(20)),
            return_exceptions=True,
        )
        assert {type(result) for result in results} == {ServerError}  # the token endpoint's
        attempts = client.config.retry.max_attempts
        assert sim.requests[TOKEN] - before == attempts  # one renewal for the twenty
        assert await client.accounts.list()
        assert await client.auth.token() == used
        assert sim.requests[TOKEN] - before == attempts
        sim.faults.server_errors.clear()  # a caller that comes afterwards tries again
        assert await client.auth.access_token_other_than(used.access_token) != used.access_token
        assert sim.requests[TOKEN] - before == attempts + 1
