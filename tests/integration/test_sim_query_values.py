"""The simulator's described routes read a query parameter the description types as text, but
whose name says it holds a number, a count or a time (``strikePriceGte``, ``limit``,
``expirationDateGte``, ``from``), as the API does: text that is none is a 400 in the nested
``VALIDATION`` envelope naming the parameter, for a raw ``client.request()`` too, not a 200
with unfiltered data."""

from __future__ import annotations

import json

import pytest

from aries_async import AriesClient
from aries_async.errors import BadRequestError

CHAIN = "/v1/options/snapshot/chain/AAPL"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (CHAIN, {"strikePriceGte": "abc"}, "strikePriceGte"),
        (CHAIN, {"expirationDateGte": "garbage"}, "expirationDateGte"),
        (
            "/v1/stocks/aggs",
            {
                "ticker": "AAPL",
                "multiplier": "1",
                "timespan": "day",
                "from": "yesterday",
                "to": "2026-12-04",
            },
            "from",
        ),
        ("/v1/stocks/trades", {"ticker": "AAPL", "timestampTo": "today"}, "timestampTo"),
        ("/v1/equity/sector-wise-change", {"limit": "ten"}, "limit"),
        # a count below one is no count (the client refuses it before sending, too)
        ("/v1/equity/sector-wise-change", {"limit": "-5"}, "limit"),
        (CHAIN, {"limit": "0"}, "limit"),
    ],
)
async def test_a_malformed_number_or_time_is_a_400(
    aries: AriesClient, path: str, params: dict[str, str], field: str
) -> None:
    with pytest.raises(BadRequestError) as raised:
        await aries.request("GET", path, params=params)
    error = raised.value
    assert error.status == 400 and error.code == "INVALID_PARAMETER"
    assert json.loads(error.body)["error"]["type"] == "VALIDATION"
    assert field in error.message


async def test_good_text_for_a_number_or_time_is_answered(aries: AriesClient) -> None:
    params = {"strikePriceGte": "180.5", "expirationDateGte": "2026-12-11", "limit": "2"}
    page = await aries.request("GET", CHAIN, params=params)
    assert isinstance(page, dict) and page["status"] == "OK"
