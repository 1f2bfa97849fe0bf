"""Paths and pages that user input or a server cannot turn against the client: ids stay
inside their path segment, and paging ends."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.errors import PaginationError, ValidationError
from aries_async.http.pagination import PageTrail
from aries_async.sim import Simulator

ACCOUNT = "TEST-SIM-001"
NOW = datetime(2026, 1, 15, 15, tzinfo=UTC)  # the manual clock's start


# -- 12. ids never escape their path segment ------------------------------------------------


ID_CALLS: list[Callable[[AriesClient, str], Awaitable[Any]]] = [
    lambda c, v: c.accounts.balance(v),
    lambda c, v: c.accounts.positions(v),
    lambda c, v: c.orders.active(v),
    lambda c, v: _drain(c.orders.history(v, NOW - timedelta(days=1), NOW)),
    lambda c, v: c.market.option_expirations(v),
    lambda c, v: c.market.option_chain(v, datetime(2026, 2, 20).date()),
]


async def _drain(pages: AsyncIterable[Any]) -> list[Any]:
    return [item async for item in pages]


async def _collect(pages: AsyncIterable[Any], into: list[Any], bound: int = 50) -> None:
    """Append every item to ``into``; fail (rather than loop forever) past ``bound`` items."""
    async for item in pages:
        into.append(item)
        assert len(into) < bound, "the pages never ended"


@pytest.mark.parametrize("bad", [".", "..", "", " .. ", "\t.\n"])
@pytest.mark.parametrize("call", ID_CALLS)
async def test_dot_segments_and_empty_ids_are_refused(
    sim: Simulator, call: Callable[[AriesClient, str], Awaitable[Any]], bad: str
) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        with pytest.raises(ValidationError):
            await call(client, bad)
    assert list(sim.journal) == []


async def test_ids_are_percent_encoded_inside_their_segment(sim: Simulator) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        for value in ("A/../B", "x?y=1", "frag#ment", "100%", "../..", "a b"):
            with pytest.raises(Exception):  # noqa: B017,PT011 - an unknown account, whatever it is
                await client.accounts.balance(value)
    paths = [r.raw_path for r in sim.journal]
    assert paths == [
        "/v2/accounts/A%2F..%2FB/balance",
        "/v2/accounts/x%3Fy=1/balance",  # "=" may stay as it is inside a path
        "/v2/accounts/frag%23ment/balance",
        "/v2/accounts/100%25/balance",
        "/v2/accounts/..%2F../balance",
        "/v2/accounts/a%20b/balance",
    ]


# -- 14. paging ends --------------------------------------------------------------------------


async def test_a_cycling_cursor_stops_the_iterator_with_a_typed_error(sim: Simulator) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        for i in range(5):
            await client.orders.place(
                OrderRequest(
                    account_id=ACCOUNT,
                    symbol="KO",
                    side="BUY",
                    type="LIMIT",
                    quantity=1,
                    price=f"1.0{i}",
                )
            )
        sim.faults.cycle_cursors = True
        seen: list[Any] = []
        start, end = NOW - timedelta(days=1), NOW + timedelta(days=1)
        with pytest.raises(PaginationError):
            await _collect(client.orders.history(ACCOUNT, start, end, page_size=2), seen)
        assert len(seen) == 5  # every order once, then the repeated cursor
        assert len({order.cl_ord_id for order in seen}) == 5
        with pytest.raises(PaginationError):
            await client.orders.active(ACCOUNT, page_size=2)


async def test_a_server_that_ignores_the_page_number_stops_the_iterator(sim: Simulator) -> None:
    """Each page number new, every page the first: the trail of continuations never repeats."""
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        first = await _drain(client.analytics.ratings(tickers="AAPL", page_size=2))
        assert len(first) > 2  # more than one page
        sim.faults.cycle_cursors = True
        seen: list[Any] = []
        with pytest.raises(PaginationError, match="page it had sent before"):
            await _collect(client.analytics.ratings(tickers="AAPL", page_size=2), seen)
        assert seen == first[:2]


def test_a_page_trail_refuses_any_continuation_seen_before() -> None:
    trail = PageTrail("dividends")
    for url in ("https://api/v1/x?next=a", "https://api/v1/x?next=b", "/v1/x?next=c"):
        trail.follow(url)
    with pytest.raises(PaginationError, match="dividends: after 4 pages"):
        trail.follow("https://api/v1/x?next=a")  # not only the last one: any earlier one
    trail.follow("https://api/v1/x?next=d")
