"""A long text where an amount or a count belongs (a secret a server echoed into the field) is
told by its type and length, never quoted, by the REST answers' errors; a number or a short
word still is (``'N/A'``), as a token answer's odd fields are told (``_redaction.shown``)."""

from __future__ import annotations

import traceback

import orjson
import pytest

from aries_async import AriesClient
from aries_async.errors import ResponseFormatError
from aries_async.sim import Simulator
from aries_async.testing import shows_secret

ACCOUNT = "TEST-ACCOUNT-001"
BALANCE = f"GET /v2/accounts/{ACCOUNT}/balance"
QUOTES = "GET /v1/chart/quotes"
ECHOED = "rt-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
"""A refresh token, say: not the bearer token the request carried (that one is blanked)."""


def _printed(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


@pytest.mark.parametrize("field", ["cashBalance", "pendingOrdersCount"])
async def test_a_balance_field_holding_a_long_text_is_told_by_its_kind(
    sim: Simulator, aries: AriesClient, field: str
) -> None:
    raw = await aries.request("GET", BALANCE.split(" ", 1)[1])
    sim.faults.answer_body[BALANCE] = orjson.dumps({**raw, field: ECHOED})
    with pytest.raises(ResponseFormatError) as refused:
        await aries.accounts.balance(ACCOUNT)
    printed = _printed(refused.value)
    assert f"a str of {len(ECHOED)} characters" in printed, printed
    assert not shows_secret(printed, ECHOED), printed


@pytest.mark.parametrize("word", ["stop", "N/A"])
async def test_a_balance_field_holding_a_short_word_quotes_it(
    sim: Simulator, aries: AriesClient, word: str
) -> None:
    raw = await aries.request("GET", BALANCE.split(" ", 1)[1])
    sim.faults.answer_body[BALANCE] = orjson.dumps({**raw, "pendingOrdersCount": word})
    with pytest.raises(ResponseFormatError) as refused:
        await aries.accounts.balance(ACCOUNT)
    assert repr(word) in _printed(refused.value)


async def test_a_quote_price_holding_a_long_text_is_told_by_its_kind(
    sim: Simulator, aries: AriesClient
) -> None:
    raw = await aries.request("GET", "/v1/chart/quotes", params={"symbols": "AAPL"})
    (item,) = raw["d"]
    item["v"]["lp"] = ECHOED
    sim.faults.answer_body[QUOTES] = orjson.dumps(raw)
    with pytest.raises(ResponseFormatError) as refused:
        await aries.market.quote("AAPL")
    printed = _printed(refused.value)
    assert f"a str of {len(ECHOED)} characters" in printed, printed
    assert not shows_secret(printed, ECHOED), printed
