"""Contracts of the simulator with the rest of the package.

* the pytest plugin's ``aries_sim`` fixture serves a working simulator;
* ``aries_async.testing`` imports cheaply (it is loaded by every pytest run);
* every simulator response structures into the package's own models with the *strict*
  converter, so a field the models lack (or mis-type) fails here -- drift between the client
  and the simulator cannot go unnoticed. Those tests skip until the models exist.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from aries_async import AriesClient
from aries_async.sim import ManualClock, RateLimitFault, Simulator
from aries_async.testing import RecordingSleep

ACCOUNT = "TEST-ACCOUNT-001"


async def test_aries_sim_fixture_serves(aries_sim: Simulator) -> None:
    token = aries_sim.issue_token()
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            aries_sim.base_url + "/v2/users/me/accounts",
            headers={"Authorization": token.authorization},
        ) as resp,
    ):
        assert resp.status == 200
    assert aries_sim.requests[("GET", "/v2/users/me/accounts")] == 1
    config = aries_sim.client_config()
    assert config.endpoints.token_url == aries_sim.token_url
    assert config.endpoints.accounts_ws_url == aries_sim.accounts_ws_url
    assert config.client_secret == aries_sim.client_secret


async def test_recording_sleep_lets_a_bot_test_check_the_wait_without_waiting(
    aries_sim: Simulator,
) -> None:
    # the README's example: the rate limit asks for 20 s, the test records it and goes on
    aries_sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=1, retry_after=20)
    sleep = RecordingSleep()
    token = aries_sim.issue_token()
    async with AriesClient(aries_sim.client_config(), token=token, sleep=sleep) as client:
        quotes = await client.market.quotes(["AAPL"])
    assert quotes["AAPL"].last is not None
    assert sleep.waits == [20]
    assert aries_sim.requests[("GET", "/v1/chart/quotes")] == 2


def test_testing_plugin_imports_without_the_simulator() -> None:
    code = (
        "import sys, aries_async.testing as t; "
        "assert 'aries_async.sim.server' not in sys.modules, 'plugin imported the simulator'; "
        "assert {'aries_sim', 'aries_client', 'RecordingSleep'} <= set(t.__all__)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603


def _model(name: str) -> Any:
    models = pytest.importorskip("aries_async.models")
    found = getattr(models, name, None)
    if found is None:
        pytest.skip(f"aries_async.models.{name} does not exist yet")
    return found


def _strict(data: Any, cls: Any) -> Any:
    from aries_async.models._converter import strict_converter

    return strict_converter().structure(data, cls)


@pytest.fixture
async def wire() -> AsyncIterator[dict[str, Any]]:
    """One response of each kind, taken from a live simulator."""
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as sim:
        headers = {"Authorization": sim.issue_token().authorization}
        out: dict[str, Any] = {}
        async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as http:

            async def get(path: str, **params: str) -> Any:
                async with http.get(path, params=params) as resp:
                    assert resp.status == 200, await resp.text()
                    return await resp.json()

            async def post(path: str, body: dict[str, Any]) -> Any:
                async with http.post(path, json=body) as resp:
                    assert resp.status == 200, await resp.text()
                    return await resp.json()

            out["accounts"] = await get("/v2/users/me/accounts")
            out["balance"] = await get(f"/v2/accounts/{ACCOUNT}/balance")
            out["positions"] = await get(f"/v1/accounts/{ACCOUNT}/positions")
            order = {
                "tradingAccountId": ACCOUNT,
                "symbol": "KO",
                "side": "BUY",
                "type": "LIMIT",
                "qty": "2",
                "price": "20.00",
                "timeInForce": "DAY",
                "clientId": "drift",
            }
            out["preview"] = await post("/v1/orders/preview", order)
            out["ack"] = await post("/v1/orders", order)
            out["replace"] = await post(
                "/v1/orders/replace",
                {
                    "origClOrdId": out["ack"]["clOrdId"],
                    "tradingAccountId": ACCOUNT,
                    "symbol": "KO",
                    "side": "BUY",
                    "qty": "3",
                    "price": "20.5",
                },
            )
            out["cancel"] = await post(
                "/v1/orders/cancel",
                {
                    "origClOrdId": out["replace"]["clOrdId"],
                    "tradingAccountId": ACCOUNT,
                    "symbol": "KO",
                    "side": "BUY",
                },
            )
            out["orders"] = await get(f"/v2/accounts/{ACCOUNT}/orders")
            out["search"] = await get("/v1/marketdata/search", query="AAPL")
            out["status"] = await get("/v1/market/status")
            out["holidays"] = await get("/v1/market/holiday")
            out["expiries"] = await get("/v1/options/AAPL/expiry-dates")
            out["chain"] = await get(
                f"/v1/options/AAPL/contracts/{out['expiries']['expiryDates'][0]}"
            )
        yield out


@pytest.mark.parametrize(
    ("model", "pick"),
    [
        ("Account", lambda w: w["accounts"]["accounts"]),
        ("Balance", lambda w: [w["balance"]]),
        ("Position", lambda w: w["positions"]["positions"]),
        ("Order", lambda w: w["orders"]["orders"]),
        ("OrderPage", lambda w: [w["orders"]]),
        ("OrderAck", lambda w: [w["ack"]]),
        ("OrderPreview", lambda w: [w["preview"]]),
        ("ReplaceAck", lambda w: [w["replace"]]),
        ("CancelAck", lambda w: [w["cancel"]]),
        ("SymbolMatch", lambda w: w["search"]),
        ("MarketStatus", lambda w: [w["status"]]),
        ("Holiday", lambda w: w["holidays"]["holidays"]),
        ("OptionExpirations", lambda w: [w["expiries"]]),
        ("OptionChain", lambda w: [w["chain"]]),
    ],
)
def test_responses_fit_the_models_strictly(wire: dict[str, Any], model: str, pick: Any) -> None:
    cls = _model(model)
    items = pick(wire)
    assert items
    for item in items:
        _strict(item, cls)
