"""REST models built in bulk: checked when built, their numbers converted on first read.

For a model decorated with :func:`~aries_async.models._values.defer_decimals` (positions and
orders, which come by the thousand), the converter builds instances with a function written
for the model (as attrs and cattrs write theirs): texts and enum values are checked and set,
times parsed, and the wire values of the ``Decimal`` fields are left in a tuple that
:func:`~aries_async.models._values.wire_numbers_valid` checks for the whole answer at once;
each becomes a ``Decimal`` when read (:mod:`aries_async.models._deferred`). Anything the
function does not expect (a number where a text belongs, an unknown enum value, a malformed
number) sends the item, or the list, to the converter's general path, which converts it or
raises the error that names the field.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs

from aries_async.models._deferred import PENDING, Deferred
from aries_async.models._values import wire_numbers_valid
from aries_async.models.common import OpenEnum, field_wire_name

__all__ = ["Hook", "deferred_hooks", "is_deferred"]

Hook = Callable[[Any, Any], Any]


class _Unexpected(Exception):
    """A value the built function does not take: the general path decides."""


def is_deferred(cls: Any) -> bool:
    """Whether ``cls`` is a model with fields converted on first read."""
    return isinstance(cls, type) and bool(_pending_fields(cls))


def _pending_fields(cls: type) -> list[str]:
    """The fields of ``cls`` read from its pending tuple, in the tuple's order."""
    fields = [
        (value.index, name)
        for name, value in vars(cls).items()
        if isinstance(value, Deferred) and value.source == PENDING
    ]
    return [name for _, name in sorted(fields)]


def _builder(
    cls: type,
    pending: list[str],
    case: str,
    field_hook: Callable[[attrs.Attribute[Any]], Hook | None],
) -> tuple[Any, Any] | None:
    """``build(item, keep)``, the model for one wire object (``keep`` receives its tuple of
    the ``pending`` fields' wire values), and ``build_all(items, keep)``, the list of them;
    None when a field needs more than these functions do. Both raise on anything unexpected."""
    wire = {a.name: field_wire_name(a, case) for a in attrs.fields(cls)}
    scope: dict[str, Any] = {
        "cls": cls,
        "new": object.__new__,
        "setattr": object.__setattr__,
        "Unexpected": _Unexpected,
        "UTC": UTC,
        "fromisoformat": datetime.fromisoformat,
        "pending": operator.itemgetter(*(wire[name] for name in pending)),
        "keys": tuple(wire[name] for name in pending),
    }
    body = ["get = item.get"]
    state = []
    for i, a in enumerate(attrs.fields(cls)):
        if a.name in pending:
            continue
        if not a.init:
            return None
        value = f"v{i}"
        body.append(f"{value} = get({wire[a.name]!r})")
        state.append(f"{a.name!r}: {value}")
        inner = a.type
        args: tuple[Any, ...] = getattr(inner, "__args__", ())
        if len(args) == 2 and type(None) in args and a.default is None:
            inner = args[0] if args[1] is type(None) else args[1]
            if inner in (str, int, bool):
                scope[f"t{i}"] = inner
                body.append(f"if {value}.__class__ is not t{i} and {value} is not None:")
                body.append("    raise Unexpected")
                continue
            if isinstance(inner, type) and issubclass(inner, OpenEnum):
                scope[f"m{i}"] = {member.value: member for member in inner}
                body.append(f"if {value} is not None: {value} = m{i}[{value}]")
                continue
            if inner is datetime:  # RFC 3339 in UTC; anything else takes the general path
                body.append(f"if {value} is not None:")
                body.append(f"    {value} = fromisoformat({value})")
                body.append(f"    if {value}.tzinfo is not UTC: raise Unexpected")
                continue
        hook = field_hook(a)
        if hook is None:
            return None
        scope[f"h{i}"] = hook
        body.append(f"{value} = h{i}({value}, None)")
    body += [
        "try:",
        "    wire = pending(item)",
        "except KeyError:",
        "    wire = tuple(map(get, keys))",
        "keep(wire)",
        "model = new(cls)",
        f"setattr(model, '__dict__', {{{', '.join(state)}, {PENDING!r}: wire}})",
    ]
    one = ["def build(item, keep):", *(f"    {line}" for line in body), "    return model"]
    every = [
        "def build_all(items, keep):",
        "    models = []",
        "    add = models.append",
        "    for item in items:",
        *(f"        {line}" for line in body),
        "        add(model)",
        "    return models",
    ]
    # Our own text, made from the model's fields, as attrs and cattrs write theirs.
    exec("\n".join([*one, *every]), scope)  # noqa: S102
    return scope["build"], scope["build_all"]


def deferred_hooks(
    cls: type,
    case: str,
    field_hook: Callable[[attrs.Attribute[Any]], Hook | None],
    general: Hook,
) -> tuple[Hook, Callable[[Hook], Hook]] | None:
    """Structure hooks for ``cls``: one model, and a factory of the ``list[cls]`` hook (given
    cattrs' own list hook, which structures each item with the first); None when ``cls``
    cannot be built this way. ``general`` is the converter's path for anything unexpected."""
    pending = _pending_fields(cls)
    built = _builder(cls, pending, case, field_hook)
    if built is None:
        return None
    build, build_all = built
    width = len(pending)

    def structure_one(value: Any, type_: Any) -> Any:
        rows: list[tuple[object, ...]] = []
        try:
            model = build(value, rows.append)
        except Exception:
            return general(value, type_)
        if wire_numbers_valid(rows, width):
            return model
        return general(value, type_)

    def list_hook(each: Hook) -> Hook:
        def structure_many(value: Any, type_: Any) -> Any:
            if value.__class__ is list:
                rows: list[tuple[object, ...]] = []
                try:
                    models = build_all(value, rows.append)
                except Exception:  # noqa: S110 - item by item below
                    pass
                else:
                    if not rows or wire_numbers_valid(rows, width):
                        return models
            return each(value, type_)

        return structure_many

    return structure_one, list_hook
