"""An answer whose list is an object is an error, never an empty list.

cattrs reads any iterable as a list: an object as the list of its keys, ``{}`` as no items.
A bot told it holds no positions, or has no open orders, acts on it: it buys again. The
positions, the active orders and the order history read ``{}`` in place of an empty list as
none (a list of items sent as an object failed already, its keys being no models). A server
may leave an empty list out (Go's ``omitempty``): that still reads as none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.errors import ResponseFormatError
from aries_async.models import Order
from aries_async.sim import ManualClock, Simulator

HOLDING = "TEST-ACCOUNT-001"  # holds a position from the start
EMPTY = "TEST-SIM-001"  # holds none

LIMIT_BUY: dict[str, Any] = {
    "symbol": "AAPL",
    "side": "BUY",
    "type": "LIMIT",
    "price": "1.00",
    "quantity": 1,
}
DAY = timedelta(days=1)
Read = Callable[[AriesClient, str, datetime], Awaitable[Any]]


async def _history(client: AriesClient, account_id: str, now: datetime) -> list[Order]:
    return [order async for order in client.orders.history(account_id, now - DAY, now)]


READS: dict[str, tuple[str, Read]] = {
    "positions": ("GET /v1/accounts/{id}/positions", lambda c, a, _: c.accounts.positions(a)),
    "active orders": ("GET /v2/accounts/{id}/orders", lambda c, a, _: c.orders.active(a)),
    "order history": ("GET /v2/accounts/{id}/orders/history", _history),
    "watchlists": ("GET /v1/config/watchlist", lambda c, _a, _n: c.watchlists.list()),
}


@pytest.mark.parametrize("items", ["some", "none"])
@pytest.mark.parametrize("read", sorted(READS))
async def test_a_list_sent_as_an_object_is_a_format_error(read: str, items: str) -> None:
    route, call = READS[read]
    async with (
        Simulator(seed=1, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as c,
    ):
        account = HOLDING if items == "some" else EMPTY
        if items == "some":  # an active order, in today's history; a watchlist
            assert (await c.orders.place(OrderRequest(**LIMIT_BUY, account_id=account))).accepted
            await c.watchlists.create(name="tech", symbols=["AAPL"])
        sim.faults.null_active_orders = False  # none: [], not null
        now = datetime.fromtimestamp(sim.clock.now(), UTC)
        await call(c, account, now)  # as the documents give it: read
        sim.faults.list_as_object.add(route)
        with pytest.raises(ResponseFormatError):
            await call(c, account, now)


ENVELOPED: dict[str, tuple[str, Read]] = {
    **READS,
    "accounts": ("GET /v2/users/me/accounts", lambda c, _a, _n: c.accounts.list()),
    "balance": ("GET /v2/accounts/{id}/balance", lambda c, a, _: c.accounts.balance(a)),
}
"""Every read above, and the other answers that are an object around what they hold."""


@pytest.mark.parametrize("read", sorted(ENVELOPED))
async def test_an_answer_in_an_unknown_envelope_is_a_format_error_naming_it(read: str) -> None:
    """``{"data": {"positions": [...]}}`` read as no positions: a bot concludes it is flat. An
    answer object with none of the keys its model knows, and other keys, is an error that
    names the keys that came."""
    route, call = ENVELOPED[read]
    async with (
        Simulator(seed=1, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as c,
    ):
        assert (await c.orders.place(OrderRequest(**LIMIT_BUY, account_id=HOLDING))).accepted
        await c.watchlists.create(name="tech", symbols=["AAPL"])
        now = datetime.fromtimestamp(sim.clock.now(), UTC)
        await call(c, HOLDING, now)  # as the documents give it: read
        sim.faults.wrap_answer[route] = "data"
        with pytest.raises(ResponseFormatError, match="'data'"):
            await call(c, HOLDING, now)


LEFT_OUT: dict[str, tuple[str, Read, list[bytes]]] = {
    "positions": (
        "GET /v1/accounts/{id}/positions",
        lambda c, a, _: c.accounts.positions(a),
        [b"{}", b'{"positions": null}', b'{"availability": {"available": true}}'],
    ),
    "active orders": (
        "GET /v2/accounts/{id}/orders",
        lambda c, a, _: c.orders.active(a),
        [b"{}", b'{"orders": null}', b'{"nextCursor": 0}', b'{"orders": [], "nextCursor": 0}'],
    ),
    "accounts": (
        "GET /v2/users/me/accounts",
        lambda c, _a, _n: c.accounts.list(),
        [b"{}", b'{"accounts": null}'],
    ),
    "watchlists": (
        "GET /v1/config/watchlist",
        lambda c, _a, _n: c.watchlists.list(),
        [b"{}", b'{"watchlist": null}'],
    ),
}
"""Answers that leave an empty list out (Go's ``omitempty``), or send it as ``null``."""


@pytest.mark.parametrize(
    ("read", "body"),
    [(read, body) for read, (_r, _c, bodies) in LEFT_OUT.items() for body in bodies],
)
async def test_an_empty_list_left_out_or_null_still_reads_as_none(read: str, body: bytes) -> None:
    route, call, _ = LEFT_OUT[read]
    async with (
        Simulator(seed=1, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as c,
    ):
        assert (await c.orders.place(OrderRequest(**LIMIT_BUY, account_id=HOLDING))).accepted
        now = datetime.fromtimestamp(sim.clock.now(), UTC)
        assert await _items(await call(c, HOLDING, now))  # the account holds some
        sim.faults.answer_body[route] = body
        assert await _items(await call(c, HOLDING, now)) == []


async def _items(answer: Any) -> list[Any]:
    """The items of an answer: a list, or a model that holds one."""
    if isinstance(answer, list):
        return answer
    for name in ("orders", "watchlist"):
        if hasattr(answer, name):
            return list(getattr(answer, name))
    raise AssertionError(f"no items in {answer!r}")
