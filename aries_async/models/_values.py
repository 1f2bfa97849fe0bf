"""Wire numbers as ``Decimal``: the one conversion every model uses.

Market data sends JSON numbers; a float becomes the ``Decimal`` of its shortest text, the digits
``repr`` writes (``189.49`` -> ``Decimal("189.49")``, never ``189.4900000000000090...``).
:func:`number_decimal` converts one value and :func:`numbers_decimals` a list of them in one
go; :func:`parse_decimal` is the strict form for REST models, which refuses what is not a number.
:func:`parse_whole` reads a whole number (a count, a year) and refuses a fraction;
:func:`wire_text` reads a text field, and refuses an object or a list.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal, InvalidOperation
from typing import Any

import orjson

from aries_async._redaction import kind_of, shown
from aries_async.errors import ResponseFormatError

__all__ = [
    "EXACT",
    "float_decimal",
    "json_number",
    "loose_value",
    "number_decimal",
    "numbers_decimals",
    "parse_decimal",
    "parse_whole",
    "response_decimal",
    "wire_text",
]

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
    """A market-data value as ``Decimal``, tolerantly: a JSON number (an int, a float, or the
    ``Decimal`` an exactly read number is), or a decimal string as some messages send; None
    for ``""``, inf, nan and anything that is not a number."""
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
    if kind is Decimal:  # a number read exactly (http/decode.py: more digits than a float's)
        return value if value.is_finite() else None
    if isinstance(value, str):
        return number_decimal(str(value))
    if isinstance(value, float):
        return float_decimal(float(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(int(value), EXACT)
    return None


def loose_value(value: Any) -> Any:
    """A value of an open object's unnamed keys: a number as ``Decimal``, the rest as is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_decimal(value)
    return value


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
        ValueError: the value is not a finite number (quoted when a number or a short word,
            else told by its kind and length: :func:`~aries_async._redaction.shown`).
    """
    if value.__class__ is str:  # what REST answers hold: a decimal string, checked once
        try:
            parsed = Decimal(value)
        except InvalidOperation:
            pass
        else:
            if parsed.is_finite():
                return parsed
    if value is None or isinstance(value, Decimal):
        return value
    # A bad value is quoted when a number or a short word ("N/A"), else told by its kind
    # (shown): a long text where an amount belongs may be a secret the server echoed.
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"not a decimal number: {shown(value)}")
    if isinstance(value, str) and not value.strip():
        return None
    number = number_decimal(value)
    if number is None:
        try:
            Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {shown(value)}") from None
        raise ValueError(f"not a finite decimal number: {shown(value)}")
    return number


def parse_whole(value: Any) -> int:
    """``value`` (a JSON number, exact or not, or digits) as an ``int``.

    Raises:
        ValueError: a number with a fraction: ``int(12.5)`` is 12, a fraction cut without a
            word (of an exact number too); or text that is not a whole number (quoted when a
            short word, else told by its length: :func:`~aries_async._redaction.shown`).
        TypeError: a value of no number type (a list, an object).
    """
    if (value.__class__ is float and not value.is_integer()) or (
        value.__class__ is Decimal and value != value.to_integral_value()
    ):
        raise ValueError(f"expected a whole number, got {shown(value)}")
    try:
        return int(value)
    except ValueError:  # int()'s own words quote the text whole
        raise ValueError(f"expected a whole number, got {shown(value)}") from None


def response_decimal(value: object, what: str) -> Decimal | None:
    """:func:`parse_decimal` for a market-data answer: a value that is not a number is a
    :class:`~aries_async.errors.ResponseFormatError` naming ``what``."""
    try:
        return parse_decimal(value)
    except ValueError as exc:
        raise ResponseFormatError(f"{what}: {exc}") from None


def wire_text(value: Any) -> str:
    """A text field's wire value: text as it is, a number or a boolean as its text (``12`` ->
    ``"12"``: an id the spec leaves UNCERTAIN may come as a number, ``true`` -> ``"True"``).

    Raises:
        TypeError: an object, a list or ``null`` (in a list of texts), said by its type and
            never quoted: the text of an object is no value of the field, and may hold a
            secret (a server echoing a request puts a token there).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):  # a bool is an int
        return str(value)
    raise TypeError(f"expected text, got {kind_of(value)}")
