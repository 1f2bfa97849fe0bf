"""The one cattrs converter that turns wire JSON into models and models back into wire JSON.

Rules, applied to every attrs model without per-class code:

* wire names: camelCase of the attribute name, or snake_case when the class sets
  ``__wire_case__ = "snake"``; a field's ``wire`` metadata (see :func:`common.wire`) wins;
* unknown wire keys are ignored (:data:`converter`) or rejected (:func:`strict_converter`, used by
  the tests to catch fields we forgot);
* ``Decimal`` from decimal strings or JSON numbers (``""`` is absent), out as plain strings;
* ``datetime`` from RFC 3339 or epochs, always aware UTC; out as RFC 3339 with ``Z``;
* text as it is, a number or a boolean as its text, an object or a list refused;
* ``date`` as ``YYYY-MM-DD``; a time, ``Decimal`` or ``int`` field with ``wire(lenient=True)``
  reads an unreadable value (a year of 2025.5) as ``None`` (logged on ``aries_async.models``)
  instead of failing the model;
* open enums keep unknown values;
* a model that sets ``__wire_extra__ = "name"`` (an object with ``additionalProperties``) keeps
  the wire keys it does not name in that ``dict`` field, numbers as ``Decimal``;
* a union of models that each set ``__wire_tag__ = (field, value)`` (the generated models of a
  ``oneOf``) is read as the member whose tag the data carries;
* on the way out, attributes that are ``None`` are omitted, as the server and the SDK do.

Each model's structure function is made by cattrs on first use, with the conversion of every
field chosen once for its type; data that does not fit is structured again by cattrs' detailed
path, so the error names the field (and the index in a list) that is wrong.
"""

from __future__ import annotations

import logging
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from aries_async._answer_secrets import unquoted_start
from aries_async._redaction import kind_of
from aries_async.models._envelopes import closed_keys, unknown_keys
from aries_async.models._lists import is_list, list_hook_factory
from aries_async.models._values import loose_value, parse_whole, wire_text
from aries_async.models.common import (
    OpenEnum,
    datetime_to_epoch,
    datetime_to_wire,
    decimal_to_wire,
    field_wire_name,
    parse_date,
    parse_datetime,
    parse_decimal,
    wire_case,
)

__all__ = ["converter", "strict_converter", "structure", "unstructure"]

T = TypeVar("T")

_log = logging.getLogger("aries_async.models")


def _strip_optional(tp: Any) -> Any:
    """``X | None`` -> ``X``: ``None`` values are omitted before the hook is called."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


_Hook = Callable[[Any, Any], Any]

# What a field marked ``wire(lenient=True)`` is read with, and what the warning calls a value
# that does not read: each parser raises ValueError (or OverflowError, OSError) for it.
_LENIENT: dict[type, Callable[[Any], Any]] = {
    date: parse_date,
    datetime: parse_datetime,
    Decimal: parse_decimal,
    int: parse_whole,
}
_LENIENT_WHAT = {date: "date", datetime: "date-time", Decimal: "number", int: "whole number"}


def _null_of(a: attrs.Attribute[Any], optional: bool) -> Callable[[], Any] | None:
    """What ``null`` on the wire gives for field ``a``: its default (``null`` means absent),
    ``None`` for an optional field, or None to let the type's own hook decide."""
    default: Any = a.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory: Callable[[], Any] = default.factory
        return factory
    if default is not attrs.NOTHING:
        return lambda: default
    if optional:
        return lambda: None
    return None


def _takes_self(a: attrs.Attribute[Any]) -> bool:
    default: Any = a.default
    return isinstance(default, attrs.Factory) and bool(default.takes_self)  # type: ignore[arg-type]


def _field_hook(conv: cattrs.Converter, a: attrs.Attribute[Any]) -> _Hook | None:
    """A structure hook for one field, with its type's conversion and its ``null`` rule chosen
    once: exact ``str``, ``int`` and ``bool`` values and well-formed decimal strings, RFC 3339
    times and known enum values take a short path, anything else the general parser, which
    gives the same value or raises. None when the field needs cattrs' own handling."""
    declared = a.type
    inner = _strip_optional(declared)
    optional = inner is not declared
    if _takes_self(a):
        return None
    null_of = _null_of(a, optional)
    general: _Hook = conv.get_structure_hook(inner)
    if null_of is None:

        def null() -> Any:
            return general(None, inner)

    else:
        null = null_of

    if inner is Decimal and not a.metadata.get("lenient"):

        def structure_decimal(value: Any, _type: Any) -> Any:
            if value is None:
                return null()
            return parse_decimal(value)

        return structure_decimal

    if a.metadata.get("lenient") and inner in _LENIENT:
        parse: Callable[[Any], Any] = _LENIENT[inner]
        owner, what = a.name, _LENIENT_WHAT[inner]

        def structure_lenient(value: Any, _type: Any) -> Any:
            try:
                return parse(value)
            except (ValueError, OverflowError, OSError):
                # The schema promises only a string: one odd value must not lose the answer.
                shown = unquoted_start(repr(value), 80)  # a secret echoed there is not shown
                _log.warning("not a %s in field %s: %s; read as None", what, owner, shown)
                return None

        return structure_lenient

    if inner is datetime:

        def structure_datetime(value: Any, _type: Any) -> Any:
            if value.__class__ is str:
                try:
                    parsed = datetime.fromisoformat(value)
                except ValueError:
                    pass
                else:
                    # naive: may be epoch digits ("20260115"); parse_datetime tells them apart
                    zone = parsed.tzinfo
                    if zone is UTC:
                        return parsed
                    if zone is not None:
                        return parsed.astimezone(UTC)
            elif value is None:
                return null()
            return parse_datetime(value)

        return structure_datetime

    if isinstance(inner, type) and issubclass(inner, OpenEnum):
        members: dict[str, OpenEnum] = {member.value: member for member in inner}

        def structure_enum(value: Any, _type: Any) -> Any:
            if value.__class__ is str:
                member = members.get(value)
                if member is not None:
                    return member
            elif value is None:
                return null()
            return general(value, inner)

        return structure_enum

    if inner in (str, int, bool):

        def structure_exact(value: Any, _type: Any) -> Any:
            if value.__class__ is inner:
                return value
            if value is None:
                return null()
            return general(value, inner)

        return structure_exact

    def structure_other(value: Any, _type: Any) -> Any:
        if value is None:
            return null()
        return general(value, inner)

    return structure_other


def _is_tagged_union(tp: Any) -> bool:
    """A union of models that all carry a ``__wire_tag__``."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    members = [arg for arg in typing.get_args(tp) if arg is not type(None)]
    return bool(members) and all(hasattr(arg, "__wire_tag__") for arg in members)


def _tagged_union_factory(conv: cattrs.Converter) -> Callable[[Any], _Hook]:
    def factory(tp: Any) -> _Hook:
        members = {arg.__wire_tag__: arg for arg in typing.get_args(tp) if arg is not type(None)}

        def structure_tagged(value: Any, _type: Any) -> Any:
            if value is None and type(None) in typing.get_args(tp):
                return None
            if isinstance(value, Mapping):
                for (field, tag), cls in members.items():
                    if value.get(field) == tag:
                        return conv.structure(value, cls)
            tags = ", ".join(sorted(f"{field}={tag!r}" for field, tag in members))
            raise ValueError(f"expected an object with one of {tags}, got {kind_of(value)}")

        return structure_tagged

    return factory


def _configure(conv: cattrs.Converter, *, forbid_extra_keys: bool) -> cattrs.Converter:
    conv.register_structure_hook(Decimal, lambda value, _type: parse_decimal(value))
    conv.register_unstructure_hook(Decimal, decimal_to_wire)
    conv.register_structure_hook(datetime, lambda value, _type: parse_datetime(value))
    conv.register_unstructure_hook(datetime, datetime_to_wire)
    conv.register_structure_hook(date, lambda value, _type: parse_date(value))
    conv.register_unstructure_hook(date, lambda value: value.isoformat())

    structure_bool = conv.get_structure_hook(bool)
    # int(12.5) is 12: a fraction would be cut without a word (of an exact number too).
    conv.register_structure_hook(int, lambda value, _type: parse_whole(value))
    conv.register_structure_hook(bool, structure_bool)  # a subclass of int: keeps its own

    # An object or a list is no text: cattrs' own ``str()`` would keep its text as the value.
    conv.register_structure_hook(str, lambda value, _type: wire_text(value))

    def _structure_enum(value: Any, cls: type[OpenEnum]) -> OpenEnum:
        return cls(wire_text(value))

    # Class-based registration: it must win over cattrs' own hooks for ``str``, a base class.
    conv.register_structure_hook(OpenEnum, _structure_enum)
    conv.register_unstructure_hook(OpenEnum, lambda value: value.value)

    def _detailed_structure_fn(cls: type[Any]) -> _Hook:
        """cattrs' own structuring of ``cls``, which says which field is wrong and why."""
        case = wire_case(cls)
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

        def structure_detailed(value: Any, type_: Any) -> Any:
            if isinstance(value, dict) and any(
                value[key] is None for key in defaulted.intersection(value)
            ):
                value = {k: v for k, v in value.items() if v is not None or k not in defaulted}
            return inner(value, type_)

        return structure_detailed

    def _structure_factory(cls: type[Any]) -> _Hook:
        attrs.resolve_types(cls)
        case = wire_case(cls)
        fields = [a for a in attrs.fields(cls) if a.init]
        hooks = {a.name: _field_hook(conv, a) for a in fields}
        fast: _Hook | None = None
        if all(hook is not None for hook in hooks.values()):
            # Every value is converted by a hook chosen here, once, for its field: the
            # generated function does no per-value dispatch, and does not collect errors.
            overrides: dict[str, Any] = {
                a.name: override(rename=field_wire_name(a, case), struct_hook=hooks[a.name])
                for a in fields
            }
            fast = make_dict_structure_fn(
                cls,
                conv,
                _cattrs_forbid_extra_keys=forbid_extra_keys,
                _cattrs_detailed_validation=False,
                **overrides,
            )
        detailed: list[_Hook] = []
        known = closed_keys(cls)

        def structure_model(value: Any, type_: Any) -> Any:
            if value.__class__ is cls:  # read from the body already (models/_reader.py)
                return value
            if value.__class__ is not dict and not isinstance(value, Mapping):
                # cattrs would read a string's fields with ``in`` and build an empty model.
                raise TypeError(f"expected a JSON object for {cls.__name__}, got {kind_of(value)}")
            if known is not None and value and known.isdisjoint(value):
                # no empty model of an object in a shape this client does not know
                raise ValueError(unknown_keys(dict(value), known))
            if fast is not None:
                try:
                    return fast(value, type_)
                except Exception:  # noqa: S110 - the detailed pass below raises it, described
                    pass
            # Built on first need: bad data is rare, and building it costs as much as the above.
            if not detailed:
                detailed.append(_detailed_structure_fn(cls))
            return detailed[0](value, type_)

        extra = getattr(cls, "__wire_extra__", None)
        if extra is None:
            return structure_model
        known = frozenset(field_wire_name(a, case) for a in fields if a.name != extra)

        def structure_open_model(value: Any, type_: Any) -> Any:
            if not isinstance(value, Mapping):
                return structure_model(value, type_)
            model = structure_model({k: v for k, v in value.items() if k in known}, type_)
            rest = {k: loose_value(v) for k, v in value.items() if k not in known}
            return attrs.evolve(model, **{extra: rest})

        return structure_open_model

    def _unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        attrs.resolve_types(cls)
        case = wire_case(cls)
        fields = attrs.fields(cls)
        extra = getattr(cls, "__wire_extra__", None)
        fields = tuple(a for a in fields if a.name != extra)
        names = [(a.name, field_wire_name(a, case)) for a in fields]
        # Hooks are looked up on first use, so models that contain themselves do not recurse here.
        handlers: list[Callable[[Any], Any]] = []

        def _handler(a: attrs.Attribute[Any]) -> Callable[[Any], Any]:
            unit = a.metadata.get("epoch")
            if unit and is_list(_strip_optional(a.type)):  # a column of epochs
                return lambda value: [datetime_to_epoch(when, unit) for when in value]
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
            if extra is not None:
                out.update(conv.unstructure(getattr(obj, extra)))
            return out

        return unstructure_model

    conv.register_structure_hook_factory(is_list, list_hook_factory(conv))
    conv.register_structure_hook_factory(_is_tagged_union, _tagged_union_factory(conv))
    conv.register_structure_hook_factory(attrs.has, _structure_factory)
    conv.register_unstructure_hook_factory(attrs.has, _unstructure_factory)
    return conv


converter: cattrs.Converter = _configure(cattrs.Converter(), forbid_extra_keys=False)
"""The production converter: tolerant of unknown fields and values."""


def strict_converter() -> cattrs.Converter:
    """A converter that rejects unknown wire keys; tests use it to keep models complete."""
    return _configure(cattrs.Converter(), forbid_extra_keys=True)


def structure(data: Any, cls: type[T]) -> T:
    """Build a model (or ``list[Model]`` and friends) from decoded wire JSON. Called directly
    (not on a client's answer), it knows no secret to blank: its errors and the lenient
    fields' warnings quote ``data`` as given, nothing the caller did not hand in.

    Raises:
        cattrs.errors.ClassValidationError: the data does not fit ``cls`` (wrapped by the
            resources into :class:`aries_async.errors.ResponseFormatError`).
    """
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Wire JSON (camelCase keys, decimal strings, RFC 3339 times, no ``None``) for a model."""
    return converter.unstructure(obj)
