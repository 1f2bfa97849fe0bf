"""A paged method called before any generated call has loaded the plans that check arguments
(:mod:`aries_async.resources._plan`) checks them at its first ``await`` or first ``async for``
step instead, once the plans have loaded off the event loop: the same error as a call made
later, when the plans are loaded and the arguments are checked as the method is called, and
nothing sent either way.

Only a fresh interpreter has not loaded the plans, so the calls run in a child process.
"""

from __future__ import annotations

from child_process import APP_CLIENT, run_child

from aries_async.sim import Simulator

_CHILD = (
    r"""
import asyncio, json, sys

info = json.loads(sys.argv[1])
"""
    + APP_CLIENT
    + r"""


def described(exc):
    return {"type": type(exc).__name__, "message": str(exc), "field": getattr(exc, "field", None)}


async def at_await(paged):
    try:
        await paged
    except Exception as exc:
        return described(exc)
    return None


async def at_first_step(paged):
    try:
        async for _ in paged:
            return "an item"
    except Exception as exc:
        return described(exc)
    return None


def at_call(call):
    try:
        call()
    except Exception as exc:
        return described(exc)
    return None


async def symbols_of_page(paged):
    return [index.symbol for index in (await paged).indices]


async def first_symbols(paged):
    symbols = []
    async for index in paged:
        symbols.append(index.symbol)
        if len(symbols) == 5:  # three pages of two
            break
    return symbols


async def main():
    async with app_client() as client:
        bad_size = lambda: client.analytics.ratings(page_size="50")
        bad_filter = lambda: client.stocks.trades("AAPL", timestamp_fromm="x")
        listing = lambda: client.indices.list("Equity", page_size=2)
        # Called before any plan is loaded: nothing raises yet.
        deferred = [bad_size(), bad_size(), bad_filter(), bad_filter(), listing(), listing()]
        answer = {
            "size_await": await at_await(deferred[0]),
            "size_again": await at_await(deferred[0]),
            "size_step": await at_first_step(deferred[1]),
            "filter_await": await at_await(deferred[2]),
            "filter_step": await at_first_step(deferred[3]),
            "listing_await": await symbols_of_page(deferred[4]),
            "listing_items": await first_symbols(deferred[5]),
            # The plans are loaded now: the arguments are checked as the method is called.
            "size_call": at_call(bad_size),
            "filter_call": at_call(bad_filter),
            "listing_await_later": await symbols_of_page(listing()),
            "listing_items_later": await first_symbols(listing()),
        }
    print(json.dumps(answer))


asyncio.run(main())
"""
)


async def test_a_first_paged_call_checks_its_arguments_when_awaited_or_iterated(
    sim: Simulator,
) -> None:
    result = await run_child(_CHILD, sim.info())
    size = {
        "type": "ValidationError",
        "message": result["size_call"]["message"],
        "field": "page_size",
    }
    assert "page_size" in size["message"]
    assert result["size_call"] == size
    assert result["size_await"] == result["size_again"] == result["size_step"] == size
    unknown = {
        "type": "TypeError",
        "message": "stocks.trades() got an unexpected keyword argument 'timestamp_fromm'",
        "field": None,
    }
    assert result["filter_call"] == result["filter_await"] == result["filter_step"] == unknown
    # Nothing of the refused calls reached the server.
    sent = {(r.method, r.raw_path) for r in sim.journal}
    assert sent == {("POST", "/v1/oauth2/token"), ("GET", "/v1/indices/list")}
    # Checked late or early, good arguments page alike.
    assert len(result["listing_await"]) == 2 and len(result["listing_items"]) == 5
    assert result["listing_await"] == result["listing_await_later"]
    assert result["listing_items"] == result["listing_items_later"]
