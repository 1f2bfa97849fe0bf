"""The generated half of the client: current with its description, one typed method and model per
operation of ``endpoints-all.md`` (151 of 151), discoverable signatures, and models that read the
wire as the rest of the package does."""

from __future__ import annotations

import builtins
import collections.abc
import copy
import datetime as dt
import importlib.util
import inspect
import re
import typing
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from op_args import ENDPOINTS, endpoint_rows

import aries_async.models
import aries_async.models.generated as generated
from aries_async import AriesClient, ClientConfig, filters
from aries_async.apispec import operations, schemas
from aries_async.http.pagination import Paged
from aries_async.models import structure, unstructure
from aries_async.models.common import OpenEnum

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_api", ROOT / "tools/generate_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_generated_code_is_what_the_generator_writes_now() -> None:
    files = _generator().render()
    stale = [path for path, text in files.items() if (ROOT / path).read_text() != text]
    on_disk = {
        p.relative_to(ROOT).as_posix()
        for folder in ("aries_async/models/generated", "aries_async/resources/generated")
        for p in (ROOT / folder).glob("*.py")
    }
    assert stale == [], "run: python tools/generate_api.py"
    assert on_disk == set(files), "run: python tools/generate_api.py"


def test_a_shape_the_schemas_name_twice_is_one_class_under_both_names() -> None:
    assert generated.StockLastTradeResponse is generated.OptionLastTradeResponse
    assert generated.IndicesByGroupResponse is generated.IndexSearchResponse
    assert generated.IndicesRealtimeIndexInfo is generated.IndexBarResponseIndex
    doc = " ".join((generated.OptionLastTradeResponse.__doc__ or "").split())
    assert "(also ``StockLastTradeResponse``)" in doc
    assert "``client.options.last_trade()``, ``client.stocks.last_trade()``" in doc
    answer = {"status": "OK", "results": {"price": 1.5, "size": 3}}
    results = structure(answer, generated.StockLastTradeResponse).results
    assert results is not None and results.price == Decimal("1.5")


def test_a_split_group_keeps_in_its_module_the_models_both_of_its_parts_use() -> None:
    """``client.alternative_data`` has its public records' models in a module of their own; a
    model that a company-data operation uses too stays in the group's module, one that another
    group uses goes to ``_shared``."""
    ops = copy.deepcopy([op for op in operations() if not op["covered_by"]])
    by_name = {op["name"]: op for op in ops if op["group"] == "alternative_data"}
    by_name["lobbying"]["response"] = by_name["earnings_call_live"]["response"]
    news = next(op for op in ops if op["group"] == "news" and op["response"]["schema"])
    by_name["visa_applications"]["response"] = news["response"]
    owners = _generator().owners_of(ops, schemas())
    company = ("CompanyEsgResponse", "EarningsCallLiveResponse", "Event")
    assert [owners[name] for name in company] == ["alternative_data"] * 3
    public = ("BankBranchesResponse", "UsptoPatentsResponseData")
    assert [owners[name] for name in public] == ["alternative_data_public"] * 2
    assert "LobbyingResponse" not in owners and "VisaApplicationsResponse" not in owners
    of_news = re.findall(r"\$defs/(\w+)", str(news["response"]))
    assert of_news and {owners[name] for name in of_news} == {"_shared"}


# -- every operation: its method and its model ---------------------------------------------


def _names() -> dict[str, Any]:
    """Every model name the methods' annotations may use."""
    names: dict[str, Any] = {
        "builtins": builtins,
        "date": dt.date,
        "datetime": dt.datetime,
        "Paged": Paged,
    }
    names.update({name: getattr(generated, name) for name in generated.__all__})
    names.update({name: getattr(filters, name) for name in filters.__all__})
    names.update({name: getattr(aries_async.models, name) for name in aries_async.models.__all__})
    for module in ("aries_async.models.options", "aries_async.models.market"):
        loaded = importlib.import_module(module)
        names.update({n: getattr(loaded, n) for n in dir(loaded) if n[:1].isupper()})
    return names


def _method(client: AriesClient, dotted: str) -> Callable[..., Any]:
    target: Any = client
    for part in dotted.split("."):
        target = getattr(target, part)
    assert callable(target), dotted
    return typing.cast(Callable[..., Any], target)


def _is_model(tp: Any) -> bool:
    """A model, a list or async iterator of models, or a time (``text/plain`` answers)."""
    origin = typing.get_origin(tp)
    if origin in (list, collections.abc.AsyncIterator, collections.abc.AsyncGenerator):
        return _is_model(typing.get_args(tp)[0])
    if origin is Paged:  # a page model, and the model of its items
        return all(_is_model(arg) for arg in typing.get_args(tp))
    if origin in (typing.Union, type(int | None)):
        return all(_is_model(arg) for arg in typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, dict):  # QuoteBatch: a dict of models
        bases = getattr(tp, "__orig_bases__", ())
        return any(_is_model(typing.get_args(b)[-1]) for b in bases if typing.get_args(b))
    return attrs.has(tp) or tp in (dt.datetime, dt.date)


@pytest.mark.skipif(not ENDPOINTS.is_file(), reason=f"{ENDPOINTS} not found")
async def test_every_operation_of_endpoints_all_has_a_typed_method_and_model() -> None:
    by_id = {op["id"]: op for op in operations()}
    names = _names()
    found = []
    async with AriesClient(ClientConfig.for_base_url("http://127.0.0.1:9")) as client:
        for op_id, method, path in endpoint_rows(ENDPOINTS):
            op = by_id[op_id]
            assert (op["method"], op["path"]) == (method, path), op_id
            dotted = op["covered_by"] or f"{op['group']}.{op['name']}"
            function = _method(client, dotted)
            returns = typing.get_type_hints(function, localns=names)["return"]
            assert _is_model(returns), f"{dotted} returns {returns}"
            if not op["covered_by"]:
                paged = typing.get_origin(returns) is Paged
                assert paged == bool(op["pagination"]), dotted
                assert paged or inspect.iscoroutinefunction(function), dotted
                model = op["response"]["schema"] and re.findall(
                    r"\$defs/(\w+)", str(op["response"]["schema"])
                )
                assert not model or all(attrs.has(names[m]) for m in model), dotted
            found.append(op_id)
    assert len(found) == len(set(found)) == len(operations()) == 151


async def test_a_method_shows_its_parameters_wire_names_scope_and_paging() -> None:
    async with AriesClient(ClientConfig.for_base_url("http://127.0.0.1:9")) as client:
        method = client.stocks.trades
        signature = inspect.signature(method)
        doc = " ".join((inspect.getdoc(method) or "").split())
    assert list(signature.parameters)[:1] == ["ticker"]
    optional = [p for p in signature.parameters.values() if p.default is None]
    assert optional and all(p.kind is p.KEYWORD_ONLY for p in optional)
    # the shared query filters are documented once, on the TypedDict the method names
    assert "In the query: ``ticker``, ``order``, ``limit``, ``sort``, ``next`` and the keys" in doc
    assert ":class:`TimestampFilters` (``**filters``)" in doc
    assert signature.parameters["filters"].kind is inspect.Parameter.VAR_KEYWORD
    shared = " ".join((inspect.getdoc(filters.TimestampFilters) or "").split())
    assert "``timestampFrom``" in shared
    assert "timestamp_from" in filters.TimestampFilters.__optional_keys__
    assert "``GET /v1/stocks/trades``" in doc and "market:supplemental" in doc
    assert "paged (each page's ``nextUrl`` is followed for you)" in doc
    # types and allowed values are in the signature, wire names in the docstring when they differ
    assert "Literal['asc', 'desc']" in str(signature.parameters["order"].annotation)
    holdings = " ".join((inspect.getdoc(client.etf.holdings) or "").split())
    assert "``date_`` as ``date``" in holdings
    assert "with ``async for``, every :class:`StockTradesResponseResult`" in doc


async def test_every_method_names_what_it_raises_and_operations_says_when() -> None:
    # A hover on any generated method names its exceptions; when each is raised, and with what
    # message, is said once, on the base class every group inherits (``Operations``).
    names = ("``ValidationError``", "``PermissionDeniedError``", "``APIError``", "`Operations`")
    missing, seen = [], 0
    async with AriesClient(ClientConfig.for_base_url("http://127.0.0.1:9")) as client:
        for op in operations():
            if op["covered_by"]:
                continue  # no generated method
            method = _method(client, f"{op['group']}.{op['name']}")
            if not method.__module__.startswith("aries_async.resources.generated."):
                continue  # hand-written over the generated one (market.option_details)
            seen += 1
            doc = " ".join((inspect.getdoc(method) or "").split())
            missing += [op["id"]] if not all(name in doc for name in names) else []
    assert missing == [] and seen > 100


async def test_choices_that_several_parameters_take_are_one_named_literal() -> None:
    async with AriesClient(ClientConfig.for_base_url("http://127.0.0.1:9")) as client:
        bars = inspect.signature(client.indices.bars).parameters["identifier_type"]
        realtime = inspect.signature(client.indices.realtime_values).parameters["identifier_type"]
    assert bars.annotation == realtime.annotation == "IndicesIdentifierType | None"
    assert "CompositeFIGI" in typing.get_args(filters.IndicesIdentifierType)
    assert typing.get_args(filters.Resolution) == ("1", "5", "15", "30", "60", "D", "W", "M")


async def test_body_parameters_show_their_type_and_which_are_needed() -> None:
    async with AriesClient(ClientConfig.for_base_url("http://127.0.0.1:9")) as client:
        place = " ".join((inspect.getdoc(client.predictions.orders.place) or "").split())
        screener = " ".join((inspect.getdoc(client.analytics.stock_screener) or "").split())
        update = " ".join((inspect.getdoc(client.watchlists.update) or "").split())
        batch = " ".join((inspect.getdoc(client.predictions.history.history_batch) or "").split())
    assert "quantity: body ``quantity``, decimal; required." in place
    assert "expire_time: body ``expireTime``, date-time; optional." in place
    assert "a token of any scope" in place and "scope none" not in place
    assert "clauses: body ``clauses``, list of :class:`ScreenClause`; optional." in screener
    assert "The body needs clauses and operator, or groups and operator." in screener
    assert "The body needs name, or add_symbols, or remove_symbols." in update
    assert "queries: body ``queries``, list of :class:`PredMdHistoryRequest`; required." in batch


async def test_a_required_parameter_with_one_allowed_value_defaults_to_it() -> None:
    async with AriesClient(ClientConfig.for_base_url("http://127.0.0.1:9")) as client:
        signature = inspect.signature(client.company.metrics)
        doc = " ".join((inspect.getdoc(client.company.metrics) or "").split())
    assert list(signature.parameters) == ["symbol", "metric"]
    assert signature.parameters["metric"].default == "all"
    assert signature.parameters["metric"].kind is inspect.Parameter.KEYWORD_ONLY
    assert "In the query: ``symbol`` and ``metric``, always 'all'." in doc


async def test_the_groups_are_those_of_the_official_package() -> None:
    async with AriesClient(ClientConfig.for_base_url("http://127.0.0.1:9")) as client:
        assert callable(client.analytics.top_gainers)
        assert callable(client.watchlists.create)
        assert callable(client.stocks.snapshots)
        assert callable(client.predictions.orders.place)
        assert callable(client.predictions.markets.categories)
        assert callable(client.market.equity_details)  # generated, beside the hand-written
        assert callable(client.market.quote)
        assert client.analytics is client.analytics  # built once


# -- models --------------------------------------------------------------------------------


def test_wire_names_that_are_not_identifiers_or_collide_get_python_names() -> None:
    metric = structure(
        {"52WeekHigh": 199.62, "10DayAverageTradingVolume": 5, "x": 1}, generated.Metric
    )
    assert metric.high_52_week_price == Decimal("199.62")
    assert metric.day10_average_trading_volume == Decimal(5)
    wire = {"T": "AAPL", "t": 1736951400000, "l": 1.5, "vw": 2.25, "n": 3}
    bar = structure(wire, generated.StockOhlcBar)
    assert (bar.ticker_symbol, bar.timestamp, bar.low, bar.vwap, bar.number_of_trades) == (
        "AAPL",
        dt.datetime(2025, 1, 15, 14, 30, tzinfo=dt.UTC),  # ``t`` is epoch milliseconds
        Decimal("1.5"),
        Decimal("2.25"),
        3,
    )
    assert unstructure(bar) == {**wire, "l": "1.5", "vw": "2.25"}
    # the one-letter keys are named as the API's long form of the same bar (``Min``) names them
    long_form = {f.name for f in attrs.fields(generated.Min)} - {"accumulated_volume"}
    assert long_form < {f.name for f in attrs.fields(generated.StockOhlcBar)}
    accuracy = structure({"avg_return_1m": 0.5, "analyst_id": "x"}, generated.RatingsAccuracy)
    assert accuracy.average_return_1m == Decimal("0.5")  # a snake_case object stays snake_case
    assert unstructure(accuracy) == {"avg_return_1m": "0.5"}


def test_numbers_are_decimals_and_times_aware_utc() -> None:
    details = structure(
        {
            "data": [
                {
                    "symbol": "AAPL",
                    "price": 175.4,
                    "quoteTimestamp": "2026-01-15T09:30:05-05:00",
                    "high52WeekDate": "2025-12-14",
                    "isETF": False,
                    "novel": {"a": 1},
                }
            ]
        },
        generated.GetEquityDetailsResponse,
    )
    (row,) = details.data
    assert row.price == Decimal("175.4") and isinstance(row.price, Decimal)
    assert row.quote_timestamp == dt.datetime(2026, 1, 15, 14, 30, 5, tzinfo=dt.UTC)
    assert row.is_etf is False


def test_decimal_strings_of_the_prediction_venue_are_decimals() -> None:
    tick = structure(
        {"timestamp": "2026-01-15T15:00:00Z", "yesPrice": "0.43", "noPrice": "0.57", "quantity": 3},
        generated.PredMdTick,
    )
    assert (tick.yes_price, tick.no_price) == (Decimal("0.43"), Decimal("0.57"))
    assert tick.timestamp == dt.datetime(2026, 1, 15, 15, tzinfo=dt.UTC)


def test_a_one_of_result_is_read_by_its_tag_and_open_enums_keep_unknown_values() -> None:
    hit = {
        "baseEventId": "B1",
        "eventId": "E1",
        "state": "OPEN",
        "symbol": "S",
        "symbolSubTypes": [],
        "tickSize": "0.01",
        "tradable": True,
    }
    body = {
        "success": True,
        "data": {"type": "contracts", "found": 1, "hits": [hit], "page": 1, "perPage": 20},
    }
    found = structure(body, generated.SearchResponseBody)
    assert isinstance(found.data, generated.PredMdContractSearchResult)
    assert found.data.hits[0].tick_size == Decimal("0.01")
    kind = generated.PredMdContractSearchResultType("something-new")
    assert isinstance(kind, OpenEnum) and str(kind) == "something-new" and not kind.is_known


def test_an_open_object_keeps_the_keys_it_does_not_name() -> None:
    wire = {"52WeekHigh": 199.62, "peTTM": 28.7, "currency": "USD", "flag": True}
    metric = structure(wire, generated.Metric)
    assert metric.high_52_week_price == Decimal("199.62")
    assert metric.extra == {"peTTM": Decimal("28.7"), "currency": "USD", "flag": True}
    assert unstructure(metric) == {
        "52WeekHigh": "199.62",
        "peTTM": "28.7",
        "currency": "USD",
        "flag": True,
    }


# -- every model reads (and writes back) every field of its schema ------------------------


def _sample(schema: dict[str, Any], owner: str, wire: str, depth: int = 0) -> Any:
    """A wire value for ``schema``: every property set, non-null alternatives first."""
    from aries_async.apispec import schemas
    from aries_async.apispec.amounts import is_decimal_string, is_whole_number
    from aries_async.apispec.naming import (
        date_string,
        datetime_string,
        epoch_unit,
        ref_name,
        variants,
    )

    alts = [a for a in variants(schema) if a.get("type") != "null" and ref_name(a) != "Unset"]
    alt = alts[0] if alts else {}
    if "oneOf" in alt:  # a tagged union: its first member
        return _sample(alt["oneOf"][0], owner, wire, depth)
    name = ref_name(alt)
    if name:
        target = schemas()[name]
        if "properties" not in target and "enum" not in target:  # a Nullable_* wrapper
            return _sample(target, owner, wire, depth)
        if "enum" in target:
            return target["enum"][0]
        props = target["properties"]
        return {w: _sample(p, name, w, depth + 1) for w, p in props.items()}
    kind = alt.get("type")
    if kind == "array":  # empty deep down: a schema may contain a list of itself
        return [_sample(alt.get("items", {}), owner, wire, depth + 1)] if depth < 6 else []
    if kind == "object":
        return {"k": 1}
    if "enum" in alt:
        return alt["enum"][0]
    if kind == "string":
        fmt = alt.get("format")
        if is_decimal_string(owner, wire):
            return "1.25"
        if date_string(wire) and not fmt:
            return "2026-01-15"
        if datetime_string(owner, wire):
            fmt = "date-time"
        return {"date": "2026-01-15", "date-time": "2026-01-15T15:00:00Z"}.get(str(fmt), "text")
    unit = epoch_unit(wire, owner) if kind in ("integer", "number") and depth else None
    if unit:  # 2026-01-15T15:00:00Z in the field's unit, written back the same
        return 1768489200 * {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]
    if kind == "number" and is_whole_number(owner, wire):  # a fiscal year: an int
        return 2
    return {"number": 1.5, "integer": 2, "boolean": True}.get(str(kind), "any")


def _same(wire: Any, back: Any) -> bool:
    """``back`` (a model written out) says what ``wire`` said."""
    if isinstance(wire, dict):
        return (
            isinstance(back, dict)
            and wire.keys() == back.keys()
            and all(_same(wire[k], back[k]) for k in wire)
        )
    if isinstance(wire, list):
        return isinstance(back, list) and all(_same(a, b) for a, b in zip(wire, back, strict=True))
    if isinstance(wire, float):
        return Decimal(str(back)) == Decimal(str(wire))
    return bool(back == wire or str(back) == str(wire))


@pytest.mark.parametrize("name", generated.__all__)
def test_every_model_reads_every_field_of_its_schema(name: str) -> None:
    from aries_async.apispec import schemas
    from aries_async.models._converter import strict_converter

    cls = getattr(generated, name)
    if issubclass(cls, OpenEnum):
        assert {m.value for m in cls} == set(schemas()[name]["enum"])
        return
    wire = _sample({"$ref": f"#/$defs/{name}"}, name, "")
    model = strict_converter().structure(wire, cls)  # refuses a wire key no field names
    assert _same(wire, unstructure(model)), (wire, unstructure(model))
