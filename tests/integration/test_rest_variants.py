"""Points the REST spec leaves UNCERTAIN (or shows in conflicting forms), read by the client in
each form the simulator can give: an empty active-order list as ``null`` or ``[]``, an order
rejection as an HTTP 400, a cancel acknowledgement with a new ``clOrdId`` or the same one, and
the market status ``timestamp`` in seconds or milliseconds, and the positions answer in each
of its documented shapes.

(The rejection in a 200, with or without ``success: false``, is in ``test_order_outcomes.py``;
the quote items' ``n``/``s`` in ``test_market_friction.py``; ``Retry-After`` forms in
``test_client_faults.py``.)"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async import AriesClient
from aries_async.errors import (
    BadRequestError,
    NotFoundError,
    OrderRejectedError,
    OrderRejectedHTTPError,
)
from aries_async.models._reader import BodyReader, Unread
from aries_async.models.accounts import Position, SecurityType
from aries_async.models.orders import CancelRequest, OrderRequest, ReplaceRequest
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.valuation import POSITIONS_SHAPES

ACCOUNT = "TEST-ACCOUNT-001"


def limit_buy(symbol: str = "KO") -> OrderRequest:
    return OrderRequest(
        account_id=ACCOUNT, symbol=symbol, side="BUY", type="LIMIT", quantity=1, price="1.00"
    )


@pytest.mark.parametrize("null", [True, False], ids=["null", "empty-list"])
async def test_no_active_orders_is_an_empty_list_whether_null_or_empty(null: bool) -> None:
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        sim.faults.null_active_orders = null
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            for order in sim.state.active_orders(ACCOUNT):
                order.status = "CANCELED"
                order.updated_at = sim.state.midnight_ny() - 60
            assert sim.state.active_orders(ACCOUNT) == []
            assert await client.orders.active(ACCOUNT) == []
            ack = await client.orders.place(limit_buy())
            assert [o.cl_ord_id for o in await client.orders.active(ACCOUNT)] == [ack.cl_ord_id]


async def test_a_rejection_answered_400_is_raised_and_the_order_not_placed() -> None:
    async with (
        Simulator(rejections_as_http=True, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(
            sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now
        ) as client,
    ):
        with pytest.raises(BadRequestError) as info:  # not an unknown outcome
            await client.orders.place(limit_buy("NOSUCH").with_client_id("refused"))
        assert info.value.code == "ORDER_REJECTED"
        assert sim.state.find_by_client_id("refused") == []
        assert await client.orders.find_by_client_id(ACCOUNT, "refused") is None


async def test_a_rejection_answered_400_is_an_order_rejection_as_an_ack_is() -> None:
    """rest.md 6.1 leaves open whether a refused order is a 400 or a 2xx that says so: a bot
    catches ``OrderRejectedError`` for both, and code that caught ``BadRequestError`` still
    does."""
    async with (
        Simulator(rejections_as_http=True, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        with pytest.raises(OrderRejectedError) as refused:
            await client.orders.place(limit_buy("NOSUCH"))
        assert isinstance(refused.value, BadRequestError)
        assert (refused.value.status, refused.value.code) == (400, "ORDER_REJECTED")
        assert refused.value.ack is None
        assert "NOSUCH" in refused.value.reason
        assert refused.value.field == "order"

        placed = await client.orders.place(limit_buy())
        assert placed.cl_ord_id is not None
        with pytest.raises(OrderRejectedHTTPError) as replaced:
            await client.orders.replace(
                ReplaceRequest(
                    orig_cl_ord_id=placed.cl_ord_id,
                    account_id=ACCOUNT,
                    symbol="KO",
                    side="SELL",
                    type="LIMIT",
                    quantity=1,
                    price="1.00",
                )
            )
        assert replaced.value.code == "REPLACE_REJECTED"
        assert replaced.value.reason == "side cannot change"

        cancel = CancelRequest(
            orig_cl_ord_id="no-such-order", account_id=ACCOUNT, symbol="KO", side="BUY"
        )
        with pytest.raises(NotFoundError) as missing:  # a refused cancel is not a rejection
            await client.orders.cancel(cancel)
        assert not isinstance(missing.value, OrderRejectedError)


@pytest.mark.parametrize("new_id", [True, False], ids=["new-id", "same-id"])
async def test_a_cancel_ack_with_a_new_or_the_same_id_is_accepted(new_id: bool) -> None:
    async with (
        Simulator(cancel_assigns_new_id=new_id, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        placed = await client.orders.place(limit_buy())
        assert placed.cl_ord_id
        cancel = CancelRequest(
            orig_cl_ord_id=placed.cl_ord_id, account_id=ACCOUNT, symbol="KO", side="BUY"
        )
        ack = await client.orders.cancel(cancel)
        assert ack.accepted and ack.orig_cl_ord_id == placed.cl_ord_id
        assert (ack.cl_ord_id != placed.cl_ord_id) is new_id
        (order,) = [
            o for o in await client.orders.active(ACCOUNT) if o.cl_ord_id == placed.cl_ord_id
        ]
        assert order.ord_status == "CANCELED"


@pytest.mark.parametrize("millis", [False, True], ids=["seconds", "milliseconds"])
async def test_the_market_status_time_is_read_in_seconds_or_milliseconds(millis: bool) -> None:
    async with (
        Simulator(clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        sim.faults.market_status_timestamp_ms = millis
        status = await client.market.status()
        assert status.timestamp == datetime.fromtimestamp(int(sim.clock.now()), UTC)


def _as_shape_says(position: Position, shape: str) -> Position:
    """``position`` (read from the SDK shape) with only what ``shape`` says of it."""
    if shape == "bare":  # five fields, three of them the model's
        return Position(
            symbol=position.symbol, quantity=position.quantity, average_price=position.average_price
        )
    if shape == "instrument":  # its instrument and dailyPl are not the model's names
        return attrs.evolve(position, security_type=None, today_pnl=None)
    if shape == "availability" and position.security_type == SecurityType.EQUITY:
        return attrs.evolve(position, security_type=SecurityType("CS"))
    return position


def _unread(reader: BodyReader, body: bytes) -> Any:
    raise Unread


@pytest.mark.parametrize("path", ["reader", "converter"])
@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
@pytest.mark.parametrize("shape", POSITIONS_SHAPES)
async def test_positions_in_each_documented_shape_are_the_same_positions(
    shape: str, large: bool, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = Simulator(clock=ManualClock(), tick_interval=None)
    async with sim, AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        sdk = await client.accounts.positions(ACCOUNT)
        assert sdk and all(p.security_type and p.today_pnl is not None for p in sdk)
        route = f"GET /v1/accounts/{ACCOUNT}/positions"
        if large:  # read in parts, from 1 MiB up (aries_async.http.decode)
            sim.faults.huge_body[route] = 3 << 20
        sim.faults.positions_shape = shape
        read, read_items = BodyReader.read, BodyReader.read_items
        models: list[int] = []  # how many models the body reader made

        def spy_read(reader: BodyReader, body: bytes) -> Any:
            got = read(reader, body)
            models.append(len(got))
            return got

        def spy_items(reader: BodyReader, part: bytes) -> list[Any]:
            got = read_items(reader, part)
            models.append(len(got))
            return got

        if path == "converter":  # the body reader reads nothing: the converter does it all
            monkeypatch.setattr(BodyReader, "read", _unread)
            monkeypatch.setattr(BodyReader, "read_items", _unread)
        else:
            monkeypatch.setattr(BodyReader, "read", spy_read)
            monkeypatch.setattr(BodyReader, "read_items", spy_items)
        found = await client.accounts.positions(ACCOUNT)
    times = len(found) // len(sdk)
    assert times > (1000 if large else 0) and len(found) == times * len(sdk)
    assert found == [_as_shape_says(p, shape) for p in sdk] * times
    if path == "reader":  # all of them but a large answer's last (read with the rest)
        assert sum(models) >= max(1, len(found) - 1)


SESSIONS = {  # New York 08:00, 10:00, 17:00 and 21:00 of a Thursday
    13: ("pre-market", "PRE_MARKET", "preMarket"),
    15: ("regular", "REGULAR", "regular"),
    22: ("after-hours", "AFTER_HOURS", "afterHours"),
    2: ("", "", ""),
}


@pytest.mark.parametrize("hour", SESSIONS)
@pytest.mark.parametrize("wording", ["words", "upper", "camel"])
async def test_the_market_status_session_is_read_as_the_server_words_it(
    wording: str, hour: int
) -> None:
    """rest.md 10 leaves the ``session`` tokens UNCERTAIN: the client keeps the server's word
    and reads ``is_open`` from ``isOpen``, never from the word."""
    start = datetime(2026, 1, 15 if hour > 2 else 16, hour, tzinfo=UTC).timestamp()
    async with (
        Simulator(clock=ManualClock(start), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        sim.faults.market_status_session = wording
        status = await client.market.status()
    said = SESSIONS[hour][("words", "upper", "camel").index(wording)]
    assert status.session == said
    assert status.is_open is (hour == 15)


def fractional_buy() -> OrderRequest:
    return OrderRequest(
        account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity="0.5", price="1.00"
    )


async def test_a_fractional_quantity_is_placed_where_the_server_takes_it() -> None:
    async with (
        Simulator(clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        assert (await client.orders.preview(fractional_buy())).ok
        ack = await client.orders.place(fractional_buy())
        (order,) = [o for o in await client.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id]
    assert ack.accepted and order.quantity == Decimal("0.5")


@pytest.mark.parametrize("as_http", [False, True], ids=["ack", "http-400"])
async def test_a_fractional_quantity_refused_by_the_server_is_a_rejection(as_http: bool) -> None:
    """conventions.md 4 leaves fractional shares UNCERTAIN: where the broker refuses them, the
    preview says why and the placement is a rejection in either form of rest.md 6.1 (a
    refusing acknowledgement, or ``OrderRejectedHTTPError``), never an unknown outcome."""
    async with (
        Simulator(rejections_as_http=as_http, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        sim.faults.whole_shares_only = True
        preview = await client.orders.preview(fractional_buy())
        assert not preview.ok and "fractional" in preview.errors[0]
        half = fractional_buy().with_client_id("half")
        if as_http:
            with pytest.raises(OrderRejectedHTTPError) as refused:
                await client.orders.place(half)
            assert "fractional shares of KO" in refused.value.reason
            assert await client.orders.find_by_client_id(ACCOUNT, "half") is None
        else:
            ack = await client.orders.place(half)
            assert not ack.accepted and "fractional shares of KO" in (ack.ord_rej_reason or "")
        whole = await client.orders.place(limit_buy())  # a whole quantity goes on as before
        assert whole.accepted


@pytest.mark.parametrize("fields", ["sdk", "docs"])
async def test_orders_read_the_same_whichever_words_their_type_and_route(fields: str) -> None:
    """rest.md 15 rows 7-9: the SDK and the docs' examples word a stock order's
    ``securityType``, ``category`` and ``exDestination`` apart; both are read, the unknown
    words kept, and an order is still found by its tag."""
    async with (
        Simulator(clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        sim.faults.order_fields = fields
        ack = await client.orders.place(limit_buy().with_client_id("worded"))
        (order,) = [o for o in await client.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id]
        found = await client.orders.find_by_client_id(ACCOUNT, "worded")
    said = ("EQUITY", "EQUITY", "MNGD") if fields == "sdk" else ("CS", "SINGLE_LEG", "NASDAQ")
    assert (order.security_type, order.category, order.ex_destination) == said
    assert found is not None and found.cl_ord_id == ack.cl_ord_id
    assert (order.quantity, order.price) == (Decimal(1), Decimal("1.00"))
