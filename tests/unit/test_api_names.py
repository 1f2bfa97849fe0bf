"""One vocabulary in the generated API: a Python name is its wire name in snake_case with the
abbreviations of ``naming.ABBREVIATIONS`` spelled out, for model fields and method parameters
alike; the wire names stay what they are; and the generator refuses a table that makes two
names of one model or one method the same."""

from __future__ import annotations

import importlib.util
import inspect
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import aries_async.models.generated as generated
from aries_async import AriesClient
from aries_async.apispec import naming, operations, schemas
from aries_async.models import structure, unstructure

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("avgPx", "average_price"),
        ("todaysChangePerc", "todays_change_percent"),
        ("phoneNum", "phone_number"),
        ("leavesQty", "leaves_quantity"),
        ("revenueAvg", "revenue_average"),
        ("cumQty", "cumulative_quantity"),
        ("pctHeldByInstitution", "percent_held_by_institution"),
        ("prevDay", "previous_day"),
        ("todayPl", "today_pnl"),
        ("avg_return_1m", "average_return_1m"),  # snake_case on the wire: word by word too
        ("avgVolume4Weeks", "average_volume_4_weeks"),
        ("todayRealizedPnL", "today_realized_pnl"),  # ``PnL`` is one word, not ``pn_l``
        # the package says these in full elsewhere (``startOfDayCash``, ``sequenceNumber``...)
        ("sodTtlEquity", "start_of_day_total_equity"),
        ("EPSCurrentQtrMeanEst", "eps_current_quarter_mean_estimate"),
        ("tradeSeq", "trade_sequence"),
        ("freq", "frequency"),
        ("pt_current", "price_target_current"),
        # one thing, one name: a quote's prices are ``<what>_price`` whatever the wire says
        ("bid", "bid_price"),
        ("ask", "ask_price"),
        ("last", "last_price"),
        ("lp", "last_price"),
        ("midpoint", "mid_price"),
        ("previousClose", "previous_close_price"),
        ("prevClose", "previous_close_price"),
        ("prev_close_price", "previous_close_price"),
        ("chp", "change_percent"),
        ("netChange", "change"),  # from the previous close, as ``ch`` and ``change`` are
        ("nasdaqNetInFlow", "nasdaq_net_inflow"),  # as ``nasdaqNetInflow`` is
        # a whole name only: the words of a longer name stay
        ("bidSize", "bid_size"),
        ("lastUpdated", "last_updated"),
        ("changeFromPreviousClose", "change_from_previous_close"),
        # words that only contain an abbreviation are words: not ``pricee``, not ``numberber``
        ("pxe", "pxe"),
        ("number", "number"),
        ("plan", "plan"),
        ("from", "from_"),
    ],
)
def test_a_wire_name_becomes_its_words_spelled_out(wire: str, python: str) -> None:
    assert naming.field_name(wire) == python


def test_spell_out_is_the_one_rule_for_hand_written_names_too() -> None:
    assert naming.spell_out("avg_px") == "average_price"
    assert naming.spell_out("stop_px") == "stop_price"
    assert naming.spell_out("prev_close_price") == "previous_close_price"
    assert naming.spell_out("from_") == "from_"
    assert naming.spell_out("average_price") == "average_price"


def _words(name: str) -> set[str]:
    return set(name.split("_")) & set(naming.ABBREVIATIONS)


def test_no_generated_field_or_parameter_uses_an_abbreviation_of_the_table() -> None:
    fields = {
        f"{name}.{a.name}"
        for name in generated.__all__
        if attrs.has(cls := getattr(generated, name))
        for a in attrs.fields(cls)
        if _words(a.name)
    }
    client = AriesClient()  # never opened: only its methods' signatures are read
    params = set()
    for op in operations():
        if op["covered_by"]:
            continue
        owner: Any = client
        for part in op["group"].split("."):
            owner = getattr(owner, part)
        signature = inspect.signature(getattr(owner, op["name"]))
        params |= {f"{op['id']}({p})" for p in signature.parameters if _words(p)}
        params |= {f"{op['id']}({p['name']})" for p in op["params"] if _words(p["name"])}
    assert fields == set() and params == set()


def test_the_wire_keeps_its_names() -> None:
    required = {"execId": "E1", "execType": "TRADE", "status": "FILLED"}
    wire = {**required, "transactTime": "2026-01-15T15:00:00Z", "avgPx": "0.42", "cumQty": "10"}
    wire |= {"lastPx": "0.43", "lastQty": "4", "leavesQty": "0"}
    report = structure(wire, generated.PredOrdersOrderReport)
    assert (report.average_price, report.last_price) == (Decimal("0.42"), Decimal("0.43"))
    assert (report.cumulative_quantity, report.last_quantity) == (Decimal(10), Decimal(4))
    assert report.leaves_quantity == Decimal(0)
    assert unstructure(report) == wire
    ticker = structure({"todaysChangePerc": 1.5, "prevDay": {"close": 2}}, generated.Ticker)
    assert ticker.todays_change_percent == Decimal("1.5")
    assert ticker.previous_day is not None and ticker.previous_day.close == Decimal(2)
    call = structure({"phoneNum": "555", "reservationNum": "R1"}, generated.ConferenceCall)
    assert (call.phone_number, call.reservation_number) == ("555", "R1")
    quote = {"bid": 1.5, "ask": 1.75, "midpoint": 1.625, "bidSize": 3}
    last = structure(quote, generated.OptionSnapshotLastQuote)
    assert (last.bid_price, last.ask_price, last.mid_price, last.bid_size) == (
        Decimal("1.5"),
        Decimal("1.75"),
        Decimal("1.625"),
        Decimal(3),
    )
    assert unstructure(last) == {"bid": "1.5", "ask": "1.75", "midpoint": "1.625", "bidSize": "3"}
    day = structure({"close": 2, "previousClose": 1}, generated.OptionSnapshotDayBar)
    assert (day.close, day.previous_close_price) == (Decimal(2), Decimal(1))


# -- the generator fails loudly when the table makes two names one ----------------------------


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / f"tools/{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_two_fields_of_one_model_that_the_table_makes_one_name_stop_the_generator() -> None:
    models = _load("apigen_models")
    defs = {"Fill": {"properties": {"avgPx": {"type": "string"}, "averagePx": {"type": "number"}}}}
    with pytest.raises(SystemExit, match=r"Fill: 'averagePx' and 'avgPx' are both 'average_price'"):
        models.class_text("Fill", defs)


def _op(*params: tuple[str, str], body: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": "getFills",
        "group": "stocks",
        "name": "fills",
        "params": [
            {"name": n, "wire": w, "in": "query", "required": False, "schema": {"type": "number"}}
            for n, w in params
        ],
        "body": body,
        "idempotency_key": False,
    }


@pytest.mark.parametrize(
    ("op", "message"),
    [
        (
            _op(("average_price", "avgPx"), ("average_price", "averagePrice")),
            r"getFills: 'query averagePrice' and 'query avgPx' are both parameter 'average_price'",
        ),
        (
            _op(
                ("stop_price", "stopPrice"),
                body={"required": True, "schema": {"properties": {"stopPx": {"type": "number"}}}},
            ),
            r"'body stopPx' and 'query stopPrice' are both parameter 'stop_price'",
        ),
        (
            _op(("avg_px", "avgPx")),
            r"parameter 'avg_px' \('query avgPx'\) should be 'average_price'",
        ),
    ],
)
def test_two_parameters_of_one_method_that_the_table_makes_one_name_stop_the_generator(
    op: dict[str, Any], message: str
) -> None:
    generator = _load("generate_api")
    filters = _load("apigen_filters").Filters([op], generator._param_type)
    with pytest.raises(SystemExit, match=message):
        generator._signature(op, _load("apigen_models").Types(schemas()), filters)


def test_a_spelled_out_parameter_goes_out_under_its_wire_name() -> None:
    from aries_async.resources._plan import plan

    order: dict[str, Any] = {"account_id": "A1", "order_type": "STOP", "outcome": "YES"}
    order |= {"side": "BUY", "symbol": "KX-1", "time_in_force": "DAY", "quantity": Decimal(2)}
    body = plan("placePredictionOrder").build({**order, "stop_price": Decimal("0.3")}).body
    assert body["stopPx"] == "0.3" and "stop_price" not in body
    query = plan("getShortInterest").build({"average_daily_volume_list": ["1", "2"]}).query
    assert query == {"avgDailyVolumeList": "1,2"}


def test_every_method_names_the_official_call_it_replaces() -> None:
    # A bot moving from finance-dev knows the official name (``calendar.get_historical_data``)
    # and not ours (``calendars.economic_history``): help() and a search of the package for the
    # old name must find the method, generated or hand-written.
    client = AriesClient()  # never opened: only its methods' docstrings are read
    missing = []
    for op in operations():
        for where in {f"{op['group']}.{op['name']}", op["covered_by"]} - {None}:
            owner: Any = client
            *groups, name = where.split(".")
            for part in groups:
                owner = getattr(owner, part)
            method = getattr(owner, name, None)
            if method is None and where != op["covered_by"]:
                continue  # covered by a hand-written method only (accounts.balance)
            doc = " ".join((inspect.getdoc(method) or "").split())  # as wrapped
            if f"finance-dev ``{op['official']}``" not in doc:
                missing.append(f"{where}: {op['official']}")
    assert missing == []


def test_an_official_method_name_says_where_the_call_went() -> None:
    # A bot moved over line by line still says ``client.accounts.get_account_balance(...)``:
    # the AttributeError names our method instead of leaving the user to search for it.
    client: Any = AriesClient()  # never opened
    with pytest.raises(AttributeError) as moved:
        client.accounts.get_account_balance  # noqa: B018 - the lookup is the test
    assert str(moved.value) == (
        "'Accounts' object has no attribute 'get_account_balance': finance-dev's "
        "accounts.get_account_balance is client.accounts.balance"
    )
    assert moved.value.name == "get_account_balance"
    with pytest.raises(
        AttributeError,
        match=r"calendar\.get_historical_data is client\.calendars\.economic_history$",
    ):
        client.calendars.get_historical_data  # noqa: B018
    with pytest.raises(AttributeError, match=r"chart\.get_quotes is client\.market\.quotes$"):
        client.chart.get_quotes  # noqa: B018
    with pytest.raises(AttributeError) as unknown:
        client.orders.no_such_call  # noqa: B018
    assert str(unknown.value) == "'Orders' object has no attribute 'no_such_call'"
    assert not hasattr(client.market, "_private") and hasattr(client.market, "quote")


def test_an_official_group_name_says_where_its_calls_went() -> None:
    client: Any = AriesClient()  # never opened
    with pytest.raises(AttributeError) as sockets:
        client.websocket  # noqa: B018 - the lookup is the test
    assert str(sockets.value) == (
        "'AriesClient' object has no attribute 'websocket': finance-dev's websocket.market, "
        ".chart and .account are client.market_stream(), chart_stream() and "
        "account_stream(account_id)"
    )
    with pytest.raises(AttributeError, match=r": finance-dev's calendar is client\.calendars$"):
        client.calendar  # noqa: B018
    with pytest.raises(AttributeError, match=r"watchlist is client\.watchlists$"):
        client.watchlist  # noqa: B018
    with pytest.raises(AttributeError) as unknown:
        client.nothing_like_it  # noqa: B018
    assert str(unknown.value) == "'AriesClient' object has no attribute 'nothing_like_it'"
