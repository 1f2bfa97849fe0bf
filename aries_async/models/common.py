"""Building blocks shared by every model: open enums, wire-name metadata and value parsers.

Wire rules (see ``shared/aries-api/conventions.md``):

* trading and account values are decimal *strings*; ``""`` means absent;
* market-data values are JSON numbers, converted to :class:`~decimal.Decimal` through their
  shortest ``repr`` so ``189.49`` becomes ``Decimal("189.49")``, never ``189.4900000000000090...``;
* date-times are RFC 3339 (with or without fraction, ``Z`` or an offset) or Unix epochs in
  seconds, milliseconds, microseconds or nanoseconds; every parsed value is aware UTC;
* enums are open: an unknown value becomes a pseudo-member that keeps the wire string.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

import attrs

from aries_async.models._values import parse_decimal

__all__ = [
    "MS_RANGE",
    "CalendarDate",
    "OpenEnum",
    "datetime_to_epoch",
    "datetime_to_wire",
    "decimal_to_wire",
    "epoch_ms",
    "field_wire_name",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "wire",
    "wire_case",
]

_E = TypeVar("_E", bound="OpenEnum")


class OpenEnum(str, enum.Enum):
    """A string enum that keeps values it does not know instead of raising.

    ``OrderStatus("SOMETHING_NEW")`` returns a pseudo-member whose ``value`` is the wire string,
    unchanged, and whose :attr:`is_known` is ``False``; it compares equal to that string like
    every member, so it round-trips to the wire as it came. Known values are matched without
    regard to case (``"buy"`` is ``Side.BUY``), and a subclass may accept short aliases by
    overriding :meth:`_wire_aliases` (``"ATO"`` is ``TimeInForce.AT_THE_OPENING``).

    Example:
        >>> class Color(OpenEnum):
        ...     RED = "RED"
        >>> Color("red") is Color.RED, Color("MAUVE").value, Color("MAUVE").is_known
        (True, 'MAUVE', False)
    """

    @classmethod
    def _wire_aliases(cls) -> Mapping[str, str]:
        """Upper-case alias -> canonical wire value; none by default."""
        return {}

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        upper = value.upper()
        for member in cls.__members__.values():
            if member.value.upper() == upper:
                return member
        target = cls._wire_aliases().get(upper)
        if target is not None:
            return cls(target)
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """Whether this value is one the SDK was built with."""
        return self._name_ in type(self).__members__

    def __str__(self) -> str:
        return str(self.value)


CalendarDate = date
"""``datetime.date`` under a name a model's field ``date`` does not hide (generated models)."""


def wire(
    name: str | None = None,
    *,
    epoch: Literal["s", "ms", "us", "ns"] | None = None,
    lenient: bool = False,
    blank: bool = False,
) -> dict[str, str]:
    """Field metadata for the converter: an exact wire name, an epoch encoding, how to read.

    Args:
        name: the exact wire name, when the automatic camelCase/snake_case rule is wrong.
        epoch: for ``datetime`` fields (and lists of them) sent as Unix integers: ``"s"``,
            ``"ms"``, ``"us"`` or ``"ns"``. Parsing accepts any epoch or RFC 3339 anyway; this
            only decides how the value is written.
        lenient: for an optional ``date``, ``datetime`` or ``Decimal`` field whose wire type
            is a plain string: a value that is not a date (a date-time, a number: ``"N/A"``)
            reads as ``None`` (with a warning on the ``aries_async.models`` logger) instead of
            failing the whole model; likewise for an ``int`` the wire types as any number (a
            fiscal year): a value with a fraction reads as ``None``.
        blank: for a ``Decimal`` field the server often sends as ``""`` (an order's unused
            prices). Every amount reads ``""`` as absent; this one reads it as fast as a
            number when an answer is read from its bytes (:mod:`aries_async.models._reader`).

    Example: ``today_realized_pnl: Decimal | None = attrs.field(default=None,
    metadata=wire("todayRealizedPnL"))``.
    """
    meta: dict[str, str] = {}
    if name:
        meta["wire"] = name
    if epoch:
        meta["epoch"] = epoch
    if lenient:
        meta["lenient"] = "yes"
    if blank:
        meta["blank"] = "yes"
    return meta


def decimal_to_wire(value: Decimal) -> str:
    """A plain decimal string, never exponent notation: ``Decimal("1E+2")`` -> ``"100"``."""
    text = format(value, "f")
    return "0" if text in ("-0", "-0.0") else text


# The unit of an epoch is told from its size: below 1e11 it is seconds (1e11 s is the year
# 5138), below 1e14 milliseconds (1e11 ms is 1973-03-03), below 1e17 microseconds (1e14 us is
# 1973-03-03 too), else nanoseconds (1e17 ns is 1973-03-03). Instants since 1973 and before
# 5138 are therefore read right whatever their unit.
_EPOCH_NS = 10**17
_EPOCH_US = 10**14
_EPOCH_MS = 10**11
MS_RANGE = (_EPOCH_MS, _EPOCH_US)
"""Whole numbers of this size are Unix ms (as :func:`epoch_ms` reads them): a time in it needs
no conversion."""
_UNIX = datetime(1970, 1, 1, tzinfo=UTC)


def _from_epoch(number: float) -> datetime:
    magnitude = abs(number)
    if isinstance(number, int):
        # Integer arithmetic: a float of nanoseconds since 1970 has no microsecond precision
        # left. Digits below a microsecond are dropped (``datetime`` holds none).
        if magnitude >= _EPOCH_NS:
            return _UNIX + timedelta(microseconds=number // 1000)
        if magnitude >= _EPOCH_US:
            return _UNIX + timedelta(microseconds=number)
        if magnitude >= _EPOCH_MS:
            return _UNIX + timedelta(milliseconds=number)
        return _UNIX + timedelta(seconds=number)
    if magnitude >= _EPOCH_NS:
        seconds = number / 1e9
    elif magnitude >= _EPOCH_US:
        seconds = number / 1e6
    elif magnitude >= _EPOCH_MS:
        seconds = number / 1e3
    else:
        seconds = float(number)
    return datetime.fromtimestamp(seconds, tz=UTC)


def parse_datetime(value: object) -> datetime | None:
    """Parse an RFC 3339 string or a Unix epoch (s, ms, us or ns, told apart by size) to aware UTC.

    Naive strings are taken as UTC. ``""``/None -> None.

    Raises:
        ValueError: the value is not a date-time.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    if isinstance(value, bool):
        raise ValueError(f"not a date-time: {value!r}")
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    if isinstance(value, Decimal):  # an epoch read exactly (http/decode.py)
        if not value.is_finite():
            raise ValueError(f"not a date-time: {value!r}")
        whole = value == value.to_integral_value()
        return _from_epoch(int(value) if whole else float(value))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.lstrip("-").isdigit():
            return _from_epoch(int(text))
        return _parse_rfc3339(text)
    raise ValueError(f"not a date-time: {value!r}")


def _parse_rfc3339(text: str) -> datetime:
    original = text
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    text = text.replace("t", "T", 1) if "T" not in text else text
    # Python 3.10's fromisoformat wants 3 or 6 fractional digits; trim or pad the fraction.
    dot = text.find(".")
    if dot != -1:
        end = dot + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        fraction = text[dot + 1 : end][:6].ljust(6, "0")
        text = f"{text[:dot]}.{fraction}{text[end:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an RFC 3339 date-time: {original!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(value: object) -> date | None:
    """Parse ``YYYY-MM-DD`` (or the date part of a date-time), or ``MM/DD/YYYY`` (the index
    bars' form); ``""``/None -> None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            if len(text) == 10 and text[2] == text[5] == "/":
                return date(int(text[6:]), int(text[:2]), int(text[3:5]))
            return date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(f"not a date: {value!r}") from None
    raise ValueError(f"not a date: {value!r}")


def datetime_to_wire(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``: ``2026-01-15T14:30:05Z`` (fraction kept when present)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


_PER_MICRO = {"ns": (1000, 1), "us": (1, 1), "ms": (1, 1000), "s": (1, 1_000_000)}


def datetime_to_epoch(value: datetime, unit: str = "s") -> int:
    """Unix seconds (``unit="s"``), milliseconds (``"ms"``), microseconds (``"us"``) or
    nanoseconds (``"ns"``) of a datetime; naive means UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - _UNIX
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    times, per = _PER_MICRO[unit]
    return micros * times // per


def epoch_ms(value: object) -> int | None:
    """A wire time as whole Unix milliseconds: an epoch in s, ms, us or ns (told apart by
    size, as :func:`parse_datetime` does) or RFC 3339 text; None when absent or unreadable.

    Two times in different forms compare right once read this way (``1750839134`` s and
    ``"2025-06-25T08:12:14Z"`` are the same instant).
    """
    if type(value) is int:
        # Integer arithmetic, no datetime: this reads the streams' envelope times.
        magnitude = abs(value)
        if magnitude < _EPOCH_MS:
            return value * 1000
        if magnitude < _EPOCH_US:
            return value
        return value // 1000 if magnitude < _EPOCH_NS else value // 1_000_000
    try:
        when = parse_datetime(value)
    except (ValueError, OverflowError, OSError):
        return None
    return None if when is None else datetime_to_epoch(when, "ms")


def wire_case(cls: type) -> str:
    """How a model's fields are named on the wire: ``"camel"``, or ``"snake"`` when the class
    sets ``__wire_case__ = "snake"``."""
    return str(getattr(cls, "__wire_case__", "camel"))


def field_wire_name(field: attrs.Attribute[Any], case: str) -> str:
    """The wire name of an attrs field: its ``wire`` metadata, else camelCase or snake_case."""
    explicit = field.metadata.get("wire")
    if explicit:
        return str(explicit)
    name = field.name.rstrip("_")
    if case == "snake":
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
