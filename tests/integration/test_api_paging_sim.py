"""The client's ``async for`` over a paginated method against the simulator itself, in each of
the API's four styles: every item of the seeded collection exactly once and in order, with short
pages that carry a continuation (``Faults.short_pages``) and, for page numbers, a stop on the
short last page.

The collection is read first in one page as large as the collection; paging it in small pages
(and shorter ones under the fault) must give the same items in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.errors import PaginationError
from aries_async.http.pagination import Paged
from aries_async.sim import Simulator
from aries_async.sim.routes_generic import PAGED_TOTAL

ACCOUNT = "TEST-ACCOUNT-001"
ORDERS = 7  # resting orders of the cursor-style listings

List = Callable[[AriesClient, int], Paged[Any, Any]]

# style -> (the listing with a page size, the path it pages)
LISTINGS: dict[str, tuple[List, str]] = {
    "next_url": (lambda c, size: c.stocks.trades("AAPL", limit=size), "/v1/stocks/trades"),
    "next_page": (lambda c, size: c.indices.list("US", page_size=size), "/v1/indices/list"),
    "page": (
        lambda c, size: c.analytics.ratings(tickers="AAPL", page_size=size),
        "/v1/analytics/ratings",
    ),
}


@pytest.fixture
def sim_seed() -> int:
    return 3


def _requests(sim: Simulator, path: str) -> int:
    return sum(1 for r in sim.journal if r.raw_path == path)


async def _everything(paged: Paged[Any, Any]) -> list[Any]:
    return [item async for item in paged]


@pytest.mark.parametrize("style", ["next_url", "next_page"])
@pytest.mark.parametrize("short", [None, 3])
async def test_token_styles_give_every_item_once_in_order(
    sim: Simulator, aries: AriesClient, style: str, short: int | None
) -> None:
    listing, path = LISTINGS[style]
    whole = await listing(aries, PAGED_TOTAL)
    collection = whole.results if style == "next_url" else whole.indices
    # the trades: PAGED_TOTAL; the index list: its 6 indices, each once
    assert len(collection) == (PAGED_TOTAL if style == "next_url" else 6)
    sim.faults.short_pages = short
    sim.journal.clear()
    size = 10 if style == "next_url" else 4
    items = await _everything(listing(aries, size))
    assert items == collection
    # trades in pages of 10 (10, 10, 5), indices of 4 (4, 2); under the fault pages of at most
    # 3, each but the last shorter than asked for and still carrying its continuation
    assert _requests(sim, path) == -(-len(collection) // min(size, short or size))


@pytest.mark.parametrize(("size", "pages"), [(10, [None, "1", "2"]), (5, [None, *"12345"])])
async def test_page_numbers_give_every_item_once_and_stop_on_the_last_page(
    sim: Simulator, aries: AriesClient, size: int, pages: list[str | None]
) -> None:
    listing, path = LISTINGS["page"]
    collection = (await listing(aries, PAGED_TOTAL)).ratings
    assert len(collection) == PAGED_TOTAL
    sim.faults.short_pages = 3  # page-number listings stay whole: a short page is their end
    sim.journal.clear()
    assert await _everything(listing(aries, size)) == collection
    # pages of 10: 0, 1 and 2 (5 items: short, the last; page 3 is never asked for); pages of
    # 5: five full ones, then the empty page 5 ends
    assert [dict(r.query).get("page") for r in sim.journal if r.raw_path == path] == pages


async def _resting(aries: AriesClient, symbol: str, prices: str) -> list[str]:
    """Place ``ORDERS`` resting buys of ``symbol`` (limit prices ``prices`` followed by a
    digit); their ``cl_ord_id``."""
    placed = []
    for i in range(ORDERS):
        order = OrderRequest(
            account_id=ACCOUNT,
            symbol=symbol,
            side="BUY",
            type="LIMIT",
            quantity="1",
            price=f"{prices}{i}",
        )
        placed.append((await aries.orders.place(order)).cl_ord_id)
    return [cl_ord_id for cl_ord_id in placed if cl_ord_id is not None]


async def _history_window(
    sim: Simulator, aries: AriesClient, prices: str
) -> tuple[datetime, datetime]:
    """``ORDERS`` resting orders placed (:func:`_resting`, of KO); a history window from a
    day before the simulator's now to a day after."""
    await _resting(aries, "KO", prices)
    now = datetime.fromtimestamp(sim.clock.now(), UTC)
    return now - timedelta(days=1), now + timedelta(days=1)


@pytest.mark.parametrize("short", [None, 2])
async def test_integer_cursors_give_every_order_once_in_order(
    sim: Simulator, aries: AriesClient, short: int | None
) -> None:
    placed = await _resting(aries, "AAPL", "1.0")
    collection = [o.cl_ord_id for o in await aries.orders.active(ACCOUNT, page_size=500)]
    assert set(placed) <= set(collection)
    sim.faults.short_pages = short
    sim.journal.clear()
    listed = [o.cl_ord_id for o in await aries.orders.active(ACCOUNT, page_size=3)]
    assert listed == collection
    pages = [dict(r.query).get("cursor") for r in sim.journal if r.raw_path.endswith("/orders")]
    size = short or 3
    assert len(pages) == -(-len(collection) // size)
    assert pages[1:] == [str(i * size) for i in range(1, len(pages))]


async def test_order_history_pages_by_cursor_through_short_pages(
    sim: Simulator,
    aries: AriesClient,
) -> None:
    window = await _history_window(sim, aries, "2.0")
    collection = [o.cl_ord_id async for o in aries.orders.history(ACCOUNT, *window, page_size=200)]
    assert len(collection) >= ORDERS
    sim.faults.short_pages = 2
    sim.journal.clear()
    listed = [o.cl_ord_id async for o in aries.orders.history(ACCOUNT, *window, page_size=4)]
    assert listed == collection
    # pages of 2 though 4 were asked for, each but the last with its cursor
    assert len(sim.journal) == -(-len(collection) // 2)


async def test_order_history_is_paged_as_the_other_listings(
    sim: Simulator,
    aries: AriesClient,
) -> None:
    window = await _history_window(sim, aries, "2.1")
    pages = aries.orders.history(ACCOUNT, *window, page_size=4)
    assert isinstance(pages, Paged)
    collection = [o.cl_ord_id async for o in pages]  # every item of every page
    assert len(collection) >= ORDERS
    first = await pages  # one page, with its continuation
    assert [o.cl_ord_id for o in first.orders] == collection[:4] and first.has_more
    after = aries.orders.history(ACCOUNT, *window, page_size=4, cursor=first.next_cursor)
    assert [o.cl_ord_id for o in (await after).orders] == collection[4:8]
    assert [o.cl_ord_id async for o in after] == collection[4:]


PREDICTIONS = "/v1/predictions/orders"
PREDICTION: dict[str, Any] = {
    "account_id": ACCOUNT,
    "symbol": "KXFEDDECISION-26DEC-H25",
    "side": "buy",
    "outcome": "YES",
    "order_type": "limit",
    "price": Decimal("0.01"),  # rests: no contract is that cheap
    "quantity": Decimal(3),
    "time_in_force": "gtc",
}


async def _predictions(aries: AriesClient, count: int) -> list[str]:
    """``count`` resting prediction orders placed; their ids, newest first (the listing's
    order)."""
    placed = []
    for _ in range(count):
        answer = await aries.predictions.orders.place(**PREDICTION)
        assert answer.data is not None
        placed.append(answer.data.order_id)
    return placed[::-1]


async def test_prediction_orders_are_paged_by_their_string_cursor(
    sim: Simulator, aries: AriesClient
) -> None:
    placed = await _predictions(aries, 5)
    sim.journal.clear()
    pages = aries.predictions.orders.list(limit=2)
    assert isinstance(pages, Paged)
    first = await pages  # one page, with its continuation
    assert first.data is not None and first.data.next_cursor is not None
    assert [o.order_id for o in first.data.orders] == placed[:2]
    assert [o.order_id async for o in pages] == placed  # every order of every page, once
    after = aries.predictions.orders.list(limit=2, cursor=first.data.next_cursor)
    assert [o.order_id async for o in after] == placed[2:]
    cursors = [dict(r.query).get("cursor") for r in sim.journal if r.raw_path == PREDICTIONS]
    # the await; the loop's three pages of 2, 2 and 1; the loop's two from the first's cursor
    second = first.data.next_cursor
    assert cursors[:3] == [None, None, second] and cursors[3] not in (None, second)
    assert cursors[4:] == cursors[2:4]


async def test_prediction_orders_that_repeat_a_page_stop_the_loop(
    sim: Simulator, aries: AriesClient
) -> None:
    placed = await _predictions(aries, 5)
    sim.faults.cycle_cursors = True  # the cursor ignored: every page is the first
    seen: list[str] = []

    async def walk() -> None:
        async for order in aries.predictions.orders.list(limit=2):
            seen.append(order.order_id)
            assert len(seen) < 50, "the pages never ended"

    with pytest.raises(PaginationError, match="page it had sent before"):
        await walk()
    assert seen == placed[:2]
