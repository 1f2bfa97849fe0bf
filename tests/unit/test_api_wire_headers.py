"""The headers a few operations need, pinned without a server (aioresponses, as in
``test_api_wire``): the prediction-market reference data called with no token at all, and the
``Idempotency-Key`` of a prediction order, the same on every attempt of one call and new for the
next call.

The expectations are the spec's words, not the client's code: ``endpoints-all.md`` lists the
reference data as "none (no auth hook)"; ``conventions.md`` §7 gives ``POST
/v1/predictions/orders`` (and nothing else) an ``Idempotency-Key``, sent again on a retry of the
same order; the body is ``op_args.BODIES``, wire JSON (decimal strings, ``conventions.md`` §3).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from op_args import BODIES, ENDPOINTS, endpoint_table, method_of, op_by_id
from wire_mock import TOKEN, Sent, arguments, mocked_api, reply, wire_values

from aries_async import AriesClient, ClientConfig, RetryPolicy
from aries_async.apispec import operations
from aries_async.auth import Token
from aries_async.testing import RecordingSleep

PUBLIC = [op["id"] for op in operations() if op["auth"] == "none"]
KEYED = next(
    op for op in operations() if (op["method"], op["path"]) == ("POST", "/v1/predictions/orders")
)


@pytest.mark.skipif(not ENDPOINTS.is_file(), reason=f"{ENDPOINTS} not found")
def test_the_operations_called_without_a_token_are_those_the_spec_lists_so() -> None:
    # The scope column of endpoints-all.md: "none (no auth hook)"; the module's other
    # expectations read the description's ``auth``, checked against it here.
    rows = endpoint_table(ENDPOINTS)
    assert sorted(PUBLIC) == sorted(cells[5] for cells in rows if cells[6].startswith("none"))
    assert len(PUBLIC) == 6


@pytest.mark.parametrize("op_id", PUBLIC)
async def test_the_public_reference_data_is_called_without_a_token(op_id: str) -> None:
    op = op_by_id(op_id)
    async with AriesClient(ClientConfig()) as anonymous:  # no token, no store: none to send
        with mocked_api() as mocked:
            reply(mocked, op)
            await method_of(anonymous, op)(**arguments(op, wire_values(op)))
    (sent,) = Sent.read(mocked)
    assert "Authorization" not in sent.headers


def _order() -> dict[str, Any]:
    """The order of ``op_args``, with its decimal strings given as Decimals."""
    kwargs = arguments(KEYED, {})
    return {k: Decimal(v) if k in ("quantity", "price") else v for k, v in kwargs.items()}


async def _place(*outcomes: int, **extra: Any) -> list[Sent]:
    """Place the order once per 200 in ``outcomes`` (a 503 is retried); what was sent."""
    sleep = RecordingSleep()
    config = ClientConfig(retry=RetryPolicy(jitter=0.0))
    async with AriesClient(config, token=Token(access_token=TOKEN), sleep=sleep) as client:
        with mocked_api() as mocked:
            for status in outcomes:
                payload = {"error": "unavailable"} if status == 503 else None
                reply(mocked, KEYED, payload, status=status)
            for _ in range(outcomes.count(200)):
                await client.predictions.orders.place(**_order(), **extra)
    assert sleep.waits == [0.5] * outcomes.count(503)  # the retry's wait, not slept
    return Sent.read(mocked)


async def test_a_prediction_order_keeps_its_idempotency_key_across_a_retry() -> None:
    first, retried, second = await _place(503, 200, 200)
    keys = [sent.headers.get("Idempotency-Key") for sent in (first, retried, second)]
    assert all(keys) and keys[0] == keys[1] != keys[2]
    assert [sent.body for sent in (first, retried, second)] == [BODIES[KEYED["id"]]] * 3
    assert all(sent.headers["Authorization"] == f"Bearer {TOKEN}" for sent in (first, second))


async def test_a_given_idempotency_key_is_sent_as_given_on_every_attempt() -> None:
    sent = await _place(503, 200, idempotency_key="bot-7-order-1")
    assert [s.headers.get("Idempotency-Key") for s in sent] == ["bot-7-order-1"] * 2
