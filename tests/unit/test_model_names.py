"""One vocabulary: every public name of every hand-written class follows the naming rule.

The generated models follow :mod:`aries_async.apispec.naming` by construction; this holds the
hand-written ones to the same rule: ``spell_out(name) == name`` for every public name (no
``qty``, ``avg``, ``pl``...), and every field read from the wire is named what
``naming.field_name`` makes of its wire name, or is a departure listed with its reason. So a
new field named the old way fails here rather than in a user's code.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

import aries_async
from aries_async._deprecation import renamed
from aries_async.apispec.naming import field_name, spell_out
from aries_async.models import (
    Balance,
    Bar,
    EquityDetails,
    Order,
    OrderAck,
    OrderLeg,
    OrderLegState,
    OrderPreview,
    OrderRequest,
    Position,
    Quote,
    ReplaceAck,
    ReplaceRequest,
    generated,
    parse_bars,
    structure,
    unstructure,
)
from aries_async.models._deferred import Deferred, deferred_names
from aries_async.models.common import field_wire_name
from aries_async.models.events import (
    ChartQuote,
    MarketStatusUpdate,
    QuoteUpdate,
    TimeAndSalesUpdate,
    TradeUpdate,
)

# Packages whose classes are not the SDK's models: the generated code (checked by the
# generator), the simulator (its records are the server's side, in the wire's words, and the
# user meets only its wire), the CLI and the generator's own tables.
_NOT_MODELS = (".models.generated", ".resources.generated", ".sim", "._cli", ".apispec")

DEPARTURES: dict[str, str] = {}
"""``"Class.name"`` -> why it may differ from its spelled-out form. Empty: the FIX words
(``cl_ord_id``, ``ord_status``, ``orig_cl_ord_id``, ``ord_rej_reason``) pass because the
table has no ``cl``/``ord`` (see docs/architecture.md, Names)."""


def _public_classes() -> Iterator[type]:
    for info in pkgutil.walk_packages(aries_async.__path__, "aries_async."):
        if any(part in info.name for part in _NOT_MODELS):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isclass(obj) or obj.__module__ != info.name:
                continue
            yield obj


def _public_names(cls: type) -> set[str]:
    names = set(dir(cls)) | set(getattr(cls, "__annotations__", {}))
    return {
        name
        for name in names
        if not name.startswith("_")
        and not isinstance(inspect.getattr_static(cls, name, None), renamed)  # the old names
    }


def test_every_public_name_is_spelled_out() -> None:
    classes = list(_public_classes())
    assert len(classes) > 50  # the walk found the package
    wrong = sorted(
        f"{cls.__module__}.{cls.__name__}.{name} -> {spell_out(name)}"
        for cls in classes
        for name in _public_names(cls)
        if spell_out(name) != name and f"{cls.__name__}.{name}" not in DEPARTURES
    )
    assert wrong == []


WIRE_DEPARTURES: dict[str, str] = {
    "ChartQuote.name": "the envelope's one-letter ``n``: the symbol as the server names it",
    "ChartQuote.status": "the envelope's one-letter ``s`` (``ok``/``error``)",
    "ChartTrade.status": "the envelope's one-letter ``s``",
    "ChartTrade.price": "``lp`` of a trade is its price, as a market trade's ``price`` is",
    "ChartTrade.size": "``v`` of a trade is its size, as a market trade's ``size`` is",
    **{
        f"{request}.account_id": "``tradingAccountId``: the account's id, named as every "
        "model names it (``Order.account_id``, ``Balance.account_id``...)"
        for request in ("OrderRequest", "ReplaceRequest", "CancelRequest")
    },
}
"""``"Class.name"`` -> why its Python name is not the rule's name for its wire name (the
table of docs/architecture.md, Names, says the same)."""


def _wire_names(cls: type) -> Iterator[tuple[str, str]]:
    """(Python name, wire name) of each field of ``cls`` whose wire name is known: its attrs
    fields (read by the converter) and its lazily read wire fields."""
    if attrs.has(cls):
        case = str(getattr(cls, "__wire_case__", "camel"))
        for field in attrs.fields(cls):
            if not field.name.startswith("_"):
                yield field.name, field_wire_name(field, case)
    for klass in cls.__mro__:
        for name, attr in vars(klass).items():
            if isinstance(attr, Deferred) and attr.wire and not name.startswith("_"):
                yield name, attr.wire


def test_every_field_is_named_by_the_rule_from_its_wire_name() -> None:
    # The rule the generated models follow by construction (spelled-out words, one name for
    # one thing): quote_time for ``quoteTimestamp`` or trade_seq for ``tradeSeq`` fails here.
    named = [(cls, py, wire) for cls in _public_classes() for py, wire in _wire_names(cls)]
    assert len({wire for _, _, wire in named}) > 300  # the walk found the models' fields
    wrong = sorted(
        f"{cls.__name__}.{py} ({wire!r}) -> {field_name(wire, cls.__name__)}"
        for cls, py, wire in named
        if field_name(wire, cls.__name__) != py and f"{cls.__name__}.{py}" not in WIRE_DEPARTURES
    )
    assert wrong == []
    departing = {f"{cls.__name__}.{py}" for cls, py, wire in named if field_name(wire) != py}
    assert set(WIRE_DEPARTURES) <= departing  # each is still needed


def test_old_names_point_at_attributes_that_exist() -> None:
    aliases = [
        (cls, name, attr)
        for cls in _public_classes()
        for name, attr in vars(cls).items()
        if isinstance(attr, renamed)
    ]
    assert aliases
    for cls, name, attr in aliases:
        new = attr.new
        assert spell_out(new) == new, f"{cls.__name__}.{name} -> {new}"
        assert hasattr(cls, new) or new in getattr(cls, "__annotations__", {}), (cls, name)


def test_old_names_are_declared_class_variables() -> None:
    """``old: ClassVar[renamed[T]] = renamed("new")``: declared, an old name reads as ``T`` in
    every type checker (pyright's ``--verifytypes`` calls an undeclared one ambiguous, and so
    each model holding one, and each method taking or returning such a model, partly
    unknown); as a ``ClassVar`` it stays out of the attrs fields."""
    undeclared = [
        f"{cls.__name__}.{name}"
        for cls in _public_classes()
        for name, attr in vars(cls).items()
        if isinstance(attr, renamed)
        and not vars(cls).get("__annotations__", {}).get(name, "").startswith("ClassVar[renamed[")
    ]
    assert undeclared == []


def test_departures_are_needed() -> None:
    for departure in DEPARTURES:
        name = departure.rpartition(".")[2]
        assert spell_out(name) != name, departure


# One figure, one name: (model, wire key) pairs that name the same figure, each group read
# under the one Python name the package gives it, generated and hand-written models alike.
SAME_FIGURE: dict[str, list[tuple[type, str]]] = {
    "high_52_week_price": [
        (EquityDetails, "high52WeekPrice"),
        (generated.Metric, "52WeekHigh"),
        (generated.IndicesRealtimeIndexValue, "high52Weeks"),
    ],
    "low_52_week_price": [
        (EquityDetails, "low52WeekPrice"),
        (generated.Metric, "52WeekLow"),
        (generated.IndicesRealtimeIndexValue, "low52Weeks"),
    ],
    "high_52_week_date": [(EquityDetails, "high52WeekDate"), (generated.Metric, "52WeekHighDate")],
    "low_52_week_date": [(EquityDetails, "low52WeekDate"), (generated.Metric, "52WeekLowDate")],
    # a bar's volume-weighted average price and its count of trades
    "vwap": [
        (generated.StockOhlcBar, "vw"),
        (generated.Min, "vwap"),
        (generated.OptionPreviousDayResponse, "volumeWeighted"),
    ],
    "number_of_trades": [
        (generated.StockOhlcBar, "n"),
        (generated.OptionPreviousDayResponse, "transactionCount"),
    ],
    # the session's volume so far, as a quote, a trade and the details state it
    "volume": [
        (Quote, "volume"),
        (ChartQuote, "volume"),
        (TradeUpdate, "totalVolume"),
        (EquityDetails, "totalVolume"),
    ],
}


@pytest.mark.parametrize("name", SAME_FIGURE)
def test_one_figure_has_one_name(name: str) -> None:
    found = {
        f"{model.__name__}.{wire}": dict((w, py) for py, w in _wire_names(model)).get(wire)
        for model, wire in SAME_FIGURE[name]
    }
    assert found == dict.fromkeys(found, name)


# (model, old name, new name, wire key): the renames of the hand-written models' fields.
RENAMES: list[tuple[type, str, str, str]] = [
    (Balance, "unrealized_pl", "unrealized_pnl", "unrealizedPl"),
    (Balance, "realized_pl", "realized_pnl", "realizedPl"),
    (Position, "unrealized_pl", "unrealized_pnl", "unrealizedPl"),
    (Order, "qty", "quantity", "qty"),
    (Order, "cum_qty", "cumulative_quantity", "cumQty"),
    (Order, "leaves_qty", "leaves_quantity", "leavesQty"),
    (OrderLegState, "ratio_qty", "ratio_quantity", "ratioQty"),
    (OrderLegState, "avg_price", "average_price", "avgPrice"),
    (OrderAck, "qty", "quantity", "qty"),
    (OrderAck, "cum_qty", "cumulative_quantity", "cumQty"),
    (OrderAck, "leaves_qty", "leaves_quantity", "leavesQty"),
    (OrderAck, "avg_price", "average_price", "avgPrice"),
    (ReplaceAck, "qty", "quantity", "qty"),
    (OrderPreview, "num_day_trades", "number_day_trades", "numDayTrades"),
    (EquityDetails, "avg_volume_4_weeks", "average_volume_4_weeks", "avgVolume4Weeks"),
    (
        EquityDetails,
        "pct_held_by_institution",
        "percent_held_by_institution",
        "pctHeldByInstitution",
    ),
    (EquityDetails, "trade_seq", "trade_sequence", "tradeSeq"),
    (
        EquityDetails,
        "eps_current_qtr_mean_est",
        "eps_current_quarter_mean_estimate",
        "EPSCurrentQtrMeanEst",
    ),
    (
        EquityDetails,
        "eps_current_year_mean_est",
        "eps_current_year_mean_estimate",
        "EPSCurrentYearMeanEst",
    ),
    (EquityDetails, "nasdaq_net_in_flow", "nasdaq_net_inflow", "nasdaqNetInFlow"),
    (EquityDetails, "net_change", "change", "netChange"),
    (EquityDetails, "total_volume", "volume", "totalVolume"),
    (
        Balance,
        "sod_positions_market_value",
        "start_of_day_positions_market_value",
        "sodPositionsMarketValue",
    ),
    (Balance, "sod_ttl_equity", "start_of_day_total_equity", "sodTtlEquity"),
    (
        Balance,
        "sod_gross_funds_available",
        "start_of_day_gross_funds_available",
        "sodGrossFundsAvailable",
    ),
    (
        Balance,
        "sod_net_funds_available",
        "start_of_day_net_funds_available",
        "sodNetFundsAvailable",
    ),
    (
        Balance,
        "sod_margin_trade_balance",
        "start_of_day_margin_trade_balance",
        "sodMarginTradeBalance",
    ),
]


def _deprecated(text: str) -> str:
    return f"{text} is deprecated and will be removed in the next release"


@pytest.mark.parametrize(("model", "old", "new", "key"), RENAMES)
def test_a_renamed_response_field_reads_its_wire_key_and_its_old_name_warns(
    model: type, old: str, new: str, key: str
) -> None:
    item: Any = structure({key: 7}, model)
    assert getattr(item, new) == 7
    assert unstructure(item)[key] in (7, "7")
    with pytest.warns(DeprecationWarning, match=old) as caught:
        assert getattr(item, old) == 7
    name = model.__name__
    assert [str(w.message) for w in caught] == [f"{_deprecated(f'{name}.{old}')}; use {name}.{new}"]
    assert caught[0].filename == __file__  # the reader's line, not the descriptor's
    assert old not in {f.name for f in attrs.fields(model)}


@pytest.mark.parametrize("model", [QuoteUpdate, TradeUpdate, ChartQuote, MarketStatusUpdate])
def test_a_market_events_old_time_reads_its_timestamp_and_names_the_events_class(
    model: Any,
) -> None:
    # ``time`` is declared once, on a base the reader never sees: the warning names the
    # class of the event in hand.
    event = model(symbol="AAPL", data={}, timestamp_ms=1_768_489_200_000)
    assert event.timestamp == datetime(2026, 1, 15, 15, tzinfo=UTC)
    with pytest.warns(DeprecationWarning, match="time") as caught:
        assert event.time == event.timestamp
    name = model.__name__
    expected = f"{_deprecated(f'{name}.time')}; use {name}.timestamp"
    assert [str(w.message) for w in caught] == [expected]
    assert caught[0].filename == __file__


MS = 1768489200000  # 2026-01-15T15:00:00Z

# (model built from the wire, old name, new name): renamed fields of other types, and the
# stream events' (a wire mapping read on first access, not a converter's model).
RENAMED_READS: list[tuple[Any, str, str]] = [
    (
        structure({"sodTtlEquityUpdatedAt": "2026-01-15T09:30:00Z"}, Balance),
        "sod_ttl_equity_updated_at",
        "start_of_day_total_equity_updated_at",
    ),
    (
        structure({"sodFundsAvailableDate": "2026-01-15"}, Balance),
        "sod_funds_available_date",
        "start_of_day_funds_available_date",
    ),
    (TradeUpdate("A", {"tradeSeq": 7}), "trade_seq", "trade_sequence"),
    (TradeUpdate("A", {"netChange": 1.5}), "net_change", "change"),
    (TradeUpdate("A", {"totalVolume": 1200}), "total_volume", "volume"),
    (TimeAndSalesUpdate("A", {"tradeSeq": "7"}), "trade_seq", "trade_sequence"),
    # an instant is ``timestamp`` (``<what>_timestamp``), as the wire's ``quoteTimestamp`` says
    (QuoteUpdate("A", {"quoteTimestamp": MS}), "quote_time", "quote_timestamp"),
    (TradeUpdate("A", {"tradeTimestamp": MS}), "trade_time", "trade_timestamp"),
    (TimeAndSalesUpdate("A", {"tradeTimestamp": str(MS)}), "trade_time", "trade_timestamp"),
    (
        parse_bars({"s": "ok", "t": [MS // 1000], "o": [1], "h": [1], "l": [1], "c": [1]})[0],
        "time",
        "timestamp",
    ),
]


@pytest.mark.parametrize(("item", "old", "new"), RENAMED_READS)
def test_a_renamed_field_reads_under_its_old_name_with_a_warning(
    item: Any, old: str, new: str
) -> None:
    value = getattr(item, new)
    assert value is not None
    with pytest.warns(DeprecationWarning, match=old) as caught:
        assert getattr(item, old) == value
    name = type(item).__name__
    assert [str(w.message) for w in caught] == [f"{_deprecated(f'{name}.{old}')}; use {name}.{new}"]
    assert caught[0].filename == __file__
    # not a field of its own: frames, equality and ``--json`` know the new name only
    assert old not in {f.name for f in attrs.fields(type(item))} | set(deferred_names(type(item)))


REQUEST: dict[str, Any] = {"account_id": "ACC-1", "symbol": "AAPL", "side": "BUY", "type": "MARKET"}
LEG: dict[str, Any] = {"security_type": "CS", "side": "BUY", "position_effect": "OPEN"}
REPLACE: dict[str, Any] = {"orig_cl_ord_id": "X1", "account_id": "ACC-1", "symbol": "AAPL"}


@pytest.mark.parametrize(
    ("model", "base", "old", "new", "key"),
    [
        (OrderRequest, REQUEST, "qty", "quantity", "qty"),
        (ReplaceRequest, REPLACE, "qty", "quantity", "qty"),
        (OrderLeg, LEG, "ratio_qty", "ratio_quantity", "ratioQty"),
    ],
)
def test_an_input_takes_its_old_keyword_for_one_release(
    model: Any, base: dict[str, Any], old: str, new: str, key: str
) -> None:
    current = model(**base, **{new: "3"})
    with pytest.warns(DeprecationWarning, match=old) as caught:
        legacy = model(**base, **{old: "3"})
    name = model.__name__
    assert [str(w.message) for w in caught] == [
        f"{_deprecated(f'{name}({old}=...)')}; use {name}({new}=...)"
    ]
    assert caught[0].filename == __file__
    assert legacy == current and getattr(current, new) == Decimal(3)
    assert current.to_wire()[key] == "3"
    with pytest.warns(DeprecationWarning, match=f"use {name}.{new}"):
        assert getattr(legacy, old) == Decimal(3)
    with pytest.raises(TypeError, match="both"):
        model(**base, **{old: "3", new: "3"})
    # What type checkers and help() read: the new name only.
    assert new in inspect.signature(model).parameters
    assert old not in inspect.signature(model).parameters


def test_a_bar_takes_its_old_time_keyword_for_one_release() -> None:
    when = datetime(2026, 1, 15, 15, tzinfo=UTC)
    prices: dict[str, Any] = {"open": 1, "high": 2, "low": 1, "close": 2}
    with pytest.warns(DeprecationWarning, match="time") as caught:
        legacy = Bar(time=when, **prices)  # type: ignore[call-arg]
    assert [str(w.message) for w in caught] == [
        f"{_deprecated('Bar(time=...)')}; use Bar(timestamp=...)"
    ]
    assert caught[0].filename == __file__
    assert legacy == Bar(timestamp=when, **prices)
    assert "time" not in inspect.signature(Bar).parameters


def test_the_new_keywords_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        OrderRequest(**REQUEST, quantity=1, legs=[OrderLeg(**LEG, ratio_quantity=2)])
        ReplaceRequest(**REPLACE, quantity=1)
