"""A nested object of an answer carrying keys, none of which its model knows, is an error, as
the answer's own object is (``test_rest_misshapen.py``): read as an empty model it would say
"nothing known" of what the server did send (an order's leg with no symbol, no side, no
quantity). The spec lets a server leave every empty field out (``omitempty``, rest.md), so a
nested ``{}`` is an object with everything left out and reads as before.

The answers go through both of the client's readers: a user is read by the converter, the
active orders from the body's bytes by the models' mirror (``models/_reader.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.errors import ResponseFormatError
from aries_async.sim import ManualClock, Simulator

ACCOUNT = "TEST-ACCOUNT-001"
USER = "GET /v1/users/me"
ACTIVE = "GET /v2/accounts/{id}/orders"
LEG = {"symbol": "AAPL", "side": "BUY", "ratioQty": "1"}


@pytest.fixture
async def client() -> AsyncIterator[tuple[Simulator, AriesClient]]:
    async with (
        Simulator(seed=1, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as c,
    ):
        yield sim, c


async def _user_with(sim: Simulator, c: AriesClient, application: Any) -> None:
    raw = await c.request("GET", "/v1/users/me")
    sim.faults.answer_body[USER] = orjson.dumps({**raw, "account_application": application})


async def _orders_with(sim: Simulator, c: AriesClient, legs: list[Any]) -> None:
    order = OrderRequest(
        symbol="AAPL", side="BUY", type="LIMIT", price="1.00", quantity=1, account_id=ACCOUNT
    )
    assert (await c.orders.place(order)).accepted
    raw = await c.request("GET", f"/v2/accounts/{ACCOUNT}/orders")
    (placed,) = raw["orders"]
    sim.faults.answer_body[ACTIVE] = orjson.dumps({**raw, "orders": [{**placed, "legs": legs}]})


async def test_a_nested_object_of_unknown_keys_is_a_format_error_naming_them(
    client: tuple[Simulator, AriesClient],
) -> None:
    sim, c = client
    await _user_with(sim, c, {"applicationRef": "A-1", "state": "CREATED"})
    with pytest.raises(ResponseFormatError, match="'applicationRef', 'state'"):
        await c.users.me()


async def test_a_nested_empty_object_reads_as_everything_left_out(
    client: tuple[Simulator, AriesClient],
) -> None:
    sim, c = client
    await _user_with(sim, c, {})
    user = await c.users.me()
    assert user.account_application is not None
    assert user.account_application.status is None
    await _user_with(sim, c, {"status": "CREATED", "newerField": 1})  # one known key: read
    assert (await c.users.me()).account_application.status == "CREATED"  # type: ignore[union-attr]


async def test_an_order_leg_of_unknown_keys_read_from_the_bytes_is_a_format_error(
    client: tuple[Simulator, AriesClient],
) -> None:
    sim, c = client
    await _orders_with(sim, c, [LEG, {"legRef": "L-2", "instrument": "AAPL"}])
    with pytest.raises(ResponseFormatError, match="'instrument', 'legRef'"):
        await c.orders.active(ACCOUNT)


async def test_order_legs_of_known_keys_or_none_still_read(
    client: tuple[Simulator, AriesClient],
) -> None:
    sim, c = client
    await _orders_with(sim, c, [LEG, {}])
    (order,) = await c.orders.active(ACCOUNT)
    assert [leg.symbol for leg in order.legs] == ["AAPL", None]
