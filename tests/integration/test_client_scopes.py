"""A 403 names the scopes the operation needs, the method, and whether the token lacks them;
``client.request(headers=...)`` sends checked headers on every attempt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest

from aries_async import AriesClient, OrderRequest, Token
from aries_async.auth.scopes import expand_scopes
from aries_async.errors import PermissionDeniedError, ValidationError, api_error_from_response
from aries_async.sim import ManualClock, RecordedRequest, Simulator
from aries_async.sim.faults import ServerErrorFault
from aries_async.sim.threaded import ThreadedSimulator

ACCOUNT = "TEST-ACCOUNT-001"


@pytest.fixture(scope="module")
def sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=19) as running:
        yield running


def token(sim: ThreadedSimulator, scopes: list[str] | None = None) -> Token:
    issued: Token = sim.call(lambda: sim.simulator.issue_token(scopes))
    return issued


def journal(sim: ThreadedSimulator) -> list[RecordedRequest]:
    return sim.call(lambda: list(sim.simulator.journal))


async def no_sleep(_: float) -> None:
    pass


Call = Callable[[AriesClient], Awaitable[Any]]

PREVIEW = OrderRequest(account_id=ACCOUNT, symbol="AAPL", side="BUY", type="MARKET", quantity="1")


@pytest.mark.parametrize(
    ("granted", "call", "operation", "required"),
    [
        (
            ["account:information"],
            lambda c: c.market.status(),
            "market.status",
            ("market:supplemental",),
        ),
        (
            ["account:information"],
            lambda c: c.market.quote("AAPL"),
            "market.quote",
            ("market:information",),
        ),
        (
            ["market:information"],
            lambda c: c.market.option_chain("AAPL", date(2030, 1, 18)),
            "market.option_chain",
            ("market:supplemental",),
        ),
        (
            ["market:information"],
            lambda c: c.accounts.positions(ACCOUNT),
            "accounts.positions",
            ("position:information", "account:information"),
        ),
        (["market:information"], lambda c: c.accounts.list(), "accounts.list", None),
        (
            ["account:information"],
            lambda c: c.orders.active(ACCOUNT),
            "orders.active",
            ("order:information",),
        ),
        (
            ["order:information"],
            lambda c: c.orders.preview(PREVIEW),
            "orders.preview",
            ("order:execution",),
        ),
    ],
)
async def test_a_typed_method_names_the_scope_it_needs(
    sim: ThreadedSimulator,
    granted: list[str],
    call: Call,
    operation: str,
    required: tuple[str, ...] | None,
) -> None:
    required = required or ("account:information",)
    async with AriesClient(sim.client_config(), token=token(sim, granted)) as client:
        with pytest.raises(PermissionDeniedError) as info:
            await call(client)
    error = info.value
    assert error.status == 403
    assert error.operation == operation
    assert error.required_scopes == required
    assert error.missing_scope == required[0]
    message = str(error)
    one_of = "one of " if len(required) > 1 else ""
    assert f"{operation}() needs the scope {one_of}{', '.join(required)}" in message
    assert "not granted to this token" in message and "aries-async login --scopes" in message


async def test_request_names_the_operation_by_its_route(sim: ThreadedSimulator) -> None:
    async with AriesClient(sim.client_config(), token=token(sim, ["market:information"])) as client:
        with pytest.raises(PermissionDeniedError) as info:
            await client.request("GET", f"/v2/accounts/{ACCOUNT}/balance")
    error = info.value
    assert error.operation == "GET /v2/accounts/{id}/balance"
    assert error.required_scopes == ("account:information",)
    assert error.missing_scope == "account:information"
    assert "GET /v2/accounts/{id}/balance needs the scope account:information" in str(error)


async def test_a_403_for_a_token_holding_the_scope_says_it_is_about_something_else(
    sim: ThreadedSimulator,
) -> None:
    # The caller says the operation needs account:information, which the token has; the
    # server refuses anyway (it wants market:supplemental).
    async with AriesClient(
        sim.client_config(), token=token(sim, ["account:information"])
    ) as client:
        with pytest.raises(PermissionDeniedError) as info:
            await client.request(
                "GET", "/v1/market/status", scopes=["account:information"], operation="status"
            )
    message = str(info.value)
    assert info.value.required_scopes == ("account:information",)
    assert "status() needs the scope account:information" in message
    assert "which this token has (account:information): the refusal is not about scopes" in message


async def test_a_token_without_its_scope_list_still_names_what_is_needed(
    sim: ThreadedSimulator,
) -> None:
    bare = attrs.evolve(token(sim, ["account:information"]), scopes=frozenset())
    async with AriesClient(sim.client_config(), token=bare) as client:
        with pytest.raises(PermissionDeniedError) as info:
            await client.market.status()
    message = str(info.value)
    assert "market.status() needs the scope market:supplemental" in message
    assert "not granted" not in message and "which this token has" not in message
    assert info.value.missing_scope == "market:supplemental"  # the server named it


async def test_a_server_enforcing_no_scope_serves_every_call_of_a_narrow_token() -> None:
    """oauth.md 4 leaves the server's scope enforcement UNCERTAIN: the client never refuses a
    call for its token's scopes by itself, so a server that checks none serves them all."""
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        sim.faults.scope_enforcement = "none"
        narrow = sim.issue_token(["market:information"])
        async with AriesClient(sim.client_config(), token=narrow) as client:
            assert [a.id for a in await client.accounts.list()]
            assert (await client.market.status()).exchange == "US"
            assert await client.orders.preview(PREVIEW)
        sim.faults.scope_enforcement = "operation"
        async with AriesClient(sim.client_config(), token=narrow) as client:
            with pytest.raises(PermissionDeniedError):
                await client.accounts.list()


async def test_a_403_that_names_no_scope_names_the_one_the_token_lacks() -> None:
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        sim.faults.scope_enforcement = "unnamed"
        narrow = sim.issue_token(["account:information"])
        async with AriesClient(sim.client_config(), token=narrow) as client:
            with pytest.raises(PermissionDeniedError) as info:
                await client.market.status()
    assert info.value.missing_scope == "market:supplemental"  # from the token's own list
    assert "market.status() needs the scope market:supplemental" in str(info.value)


def test_the_scope_in_the_details_of_a_403_is_read() -> None:
    body = (
        b'{"error": {"type": "AUTHORIZATION", "code": "FORBIDDEN", "message": "forbidden",'
        b' "details": {"required_scope": "watchlist:management"}}}'
    )
    error = api_error_from_response(403, {}, body, method="POST", path="/v1/config/watchlist")
    assert isinstance(error, PermissionDeniedError)
    assert error.missing_scope == "watchlist:management"


async def test_the_oauth_calls_take_scope_groups(sim: ThreadedSimulator) -> None:
    config = sim.client_config(scopes=["chart", "orders"])
    async with AriesClient(config) as client:
        request = client.oauth.authorization_url()
        asked = parse_qs(urlsplit(request.url).query)["scope"][0].split()
        assert asked == ["market:information", "order:information", "order:execution"]
        assert request.scopes == tuple(asked)
        request = client.oauth.authorization_url(scopes="watchlists")
        assert request.scopes == ("watchlist:information", "watchlist:management")
        token = await client.oauth.client_credentials(scopes="analytics")
        assert token.scopes == frozenset(expand_scopes("analytics"))
        with pytest.raises(ValidationError, match="unknown scope group 'analytix'"):
            await client.oauth.client_credentials(scopes="analytix")
        with pytest.raises(ValidationError, match="unknown scope group 'bogus'"):
            client.oauth.authorization_url(scopes=["market", "bogus"])


# -- headers= ---------------------------------------------------------------------------------


async def test_headers_are_sent_with_every_attempt_and_credentials_are_not_journaled(
    sim: ThreadedSimulator,
) -> None:
    sim.call(
        lambda: sim.simulator.faults.server_errors.update(
            {"GET /v1/market/status": ServerErrorFault(count=1, status=503)}
        )
    )
    before = len(journal(sim))
    config = sim.client_config()
    async with AriesClient(config, token=token(sim), sleep=no_sleep) as client:
        status = await client.request(
            "GET",
            "/v1/market/status",
            headers={"X-Trace-Id": "trace-1", "Idempotency-Key": "key-\t1"},
        )
    assert status
    sent = [r for r in journal(sim)[before:] if r.raw_path == "/v1/market/status"]
    assert len(sent) == 2  # the 503, then the retry
    for request in sent:
        assert request.header("x-trace-id") == "trace-1"
        assert request.header("Idempotency-Key") == "key-\t1"
        assert request.header("Authorization") is None  # checked by the server, never kept


async def test_a_content_type_given_is_sent_once_with_a_json_body(sim: ThreadedSimulator) -> None:
    before = len(journal(sim))
    async with AriesClient(sim.client_config(), token=token(sim)) as client:
        await client.request(
            "POST",
            "/v1/etb/search",
            json={"symbols": ["AAPL"]},
            headers={"content-type": "application/json; charset=utf-8"},
        )
        await client.request("POST", "/v1/etb/search", json={"symbols": ["MSFT"]})
    given, default = journal(sim)[before:]
    assert [v for k, v in given.headers if k.lower() == "content-type"] == [
        "application/json; charset=utf-8"
    ]
    assert default.header("Content-Type") == "application/json"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Authorization": "Bearer stolen-secret"}, "cannot be given: the client sets it"),
        ({"authorization": "Bearer stolen-secret"}, "the bearer token"),
        ({"Host": "evil.example"}, "cannot be given: the client sets it (the host of its base"),
        ({"Content-Length": "5"}, "cannot be given: aiohttp sets it (the length of the body"),
        ({"Transfer-Encoding": "chunked"}, "cannot be given: aiohttp sets it (how the body"),
        ({"X-Note": "a\r\nX-Injected: 1"}, "without control characters"),
        ({"X-Note": "a\nb"}, "without control characters"),
        ({"X-Note": "nul\x00"}, "without control characters"),
        ({"X-Note\r\nX-Injected": "1"}, "not a valid HTTP field name"),
        ({"Bad Name": "1"}, "not a valid HTTP field name"),
        ({"": "1"}, "not a valid HTTP field name"),
        ({"X-Count": 1}, "must be a string"),
        ({"X-A": "1", "x-a": "2"}, "given twice"),
        ([("X-A", "1")], "must be a mapping"),
    ],
)
async def test_bad_headers_are_refused_before_anything_is_sent(
    sim: ThreadedSimulator, headers: Any, reason: str
) -> None:
    before = len(journal(sim))
    async with AriesClient(sim.client_config(), token=token(sim)) as client:
        with pytest.raises(ValidationError) as info:
            await client.request("GET", "/v1/market/status", headers=headers)
    assert info.value.field == "headers"
    assert reason in str(info.value)
    assert "stolen-secret" not in str(info.value)
    # each refused header gives its own reason: only Authorization's is the token
    assert ("bearer token" in str(info.value)) == ("authorization" in str(headers).lower())
    assert len(journal(sim)) == before


@pytest.mark.parametrize("method", ["GE T", "GET\r\nX-Injected: 1", "", None, 7])
async def test_a_bad_method_is_refused_before_anything_is_sent(
    sim: ThreadedSimulator, method: Any
) -> None:
    before = len(journal(sim))
    async with AriesClient(sim.client_config(), token=token(sim)) as client:
        with pytest.raises(ValidationError) as info:
            await client.request(method, "/v1/market/status")
    assert info.value.field == "method"
    assert len(journal(sim)) == before
