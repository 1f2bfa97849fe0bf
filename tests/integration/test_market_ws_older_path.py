"""The market socket at its older path, ``/v1/marketdata/ws`` (websocket.md section 1 and
10.9: older pages name it beside the current ``/v1/market/ws``): the simulator serves the same
socket there, and a client, or ``aries-async doctor``, configured with that URL uses it."""

from __future__ import annotations

import attrs
from cli_harness import Cli, cli_fixture  # noqa: F401 - cli_fixture: `cli`
from stream_helpers import take

from aries_async import AriesClient
from aries_async.models.events import QuoteUpdate
from aries_async.sim import AppRateLimit, Simulator
from aries_async.sim.ws import WsHub

OLDER_PATH = "/v1/marketdata/ws"


def test_the_simulator_names_the_older_url_beside_the_current_one(sim: Simulator) -> None:
    assert sim.marketdata_ws_url == sim.market_ws_url.replace("/v1/market/ws", OLDER_PATH)
    # The start-up JSON line of ``aries-async sim`` (sim.info()) names both.
    info = sim.info()
    assert info["marketdata_ws_url"] == sim.marketdata_ws_url
    assert info["market_ws_url"] == sim.market_ws_url


async def test_a_client_on_the_older_url_streams_quotes(sim: Simulator, hub: WsHub) -> None:
    config = sim.client_config()
    config = attrs.evolve(
        config, endpoints=attrs.evolve(config.endpoints, market_ws_url=sim.marketdata_ws_url)
    )
    # Opening a socket is no REST call: the app's rate limit, spent (its clock stands still),
    # does not count it, as at the current path.
    sim.faults.app_rate_limit = AppRateLimit(per_second=1, burst=1)
    async with AriesClient(config, token=sim.issue_token()) as client:
        await client.request("GET", "/v1/market/status")
        async with client.market_stream() as stream:
            quotes = stream.quotes("AAPL")
            await stream.subscribe("AAPL", channels=["quotes"])
            [quote] = await take(quotes, 1)
            assert isinstance(quote, QuoteUpdate) and quote.bid_price is not None
            sim.advance(0.5)  # a step of the walk: updates follow the snapshot
            [update] = await take(quotes, 1)
            assert update.timestamp > quote.timestamp
            assert stream.latest("AAPL") == update
    assert sim.requests[("GET", OLDER_PATH)] == 1
    assert sim.requests[("GET", "/v1/market/ws")] == 0
    assert hub.connections["market"] == 1
    assert sim.faults.app_rate_limit.refused == 0


def test_doctor_checks_the_older_url_it_is_given(cli: Cli) -> None:
    cli.sign_in()
    url = cli.sim.market_ws_url.replace("/v1/market/ws", OLDER_PATH)
    cli.setenv(ARIES_MARKET_WS_URL=url)
    done = cli("doctor", "--json", "--timeout", "3")
    assert done.code == 0, done.out + done.err
    row = {row["check"]: row for row in done.json()}["market websocket"]
    assert row["status"] == "ok" and "authenticated" in row["detail"]
    assert row["detail"].startswith(url)
    assert cli.requests("GET", OLDER_PATH) == 1
    assert cli.requests("GET", "/v1/market/ws") == 0
