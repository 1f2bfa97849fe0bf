"""Exactly what the generated methods send, read from the simulator's journal: the path, query
and body of a sample of every group and of every operation that writes; arguments refused before
anything is sent; the prediction-market reference data called without a token.

The request the simulator journaled is what is checked here, whatever it answered (a 404 until
it serves these operations; the answers' shapes are the generated models' own tests). A call
refused with ValidationError must send nothing, and says which parameter is wrong.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async import AriesClient
from aries_async.errors import APIError, ValidationError
from aries_async.models.generated import PredMdHistoryRequest, ScreenClause, WatchlistRequest
from aries_async.resources._plan import plan
from aries_async.sim import Simulator

Call = Callable[[AriesClient], Awaitable[Any]]
D = date(2026, 1, 5)
E = date(2026, 1, 9)

ORDER: dict[str, Any] = {
    "account_id": "A1",
    "order_type": "LIMIT",
    "outcome": "YES",
    "quantity": Decimal("10"),
    "side": "BUY",
    "symbol": "KX-1",
    "time_in_force": "DAY",
}
ORDER_WIRE: dict[str, Any] = {
    "accountId": "A1",
    "orderType": "LIMIT",
    "outcome": "YES",
    "quantity": "10",
    "side": "BUY",
    "symbol": "KX-1",
    "timeInForce": "DAY",
}
"""The JSON body :data:`ORDER` makes."""

# call -> (method, raw path, query pairs, JSON body or None)
SAMPLES: list[tuple[Call, tuple[str, str, list[tuple[str, str]], Any]]] = [
    (
        lambda c: c.alternative_data.lobbying("AAPL", D, E),
        (
            "GET",
            "/v1/stock/lobbying",
            [("symbol", "AAPL"), ("from", "2026-01-05"), ("to", "2026-01-09")],
            None,
        ),
    ),
    (
        lambda c: c.analytics.ratings(tickers=["AAPL", "MSFT"], page=2, page_size=50, date_from=D),
        (
            "GET",
            "/v1/analytics/ratings",
            [
                ("tickers", "AAPL,MSFT"),
                ("page", "2"),
                ("pageSize", "50"),
                ("dateFrom", "2026-01-05"),
            ],
            None,
        ),
    ),
    (
        lambda c: c.calendars.earnings(D, E, symbol="AAPL"),
        (
            "GET",
            "/v1/calendars/earnings",
            [("from", "2026-01-05"), ("to", "2026-01-09"), ("symbol", "AAPL")],
            None,
        ),
    ),
    (
        lambda c: c.chart.tick_history("AAPL", "10T", countback=5),
        (
            "GET",
            "/v1/chart/tick-history",
            [("symbol", "AAPL"), ("resolution", "10T"), ("countback", "5")],
            None,
        ),
    ),
    (
        lambda c: c.company.profile(symbol="AAPL"),
        ("GET", "/v1/company/profile", [("symbol", "AAPL")], None),
    ),
    (
        lambda c: c.corporate_actions.dividends(
            tickers_any_of=("KO", "PEP"), ex_dividend_date_from=D, limit=10
        ),
        (
            "GET",
            "/v1/corporate-actions/dividends",
            [("tickersAnyOf", "KO,PEP"), ("exDividendDateFrom", "2026-01-05"), ("limit", "10")],
            None,
        ),
    ),
    (
        lambda c: c.economy.treasury_yields(dates=["2026-01-05", "2026-01-06"], limit=2),
        (
            "GET",
            "/v1/economy/treasury-yields",
            [("dates", "2026-01-05,2026-01-06"), ("limit", "2")],
            None,
        ),
    ),
    (
        lambda c: c.estimates.price_target("MSFT"),
        ("GET", "/v1/stock/price-target", [("symbol", "MSFT")], None),
    ),
    (
        lambda c: c.etf.holdings(symbol="SPY", skip=0, date_=D),
        (
            "GET",
            "/v1/etf/holdings",
            [("symbol", "SPY"), ("skip", "0"), ("date", "2026-01-05")],
            None,
        ),
    ),
    (
        lambda c: c.filings.sec(symbol="AAPL", form="10-K"),
        ("GET", "/v1/filings/sec", [("symbol", "AAPL"), ("form", "10-K")], None),
    ),
    (
        lambda c: c.financials.income_statements(
            tickers_any_of=["AAPL"], fiscal_year=2025, limit=1
        ),
        (
            "GET",
            "/v1/financials/income-statements",
            [("tickersAnyOf", "AAPL"), ("fiscalYear", "2025"), ("limit", "1")],
            None,
        ),
    ),
    (
        lambda c: c.indices.list("Equity", page_size=3, next_page="tok"),
        (
            "GET",
            "/v1/indices/list",
            [("indexGroup", "Equity"), ("pageSize", "3"), ("nextPage", "tok")],
            None,
        ),
    ),
    (
        lambda c: c.logos.search(
            "AAPL", "logo_light", search_keys_type="symbol", composite_auto=True
        ),
        (
            "GET",
            "/v1/logos/search",
            [
                ("searchKeys", "AAPL"),
                ("fields", "logo_light"),
                ("searchKeysType", "symbol"),
                ("compositeAuto", "true"),
            ],
            None,
        ),
    ),
    (
        lambda c: c.market.option_details(".AAPL260220C200"),
        ("GET", "/v1/marketdata/options/details", [("symbols", ".AAPL260220C200")], None),
    ),
    (
        lambda c: c.news.get("n/1", "press_release"),
        ("GET", "/v1/news/n%2F1", [("newsType", "press_release")], None),
    ),
    (
        lambda c: c.options.chain_snapshot(
            "AAPL", expiration_date=E, strike_price_gte="180", limit=2
        ),
        (
            "GET",
            "/v1/options/snapshot/chain/AAPL",
            [("expirationDate", "2026-01-09"), ("strikePriceGte", "180"), ("limit", "2")],
            None,
        ),
    ),
    (
        lambda c: c.ownership.insider_transactions("AAPL", from_=D),
        (
            "GET",
            "/v1/ownership/insider-transactions",
            [("symbol", "AAPL"), ("from", "2026-01-05")],
            None,
        ),
    ),
    (
        lambda c: c.predictions.history.history("KX-1", limit=3),
        ("GET", "/v1/predictions/historical-data", [("symbol", "KX-1"), ("limit", "3")], None),
    ),
    (
        lambda c: c.predictions.markets.event_contracts("E 1"),
        ("GET", "/v1/predictions/events/E%201/contracts", [], None),
    ),
    (lambda c: c.predictions.orders.get("O-1"), ("GET", "/v1/predictions/orders/O-1", [], None)),
    (
        lambda c: c.signals.bull_bear_analysis("AAPL", page=1),
        ("GET", "/v1/signals/bull-bear", [("symbols", "AAPL"), ("page", "1")], None),
    ),
    (
        lambda c: c.stocks.snapshots(tickers="AAPL,MSFT", include_otc=False),
        ("GET", "/v1/stocks/snapshot", [("tickers", "AAPL,MSFT"), ("includeOtc", "false")], None),
    ),
    (
        lambda c: c.technical_analysis.indicator(
            "AAPL", "D", "rsi", 1736000000, 1737000000, timeperiod=14
        ),
        (
            "GET",
            "/v1/indicator",
            [
                ("symbol", "AAPL"),
                ("resolution", "D"),
                ("indicator", "rsi"),
                ("from", "1736000000"),
                ("to", "1737000000"),
                ("timeperiod", "14"),
            ],
            None,
        ),
    ),
    (lambda c: c.watchlists.get(7), ("GET", "/v1/config/watchlist/7", [], None)),
]

WRITES: list[tuple[Call, tuple[str, str, list[tuple[str, str]], Any]]] = [
    (
        lambda c: c.analytics.stock_screener(
            operator="AND",
            clauses=[
                ScreenClause(field="marketCap", operator="gt", value="1e9"),
                {"field": "sector", "operator": "eq", "value": "Technology"},
            ],
            page_size=5,
        ),
        (
            "POST",
            "/v1/stock/screener",
            [("page_size", "5")],
            {
                "clauses": [
                    {"field": "marketCap", "operator": "gt", "value": "1e9"},
                    {"field": "sector", "operator": "eq", "value": "Technology"},
                ],
                "operator": "AND",
            },
        ),
    ),
    (
        lambda c: c.market.search_etb_symbols(symbols=["AAPL", "GME"]),
        ("POST", "/v1/etb/search", [], {"symbols": ["AAPL", "GME"]}),
    ),
    (
        lambda c: c.predictions.history.history_batch(
            queries=[
                PredMdHistoryRequest(symbol="KX-1", from_=datetime(2026, 1, 5, tzinfo=UTC), limit=2)
            ]
        ),
        (
            "POST",
            "/v1/predictions/historical-data/batch",
            [],
            {"queries": [{"symbol": "KX-1", "from": "2026-01-05T00:00:00Z", "limit": 2}]},
        ),
    ),
    (
        lambda c: c.predictions.orders.place(
            **ORDER, price=Decimal("0.43"), expire_time=datetime(2026, 1, 6, 21, tzinfo=UTC)
        ),
        (
            "POST",
            "/v1/predictions/orders",
            [],
            {**ORDER_WIRE, "expireTime": "2026-01-06T21:00:00Z", "price": "0.43"},
        ),
    ),
    (
        lambda c: c.watchlists.create(name="Tech", symbols=["AAPL", "MSFT"]),
        ("POST", "/v1/config/watchlist", [], {"name": "Tech", "symbols": ["AAPL", "MSFT"]}),
    ),
    (
        lambda c: c.watchlists.update(7, add_symbols=["NVDA"]),
        ("PATCH", "/v1/config/watchlist/7", [], {"add_symbols": ["NVDA"]}),
    ),
    (
        lambda c: c.watchlists.replace_all(
            watchlists=[WatchlistRequest(name="A", symbols=["KO"]), {"name": "B"}]
        ),
        ("PUT", "/v1/config/watchlist", [], [{"name": "A", "symbols": ["KO"]}, {"name": "B"}]),
    ),
    (lambda c: c.watchlists.delete(7), ("DELETE", "/v1/config/watchlist/7", [], None)),
]


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as aries:
        yield aries


def _request(sim: Simulator) -> tuple[str, str, list[tuple[str, str]], Any]:
    (sent,) = list(sim.journal)
    body = json.loads(sent.body) if sent.body else None
    return sent.method, sent.raw_path, list(sent.query), body


@pytest.mark.parametrize("table", ["samples", "writes"])
async def test_a_method_sends_exactly_its_path_query_and_body(
    client: AriesClient, sim: Simulator, table: str
) -> None:
    wrong = []
    for call, expected in SAMPLES if table == "samples" else WRITES:
        sim.journal.clear()
        # The request is checked, not the answer: a 404 until the simulator answers every
        # operation, and an error status for made-up ids afterwards.
        with contextlib.suppress(APIError):
            await call(client)
        if _request(sim) != expected:
            wrong.append((_request(sim), expected))
    assert wrong == []


def test_the_samples_cover_every_group_and_every_write() -> None:
    from aries_async.apispec import operations

    typed = [op for op in operations() if not op["covered_by"]]
    writes = {f"{op['group']}.{op['name']}" for op in typed if op["method"] != "GET"}
    assert len(writes) == len(WRITES)
    assert len({op["group"] for op in typed}) == len(SAMPLES)


REFUSED: list[tuple[Call, str]] = [
    (lambda c: c.estimates.price_target(None), "symbol"),  # type: ignore[arg-type]
    (lambda c: c.news.get("n1", "blog"), "news_type"),  # type: ignore[arg-type]
    (lambda c: c.analytics.ratings(page="2"), "page"),  # type: ignore[arg-type]
    (lambda c: c.analytics.ratings(page=True), "page"),  # a bool is no page number
    (lambda c: c.calendars.earnings("2026-01-05", E), "from_"),  # type: ignore[arg-type]
    (lambda c: c.etf.holdings(date_=datetime(2026, 1, 5, tzinfo=UTC)), "date_"),
    (lambda c: c.stocks.snapshots(include_otc="yes"), "include_otc"),  # type: ignore[arg-type]
    (lambda c: c.watchlists.get(".."), "watchlist_id"),  # type: ignore[arg-type]
    (lambda c: c.news.get("..", "news"), "id"),
    (lambda c: c.watchlists.create(name=None), "name"),  # type: ignore[arg-type]
    (lambda c: c.watchlists.update(7), "name"),  # at least one change
    (lambda c: c.watchlists.replace_all(watchlists="Tech"), "watchlists"),  # type: ignore[arg-type]
    (lambda c: c.predictions.orders.place(**{**ORDER, "quantity": "ten"}), "quantity"),
    (lambda c: c.predictions.history.history_batch(queries=[42]), "queries[0]"),  # type: ignore[list-item]
    # a shared query filter (``**filters``) is checked like any other parameter
    (lambda c: c.stocks.trades("AAPL", timestamp_from=True), "timestamp_from"),  # type: ignore[arg-type]
    (lambda c: c.financials.ratios(price_min="1"), "price_min"),  # type: ignore[arg-type]
]


async def test_bad_arguments_are_refused_by_name_before_anything_is_sent(
    client: AriesClient, sim: Simulator
) -> None:
    fields = []
    for call, _ in REFUSED:
        with pytest.raises(ValidationError) as raised:
            await call(client)
        fields.append(raised.value.field)
    assert fields == [field for _, field in REFUSED]
    assert list(sim.journal) == []


CLAUSE = {"field": "sector", "operator": "eq", "value": "Technology"}

BLANK_REQUIRED: list[tuple[Call, str]] = [
    (lambda c: c.watchlists.create(name=""), "name"),
    (lambda c: c.watchlists.create(name="   "), "name"),
    (lambda c: c.watchlists.create(name="\t\n"), "name"),
    (lambda c: c.watchlists.update(7, name=" "), "name"),  # the only change it asks
    (lambda c: c.predictions.orders.place(**{**ORDER, "account_id": ""}), "account_id"),
    (lambda c: c.predictions.orders.place(**{**ORDER, "outcome": " "}), "outcome"),
    (lambda c: c.predictions.orders.place(**{**ORDER, "time_in_force": ""}), "time_in_force"),
    (lambda c: c.analytics.stock_screener(operator=" ", clauses=[CLAUSE]), "operator"),
]


async def test_a_blank_required_body_string_is_refused_by_name_before_anything_is_sent(
    client: AriesClient, sim: Simulator
) -> None:
    refused = []
    for call, _ in BLANK_REQUIRED:
        with pytest.raises(ValidationError, match="must not be empty") as raised:
            await call(client)
        refused.append(raised.value.field)
    assert refused == [field for _, field in BLANK_REQUIRED]
    assert list(sim.journal) == []


@pytest.mark.parametrize(
    ("call", "body"),
    [
        (  # optional here: the body is the alternative that needs ``add_symbols``
            lambda c: c.watchlists.update(7, name="", add_symbols=["NVDA"]),
            {"name": "", "add_symbols": ["NVDA"]},
        ),
        (
            lambda c: c.predictions.orders.place(**ORDER, client_order_ref=" "),
            {**ORDER_WIRE, "clientOrderRef": " "},
        ),
    ],
)
async def test_a_blank_optional_body_string_is_sent_as_given(
    client: AriesClient, sim: Simulator, call: Call, body: dict[str, Any]
) -> None:
    with contextlib.suppress(APIError):
        await call(client)
    assert _request(sim)[3] == body


@pytest.mark.parametrize(
    ("name_schema", "value", "allowed"),
    [
        ({"type": "string"}, "", False),
        ({"type": "string", "enum": ["", "Tech"]}, "", True),
        ({"type": "string", "enum": ["", "Tech"]}, " ", False),
        ({"type": "string", "pattern": "^\\s*$"}, " ", True),
        ({"type": "string", "pattern": "^[A-Z]+$"}, " ", False),
    ],
)
def test_a_blank_required_body_string_is_sent_when_its_schema_allows_it(
    name_schema: dict[str, Any], value: str, allowed: bool
) -> None:
    described = plan("createConfigWatchlist")
    op = copy.deepcopy(described.op)
    op["body"]["schema"]["properties"]["name"] = name_schema
    build = attrs.evolve(described, op=op).build
    if allowed:
        assert build({"name": value}).body == {"name": value}
    else:
        with pytest.raises(ValidationError, match="name must not be empty"):
            build({"name": value})


async def _plans_loaded(client: AriesClient, sim: Simulator) -> None:
    """Make a generated call, which loads the plans that check arguments, and forget it: a
    paged method then checks its arguments as it is called (before, at its first ``await``
    or ``async for`` step: test_api_paged_first_check.py)."""
    with contextlib.suppress(APIError):
        await client.analytics.ratings()
    sim.journal.clear()


async def test_a_paged_method_checks_its_arguments_when_it_is_called(
    client: AriesClient, sim: Simulator
) -> None:
    await _plans_loaded(client, sim)
    with pytest.raises(ValidationError, match="page_size"):
        client.analytics.ratings(page_size="50")  # type: ignore[arg-type]
    assert list(sim.journal) == []


async def test_an_unknown_filter_is_refused_as_python_refuses_a_keyword(
    client: AriesClient, sim: Simulator
) -> None:
    # ``**filters`` takes the keys of its TypedDict only; a type checker says so first, and at
    # run time a misspelt key is the TypeError an unknown keyword argument always was.
    await _plans_loaded(client, sim)
    with pytest.raises(
        TypeError, match=r"stocks\.trades\(\) got an unexpected keyword argument 'timestamp_fromm'"
    ):
        client.stocks.trades("AAPL", timestamp_fromm="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'fiscal_yeer'"):
        client.economy.inflation(fiscal_yeer=1)  # type: ignore[call-arg]
    assert list(sim.journal) == []


async def test_prediction_reference_data_needs_no_token(sim: Simulator) -> None:
    async with AriesClient(sim.client_config()) as anonymous:
        with contextlib.suppress(APIError):
            await anonymous.predictions.markets.categories()
        with contextlib.suppress(APIError):
            await anonymous.predictions.history.history("KX-1")
    assert [r.raw_path for r in sim.journal] == [
        "/v1/predictions/categories",
        "/v1/predictions/historical-data",
    ]


WHEN = datetime(2026, 1, 15, 15, 0, 0, 123456, tzinfo=UTC)
NAIVE: Any = WHEN.replace(tzinfo=None)
TIMES: list[tuple[Call, list[tuple[str, str]]]] = [
    # trades/quotes take "YYYY-MM-DD or nanoseconds"; such a string is sent as given
    (
        lambda c: c.stocks.trades(
            "AAPL", timestamp_from=WHEN, timestamp_to=date(2026, 1, 16), timestamp="2026-01-15"
        ),
        [
            ("timestamp", "2026-01-15"),
            ("timestampFrom", "1768489200123456000"),
            ("timestampTo", "2026-01-16"),
        ],
    ),
    (
        lambda c: c.technical_analysis.indicator("AAPL", "D", "sma", WHEN, 1768575600),
        [("from", "1768489200"), ("to", "1768575600")],  # Unix seconds
    ),
    (
        lambda c: c.logos.sync("name", updated_since=WHEN),
        [("updatedSince", "1768489200")],
    ),
    (
        lambda c: c.options.chain_snapshot("AAPL", expiration_date_gte=date(2026, 2, 20)),
        [("expirationDateGte", "2026-02-20")],
    ),
]


async def test_time_query_parameters_take_datetimes_and_dates_in_the_wire_form(
    client: AriesClient, sim: Simulator
) -> None:
    wrong = []
    for call, expected in TIMES:
        sim.journal.clear()
        with contextlib.suppress(APIError):
            await call(client)
        sent = [pair for pair in _request(sim)[2] if pair[0] in dict(expected)]
        if sorted(sent) != sorted(expected):
            wrong.append((sent, expected))
    assert wrong == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.stocks.trades("AAPL", timestamp_from=WHEN.replace(tzinfo=None)),  # naive
        lambda c: c.options.chain_snapshot("AAPL", expiration_date_gte=WHEN),  # days only
        # a datetime for a text parameter (aggregates' from: "YYYY-MM-DD or timestamp") is
        # sent as RFC 3339; a naive one has no zone to send
        lambda c: c.stocks.aggregates("AAPL", 1, "day", NAIVE, "2026-01-20"),
    ],
)
async def test_a_time_query_parameter_refuses_what_it_cannot_send(
    client: AriesClient, sim: Simulator, call: Call
) -> None:
    sim.journal.clear()
    with pytest.raises(ValidationError):
        await call(client)
    assert list(sim.journal) == []
