"""The schema walker on small schemas: choices, coercion, recursion, required fields."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from aries_async.sim.schema_walk import OMIT, Rule, coerce, compile_schema

WHEN = datetime(2026, 1, 15, 15, 30, tzinfo=UTC)


class FakeWalk:
    """Two children per array, branch ``pick`` of a ``oneOf``, ``fallback-<kind>`` values."""

    def __init__(self, pick: int = 0) -> None:
        self.pick = pick
        self.offered: list[Sequence[frozenset[str]]] = []

    def children(self, item: Any, name: str, depth: int) -> Sequence[Any]:
        return [f"{item}.{name}{i}" for i in range(2)]

    def choose(self, item: Any, branches: Sequence[frozenset[str]]) -> int:
        self.offered.append(branches)
        return self.pick

    def fallback(self, item: Any, kind: str, name: str) -> Any:
        return {"integer": 7, "number": 1.5, "boolean": True, "date-time": WHEN}.get(kind, kind)


def _rules(table: dict[str, Rule]) -> Any:
    return lambda name, parent, kind: table.get(name)


DEFS: dict[str, Any] = {
    "Unset": {"properties": {}, "type": "object"},
    "Node": {
        "type": "object",
        "properties": {
            "label": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
        },
    },
    "A": {"type": "object", "properties": {"type": {"enum": ["a"]}, "x": {"type": "integer"}}},
    "B": {"type": "object", "properties": {"type": {"enum": ["b"]}, "y": {"type": "integer"}}},
}  # fmt: skip


@pytest.mark.parametrize(
    ("value", "kind", "fmt", "expected"),
    [
        (WHEN, "string", "date-time", "2026-01-15T15:30:00Z"),
        (WHEN, "string", "date", "2026-01-15"),
        (date(2026, 1, 2), "string", "date-time", "2026-01-02T00:00:00Z"),
        (WHEN, "integer", None, 1768491000),
        (12.345678, "string", None, "12.3457"),
        (2.6, "integer", None, 3),
        ("42", "integer", None, 42),
        ("3.5", "number", None, 3.5),
        (True, "string", None, "true"),
        ("AAPL", "string", "date", None),
        ("AAPL", "number", None, None),
        (1, "boolean", None, None),
    ],
)
def test_coerce_fits_a_value_to_the_type_or_refuses(
    value: Any, kind: str, fmt: str | None, expected: Any
) -> None:
    result = coerce(value, kind, fmt)
    if expected is None:
        assert repr(result) == "MISSING"
    else:
        assert result == expected and type(result) is type(expected)


def test_any_of_skips_null_and_unset_and_every_property_is_set() -> None:
    schema = {
        "type": "object",
        "properties": {
            "price": {"anyOf": [{"$ref": "#/$defs/Unset"}, {"type": "null"}, {"type": "number"}]},
            "when": {"type": "string", "format": "date-time"},
            "flag": {"type": "boolean"},
        },
    }
    gen = compile_schema(schema, DEFS, _rules({"price": lambda w, it: 101.25}))
    assert gen(FakeWalk(), "root", 0) == {
        "price": 101.25,
        "when": "2026-01-15T15:30:00Z",
        "flag": True,
    }


def test_omit_drops_optional_fields_but_not_required_ones() -> None:
    schema = {
        "type": "object",
        "required": ["kept"],
        "properties": {"dropped": {"type": "string"}, "kept": {"type": "integer"}},
    }
    gen = compile_schema(
        schema, DEFS, _rules({"dropped": lambda w, it: OMIT, "kept": lambda w, it: OMIT})
    )
    assert gen(FakeWalk(), "root", 0) == {"kept": 7}


def test_enums_take_a_listed_value_and_arrays_ask_the_walk() -> None:
    schema = {
        "type": "object",
        "properties": {
            "side": {"type": "string", "enum": ["buy", "sell"]},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    rules = _rules({"side": lambda w, it: "hold", "tags": lambda w, it: str(it)})
    assert compile_schema(schema, DEFS, rules)(FakeWalk(), "root", 0) == {
        "side": "buy",
        "tags": ["root.tags0", "root.tags1"],
    }


def test_one_of_branches_are_offered_by_their_constants() -> None:
    schema = {"oneOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}]}
    walk = FakeWalk(pick=1)
    assert compile_schema(schema, DEFS, _rules({}))(walk, "root", 0) == {"type": "b", "y": 7}
    assert walk.offered == [[frozenset({"a"}), frozenset({"b"})]]


def test_recursive_schemas_stop_at_the_depth_limit() -> None:
    gen = compile_schema({"$ref": "#/$defs/Node"}, DEFS, _rules({}))
    tree = gen(FakeWalk(), "root", 0)

    def depth(node: dict[str, Any]) -> int:
        return 1 + max((depth(child) for child in node["children"]), default=0)

    assert 3 <= depth(tree) <= 8
    assert len(tree["children"]) == 2


def test_exact_string_fields_of_a_named_schema_are_decimal_text() -> None:
    # The description types PredMdContract.strikeValue (a string on the wire) as Decimal: the
    # walker must not fill it with prose a client cannot read as a number.
    defs = {
        **DEFS,
        "Contract": {
            "type": "object",
            "properties": {"strikeValue": {"type": "string"}, "label": {"type": "string"}},
        },
    }
    rules = _rules({"strikeValue": lambda w, it: 4.25, "label": lambda w, it: "text"})
    exact = lambda owner, field: (owner, field) == ("Contract", "strikeValue")  # noqa: E731
    gen = compile_schema({"$ref": "#/$defs/Contract"}, defs, rules, exact)
    assert gen(FakeWalk(), "root", 0) == {"strikeValue": "4.25", "label": "text"}
    fallback = compile_schema({"$ref": "#/$defs/Contract"}, defs, _rules({}), exact)
    assert fallback(FakeWalk(), "root", 0)["strikeValue"] == "1.5"
