"""The arguments of the generated methods, checked against the description's JSON Schemas and
rendered as the wire wants them; anything else is a :class:`ValidationError` naming the
parameter (and the method), raised before anything is sent."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from aries_async.apispec import schemas
from aries_async.apispec.amounts import is_decimal_string, query_amount
from aries_async.apispec.naming import query_time, ref_name, variants
from aries_async.apispec.ranges import (
    BODY_COUNTS,
    COUNT_PARAMS,
    LENGTH_PARAMS,
    LIST_MAXIMA,
    PAGE_PARAMS,
    VALUE_BOUNDS,
    count_bounds,
    list_length,
)
from aries_async.apispec.wall_times import WALL_FORM, WALL_TIMES, wall_day, wall_text, wall_time
from aries_async.errors import ValidationError
from aries_async.models._values import number_decimal
from aries_async.models.common import (
    datetime_to_epoch,
    datetime_to_wire,
    decimal_to_wire,
    field_wire_name,
    wire_case,
)

__all__ = ["blank_text", "body_value", "invalid", "query_value"]


def invalid(method: str, name: str, why: str) -> ValidationError:
    """``ValidationError("analytics.ratings(): page_size must be integer, got 'x'")``."""
    return ValidationError(f"{method}(): {name} {why}", field=name)


def blank_text(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether ``value`` is a blank string (empty or white space only) that ``schema`` does
    not allow by name: no ``enum`` lists it and no ``pattern`` matches it."""
    if not isinstance(value, str) or value.strip():
        return False
    for alt in variants(dict(schema)):
        pattern = alt.get("pattern")
        if value in alt.get("enum", ()) or (isinstance(pattern, str) and re.search(pattern, value)):
            return False
    return True


def _number(method: str, name: str, value: Any, text: bool = False) -> Decimal:
    """``value`` as a finite Decimal: from a Decimal or an int; when ``text`` (money or a
    quantity the wire takes as a decimal string) from a decimal string too, never a float (it
    would send its binary noise, ``0.1 + 0.2`` as ``0.30000000000000004``); otherwise (a JSON
    number: a market-data filter) from a float by its shortest text."""
    if text and isinstance(value, float):
        raise invalid(
            method, name, f"float {value!r} refused, pass a Decimal, int or str (floats lose money)"
        )
    if isinstance(value, Decimal):
        number: Decimal | None = value if value.is_finite() else None
    elif isinstance(value, bool) or (isinstance(value, str) and not text):
        number = None
    else:
        number = number_decimal(value)
    if number is None:
        raise invalid(method, name, f"must be a decimal number, got {value!r}")
    return number


def _scalar(method: str, name: str, value: Any, schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    allowed = schema.get("enum")
    if allowed is not None:
        if not isinstance(value, str) or str(value) not in allowed:
            choices = ", ".join(repr(v) for v in allowed)
            raise invalid(method, name, f"must be one of {choices}, got {value!r}")
        return str(value)
    if schema.get("format") == "date":
        if not isinstance(value, date) or isinstance(value, datetime):
            raise invalid(method, name, f"must be a datetime.date, got {value!r}")
        return value.isoformat()
    if kind == "boolean":
        if not isinstance(value, bool):
            raise invalid(method, name, f"must be True or False, got {value!r}")
        return "true" if value else "false"
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(method, name, f"must be a whole number, got {value!r}")
        return str(value)
    if kind == "number":
        return decimal_to_wire(_number(method, name, value))
    if isinstance(value, str):
        if not value.strip():
            raise invalid(method, name, "must not be empty")
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise invalid(method, name, f"must be a timezone-aware datetime, got {value!r}")
        return datetime_to_wire(value)
    if isinstance(value, date):
        return value.isoformat()
    # A number is refused, not written out: the text of an identifier (a CIK's, a CUSIP's
    # leading zeros), a ticker or a code is the user's to give, as the signature (``str``) says.
    raise invalid(method, name, f"must be a string (the text the API takes), got {value!r}")


def query_value(
    method: str, name: str, value: Any, schema: Mapping[str, Any], wire: str = "", op_id: str = ""
) -> str:
    """A query or path value as text; a list (for a parameter of comma-separated values) is
    joined with commas; a time as :data:`~aries_async.apispec.naming.QUERY_TIMES` says, its
    text checked (:func:`_time_text`), an aware ``datetime`` in the documented wall time where
    operation ``op_id`` takes one (:data:`~aries_async.apispec.wall_times.WALL_TIMES`); a
    count, a page number, an offset or a value of a documented range within its bounds
    (:func:`~aries_async.apispec.ranges.count_bounds`); an amount the wire takes as text
    (:func:`~aries_async.apispec.amounts.query_amount`: a strike) from a ``Decimal``, an
    ``int`` or a decimal string, sent as its exact text; a list no longer than its documented
    largest (:data:`~aries_async.apispec.ranges.LIST_MAXIMA`)."""
    plain = schema.get("type") == "string" and "format" not in schema and "enum" not in schema
    if wire in WALL_TIMES.get(op_id, ()):  # the index bars' window: its documented form only
        return _wall_value(method, name, value, upper=wire.startswith("end"))
    bounds = count_bounds(op_id, wire, dict(schema)) if wire else None
    if bounds is not None:
        what = "a page number" if wire in PAGE_PARAMS else "how many to skip"
        what = "a length in bars or a multiplier" if wire in LENGTH_PARAMS else what
        what = "how many to answer" if wire in COUNT_PARAMS else what
        what = "its documented range" if (op_id, wire) in VALUE_BOUNDS else what
        return _count(method, name, value, schema, bounds, what)
    when = query_time(wire, dict(schema)) if wire else None
    if when and isinstance(value, datetime):
        if when == "date":
            raise invalid(method, name, f"must be a datetime.date or a string, got {value!r}")
        if value.tzinfo is None:
            raise invalid(method, name, f"must be a timezone-aware datetime, got {value!r}")
        if when == "text":
            return datetime_to_wire(value)
        return str(datetime_to_epoch(value, when))
    if when and isinstance(value, str) and schema.get("type") == "string":
        return _time_text(method, name, value, when)
    if plain and query_amount(wire):
        return decimal_to_wire(_number(method, name, value, text=True))
    if plain and not isinstance(value, (str, bytes, Mapping)) and isinstance(value, Sequence):
        if not value:
            raise invalid(method, name, "must not be empty")
        text = ",".join(_scalar(method, name, item, schema) for item in value)
    else:
        text = _scalar(method, name, value, schema)
    most = LIST_MAXIMA.get((op_id, wire))
    if most is not None and list_length(text) > most:
        raise invalid(
            method, name, f"must list at most {most} items (the API's largest), got {value!r}"
        )
    return text


def _wall_value(method: str, name: str, value: Any, upper: bool) -> str:
    """A window's end where the API documents New York's wall time as its one form
    (:data:`~aries_async.apispec.wall_times.WALL_TIMES`): such text as given, an aware
    ``datetime`` or a ``date`` written in it (:func:`wall_text`,
    :func:`~aries_async.apispec.wall_times.wall_day`). Another text (RFC 3339, a day, an epoch
    number) would be refused by the server, so it is refused here."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise invalid(method, name, f"must be a timezone-aware datetime, got {value!r}")
        return wall_text(value, upper)
    if isinstance(value, date):
        return wall_day(value, upper)
    if isinstance(value, str) and wall_time(value) is not None:
        return value.strip()
    raise invalid(
        method,
        name,
        f"must be a time as {WALL_FORM} (New York's wall time, the one form the API documents),"
        f" a datetime.date or an aware datetime, got {value!r}",
    )


def _count(
    method: str,
    name: str,
    value: Any,
    schema: Mapping[str, Any],
    bounds: tuple[int, int | None],
    what: str,
) -> str:
    """A count of items, a page number or an offset: a whole number (an ``int``, or its digits
    where the wire types it text) within ``bounds`` (least, largest or None:
    ``ranges.count_bounds``, a count at least 1 unless told, a page number or offset 0)."""
    text = schema.get("type") == "string"
    if isinstance(value, str) and text and re.fullmatch(r"-?[0-9]+", value.strip()):
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise invalid(method, name, f"must be a whole number, got {value!r}")
    least, most = bounds
    if number < least:
        raise invalid(method, name, f"must be at least {least} ({what}), got {value!r}")
    if most is not None and number > most:
        raise invalid(method, name, f"must be at most {most} (the API's largest), got {value!r}")
    return str(number)


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"-?[0-9]+")


def _time_text(method: str, name: str, value: str, when: str) -> str:
    """A time parameter's text, sent as given when the API reads it as a time (``when`` as in
    :data:`~aries_async.apispec.naming.QUERY_TIMES`): a day ``YYYY-MM-DD`` (a real one); for an
    epoch unit also a whole number of that unit; for ``"text"`` also a whole number or an
    RFC 3339 instant with its zone or a wall time (``12/22/2025 9:30 am``,
    :func:`~aries_async.apispec.wall_times.wall_time`). Anything else (``"yesterday"``) would be
    sent for the server to refuse, or to ignore and answer every time."""
    text = value.strip()
    if _DAY.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return text
    elif when != "date" and _WHOLE.fullmatch(text):
        return text
    elif when == "text" and "T" in text.upper():
        try:
            instant = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            instant = None
        if instant is not None and instant.tzinfo is not None:
            return text
    elif when == "text" and wall_time(text) is not None:
        return text
    if when == "date":
        wanted = "a day as YYYY-MM-DD, or a datetime.date"
    elif when == "text":
        wanted = (
            "a time: a day as YYYY-MM-DD, an RFC 3339 instant with its zone, an epoch number"
            " or a wall time as MM/DD/YYYY hh:mm am/pm (or a date or an aware datetime)"
        )
    else:
        wanted = f"a day as YYYY-MM-DD or a whole number of {_UNITS[when]} (or a datetime)"
    raise invalid(method, name, f"must be {wanted}, got {value!r}")


_UNITS = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}


def body_value(
    method: str, name: str, value: Any, schema: dict[str, Any], owner: str, wire: str = ""
) -> Any:
    """A body value as JSON, checked against its schema: an object (a mapping by wire names,
    or an attrs model) key by key (:func:`_object`), a list item by item (``name[0]``...), a
    scalar by its type and format."""
    kinds = [alt for alt in variants(schema) if alt.get("type") != "null"]
    kind = kinds[0] if kinds else {}
    if attrs.has(type(value)) or isinstance(value, Mapping):
        if not (ref_name(kind) or kind.get("type") == "object"):
            raise invalid(method, name, f"must be {kind.get('type', 'a value')}, got a mapping")
        return _object(method, name, value, kind, owner)
    if kind.get("type") == "array":
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise invalid(method, name, f"must be a list, got {value!r}")
        items = kind.get("items", {})
        return [body_value(method, f"{name}[{i}]", v, items, owner) for i, v in enumerate(value)]
    if ref_name(kind):
        raise invalid(method, name, f"must be a {ref_name(kind)} or a mapping, got {value!r}")
    if kind.get("type") == "string" and is_decimal_string(owner, wire):
        return decimal_to_wire(_number(method, name, value, text=True))
    if kind.get("format") == "date-time":
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise invalid(method, name, f"must be a timezone-aware datetime, got {value!r}")
        return datetime_to_wire(value)
    if kind.get("format") == "date":
        return _scalar(method, name, value, kind)  # a calendar day, as a parameter takes one
    if kind.get("type") == "number":
        return float(_number(method, name, value))
    counted = BODY_COUNTS.get((owner, wire))
    bounds = count_bounds(counted, wire, kind) if counted else None
    if bounds is not None:  # a count the query's parameter of that name bounds: -1 refused
        return int(_count(method, name, value, kind, bounds, "how many to answer"))
    expected: dict[str, type | tuple[type, ...]] = {"string": str, "integer": int, "boolean": bool}
    wanted = expected.get(str(kind.get("type")))
    if wanted is not None and (
        not isinstance(value, wanted) or (isinstance(value, bool) and kind["type"] != "boolean")
    ):
        raise invalid(method, name, f"must be {kind['type']}, got {value!r}")
    return value


def _object(method: str, name: str, value: Any, kind: dict[str, Any], owner: str) -> Any:
    """An object checked against its schema: a key it does not name is refused (naming those
    it does), a required one must be there (and not blank text), and each value is checked as
    :func:`body_value` checks a parameter, under the name ``name.key``.

    A mapping is given by wire names and sent as checked; an attrs model is read by its
    fields' wire names, their Python values checked (a naive datetime is refused, not taken
    for UTC), and sent through the converter, as before.
    """
    schema_name = ref_name(kind)
    target: dict[str, Any] = schemas()[schema_name] if schema_name else kind
    properties: dict[str, Any] = target.get("properties", {})
    extra = target.get("additionalProperties", "properties" not in target)
    model = attrs.has(type(value))
    given = _wire_items(value) if model else value
    body: dict[str, Any] = {}
    for key, item in given.items():
        if not isinstance(key, str):
            raise invalid(method, name, f"keys must be strings (wire names), got {key!r}")
        prop = properties.get(key)
        if prop is None and not extra:
            allowed = ", ".join(sorted(properties))
            raise invalid(method, f"{name}.{key}", f"is an unknown key (allowed: {allowed})")
        if item is not None:
            where = schema_name or owner
            schema = prop if prop is not None else extra if isinstance(extra, dict) else {}
            body[key] = body_value(method, f"{name}.{key}", item, schema, where, key)
    for key in target.get("required", []):
        if key not in body:
            raise invalid(method, f"{name}.{key}", "is required")
        if blank_text(body[key], properties.get(key, {})):
            raise invalid(method, f"{name}.{key}", "must not be empty")
    if model:
        from aries_async.models._converter import unstructure

        return unstructure(value)
    return body


def _wire_items(model: Any) -> dict[str, Any]:
    """An attrs model's fields by their wire names (as the converter writes them), the ones
    that are None left out, with the keys of an open model's ``__wire_extra__`` field."""
    cls = type(model)
    case = wire_case(cls)
    extra = getattr(cls, "__wire_extra__", None)
    items = {
        field_wire_name(a, case): getattr(model, a.name)
        for a in attrs.fields(cls)
        if a.name != extra and getattr(model, a.name) is not None
    }
    if extra is not None:
        items.update(getattr(model, extra))
    return items
