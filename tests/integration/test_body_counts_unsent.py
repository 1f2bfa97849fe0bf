"""A count given in a request's body is held to what the same count takes in the query: the
prediction history batch's ``queries[i].limit`` is the single history's ``limit`` for each
symbol ("0 or omitted means 10000", finance-dev), so a negative one is refused before sending,
naming it, as ``history(limit=-1)`` is; a bool or a float was already refused (no integer)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.errors import ValidationError
from aries_async.models.generated.predictions_history import PredMdHistoryRequest
from aries_async.sim import Simulator


def _queries(limit: object, model: bool) -> list[Any]:
    if model:
        return [PredMdHistoryRequest(symbol="KXBTC-26DEC31-T100000", limit=limit)]  # type: ignore[arg-type]
    return [{"symbol": "KXBTC-26DEC31-T100000", "limit": limit}]


@pytest.mark.parametrize("model", [False, True], ids=["mapping", "model"])
@pytest.mark.parametrize("limit", [-1, -10000, True, 2.5, math.nan])
async def test_a_batch_limit_no_single_history_takes_is_refused_unsent(
    aries: AriesClient, sim: Simulator, limit: object, model: bool
) -> None:
    with pytest.raises(ValidationError) as raised:
        await aries.predictions.history.history_batch(queries=_queries(limit, model))
    assert raised.value.field == "queries[0].limit"
    assert len(sim.journal) == 0


@pytest.mark.parametrize("model", [False, True], ids=["mapping", "model"])
async def test_a_batch_limit_the_single_history_takes_is_sent(
    aries: AriesClient, sim: Simulator, model: bool
) -> None:
    for limit in (0, 1, 10000):  # 0: the API's default, as for the single history
        await aries.predictions.history.history_batch(queries=_queries(limit, model))
    sent = [json.loads(entry.body)["queries"][0]["limit"] for entry in sim.journal]
    assert sent == [0, 1, 10000]
