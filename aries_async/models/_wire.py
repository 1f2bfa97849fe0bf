"""The lazy market-data models' machinery: tolerant value parsers and cached fields.

A stream update keeps the decoded wire ``data`` and converts a field the first time it is read
(:func:`lazy_field`, :func:`lazy`, :func:`lazy_fields`, :class:`LazyWire`);
:func:`wire_factory` builds one on the decoder's hot path. The market-data events
(:mod:`aries_async.models.events`) are built on it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import attrs

from aries_async._deprecation import renamed
from aries_async.models._values import number_decimal
from aries_async.models.common import parse_datetime

__all__ = [
    "UNSET",
    "LazyWire",
    "Timestamped",
    "Wire",
    "lazy",
    "lazy_field",
    "lazy_fields",
    "to_int",
    "to_str",
    "to_time",
    "wire_factory",
]


# -- value parsers (tolerant: number or string, "" is absent, junk is absent) ------------------


def to_int(value: Any) -> int | None:
    kind = type(value)
    if kind is int:
        return int(value)
    if kind is float:
        return int(value) if value == value and value not in (float("inf"), float("-inf")) else None
    if kind is str:
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            dec = number_decimal(text)
            return int(dec) if dec is not None else None
    return None


def to_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if type(value) is str else str(value)


def to_time(value: Any) -> datetime | None:
    try:
        return parse_datetime(value)
    except (ValueError, OverflowError, OSError):
        return None


class Timestamped:
    """What every stream event with an envelope time shares (attrs supplies the slots).

    ``timestamp_ms`` is the envelope's ``timestamp`` as the server sent it (normally Unix
    epoch milliseconds), kept raw; :attr:`timestamp` reads it as an aware UTC datetime.
    """

    __slots__ = ()
    timestamp_ms: int | None

    @property
    def timestamp(self) -> datetime | None:
        """When the server stamped the message (the envelope's ``timestamp``), aware UTC.

        Computed from :attr:`timestamp_ms` when read (epoch seconds, milliseconds or RFC 3339
        are all understood); ``None`` when the message carried no readable time.
        """
        # A property, not a field: building an event on the stream's hot path pays nothing.
        stamp = self.timestamp_ms
        return None if stamp is None else to_time(stamp)


class Wire(Timestamped):
    """Shared behaviour of the lazy market-data models (attrs supplies the slots)."""

    __slots__ = ()
    data: Mapping[str, Any]

    time = renamed[datetime | None]("timestamp")

    def get(self, wire_name: str, default: Any = None) -> Any:
        """A raw wire field (as decoded from JSON), for fields this model does not name."""
        return self.data.get(wire_name, default)


# -- lazy fields ------------------------------------------------------------------------------
#
# A market-data model keeps the wire ``data`` and converts a field the first time it is read.
# The converted values live in one private list slot, ``_cache``, indexed per field (the class
# decorator ``lazy_fields`` numbers the fields). Reading a field is one property call, without
# the ``__getattr__`` that attrs generates to serve ``functools.cached_property`` on slotted
# classes; building a model on the decoder's hot path (``wire_factory``) fills four slots,
# without attrs' generic ``__init__``; ``convert_quote_prices`` fills the bid and ask of the
# quotes of a frame or read in one batch. For the type checker a lazy field is a cached_property.


class _Unset(enum.Enum):
    """Marks a field not converted yet (an enum member, so a pickled model keeps the marker)."""

    UNSET = "unset"


UNSET = _Unset.UNSET
_T = TypeVar("_T")


class _Pending:
    """A lazy field waiting for ``lazy_fields`` to give it its cache index."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[int, str], property]) -> None:
        self.make = make


def _named(read: Callable[[Any], Any], name: str, doc: str | None) -> property:
    read.__name__ = read.__qualname__ = name
    read.__doc__ = doc
    return property(read)


def _cached(compute: Callable[[Any], Any]) -> Callable[[int, str], property]:
    def make(index: int, name: str) -> property:
        def read(self: Any) -> Any:
            cache = self._cache
            value = cache[index]
            if value is UNSET:
                value = cache[index] = compute(self)
            return value

        return _named(read, name, compute.__doc__)

    return make


if TYPE_CHECKING:
    lazy = functools.cached_property
else:

    def lazy(compute: Callable[[Any], Any]) -> _Pending:
        return _Pending(_cached(compute))


def lazy_field(
    wire: str, convert: Callable[[Any], _T], doc: str, *, within: str | None = None
) -> _T:
    """A lazy field: ``convert(data.get(wire))`` on first read, then cached.

    With ``within`` the field is read from the object ``data[within]`` (None when that is not
    an object). Typed as the value it reads (like ``attrs.field``); the class decorator
    ``lazy_fields`` turns it into a read-only property.
    """

    if within is None:

        def compute(model: LazyWire) -> Any:
            return convert(model.data.get(wire))

    else:
        outer = within

        def compute(model: LazyWire) -> Any:
            inner = model.data.get(outer)
            return convert(inner.get(wire) if type(inner) is dict else None)

    compute.__doc__ = doc
    return cast(_T, _Pending(_cached(compute)))


_L = TypeVar("_L", bound="LazyWire")


def lazy_fields(cls: type[_L]) -> type[_L]:
    """Turns the ``lazy_field`` values and ``@lazy`` methods of ``cls`` into cached properties."""
    index = cls._lazy_count
    slots = dict(cls._lazy_slots)
    for name, value in list(vars(cls).items()):
        if isinstance(value, _Pending):
            setattr(cls, name, value.make(index, name))
            slots[name] = index
            index += 1
    cls._lazy_count = index
    cls._lazy_slots = slots
    return cls


def _new_cache(model: LazyWire) -> list[Any]:
    return [UNSET] * model._lazy_count


@attrs.frozen(slots=True, weakref_slot=False)
class LazyWire(Wire):
    """A per-symbol market-data update: the wire ``data``, converted field by field on read."""

    _lazy_count: ClassVar[int] = 0
    _lazy_slots: ClassVar[Mapping[str, int]] = {}
    symbol: str
    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)
    _cache: list[Any] = attrs.field(
        init=False, repr=False, eq=False, default=attrs.Factory(_new_cache, takes_self=True)
    )


def wire_factory(cls: type[_L]) -> Callable[[str, Mapping[str, Any], Any], _L]:
    """``cls(symbol, data, timestamp_ms)`` for the decoder's hot path, without attrs' ``__init__``.

    The result is the same frozen model (same slots, same values) as the attrs constructor
    builds; only the generic per-field ``object.__setattr__`` calls are skipped.
    """
    slots = vars(LazyWire)
    set_symbol = slots["symbol"].__set__
    set_data = slots["data"].__set__
    set_timestamp = slots["timestamp_ms"].__set__
    set_cache = slots["_cache"].__set__
    new = object.__new__
    unset = [UNSET] * cls._lazy_count

    def build(symbol: str, data: Mapping[str, Any], timestamp_ms: Any) -> _L:
        model = new(cls)
        set_symbol(model, symbol)
        set_data(model, data)
        set_timestamp(model, timestamp_ms)
        set_cache(model, unset.copy())
        return model

    return build
