"""Answers read from their bytes by msgspec, straight into the models.

msgspec decodes JSON into typed objects in C. For a model type (an attrs class, or a list of
one) :func:`body_reader` makes, once, a msgspec ``Struct`` that mirrors it: the same fields
under their wire names, with ``Decimal`` amounts, aware times, open enums and nested models
as their own mirrors. A body is decoded into the mirror and the mirror converted into the
attrs models, both by msgspec, so that no Python code runs per item (but for the
``__post_init__`` below, where a model needs one); the models come out whole, every amount
already a ``Decimal``.

The converter's rules that msgspec does not share are checked afterwards, for the whole
answer at once: amounts are finite and times are in UTC. A field marked ``wire(blank=True)``
(an order's unused prices, which the server sends as ``""``) reads ``""`` as absent, and
``null`` in a field with a default reads as the default (an empty page's ``"orders": null``),
as in the converter: both in the mirror's ``__post_init__``, which msgspec calls per object.

Anything else the mirror does not take (a blank in another amount, a time in another zone, a
number in a text field, an epoch) raises :class:`Unread`, and the caller hands the body to
the converter (:mod:`aries_async.models._converter`), which converts it or raises the error
that names the field. So does a time or an amount marked ``wire(lenient=True)`` that is not
one: the mirror reads it as strictly as any, and the converter reads it as None, with its
warning. A type the mirror cannot express (an open object, a tagged union, an epoch time, a
field with an attrs converter or validator, which msgspec would not run) has no reader.
"""

from __future__ import annotations

import functools
import itertools
import operator
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

import attrs
import msgspec

from aries_async.models._values import parse_decimal
from aries_async.models.common import OpenEnum, field_wire_name, wire_case

__all__ = ["BodyReader", "Unread", "body_reader"]


class Unread(Exception):
    """The body does not fit the mirror: the converter reads it instead."""


def _post_init(
    blanks: tuple[str, ...], defaults: tuple[tuple[str, Callable[[], Any]], ...]
) -> Callable[[Any], None]:
    """A mirror's ``__post_init__``, which msgspec calls after decoding each: its blank-able
    amounts, decoded as they came, become ``Decimal`` or None, and ``null`` in a field with a
    default becomes the default (``null`` means absent, as in the converter)."""

    def __post_init__(self: Any) -> None:
        for name in blanks:
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, parse_decimal(value))  # raises ValueError
        for name, default in defaults:
            if getattr(self, name) is None:
                setattr(self, name, default())

    return __post_init__


_UTC_TIME = Annotated[datetime, msgspec.Meta(tz=True)]
_PLAIN = (str, int, bool, date)


@attrs.frozen
class _Checks:
    """What msgspec accepts and the models do not, to look for in a list of mirrors."""

    amounts: tuple[str, ...]
    times: tuple[str, ...]
    nested: tuple[tuple[str, bool, _Checks], ...]  # name, is a list, the nested model's checks
    empty: Any = None  # the mirror with every field left out (None: it has required ones)

    def passed(self, items: list[Any]) -> bool:
        if not items:
            return True
        # One read as nothing set came as {} or as keys none of which the model names: the
        # converter tells them apart (models/_envelopes.py). Seldom sent: servers leave an
        # empty object out.
        if self.empty is not None and self.empty in items:
            return False
        for names, ok in ((self.amounts, _finite), (self.times, _utc)):
            if names and not ok(_values(items, names)):
                return False
        for name, many, checks in self.nested:
            found = [v for v in map(operator.attrgetter(name), items) if v]
            if many:
                found = list(itertools.chain.from_iterable(found))
            if not checks.passed(found):
                return False
        return True


def _values(items: list[Any], names: tuple[str, ...]) -> Any:
    if len(names) == 1:
        return map(operator.attrgetter(names[0]), items)
    return itertools.chain.from_iterable(map(operator.attrgetter(*names), items))


def _finite(values: Any) -> bool:
    # filter(None, ...) drops None, and zeros, which are finite: NaN and infinities are true.
    return all(map(Decimal.is_finite, filter(None, values)))


def _utc(values: Any) -> bool:
    return set(map(_zone, filter(None, values))) <= {UTC}


_zone = operator.attrgetter("tzinfo")


_MIRRORS: dict[type, tuple[type[msgspec.Struct], _Checks]] = {}


def _mirror(
    cls: type, within: frozenset[type] = frozenset()
) -> tuple[type[msgspec.Struct], _Checks] | None:
    """The mirror of attrs class ``cls`` and its checks; None when it cannot have one (a model
    that contains itself, ``within`` the models being mirrored, cannot)."""
    if cls in _MIRRORS:
        return _MIRRORS[cls]
    if cls in within:
        return None
    attrs.resolve_types(cls)
    if any(hasattr(cls, name) for name in ("__wire_extra__", "__wire_tag__")):
        return None
    case = wire_case(cls)
    fields: list[tuple[str, Any, Any]] = []
    amounts: list[str] = []
    times: list[str] = []
    nested: list[tuple[str, bool, _Checks]] = []
    blanks: list[str] = []
    defaults: list[tuple[str, Callable[[], Any]]] = []
    for a in attrs.fields(cls):
        default: Any = a.default
        if not a.init or a.converter or a.validator:  # msgspec would not run them
            return None
        if a.metadata.get("epoch"):
            return None
        name = field_wire_name(a, case)
        make: Callable[[], Any] | None = None  # the default, for a null
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                return None
            spec = msgspec.field(default_factory=default.factory, name=name)
            make = default.factory
        elif default is attrs.NOTHING:
            spec = msgspec.field(name=name)
        else:
            spec = msgspec.field(default=default, name=name)
            make = functools.partial(_same, default)
        inner, optional = _strip_optional(a.type)
        if make is not None and not optional:  # null for it is its default, as in the converter
            defaults.append((a.name, make))
        many = typing.get_origin(inner) is list
        if many:
            (inner,) = typing.get_args(inner)
        mirrored: Any
        if inner is Decimal and a.metadata.get("blank") and not many:
            mirrored = str | int | float
            blanks.append(a.name)
        elif inner is Decimal:
            mirrored = Decimal
            amounts.append(a.name)
        elif inner is datetime:
            mirrored = _UTC_TIME
            times.append(a.name)
        elif inner in _PLAIN or (isinstance(inner, type) and issubclass(inner, OpenEnum)):
            mirrored = inner
        elif attrs.has(inner):
            found = _mirror(inner, within | {cls})
            if found is None:
                return None
            mirrored, checks = found
            nested.append((a.name, many, checks))
        else:
            return None
        if many:
            if amounts[-1:] == [a.name] or times[-1:] == [a.name]:
                return None  # lists of amounts or times: not in the models read in bulk
            mirrored = list[mirrored]
        fields.append((a.name, mirrored | None if optional or make else mirrored, spec))
    post_init = _post_init(tuple(blanks), tuple(defaults)) if blanks or defaults else None
    namespace = None if post_init is None else {"__post_init__": post_init}
    struct = msgspec.defstruct(
        f"{cls.__name__}Wire", fields, kw_only=True, gc=False, namespace=namespace
    )
    try:
        empty = struct()
    except TypeError:  # a required field: an object without it is not read
        empty = None
    found = (struct, _Checks(tuple(amounts), tuple(times), tuple(nested), empty))
    _MIRRORS[cls] = found
    return found


def _same(value: Any) -> Any:
    return value


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) == 1:
            return rest[0], True
    return tp, False


@attrs.frozen
class BodyReader:
    """Reads answers of one model type from their bytes (see the module docstring)."""

    model: Any
    """What :meth:`read` returns: a model class, or ``list[Model]``."""
    item: Any
    """The model of the answer's long list (what :meth:`read_items` returns a list of), or
    None when the answer has no one such list."""
    _answer: Callable[[bytes], Any]
    _items: Callable[[bytes], Any] | None
    _checks: _Checks
    _item_checks: _Checks | None
    _key: str | None
    _listed: str | None
    """The attribute of a model answer that holds its :attr:`item` list (an order page's orders)."""

    def read(self, body: bytes) -> Any:
        """The models of a whole answer.

        Raises:
            Unread: the body does not fit (the converter reads it, or says why not).
        """
        answer = _decode(self._answer, body)
        # An answer with no items is left to the converter, which tells an empty answer from
        # one in an envelope it does not know (models/_envelopes.py): the mirror reads both as
        # one without its list. It is a short read, whoever makes it.
        if self._key is not None and not isinstance(answer, list):
            answer = getattr(answer, self._key)
            if answer is None:
                raise Unread
        elif self._listed is not None and not getattr(answer, self._listed):
            raise Unread
        if not self._checks.passed(answer if isinstance(answer, list) else [answer]):
            raise Unread
        return _convert(answer, self.model)

    def read_items(self, part: bytes) -> list[Any]:
        """The models of a JSON list of :attr:`item` objects (a part of a large answer).

        Raises:
            Unread: the part does not fit, or the answer has no such list.
        """
        if self._items is None or self._item_checks is None:
            raise Unread
        items = _decode(self._items, part)
        if not self._item_checks.passed(items):
            raise Unread
        converted: list[Any] = _convert(items, list[self.item])  # type: ignore[name-defined]
        return converted


def _decode(decode: Callable[[bytes], Any], body: bytes) -> Any:
    try:
        return decode(body)
    except msgspec.DecodeError:  # a malformed body too: the converter's path says so
        raise Unread from None


def _convert(mirrored: Any, model: Any) -> Any:
    try:
        return msgspec.convert(mirrored, model, from_attributes=True)
    except msgspec.ValidationError:
        raise Unread from None


_READERS: dict[tuple[Any, str | None], BodyReader | None] = {}


def body_reader(model: Any, key: str | None = None) -> BodyReader | None:
    """A reader of ``model`` answers (an attrs class, or ``list[Model]``), made on first
    use; None when the model cannot be mirrored.

    ``key``, for a list: the answer is the bare list, or an object whose ``key`` holds it
    (``{"positions": [...]}``).
    """
    if (model, key) in _READERS:
        return _READERS[(model, key)]
    reader = _make_reader(model, key)
    _READERS[(model, key)] = reader
    return reader


def _make_reader(model: Any, key: str | None) -> BodyReader | None:
    many = typing.get_origin(model) is list
    cls = typing.get_args(model)[0] if many else model
    if not attrs.has(cls) or (key is not None and not many):
        return None
    found = _mirror(cls)
    if found is None:
        return None
    struct, checks = found
    answer: Any = list[struct] if many else struct  # type: ignore[valid-type]
    if key is not None:
        envelope = msgspec.defstruct(f"{cls.__name__}Answer", [(key, answer | None, None)])
        answer = envelope | answer
    item: Any = cls if many else None
    listed_in: str | None = None
    if not many:  # the answer's one list of models, if it has one (a page's orders)
        lists = [a for a in attrs.fields(cls) if typing.get_origin(a.type) is list]
        listed = [typing.get_args(a.type)[0] for a in lists]
        if len(listed) == 1 and attrs.has(listed[0]):
            item, listed_in = listed[0], lists[0].name
    items: Callable[[bytes], Any] | None = None
    item_checks: _Checks | None = None
    item_mirror = None if item is None else _mirror(item)
    if item_mirror is not None:
        item_struct, item_checks = item_mirror
        items = msgspec.json.Decoder(list[item_struct]).decode  # type: ignore[valid-type]
    decoder = msgspec.json.Decoder(answer)
    return BodyReader(model, item, decoder.decode, items, checks, item_checks, key, listed_in)
