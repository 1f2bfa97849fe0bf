"""The simulator's charting search variant (``GET /v1/chart/search``, rest.md 7b)."""

from __future__ import annotations

import pytest

from aries_async import AriesClient
from aries_async.errors import APIError


async def test_chart_search_shape_matches_plain_search(aries_client: AriesClient) -> None:
    plain = await aries_client.request("GET", "/v1/marketdata/search", params={"query": "AAP"})
    chart = await aries_client.request("GET", "/v1/chart/search", params={"query": "AAP"})
    assert chart and len(chart) == len(plain)
    for row, match in zip(chart, plain, strict=True):
        assert set(row) == {"symbol", "ticker", "description", "exchange", "type"}
        assert row["symbol"] == row["ticker"] == match["symbol"]
        assert row["description"] == match["description"]
        assert row["exchange"] == match["tag"]
        assert row["type"] in ("stock", "option")


async def test_chart_search_limit_and_validation(aries_client: AriesClient) -> None:
    rows = await aries_client.request(
        "GET", "/v1/chart/search", params={"query": "a", "limit": "2"}
    )
    assert len(rows) == 2
    for params in ({"query": "  "}, {"query": "a", "limit": "500"}, {"query": "a", "limit": "x"}):
        with pytest.raises(APIError) as info:
            await aries_client.request("GET", "/v1/chart/search", params=params)
        assert info.value.status == 400, params
