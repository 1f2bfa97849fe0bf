"""The order lookups hold when the client's clock and the server's disagree by minutes.

Each client here reads the simulator's ManualClock shifted by ``SKEW``, behind or ahead. A
history window built from one clock's start and the other clock's end is refused (``to``
before ``from``, or over 90 days), or misses the order looked for.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.errors import OrderOutcomeUnknownError
from aries_async.models import CancelRequest, Order, OrderStatus
from aries_async.sim import ManualClock, ServerErrorFault, Simulator
from aries_async.sim.records import SimOrder

ACCOUNT = "TEST-SIM-001"
SKEW = timedelta(minutes=10)
LIMIT_BUY: dict[str, Any] = {
    "account_id": ACCOUNT,
    "symbol": "AAPL",
    "side": "BUY",
    "type": "LIMIT",
    "price": "1.00",
    "quantity": 1,
}

skews = pytest.mark.parametrize("skew", [-SKEW, SKEW], ids=["client-behind", "client-ahead"])


def _simulator(seed: int = 0) -> Simulator:
    """A simulator on a manual clock whose walk takes a minute a step: the tests move its
    clock by hours and days, and look at orders that never fill, not at prices (at half a
    second a step, the walk made nearly all of their time)."""
    return Simulator(seed=seed, clock=ManualClock(), tick_interval=None, step_seconds=60.0)


def _skewed(sim: Simulator, skew: timedelta) -> AriesClient:
    """A client of ``sim`` whose clock reads the simulator's, shifted by ``skew``."""
    shift = skew.total_seconds()
    return AriesClient(
        sim.client_config(), token=sim.issue_token(), wall_clock=lambda: sim.clock.now() + shift
    )


def _windows(sim: Simulator) -> list[tuple[datetime, datetime | None]]:
    """The ``from`` and ``to`` (None: left to the server) of every history read received."""
    windows = []
    for request in sim.journal:
        if request.raw_path.endswith("/orders/history"):
            query = dict(request.query)
            end = query.get("to")
            windows.append(
                (
                    datetime.fromisoformat(query["from"]),
                    None if end is None else datetime.fromisoformat(end),
                )
            )
    return windows


async def _placed_and_cancelled(client: AriesClient, request: OrderRequest) -> str:
    """Place ``request`` and cancel it: its ``clOrdId``, no longer among the active orders."""
    ack = await client.orders.place(request)
    assert ack.cl_ord_id is not None
    cancel = CancelRequest(
        orig_cl_ord_id=ack.cl_ord_id, account_id=ACCOUNT, symbol="AAPL", side="BUY"
    )
    assert (await client.orders.cancel(cancel)).accepted
    return ack.cl_ord_id


def _latest_finished(sim: Simulator, account: str) -> SimOrder:
    """The newest order of ``account``'s seeded history that is no longer active."""
    active = {o.cl_ord_id for o in sim.state.active_orders(account)}
    return max(
        (o for o in sim.state.orders[account] if o.cl_ord_id not in active),
        key=lambda o: o.created_at,
    )


@skews
async def test_an_order_never_placed_is_not_found_on_either_clock(skew: timedelta) -> None:
    async with _simulator() as sim, _skewed(sim, skew) as c:
        since = datetime.fromtimestamp(sim.clock.now(), UTC) + skew  # the client's reading
        request = OrderRequest(**LIMIT_BUY, client_id="never-sent")
        assert await c.orders.find_placed(request, since=since) is None
        ((start, end),) = _windows(sim)
        assert end is not None and start <= end


@skews
async def test_an_order_of_yesterday_is_found_by_its_tag_on_either_clock(skew: timedelta) -> None:
    """Placed, cancelled, and looked for a day later: only the history has it; a window
    starting on the client's clock alone misses it and says it was never placed."""
    async with _simulator() as sim, _skewed(sim, skew) as c:
        since = datetime.fromtimestamp(sim.clock.now(), UTC) + skew
        request = OrderRequest(**LIMIT_BUY, client_id="yesterday")
        cl_ord_id = await _placed_and_cancelled(c, request)
        sim.advance(timedelta(days=1).total_seconds())
        assert cl_ord_id not in {o.cl_ord_id for o in sim.state.active_orders(ACCOUNT)}
        found = await c.orders.find_placed(request, since=since)
        assert found is not None and found.cl_ord_id == cl_ord_id


@skews
async def test_reconcile_without_creation_times_holds_on_either_clock(skew: timedelta) -> None:
    """As far back as the API allows, but never over 90 days on the server's clock."""
    account = "TEST-ACCOUNT-001"  # seeded with a history of several days
    async with (
        _simulator(seed=9) as sim,
        _skewed(sim, skew) as c,
    ):
        older = _latest_finished(sim, account)
        asked = [Order(cl_ord_id=older.cl_ord_id, ord_status=OrderStatus.NEW)]
        assert [o.cl_ord_id for o in await c.orders.reconcile(account, asked)] == [older.cl_ord_id]
        ((start, end),) = _windows(sim)
        assert end is not None and end - start <= timedelta(days=90)


@skews
async def test_find_by_client_id_over_the_longest_lookback_holds_on_either_clock(
    skew: timedelta,
) -> None:
    async with _simulator() as sim, _skewed(sim, skew) as c:
        lookback = timedelta(days=90)
        assert await c.orders.find_by_client_id(ACCOUNT, "never-sent", lookback=lookback) is None
        ((start, end),) = _windows(sim)
        assert end is not None and start <= end


async def test_reconcile_finds_an_order_by_its_creation_time_whatever_the_clients_clock() -> None:
    """A client months ahead of the server (a ManualClock beside the real time): the orders'
    own times, written by the server, place the window."""
    account = "TEST-ACCOUNT-001"
    async with (
        _simulator(seed=9) as sim,
        _skewed(sim, timedelta(days=200)) as c,
    ):
        older = _latest_finished(sim, account)
        created = datetime.fromtimestamp(older.created_at, UTC)
        asked = [Order(cl_ord_id=older.cl_ord_id, ord_status=OrderStatus.NEW, created_at=created)]
        assert [o.cl_ord_id for o in await c.orders.reconcile(account, asked)] == [older.cl_ord_id]


async def test_an_order_placed_just_before_midnight_is_found_by_a_client_behind() -> None:
    """Placed at 23:55 New York, looked for at 00:01: out of the active orders, and created
    after the client's now (23:51). The window reaches past the client's now."""
    async with _simulator() as sim, _skewed(sim, -SKEW) as c:
        _at_five_to_midnight(sim)
        since = datetime.fromtimestamp(sim.clock.now(), UTC) - SKEW
        request = OrderRequest(**LIMIT_BUY, client_id="before-midnight")
        cl_ord_id = await _placed_and_cancelled(c, request)
        sim.advance(timedelta(minutes=6).total_seconds())
        assert cl_ord_id not in {o.cl_ord_id for o in sim.state.active_orders(ACCOUNT)}
        found = await c.orders.find_placed(request, since=since)
        assert found is not None and found.cl_ord_id == cl_ord_id


@skews
async def test_an_account_stream_finds_an_older_order_it_has_not_seen(skew: timedelta) -> None:
    """The stream's lookup hook is ``client.orders.reconcile``; an order asked for by its id
    alone (no creation time) is looked for as far back as the API allows."""
    account = "TEST-ACCOUNT-001"  # seeded with a history of several days
    async with (
        _simulator(seed=9) as sim,
        _skewed(sim, skew) as c,
        c.account_stream(account) as stream,
    ):
        older = _latest_finished(sim, account)
        found = await stream.wait_for_order(older.cl_ord_id, timeout=5)
        assert found.cl_ord_id == older.cl_ord_id


# -- a server that does not echo the tag: the order's time against the attempt's --------------


def _without_tags(sim: Simulator, skew: timedelta) -> AriesClient:
    """A client of ``sim`` on its clock shifted by ``skew``; the orders' ``clientId`` names
    the app, not the request's tag (conventions.md 7, UNCERTAIN)."""
    sim.faults.order_client_id = "oauth_client"
    return _skewed(sim, skew)


async def _unknown(client: AriesClient, tag: str) -> tuple[OrderRequest, datetime]:
    """Place an order whose outcome is unknown: the request and the attempt's start."""
    with pytest.raises(OrderOutcomeUnknownError) as info:
        await client.orders.place(OrderRequest(**LIMIT_BUY, client_id=tag))
    error = info.value
    return error.request, error.started_at


@skews
async def test_an_order_lost_under_a_server_without_tags_is_found_on_either_clock(
    skew: timedelta,
) -> None:
    """Its time is written on the server's clock, the attempt's read on the client's: the
    ``Date`` of the lookup's answers puts the attempt on the server's clock."""
    async with (
        _simulator() as sim,
        _without_tags(sim, skew) as c,
    ):
        sim.faults.swallow_order_response = 1  # placed, then the connection drops
        request, since = await _unknown(c, "lost")
        (placed,) = sim.state.find_by_client_id("lost")
        found = await c.orders.find_placed(request, since=since)
        assert found is not None and found.cl_ord_id == placed.cl_ord_id


@skews
async def test_an_order_with_the_terms_placed_before_the_attempt_is_not_taken_for_it(
    skew: timedelta,
) -> None:
    """A second before the attempt on the server's clock, whichever clock the client has:
    never an allowance of minutes that would take it for the attempt's."""
    async with (
        _simulator() as sim,
        _without_tags(sim, skew) as c,
    ):
        before = await c.orders.place(OrderRequest(**LIMIT_BUY, client_id="before"))
        sim.advance(1)
        sim.faults.server_errors["POST /v1/orders"] = ServerErrorFault(count=1, status=503)
        request, since = await _unknown(c, "refused")
        assert before.accepted and not sim.state.find_by_client_id("refused")
        assert await c.orders.find_placed(request, since=since) is None


@pytest.mark.parametrize("date", ["none", "malformed"])
@pytest.mark.parametrize(
    ("skew", "found"), [(timedelta(0), True), (SKEW, False)], ids=["same-clock", "client-ahead"]
)
async def test_without_a_usable_date_the_attempt_stays_on_the_clients_clock(
    date: str, skew: timedelta, found: bool
) -> None:
    """No ``Date`` to read the server's clock by (left out, malformed): the attempt is taken
    as read. On the server's clock the order is found; a client minutes ahead misses it."""
    async with (
        _simulator() as sim,
        _without_tags(sim, skew) as c,
    ):
        sim.faults.date_header = date
        sim.faults.swallow_order_response = 1
        request, since = await _unknown(c, "lost")
        assert (await c.orders.find_placed(request, since=since) is not None) is found


hours_off = pytest.mark.parametrize(
    "skew", [-timedelta(hours=3), timedelta(hours=3)], ids=["client-behind", "client-ahead"]
)


def _at_five_to_midnight(sim: Simulator) -> None:
    """The simulator's clock to 23:55 New York, the last minutes of the orders' day."""
    sim.advance(
        sim.state.midnight_ny() + timedelta(hours=23, minutes=55).total_seconds() - sim.clock.now()
    )


@hours_off
async def test_the_lookups_by_id_find_for_a_client_hours_off(
    skew: timedelta,
) -> None:
    """Placed at 23:55 New York and cancelled, looked for at 00:01 by its ``clOrdId`` alone
    (reconcile) and by its tag: each history read reaches to the server's now, not to the
    client's."""
    async with _simulator() as sim, _skewed(sim, skew) as c:
        _at_five_to_midnight(sim)
        request = OrderRequest(**LIMIT_BUY, client_id="before-midnight")
        cl_ord_id = await _placed_and_cancelled(c, request)
        sim.advance(timedelta(minutes=6).total_seconds())
        asked = [Order(cl_ord_id=cl_ord_id, ord_status=OrderStatus.NEW)]
        assert [o.cl_ord_id for o in await c.orders.reconcile(ACCOUNT, asked)] == [cl_ord_id]
        found = await c.orders.find_by_client_id(ACCOUNT, "before-midnight")
        assert found is not None and found.cl_ord_id == cl_ord_id


@pytest.mark.parametrize("tags", [True, False], ids=["tags-echoed", "tags-not-echoed"])
@hours_off
async def test_a_finished_order_is_found_by_a_client_hours_off(skew: timedelta, tags: bool) -> None:
    """A client clock whole hours off (a local time taken for UTC), beyond the history
    window's slack: the window is put on the server's clock by the ``Date`` of the first
    read. Placed at 23:55 New York and cancelled, looked for at 00:01: only the history
    holds it."""
    async with _simulator() as sim:
        _at_five_to_midnight(sim)
        client = _skewed(sim, skew) if tags else _without_tags(sim, skew)
        async with client as c:
            sim.faults.swallow_order_response = 1  # placed, then the connection drops
            request, since = await _unknown(c, "lost")
            (placed,) = sim.state.find_by_client_id("lost")
            cancel = CancelRequest(
                orig_cl_ord_id=placed.cl_ord_id, account_id=ACCOUNT, symbol="AAPL", side="BUY"
            )
            assert (await c.orders.cancel(cancel)).accepted
            sim.advance(timedelta(minutes=6).total_seconds())
            assert placed.cl_ord_id not in {o.cl_ord_id for o in sim.state.active_orders(ACCOUNT)}
            found = await c.orders.find_placed(request, since=since)
            assert found is not None and found.cl_ord_id == placed.cl_ord_id
            assert found.status is OrderStatus.CANCELED


# -- the history window ends at the server's now ---------------------------------------------

AT_NOW = timedelta(seconds=10)
"""How far past the server's now a lookup's ``to`` may reach: the ``Date`` header's second
and an answer's flight, not the hour of slack kept for a clock nobody read."""


@skews
async def test_the_lookups_end_their_window_at_the_servers_now(skew: timedelta) -> None:
    """Whatever the client's clock, each history read's ``to`` is the server's now (read by
    the ``Date`` of the first answer), not an hour past it."""
    account = "TEST-ACCOUNT-001"  # seeded with a history of several days
    async with (
        _simulator(seed=9) as sim,
        _skewed(sim, skew) as c,
    ):
        now = datetime.fromtimestamp(sim.clock.now(), UTC)
        request = OrderRequest(**{**LIMIT_BUY, "account_id": account}, client_id="never-sent")
        assert await c.orders.find_by_client_id(account, "never-sent") is None
        assert await c.orders.find_placed(request, since=now + skew) is None
        older = _latest_finished(sim, account)  # found by the history read alone
        asked = [Order(cl_ord_id=older.cl_ord_id, ord_status=OrderStatus.NEW)]
        assert [o.cl_ord_id for o in await c.orders.reconcile(account, asked)] == [older.cl_ord_id]
        recent = [Order(cl_ord_id="not-there", created_at=now - timedelta(minutes=1))]
        assert await c.orders.reconcile(account, recent) == []
        ends = [end for _, end in _windows(sim)]
        assert len(ends) == 4
        for end in ends:
            assert end is not None and now <= end <= now + AT_NOW, (end, now)


@skews
async def test_a_lookback_of_90_days_reaches_90_days_back(skew: timedelta) -> None:
    """An order created 90 days less half an hour ago is found by its tag with the longest
    lookback, and by its ``clOrdId`` alone: a window ending an hour ahead of the server's
    now would start half an hour after it."""
    async with _simulator() as sim:
        async with _skewed(sim, skew) as c:
            cl_ord_id = await _placed_and_cancelled(c, OrderRequest(**LIMIT_BUY, client_id="old"))
        sim.advance((timedelta(days=90) - timedelta(minutes=30)).total_seconds())
        async with _skewed(sim, skew) as c:  # a token of today's
            lookback = timedelta(days=90)
            found = await c.orders.find_by_client_id(ACCOUNT, "old", lookback=lookback)
            assert found is not None and found.cl_ord_id == cl_ord_id
            asked = [Order(cl_ord_id=cl_ord_id, ord_status=OrderStatus.NEW)]
            assert [o.cl_ord_id for o in await c.orders.reconcile(ACCOUNT, asked)] == [cl_ord_id]


@pytest.mark.parametrize("date", ["none", "malformed"])
async def test_without_a_usable_date_the_window_keeps_its_hour_past_the_clients_now(
    date: str,
) -> None:
    """Nothing read the server's clock: a client minutes behind it still reaches past its now."""
    async with _simulator() as sim, _skewed(sim, -SKEW) as c:
        sim.faults.date_header = date
        assert await c.orders.find_by_client_id(ACCOUNT, "never-sent") is None
        ((_, end),) = _windows(sim)
        client_now = datetime.fromtimestamp(sim.clock.now(), UTC) - SKEW
        assert end == client_now + timedelta(hours=1)


@hours_off
async def test_orders_changed_since_a_time_before_midnight_are_found_after_it(
    skew: timedelta,
) -> None:
    """The account stream's gap sweep across the orders' day: an order placed at 23:55 New
    York and cancelled is no longer among the active orders at 00:01, which list today's
    terminal orders only. ``reconcile(changed_since=23:54)`` still has it (from the history),
    once, and the orders of today beside it."""
    async with _simulator() as sim, _skewed(sim, skew) as c:
        _at_five_to_midnight(sim)
        since = datetime.fromtimestamp(sim.clock.now(), UTC) - timedelta(minutes=1)
        before = await _placed_and_cancelled(c, OrderRequest(**LIMIT_BUY, client_id="before"))
        sim.advance(timedelta(minutes=6).total_seconds())
        after = await _placed_and_cancelled(c, OrderRequest(**LIMIT_BUY, client_id="after"))
        assert before not in {o.cl_ord_id for o in await c.orders.active(ACCOUNT)}
        found = [o.cl_ord_id for o in await c.orders.reconcile(ACCOUNT, [], changed_since=since)]
        assert set(found) == {before, after} and len(found) == 2
        later = datetime.fromtimestamp(sim.clock.now(), UTC) - timedelta(seconds=30)
        reads = len(_windows(sim))
        found = [o.cl_ord_id for o in await c.orders.reconcile(ACCOUNT, [], changed_since=later)]
        assert found == [after]
        assert len(_windows(sim)) == reads  # within today: the active orders' read alone
