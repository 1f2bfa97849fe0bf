"""OAuth against the in-process simulator: authorize page, token grants, scopes, expiry."""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qs, urlsplit

import aiohttp
import orjson
import pytest
from stream_helpers import until

from aries_async.sim import ManualClock, Simulator
from aries_async.sim.cli import add_arguments, build_faults


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=1, clock=ManualClock(), tick_interval=None, token_ttl=60) as s:
        yield s


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _authorize_query(sim: Simulator, **extra: str) -> dict[str, str]:
    query = {
        "response_type": "code",
        "client_id": sim.client_id,
        "redirect_uri": sim.redirect_uri,
        "scope": "account:information market:information",
        "state": "st-123",
    }
    query.update(extra)
    return query


async def _code(sim: Simulator, http: aiohttp.ClientSession, **extra: str) -> str:
    async with http.get(
        sim.authorize_url, params=_authorize_query(sim, **extra), allow_redirects=False
    ) as resp:
        assert resp.status == 302
        location = resp.headers["Location"]
    assert location.startswith(sim.redirect_uri + "?")
    params = parse_qs(urlsplit(location).query)
    assert params["state"] == ["st-123"]
    return params["code"][0]


async def _token(
    http: aiohttp.ClientSession, sim: Simulator, body: dict[str, str], *, form: bool = False
) -> tuple[int, dict[str, object]]:
    kwargs = {"data": body} if form else {"json": body}
    async with http.post(sim.token_url, **kwargs) as resp:  # type: ignore[arg-type]
        return resp.status, await resp.json()


def _refresh_body(sim: Simulator, issued: dict[str, object]) -> dict[str, str]:
    """A refresh-token grant for a token response the simulator issued."""
    return {
        "grant_type": "refresh_token",
        "refresh_token": str(issued["refresh_token"]),
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
    }


async def test_auto_approve_redirects_with_code_and_state(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    code = await _code(sim, http)
    status, body = await _token(
        http,
        sim,
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": sim.client_id,
            "client_secret": sim.client_secret,
            "redirect_uri": sim.redirect_uri,
        },
    )
    assert status == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 60
    assert body["scope"] == "account:information market:information"
    assert body["refresh_token"]
    assert body["refresh_token_expires_in"] == 2592000
    assert sim.token_requests == 1


async def test_consent_page_approve_and_deny(http: aiohttp.ClientSession) -> None:
    async with Simulator(auto_approve=False, tick_interval=None) as sim:
        async with http.get(sim.authorize_url, params=_authorize_query(sim)) as resp:
            assert resp.status == 200
            page = await resp.text()
        assert 'value="approve"' in page
        assert 'value="deny"' in page
        form = dict(_authorize_query(sim))
        async with http.post(
            sim.authorize_url, data={**form, "decision": "deny"}, allow_redirects=False
        ) as resp:
            assert resp.status == 302
            denied = parse_qs(urlsplit(resp.headers["Location"]).query)
        assert denied["error"] == ["access_denied"]
        assert denied["state"] == ["st-123"]
        assert "error_description" in denied
        async with http.post(
            sim.authorize_url, data={**form, "decision": "approve"}, allow_redirects=False
        ) as resp:
            approved = parse_qs(urlsplit(resp.headers["Location"]).query)
        assert approved["code"]
        assert approved["state"] == ["st-123"]


async def test_authorize_rejects_unregistered_redirect_and_bad_params(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    query = _authorize_query(sim, redirect_uri="http://127.0.0.1:8765/callback/")
    async with http.get(sim.authorize_url, params=query, allow_redirects=False) as resp:
        assert resp.status == 400  # never redirect to an unregistered URI
    query = _authorize_query(sim, response_type="token")
    async with http.get(sim.authorize_url, params=query, allow_redirects=False) as resp:
        assert resp.status == 302
        assert "error=unsupported_response_type" in resp.headers["Location"]
    query = _authorize_query(sim, scope="account:information bogus:scope")
    async with http.get(sim.authorize_url, params=query, allow_redirects=False) as resp:
        assert "error=invalid_scope" in resp.headers["Location"]


async def test_pkce_s256_with_form_body_and_single_use_code(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    verifier = "v" * 20 + "-._~" + "x" * 30
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    code = await _code(sim, http, code_challenge=challenge, code_challenge_method="S256")
    wrong = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": sim.client_id,
        "code_verifier": "w" * 50,
        "redirect_uri": sim.redirect_uri,
    }
    status, body = await _token(http, sim, wrong, form=True)
    assert (status, body["error"]) == (400, "invalid_grant")
    good = dict(wrong, code_verifier=verifier)
    status, body = await _token(http, sim, good, form=True)
    assert status == 200, body
    status, body = await _token(http, sim, good, form=True)
    assert (status, body["error"]) == (400, "invalid_grant")  # codes are single use


async def test_a_challenged_code_needs_its_verifier_even_from_a_client_with_a_secret(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    # RFC 7636 4.6: a code issued with a challenge is exchanged only with its verifier.
    code = await _code(sim, http, code_challenge="c" * 43, code_challenge_method="S256")
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "redirect_uri": sim.redirect_uri,
    }
    status, answer = await _token(http, sim, body, form=True)
    assert (status, answer["error"]) == (400, "invalid_request")


async def test_code_expires_and_redirect_uri_must_match(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    code = await _code(sim, http)
    base = {
        "grant_type": "code",
        "code": code,
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
    }
    status, body = await _token(http, sim, dict(base, redirect_uri="http://127.0.0.1:9/other"))
    assert (status, body["error"]) == (400, "invalid_grant")
    sim.advance(601)
    status, body = await _token(http, sim, dict(base, redirect_uri=sim.redirect_uri))
    assert (status, body["error"]) == (400, "invalid_grant")
    assert "expired" in str(body["error_description"])


async def test_refresh_rotation_invalidates_old_refresh_token(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    first = sim.issue_token_response()
    refresh = _refresh_body(sim, first)
    status, body = await _token(http, sim, refresh)
    assert status == 200
    assert body["refresh_token"] != first["refresh_token"]
    status, body = await _token(http, sim, refresh)
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_refresh_without_rotation_keeps_refresh_token(http: aiohttp.ClientSession) -> None:
    async with Simulator(rotate_refresh_tokens=False, tick_interval=None) as sim:
        first = sim.issue_token_response()
        refresh = _refresh_body(sim, first)
        for _ in range(2):
            status, body = await _token(http, sim, refresh, form=True)
            assert status == 200
            assert "refresh_token" not in body
            assert body["access_token"] != first["access_token"]


async def test_client_credentials_form_and_error_codes(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    status, body = await _token(
        http,
        sim,
        {
            "grant_type": "client_credentials",
            "client_id": sim.client_id,
            "client_secret": sim.client_secret,
            "scope": "account:information",
        },
        form=True,
    )
    assert status == 200
    assert "refresh_token" not in body
    async with http.get(
        sim.base_url + "/v2/users/me/accounts",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    ) as resp:
        assert resp.status == 200
    status, body = await _token(
        http,
        sim,
        {"grant_type": "client_credentials", "client_id": sim.client_id, "client_secret": "nope"},
    )
    assert (status, body["error"]) == (401, "invalid_client")
    status, body = await _token(http, sim, {"grant_type": "password"})
    assert (status, body["error"]) == (400, "unsupported_grant_type")


async def test_expired_token_is_401_and_missing_scope_is_403(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = sim.issue_token(scopes=["account:information", "market:information"])
    headers = {"Authorization": token.authorization}
    async with http.get(sim.base_url + "/v1/market/status", headers=headers) as resp:
        assert resp.status == 403
        error = (await resp.json())["error"]
    assert error["type"] == "AUTHORIZATION"
    assert "market:supplemental" in error["message"]
    async with http.get(sim.base_url + "/v2/users/me/accounts", headers=headers) as resp:
        assert resp.status == 200
    sim.advance(61)  # token_ttl is 60 s on the simulator's clock
    async with http.get(sim.base_url + "/v2/users/me/accounts", headers=headers) as resp:
        assert resp.status == 401
        assert (await resp.json())["error"]["code"] == "TOKEN_EXPIRED"
    async with http.get(sim.base_url + "/v2/users/me/accounts") as resp:
        assert resp.status == 401
        assert (await resp.json())["error"]["type"] == "AUTHENTICATION"
    for _ in range(100):  # enough tokens for the server to forget the dead ones
        sim.issue_token()
    async with http.get(sim.base_url + "/v2/users/me/accounts", headers=headers) as resp:
        assert resp.status == 401
        assert (await resp.json())["error"]["code"] == "TOKEN_EXPIRED"  # still, forgotten
    forged = token.access_token[:-4] + ("AAAA" if token.access_token[-4:] != "AAAA" else "BBBB")
    async with http.get(
        sim.base_url + "/v2/users/me/accounts", headers={"Authorization": "Bearer " + forged}
    ) as resp:
        assert (await resp.json())["error"]["code"] == "INVALID_TOKEN"


async def test_stalled_token_requests_are_never_answered_nor_spend_the_grant(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    first = sim.issue_token_response()
    refresh = _refresh_body(sim, first)
    sim.faults.stall_token_requests = 1
    stalled = asyncio.ensure_future(_token(http, sim, refresh))
    await until(lambda: sim.token_requests == 1)
    # The stalled request did not trade the refresh token in: the next one still can.
    status, body = await _token(http, sim, refresh)
    assert (status, sim.token_requests, sim.faults.stall_token_requests) == (200, 2, 0)
    assert body["refresh_token"] != first["refresh_token"]
    assert not stalled.done()
    stalled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stalled


@pytest.mark.parametrize(
    ("flag", "field", "value"),
    [
        ("--stall-token-requests", "stall_token_requests", 2),
        ("--late-token-answers", "late_token_answers", 2.5),
    ],
)
def test_cli_flags_for_held_token_requests(flag: str, field: str, value: float) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert getattr(build_faults(parser.parse_args([flag, str(value)])), field) == value
    assert not getattr(build_faults(parser.parse_args([])), field)


async def test_late_token_answers_spend_the_grant_before_they_come(
    sim: Simulator, http: aiohttp.ClientSession, loop_clock: Callable[[], float]
) -> None:
    first = sim.issue_token_response()
    refresh = _refresh_body(sim, first)
    sim.faults.late_token_answers = 2.0
    started = loop_clock()
    late = asyncio.ensure_future(_token(http, sim, refresh))
    await asyncio.sleep(1.0)  # virtual time: moves once the request is read and granted
    sim.faults.late_token_answers = 0.0
    # Granted while its answer waits: the refresh token it traded in is spent already.
    status, body = await _token(http, sim, refresh)
    assert (status, body["error"]) == (400, "invalid_grant")
    status, body = await late
    assert status == 200
    assert loop_clock() - started == pytest.approx(2.0)
    assert body["refresh_token"] != first["refresh_token"]


async def test_token_answers_can_leave_fields_out(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.token_response_omit = frozenset({"scope", "expires_in"})
    first = sim.issue_token_response()
    status, body = await _token(http, sim, _refresh_body(sim, first))
    assert status == 200
    assert "scope" not in body and "expires_in" not in body
    assert body["access_token"] and body["refresh_token"]
    # Only the answer is shorter: the grant still has its scopes and its lifetime.
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    async with http.get(sim.base_url + "/v2/users/me/accounts", headers=headers) as resp:
        assert resp.status == 200
    sim.advance(61)
    async with http.get(sim.base_url + "/v2/users/me/accounts", headers=headers) as resp:
        assert resp.status == 401


def test_cli_flag_for_token_answers_without_fields() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = ["--token-response-omit", "scope", "--token-response-omit", " expires_in"]
    assert build_faults(parser.parse_args(args)).token_response_omit == {"scope", "expires_in"}
    assert build_faults(parser.parse_args([])).token_response_omit == frozenset()


@pytest.mark.parametrize(
    ("body", "content_type"), [(b"<html>portal</html>", "text/html"), (b"[]", "application/json")]
)
async def test_token_requests_can_be_answered_with_any_body(
    sim: Simulator, http: aiohttp.ClientSession, body: bytes, content_type: str
) -> None:
    sim.faults.token_response_body = body
    refresh = _refresh_body(sim, sim.issue_token_response())
    async with http.post(sim.token_url, json=refresh) as resp:
        assert (resp.status, resp.content_type, await resp.read()) == (200, content_type, body)
    assert sim.token_requests == 1
    sim.faults.token_response_body = None  # the grant was not processed: still good
    status, answer = await _token(http, sim, refresh)
    assert status == 200 and answer["refresh_token"]


def test_cli_flag_for_token_answers_with_any_body() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--token-response-body", "<html>portal</html>"])
    assert build_faults(args).token_response_body == b"<html>portal</html>"
    assert build_faults(parser.parse_args([])).token_response_body is None


@pytest.mark.parametrize("shape", ["rfc", "nested", "nested_no_code", "empty"])
async def test_token_refusals_come_in_each_shape(
    sim: Simulator, http: aiohttp.ClientSession, shape: str
) -> None:
    sim.faults.token_error_shape = shape
    sim.faults.token_error_echo = True
    refresh = _refresh_body(sim, sim.issue_token_response())
    sim.revoke_tokens(refresh_tokens=True)
    said = (
        f"refresh token is invalid or was revoked (refresh_token={refresh['refresh_token']})"
        f" (client_secret={refresh['client_secret']})"  # the whole form's secrets are echoed
    )
    bad_client = dict(refresh, client_secret="nope")
    answers = []
    for body in (refresh, bad_client):
        async with http.post(sim.token_url, json=body) as resp:
            answers.append((resp.status, await resp.read()))
    assert [status for status, _ in answers] == [400, 401]
    if shape == "empty":
        assert [raw for _, raw in answers] == [b"", b""]
        return
    grant, client = (orjson.loads(raw) for _, raw in answers)
    if shape == "rfc":
        assert grant == {"error": "invalid_grant", "error_description": said}
        assert client["error"] == "invalid_client"
        return
    assert (grant["error"]["type"], grant["error"]["message"]) == ("BAD_REQUEST", said)
    assert client["error"]["type"] == "AUTHENTICATION"
    codes = [answer["error"].get("code") for answer in (grant, client)]
    assert codes == (["INVALID_GRANT", "INVALID_CLIENT"] if shape == "nested" else [None, None])


async def test_refresh_without_a_secret_is_accepted_only_when_switched_on(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    public = _refresh_body(sim, sim.issue_token_response())
    del public["client_secret"]
    status, body = await _token(http, sim, public)
    assert (status, body["error"]) == (401, "invalid_client")  # the documented server
    sim.faults.refresh_without_secret = True
    status, body = await _token(http, sim, public, form=True)
    assert status == 200 and body["refresh_token"]
    wrong = dict(public, refresh_token=str(body["refresh_token"]), client_secret="nope")
    status, body = await _token(http, sim, wrong)
    assert (status, body["error"]) == (401, "invalid_client")  # a secret sent is checked


def test_cli_flags_for_token_refusals_and_public_refresh() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = ["--token-error-shape", "nested_no_code", "--token-error-echo"]
    faults = build_faults(parser.parse_args([*args, "--refresh-without-secret"]))
    assert (faults.token_error_shape, faults.token_error_echo) == ("nested_no_code", True)
    assert faults.refresh_without_secret is True
    default = build_faults(parser.parse_args([]))
    assert (default.token_error_shape, default.token_error_echo) == ("rfc", False)
    assert default.refresh_without_secret is False
    with pytest.raises(SystemExit):
        parser.parse_args(["--token-error-shape", "xml"])


@pytest.mark.parametrize("reads", ["json", "form"])
async def test_a_token_endpoint_reading_one_encoding_finds_no_grant_in_the_other(
    sim: Simulator, http: aiohttp.ClientSession, reads: str
) -> None:
    sim.faults.token_encodings = frozenset({reads})
    grant = {"grant_type": "client_credentials", "client_id": sim.client_id}
    grant["client_secret"] = sim.client_secret
    status, body = await _token(http, sim, grant, form=reads == "form")
    assert status == 200 and body["access_token"]
    status, body = await _token(http, sim, grant, form=reads != "form")
    assert (status, body["error"]) == (400, "invalid_request")
    assert body["error_description"] == "grant_type is required"


@pytest.mark.parametrize("grant_type", ["refresh_token", "client_credentials"])
async def test_a_refused_grant_is_unauthorized_client_and_the_others_work(
    sim: Simulator, http: aiohttp.ClientSession, grant_type: str
) -> None:
    sim.faults.refused_grants = frozenset({grant_type})
    cc = {"grant_type": "client_credentials", "client_id": sim.client_id}
    cc["client_secret"] = sim.client_secret
    grants = {
        "client_credentials": cc,
        "refresh_token": _refresh_body(sim, sim.issue_token_response()),
    }
    for name, grant in grants.items():
        status, body = await _token(http, sim, grant)
        if name == grant_type:
            assert (status, body["error"]) == (400, "unauthorized_client")
        else:
            assert status == 200, body


def test_cli_flags_for_the_sign_in_variants() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = ["--token-encoding", "form", "--refused-grant", "client_credentials"]
    args += ["--refused-grant", "refresh_token", "--deny-authorization"]
    faults = build_faults(parser.parse_args([*args, "--error-redirects-without-state"]))
    assert faults.token_encodings == {"form"}
    assert faults.refused_grants == {"client_credentials", "refresh_token"}
    assert faults.deny_authorization and faults.error_redirects_without_state
    default = build_faults(parser.parse_args([]))
    assert default.token_encodings == {"json", "form"} and not default.refused_grants
    assert not (default.deny_authorization or default.error_redirects_without_state)
    with pytest.raises(SystemExit):
        parser.parse_args(["--token-encoding", "xml"])
