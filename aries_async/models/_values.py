"""Wire numbers as ``Decimal``: the one conversion every model uses.

Market data sends JSON numbers; a float becomes the ``Decimal`` of its shortest text, the digits
``repr`` writes (``189.49`` -> ``Decimal("189.49")``, never ``189.4900000000000090...``).
:func:`number_decimal` converts one value and :func:`numbers_decimals` a list of them in one
go; :func:`parse_decimal` is the strict form for REST models, which refuses what is not a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal, InvalidOperation
from typing import Any, TypeVar, cast

import attrs
import orjson

from aries_async.errors import ResponseFormatError
from aries_async.models._deferred import Deferred

__all__ = [
    "EXACT",
    "defer_decimals",
    "float_decimal",
    "json_number",
    "number_decimal",
    "numbers_decimals",
    "parse_decimal",
    "response_decimal",
    "wire_decimal",
    "wire_numbers_valid",
]

_M = TypeVar("_M")

EXACT = Context()
"""A decimal context for converting wire numbers without looking up (and, in every new asyncio
task, creating) the current one on each call: ``Decimal(value, EXACT)`` for an int or a
float's text, ``EXACT.create_decimal(text)`` for the shortest text of a float (at most 17
digits, a float's exponent, so its 28 digits never round). Either gives exactly the Decimal
that ``Decimal(text)`` gives."""

_create = EXACT.create_decimal
_dumps = orjson.dumps


def float_decimal(value: float) -> Decimal | None:
    """A float as ``Decimal``; None for inf and nan.

    orjson writes a float as the shortest text that reads back as the same float, which is
    what ``repr`` writes (same digits; at most the exponent is spelled differently, ``1e-05``
    against ``0.00001``), so the Decimal is the one ``Decimal(repr(value))`` gives: same
    digits, same exponent, in about a quarter of the time of ``repr``.
    """
    try:
        return _create(_dumps(value).decode())
    except InvalidOperation:  # inf or nan, which orjson writes as null
        return None


def number_decimal(value: Any) -> Decimal | None:
    """A market-data value as ``Decimal``, tolerantly: a JSON number, or a decimal string as
    some messages send; None for ``""``, inf, nan and anything that is not a number."""
    kind = type(value)
    if kind is float:
        return float_decimal(value)
    if kind is int:
        return Decimal(value, EXACT)
    if kind is str:
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            return None
        return result if result.is_finite() else None
    if isinstance(value, str):
        return number_decimal(str(value))
    if isinstance(value, float):
        return float_decimal(float(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(int(value), EXACT)
    return None


def numbers_decimals(numbers: Sequence[object]) -> list[Decimal | None] | None:
    """Every value of ``numbers`` as :func:`number_decimal` gives it, converted in one go, or
    None unless each is None, an int or a finite float (what JSON numbers decode to).

    orjson writes the numbers as their shortest text, all at once in C, and the context builds
    every ``Decimal`` from its text: one call for the batch instead of a Python call per value.
    ``null`` parts are the ``None`` values, unless there are more of them than ``None`` values
    (NaN and infinity are written as ``null`` too). Anything else that is not a JSON number (a
    string, a boolean, an object) is written as text that is not a decimal number, which the
    context refuses; the caller then converts (or refuses) the values one by one.
    """
    try:
        text = _dumps(numbers).decode()
    except orjson.JSONEncodeError:  # a Decimal, an int beyond 64 bits...
        return None
    parts = text[1:-1].split(",")
    if len(parts) != len(numbers):  # a string or a list holding a comma
        return None
    # Exact: a float's shortest text has at most 17 digits and orjson's ints at most 20, so the
    # 28-digit context never rounds.
    try:
        if "null" not in text:
            return list(map(_create, parts))
        if text.count("null") != numbers.count(None):
            return None  # NaN or an infinity
        return [None if part == "null" else _create(part) for part in parts]
    except (InvalidOperation, ValueError):  # not a number: a string, true, {}...
        return None


def json_number(value: Decimal) -> int | float:
    """A ``Decimal`` as the JSON number the market-data endpoints send."""
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    return float(value)


def parse_decimal(value: object) -> Decimal | None:
    """Turn a wire number (decimal string, int or float) into a ``Decimal``; ``""``/None -> None.

    Raises:
        ValueError: the value is not a number.
    """
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"not a decimal number: {value!r}")
    if isinstance(value, str) and not value.strip():
        return None
    number = number_decimal(value)
    if number is None:
        try:
            Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
        raise ValueError(f"not a finite decimal number: {value!r}")
    return number


def response_decimal(value: object, what: str) -> Decimal | None:
    """:func:`parse_decimal` for a market-data answer: a value that is not a number is a
    :class:`~aries_async.errors.ResponseFormatError` naming ``what``."""
    try:
        return parse_decimal(value)
    except ValueError as exc:
        raise ResponseFormatError(f"{what}: {exc}") from None


def wire_decimal(value: object) -> Decimal | None:
    """A REST wire number that :func:`wire_numbers_valid` passed, as :func:`parse_decimal`
    gives it (``""`` and None are None)."""
    if value.__class__ is str:
        return Decimal(value) if value else None
    return number_decimal(value)


_NUMBER_TEXT = b"0123456789.-+eE,[]nul"


def wire_numbers_valid(rows: Sequence[tuple[object, ...]], width: int) -> bool:
    """Whether each value of ``rows`` (tuples of ``width`` values) is None, ``""``, an int, a
    finite float, or a string of a JSON number: each then gives the same ``Decimal`` through
    :func:`wire_decimal` as through :func:`parse_decimal`. False sends the caller to
    :func:`parse_decimal`, which converts (``"007"``, ``" 1"``) or refuses them.

    The check runs in C for all rows at once: orjson writes them, the strings lose their
    quotes (an empty one becomes ``null``) and orjson reads the text back, which it does only
    if every value is a number in JSON's grammar or ``null``.
    """
    try:
        text = _dumps(rows)
    except orjson.JSONEncodeError:  # an int beyond 64 bits, a Decimal...
        return False
    if b"null" in text and text.count(b"null") != sum(row.count(None) for row in rows):
        return False  # NaN or an infinity, which orjson writes as null too; or a text "null"
    plain = text.replace(b'""', b"null").translate(None, b'"')
    if plain.translate(None, _NUMBER_TEXT) or plain.count(b"[") != len(rows) + 1:
        return False  # a letter, a space, a brace...; a bracket in a text
    try:
        numbers = orjson.loads(plain)
    except orjson.JSONDecodeError:  # not a number in JSON's grammar ("1.2.3", "-")
        return False
    return sum(map(len, numbers)) == len(rows) * width  # no comma in a text


_DECIMAL_ANNOTATIONS = ("Decimal | None", Decimal | None)


def defer_decimals(cls: type[_M]) -> type[_M]:
    """Class decorator for an attrs model (``slots=False``) built in bulk from REST answers:
    its ``Decimal | None`` fields become :class:`~aries_async.models._deferred.Deferred`, read
    with :func:`wire_decimal` from the values the converter checked and left pending.

    A model built by its constructor holds its values and never calls them.
    """
    # The annotation's text, as ``from __future__ import annotations`` leaves it: resolving
    # the hints here would cost every program that imports the models.
    names = [
        a.name
        for a in attrs.fields(cast(Any, cls))
        if a.type in _DECIMAL_ANNOTATIONS and a.default is None and a.init
    ]
    for index, name in enumerate(names):
        setattr(cls, name, Deferred(name, wire_decimal, index))
    return cls
