"""The schema walker: a JSON Schema of the API description compiled into a value generator.

:func:`compile_schema` turns a response schema (with ``$ref``\\ s into
:func:`aries_async.apispec.schemas`) into a :data:`Gen` once; the simulator keeps the result per
operation, so an answer costs one walk over the compiled tree and no schema lookups. The walker
knows JSON Schema, not the domain: each scalar asks a rule for its value (chosen once, at compile
time, by ``rule_for(name, parent)``, see :mod:`~aries_async.sim.field_rules`) and coerces what
the rule gives to the schema's type and format (a ``datetime`` becomes an RFC 3339 string, a
float an integer or a decimal string...); arrays ask the :class:`Walk` for their items. Where
there is no rule, or its value does not fit, :meth:`Walk.fallback` gives one that does.

Choices the walker makes: of ``anyOf`` alternatives the first that is neither ``null`` nor the
official package's ``Unset`` marker; every property is set (not only the required ones) unless
its rule answers :data:`OMIT`; ``oneOf`` branches are picked by :meth:`Walk.choose`; recursion
stops at :data:`MAX_DEPTH` (empty arrays, ``null`` where allowed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

__all__ = ["MAX_DEPTH", "OMIT", "ClockFor", "Gen", "Rule", "Walk", "coerce", "compile_schema"]

MAX_DEPTH = 7
"""Nesting depth past which arrays come back empty and nullable objects ``null``."""


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


OMIT: Any = _Sentinel("OMIT")
"""A rule's answer for "leave this property out" (used for properties that are not required)."""

_MISSING: Any = _Sentinel("MISSING")


class Walk(Protocol):
    """What the walker needs from the answer being built (the simulator's request state)."""

    def children(self, item: Any, name: str, depth: int) -> Sequence[Any]:
        """The items of the array ``name`` inside ``item``."""
        ...

    def choose(self, item: Any, branches: Sequence[frozenset[str]]) -> int:
        """Which ``oneOf`` branch to build (each given by the constant strings it carries)."""
        ...

    def fallback(self, item: Any, kind: str, name: str) -> Any:
        """A value for ``name`` when no rule gives one: ``kind`` is a JSON type or a string
        format (``date``, ``date-time``)."""
        ...


Rule = Callable[[Any, Any], Any]
"""A field rule: ``rule(walk, item)`` gives the field's value (any Python type) or :data:`OMIT`."""

Gen = Callable[[Walk, Any, int], Any]
"""A compiled schema: ``gen(walk, item, depth)`` builds one value."""

RuleFor = Callable[[str, str, str], Rule | None]

ClockFor = Callable[[str, str], Callable[[str], str] | None]
"""``clock(schema_name, field)``: what rewrites the time text of that string field's rule (an
RFC 3339 instant) as the field writes it, or None (RFC 3339 as it is)."""


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _decimal_text(value: float) -> str:
    return format(Decimal(str(round(value, 4))).normalize(), "f")


def coerce(value: Any, kind: str, fmt: str | None) -> Any:
    """``value`` as JSON type ``kind`` (format ``fmt``), or the missing marker when it does not
    fit."""
    if value is None or value is _MISSING:
        return _MISSING
    if kind == "string":
        if isinstance(value, datetime):
            return value.date().isoformat() if fmt == "date" else _iso(value)
        if isinstance(value, date):
            return value.isoformat() if fmt != "date-time" else f"{value.isoformat()}T00:00:00Z"
        if fmt is not None or isinstance(value, (list, dict)):
            return value if isinstance(value, str) and fmt is None else _MISSING
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return _decimal_text(value)
        if isinstance(value, Decimal):  # exact, as its rule wrote it ("4.00")
            return format(value, "f")
        return str(value)
    if isinstance(value, bool):
        return value if kind == "boolean" else _MISSING
    if isinstance(value, datetime) and kind in ("integer", "number"):
        return int(value.timestamp())
    if kind == "integer":
        if isinstance(value, (int, float)):
            return round(value)
        return int(value) if isinstance(value, str) and value.isdigit() else _MISSING
    if kind == "number":
        if isinstance(value, (int, float, Decimal)):  # a Decimal for a field sent as text
            return value
        try:
            return float(value) if isinstance(value, str) else _MISSING
        except ValueError:
            return _MISSING
    return _MISSING


def compile_schema(
    schema: dict[str, Any],
    defs: dict[str, Any],
    rule_for: RuleFor,
    exact: Callable[[str, str], bool] | None = None,
    clock: ClockFor | None = None,
) -> Gen:
    """Compile ``schema`` (``$ref``\\ s into ``defs``) into a generator; ``rule_for(name, parent,
    kind)`` picks the rule of each field from its property name, its parent property's name and
    its kind (a JSON type, ``array`` or ``object``, or the string format ``date`` /
    ``date-time``). ``exact(schema_name, field)`` says which string fields of a named schema
    carry an exact number: they get a number rule and are sent as decimal text.
    ``clock(schema_name, field)`` gives, for a string field that holds a time as text other
    than RFC 3339 (a time of day, a year), what rewrites its rule's instant so."""
    return _Compiler(defs, rule_for, exact, clock).node(schema, "", "", True)


class _Compiler:
    def __init__(
        self,
        defs: dict[str, Any],
        rule_for: RuleFor,
        exact: Callable[[str, str], bool] | None,
        clock: ClockFor | None = None,
    ) -> None:
        self.defs = defs
        self.rule_for = rule_for
        self.exact = exact
        self.clock = clock
        self.memo: dict[tuple[str, str, str, bool], Gen] = {}

    def node(self, schema: dict[str, Any], name: str, parent: str, needed: bool) -> Gen:
        """``needed``: the property is required (a rule may not leave it out)."""
        if "$ref" in schema:
            return self.ref(schema["$ref"].rsplit("/", 1)[1], name, parent, needed)
        if "anyOf" in schema:
            return self.any_of(schema["anyOf"], name, parent, needed)
        if "oneOf" in schema:
            return self.one_of(schema["oneOf"], name, parent, needed)
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return self.obj(schema, name)
        if kind == "array":
            return self.array(schema.get("items", {}), name, parent, needed)
        return self.scalar(schema, name, parent, needed)

    def ref(self, target: str, name: str, parent: str, needed: bool) -> Gen:
        key = (target, name, parent, needed)
        found = self.memo.get(key)
        if found is None:
            cell: list[Gen] = []
            self.memo[key] = lambda walk, item, depth: cell[0](walk, item, depth)
            schema = self.defs[target]
            if schema.get("type") == "object" or "properties" in schema:
                cell.append(self.obj(schema, name, target))
            else:
                cell.append(self.node(schema, name, parent, needed))
            found = self.memo[key] = cell[0]
        return found

    def any_of(
        self, alternatives: list[dict[str, Any]], name: str, parent: str, needed: bool
    ) -> Gen:
        nullable = any(alt.get("type") == "null" for alt in alternatives)
        usable = [
            alt
            for alt in alternatives
            if alt.get("type") != "null" and alt.get("$ref", "").rsplit("/", 1)[-1] != "Unset"
        ]
        if not usable:
            return lambda walk, item, depth: None
        inner = self.node(usable[0], name, parent, needed)
        if not nullable:
            return inner

        def gen(walk: Walk, item: Any, depth: int) -> Any:
            value = inner(walk, item, depth)
            return None if value is _MISSING else value

        return gen

    def constants(self, schema: dict[str, Any]) -> frozenset[str]:
        while "$ref" in schema:
            schema = self.defs[schema["$ref"].rsplit("/", 1)[1]]
        found: set[str] = set()
        for prop in schema.get("properties", {}).values():
            while "$ref" in prop:
                prop = self.defs[prop["$ref"].rsplit("/", 1)[1]]
            found.update(str(v) for v in prop.get("enum", ()))
        return frozenset(found)

    def one_of(self, branches: list[dict[str, Any]], name: str, parent: str, needed: bool) -> Gen:
        gens = [self.node(branch, name, parent, needed) for branch in branches]
        marks = [self.constants(branch) for branch in branches]
        return lambda walk, item, depth: gens[walk.choose(item, marks)](walk, item, depth)

    def obj(self, schema: dict[str, Any], name: str, owner: str = "") -> Gen:
        """``owner``: the name of the schema, when it is a named one."""
        required = set(schema.get("required", ()))
        props = [
            (prop, self.field(owner, sub, prop, name, prop in required), prop in required)
            for prop, sub in schema.get("properties", {}).items()
        ]
        free = not props and schema.get("additionalProperties") not in (None, False)
        rule = self.rule_for(name, "", "object") if free else None

        def gen(walk: Walk, item: Any, depth: int) -> Any:
            if depth > MAX_DEPTH:
                return _MISSING
            if free:
                value = rule(walk, item) if rule is not None else None
                return value if isinstance(value, dict) else {}
            out: dict[str, Any] = {}
            for prop, sub, needed in props:
                value = sub(walk, item, depth + 1)
                if value is not _MISSING and value is not OMIT:
                    out[prop] = value
                elif needed:
                    out[prop] = {}  # only an object past the depth limit gets here
            return out

        return gen

    def field(
        self, owner: str, schema: dict[str, Any], name: str, parent: str, needed: bool
    ) -> Gen:
        """A property; a string one the schema says carries an exact number (``exact``) is
        generated as a number and sent as its decimal text, since a client reads it as a
        ``Decimal``; one that holds a time as other text (``clock``) is the instant its rule
        gives, written so."""
        write = self.clock(owner, name) if owner and self.clock is not None else None
        if write is not None and self.text(schema):
            instant = self.node(schema, name, parent, needed)

            def written(walk: Walk, item: Any, depth: int) -> Any:
                value = instant(walk, item, depth)
                return write(value) if isinstance(value, str) else value

            return written
        if not (owner and self.exact is not None and self.exact(owner, name) and self.text(schema)):
            return self.node(schema, name, parent, needed)
        number = self.scalar({"type": "number"}, name, parent, needed)

        def gen(walk: Walk, item: Any, depth: int) -> Any:
            value = number(walk, item, depth)
            exact = isinstance(value, (int, float, Decimal))
            return coerce(value, "string", None) if exact else value

        return gen

    def text(self, schema: dict[str, Any]) -> bool:
        """Whether ``schema`` is a string, or a string or null (through ``Nullable_*`` refs)."""
        while "$ref" in schema:
            schema = self.defs[schema["$ref"].rsplit("/", 1)[1]]
        kinds = {
            alt.get("type") or ("ref" if "$ref" in alt else None)
            for alt in schema.get("anyOf", [schema])
            if alt.get("type") != "null"
        }
        return kinds == {"string"}

    def array(self, items: dict[str, Any], name: str, parent: str, needed: bool) -> Gen:
        inner = self.node(items, name, parent, False)
        rule = self.rule_for(name, parent, "array")

        def gen(walk: Walk, item: Any, depth: int) -> Any:
            if rule is not None and not needed and rule(walk, item) is OMIT:
                return OMIT
            if depth > MAX_DEPTH:
                return []
            values = (inner(walk, child, depth + 1) for child in walk.children(item, name, depth))
            return [v for v in values if v is not _MISSING and v is not OMIT]

        return gen

    def scalar(self, schema: dict[str, Any], name: str, parent: str, needed: bool) -> Gen:
        kind = schema.get("type", "any")
        fmt = schema.get("format")
        enum = [str(v) for v in schema.get("enum", ())]
        rule = self.rule_for(name, parent, fmt or kind)

        def gen(walk: Walk, item: Any, depth: int) -> Any:
            raw = rule(walk, item) if rule is not None else _MISSING
            if raw is OMIT:
                if not needed:
                    return OMIT
                raw = _MISSING
            if enum:  # a listed value: the rule's when it is one, else one by the item's index
                index = getattr(item, "index", 0)
                value = (
                    raw if raw in enum else enum[index % len(enum) if isinstance(index, int) else 0]
                )
                return value if kind != "integer" else coerce(value, kind, fmt)
            if kind == "any":
                return raw if raw is not _MISSING else walk.fallback(item, "string", name)
            value = coerce(raw, kind, fmt)
            if value is _MISSING:
                value = coerce(walk.fallback(item, fmt or kind, name), kind, fmt)
            return value

        return gen
