"""The token endpoint's UNCERTAIN answers (oauth.md 3.1, 3.5), each made by the simulator: its
refusals in every shape, refusals that quote the grant, a public client's refresh; and what the
client refuses to send at all (an empty scope, a verifier RFC 7636 does not allow).

Every simulator runs on a :class:`ManualClock` that the clients read too: tokens and codes
expire when a test moves time.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import traceback
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from sim_http import follow_consent

from aries_async import AriesClient, Token
from aries_async.auth.store import MemoryTokenStore
from aries_async.config import ClientConfig
from aries_async.errors import (
    AuthError,
    ReauthenticationRequired,
    TokenRefreshError,
    ValidationError,
)
from aries_async.sim import ManualClock, ServerErrorFault, Simulator
from aries_async.sim.faults import TOKEN_ERROR_SHAPES
from aries_async.testing import RecordingSleep, shows_secret

WITH_CODE = ("rfc", "nested")
"""The refusal shapes that carry an error code (the others: no code, no body)."""


@contextlib.asynccontextmanager
async def manual_sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=12, clock=ManualClock(), tick_interval=None) as sim:
        yield sim


def client_on(sim: Simulator, config: ClientConfig | None = None, **kwargs: object) -> AriesClient:
    """A client whose token clock is the simulator's."""
    return AriesClient(config or sim.client_config(), wall_clock=sim.clock.now, **kwargs)  # type: ignore[arg-type]


def user_token(sim: Simulator) -> Token:
    return Token.from_response(sim.issue_token_response(), now=sim.clock.now())


async def an_expired_code_refused(
    sim: Simulator, client: AriesClient
) -> tuple[str, ReauthenticationRequired]:
    """Sign in through the consent page, let the code expire, exchange it: the code and the
    refusal."""
    request = client.oauth.authorization_url()
    callback = await follow_consent(request.url)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    sim.advance(601)
    with pytest.raises(ReauthenticationRequired) as refused:
        await client.oauth.exchange_code(callback, request)
    return code, refused.value


def told(exc: BaseException) -> str:
    """Everything the error says, its chain included, as a traceback prints it."""
    return "".join(traceback.format_exception(exc))


# -- refusals in every shape: the right error, and the grant is not sent again ---------------


@pytest.mark.parametrize("shape", TOKEN_ERROR_SHAPES)
async def test_a_refused_refresh_token_asks_to_sign_in_again_once(shape: str) -> None:
    async with manual_sim() as sim, client_on(sim, token=user_token(sim)) as client:
        sim.faults.token_error_shape = shape
        sim.advance(3600)
        sim.revoke_tokens(refresh_tokens=True)  # refused with a 400 invalid_grant
        before = sim.token_requests
        with pytest.raises(ReauthenticationRequired) as info:
            await client.accounts.list()
        assert info.value.status == 400
        assert info.value.error == ("invalid_grant" if shape in WITH_CODE else None)
        for _ in range(3):
            with pytest.raises(ReauthenticationRequired, match="not sent again"):
                await client.accounts.list()
        assert sim.token_requests - before == 1


@pytest.mark.parametrize("shape", TOKEN_ERROR_SHAPES)
async def test_a_refused_client_secret_is_an_auth_error_sent_once(shape: str) -> None:
    store = MemoryTokenStore()
    async with manual_sim() as sim:
        async with client_on(sim, token_store=store) as app:
            await app.oauth.client_credentials()
        sim.advance(3600)
        sim.faults.token_error_shape = shape
        config = sim.client_config(client_secret="not-the-secret")
        async with client_on(sim, config, token_store=store) as bad:
            before = sim.token_requests
            for _ in range(3):
                with pytest.raises(AuthError) as info:
                    await bad.accounts.list()
                # the client is refused, not the user's grant: signing in again cannot help
                assert not isinstance(info.value, ReauthenticationRequired)
                assert info.value.status == 401
                assert info.value.error == ("invalid_client" if shape in WITH_CODE else None)
            assert sim.token_requests - before == 1


@pytest.mark.parametrize("shape", ["rfc", "nested", "nested_no_code"])
async def test_a_refused_code_says_why(shape: str) -> None:
    async with manual_sim() as sim, client_on(sim) as client:
        sim.faults.token_error_shape = shape
        request = client.oauth.authorization_url()
        callback = await follow_consent(request.url)
        other = "http://127.0.0.1:9/other"
        with pytest.raises(ReauthenticationRequired, match="redirect_uri does not match"):
            await client.oauth.exchange_code(callback, request, redirect_uri=other)
        sim.advance(601)
        with pytest.raises(ReauthenticationRequired, match="authorization code expired"):
            await client.oauth.exchange_code(callback, request)


@pytest.mark.parametrize("shape", ["rfc", "nested"])
async def test_a_refusal_quoting_the_grant_keeps_it_out_of_errors_and_logs(
    shape: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with manual_sim() as sim, client_on(sim, token=user_token(sim)) as client:
        sim.faults.token_error_shape = shape
        sim.faults.token_error_echo = True
        code, refused_code = await an_expired_code_refused(sim, client)
        assert "authorization code expired (code=[redacted])" in str(refused_code)
        stored = await client.auth.store.load()
        assert stored is not None and stored.refresh_token
        sim.advance(3600)
        sim.revoke_tokens(refresh_tokens=True)
        with pytest.raises(ReauthenticationRequired) as refused_refresh:
            await client.accounts.list()
        assert "(refresh_token=[redacted])" in str(refused_refresh.value)
    texts = [told(refused_code), told(refused_refresh.value), caplog.text]
    for secret in (code, stored.refresh_token, sim.client_secret):
        for text in texts:
            assert secret not in text


async def test_a_failing_token_endpoint_quoting_the_grant_keeps_it_out_of_errors_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 503 (not a refusal) whose message quotes the refresh token: the call fails with
    ``TokenRefreshError`` as before, and the token is nowhere in what it says or logs."""
    caplog.set_level(logging.DEBUG)
    sleep = RecordingSleep()  # the refresh's retries of the 503s, at once
    async with manual_sim() as sim, client_on(sim, token=user_token(sim), sleep=sleep) as client:
        sim.faults.token_error_echo = True
        sim.faults.server_errors["POST /v1/oauth2/token"] = ServerErrorFault(count=None)
        stored = await client.auth.store.load()
        assert stored is not None and stored.refresh_token
        sim.advance(3600)
        with pytest.raises(TokenRefreshError) as failed:
            await client.accounts.list()
        assert failed.value.status == 503 and "[redacted]" in str(failed.value)
        assert len(sleep.waits) == client.config.retry.max_attempts - 1  # every attempt quoted it
    for text in (told(failed.value), caplog.text):
        assert stored.refresh_token not in text


@pytest.mark.parametrize("shape", ["rfc", "nested"])
async def test_a_refusal_quoting_the_grant_cut_short_keeps_every_piece_of_it_out(
    shape: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A server that shortens what it quotes (``code=AbCd...``) quotes a piece of the grant:
    no 12 characters of it in a row reach an error, its chain or a log record."""
    caplog.set_level(logging.DEBUG)
    sleep = RecordingSleep()  # the refresh's retries of the 503s, at once
    async with manual_sim() as sim, client_on(sim, token=user_token(sim), sleep=sleep) as client:
        sim.faults.token_error_shape = shape
        sim.faults.token_error_echo = True
        sim.faults.token_error_echo_cut = 24
        code, refused_code = await an_expired_code_refused(sim, client)
        assert "authorization code expired (code=[redacted]...)" in str(refused_code)
        stored = await client.auth.store.load()
        assert stored is not None and stored.refresh_token
        sim.faults.server_errors["POST /v1/oauth2/token"] = ServerErrorFault(count=None)
        sim.advance(3600)
        with pytest.raises(TokenRefreshError) as failed:
            await client.accounts.list()
        sim.faults.server_errors.clear()
        sim.revoke_tokens(refresh_tokens=True)
        with pytest.raises(ReauthenticationRequired) as refused_refresh:
            await client.accounts.list()
    errors = [refused_code, failed.value, refused_refresh.value]
    texts = [told(error) for error in errors] + [caplog.text]
    for error in errors:
        cause: BaseException | None = error
        while cause is not None:
            texts += [repr(vars(cause)), repr(getattr(cause, "body", b""))]
            cause = cause.__cause__ or cause.__context__
    for secret in (code, stored.refresh_token):
        assert not [text for text in texts if shows_secret(text, secret)], secret[:6]


# -- a public client's refresh (no secret) -------------------------------------------------


async def test_a_public_client_refreshes_without_a_secret_where_the_server_allows_it() -> None:
    async with manual_sim() as sim:
        sim.faults.refresh_without_secret = True
        async with client_on(sim, sim.client_config(client_secret=None)) as client:
            request = client.oauth.authorization_url()
            await client.oauth.exchange_code(await follow_consent(request.url), request)
            for _ in range(2):
                sim.advance(3600)
                assert await client.accounts.list()
            assert client.auth.refreshes == 2


async def test_a_public_clients_refresh_is_refused_once_where_the_secret_is_required() -> None:
    # The documented server: the refresh grant needs the secret.
    async with manual_sim() as sim, client_on(sim, sim.client_config(client_secret=None)) as client:
        request = client.oauth.authorization_url()
        await client.oauth.exchange_code(await follow_consent(request.url), request)
        sim.advance(3600)
        before = sim.token_requests
        for _ in range(3):
            with pytest.raises(AuthError) as info:
                await client.accounts.list()
            assert (info.value.status, info.value.error) == (401, "invalid_client")
        assert sim.token_requests - before == 1


# -- refused before anything is sent ---------------------------------------------------------


@pytest.mark.parametrize("scopes", [[], "", " , "])
async def test_client_credentials_without_a_scope_is_refused_before_it_is_sent(
    scopes: str | list[str],
) -> None:
    async with manual_sim() as sim, client_on(sim) as client:
        # The server reads an empty scope as every scope the client may have.
        form = {"grant_type": "client_credentials", "client_id": sim.client_id}
        form.update(client_secret=sim.client_secret, scope="")
        async with aiohttp.ClientSession() as http, http.post(sim.token_url, data=form) as resp:
            widest = (await resp.json())["scope"]
        assert len(widest.split()) == 13
        before = sim.token_requests
        with pytest.raises(ValidationError, match="at least one scope") as info:
            await client.oauth.client_credentials(scopes=scopes)
        assert info.value.field == "scopes"
        assert sim.token_requests == before
        # None keeps its meaning: no scope asked for, the server's default.
        assert (await client.oauth.client_credentials()).scopes == frozenset(widest.split())
        token = await client.oauth.client_credentials(scopes=" market:information, ")
        assert token.scopes == {"market:information"}


@pytest.mark.parametrize(
    "verifier",
    ["a" * 42, "a" * 129, "a" * 50 + " ", "a" * 50 + "+", "a" * 50 + "/", "a" * 50 + "é", "=" * 43],
)
async def test_a_code_verifier_rfc_7636_does_not_allow_is_never_sent(verifier: str) -> None:
    async with manual_sim() as sim, client_on(sim) as client:
        request = client.oauth.authorization_url()
        callback = await follow_consent(request.url)
        before = sim.token_requests
        with pytest.raises(ValidationError, match="43 to 128 characters") as info:
            await client.oauth.exchange_code(callback, request, code_verifier=verifier)
        assert info.value.field == "code_verifier"
        assert verifier not in str(info.value)
        assert sim.token_requests == before


@pytest.mark.parametrize("verifier", ["Az0-._~" * 6 + "x", "Az0-._~" * 18 + "xy"])
async def test_a_code_verifier_of_43_or_128_allowed_characters_is_used(verifier: str) -> None:
    assert len(verifier) in (43, 128)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    async with manual_sim() as sim, client_on(sim) as client:
        request = client.oauth.authorization_url()
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        query["code_challenge"] = challenge  # the user's own pair
        callback = await follow_consent(f"{sim.authorize_url}?{urlencode(query)}")
        token = await client.oauth.exchange_code(callback, request, code_verifier=verifier)
        assert token.refresh_token


# -- a client the token endpoint refuses a grant (unauthorized_client, oauth.md 3.4) ----------


@pytest.mark.parametrize("shape", WITH_CODE)
async def test_client_credentials_refused_to_this_client_says_what_to_use(shape: str) -> None:
    async with manual_sim() as sim, client_on(sim) as client:
        sim.faults.token_error_shape = shape
        sim.faults.refused_grants = frozenset({"client_credentials"})
        with pytest.raises(AuthError, match="may not use the client_credentials grant") as info:
            await client.oauth.client_credentials()
        assert not isinstance(info.value, ReauthenticationRequired)
        assert (info.value.status, info.value.error) == (400, "unauthorized_client")
        assert "authorization_url" in str(info.value)  # what to do instead
        # a user's sign-in still works
        request = client.oauth.authorization_url()
        assert await client.oauth.exchange_code(await follow_consent(request.url), request)


@pytest.mark.parametrize("shape", WITH_CODE)
async def test_a_refresh_refused_to_this_client_asks_to_sign_in_again_once(shape: str) -> None:
    async with manual_sim() as sim, client_on(sim, token=user_token(sim)) as client:
        sim.faults.token_error_shape = shape
        sim.faults.refused_grants = frozenset({"refresh_token"})
        sim.advance(3600)
        before = sim.token_requests
        for _ in range(3):
            with pytest.raises(ReauthenticationRequired, match="may not use") as info:
                await client.accounts.list()
            assert (info.value.status, info.value.error) == (400, "unauthorized_client")
        assert sim.token_requests - before == 1
        request = client.oauth.authorization_url()
        await client.oauth.exchange_code(await follow_consent(request.url), request)
        assert await client.accounts.list()  # signed in again: the calls go on


# -- the request body the token endpoint reads (oauth.md 3.2, CONFLICT) ------------------------


@pytest.mark.parametrize("shape", WITH_CODE)
@pytest.mark.parametrize("reads", ["json", "form"])
async def test_every_grant_works_whichever_body_the_token_endpoint_reads(
    reads: str, shape: str
) -> None:
    """The client sends JSON for a user's grants and a form for client credentials; a server
    that reads only the other gets it again in that body, and from then on only in that one."""
    async with manual_sim() as sim:
        sim.faults.token_encodings = frozenset({reads})
        sim.faults.token_error_shape = shape
        async with client_on(sim) as app:
            before = sim.token_requests
            await app.oauth.client_credentials(scopes="account:information")
            assert sim.token_requests - before == (1 if reads == "form" else 2)
            sim.advance(3600)
            before = sim.token_requests
            assert await app.accounts.list()  # renewed with the client credentials
            assert sim.token_requests - before == 1
        async with client_on(sim) as client:
            await signs_in_and_refreshes(sim, client, reads)


async def signs_in_and_refreshes(sim: Simulator, client: AriesClient, reads: str) -> None:
    """Sign in (the body the server reads costs one request more when it is a form), refresh
    twice in one request each, and get app tokens (the first costs one request more when the
    server reads JSON)."""
    request = client.oauth.authorization_url()
    callback = await follow_consent(request.url)
    before = sim.token_requests
    assert (await client.oauth.exchange_code(callback, request)).refresh_token
    assert sim.token_requests - before == (1 if reads == "json" else 2)
    costs = []
    for _ in range(2):
        sim.advance(3600)
        before = sim.token_requests
        assert await client.accounts.list()
        costs.append(sim.token_requests - before)
    assert costs == [1, 1]  # the refresh grant goes in the body that worked
    before = sim.token_requests
    await client.oauth.client_credentials(scopes="account:information")
    # The form they go in first is unread only on a JSON server: learnt once, then kept.
    assert sim.token_requests - before == (1 if reads == "form" else 2)
    before = sim.token_requests
    await client.oauth.client_credentials(scopes="account:information")
    assert sim.token_requests - before == 1


async def test_a_refresh_refused_in_the_body_the_server_reads_is_still_a_refusal() -> None:
    async with manual_sim() as sim, client_on(sim, token=user_token(sim)) as client:
        sim.faults.token_encodings = frozenset({"form"})
        sim.advance(3600)
        sim.revoke_tokens(refresh_tokens=True)
        before = sim.token_requests
        with pytest.raises(ReauthenticationRequired) as info:
            await client.accounts.list()
        assert info.value.error == "invalid_grant"  # not the unread JSON's invalid_request
        assert sim.token_requests - before == 2


async def test_a_server_reading_both_bodies_gets_each_grant_as_the_official_package_sends_it() -> (
    None
):
    """JSON for a user's grants and a form for client credentials, whatever went before: an
    encoding one grant needed is not forced on another."""
    async with manual_sim() as sim, client_on(sim) as client:
        request = client.oauth.authorization_url()
        await client.oauth.exchange_code(await follow_consent(request.url), request)
        sim.advance(3600)
        assert await client.accounts.list()  # a refresh
        await client.oauth.client_credentials(scopes="account:information")
        sent = [r.content_type for r in sim.journal if r.raw_path.endswith("/token")]
        assert sent == ["application/json", "application/json", "application/x-www-form-urlencoded"]
