"""The sign-in's callback, in each form the authorization page may send it (oauth.md 2): a
denial with or without ``state`` (RFC 6749 4.1.2.1 requires it; what Aries sends on a denial
is UNCERTAIN), a client the page refuses; and the CSRF check, on unless the caller opts out.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from sim_http import follow_consent

from aries_async import AriesClient
from aries_async.errors import AuthorizationDeniedError, StateMismatchError, ValidationError
from aries_async.sim import Simulator


@contextlib.asynccontextmanager
async def signing_in() -> AsyncIterator[tuple[Simulator, AriesClient]]:
    async with Simulator(seed=3, tick_interval=None) as sim, AriesClient(sim.client_config()) as c:
        yield sim, c


async def press_deny(sim: Simulator, url: str) -> str:
    """Play the user on the consent page: press Deny; return where the browser is sent."""
    form = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    async with (
        aiohttp.ClientSession() as http,
        http.post(sim.authorize_url, data={**form, "decision": "deny"}, allow_redirects=False) as r,
    ):
        return r.headers["Location"]


# -- a denial, with or without state ---------------------------------------------------------


@pytest.mark.parametrize("with_state", [True, False], ids=["state", "no_state"])
async def test_a_denied_sign_in_is_a_denial_whether_or_not_it_carries_state(
    with_state: bool,
) -> None:
    async with signing_in() as (sim, client):
        sim.faults.deny_authorization = True
        sim.faults.error_redirects_without_state = not with_state
        request = client.oauth.authorization_url()
        denied = await follow_consent(request.url)
        assert ("state" in parse_qs(urlsplit(denied).query)) is with_state
        before = sim.token_requests
        with pytest.raises(AuthorizationDeniedError, match="access_denied") as info:
            await client.oauth.exchange_code(denied, request)
        assert info.value.error == "access_denied"
        assert sim.token_requests == before


async def test_deny_on_the_consent_page_without_state_is_a_denial() -> None:
    async with Simulator(seed=3, tick_interval=None, auto_approve=False) as sim:
        sim.faults.error_redirects_without_state = True
        async with AriesClient(sim.client_config()) as client:
            request = client.oauth.authorization_url()
            denied = await press_deny(sim, request.url)
            assert "state" not in parse_qs(urlsplit(denied).query)
            with pytest.raises(AuthorizationDeniedError) as info:
                await client.oauth.exchange_code(denied, request)
            assert info.value.error == "access_denied"


async def test_a_denial_carrying_another_sign_ins_state_is_a_mismatch() -> None:
    async with signing_in() as (sim, client):
        sim.faults.deny_authorization = True
        first, second = client.oauth.authorization_url(), client.oauth.authorization_url()
        with pytest.raises(StateMismatchError):
            await client.oauth.exchange_code(await follow_consent(first.url), second)


@pytest.mark.parametrize("with_state", [True, False], ids=["state", "no_state"])
async def test_a_client_the_authorization_page_refuses_is_told_so(with_state: bool) -> None:
    async with signing_in() as (sim, client):
        sim.faults.refused_grants = frozenset({"authorization_code"})
        sim.faults.error_redirects_without_state = not with_state
        request = client.oauth.authorization_url()
        with pytest.raises(AuthorizationDeniedError, match="may not use") as info:
            await client.oauth.exchange_code(await follow_consent(request.url), request)
        assert info.value.error == "unauthorized_client"
        assert sim.token_requests == 0


# -- the CSRF check is on by default ---------------------------------------------------------


async def test_a_callback_url_with_nothing_to_check_its_state_against_is_refused() -> None:
    async with signing_in() as (sim, client):
        request = client.oauth.authorization_url(pkce=False)  # state= carries no verifier
        callback = await follow_consent(request.url)
        with pytest.raises(ValidationError, match="check_state=False") as info:
            await client.oauth.exchange_code(callback)
        assert info.value.field == "request"
        assert sim.token_requests == 0
        # the state issued, given on its own, is enough
        forged = callback.replace(request.state, "forged-state")
        with pytest.raises(StateMismatchError):
            await client.oauth.exchange_code(forged, state=request.state)
        assert sim.token_requests == 0
        assert await client.oauth.exchange_code(callback, state=request.state)


async def test_check_state_false_exchanges_a_callback_the_caller_checked() -> None:
    async with signing_in() as (_sim, client):
        request = client.oauth.authorization_url(pkce=False)
        callback = await follow_consent(request.url)
        token = await client.oauth.exchange_code(callback, check_state=False)
        assert token.refresh_token
        assert await client.accounts.list()


@pytest.mark.parametrize(
    "redirect",
    ["notaurl", "localhost:8765/cb", "https:///cb", "https://example.com/cb#frag", "http://a b/"],
)
async def test_a_redirect_uri_that_is_no_absolute_uri_is_refused(redirect: str) -> None:
    # RFC 6749 3.1.2: an absolute URI without a fragment. The authorization server would
    # refuse it after the user has gone to the browser; the sign-in says so before.
    async with signing_in() as (_sim, client):
        with pytest.raises(ValidationError) as info:
            client.oauth.authorization_url(redirect_uri=redirect)
        assert info.value.field == "redirect_uri"
        assert client.oauth.authorization_url(redirect_uri="myapp://signed-in").url  # a native
