"""An order is never sent twice by accident, and is found again after an unknown outcome.

Each test here was written for a fault that the suite did not notice before (a mutation audit):
a retry of an order write after a lost attempt or on the retry path, replace and cancel
retried on a 5xx, a 401 replayed more than once, a raw POST retried by default, one client id
for every order, an order of yesterday not found by its client id, and older orders of
different days missed by a reconcile.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aries_async import AriesClient, OrderRequest, RetryPolicy
from aries_async.errors import (
    AuthenticationError,
    OrderMatchAmbiguousError,
    OrderOutcomeUnknownError,
    ResponseFormatError,
    ServerError,
    ValidationError,
)
from aries_async.models import CancelRequest, Order, OrderStatus, ReplaceRequest
from aries_async.sim import ManualClock, ServerErrorFault, Simulator
from aries_async.sim.faults import NON_ACK_MODES
from aries_async.sim.unanswered import UnansweredConnects
from aries_async.testing import RecordingSleep

ACCOUNT = "TEST-SIM-001"
PLACE = ("POST", "/v1/orders")


LIMIT_BUY: dict[str, Any] = {
    "account_id": ACCOUNT,
    "symbol": "AAPL",
    "side": "BUY",
    "type": "LIMIT",
    "price": "1.00",
}


def order(client_id: str | None = None) -> OrderRequest:
    return OrderRequest(**LIMIT_BUY, quantity=1, client_id=client_id)


def _replace_or_cancel(client: AriesClient, what: str, cl_ord_id: str) -> Awaitable[Any]:
    """The call that replaces (quantity 2) or cancels the order ``cl_ord_id``."""
    if what == "replace":
        return client.orders.replace(
            ReplaceRequest(orig_cl_ord_id=cl_ord_id, **LIMIT_BUY, quantity=2)
        )
    return client.orders.cancel(
        CancelRequest(orig_cl_ord_id=cl_ord_id, account_id=ACCOUNT, symbol="AAPL", side="BUY")
    )


@pytest.mark.usefixtures("loop_clock")  # the attempt's 0.1 s timeout: virtual
async def test_an_order_whose_attempt_timed_out_is_not_sent_again() -> None:
    async with Simulator(tick_interval=None) as sim:
        config = sim.client_config(
            retry=RetryPolicy(max_attempts=3, jitter=0.0), timeout=5.0, attempt_timeout=0.1
        )
        sim.faults.swallow_order_response = 5
        sim.faults.swallow_mode = "hang"  # placed, never answered: the attempt times out
        async with AriesClient(config, token=sim.issue_token(), sleep=RecordingSleep()) as c:
            with pytest.raises(OrderOutcomeUnknownError):
                await c.orders.place(order("timed-out"))
        assert sim.requests[PLACE] == 1
        assert len(sim.state.find_by_client_id("timed-out")) == 1


async def test_an_order_retried_after_a_refused_connection_is_sent_once() -> None:
    async with Simulator(tick_interval=None) as sim:
        await sim.stop()  # the first attempt cannot connect: nothing was sent, a retry is safe

        class StartOnWait(RecordingSleep):
            async def __call__(self, seconds: float) -> None:
                await super().__call__(seconds)
                if not sim.requests[PLACE]:
                    await sim.start()
                    sim.faults.swallow_order_response = 1
                    sim.faults.swallow_mode = "drop"  # placed, then the connection drops

        config = sim.client_config(retry=RetryPolicy(jitter=0.0))
        async with AriesClient(config, token=sim.issue_token(), sleep=StartOnWait()) as c:
            with pytest.raises(OrderOutcomeUnknownError):
                await c.orders.place(order("second-attempt"))
        assert sim.requests[PLACE] == 1
        assert len(sim.state.find_by_client_id("second-attempt")) == 1


@pytest.mark.usefixtures("loop_clock")  # the connect timeout: virtual
async def test_an_order_retried_after_a_connect_timeout_is_sent_once() -> None:
    """A connect that timed out (a host dropping connection requests) sent nothing of the
    order: the placement is retried, and the order is placed once."""
    async with Simulator(tick_interval=None) as sim:
        unanswered = UnansweredConnects(sim)
        await unanswered.start()  # the first attempt's connect times out

        class AnswerOnWait(RecordingSleep):
            async def __call__(self, seconds: float) -> None:
                await super().__call__(seconds)
                await unanswered.stop()

        config = sim.client_config(retry=RetryPolicy(jitter=0.0), timeout=5.0, connect_timeout=1.0)
        sleep = AnswerOnWait()
        async with AriesClient(config, token=sim.issue_token(), sleep=sleep) as c:
            ack = await c.orders.place(order("after-a-connect-timeout"))
        assert ack.client_id == "after-a-connect-timeout"
        assert len(sleep.waits) == 1
        assert sim.requests[PLACE] == 1
        assert len(sim.state.find_by_client_id("after-a-connect-timeout")) == 1


@pytest.mark.parametrize("what", ["replace", "cancel"])
async def test_replace_and_cancel_are_not_retried_on_a_5xx(what: str) -> None:
    async with Simulator(tick_interval=None) as sim:
        config = sim.client_config(retry=RetryPolicy(jitter=0.0))
        async with AriesClient(config, token=sim.issue_token(), sleep=RecordingSleep()) as c:
            ack = await c.orders.place(order())
            assert ack.accepted and ack.cl_ord_id
            route = f"/v1/orders/{what}"
            sim.faults.server_errors[f"POST {route}"] = ServerErrorFault(count=1, status=503)
            call = _replace_or_cancel(c, what, ack.cl_ord_id)
            with pytest.raises(ServerError):
                await call
        assert sim.requests[("POST", route)] == 1


async def test_a_401_on_an_order_is_replayed_once_only() -> None:
    async with Simulator(tick_interval=None) as sim:
        config = sim.client_config(retry=RetryPolicy(jitter=0.0))
        async with AriesClient(config, token=sim.issue_token(), sleep=RecordingSleep()) as c:
            await c.accounts.list()
            sim.faults.server_errors["POST /v1/orders"] = ServerErrorFault(count=None, status=401)
            before = sim.token_requests
            with pytest.raises(AuthenticationError):
                await c.orders.place(order("refused"))
        assert sim.requests[PLACE] == 2  # the first, and one replay with a fresh token
        assert sim.token_requests - before == 1


async def test_a_raw_post_is_not_retried_by_default() -> None:
    async with Simulator(tick_interval=None) as sim:
        sim.faults.server_errors["POST /v1/orders"] = ServerErrorFault(count=1, status=503)
        config = sim.client_config(retry=RetryPolicy(jitter=0.0))
        async with AriesClient(config, token=sim.issue_token(), sleep=RecordingSleep()) as c:
            with pytest.raises(ServerError):
                await c.request("POST", "/v1/orders", json=order("raw").to_wire())
        assert sim.requests[PLACE] == 1


async def test_orders_placed_without_a_client_id_get_one_each() -> None:
    async with Simulator(tick_interval=None) as sim:
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as c:
            await c.orders.place(order())
            await c.orders.place(order())
        ids = [o.client_id for o in sim.state.orders[ACCOUNT] if o.client_id.startswith("aa-")]
        assert len(ids) == 2 and len(set(ids)) == 2


async def test_an_order_of_yesterday_is_found_by_its_client_id() -> None:
    async with Simulator(tick_interval=None) as sim:
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as c:
            ack = await c.orders.place(order("yesterday"))
            (placed,) = sim.state.find_by_client_id("yesterday")
            placed.status = "CANCELED"  # in the history only, created before midnight
            placed.created_at = placed.updated_at = sim.state.midnight_ny() - 60
            assert "yesterday" not in {o.client_id for o in sim.state.active_orders(ACCOUNT)}
            found = await c.orders.find_by_client_id(ACCOUNT, "yesterday")
        assert found is not None and found.cl_ord_id == ack.cl_ord_id


async def test_reconcile_finds_older_orders_of_different_days() -> None:
    account = "TEST-ACCOUNT-001"  # seeded with a history of several days
    async with (
        Simulator(seed=9, tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as c,
    ):
        active = {o.cl_ord_id for o in sim.state.active_orders(account)}
        older = sorted(
            (
                o
                for o in sim.state.orders[account]
                if o.cl_ord_id not in active and o.status != "SUPERSEDED"
            ),
            key=lambda o: o.created_at,
        )
        first, last = older[0], older[-1]
        assert last.created_at - first.created_at > 86400
        asked = [
            Order(
                cl_ord_id=o.cl_ord_id,
                ord_status=OrderStatus.NEW,
                created_at=datetime.fromtimestamp(o.created_at, UTC),
            )
            for o in (first, last)
        ]
        found = {o.cl_ord_id for o in await c.orders.reconcile(account, asked)}
        assert found == {first.cl_ord_id, last.cl_ord_id}
        # one without its creation time: the history is read as far back as the API allows
        asked[0] = Order(cl_ord_id=first.cl_ord_id, ord_status=OrderStatus.NEW)
        found = {o.cl_ord_id for o in await c.orders.reconcile(account, asked)}
        assert found == {first.cl_ord_id, last.cl_ord_id}


@pytest.mark.parametrize("mode", NON_ACK_MODES)
@pytest.mark.parametrize("what", ["replace", "cancel"])
async def test_a_replace_or_cancel_answered_without_an_ack_is_not_a_rejection(
    what: str, mode: str
) -> None:
    async with Simulator(tick_interval=None) as sim:
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as c:
            ack = await c.orders.place(order())
            assert ack.accepted and ack.cl_ord_id
            sim.faults.swallow_order_calls = frozenset({what})
            sim.faults.swallow_order_response = 1
            sim.faults.swallow_mode = mode  # executed, then a 200 that is not an ack
            call = _replace_or_cancel(c, what, ack.cl_ord_id)
            # not an accepted=False ack, which would invite sending it again
            with pytest.raises(ResponseFormatError, match=f"not a {what} acknowledgement"):
                await call
        assert sim.requests[("POST", f"/v1/orders/{what}")] == 1
        (first,) = [o for o in sim.state.orders[ACCOUNT] if o.cl_ord_id == ack.cl_ord_id]
        assert first.status != "NEW"  # the write was applied: the answer only was lost


# -- the lookups count time on the client's clock --------------------------------------------
# The simulator's ManualClock stands months away from the real time: a window worked out from
# the real time instead of the client's clock is refused, or misses every order.


def _history_from(sim: Simulator) -> list[datetime]:
    """The ``from`` of every history read the simulator received, in order."""
    return [
        datetime.fromisoformat(value)
        for request in sim.journal
        if request.raw_path.endswith("/orders/history")
        for name, value in request.query
        if name == "from"
    ]


async def test_a_history_without_end_is_checked_against_the_clients_clock() -> None:
    async with (
        Simulator(seed=9, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now) as c,
    ):
        now = datetime.fromtimestamp(sim.clock.now(), UTC)
        listed = [o async for o in c.orders.history("TEST-ACCOUNT-001", now - timedelta(days=80))]
        assert listed
        with pytest.raises(ValidationError) as info:
            c.orders.history("TEST-ACCOUNT-001", now - timedelta(days=91))
        assert info.value.field == "start"


async def test_an_order_of_yesterday_is_found_on_the_clients_clock() -> None:
    async with (
        Simulator(clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now) as c,
    ):
        ack = await c.orders.place(order("yesterday"))
        (placed,) = sim.state.find_by_client_id("yesterday")
        placed.status = "CANCELED"  # in the history only, created before midnight
        placed.created_at = placed.updated_at = sim.state.midnight_ny() - 60
        found = await c.orders.find_by_client_id(ACCOUNT, "yesterday")
        assert found is not None and found.cl_ord_id == ack.cl_ord_id
        now = datetime.fromtimestamp(sim.clock.now(), UTC)
        assert _history_from(sim) == [now - timedelta(days=1, hours=1)]  # an hour for the clocks


async def test_reconcile_reads_the_history_on_the_clients_clock() -> None:
    account = "TEST-ACCOUNT-001"  # seeded with a history of several days
    async with (
        Simulator(seed=9, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now) as c,
    ):
        active = {o.cl_ord_id for o in sim.state.active_orders(account)}
        older = min(
            (o for o in sim.state.orders[account] if o.cl_ord_id not in active),
            key=lambda o: o.created_at,
        )
        created = datetime.fromtimestamp(older.created_at, UTC)
        asked = [Order(cl_ord_id=older.cl_ord_id, ord_status=OrderStatus.NEW, created_at=created)]
        assert [o.cl_ord_id for o in await c.orders.reconcile(account, asked)] == [older.cl_ord_id]
        # without its creation time: as far back as the API allows, from the client's now
        asked = [Order(cl_ord_id=older.cl_ord_id, ord_status=OrderStatus.NEW)]
        assert [o.cl_ord_id for o in await c.orders.reconcile(account, asked)] == [older.cl_ord_id]
        now = datetime.fromtimestamp(sim.clock.now(), UTC)
        slack = timedelta(hours=1)  # the client's clock and the server's may differ
        first, longest = _history_from(sim)
        assert first == created - slack
        # 90 days back from the server's now (read by the Date header, to the second)
        assert timedelta(0) <= longest - (now - timedelta(days=90)) <= timedelta(seconds=10)


# -- a server that does not echo the tag (conventions.md 7, UNCERTAIN) ------------------------


def _without_tags(sim: Simulator) -> AriesClient:
    """A client of ``sim`` on its clock, the orders' ``clientId`` naming the app, not our tag."""
    sim.faults.order_client_id = "oauth_client"
    return AriesClient(sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now)


async def test_an_order_lost_under_a_server_without_tags_is_found_by_its_terms() -> None:
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim, _without_tags(sim) as c:
        sim.faults.swallow_order_response = 1  # placed, then the connection drops
        with pytest.raises(OrderOutcomeUnknownError) as info:
            await c.orders.place(order("lost-tag"))
        error = info.value
        assert "orders.find_placed(error.request, since=error.started_at)" in str(error)
        assert error.request is not None and error.request.client_id == "lost-tag"
        assert error.started_at == datetime.fromtimestamp(sim.clock.now(), UTC)
        (placed,) = sim.state.find_by_client_id("lost-tag")
        found = await c.orders.find_placed(error.request, since=error.started_at)
        assert found is not None and found.cl_ord_id == placed.cl_ord_id


async def test_a_lost_order_is_found_though_the_server_writes_its_time_to_the_millisecond() -> None:
    """The attempt started at ...547357 s; the server wrote the order's time as ...547 s,
    before it. The order is still this attempt's."""
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim, _without_tags(sim) as c:
        sim.advance(0.5473579)
        sim.faults.swallow_order_response = 1
        with pytest.raises(OrderOutcomeUnknownError) as info:
            await c.orders.place(order("lost-in-a-millisecond"))
        error = info.value
        assert error.started_at.microsecond % 1000  # finer than the wire's milliseconds
        (placed,) = sim.state.find_by_client_id("lost-in-a-millisecond")
        found = await c.orders.find_placed(error.request, since=error.started_at)
        assert found is not None and found.cl_ord_id == placed.cl_ord_id


async def test_an_order_refused_under_a_server_without_tags_is_not_found() -> None:
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim, _without_tags(sim) as c:
        before = await c.orders.place(order("same-terms-before"))  # not this attempt's
        sim.advance(1)
        sim.faults.server_errors["POST /v1/orders"] = ServerErrorFault(count=1, status=503)
        with pytest.raises(OrderOutcomeUnknownError) as info:
            await c.orders.place(order("refused"))
        assert before.accepted and not sim.state.find_by_client_id("refused")
        error = info.value
        assert await c.orders.find_placed(error.request, since=error.started_at) is None


async def test_two_orders_with_the_terms_under_a_server_without_tags_are_not_guessed() -> None:
    async with (
        Simulator(clock=ManualClock(), tick_interval=None) as sim,
        _without_tags(sim) as c,
        _without_tags(sim) as elsewhere,  # another process of the app
    ):
        since = datetime.fromtimestamp(sim.clock.now(), UTC)
        sim.faults.swallow_order_response = 1
        with pytest.raises(OrderOutcomeUnknownError) as info:
            await c.orders.place(order("lost"))
        other = await elsewhere.orders.place(order("other"))  # the same terms, another intent
        dearer = OrderRequest(**{**LIMIT_BUY, "price": "1.01"}, quantity=1, client_id="dearer")
        assert (await elsewhere.orders.place(dearer)).accepted  # another price: not a candidate
        request = info.value.request
        assert request is not None
        with pytest.raises(OrderMatchAmbiguousError) as ambiguous:
            await c.orders.find_placed(request, since=since)
        (lost,) = sim.state.find_by_client_id("lost")
        assert {o.cl_ord_id for o in ambiguous.value.candidates} == {
            lost.cl_ord_id,
            other.cl_ord_id,
        }
        assert isinstance(ambiguous.value, OrderOutcomeUnknownError)


async def test_a_server_that_echoes_tags_is_not_matched_by_terms() -> None:
    async with (
        Simulator(clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now) as c,
    ):
        since = datetime.fromtimestamp(sim.clock.now(), UTC)
        other = await c.orders.place(order())  # tagged by the SDK; the server echoes it
        assert other.accepted
        request = order("never-sent").with_client_id("never-sent")
        assert await c.orders.find_placed(request, since=since) is None
        ack = await c.orders.place(request)
        found = await c.orders.find_placed(request, since=since)
        assert found is not None and found.cl_ord_id == ack.cl_ord_id
