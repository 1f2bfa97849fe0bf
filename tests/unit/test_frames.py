"""to_frame: any list of attrs models as a pandas DataFrame, exact decimals, UTC times."""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import attrs
import pytest

from aries_async import MissingDependencyError, to_frame
from aries_async.errors import ConfigurationError, ValidationError
from aries_async.frames import FrameRows
from aries_async.models import Bar, Quote, QuoteBatch
from aries_async.models.events import QuoteUpdate
from aries_async.models.orders import Side

pd = pytest.importorskip("pandas")

T0 = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def bar(minute: int, close: str, volume: str | None = "100") -> Bar:
    return Bar(
        timestamp=T0.replace(minute=minute),
        open=Decimal("187.10"),
        high=Decimal("187.50"),
        low=Decimal("186.90"),
        close=Decimal(close),
        volume=Decimal(volume) if volume is not None else None,
    )


@attrs.frozen(kw_only=True)
class Greeks:
    delta: Decimal | None = None
    updated: datetime | None = None
    source: Bar | None = None  # a model two levels down stays an object


@attrs.frozen(kw_only=True)
class Snapshot:
    ticker: str
    side: Side | None = None
    greeks: Greeks | None = None
    expiry: date | None = None
    tags: list[str] = attrs.Factory(list)
    _cache: int = 0


@attrs.frozen(kw_only=True)
class Page:
    results: list[Snapshot] = attrs.Factory(list)
    next_url: str | None = None


@attrs.frozen(kw_only=True)
class Loose:
    """A model whose annotations cannot be resolved at run time (a name imported only for
    type checkers): the values decide how its columns are written."""

    price: NotImportedHere | None = None  # type: ignore[name-defined]  # noqa: F821
    at: NotImportedHere | None = None  # type: ignore[name-defined]  # noqa: F821


def test_bars_keep_exact_decimals_and_get_utc_times() -> None:
    frame = to_frame([bar(30, "0.1"), bar(31, "0.2", None)])
    assert list(frame.columns) == ["timestamp", "open", "high", "low", "close", "volume"]
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert frame["timestamp"][1] == pd.Timestamp(T0.replace(minute=31))
    assert frame["close"].dtype == object
    assert frame["close"].sum() == Decimal("0.3")  # not 0.30000000000000004
    assert frame["volume"].tolist() == [Decimal(100), None]
    assert frame["volume"].isna().tolist() == [False, True]


def test_decimals_as_floats() -> None:
    frame = to_frame([bar(30, "0.1"), bar(31, "0.2", None)], decimals="float")
    assert str(frame["close"].dtype) == "float64"
    assert frame["close"].tolist() == [0.1, 0.2]
    assert frame["volume"].isna().tolist() == [False, True]
    with pytest.raises(ValidationError, match="decimals must be"):
        to_frame([bar(30, "1")], decimals="str")  # type: ignore[arg-type]


def test_index_column() -> None:
    frame = to_frame([bar(30, "1"), bar(31, "2")], index="timestamp")
    assert frame.loc[pd.Timestamp(T0), "close"] == Decimal(1)
    with pytest.raises(ValidationError, match="index 'when' is not one of the columns"):
        to_frame([bar(30, "1")], index="when")


def test_an_index_under_a_fields_old_name_is_its_new_one_with_a_warning() -> None:
    bars = [bar(30, "1"), bar(31, "2")]
    with pytest.warns(DeprecationWarning, match="Bar.time") as caught:
        frame = to_frame(bars, index="time")  # ``Bar.time`` is ``Bar.timestamp`` now
    assert [str(w.message) for w in caught] == [
        "Bar.time is deprecated and will be removed in the next release; use Bar.timestamp"
    ]
    assert caught[0].filename == __file__  # the caller's line
    assert frame.index.name == "timestamp" and "time" not in frame.columns
    assert frame.equals(to_frame(bars, index="timestamp"))
    with pytest.warns(DeprecationWarning, match="use Bar.timestamp") as caught:
        assert Bars(bars).to_frame(index="time").index.name == "timestamp"
    assert caught[0].filename == __file__  # through a model's own to_frame() too


def test_an_empty_list_has_the_columns_of_its_model() -> None:
    frame = to_frame([], model=Bar)
    assert frame.empty and list(frame.columns) == [
        "timestamp",
        "open",
        "high",
        "low",
        "close",
        "volume",
    ]
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert str(to_frame([], model=Bar, decimals="float")["close"].dtype) == "float64"
    assert to_frame([]).shape == (0, 0)


def test_nested_models_flatten_one_level_with_dotted_names() -> None:
    rows = [
        Snapshot(
            ticker="O:AAPL260116C00150000",
            side=Side("buy"),
            greeks=Greeks(delta=Decimal("0.52"), updated=T0, source=bar(30, "1")),
            expiry=date(2026, 1, 16),
            tags=["a"],
        ),
        Snapshot(ticker="O:X", side=Side("SOMETHING_NEW")),
    ]
    frame = to_frame(rows)
    assert list(frame.columns) == [
        "ticker",
        "side",
        "greeks.delta",
        "greeks.updated",
        "greeks.source",
        "expiry",
        "tags",
    ]  # no _cache: a private field
    assert frame["side"].tolist() == ["BUY", "SOMETHING_NEW"]  # enum values, unknown kept
    assert frame["greeks.delta"].tolist() == [Decimal("0.52"), None]
    assert str(frame["greeks.updated"].dtype) == "datetime64[ns, UTC]"
    assert frame["greeks.updated"].isna().tolist() == [False, True]
    assert frame["greeks.source"][0] == bar(30, "1")
    assert str(frame["expiry"].dtype) == "datetime64[ns]"  # a date: no time zone
    assert frame["expiry"][0] == pd.Timestamp(2026, 1, 16)
    assert frame["tags"].tolist() == [["a"], []]


def test_times_beyond_the_nanosecond_range_are_kept() -> None:
    far = datetime(2300, 1, 1, tzinfo=UTC)
    frame = to_frame([Greeks(updated=far), Greeks(updated=T0)])
    assert str(frame["updated"].dtype) == "datetime64[us, UTC]"
    assert frame["updated"][0].to_pydatetime() == far


def test_unresolvable_annotations_fall_back_on_the_values() -> None:
    frame = to_frame([Loose(price=Decimal("1.5"), at=T0), Loose()])
    assert frame["price"].tolist() == [Decimal("1.5"), None]
    assert str(frame["at"].dtype) == "datetime64[ns, UTC]"


def test_a_response_with_one_list_of_models_gives_its_rows() -> None:
    page = Page(results=[Snapshot(ticker="A"), Snapshot(ticker="B")], next_url="https://x")
    assert to_frame(page)["ticker"].tolist() == ["A", "B"]
    empty = to_frame(Page(next_url=None))  # an empty page: the columns of its items
    assert empty.empty and list(empty.columns)[:2] == ["ticker", "side"]
    single = to_frame(Snapshot(ticker="C"))  # tags is a list, but not of models
    assert single["ticker"].tolist() == ["C"]
    assert to_frame(Loose())["price"].tolist() == [None]


def test_rows_of_several_models_get_the_union_of_their_columns() -> None:
    frame = to_frame([Greeks(delta=Decimal(1)), Snapshot(ticker="A")])
    assert list(frame.columns)[:3] == ["delta", "updated", "source.timestamp"]
    assert "ticker" in frame.columns
    assert frame["ticker"].isna().tolist() == [True, False]
    assert frame["ticker"][1] == "A"


ACCEPTED = (
    "to_frame takes aries-async models (bars, quotes, orders...): a list of them, a mapping "
    "of them (a QuoteBatch), or one model (a response holding a list of them gives that list)"
)


@pytest.mark.parametrize(
    ("rows", "got"),
    [
        ({"a": 1}, "got a dict whose value for 'a' is an int"),
        ([{"close": 1}], "got a list whose item 0 is a dict"),
        ((bar(30, "1"), "AAPL"), "got a tuple whose item 1 is a str"),
        ("AAPL", "got a str"),
        (42, "got an int"),
    ],
)
def test_rows_that_are_not_models_are_refused_saying_what_is_taken(rows: Any, got: str) -> None:
    with pytest.raises(ValidationError) as refused:
        to_frame(rows)
    assert str(refused.value) == f"{ACCEPTED}; {got}"
    assert refused.value.field == "rows"


def test_an_awaitable_left_unawaited_is_refused_with_the_await_to_add() -> None:
    async def bars() -> list[Bar]:
        return []

    pending = bars()
    try:
        with pytest.raises(ValidationError) as refused:
            to_frame(pending)
    finally:
        pending.close()
    assert (
        str(refused.value) == f"{ACCEPTED}; got a coroutine: await it first (to_frame(await ...))"
    )


def test_quotes_and_a_quote_batch() -> None:
    quote = Quote.from_chart_item({"n": "AAPL", "s": "ok", "v": {"lp": 175.4, "bid": 175.3}})
    frame = QuoteBatch({"AAPL": quote}).to_frame()
    assert frame["symbol"].tolist() == ["AAPL"]
    assert frame["last_price"].tolist() == [Decimal("175.4")]
    # indexed 0..n-1 as every to_frame() is, the symbol a column; by symbol when asked
    assert frame.index.tolist() == [0]
    assert QuoteBatch({"AAPL": quote}).to_frame(index="symbol").loc["AAPL", "last_price"] == (
        Decimal("175.4")
    )
    empty = QuoteBatch().to_frame()
    assert empty.empty and "last_price" in empty.columns and "symbol" in empty.columns
    assert "received_at" in empty.columns and "last" not in empty.columns


class Bars(FrameRows, list[Bar]):
    """A list-like model: its to_frame() knows its columns even when empty."""


def test_a_list_like_model_has_a_to_frame_method() -> None:
    assert Bars([bar(30, "1")]).to_frame()["close"].tolist() == [Decimal(1)]
    empty = Bars().to_frame(decimals="float")
    assert empty.empty and str(empty["close"].dtype) == "float64"


class _NoPandas(importlib.abc.MetaPathFinder):
    """Makes ``import pandas`` fail as if pandas were not installed."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> None:
        if fullname.split(".")[0] == "pandas":
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


def test_without_pandas_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "meta_path", [_NoPandas(), *sys.meta_path])
    monkeypatch.delitem(sys.modules, "pandas")
    with pytest.raises(MissingDependencyError) as info:
        to_frame([bar(30, "1")])
    assert isinstance(info.value, ImportError) and isinstance(info.value, ConfigurationError)
    assert info.value.name == "pandas"
    assert "pip install 'aries-async[pandas]'" in str(info.value)
    with pytest.raises(MissingDependencyError):
        QuoteBatch().to_frame()


def test_stream_updates_give_their_fields_not_the_raw_data() -> None:
    updates = [
        QuoteUpdate(
            "AAPL",
            {"bidPrice": 189.49, "askPrice": 189.51, "quoteTimestamp": 1.767e12},
            1767000000123,
        ),
        QuoteUpdate("MSFT", {"bidPrice": 1}),
    ]
    frame = to_frame(updates)
    assert "data" not in frame.columns
    assert frame["bid_price"].tolist() == [Decimal("189.49"), Decimal(1)]
    assert frame["mid_price"].tolist() == [Decimal("189.50"), None]
    assert str(frame["quote_timestamp"].dtype) == "datetime64[ns, UTC]"
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert frame["timestamp"][0] == updates[0].timestamp and frame["timestamp"].isna()[1]
