"""A symbol list's fields hold values of the form finance-dev's models describe, the same for a
seed: a row's ``type`` is its instrument's class (``stock``, ``etf``), an unusual option
trade's a classification (block, sweep, split), a snapshot's its asset class, and an option's
volume is a contract's, not a stock's (found a defect: placeholders such as ``"AAPL type"``,
and option volumes up to 40 million).
"""

from __future__ import annotations

from typing import Any

import pytest
from sim_http import SimApi

from aries_async.sim.symbols import SYMBOLS


async def _ok(api: SimApi, path: str, **params: str) -> Any:
    status, body = await api.call("GET", path, params=params)
    assert status == 200, body
    return body


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/equity/top-gainers", {"limit": "50"}),
        ("/v1/equity/top-most-active", {"limit": "50"}),
        ("/v1/equity/sector-tickers", {"sector": "Technology"}),
    ],
)
async def test_a_symbol_list_s_type_is_the_instrument_class(
    api: SimApi, path: str, params: dict[str, str]
) -> None:
    rows = await _ok(api, path, **params)
    assert rows
    kinds = set()
    for row in rows:
        info = SYMBOLS.get(row["symbol"])
        assert info is not None, row
        assert row["type"] == ("etf" if row["isETF"] else "stock") == info.kind, row
        kinds.add(row["type"])
    if path.endswith("most-active"):
        assert kinds == {"stock", "etf"}  # both classes among the 50 most active


async def test_an_unusual_trade_and_a_snapshot_say_what_they_are(api: SimApi) -> None:
    body = await _ok(api, "/v1/options/unusual_activity/AAPL")
    kinds = {trade["type"] for trade in body["trades"]}
    assert kinds and kinds <= {"block", "sweep", "split"}, kinds  # "such as block, sweep..."
    body = await _ok(api, "/v1/stocks/unified-snapshot", ticker="AAPL")
    assert {row["type"] for row in body["results"]} == {"stocks"}  # "such as stocks or options"


@pytest.mark.parametrize(
    "path",
    ["/v1/options/stocks/top-volume", "/v1/options/etfs/top-volume"],
)
async def test_an_option_s_volume_is_a_contract_s(api: SimApi, path: str) -> None:
    rows = await _ok(api, path, size="50")
    volumes = [row["volume"] for row in rows]
    assert volumes == sorted(volumes, reverse=True)
    # a busy contract trades thousands a day, not a large cap's tens of millions of shares
    assert min(volumes) > 0 and max(volumes) <= 50_000, volumes
    assert all(row["openInterest"] <= 50_000 for row in rows)
