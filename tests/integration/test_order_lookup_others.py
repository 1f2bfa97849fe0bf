"""``find_placed`` never takes another order for the one whose outcome is unknown.

An order found where none was placed is an order lost: the bot that trusts the answer does
not send it again. Each test here failed before its fix: a sibling order under a tag of the
user's own making (a server that echoes tags, which only tags of the SDK's making proved), an
order this client placed and was told of, an order whose legs differ (a server that does not
echo tags, where the terms decide), and an earlier order under a tag used again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.errors import OrderMatchAmbiguousError, OrderOutcomeUnknownError
from aries_async.models import OrderLeg
from aries_async.sim import ManualClock, ServerErrorFault, Simulator

ACCOUNT = "TEST-SIM-001"
LIMIT_BUY: dict[str, Any] = {
    "account_id": ACCOUNT,
    "symbol": "AAPL",
    "side": "BUY",
    "type": "LIMIT",
    "quantity": 1,
}


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _simulator(*, echo: bool) -> Simulator:
    sim = Simulator(seed=1, clock=ManualClock(), tick_interval=None)
    sim.faults.order_client_id = "tag" if echo else "oauth_client"
    return sim


def _client(sim: Simulator) -> AriesClient:
    """A client of ``sim`` on its clock (each call: another process of the same app)."""
    return AriesClient(sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now)


async def _refused(client: AriesClient, sim: Simulator, request: OrderRequest) -> OrderRequest:
    """Place ``request`` on a server that answers 503 and places nothing: the request as sent."""
    before = len(sim.state.find_by_client_id(request.client_id)) if request.client_id else 0
    sim.faults.server_errors["POST /v1/orders"] = ServerErrorFault(count=1, status=503)
    with pytest.raises(OrderOutcomeUnknownError) as info:
        await client.orders.place(request)
    assert info.value.request is not None
    assert len(sim.state.find_by_client_id(info.value.request.client_id or "")) == before
    return info.value.request


async def _lost(client: AriesClient, sim: Simulator, request: OrderRequest) -> OrderRequest:
    """Place ``request`` on a server that places it and drops the answer: the request as sent."""
    sim.faults.swallow_order_response = 1
    with pytest.raises(OrderOutcomeUnknownError) as info:
        await client.orders.place(request)
    assert info.value.request is not None
    return info.value.request


def _limit(price: str, client_id: str | None = None, **terms: Any) -> OrderRequest:
    return OrderRequest(**{**LIMIT_BUY, **terms}, price=price, client_id=client_id)


@pytest.mark.parametrize("siblings", [1, 2])
async def test_a_sibling_under_a_tag_of_the_users_own_is_not_the_lost_order(
    siblings: int,
) -> None:
    """A bot slicing a parent order tags each child itself; the server echoes them."""
    async with _simulator(echo=True) as sim, _client(sim) as c:
        since = _utc(sim.clock.now())
        request = await _refused(c, sim, _limit("1.00", "parent7-child-1"))
        for n in range(siblings):
            assert (await c.orders.place(_limit("1.00", f"parent7-child-{n + 2}"))).accepted
        assert await c.orders.find_placed(request, since=since) is None


async def test_an_order_this_client_was_told_of_is_not_the_lost_one() -> None:
    """A server without tags: the acknowledged order of the same terms is another request's."""
    async with _simulator(echo=False) as sim, _client(sim) as c:
        since = _utc(sim.clock.now())
        refused = await _refused(c, sim, _limit("1.00", "refused"))
        told = await c.orders.place(_limit("1.00", "told"))
        assert told.accepted
        assert await c.orders.find_placed(refused, since=since) is None
        lost = await _lost(c, sim, _limit("1.00", "lost"))
        (placed,) = sim.state.find_by_client_id("lost")
        found = await c.orders.find_placed(lost, since=since)
        assert found is not None and found.cl_ord_id == placed.cl_ord_id


async def _option_symbols(client: AriesClient) -> tuple[date, list[str], list[str]]:
    """An expiry of AAPL's and the OSI symbols of its calls and its puts, by strike."""
    expiry = (await client.market.option_expirations("AAPL"))[2]
    chain = await client.market.option_chain("AAPL", expiry)
    calls = [c.osi for c in chain.calls if c.osi]
    puts = [p.osi for p in chain.puts if p.osi]
    return expiry, calls, puts


def _spread(long: str, short: str) -> OrderRequest:
    legs = [
        OrderLeg(security_type="OPT", side="BUY", position_effect="OPEN", symbol=long),
        OrderLeg(security_type="OPT", side="SELL", position_effect="OPEN", symbol=short),
    ]
    return _limit("0.01", legs=legs)


def _by_terms(symbol: str, expiry: date, side: str = "SELL") -> OrderLeg:
    """A leg naming its contract by its terms, not its OSI symbol."""
    strike = Decimal(symbol[-8:]) / 1000
    put_call = "CALL" if symbol[-9] == "C" else "PUT"
    return OrderLeg(
        security_type="OPT",
        side=side,
        position_effect="OPEN",
        put_call=put_call,
        strike_price=strike,
        maturity=expiry,
    )


def _stock_and_call(call: str, price: str = "1.00") -> OrderRequest:
    legs = [
        OrderLeg(security_type="CS", side="BUY", position_effect="OPEN", ratio_quantity=100),
        OrderLeg(security_type="OPT", side="SELL", position_effect="OPEN", symbol=call),
    ]
    return _limit(price, legs=legs)


@pytest.mark.parametrize("other", ["call spread", "put spread, legs swapped", "covered call"])
async def test_an_order_of_other_legs_is_not_the_lost_one(other: str) -> None:
    """A server without tags; the order of the same account, symbol, side, type, quantity and
    price comes from another process of the app."""
    async with _simulator(echo=False) as sim, _client(sim) as c, _client(sim) as elsewhere:
        since = _utc(sim.clock.now())
        _, calls, puts = await _option_symbols(c)
        request = await _refused(c, sim, _spread(puts[10], puts[9]))
        others = {
            "call spread": _spread(calls[10], calls[11]),
            "put spread, legs swapped": _spread(puts[9], puts[10]),
            "covered call": _stock_and_call(calls[11], "0.01"),
        }
        assert (await elsewhere.orders.place(others[other])).accepted
        assert await c.orders.find_placed(request, since=since) is None


async def test_a_stock_order_is_not_taken_for_an_order_with_legs_on_it() -> None:
    async with _simulator(echo=False) as sim, _client(sim) as c, _client(sim) as elsewhere:
        since = _utc(sim.clock.now())
        _, calls, _puts = await _option_symbols(c)
        request = await _refused(c, sim, _limit("1.00"))
        assert (await elsewhere.orders.place(_stock_and_call(calls[11]))).accepted
        assert await c.orders.find_placed(request, since=since) is None


async def test_a_lost_spread_is_found_whichever_way_its_legs_were_named() -> None:
    """The legs sent by OSI symbol and by terms; the server reports them its own way."""
    async with _simulator(echo=False) as sim, _client(sim) as c:
        since = _utc(sim.clock.now())
        expiry, calls, _puts = await _option_symbols(c)
        legs = [
            OrderLeg(security_type="OPT", side="BUY", position_effect="OPEN", symbol=calls[10]),
            _by_terms(calls[11], expiry),
        ]
        lost = await _lost(c, sim, _limit("0.01", "lost-spread", legs=legs))
        (placed,) = sim.state.find_by_client_id("lost-spread")
        found = await c.orders.find_placed(lost, since=since)
        assert found is not None and found.cl_ord_id == placed.cl_ord_id


def _at_skew(sim: Simulator, skew: float) -> AriesClient:
    """A client of ``sim`` whose clock reads the simulator's shifted by ``skew`` seconds."""
    return AriesClient(
        sim.client_config(), token=sim.issue_token(), wall_clock=lambda: sim.clock.now() + skew
    )


reused = pytest.mark.parametrize("terms", ["same terms", "other terms"])
skews = pytest.mark.parametrize("skew", [-600.0, 0.0, 600.0], ids=["behind", "agreed", "ahead"])


@reused
@skews
@pytest.mark.parametrize("first_by", ["this client", "another process"])
async def test_an_earlier_order_under_a_reused_tag_is_not_the_lost_one(
    terms: str, skew: float, first_by: str
) -> None:
    """The README lets a tag be used again (a second order under it is another order). The
    first came from this client, which was told of it, or from another process of the app
    (created before the attempt on the server's clock). A server that echoes tags; the
    second attempt placed nothing."""
    async with _simulator(echo=True) as sim, _client(sim) as other, _at_skew(sim, skew) as c:
        placing = c if first_by == "this client" else other
        assert (await placing.orders.place(_limit("1.00", "rebalance-aapl"))).accepted
        sim.advance(2)
        since = _utc(sim.clock.now() + skew)
        price = "1.00" if terms == "same terms" else "1.05"
        refused = await _refused(c, sim, _limit(price, "rebalance-aapl"))
        assert await c.orders.find_placed(refused, since=since) is None


@reused
@skews
async def test_an_order_lost_under_a_reused_tag_is_found_not_the_earlier_one(
    terms: str, skew: float
) -> None:
    async with _simulator(echo=True) as sim, _at_skew(sim, skew) as c:
        first = await c.orders.place(_limit("1.00", "rebalance-aapl"))
        sim.advance(2)
        since = _utc(sim.clock.now() + skew)
        price = "1.00" if terms == "same terms" else "1.05"
        lost = await _lost(c, sim, _limit(price, "rebalance-aapl"))
        placed = sim.state.find_by_client_id("rebalance-aapl")
        (second,) = [o for o in placed if o.cl_ord_id != first.cl_ord_id]
        found = await c.orders.find_placed(lost, since=since)
        assert found is not None and found.cl_ord_id == second.cl_ord_id


@skews
async def test_an_order_this_client_was_told_of_is_found_for_its_own_request(skew: float) -> None:
    """Asked after the request was acknowledged (the attempt began before it was told)."""
    async with _simulator(echo=True) as sim, _at_skew(sim, skew) as c:
        since = _utc(sim.clock.now() + skew)
        request = _limit("1.00", "asked-after")
        ack = await c.orders.place(request)
        sim.advance(2)
        found = await c.orders.find_placed(request, since=since)
        assert found is not None and found.cl_ord_id == ack.cl_ord_id


async def test_orders_under_the_tag_since_the_attempt_none_of_its_terms_are_not_guessed() -> None:
    """Two orders another process placed under the tag during the attempt, neither of the
    request's terms: neither is taken for it, nor is "not placed" said (a server may report
    the terms its own way): nothing is guessed."""
    async with _simulator(echo=True) as sim, _client(sim) as other, _client(sim) as c:
        since = _utc(sim.clock.now())
        refused = await _refused(c, sim, _limit("1.00", "rebalance-aapl"))
        for price in ("1.05", "1.10"):
            assert (await other.orders.place(_limit(price, "rebalance-aapl"))).accepted
        with pytest.raises(OrderMatchAmbiguousError) as raised:
            await c.orders.find_placed(refused, since=since)
        assert len(raised.value.candidates) == 2


@skews
async def test_another_process_order_under_the_tag_of_other_terms_is_not_the_lost_one(
    skew: float,
) -> None:
    """Two bots of one user tag their orders by one scheme (``rebalance-aapl``), on a server
    that echoes tags. This one's attempt placed nothing; meanwhile the other placed an order
    under the same tag at another price: it is not taken for the one sent (the bot would
    never send it), nor is "not placed" said (a server may report terms its own way)."""
    async with _simulator(echo=True) as sim, _client(sim) as other, _at_skew(sim, skew) as c:
        since = _utc(sim.clock.now() + skew)
        refused = await _refused(c, sim, _limit("1.00", "rebalance-aapl"))
        sim.advance(1)
        placed = await other.orders.place(_limit("1.05", "rebalance-aapl"))
        assert placed.accepted
        with pytest.raises(OrderMatchAmbiguousError) as raised:
            await c.orders.find_placed(refused, since=since)
        assert [o.cl_ord_id for o in raised.value.candidates] == [placed.cl_ord_id]
        assert "rebalance-aapl" in str(raised.value)


async def test_the_one_order_under_a_tag_the_sdk_made_is_the_lost_one_whatever_its_terms() -> None:
    """A tag ``place()`` made (``aa-`` and 32 hex digits) is no other process's: the one order
    carrying it is the one sent, even where the server reports its terms its own way (here a
    limit price written back with another tick)."""
    async with _simulator(echo=True) as sim, _client(sim) as c:
        since = _utc(sim.clock.now())
        lost = await _lost(c, sim, _limit("1.00"))
        assert lost.client_id is not None and lost.client_id.startswith("aa-")
        (order,) = sim.state.find_by_client_id(lost.client_id)
        order.price = Decimal("1.0001")  # as the server reports it
        found = await c.orders.find_placed(lost, since=since)
        assert found is not None and found.cl_ord_id == order.cl_ord_id
