"""The one cattrs converter that turns wire JSON into models and models back into wire JSON.

Rules, applied to every attrs model without per-class code:

* wire names: camelCase of the attribute name, or snake_case when the class sets
  ``__wire_case__ = "snake"``; a field's ``wire`` metadata (see :func:`common.wire`) wins;
* unknown wire keys are ignored (:data:`converter`) or rejected (:func:`strict_converter`, used by
  the tests to catch fields we forgot);
* ``Decimal`` from decimal strings or JSON numbers (``""`` is absent), out as plain strings;
* ``datetime`` from RFC 3339 or epochs, always aware UTC; out as RFC 3339 with ``Z``;
* ``date`` as ``YYYY-MM-DD``; open enums keep unknown values;
* on the way out, attributes that are ``None`` are omitted, as the server and the SDK do.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from aries_async.models.common import (
    OpenEnum,
    datetime_to_epoch,
    datetime_to_wire,
    decimal_to_wire,
    field_wire_name,
    parse_date,
    parse_datetime,
    parse_decimal,
)

__all__ = ["converter", "strict_converter", "structure", "unstructure"]

T = TypeVar("T")


def _wire_case(cls: type) -> str:
    return str(getattr(cls, "__wire_case__", "camel"))


def _strip_optional(tp: Any) -> Any:
    """``X | None`` -> ``X``: ``None`` values are omitted before the hook is called."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


def _configure(conv: cattrs.Converter, *, forbid_extra_keys: bool) -> cattrs.Converter:
    conv.register_structure_hook(Decimal, lambda value, _type: parse_decimal(value))
    conv.register_unstructure_hook(Decimal, decimal_to_wire)
    conv.register_structure_hook(datetime, lambda value, _type: parse_datetime(value))
    conv.register_unstructure_hook(datetime, datetime_to_wire)
    conv.register_structure_hook(date, lambda value, _type: parse_date(value))
    conv.register_unstructure_hook(date, lambda value: value.isoformat())

    def _structure_enum(value: Any, cls: type[OpenEnum]) -> OpenEnum:
        return cls(value if isinstance(value, str) else str(value))

    # Class-based registration: it must win over cattrs' own hooks for ``str``, a base class.
    conv.register_structure_hook(OpenEnum, _structure_enum)
    conv.register_unstructure_hook(OpenEnum, lambda value: value.value)

    def _structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        case = _wire_case(cls)
        fields = attrs.fields(cls)
        overrides: dict[str, Any] = {
            a.name: override(rename=field_wire_name(a, case)) for a in fields
        }
        inner = make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=forbid_extra_keys, **overrides
        )
        # ``null`` for a field that has a default means "absent" (``"orders": null`` -> ``[]``).
        defaulted = frozenset(
            field_wire_name(a, case) for a in fields if a.default is not attrs.NOTHING
        )

        def structure_model(value: Any, type_: Any) -> Any:
            if type(value) is not dict and not isinstance(value, Mapping):
                # cattrs would read a string's fields with ``in`` and build an empty model.
                raise TypeError(f"expected a JSON object for {cls.__name__}, got {value!r:.80}")
            if isinstance(value, dict) and any(
                value[key] is None for key in defaulted.intersection(value)
            ):
                value = {k: v for k, v in value.items() if v is not None or k not in defaulted}
            return inner(value, type_)

        return structure_model

    def _unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        attrs.resolve_types(cls)
        case = _wire_case(cls)
        fields = attrs.fields(cls)
        names = [(a.name, field_wire_name(a, case)) for a in fields]
        # Hooks are looked up on first use, so models that contain themselves do not recurse here.
        handlers: list[Callable[[Any], Any]] = []

        def _handler(a: attrs.Attribute[Any]) -> Callable[[Any], Any]:
            unit = a.metadata.get("epoch")
            if unit:
                return lambda value: datetime_to_epoch(value, unit)
            if a.type is None:
                return conv.unstructure
            return conv.get_unstructure_hook(_strip_optional(a.type))

        def unstructure_model(obj: Any) -> dict[str, Any]:
            if not handlers:
                handlers.extend(_handler(a) for a in fields)
            out: dict[str, Any] = {}
            for (name, wire_name), handler in zip(names, handlers, strict=True):
                value = getattr(obj, name)
                if value is not None:
                    out[wire_name] = handler(value)
            return out

        return unstructure_model

    conv.register_structure_hook_factory(attrs.has, _structure_factory)
    conv.register_unstructure_hook_factory(attrs.has, _unstructure_factory)
    return conv


converter: cattrs.Converter = _configure(cattrs.Converter(), forbid_extra_keys=False)
"""The production converter: tolerant of unknown fields and values."""


def strict_converter() -> cattrs.Converter:
    """A converter that rejects unknown wire keys; tests use it to keep models complete."""
    return _configure(cattrs.Converter(), forbid_extra_keys=True)


def structure(data: Any, cls: type[T]) -> T:
    """Build a model (or ``list[Model]`` and friends) from decoded wire JSON.

    Raises:
        cattrs.errors.ClassValidationError: the data does not fit ``cls`` (wrapped by the
            resources into :class:`aries_async.errors.ResponseFormatError`).
    """
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Wire JSON (camelCase keys, decimal strings, RFC 3339 times, no ``None``) for a model."""
    return converter.unstructure(obj)
