"""The client against the in-process simulator: auth, refresh, replay, orders, secrets."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sim_http import follow_consent

from aries_async import AriesClient, OrderRequest, Token
from aries_async.errors import (
    AuthorizationDeniedError,
    NotSignedInError,
    OrderOutcomeUnknownError,
    PermissionDeniedError,
    ReauthenticationRequired,
    RequestTimeoutError,
    StateMismatchError,
    ValidationError,
)
from aries_async.sim import Simulator
from aries_async.sim.faults import NON_ACK_MODES


async def test_pkce_login_flow_and_state_check() -> None:
    async with Simulator(seed=3) as sim, AriesClient(sim.client_config()) as client:
        with pytest.raises(NotSignedInError):
            await client.accounts.list()
        request = client.oauth.authorization_url()
        query = parse_qs(urlsplit(request.url).query)
        assert query["code_challenge_method"] == ["S256"]
        assert query["state"] == [request.state]
        callback = await follow_consent(request.url)
        before = sim.token_requests
        forged = callback.replace(request.state, "forged-state")
        with pytest.raises(StateMismatchError):
            await client.oauth.exchange_code(forged, request)
        assert sim.token_requests == before  # nothing sent on a mismatch
        token = await client.oauth.exchange_code(callback, request)
        assert token.refresh_token
        accounts = await client.accounts.list()
        assert {a.is_sim for a in accounts} == {True, False}


async def test_not_signed_in_names_the_app_token_when_the_client_has_a_secret() -> None:
    # A bot moving from finance-dev, whose client fetches an app token by itself, constructs
    # ours with the same id and secret and calls at once: the error must say how to get one.
    async with Simulator(seed=3) as sim:
        async with AriesClient(sim.client_config()) as client:
            with pytest.raises(NotSignedInError) as confidential:
                await client.accounts.list()
            assert str(confidential.value).endswith(
                "sign in first, or get an app token: await client.oauth.client_credentials(),"
                " or by itself with ClientConfig(app_token=True)"
            )
            await client.oauth.client_credentials()
            assert await client.accounts.list()
        async with AriesClient(sim.client_config(client_secret=None)) as public:
            with pytest.raises(NotSignedInError) as pkce:
                await public.accounts.list()
            # No secret, no app token: only the sign-in is named.
            assert str(pkce.value).endswith(": sign in first")


async def test_a_public_client_signs_in_with_pkce_alone() -> None:
    async with (
        Simulator(seed=3) as sim,
        AriesClient(sim.client_config(client_secret=None)) as client,
    ):
        request = client.oauth.authorization_url()
        callback = await follow_consent(request.url)
        token = await client.oauth.exchange_code(callback, request)
        assert token.refresh_token
        assert {a.is_sim for a in await client.accounts.list()} == {True, False}


async def test_every_sign_in_has_its_own_state_and_verifier_and_hides_the_verifier() -> None:
    async with Simulator(seed=3) as sim, AriesClient(sim.client_config()) as client:
        first, second = client.oauth.authorization_url(), client.oauth.authorization_url()
        assert first.state != second.state
        assert first.code_verifier != second.code_verifier
        challenges = [parse_qs(urlsplit(r.url).query)["code_challenge"] for r in (first, second)]
        assert challenges[0] != challenges[1]
        assert first.code_verifier is not None and first.code_verifier not in repr(first)
        # a bare code with another state than the one issued is refused, nothing sent
        code = parse_qs(urlsplit(await follow_consent(first.url)).query)["code"][0]
        before = sim.token_requests
        with pytest.raises(StateMismatchError):
            await client.oauth.exchange_code(code, first, state="forged-state")
        assert sim.token_requests == before


async def test_scopes_given_as_one_string_are_split_on_spaces_not_letters() -> None:
    config_scopes = "market:information account:information"
    async with Simulator(seed=3) as sim:
        config = sim.client_config(scopes=config_scopes)
        assert config.scopes == ("market:information", "account:information")
        async with AriesClient(config) as client:
            request = client.oauth.authorization_url(scopes="market:information")
            assert parse_qs(urlsplit(request.url).query)["scope"] == ["market:information"]
            token = await client.oauth.client_credentials(scopes="market:information")
        assert token.scopes == frozenset({"market:information"})


async def test_the_authorization_url_encodes_spaces_as_percent_20_not_plus() -> None:
    """oauth.md 2: the scopes are space-separated, "URL-encode the spaces". ``+`` means a space
    only in form encoding; a server reading the query by RFC 3986 would see one scope
    ``market:information+account:information``. ``%20`` is a space to every reader."""
    async with Simulator(seed=3) as sim, AriesClient(sim.client_config()) as client:
        request = client.oauth.authorization_url(scopes="market:information account:information")
        raw = urlsplit(request.url).query
        assert "scope=market%3Ainformation%20account%3Ainformation" in raw.split("&")
        assert "+" not in raw
        token = await client.oauth.exchange_code(await follow_consent(request.url), request)
        assert token.scopes == frozenset({"market:information", "account:information"})


@pytest.mark.parametrize("scopes", [[], "", " , "])
async def test_an_authorization_url_without_a_scope_is_refused_before_it_is_used(
    scopes: str | list[str],
) -> None:
    async with Simulator(seed=3) as sim:
        # The authorize page refuses a request without a scope (oauth.md 2: required).
        query = {"response_type": "code", "client_id": sim.client_id, "state": "s1"}
        query.update(redirect_uri=sim.redirect_uri, scope="")
        url = f"{sim.authorize_url}?{urlencode(query)}"
        assert "error=invalid_scope" in await follow_consent(url)
        # So the client says so at once, whether the scopes are given or configured.
        for config, asked in (
            (sim.client_config(), scopes),
            (sim.client_config(scopes=scopes), None),
        ):
            async with AriesClient(config) as client:
                with pytest.raises(ValidationError, match="at least one scope") as info:
                    client.oauth.authorization_url(scopes=asked)
            assert info.value.field == "scopes"


async def test_signing_in_again_in_the_same_client_uses_the_new_token_at_once() -> None:
    async with Simulator(seed=3) as sim, AriesClient(sim.client_config()) as client:
        request = client.oauth.authorization_url(scopes="account:information")
        await client.oauth.exchange_code(await follow_consent(request.url), request)
        with pytest.raises(PermissionDeniedError, match="sign in again with it"):
            await client.market.status()
        # So the user does, asking for the scope, in this same program (README: signing in).
        request = client.oauth.authorization_url(scopes="market:supplemental")
        token = await client.oauth.exchange_code(await follow_consent(request.url), request)
        assert (await client.auth.token()) == token
        assert await client.market.status()
        app = await client.oauth.client_credentials(scopes="account:information")
        assert (await client.auth.token()) == app


async def test_denied_consent_is_a_typed_error() -> None:
    async with Simulator(seed=3) as sim, AriesClient(sim.client_config()) as client:
        request = client.oauth.authorization_url()
        denied = f"{request.redirect_uri}?error=access_denied&state={request.state}"
        with pytest.raises(AuthorizationDeniedError):
            await client.oauth.exchange_code(denied, request)


async def test_thousand_concurrent_calls_on_an_expiring_token_make_one_refresh() -> None:
    async with Simulator(seed=4) as sim:
        token = sim.issue_token(ttl=0)  # expired on arrival: due now
        async with AriesClient(sim.client_config(pool_size=100), token=token) as client:
            before = sim.token_requests
            results = await asyncio.gather(*(client.market.status() for _ in range(1000)))
            assert sim.token_requests - before == 1
            assert client.auth.refreshes == 1
            assert len(results) == 1000
            assert (await client.auth.token()).access_token != token.access_token


async def test_401_invalidates_the_used_token_refreshes_and_replays_once(
    loop_clock: Callable[[], float],
) -> None:
    # On virtual time (the answers' 0.2 s, the call's 0.3 s), the client's clock the loop's.
    async with (
        Simulator(seed=5) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token(), monotonic=loop_clock) as client,
    ):
        await client.accounts.list()
        sim.revoke_tokens()  # the server now answers 401 to the cached token
        before = sim.token_requests
        accounts = await client.accounts.list()
        assert accounts
        assert sim.token_requests - before == 1
        # The replay has what is left of the call's time, not a budget of its own: two
        # answers of 0.2 s each do not fit in 0.3 s.
        sim.revoke_tokens()
        sim.faults.route_latency["/v2/users/me/accounts"] = 0.2
        with pytest.raises(RequestTimeoutError):
            await client.request("GET", "/v2/users/me/accounts", timeout=0.3)


async def test_dead_refresh_token_asks_to_sign_in_again() -> None:
    async with (
        Simulator(seed=6) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token(ttl=1)) as client,
    ):
        sim.revoke_tokens(refresh_tokens=True)
        with pytest.raises(ReauthenticationRequired):
            await client.accounts.list()


async def test_missing_scope_is_named() -> None:
    async with Simulator(seed=7) as sim:
        token = sim.issue_token(scopes=["account:information"])
        async with AriesClient(sim.client_config(), token=token) as client:
            with pytest.raises(PermissionDeniedError) as info:
                await client.market.status()
    assert info.value.missing_scope == "market:supplemental"


@contextlib.asynccontextmanager
async def order_answer_lost(mode: str) -> AsyncIterator[tuple[Simulator, AriesClient, str]]:
    """A simulator whose next order is executed but answered per ``mode`` (``swallow_mode``),
    a client on it and the simulated account's id."""
    async with (
        Simulator(seed=8) as sim,
        AriesClient(sim.client_config(timeout=5), token=sim.issue_token()) as client,
    ):
        account = (await client.accounts.list())[0].id
        assert account  # Account.id is "" for an account without a trading account id
        sim.faults.swallow_order_response = 1
        sim.faults.swallow_mode = mode
        yield sim, client, account


@pytest.mark.parametrize(
    "mode",
    [
        "drop",  # executed, then the connection closes without an answer
        # executed, then a 200 whose body is not an order ack: HTML, {}, {"message": "ok"},
        # {"data": ack}, [], null, nothing, the ack without clOrdId or with a blank one
        *NON_ACK_MODES,
    ],
)
async def test_a_lost_or_unreadable_order_answer_is_an_unknown_outcome_then_reconciled(
    mode: str,
) -> None:
    async with order_answer_lost(mode) as (sim, client, account):
        request = OrderRequest(
            account_id=account,
            symbol="AAPL",
            side="BUY",
            type="LIMIT",
            quantity=2,
            price=Decimal("1.00"),
        )
        with pytest.raises(OrderOutcomeUnknownError) as info:
            await client.orders.place(request)
        assert info.value.client_id.startswith("aa-") and info.value.account_id == account
        if mode in NON_ACK_MODES:
            assert "not an order acknowledgement" in str(info.value)
        assert sim.requests[("POST", "/v1/orders")] == 1  # never sent twice
        found = await client.orders.find_by_client_id(account, info.value.client_id)
        assert found is not None
        assert found.quantity == Decimal("2")
        assert await client.orders.find_by_client_id(account, "aa-not-there") is None


async def test_a_place_cancelled_in_flight_names_the_client_id_to_check(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with order_answer_lost("hang") as (sim, client, account):  # executed, never answered
        request = OrderRequest(
            account_id=account, symbol="AAPL", side="BUY", type="MARKET", quantity=3
        )
        task = asyncio.create_task(client.orders.place(request))
        for _ in range(100_000):  # until the simulator holds the order (no timer involved)
            if sim.requests[("POST", "/v1/orders")]:
                break
            await asyncio.sleep(0)
        assert sim.requests[("POST", "/v1/orders")] == 1
        with caplog.at_level(logging.WARNING, logger="aries_async"):
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as info:
                await task
        (record,) = [r for r in caplog.records if "cancelled" in r.getMessage()]
        client_id = record.getMessage().split("'")[-2]
        assert client_id.startswith("aa-")
        assert any(client_id in note for note in getattr(info.value, "__notes__", []))
        found = await client.orders.find_by_client_id(account, client_id)
        assert found is not None and found.quantity == Decimal("3")
        assert sim.requests[("POST", "/v1/orders")] == 1


async def test_secrets_never_reach_logs_reprs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with Simulator(seed=9) as sim:
        token = sim.issue_token(ttl=0)
        config = sim.client_config()
        texts: list[str] = []
        async with AriesClient(config, token=token) as client:
            await client.accounts.list()  # forces a refresh
            fresh = await client.auth.token()
            sim.revoke_tokens(refresh_tokens=True)
            try:
                await client.auth.invalidate(fresh.access_token)
                await client.accounts.list()
            except ReauthenticationRequired as exc:
                texts += [str(exc), repr(exc)]
            texts += [repr(token), str(fresh), repr(config), repr(client), repr(client.auth.store)]
        texts.append(caplog.text)
        secrets = [
            token.access_token,
            token.refresh_token,
            fresh.access_token,
            fresh.refresh_token,
            sim.client_secret,
        ]
        for secret in secrets:
            assert secret
            for text in texts:
                assert secret not in text


def test_token_repr_hides_secrets() -> None:
    t = Token(access_token="A" * 40, refresh_token="R" * 40, expires_at=0)
    assert "A" * 8 not in repr(t) and "R" * 8 not in repr(t)
