"""The lazy market-data models' machinery: tolerant value parsers and fields read on demand.

A stream update keeps the decoded wire ``data`` and converts a field the first time it is read
(:func:`lazy_field`, :func:`lazy`, :class:`LazyWire`);
:func:`wire_factory` builds one on the decoder's hot path. The market-data events
(:mod:`aries_async.models.events`) are built on it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import attrs

from aries_async._deprecation import renamed
from aries_async.models._deferred import Deferred, deferred_names
from aries_async.models._values import number_decimal, wire_text
from aries_async.models.common import MS_RANGE, epoch_ms, parse_datetime

__all__ = [
    "LazyWire",
    "Timestamped",
    "Wire",
    "lazy",
    "lazy_field",
    "stamped_before",
    "to_int",
    "to_str",
    "to_time",
    "wire_factory",
]


# -- value parsers (tolerant: number or string, "" is absent, junk is absent) ------------------


def to_int(value: Any) -> int | None:
    """A whole number; None for anything else, a number with a fraction too (it is not cut:
    the wire value stays in the update's ``data``)."""
    kind = type(value)
    if kind is int:
        return int(value)
    if kind is float:
        return int(value) if value.is_integer() else None  # NaN and infinities are not
    if kind is Decimal:  # a frame holding a long number is read exactly (http/decode.py)
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if kind is str:
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            dec = number_decimal(text)
            return int(dec) if dec is not None and dec == dec.to_integral_value() else None
    return None


def to_str(value: Any) -> str | None:
    """Text as it is, a number or a boolean as its text (as the converter reads a text field:
    :func:`~aries_async.models._values.wire_text`); None for ``""`` and for an object or a
    list, whose text is no value of the field (and may hold a secret the server echoed)."""
    if type(value) is str:
        return value or None
    if value is None:
        return None
    try:
        return wire_text(value)
    except TypeError:
        return None


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
    """Shared behaviour of the market-data models (attrs supplies the storage)."""

    __slots__ = ()
    data: Mapping[str, Any]

    time: ClassVar[renamed[datetime | None]] = renamed("timestamp")

    def get(self, wire_name: str, default: Any = None) -> Any:
        """A raw wire field (as decoded from JSON), for fields this model does not name."""
        return self.data.get(wire_name, default)

    @property
    def order_ms(self) -> int | None:
        """The time the streams order this update by, as whole Unix milliseconds: the
        envelope's ``timestamp`` whatever its wire form (epoch s, ms, RFC 3339); None when it
        carried none readable (then it orders nothing)."""
        return epoch_ms(self.timestamp_ms)


_MS_FROM, _MS_TO = MS_RANGE


def stamped_before(update: Wire, than: Wire, trusted_until: int | None = None) -> bool:
    """Whether ``update`` is a late one: its :attr:`~Wire.order_ms` is before ``than``'s (one
    without a readable time orders nothing: False). An equal time is not late (several
    updates may share a millisecond). A ``than`` dated after ``trusted_until`` (Unix ms)
    orders nothing either: a server clock gone wrong would otherwise make every later update
    look late."""
    new, old = update.timestamp_ms, than.timestamp_ms
    # The hot path: both envelope times are Unix ms, as the market socket sends them.
    if (
        type(new) is int
        and type(old) is int
        and _MS_FROM <= new < _MS_TO
        and _MS_FROM <= old < _MS_TO
    ):
        return new < old and (trusted_until is None or old <= trusted_until)
    new, old = update.order_ms, than.order_ms
    if new is None or old is None:
        return False
    return new < old and (trusted_until is None or old <= trusted_until)


# -- lazy fields ------------------------------------------------------------------------------
#
# A market-data model keeps the wire ``data`` and converts a field the first time it is read,
# with the models' one lazy mechanism, :class:`~aries_async.models._deferred.Deferred`: the
# value lands in the instance dict, where later reads find it without a call. For the type
# checker a lazy field is the value it reads (``lazy_field``) or a cached_property (``lazy``).

_T = TypeVar("_T")

if TYPE_CHECKING:
    lazy = functools.cached_property
else:

    def lazy(compute: Callable[[Any], Any]) -> Deferred:
        """A method of the model turned into a field computed on first read, then kept."""
        return Deferred(None, compute, doc=compute.__doc__)


def lazy_field(
    wire: str,
    convert: Callable[[Any], _T],
    doc: str,
    *,
    within: str | None = None,
    fallback: str | None = None,
) -> _T:
    """A lazy field: ``convert(data.get(wire))`` on first read, then kept.

    With ``within`` the field is read from the object ``data[within]`` (None when that is not
    an object). Else, with ``fallback`` (another wire name for the same value), it is
    ``convert(data.get(fallback))`` when the first reads as None. Typed as the value it reads
    (like ``attrs.field``).
    """
    if within is not None:
        outer = within

        def compute(model: LazyWire) -> Any:
            inner = model.data.get(outer)
            return convert(inner.get(wire) if type(inner) is dict else None)

    elif fallback is None:

        def compute(model: LazyWire) -> Any:
            return convert(model.data.get(wire))

    else:
        second = fallback

        def compute(model: LazyWire) -> Any:
            data = model.data
            value = convert(data.get(wire))
            return value if value is not None else convert(data.get(second))

    return cast(_T, Deferred(None, compute, doc=doc, wire=wire))


_L = TypeVar("_L", bound="LazyWire")


@attrs.frozen(slots=False)
class LazyWire(Wire):
    """A per-symbol market-data update: the wire ``data``, converted field by field on read."""

    symbol: str
    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)

    def __repr__(self) -> str:
        """The symbol, the time and every field the update carries, converted (those it does
        not carry are left out): ``QuoteUpdate(symbol='AAPL', timestamp=..., bid_price=
        Decimal('189.49'), ...)``. Subclasses keep it (``repr=False`` in their decorator)."""
        parts = [f"symbol={self.symbol!r}"]
        stamp = self.timestamp
        if stamp is not None:
            parts.append(f"timestamp={stamp!r}")
        for name in _wire_fields(type(self)):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


_FIELDS: dict[type, tuple[str, ...]] = {}


def _wire_fields(cls: type) -> tuple[str, ...]:
    """The lazy fields of ``cls`` (read from the wire or computed), in definition order."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(deferred_names(cls))
    return names


def wire_factory(cls: type[_L]) -> Callable[[str, Mapping[str, Any], Any], _L]:
    """``cls(symbol, data, timestamp_ms)`` for the decoder's hot path, without attrs' ``__init__``.

    The result is the same frozen model (same instance dict) as the attrs constructor builds;
    only the generic per-field ``object.__setattr__`` calls are skipped.
    """
    set_dict = vars(LazyWire)["__dict__"].__set__
    new = object.__new__

    def build(symbol: str, data: Mapping[str, Any], timestamp_ms: Any) -> _L:
        model = new(cls)
        set_dict(model, {"symbol": symbol, "data": data, "timestamp_ms": timestamp_ms})
        return model

    return build
