"""The simulator's market-data answers as a user's bot sees them: listings paged by number from
either first page, aggregates from the same price history as the chart bars, malformed option
contracts refused, the documented defaults of absent parameters applied, listings that end
without repeating an item, and the holiday list's names.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import yarl
from sim_http import SimApi
from spec_check import check_answer, official_client

from aries_async import AriesClient
from aries_async.apispec import operations_by_id
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.generic_inputs import DOCUMENTED_DEFAULTS, defaults_of
from aries_async.sim.routes_generic import PAGED_TOTAL
from aries_async.sim.threaded import ThreadedSimulator


@pytest.fixture
def sim_seed() -> int:
    return 5


def _pages(sim: Simulator, path: str) -> list[str | None]:
    return [dict(r.query).get("page") for r in sim.journal if r.raw_path == path]


@pytest.mark.parametrize("first_page", [0, 1])
@pytest.mark.parametrize("start", [None, 0, 1])
async def test_page_numbered_listings_give_every_item_once_from_either_first_page(
    sim: Simulator, aries: AriesClient, first_page: int, start: int | None
) -> None:
    sim.faults.first_page = first_page
    whole = (await aries.signals.bull_bear_analysis("AAPL", page_size=PAGED_TOTAL)).bull_bear_cases
    assert whole is not None and len({c.id for c in whole}) == PAGED_TOTAL
    extra = {} if start is None else {"page": start}
    cases = [c.id async for c in aries.signals.bull_bear_analysis("AAPL", page_size=10, **extra)]
    # page 1 asked of a server counting from 0 starts at its second page
    skipped = 10 if start == 1 and first_page == 0 else 0
    assert cases == [c.id for c in whole][skipped:]


@pytest.mark.parametrize("first_page", [0, 1])
async def test_every_page_numbered_route_numbers_its_pages_from_the_first_page(
    sim: Simulator, aries: AriesClient, first_page: int
) -> None:
    sim.faults.first_page = first_page
    listings: list[tuple[Any, str]] = [
        (lambda **k: aries.analytics.ratings(tickers="AAPL", **k), "ratings"),
        (lambda **k: aries.analytics.analyst_insights(symbols="AAPL", **k), "insights"),
        (lambda **k: aries.calendars.conference_calls(**k), "conference_calls"),
        (lambda **k: aries.calendars.mergers_and_acquisitions(**k), "mergers_acquisitions"),
        (lambda **k: aries.logos.sync("logo", **k), "data"),
        (lambda **k: aries.options.activity(**k), "activities"),
        (lambda **k: aries.signals.bull_bear_analysis("AAPL", **k), "bull_bear_cases"),
    ]
    for listing, items in listings:
        first = getattr(await listing(page=first_page, page_size=10), items)
        second = getattr(await listing(page=first_page + 1, page_size=10), items)
        absent = getattr(await listing(page_size=10), items)
        assert len(first) == len(second) == 10
        assert first != second, items
        assert absent == first, items


@pytest.fixture(scope="module")
def threaded() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=5) as running:
        yield running


@pytest.mark.finance_dev
def test_finance_dev_pages_the_bull_bear_cases_once_each(threaded: ThreadedSimulator) -> None:
    with official_client(threaded) as sdk:
        page, ids = sdk.signals.get_bull_bear_analysis(symbols="AAPL", page_size=10), []
        while page is not None:
            ids += [c.id for c in page.bull_bear_analysis_response.bull_bear_cases]
            page = page.next()
    assert len(ids) == len(set(ids)) == PAGED_TOTAL


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def _bars_and_aggregates(
    sim: Simulator, aries: AriesClient, resolution: Any, multiplier: int, timespan: Any
) -> tuple[list[tuple[datetime, Decimal]], list[tuple[datetime | None, Decimal | None]]]:
    """The chart bars and the aggregates of AAPL over the three weeks before the simulator's
    today, as ``(start, close)``."""
    today = datetime.fromtimestamp(sim.clock.now(), UTC).date()
    first, last = today - timedelta(days=21), today - timedelta(days=1)
    bars = await aries.market.bars("AAPL", resolution, _utc(first), _utc(last) + timedelta(days=1))
    answer = await aries.stocks.aggregates(
        "AAPL", multiplier, timespan, first.isoformat(), last.isoformat()
    )
    assert answer.results is not None
    charted = [(b.timestamp, b.close) for b in bars if b.timestamp.date() <= last]
    return charted, [(a.timestamp, a.close) for a in answer.results]


@pytest.mark.parametrize(
    ("resolution", "multiplier", "timespan"),
    [("D", 1, "day"), ("W", 1, "week"), ("60", 1, "hour"), ("30", 30, "minute")],
)
async def test_aggregates_are_the_chart_bars_of_the_same_days(
    sim: Simulator, aries: AriesClient, resolution: Any, multiplier: int, timespan: Any
) -> None:
    charted, aggregated = await _bars_and_aggregates(sim, aries, resolution, multiplier, timespan)
    assert len(charted) >= 3
    assert aggregated == charted


async def test_daily_aggregates_are_trading_days_at_midnight_and_honour_the_multiplier(
    sim: Simulator, aries: AriesClient
) -> None:
    answer = await aries.stocks.aggregates("AAPL", 1, "day", "2025-01-01", "2025-01-31")
    assert answer.results is not None
    days = [a.timestamp for a in answer.results]
    expected = [
        _utc(date(2025, 1, 1) + timedelta(days=n))
        for n in range(31)
        if sim.context.is_trading_day(date(2025, 1, 1) + timedelta(days=n))
    ]
    assert days == expected and answer.results_count == len(expected)
    pairs = await aries.stocks.aggregates("AAPL", 2, "day", "2025-01-01", "2025-01-31")
    assert pairs.results is not None
    assert [a.timestamp for a in pairs.results] == expected[::2]
    assert [a.close for a in pairs.results] == [a.close for a in answer.results][1::2] + (
        [answer.results[-1].close] if len(expected) % 2 else []
    )
    capped = await aries.stocks.aggregates("AAPL", 1, "day", "2025-01-01", "2025-01-31", limit=4)
    assert capped.results is not None and [a.timestamp for a in capped.results] == expected[:4]


@pytest.mark.parametrize(
    "timespan", ["second", "minute", "hour", "day", "week", "month", "quarter", "year"]
)
async def test_aggregates_fit_the_description_in_every_timespan(
    sim: Simulator, api: SimApi, timespan: str
) -> None:
    query = {"ticker": "AAPL", "multiplier": "2", "timespan": timespan}
    status, body = await api.call(
        "GET", "/v1/stocks/aggs", params={**query, "from": "2024-01-01", "to": "2025-12-31"}
    )
    check_answer("getStockAggregates", status, body)
    assert body["resultsCount"] == len(body["results"]) <= 5000
    times = [row["t"] for row in body["results"]]
    assert times == sorted(set(times))
    assert (len(times) > 0) == (timespan != "second")  # the history has no seconds


async def test_aggregates_page_by_next_url_and_refuse_a_limit_out_of_range(
    sim: Simulator, api: SimApi
) -> None:
    query = {"ticker": "AAPL", "multiplier": "1", "timespan": "day"}
    window = {"from": "2025-01-01", "to": "2025-01-31"}
    _, whole = await api.call("GET", "/v1/stocks/aggs", params={**query, **window})
    _, first = await api.call("GET", "/v1/stocks/aggs", params={**query, **window, "limit": "15"})
    assert first["results"] == whole["results"][:15] and "nextUrl" not in whole
    next_token = yarl.URL(first["nextUrl"]).query["next"]
    _, rest = await api.call(
        "GET", "/v1/stocks/aggs", params={**query, **window, "limit": "15", "next": next_token}
    )
    assert rest["results"] == whole["results"][15:] and "nextUrl" not in rest
    for limit in ("0", "50001"):
        status, body = await api.call(
            "GET", "/v1/stocks/aggs", params={**query, **window, "limit": limit}
        )
        assert status == 400 and body["error"]["details"]["field"] == "limit", body


SNAPSHOT = "/v1/options/snapshot/AAPL/"


@pytest.mark.parametrize(
    "contract", ["NOT-A-CONTRACT", "..%2F..%2Fv2%2Fusers%2Fme%2Faccounts", "O:AAPL", "AAPL"]
)
async def test_a_malformed_option_contract_snapshot_is_a_400_naming_the_field(
    api: SimApi, contract: str
) -> None:
    status, body = await api.call("GET", SNAPSHOT + contract)
    assert status == 400, body
    assert body["error"]["details"]["field"] == "optionContract", body


async def test_a_contract_of_another_underlying_is_not_found_and_its_own_is_there(
    api: SimApi,
) -> None:
    status, body = await api.call("GET", SNAPSHOT + "O:MSFT260320C00400000")
    assert status == 404 and body["error"]["code"] == "OPTION_NOT_FOUND", body
    status, body = await api.call("GET", SNAPSHOT + "O:AAPL260320C00200000")
    check_answer("getOptionContractSnapshot", status, body)
    assert body["results"]["details"]["ticker"] == "O:AAPL260320C00200000"


@pytest.mark.finance_dev
@pytest.mark.parametrize(
    ("contract", "status"), [("NOT-A-CONTRACT", 400), ("O:AAPL991231C09990000", 404)]
)
def test_finance_dev_gets_no_snapshot_of_a_contract_the_server_has_not(
    threaded: ThreadedSimulator, contract: str, status: int
) -> None:
    with official_client(threaded) as sdk:
        errors = pytest.importorskip("finance_dev.errors")
        with pytest.raises(errors.FinanceDevAPIError) as info:
            sdk.options.get_option_contract_snapshot(
                underlying_asset="AAPL", option_contract=contract
            )
    assert info.value.status_code == status


@pytest.mark.parametrize("page_size", [2, 4, 25])
async def test_the_index_list_ends_with_each_index_once(aries: AriesClient, page_size: int) -> None:
    symbols = [ix.symbol async for ix in aries.indices.list("US", page_size=page_size)]
    assert len(symbols) == len(set(symbols)) >= 2


async def test_per_symbol_answers_carry_one_item_per_symbol_asked(api: SimApi) -> None:
    status, body = await api.call(
        "GET", "/v1/indices/realtime/values", params={"identifiers": "SPX,NDX"}
    )
    assert status == 200 and [i["identifier"] for i in body["items"]] == ["SPX", "NDX"], body
    status, body = await api.call("GET", "/v1/stocks/prev", params={"ticker": "AAPL"})
    assert status == 200 and [r["T"] for r in body["results"]] == ["AAPL"], body
    assert body["resultsCount"] == 1


async def test_the_christmas_eve_early_close_is_not_called_christmas(api: SimApi) -> None:
    status, body = await api.call("GET", "/v1/market/holiday", params={"exchange": "US"})
    assert status == 200
    names = {h["atDate"]: (h["eventName"], h["tradingHour"]) for h in body["holidays"]}
    eve = names.get("2026-12-24")
    assert eve is not None and eve[1] == "09:30-13:00", names  # a Thursday: an early close
    assert eve[0] == "Christmas Eve"
    assert names["2026-12-25"] == ("Christmas", "")


async def test_an_early_close_is_named_as_the_exchange_names_it_not_as_its_holiday(
    http: Any,
) -> None:
    # 2028: July 3 is a Monday (an early close before the holiday), as is Christmas Eve's
    # 2029, and the day after Thanksgiving always is one.
    start = datetime(2028, 1, 10, 15, tzinfo=UTC).timestamp()
    async with Simulator(clock=ManualClock(start), tick_interval=None) as sim:
        status, body = await SimApi(sim, http).call("GET", "/v1/market/holiday")
    assert status == 200, body
    days = {h["atDate"]: (h["eventName"], h["tradingHour"]) for h in body["holidays"]}
    assert days["2028-07-03"] == ("Day before Independence Day", "09:30-13:00")
    assert days["2028-07-04"] == ("Independence Day", "")
    assert days["2028-11-23"] == ("Thanksgiving Day", "")
    assert days["2028-11-24"] == ("Day after Thanksgiving", "09:30-13:00")
    assert days["2029-07-03"] == ("Day before Independence Day", "09:30-13:00")
    assert days["2029-12-24"] == ("Christmas Eve", "09:30-13:00")
    closed = {name for name, hours in days.values() if not hours}
    early = {name for name, hours in days.values() if hours}
    assert not closed & early, early  # no name is both a closed day's and an early close's


async def test_tick_history_without_countback_counts_back_the_documented_300(
    aries: AriesClient,
) -> None:
    default = await aries.chart.tick_history("AAPL", "10T")
    asked = await aries.chart.tick_history("AAPL", "10T", countback=300)
    assert len(default.t) == len(asked.t) > 5
    assert default == asked


def test_the_documented_defaults_name_parameters_of_their_operations() -> None:
    for op_id, defaults in DOCUMENTED_DEFAULTS.items():
        op = operations_by_id()[op_id]
        assert set(defaults) <= {p["wire"] for p in op["params"] if not p["required"]}, op_id
        assert defaults_of(op) == defaults
    with_default = {**operations_by_id()["getNews"]}
    with_default["params"] = [
        {**p, "schema": {**p["schema"], "default": "SPY"}} if p["wire"] == "symbols" else p
        for p in with_default["params"]
    ]
    assert defaults_of(with_default) == {"symbols": "SPY"}  # a schema's default is applied
