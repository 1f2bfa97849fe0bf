"""The table of ranges (``apispec.ranges.RANGES``) against the description: every pair of query
parameters named as the two ends of a range, in every operation, is in it (or in
``UNORDERED``, with its reason), and each of its pairs is some operation's."""

from __future__ import annotations

import re

from aries_async.apispec import operations
from aries_async.apispec.ranges import RANGES, UNORDERED

ENDS: tuple[tuple[str, str], ...] = (
    ("From", "To"),
    ("After", "Before"),
    ("Gte", "Lte"),
    ("Gt", "Lt"),
)
ENDS += (("Min", "Max"), ("Above", "Below"))
WHOLE = re.compile(r"^(?:from|start(\w*))$")


def _named_pairs(wires: set[str]) -> set[tuple[str, str]]:
    """The pairs of ``wires`` that name a range's two ends: ``xFrom``/``xTo``... (any stem),
    ``from``/``to`` and ``startX``/``endX``."""
    pairs: set[tuple[str, str]] = set()
    for wire in wires:
        for low, high in ENDS:
            if wire.endswith(low) and wire.removesuffix(low) + high in wires:
                pairs.add((wire, wire.removesuffix(low) + high))
        whole = WHOLE.match(wire)
        if whole:
            end = "to" if wire == "from" else f"end{whole.group(1)}"
            if end in wires:
                pairs.add((wire, end))
    return pairs


def test_every_range_of_every_operation_is_in_the_table() -> None:
    found: dict[tuple[str, str], list[str]] = {}
    for op in operations():
        wires = {p["wire"] for p in op["params"] if p["in"] == "query"}
        for pair in _named_pairs(wires):
            found.setdefault(pair, []).append(op["id"])
    missing = {pair: ids for pair, ids in found.items() if pair not in {**RANGES, **UNORDERED}}
    assert missing == {}
    assert set(RANGES) | set(UNORDERED) == set(found)  # no pair that no operation has
    assert not set(RANGES) & set(UNORDERED)
    assert ("timestampFrom", "timestampTo") in RANGES and ("from", "to") in RANGES


def test_a_new_pair_would_be_found() -> None:
    # the rule the table is checked by finds what it should, and nothing else
    wires = {"fooGte", "fooLte", "startWhen", "endWhen", "from", "to", "barFrom", "periodEnd"}
    assert _named_pairs(wires) == {("fooGte", "fooLte"), ("startWhen", "endWhen"), ("from", "to")}
