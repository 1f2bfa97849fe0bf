"""Every HTTP fault of the simulator, injected from Python, plus the CLI flags for all faults."""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import pytest
from sim_http import Gate
from stream_helpers import until
from yarl import URL

from aries_async.sim import (
    ErrorFault,
    Faults,
    ManualClock,
    RateLimitFault,
    ServerErrorFault,
    Simulator,
)
from aries_async.sim import cli as sim_cli
from aries_async.sim.cli import add_arguments, build_faults, build_simulator
from aries_async.sim.faults import ERROR_SHAPES, MALFORMED_DATE

ACCOUNT = "TEST-ACCOUNT-001"
ORDER = {
    "tradingAccountId": ACCOUNT,
    "symbol": "KO",
    "side": "BUY",
    "type": "LIMIT",
    "qty": "1",
    "price": "10.00",
    "timeInForce": "DAY",
    "clientId": "swallow-1",
}


SHUTDOWN_GRACE = 0.5
"""How long the simulator's server lets the handlers still running finish when it stops."""


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=2, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.fixture
async def http(sim: Simulator) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": sim.issue_token().authorization}
    async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as session:
        yield session


async def _get(http: aiohttp.ClientSession, path: str, **kwargs: Any) -> tuple[int, Any, Any]:
    async with http.get(path, **kwargs) as resp:
        body = await resp.read()
        return resp.status, resp.headers, json.loads(body) if body else None


async def test_rate_limit_per_route_with_retry_after(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=2, retry_after=1.5)
    for _ in range(2):
        status, headers, body = await _get(http, "/v1/chart/quotes", params={"symbols": "KO"})
        assert status == 429
        assert headers["Retry-After"] == "2"
        assert headers["retry-after-ms"] == "1500"
        assert (body["error"]["type"], body["error"]["code"]) == ("RATE_LIMIT", "RATE_LIMITED")
    status, _, _ = await _get(http, "/v1/chart/quotes", params={"symbols": "KO"})
    assert status == 200
    status, _, _ = await _get(http, "/v2/users/me/accounts")  # other routes unaffected
    assert status == 200
    assert sim.requests[("GET", "/v1/chart/quotes")] == 3


async def test_server_error_burst_and_empty_body(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.server_errors["/v2/accounts/{id}/balance"] = ServerErrorFault(count=2, status=502)
    statuses = [(await _get(http, f"/v2/accounts/{ACCOUNT}/balance"))[0] for _ in range(3)]
    assert statuses == [502, 502, 200]
    sim.faults.server_errors["*"] = ServerErrorFault(count=1, status=500, empty_body=True)
    status, _, body = await _get(http, "/v1/users/me")
    assert (status, body) == (500, None)


def _error_shapes(rid: str) -> dict[str, Any]:
    """Each error shape's body for a 404 with code ``GONE`` and message ``no such thing``."""
    nested: dict[str, Any] = {"type": "NOT_FOUND", "code": "GONE", "message": "no such thing"}
    nested |= {"details": {}, "request_id": rid}
    return {
        "flat": {
            "error": "no such thing",
            "codes": [{"code": "GONE", "description": "no such thing", "field": "sim"}],
            "metadata": {},
        },
        "flat_bare": {"error": "no such thing", "metadata": {}},
        "nested": {"error": nested, "meta": {}},
        "prediction": {
            "success": False,
            "error": nested | {"service": "prediction-markets", "operation": "/v1/users/me"},
        },
        "prediction_order": {"success": False, "error": nested | {"type": "not_found"}},
        "legacy": {"error": "GONE", "message": "no such thing"},
        "empty": None,
    }


@pytest.mark.parametrize("shape", ERROR_SHAPES)
async def test_error_responses_answer_in_each_documented_shape(
    sim: Simulator, http: aiohttp.ClientSession, shape: str
) -> None:
    fault = ErrorFault(count=2, status=404, shape=shape, code="GONE", message="no such thing")
    sim.faults.error_responses["GET /v1/users/me"] = fault
    for _ in range(2):
        async with http.get("/v1/users/me") as resp:
            status, rid, body = resp.status, resp.headers["X-Request-Id"], await resp.read()
        assert status == 404
        if shape == "html":
            assert resp.content_type == "text/html"
            assert b"no such thing" in body and not body.lstrip().startswith((b"{", b"["))
        else:
            assert (json.loads(body) if body else None) == _error_shapes(rid)[shape]
    assert (await _get(http, "/v1/users/me"))[0] == 200  # the count used up
    assert sim.faults.error_responses == {}
    with pytest.raises(ValueError, match="shape"):
        ErrorFault(shape="xml")


async def test_retry_after_on_a_5xx_and_as_an_http_date(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    path = f"/v2/accounts/{ACCOUNT}/balance"
    sim.faults.server_errors[path] = ServerErrorFault(count=1, status=503, retry_after=2.5)
    status, headers, _ = await _get(http, path)
    assert (status, headers["Retry-After"], headers["retry-after-ms"]) == (503, "3", "2500")
    sim.faults.retry_after_http_date = True
    sim.faults.server_errors[path] = ServerErrorFault(count=1, status=503, retry_after=2.5)
    sim.faults.rate_limit[path] = RateLimitFault(count=1, retry_after=30)
    for status, wait in ((429, 30), (503, 3)):  # the rate limit is checked first
        got, headers, _ = await _get(http, path)
        when = parsedate_to_datetime(headers["Retry-After"]).timestamp()
        assert (got, when, "retry-after-ms" in headers) == (status, sim.clock.now() + wait, False)


async def test_retry_after_headers_are_sent_as_given(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    path = f"/v2/accounts/{ACCOUNT}/balance"
    sim.faults.retry_after_headers = {"Retry-After": "nan", "retry-after-ms": "-1"}
    sim.faults.retry_after_http_date = True  # the given headers win over it
    sim.faults.server_errors[path] = ServerErrorFault(count=1, status=503, retry_after=2.5)
    sim.faults.rate_limit[path] = RateLimitFault(count=1, retry_after=30)
    for status in (429, 503):
        got, headers, _ = await _get(http, path)
        sent = (headers["Retry-After"], headers["retry-after-ms"])
        assert (got, sent) == (status, ("nan", "-1"))


async def test_market_status_timestamp_in_milliseconds(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    _, _, body = await _get(http, "/v1/market/status")
    assert body["timestamp"] == int(sim.clock.now())
    sim.faults.market_status_timestamp_ms = True
    _, _, body = await _get(http, "/v1/market/status")
    assert body["timestamp"] == int(sim.clock.now() * 1000)


async def test_the_spec_variant_switches_answer_as_they_say(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.market_status_session = "upper"
    _, _, body = await _get(http, "/v1/market/status")
    assert body["session"] == "REGULAR"  # 10:00 in New York
    narrow = {"Authorization": sim.issue_token(["market:information"]).authorization}
    status, _, body = await _get(http, "/v2/users/me/accounts", headers=narrow)
    assert status == 403 and body["error"]["details"] == {"required_scope": "account:information"}
    sim.faults.scope_enforcement = "unnamed"
    status, _, body = await _get(http, "/v2/users/me/accounts", headers=narrow)
    assert status == 403 and body["error"]["details"] == {}
    sim.faults.scope_enforcement = "none"
    status, _, body = await _get(http, "/v2/users/me/accounts", headers=narrow)
    assert status == 200 and body["accounts"]
    status, _, _ = await _get(http, "/v2/users/me/accounts", headers={"Authorization": "Bearer x"})
    assert status == 401  # the token itself is still checked
    sim.faults.whole_shares_only = True
    async with http.post("/v1/orders", json={**ORDER, "qty": "1.5"}) as resp:
        ack = await resp.json()
    assert ack["status"] == "REJECTED" and "fractional" in ack["ordRejReason"]


@pytest.mark.parametrize("enforcement", ["operation", "none"])
async def test_scope_enforcement_none_opens_the_sockets_to_any_valid_token(
    sim: Simulator, enforcement: str
) -> None:
    sim.faults.scope_enforcement = enforcement
    token = sim.issue_token(["account:information"]).access_token
    auth = {"method": "POST", "path": "/auth", "body": {"token": token}}
    async with aiohttp.ClientSession() as http, http.ws_connect(sim.market_ws_url) as ws:
        await ws.send_json({"type": "request", "id": "a1", "payload": auth})
        first = json.loads((await ws.receive(timeout=5)).data.splitlines()[0])
    accepted = "authSuccess" if enforcement == "none" else "error"
    assert first["payload"]["action"] == accepted


def test_the_spec_variant_switches_are_cli_flags() -> None:
    default = build_faults(_parse([]))
    assert (default.market_status_timestamp_ms, default.whole_shares_only) == (False, False)
    assert (default.market_status_session, default.scope_enforcement) == ("words", "operation")
    faults = build_faults(
        _parse(
            [
                "--market-status-timestamp-ms",
                "--market-status-session",
                "camel",
                "--scope-enforcement",
                "unnamed",
                "--whole-shares-only",
                "--order-fields",
                "docs",
                "--short-sale-while-long",
                "--late-auction-orders",
                "--auction-stops",
                "--pattern-prices-in-cents",
                "--late-auction-cancels",
                "--option-type-words",
            ]
        )
    )
    assert (default.late_auction_cancels, faults.late_auction_cancels) == (False, True)
    assert (default.pattern_prices_in_cents, faults.pattern_prices_in_cents) == (False, True)
    assert (default.option_type_words, faults.option_type_words) == (False, True)
    assert (default.late_auction_orders, faults.late_auction_orders) == (False, True)
    assert (default.auction_stops, faults.auction_stops) == (False, True)
    assert (default.short_sale_while_long, faults.short_sale_while_long) == (False, True)
    assert (faults.market_status_timestamp_ms, faults.whole_shares_only) == (True, True)
    assert (default.order_fields, faults.order_fields) == ("sdk", "docs")
    assert (faults.market_status_session, faults.scope_enforcement) == ("camel", "unnamed")


async def test_answers_are_dated_on_the_simulators_clock_or_as_the_fault_says(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """A server's ``Date`` is its own clock: the simulator's, not the real time."""
    sim.advance(0.75)  # ``Date`` is the second the clock is in
    routes = ("/v1/market/status", "/v1/no-such-route", f"/v2/accounts/{ACCOUNT}/balance")
    sim.faults.server_errors[routes[2]] = ServerErrorFault(count=1, status=503)
    for path in routes:
        _, headers, _ = await _get(http, path)
        assert parsedate_to_datetime(headers["Date"]).timestamp() == int(sim.clock.now())
    sim.faults.date_header = "none"
    assert [(await _get(http, path))[1].get("Date") for path in routes[:2]] == [None, None]
    sim.faults.date_header = "malformed"
    _, headers, _ = await _get(http, routes[0])
    assert headers["Date"] == MALFORMED_DATE


async def test_latency_delays_responses(
    sim: Simulator, http: aiohttp.ClientSession, loop_clock: Callable[[], float]
) -> None:
    sim.faults.latency = 0.05
    sim.faults.route_latency["/v1/market/status"] = 0.3  # on top of every route's
    for path, delay in (("/v1/market/status", 0.35), ("/v1/users/me", 0.05)):
        started = loop_clock()
        status, _, _ = await _get(http, path)
        assert status == 200
        assert loop_clock() - started == pytest.approx(delay), path
    started = loop_clock()
    with pytest.raises(asyncio.TimeoutError):  # a client that does not wait that long
        await _get(http, "/v1/market/status", timeout=aiohttp.ClientTimeout(total=0.1))
    assert loop_clock() - started == pytest.approx(0.1)


async def test_swallowed_order_response_still_places_the_order(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.swallow_order_response = 1
    with pytest.raises(aiohttp.ClientError):
        async with http.post("/v1/orders", json=ORDER) as resp:
            await resp.read()
    assert sim.requests[("POST", "/v1/orders")] == 1  # sent exactly once
    orders = sim.state.find_by_client_id("swallow-1")
    assert [o.status for o in orders] == ["NEW"]  # and it landed
    async with http.post("/v1/orders", json=ORDER) as resp:  # the fault was used up
        assert resp.status == 200


@pytest.mark.usefixtures("loop_clock")  # the 0.2 s timeout: virtual, never cut short
async def test_swallow_hang_mode_never_answers(sim: Simulator, http: aiohttp.ClientSession) -> None:
    sim.faults.swallow_order_response = 1
    sim.faults.swallow_mode = "hang"
    with pytest.raises(asyncio.TimeoutError):
        async with http.post(
            "/v1/orders", json=ORDER, timeout=aiohttp.ClientTimeout(total=0.2)
        ) as resp:
            await resp.read()
    assert len(sim.state.find_by_client_id("swallow-1")) == 1


async def test_held_order_answers_go_out_once_released_the_order_placed_meanwhile(
    sim: Simulator, http: aiohttp.ClientSession, loop_clock: Callable[[], float]
) -> None:
    held = Gate()
    sim.faults.hold_order_answers = held

    async def place() -> tuple[int, Any]:
        async with http.post("/v1/orders", json=ORDER) as resp:
            return resp.status, await resp.json()

    async with asyncio.timeout(5):  # a hold that never arrives or never ends fails
        answer = asyncio.ensure_future(place())
        await held.arrived.wait()
        assert [o.status for o in sim.state.find_by_client_id("swallow-1")] == ["NEW"]
        held.set()
        status, ack = await answer
        assert status == 200 and ack["success"] is True
        # one still held when the simulator stops ends at once, unanswered
        held.clear()
        held.arrived.clear()
        unanswered = asyncio.ensure_future(place())
        await held.arrived.wait()
        started = loop_clock()
        await sim.stop()
        assert loop_clock() - started < SHUTDOWN_GRACE  # not waited out
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await unanswered
    assert sim.requests[("POST", "/v1/orders")] == 2


async def test_a_stop_ends_unanswered_requests_at_once(loop_clock: Callable[[], float]) -> None:
    """A hung order, a stalled token request and a trickled answer end when the simulator
    stops: the client sees the connection close, and the stop does not wait out the server's
    shutdown grace."""
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        headers = {"Authorization": sim.issue_token().authorization}
        sim.faults.swallow_order_response = 1
        sim.faults.swallow_mode = "hang"
        sim.faults.stall_token_requests = 1
        sim.faults.trickle_body["/v1/market/status"] = 60.0
        grant = {"grant_type": "client_credentials", "client_id": sim.client_id}
        async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as http:

            async def call(path: str, body: dict[str, str] | None = None) -> bytes:
                async with http.request("GET" if body is None else "POST", path, json=body) as r:
                    return await r.read()

            calls = [
                asyncio.ensure_future(call("/v1/orders", ORDER)),
                asyncio.ensure_future(call(URL(sim.token_url).path, grant)),
                asyncio.ensure_future(call("/v1/market/status?exchange=US")),
            ]
            placed = sim.state.find_by_client_id
            await until(lambda: sim.token_requests == 1 and bool(placed("swallow-1")))
            await until(lambda: sim.requests[("GET", "/v1/market/status")] == 1)
            started = loop_clock()
            await sim.stop()
            stopped_in = loop_clock() - started
            ended = await asyncio.gather(*calls, return_exceptions=True)
    disconnected, cut_short = aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError
    assert [type(e) for e in ended] == [disconnected, disconnected, cut_short], ended
    assert stopped_in < SHUTDOWN_GRACE, stopped_in


@pytest.mark.parametrize(
    ("mode", "body"),
    [
        ("garble", b"<html>upstream error</html>"),
        ("empty", b"{}"),
        ("message", b'{"message":"ok"}'),
        ("array", b"[]"),
        ("null", b"null"),
        ("blank", b""),
    ],
)
async def test_non_ack_modes_execute_the_order_and_answer_200_with_that_body(
    sim: Simulator, http: aiohttp.ClientSession, mode: str, body: bytes
) -> None:
    sim.faults.swallow_order_response = 1
    sim.faults.swallow_mode = mode
    async with http.post("/v1/orders", json=ORDER) as resp:
        assert (resp.status, await resp.read()) == (200, body)
    assert [o.status for o in sim.state.find_by_client_id("swallow-1")] == ["NEW"]


async def test_non_ack_envelope_mode_wraps_the_acknowledgement(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.swallow_order_response = 1
    sim.faults.swallow_mode = "envelope"
    async with http.post("/v1/orders", json=ORDER) as resp:
        assert resp.status == 200
        data = json.loads(await resp.read())
    assert list(data) == ["data"]
    assert data["data"]["success"] is True
    (order,) = sim.state.find_by_client_id("swallow-1")
    assert data["data"]["clOrdId"] == order.cl_ord_id


@pytest.mark.parametrize(("mode", "cl_ord_id"), [("no_id", None), ("blank_id", " ")])
async def test_non_ack_id_modes_send_the_accepting_ack_without_a_usable_id(
    sim: Simulator, http: aiohttp.ClientSession, mode: str, cl_ord_id: str | None
) -> None:
    sim.faults.swallow_order_response = 1
    sim.faults.swallow_mode = mode
    async with http.post("/v1/orders", json=ORDER) as resp:
        assert resp.status == 200
        data = json.loads(await resp.read())
    assert (data["success"], data["status"], data.get("clOrdId")) == (True, "NEW", cl_ord_id)
    assert [o.status for o in sim.state.find_by_client_id("swallow-1")] == ["NEW"]
    sim.faults.swallow_order_response = 1  # a rejection keeps its id: it is still a rejection
    async with http.post("/v1/orders", json={**ORDER, "symbol": "NOSUCH"}) as resp:
        refused = json.loads(await resp.read())
    (order,) = [o for o in sim.state.find_by_client_id("swallow-1") if o.status == "REJECTED"]
    assert (refused["success"], refused["clOrdId"]) == (False, order.cl_ord_id)


async def test_rejections_status_only_drops_success_from_rejections_alone(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.rejections_status_only = True

    async def post(route: str, body: dict[str, Any]) -> dict[str, Any]:
        async with http.post(route, json=body) as resp:
            assert resp.status == 200
            answer: dict[str, Any] = json.loads(await resp.read())
            return answer

    refused = await post("/v1/orders", {**ORDER, "symbol": "NOSUCH"})
    assert refused["status"] == "REJECTED" and "success" not in refused
    placed = await post("/v1/orders", ORDER)
    assert (placed["success"], placed["status"]) == (True, "NEW")  # acceptances keep it
    target = {"tradingAccountId": ACCOUNT, "origClOrdId": placed["clOrdId"]}
    cancel = {**target, "symbol": "KO", "side": "BUY"}
    assert (await post("/v1/orders/cancel", cancel))["success"] is True
    for route, body in [
        ("/v1/orders/cancel", cancel),
        ("/v1/orders/replace", {**target, "symbol": "KO", "qty": "2"}),
    ]:
        refused = await post(route, body)  # the order is no longer open
        assert refused["status"] == "REJECTED" and "success" not in refused, route


async def test_positions_read_model_unavailable(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.positions_unavailable = True
    status, _, body = await _get(http, f"/v1/accounts/{ACCOUNT}/positions")
    assert status == 503
    assert body["error"]["code"] == "POSITIONS_UNAVAILABLE"


async def test_token_revocation(sim: Simulator, http: aiohttp.ClientSession) -> None:
    sim.faults.revoke_tokens_after = 2
    assert (await _get(http, "/v1/users/me"))[0] == 200
    assert (await _get(http, "/v1/users/me"))[0] == 200
    status, _, body = await _get(http, "/v1/users/me")
    assert status == 401
    assert body["error"]["code"] == "TOKEN_REVOKED"
    fresh = sim.issue_token()
    status, _, _ = await _get(http, "/v1/users/me", headers={"Authorization": fresh.authorization})
    assert status == 200
    assert sim.revoke_tokens() >= 1
    status, _, _ = await _get(http, "/v1/users/me", headers={"Authorization": fresh.authorization})
    assert status == 401


async def test_token_revocation_after_zero_requests_revokes_at_the_first(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """0, which the switch's check takes (as ``--revoke-tokens-after 0`` does), acts as 1: the
    count it leaves behind is never set below 0, which the check would refuse mid-request."""
    sim.faults.revoke_tokens_after = 0
    assert (await _get(http, "/v1/users/me"))[0] == 200
    status, _, body = await _get(http, "/v1/users/me")
    assert (status, body["error"]["code"]) == (401, "TOKEN_REVOKED")


async def test_huge_body_keeps_the_answer_shape(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    _, _, normal = await _get(http, "/v1/chart/quotes", params={"symbols": "KO"})
    sim.faults.huge_body["GET /v1/chart/quotes"] = 1_000_000
    async with http.get("/v1/chart/quotes", params={"symbols": "KO"}) as resp:
        raw = await resp.read()
        assert resp.headers["Content-Type"].startswith("application/json")
    assert len(raw) >= 1_000_000
    body = json.loads(raw)
    assert body["s"] == normal["s"] == "ok"
    assert len(body["d"]) > 1000
    assert {item["n"] for item in body["d"]} == {"KO"}
    sim.faults.huge_body["*"] = 1_000_000  # an answer without a list is left alone
    status, _, small = await _get(http, "/v1/users/me")
    assert status == 200
    assert len(json.dumps(small)) < 10_000


async def test_open_connections_drop_to_zero_when_the_client_closes(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    assert sim.open_connections == 0
    assert (await _get(http, "/v1/users/me"))[0] == 200
    assert sim.open_connections == 1  # the keep-alive connection of ``http``
    await http.close()
    for _ in range(100):
        if sim.open_connections == 0:
            break
        await asyncio.sleep(0.01)
    assert sim.open_connections == 0


async def test_faults_clear_resets_everything() -> None:
    faults = Faults(latency=1.0, ws_stall=True, null_active_orders=False)
    faults.rate_limit["*"] = RateLimitFault()
    faults.huge_body["*"] = 1
    faults.clear()
    assert faults == Faults()


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


async def test_cli_flags_build_every_fault() -> None:
    args = _parse(
        [
            "--rate-limit",
            "POST /v1/orders=3:2.5",
            "--rate-limit",
            "/v1/chart/quotes=*",
            "--server-errors",
            "*=2:504",
            "--empty-error-bodies",
            "--latency",
            "0.2",
            "--swallow-orders",
            "1",
            "--swallow-mode",
            "hang",
            "--rejections-status-only",
            "--positions-unavailable",
            "--active-orders-empty-list",
            "--revoke-tokens-after",
            "7",
            "--ws-drop-after",
            "5",
            "--ws-malformed-every",
            "3",
            "--ws-stall",
            "--ws-account-unanswered",
            "--ws-auth-unanswered",
            "--ws-auth-error-id",
            "none",
            "--order-client-id",
            "oauth_client",
            "--date-header",
            "malformed",
            "--huge-body",
            "GET /v1/chart/quotes=20000000",
        ]
    )
    faults = build_faults(args)
    assert faults.rate_limit["POST /v1/orders"] == RateLimitFault(count=3, retry_after=2.5)
    assert faults.rate_limit["/v1/chart/quotes"].count is None
    assert faults.server_errors["*"] == ServerErrorFault(count=2, status=504, empty_body=True)
    assert (faults.latency, faults.swallow_order_response, faults.swallow_mode) == (0.2, 1, "hang")
    assert faults.rejections_status_only is True
    assert faults.positions_unavailable is True
    assert faults.null_active_orders is False
    assert faults.revoke_tokens_after == 7
    assert (faults.ws_drop_after, faults.ws_malformed_every, faults.ws_stall) == (5, 3, True)
    assert faults.ws_auth_unanswered is True
    assert faults.ws_account_unanswered is True
    assert faults.ws_auth_error_id == "none"
    assert faults.order_client_id == "oauth_client"
    assert faults.date_header == "malformed"
    assert faults.huge_body == {"GET /v1/chart/quotes": 20_000_000}


def test_the_drop_after_count_is_a_cli_flag() -> None:
    assert build_faults(_parse(["--ws-drop-after", "5"])).ws_drop_after_count is None
    faults = build_faults(_parse(["--ws-drop-after", "5", "--ws-drop-after-count", "2"]))
    assert (faults.ws_drop_after, faults.ws_drop_after_count) == (5, 2)
    assert build_faults(_parse(["--ws-drop-after-count", "*"])).ws_drop_after_count is None
    for bad in ("0", "-1", "x"):
        with pytest.raises(SystemExit):
            _parse(["--ws-drop-after-count", bad])


def test_the_market_acknowledgements_switch_is_a_cli_flag() -> None:
    assert build_faults(_parse([])).ws_market_unacknowledged is False
    assert build_faults(_parse(["--ws-market-unacknowledged"])).ws_market_unacknowledged is True
    assert "--ws-market-unacknowledged" in (sim_cli.__doc__ or "")


def test_cli_flags_for_shaped_errors_and_the_positions_shape() -> None:
    args = ["--error-response", "GET /v1/users/me=404:legacy:2", "--error-response", "*=500"]
    args += ["--error-response", "/v1/chart/quotes=422:flat_bare:*", "--positions-shape", "bare"]
    faults = build_faults(_parse(args))
    assert faults.error_responses == {
        "GET /v1/users/me": ErrorFault(count=2, status=404, shape="legacy"),
        "*": ErrorFault(count=1, status=500, shape="nested"),
        "/v1/chart/quotes": ErrorFault(count=None, status=422, shape="flat_bare"),
    }
    assert faults.positions_shape == "bare"
    default = build_faults(_parse([]))
    assert (default.error_responses, default.positions_shape) == ({}, "sdk")


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("GET /v1/chart/quotes=200", "a 4xx or 5xx status, got '200'"),
        ("GET /v1/chart/quotes=600:flat", "a 4xx or 5xx status, got '600'"),
        ("GET /v1/chart/quotes=oops", "a 4xx or 5xx status, got 'oops'"),
        (
            "GET /v1/chart/quotes",
            "expected ROUTE=STATUS[:SHAPE[:COUNT]], got 'GET /v1/chart/quotes'",
        ),
        ("GET /v1/chart/quotes=404:xml", "a shape of " + ", ".join(ERROR_SHAPES) + ", got 'xml'"),
        ("GET /v1/chart/quotes=404:flat:two", "a count of at least 1 or *, got 'two'"),
        ("GET /v1/chart/quotes=404:flat:0", "a count of at least 1 or *, got '0'"),
        (" =404", "expected ROUTE=STATUS[:SHAPE[:COUNT]], got ' =404'"),
    ],
)
def test_cli_refuses_a_bad_error_response_saying_what_is_wrong(
    spec: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        _parse(["--error-response", spec])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--error-response" in err and said in err, err


async def test_sim_command_line_shaped_errors_and_positions_shape_end_to_end() -> None:
    """The flags as ``aries-async sim`` reads them, then a running simulator answers so."""
    flags = ["--error-response", "GET /v1/users/me=404:legacy:2", "--positions-shape", "bare"]
    sim = build_simulator(_parse(flags))
    async with sim:
        headers = {"Authorization": sim.issue_token().authorization}
        async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as http:
            legacy = {"error": "SIMULATED_ERROR", "message": "simulated error"}
            for _ in range(2):
                assert (await _get(http, "/v1/users/me"))[::2] == (404, legacy)
            assert (await _get(http, "/v1/users/me"))[0] == 200  # the count used up
            status, _, body = await _get(http, f"/v1/accounts/{ACCOUNT}/positions")
            assert status == 200 and isinstance(body, list)  # the bare array
    with pytest.raises(SystemExit):
        _parse(["--positions-shape", "xml"])


def test_cli_serves_and_prints_one_json_line() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aries_async.sim.cli",
            "--seed",
            "3",
            "--token-ttl",
            "5",
            "--client-secret",
            "local-secret",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["base_url"].startswith("http://127.0.0.1:")
        assert info["market_ws_url"].startswith("ws://127.0.0.1:")
        for key in ("accounts_ws_url", "authorize_url", "client_id", "redirect_uri"):
            assert info[key]
        import urllib.parse
        import urllib.request

        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": info["client_id"],
                "client_secret": "local-secret",
            }
        ).encode()
        with urllib.request.urlopen(info["base_url"] + "/v1/oauth2/token", form) as resp:  # noqa: S310
            assert json.loads(resp.read())["expires_in"] == 5
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


@pytest.mark.usefixtures("loop_clock")  # the 0.2 s of silence: virtual
async def test_a_stalled_socket_sends_no_expiry_after_the_auth_it_swallowed(
    sim: Simulator,
) -> None:
    """A stall drops the ``authSuccess``; the expiry that would follow it must not go out
    either, or a client would read it as the answer to its authentication (a refusal)."""
    sim.faults.ws_stall = True
    sim.faults.ws_expire_after_auth = "authRequired"
    token = sim.issue_token().access_token
    auth = {"type": "request", "id": "a1", "payload": {"method": "POST", "path": "/auth"}}
    auth["payload"]["body"] = {"token": token}  # type: ignore[index]
    # A session of its own: the ``http`` fixture's has a base URL, and aiohttp before 3.12
    # refuses an absolute URL beside one.
    async with aiohttp.ClientSession() as session, session.ws_connect(sim.market_ws_url) as ws:
        await ws.send_str(json.dumps(auth))
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.receive(), 0.2)


@pytest.mark.parametrize(
    ("flag", "spec"),
    [
        ("--server-errors", "GET /v1/chart/quotes=two"),
        ("--server-errors", "GET /v1/chart/quotes=1:oops"),
        ("--server-errors", "GET /v1/chart/quotes=1:200"),
        ("--server-errors", "GET /v1/chart/quotes=0"),
        ("--server-errors", "GET /v1/chart/quotes=-2:503"),
        ("--rate-limit", "GET /v1/chart/quotes=-1"),
        ("--drop-connection", "GET /v1/chart/quotes=0"),
        ("--drop-connection", "GET /v1/chart/quotes=many"),
        ("--trickle-body", "GET /v1/chart/quotes=slow"),
        ("--trickle-body", "GET /v1/chart/quotes=-1"),
        ("--huge-body", "GET /v1/chart/quotes=big"),
        ("--huge-body", "GET /v1/chart/quotes=-5"),
    ],
)
def test_cli_refuses_a_malformed_fault_value_with_exit_2(
    flag: str, spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with pytest.raises(SystemExit) as exited:
        build_faults(parser.parse_args([flag, spec]))
    assert exited.value.code == 2
    assert flag in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--port", "99999"),
        ("--port", "-1"),
        ("--port", "http"),
        ("--starting-cash", "abc"),
        ("--starting-cash", "-5"),
        ("--starting-cash", "NaN"),
        ("--step-seconds", "-1"),
        ("--step-seconds", "inf"),
        ("--tick-interval", "0"),
        ("--token-ttl", "-3"),
        ("--history-page-size", "-1"),
    ],
)
def test_cli_refuses_a_malformed_server_option_with_exit_2(
    flag: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused as argparse refuses a value (exit 2, the flag named), not by a traceback when
    the simulator starts, nor by a simulator that starts with it."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with pytest.raises(SystemExit) as exited:
        parser.parse_args([flag, value])
    assert exited.value.code == 2
    assert flag in capsys.readouterr().err


def test_cli_server_options_in_range_are_taken() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(
        ["--port", "65535", "--starting-cash", "0", "--history-page-size", "0"]
    )
    assert (args.port, args.starting_cash, args.history_page_size) == (65535, Decimal(0), 0)
    assert parser.parse_args([]).starting_cash == Decimal("100000")


@pytest.mark.parametrize(
    ("place", "envelope_id", "payload_id"),
    [("payload", None, "a1"), ("envelope", "a1", None), ("none", None, None)],
)
async def test_auth_success_echoes_the_request_id_where_the_switch_says(
    sim: Simulator, place: str, envelope_id: str | None, payload_id: str | None
) -> None:
    sim.faults.ws_auth_success_id = place
    token = sim.issue_token().access_token
    auth = {"type": "request", "id": "a1", "payload": {"method": "POST", "path": "/auth"}}
    auth["payload"]["body"] = {"token": token}  # type: ignore[index]
    async with aiohttp.ClientSession() as session, session.ws_connect(sim.market_ws_url) as ws:
        await ws.send_str(json.dumps(auth))
        success = json.loads((await asyncio.wait_for(ws.receive_str(), 5)).split("\n")[0])
    assert success["payload"]["action"] == "authSuccess"
    assert (success.get("id"), success["payload"].get("id")) == (envelope_id, payload_id)
    assert success["payload"]["data"]["expiresIn"] > 0


@pytest.mark.parametrize(
    ("place", "envelope_id", "payload_id"),
    [("payload", None, "a1"), ("envelope", "a1", None), ("none", None, None)],
)
@pytest.mark.parametrize("body", [{"token": "not-a-token"}, {"data": {"token": "nested"}}])
async def test_an_auth_refusal_echoes_the_request_id_where_the_switch_says(
    sim: Simulator,
    place: str,
    envelope_id: str | None,
    payload_id: str | None,
    body: dict[str, Any],
) -> None:
    sim.faults.ws_auth_error_id = place
    auth = {"type": "request", "id": "a1", "payload": {"method": "POST", "path": "/auth"}}
    auth["payload"]["body"] = body  # type: ignore[index]
    async with aiohttp.ClientSession() as session, session.ws_connect(sim.market_ws_url) as ws:
        await ws.send_str(json.dumps(auth))
        error = json.loads((await asyncio.wait_for(ws.receive_str(), 5)).split("\n")[0])
    assert error["payload"]["action"] == "error"
    assert error["payload"]["error"] in ("authentication failed", "token is required")
    assert (error.get("id"), error["payload"].get("id")) == (envelope_id, payload_id)


async def _account_message(
    ws: aiohttp.ClientWebSocketResponse, wanted: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The next account-socket message that ``wanted`` accepts."""
    while True:
        for line in (await ws.receive_str(timeout=5)).splitlines():
            message: dict[str, Any] = json.loads(line)
            if wanted(message):
                return message


def _is_snapshot(message: dict[str, Any]) -> bool:
    payload = message.get("payload") or {}
    return payload.get("topic") == "account" and "ordersV2" in (payload.get("data") or {})


def _is_order_event(message: dict[str, Any]) -> bool:
    return (message.get("payload") or {}).get("name") == "account.order"


@pytest.mark.parametrize("mode", ["tag", "oauth_client"])
async def test_order_client_id_says_the_tag_or_the_oauth_client_everywhere(
    sim: Simulator, http: aiohttp.ClientSession, mode: str
) -> None:
    expected = "swallow-1" if mode == "tag" else sim.client_id
    sim.faults.order_client_id = mode
    async with http.post("/v1/orders", json=ORDER) as resp:
        placed = json.loads(await resp.read())
    cl_ord_id = placed["clOrdId"]
    (booked,) = sim.state.find_by_client_id("swallow-1")  # the book keeps the tag
    assert booked.cl_ord_id == cl_ord_id
    _, _, active = await _get(http, f"/v2/accounts/{ACCOUNT}/orders")
    day_before = datetime.fromtimestamp(sim.clock.now() - 86400, UTC)
    since = {"from": day_before.isoformat().replace("+00:00", "Z")}
    _, _, history = await _get(http, f"/v2/accounts/{ACCOUNT}/orders/history", params=since)
    for listed in (active["orders"], history["orders"]):
        (order,) = [o for o in listed if o["clOrdId"] == cl_ord_id]
        assert order["clientId"] == expected
        if mode == "oauth_client":  # every order, the seeded ones too
            assert {o["clientId"] for o in listed} == {sim.client_id}
    token = sim.issue_token().access_token
    auth = {"method": "POST", "path": "/auth", "body": {"token": token}}
    subscribe = {"topic": "account", "params": {"accountId": ACCOUNT}}
    async with aiohttp.ClientSession() as plain, plain.ws_connect(sim.accounts_ws_url) as ws:
        await ws.send_str(json.dumps({"type": "request", "id": "a1", "payload": auth}))
        await ws.send_str(json.dumps({"type": "subscribe", "id": "s1", "payload": subscribe}))
        snapshot = await _account_message(ws, _is_snapshot)
        orders = snapshot["payload"]["data"]["ordersV2"]
        assert [o["clientId"] for o in orders if o["clOrdId"] == cl_ord_id] == [expected]
        cancel = {"tradingAccountId": ACCOUNT, "origClOrdId": cl_ord_id, "symbol": "KO"}
        async with http.post("/v1/orders/cancel", json={**cancel, "side": "BUY"}) as resp:
            assert resp.status == 200
        event = await _account_message(ws, _is_order_event)
        assert (event["payload"]["data"]["clOrdId"], event["payload"]["data"]["clientId"]) == (
            cl_ord_id,
            expected,
        )


async def test_the_account_socket_refuses_the_subscriptions_the_switch_names(
    sim: Simulator,
) -> None:
    """A topic key refuses every subscribe of the topic, a ``topic account`` key that
    account's alone; the error carries the switch's text and the request's id."""
    other = "TEST-SIM-001"
    sim.faults.ws_refused_subscriptions = {"news": "not entitled", f"account {other}": "no access"}
    token = sim.issue_token().access_token
    auth = {"method": "POST", "path": "/auth", "body": {"token": token}}
    asked = {
        "n1": {"topic": "news", "params": {"symbols": ["KO"]}},
        "a1": {"topic": "account", "params": {"accountId": other}},
        "w1": {"topic": "watchlist"},
        "p1": {"topic": "pnl", "params": {"accountId": other}},
        "a2": {"topic": "account", "params": {"accountId": ACCOUNT}},
    }
    answers: dict[str, dict[str, Any]] = {}

    def answer(message: dict[str, Any]) -> bool:
        request_id = message.get("id") or (message.get("payload") or {}).get("id")
        if request_id in asked and request_id not in answers:
            answers[request_id] = message
        return len(answers) == len(asked)

    async with aiohttp.ClientSession() as plain, plain.ws_connect(sim.accounts_ws_url) as ws:
        await ws.send_str(json.dumps({"type": "request", "id": "auth", "payload": auth}))
        for request_id, payload in asked.items():
            await ws.send_str(
                json.dumps({"type": "subscribe", "id": request_id, "payload": payload})
            )
        await _account_message(ws, answer)
    refused = {
        rid: m["payload"]["error"]
        for rid, m in answers.items()
        if (m.get("payload") or {}).get("action") == "error"
    }
    assert refused == {"n1": "not entitled", "a1": "no access"}
    assert {answers[rid]["type"] for rid in ("w1", "p1", "a2")} == {"subscribed"}
