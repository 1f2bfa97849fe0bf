"""The official finance-dev SDK, unmodified, on the simulator's watchlists and prediction orders:
its own methods send the requests and its models parse the answers (and the refusals).

finance-dev's token hook makes blocking calls, so the simulator runs on its own thread, on a
manual clock moved through :meth:`ThreadedSimulator.call`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from spec_check import official_client

from aries_async.sim import ManualClock
from aries_async.sim.predictions import ACK_DELAY
from aries_async.sim.threaded import ThreadedSimulator

pytestmark = pytest.mark.finance_dev

ACCOUNT = "TEST-ACCOUNT-001"


@pytest.fixture
def sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=3, clock=ManualClock(), tick_interval=None) as running:
        yield running


@pytest.fixture
def sdk(sim: ThreadedSimulator) -> Iterator[Any]:
    with official_client(sim) as client:
        yield client


def test_watchlists_through_the_official_sdk(sdk: Any) -> None:
    lists = sdk.watchlist
    created = lists.create(name="Tech", symbols=["nvda", "NOTREAL1"]).watchlist
    assert (created.name, created.symbols, created.invalid_symbols) == (
        "Tech",
        ["NVDA"],
        ["NOTREAL1"],
    )
    renamed = lists.update(watchlist_id=created.id, update_watchlist_request={"name": "Chips"})
    assert renamed.watchlist.name == "Chips"
    added = lists.update(
        watchlist_id=created.id, update_watchlist_request={"add_symbols": ["AMD"]}
    ).watchlist
    assert added.symbols == ["NVDA", "AMD"]
    assert lists.get(watchlist_id=created.id).watchlist.symbols == ["NVDA", "AMD"]
    listed = lists.list().watchlist_response
    assert [w.name for w in listed.watchlist] == ["Default", "Chips"]
    assert lists.delete(watchlist_id=created.id).watchlist.id == created.id
    replaced = lists.replace_all(request=[{"name": "Default"}, {"name": "New"}])
    assert [w.name for w in replaced.watchlist_response.watchlist] == ["Default", "New"]

    from finance_dev import errors

    with pytest.raises(errors.BadRequest) as refused:
        lists.create(name="New")
    detail: Any = refused.value.data.error  # the nested envelope (not the flat one's text)
    assert detail.code == "WATCHLIST_ALREADY_EXISTS"
    with pytest.raises(errors.FinanceDevAPIError) as missing:
        lists.get(watchlist_id=created.id)
    assert missing.value.status_code == 404


def _place(sdk: Any, **extra: Any) -> Any:
    return sdk.predictions.orders.place_prediction_order(
        account_id=ACCOUNT,
        order_type="limit",
        outcome="YES",
        quantity="5",
        side="buy",
        symbol="KXCPI-26JAN-T3.0",
        time_in_force="gtc",
        price="0.99",
        **extra,
    ).object.data


def test_prediction_orders_through_the_official_sdk(sdk: Any, sim: ThreadedSimulator) -> None:
    orders = sdk.predictions.orders
    placed = _place(sdk, idempotency_key="sdk-1", client_order_ref="ref-1")
    assert (placed.state, placed.quantity, placed.price) == ("pending_new", "5", "0.99")
    sim.call(lambda: sim.simulator.advance(ACK_DELAY))
    detail = orders.get_prediction_order(order_id=placed.order_id).object.data
    assert detail.order.state == "filled"
    assert [r.exec_type for r in detail.reports] == ["new", "trade"]
    page = orders.list_prediction_orders(status="filled", limit=10).object.data
    assert [o.order_id for o in page.orders] == [placed.order_id]
    assert page.next_cursor is None

    from finance_dev import errors

    with pytest.raises(errors.PredOrdersErrorEnvelope) as refused:
        _place(sdk, idempotency_key="sdk-1", client_order_ref="ref-2")
    assert refused.value.data.error.code == "INVALID_ORDER"
    with pytest.raises(errors.PredOrdersErrorEnvelope) as taken:
        _place(sdk, idempotency_key="sdk-2", client_order_ref="ref-1")
    assert taken.value.data.error.code == "CLIENT_ORDER_REF_IN_USE"


def test_a_placement_retried_with_its_key_after_a_lost_answer_is_not_doubled(
    sdk: Any, sim: ThreadedSimulator
) -> None:
    # finance-dev does not retry this itself: a connection closed before the answer is an
    # httpx.RemoteProtocolError, which its retry (network errors and timeouts) leaves alone.
    httpx = pytest.importorskip("httpx")

    def lose_one() -> None:
        sim.simulator.faults.swallow_prediction_orders = 1

    sim.call(lose_one)
    with pytest.raises(httpx.RemoteProtocolError):
        _place(sdk, idempotency_key="lost-once")
    placed = _place(sdk, idempotency_key="lost-once")
    made = sim.call(lambda: sim.simulator.state.predictions.page(sim.simulator.state.user_id))
    assert [o.order_id for o in made[0]] == [placed.order_id]
    assert sim.call(lambda: sim.simulator.faults.swallow_prediction_orders) == 0
