"""REST reads against the in-process simulator: accounts, market data, bars, options, paging."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from sim_http import SimApi

from aries_async.sim import ManualClock, Simulator

ACCOUNT = "TEST-ACCOUNT-001"


@pytest.fixture
def sim_seed() -> int:
    return 5


async def test_accounts_user_balance_positions(api: SimApi) -> None:
    status, body = await api.call("GET", "/v2/users/me/accounts")
    assert status == 200
    accounts = {a["trading_account_id"]: a for a in body["accounts"]}
    assert accounts["TEST-SIM-001"]["is_sim"] is True
    assert accounts["TEST-SIM-001"]["broker_account_id"] == ""
    assert accounts[ACCOUNT]["account_class"] == "MARGIN"
    status, user = await api.call("GET", "/v1/users/me")
    assert (status, user["email_verified"]) == (200, True)
    status, balance = await api.call("GET", f"/v2/accounts/{ACCOUNT}/balance")
    assert status == 200
    assert isinstance(balance["cashBalance"], str)
    assert isinstance(balance["pendingOrdersCount"], int)
    status, positions = await api.call("GET", f"/v1/accounts/{ACCOUNT}/positions")
    assert status == 200
    aapl = positions["positions"][0]
    assert (aapl["symbol"], aapl["quantity"], aapl["securityType"]) == ("AAPL", "50", "EQUITY")
    from decimal import Decimal

    assert Decimal(aapl["marketValue"]) == Decimal(aapl["quantity"]) * Decimal(aapl["price"])
    total = Decimal(balance["cashBalance"]) + Decimal(aapl["marketValue"])
    assert Decimal(balance["balance"]) == total


async def test_unknown_account_is_nested_404(api: SimApi) -> None:
    status, body = await api.call("GET", "/v2/accounts/NOPE/balance")
    assert status == 404
    assert body["error"]["type"] == "NOT_FOUND"
    assert body["error"]["request_id"]


async def test_quotes_udf_default_and_unknown_symbol(api: SimApi, sim: Simulator) -> None:
    status, body = await api.call("GET", "/v1/chart/quotes", params={"symbols": "AAPL,ZZZZ9"})
    assert status == 200
    assert body["s"] == "ok"
    aapl, unknown = body["d"]
    assert (aapl["n"], aapl["s"]) == ("AAPL", "ok")
    values = aapl["v"]
    snap = sim.feed.quote("AAPL")
    assert values["lp"] == snap.last
    assert values["bid"] < values["ask"]
    assert values["description"] == "Apple Inc."
    assert isinstance(values["lp"], float)
    assert (unknown["n"], unknown["s"]) == ("ZZZZ9", "error")
    status, body = await api.call("GET", "/v1/chart/quotes")
    assert status == 400
    assert body["error"]["code"] == "MISSING_SYMBOLS"


async def test_quotes_symbol_in_s_switch() -> None:
    async with (
        Simulator(quote_symbol_in="s", tick_interval=None) as sim,
        aiohttp.ClientSession() as s,
    ):
        status, body = await SimApi(sim, s).call(
            "GET", "/v1/chart/quotes", params={"symbols": "MSFT"}
        )
    assert status == 200
    assert (body["d"][0]["s"], body["d"][0]["n"]) == ("MSFT", "Microsoft Corporation")


async def test_search_prefix_name_limit_and_options(api: SimApi) -> None:
    status, body = await api.call("GET", "/v1/marketdata/search", params={"query": "NVD"})
    assert status == 200
    assert body[0] == {
        "symbol": "NVDA",
        "description": "NVIDIA Corporation",
        "tag": "XNAS",
        "type": "stock",
    }
    status, body = await api.call(
        "GET", "/v1/marketdata/search", params={"query": "bank", "limit": "3"}
    )
    assert len(body) == 3
    assert all("BANK" in row["description"].upper() for row in body)
    status, body = await api.call(
        "GET", "/v1/marketdata/search", params={"query": ".AAPL", "limit": "4"}
    )
    assert [row["type"] for row in body] == ["option"] * 4
    assert body[0]["symbol"].startswith("AAPL")
    status, body = await api.call("GET", "/v1/marketdata/search", params={"query": "/ES"})
    assert body[0]["symbol"] == "/ES"
    status, body = await api.call("GET", "/v1/marketdata/search", params={"query": "  "})
    assert status == 400
    status, body = await api.call(
        "GET", "/v1/marketdata/search", params={"query": "a", "limit": "500"}
    )
    assert status == 400


async def test_universe_has_500_symbols() -> None:
    from aries_async.sim.symbols import SYMBOLS

    assert sum(1 for s in SYMBOLS if s.tradable) >= 500
    assert len({s.symbol for s in SYMBOLS}) == len(SYMBOLS)


async def _bars(
    api: SimApi, symbol: str, resolution: str, start: int | str, end: int | str
) -> tuple[int, Any]:
    """``GET /v1/chart/history`` for one symbol between ``start`` and ``end``."""
    params = {"symbol": symbol, "resolution": resolution, "from": str(start), "to": str(end)}
    return await api.call("GET", "/v1/chart/history", params=params)


async def test_bars_follow_the_walk(api: SimApi, sim: Simulator) -> None:
    sim.advance(300)  # five minutes of live market
    now = int(sim.clock.now())
    status, body = await _bars(api, "AAPL", "1", now - 600, now)
    assert status == 200
    assert body["s"] == "ok"
    snap = sim.feed.quote("AAPL")
    assert body["c"][-1] == snap.last
    for o, h, lo, c in zip(body["o"], body["h"], body["l"], body["c"], strict=True):
        assert lo <= min(o, c) <= max(o, c) <= h
    status, daily = await _bars(api, "AAPL", "1D", now - 40 * 86400, now * 1000)  # ms accepted
    assert daily["s"] == "ok"
    assert daily["c"][-1] == snap.last
    assert daily["c"][-2] == snap.prev_close
    assert daily["h"][-1] == snap.high
    # minute bars of one past session aggregate to that session's daily bar
    day_start = daily["t"][-3]
    status, minutes = await _bars(api, "AAPL", "1", day_start, day_start + 86399)
    assert minutes["o"][0] == daily["o"][-3]
    assert minutes["c"][-1] == daily["c"][-3]
    assert max(minutes["h"]) == daily["h"][-3]
    assert min(minutes["l"]) == daily["l"][-3]
    assert sum(minutes["v"]) == daily["v"][-3]


@pytest.mark.parametrize(
    ("symbol", "resolution", "start", "end", "outcome"),
    [
        ("AAPL", "D", "100", "200", "no_data"),  # long before the walk began
        ("AAPL", "7X", "100", "200", "error"),  # unknown resolution
        ("NOPE1", "D", "100", "200", "error"),  # unknown symbol
        ("AAPL", "D", "200", "100", "error"),  # from after to
    ],
)
async def test_bars_no_data_and_in_band_errors(
    api: SimApi, symbol: str, resolution: str, start: str, end: str, outcome: str
) -> None:
    status, body = await _bars(api, symbol, resolution, start, end)
    assert (status, body["s"]) == (200, outcome)
    if outcome == "error":
        assert body["errmsg"]


async def test_same_seed_same_walk() -> None:
    lasts = []
    for _ in range(2):
        sim = Simulator(seed=42, clock=ManualClock(), tick_interval=None)
        sim.feed.watch("TSLA")  # stepped by the ticker path; KO lazily on read
        sim.advance(120)
        lasts.append((sim.feed.quote("TSLA"), sim.feed.quote("KO")))
    assert lasts[0] == lasts[1]
    other = Simulator(seed=43, clock=ManualClock(), tick_interval=None)
    other.advance(120)
    assert other.feed.quote("KO") != lasts[0][1]


async def test_market_status_holidays_and_options(api: SimApi, sim: Simulator) -> None:
    status, body = await api.call("GET", "/v1/market/status")
    assert status == 200
    assert body == {
        "exchange": "US",
        "isOpen": True,
        "session": "regular",
        "timestamp": int(sim.clock.now()),
        "timezone": "America/New_York",
    }
    status, body = await api.call("GET", "/v1/market/status", params={"exchange": "XX"})
    assert status == 400
    status, body = await api.call("GET", "/v1/market/holiday")
    assert {
        "eventName": "Christmas Eve",
        "atDate": "2026-12-24",
        "tradingHour": "09:30-13:00",
    } in body["holidays"]
    status, body = await api.call("GET", "/v1/options/AAPL/expiry-dates")
    expiry = body["expiryDates"][0]
    status, chain = await api.call("GET", f"/v1/options/AAPL/contracts/{expiry}")
    assert status == 200
    assert chain["calls"][0]["symbol"].startswith("O:AAPL")
    assert isinstance(chain["calls"][0]["strikePrice"], int | float)
    status, _ = await api.call("GET", "/v1/options/AAPL/contracts/2020-01-17")
    assert status == 404
    osi = chain["puts"][3]["symbol"][2:]
    status, details = await api.call(
        "GET", "/v1/marketdata/options/details", params={"symbols": f"{osi},BAD"}
    )
    assert details["data"][0]["symbol"] == osi
    assert details["errors"] == [{"symbol": "BAD", "error": "option not found"}]
    status, eq = await api.call(
        "GET", "/v1/marketdata/equities/details", params={"symbols": "SPY,ZZZZ9"}
    )
    assert (eq["data"][0]["isETF"], eq["data"][0]["hasOptions"]) == (True, True)
    assert eq["errors"][0]["symbol"] == "ZZZZ9"


async def test_option_details_refuse_tickers(api: SimApi) -> None:
    """The details route takes bare OSI symbols (rest.md section 13): the ``O:`` ticker of a
    contract list is no such symbol, so it is refused as the real server would, not stripped
    (a bot tested on a forgiving simulator would fail against the real one)."""
    status, body = await api.call("GET", "/v1/options/AAPL/expiry-dates")
    status, chain = await api.call("GET", f"/v1/options/AAPL/contracts/{body['expiryDates'][0]}")
    ticker = chain["calls"][0]["symbol"]
    osi = ticker.removeprefix("O:")
    for asked in (ticker, ticker.lower(), "o:" + osi):
        status, details = await api.call(
            "GET", "/v1/marketdata/options/details", params={"symbols": f"{osi},{asked}"}
        )
        assert status == 200
        assert [item["symbol"] for item in details["data"]] == [osi]
        assert [error["error"] for error in details["errors"]] == ["option not found"]


async def test_etb_and_chart_helpers(api: SimApi) -> None:
    status, body = await api.call("GET", "/v1/etb")
    assert body["count"] == len(body["symbols"]) > 400
    status, body = await api.call(
        "POST", "/v1/etb/search", json={"symbols": ["aapl", "AAPL", "ZZZZ9"]}
    )
    assert body == {"count": 2, "results": {"AAPL": True, "ZZZZ9": False}}
    status, body = await api.call("POST", "/v1/etb/search", json={"symbols": [" "]})
    assert (status, body["error"]["code"]) == (400, "MISSING_SYMBOLS")
    status, text = await api.call("GET", "/v1/chart/time")
    assert int(text) > 0
    status, cfg = await api.call("GET", "/v1/chart/config")
    assert cfg["supports_time"] is True


async def test_order_history_filters_and_flat_errors(api: SimApi, sim: Simulator) -> None:
    path = f"/v2/accounts/{ACCOUNT}/orders/history"
    status, body = await api.call("GET", path)
    assert status == 400
    assert isinstance(body["error"], str)  # the flat envelope
    assert body["codes"][0]["field"] == "from"
    status, body = await api.call("GET", path, params={"from": "2025-01-01T00:00:00Z"})
    assert status == 400
    assert isinstance(body["error"], str)
    status, body = await api.call("GET", path, params={"from": "yesterday"})
    assert (status, isinstance(body["error"], str)) == (400, True)
    status, body = await api.call(
        "GET", path, params={"from": "2025-12-20T00:00:00Z", "order_by": "sideways"}
    )
    assert status == 400
    status, body = await api.call("GET", path, params={"from": "2025-12-20T00:00:00Z"})
    assert status == 200
    statuses = [o["ordStatus"] for o in body["orders"]]
    assert "SUPERSEDED" not in statuses
    assert statuses.count("FILLED") == 3
    created = [o["createdAt"] for o in body["orders"]]
    assert created == sorted(created, reverse=True)
    status, asc = await api.call(
        "GET", path, params={"from": "2025-12-20T00:00:00Z", "order_by": "asc", "limit": "2"}
    )
    assert len(asc["orders"]) == 2
    assert asc["nextCursor"] != 0
    status, rest = await api.call(
        "GET",
        path,
        params={
            "from": "2025-12-20T00:00:00Z",
            "order_by": "asc",
            "limit": "2",
            "cursor": str(asc["nextCursor"]),
        },
    )
    assert [o["createdAt"] for o in asc["orders"] + rest["orders"]] == sorted(created)
    assert rest["nextCursor"] == 0
    status, empty = await api.call(
        "GET", "/v2/accounts/TEST-SIM-001/orders/history", params={"from": "2025-12-20T00:00:00Z"}
    )
    assert empty == {"orders": [], "nextCursor": 0}
    status, body = await api.call(
        "GET", "/v2/accounts/BAD/orders/history", params={"from": "2025-12-20T00:00:00Z"}
    )
    assert status == 404
    assert isinstance(body["error"], dict)  # nested for a bad account id
