"""Models as pandas DataFrames: :func:`to_frame` turns bars, quotes, trades, snapshots,
financial rows (any list of attrs models) into a table, one row per model.

pandas is an optional extra (``pip install 'aries-async[pandas]'``); it is imported on the
first call, never with the package.
"""

from __future__ import annotations

import enum
import inspect
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from aries_async._deprecation import current_name
from aries_async.errors import MissingDependencyError, ValidationError
from aries_async.models._rows import FrameRows

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Decimals", "FrameRows", "to_frame"]

Decimals = Literal["decimal", "float"]
"""How :func:`to_frame` writes ``Decimal`` values: kept exact (``"decimal"``, columns of
``object`` dtype holding ``Decimal``) or converted (``"float"``, ``float64`` columns)."""

_Kind = Literal["datetime", "date", "decimal", "enum", "nested", "other"]


@attrs.frozen
class _Column:
    """One column: its name, the attribute(s) read for it and how its values are written."""

    name: str
    path: tuple[str, ...]
    kind: _Kind


def to_frame(
    rows: Iterable[Any] | Mapping[Any, Any] | Any,
    *,
    model: type | None = None,
    decimals: Decimals = "decimal",
    index: str | None = None,
) -> pd.DataFrame:
    """A pandas DataFrame with one row per model and one column per field, in field order.

    Example::

        bars = await client.market.bars("AAPL", "1D", start, end)
        frame = to_frame(bars, index="timestamp")   # columns open, high, low, close, volume
        frame.close.max()                           # Decimal('187.3')

    * ``Decimal`` values stay exact: ``object`` columns of ``Decimal`` (sums and comparisons
      work; for numpy speed pass ``decimals="float"`` to get ``float64`` columns, NaN for
      missing values).
    * Aware datetimes become ``datetime64[ns, UTC]`` columns (NaT for missing ones; a value
      beyond the year 2262 makes its column microsecond-precise instead). Calendar dates
      (``date``) become naive ``datetime64[ns]`` columns: a date is not an instant.
    * Enum members become their values (``"BUY"``), unknown wire values included.
    * A field holding a model is flattened one level, with dotted names (``greeks.delta``);
      deeper models and lists stay Python objects in their cell.
    * Only the model's fields become columns: what the wire sent besides them is not kept by
      the models anyway. Fields whose name starts with ``_`` are left out. A stream update
      (:class:`~aries_async.models.events.QuoteUpdate`...) gives its fields read from the wire
      (``bid_price``, ``mid_price``...), not its raw ``data``, and its envelope time as
      ``timestamp`` (aware UTC) beside ``timestamp_ms``.

    Args:
        rows: attrs model instances (a list, an iterator, or a mapping such as a
            :class:`~aries_async.models.QuoteBatch`, whose values are taken). A single model
            gives its list when it has exactly one field that is a list of models (a response
            such as ``{"results": [...], "nextUrl": ...}``; empty, it still has the columns
            of its items), else a one-row frame.
        model: the model class, for the columns (and their dtypes) of an empty ``rows``;
            default: the class of the rows (of several classes, the union of their fields).
        decimals: ``"decimal"`` (default) or ``"float"``.
        index: a column to make the index (``"timestamp"`` for bars). A field's name of the
            previous release (``"time"`` for bars) still works, with a
            :class:`DeprecationWarning`.

    Raises:
        MissingDependencyError: pandas is not installed (``pip install 'aries-async[pandas]'``).
        ValidationError: a row is not an attrs model, ``decimals`` or ``index`` is unknown;
            ``index`` given for empty ``rows`` without ``model`` (a list such as ``bars()``'s
            can be empty: pass ``model=`` where it may be).
    """
    if decimals not in ("decimal", "float"):
        raise ValidationError(
            f"decimals must be 'decimal' or 'float', got {decimals!r}", field="decimals"
        )
    pandas = _pandas()
    items, listed = _items(rows)
    model = model or listed
    for position, row in enumerate(items):
        if not attrs.has(type(row)):
            raise _not_models(rows, position, row)
    classes = list(dict.fromkeys(type(row) for row in items)) or ([model] if model else [])
    columns: dict[str, _Column] = {}
    for cls in classes:
        for column in _plan(cls):
            columns.setdefault(column.name, column)
    data = {
        c.name: _series(pandas, c, [_read(row, c.path) for row in items], decimals)
        for c in columns.values()
    }
    frame = pandas.DataFrame(data, index=pandas.RangeIndex(len(items)))
    if index is not None:
        key = index
        if key not in frame.columns:  # a field's old name reads as its new one, warning
            key = next(filter(None, (current_name(cls, index) for cls in classes)), index)
        if key not in frame.columns and not classes:
            # An empty list (a range without bars) has no class to take the columns from:
            # saying that bars have no timestamp would send the user the wrong way.
            raise ValidationError(
                f"index {index!r}: no rows and no model= to take the columns from; pass the "
                f"rows' class, to_frame(rows, model=Bar, index={index!r}) "
                "(from aries_async.models import Bar)",
                field="index",
            )
        if key not in frame.columns:
            raise ValidationError(f"index {index!r} is not one of the columns", field="index")
        frame = frame.set_index(key)
    return frame


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise MissingDependencyError(
            f"to_frame needs pandas, which cannot be imported ({exc}): "
            "pip install 'aries-async[pandas]'",
            name="pandas",
        ) from exc
    return pandas


def _items(rows: Any) -> tuple[list[Any], type | None]:
    """The rows, and their model class when a response model's field type names it."""
    if isinstance(rows, Mapping):
        return list(rows.values()), None
    if attrs.has(type(rows)):
        lists = [
            (value, _list_item(hint))
            for name, _, hint in _fields(type(rows), bare=False)
            if isinstance(value := getattr(rows, name), list)
            and (_list_item(hint) is not None or (value and attrs.has(type(value[0]))))
        ]
        return lists[0] if len(lists) == 1 else ([rows], None)
    if isinstance(rows, str | bytes) or not isinstance(rows, Iterable):
        raise _not_models(rows)
    return list(rows), None


_ACCEPTED = (
    "to_frame takes aries-async models (bars, quotes, orders...): a list of them, a mapping "
    "of them (a QuoteBatch), or one model (a response holding a list of them gives that list)"
)


def _not_models(rows: Any, position: int | None = None, row: Any = None) -> ValidationError:
    """The refusal of ``rows``, which are not models (or whose item at ``position``, ``row``,
    is not one): what ``to_frame`` takes, then what it got, by type (never a row's value,
    which may be large)."""
    got = f"got {_a(type(rows).__name__)}"
    if position is not None:
        key = list(rows)[position] if isinstance(rows, Mapping) else None
        where = f"value for {key!r}" if isinstance(rows, Mapping) else f"item {position}"
        got += f" whose {where} is {_a(type(row).__name__)}"
    elif inspect.isawaitable(rows):
        # A paginated call or a coroutine whose await was left out (a Paged is awaitable).
        got += ": await it first (to_frame(await ...))"
    return ValidationError(f"{_ACCEPTED}; {got}", field="rows")


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _list_item(hint: Any) -> type | None:
    """``X`` of a ``list[X]`` (or ``list[X] | None``) field whose ``X`` is a model."""
    hint = _optional(hint)
    if typing.get_origin(hint) is not list:
        return None
    (item,) = typing.get_args(hint) or (None,)
    return item if isinstance(item, type) and attrs.has(item) else None


def _plan(cls: type) -> tuple[_Column, ...]:
    """The columns of a model class, nested models flattened one level (worked out once per
    class)."""
    known = _PLANS.get(cls)
    if known is not None:
        return known
    out: list[_Column] = []
    for name, kind, hint in _fields(cls):
        if kind == "nested" and hint is not None:
            for sub, sub_kind, _ in _fields(hint):
                flat = "other" if sub_kind == "nested" else sub_kind
                out.append(_Column(f"{name}.{sub}", (name, sub), flat))
        else:
            out.append(_Column(name, (name,), kind))
    _PLANS[cls] = plan = tuple(out)
    return plan


_PLANS: dict[type, tuple[_Column, ...]] = {}


def _fields(cls: type, *, bare: bool = True) -> list[tuple[str, _Kind, Any]]:
    """``(name, kind, type)`` of each public field; the type without ``| None`` (``bare``), or
    as annotated."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # a name only imported for type checkers: judge by the values instead
        hints = {}
    lazy = _lazy_names(cls)
    found: list[tuple[str, _Kind, Any]] = []
    for field in attrs.fields(cls):
        if field.name.startswith("_") or (lazy and field.name == "data"):
            continue
        hint = _bare(hints.get(field.name, field.type))
        found.append((field.name, _kind(hint), hint if bare else hints.get(field.name)))
    found += [(name, "other", None) for name in lazy]
    from aries_async.models.events import Timestamped

    if issubclass(cls, Timestamped):  # the envelope time as a time, beside its wire value
        found.append(("timestamp", "datetime", datetime))
    return found


def _lazy_names(cls: type) -> list[str]:
    """The fields a stream update reads from its wire ``data`` on first use (``bid_price``...):
    its columns instead of ``data`` itself."""
    from aries_async.models._deferred import deferred_names
    from aries_async.models._wire import LazyWire

    return deferred_names(cls) if issubclass(cls, LazyWire) else []


def _optional(hint: Any) -> Any:
    """``X`` of ``X | None`` or ``Optional[X]`` (None for another union), else ``hint``."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return hint


def _bare(hint: Any) -> type | None:
    """The class of ``X``, ``X | None`` or ``Optional[X]``; None for anything else."""
    hint = _optional(hint)
    return hint if isinstance(hint, type) else None


def _kind(hint: type | None) -> _Kind:
    if hint is None:
        return "other"
    if attrs.has(hint):
        return "nested"
    for kind, cls in (
        ("datetime", datetime),
        ("date", date),
        ("decimal", Decimal),
        ("enum", enum.Enum),
    ):
        if issubclass(hint, cls):
            return typing.cast("_Kind", kind)
    return "other"


def _value_kind(values: list[Any]) -> _Kind:
    """The kind of a column whose field type says nothing, from its first value."""
    first = next((v for v in values if v is not None), None)
    return _kind(type(first)) if first is not None else "other"


def _read(row: Any, path: tuple[str, ...]) -> Any:
    value = getattr(row, path[0], None)
    if len(path) == 2 and value is not None:
        value = getattr(value, path[1], None)
    return value


def _series(pandas: Any, column: _Column, values: list[Any], decimals: Decimals) -> Any:
    kind = column.kind if column.kind != "other" else _value_kind(values)
    if kind == "decimal":
        if decimals == "float":
            return pandas.Series(
                [float(v) if v is not None else None for v in values], dtype="float64"
            )
        return pandas.Series(values, dtype=object)
    if kind in ("datetime", "date"):
        return _times(pandas, values, aware=kind == "datetime")
    if kind == "enum":
        return pandas.Series([v.value if isinstance(v, enum.Enum) else v for v in values])
    if kind == "nested":  # a model in a field typed loosely: kept as it is
        return pandas.Series(values, dtype=object)
    return pandas.Series(values)


def _times(pandas: Any, values: list[Any], *, aware: bool) -> Any:
    """A ``datetime64[ns, UTC]`` (``aware``) or naive ``datetime64[ns]`` column; microseconds
    when a value is beyond the nanosecond range (1677-2262); objects when one is no date."""
    import numpy  # pandas' own dependency

    stamps = []
    for value in values:
        if value is None:
            stamps.append(numpy.datetime64("NaT", "us"))
        elif not isinstance(value, date):
            return pandas.Series(values, dtype=object)
        else:
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            stamps.append(numpy.datetime64(value, "us"))
    series = pandas.Series(numpy.array(stamps, dtype="datetime64[us]"))
    if aware:
        series = series.dt.tz_localize("UTC")
    try:
        return series.astype("datetime64[ns, UTC]" if aware else "datetime64[ns]")
    except (OverflowError, ValueError):  # pandas' OutOfBoundsDatetime is a ValueError
        return series
