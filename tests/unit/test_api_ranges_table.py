"""The table of ranges (``apispec.ranges.RANGES``) against the description: every pair of query
parameters named as the two ends of a range, in every operation, is in it (or in
``UNORDERED``, with its reason), and each of its pairs is some operation's. A lower bound of one
kind and an upper bound of another of the same family (``Gte`` and ``Lt``, ``From`` and
``Before``, ``Min`` and ``Below``) are a range too."""

from __future__ import annotations

import re

from aries_async.apispec import operations
from aries_async.apispec.ranges import RANGES, UNORDERED, is_strict

FAMILIES = (
    (("From", "After"), ("To", "Before")),
    (("Gte", "Gt"), ("Lte", "Lt")),
    (("Min", "Above"), ("Max", "Below")),
)
ENDS = tuple((low, high) for lows, highs in FAMILIES for low in lows for high in highs)
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
    assert ("strikePriceGte", "strikePriceLt") in RANGES
    assert ("dateAfter", "dateTo") in RANGES and ("priceMin", "priceBelow") in RANGES


def test_only_the_ends_said_to_exclude_their_value_are_strict() -> None:
    strict = {"strikePriceGt", "strikePriceLt", "dateAfter", "dateBefore", "priceAbove"}
    inclusive = {"strikePriceGte", "strikePriceLte", "dateFrom", "dateTo", "priceMin", "from"}
    assert all(is_strict(wire) for wire in strict)
    assert not any(is_strict(wire) for wire in inclusive)


def test_a_new_pair_would_be_found() -> None:
    # the rule the table is checked by finds what it should, and nothing else
    wires = {"fooGte", "fooLte", "startWhen", "endWhen", "from", "to", "barFrom", "periodEnd"}
    assert _named_pairs(wires) == {("fooGte", "fooLte"), ("startWhen", "endWhen"), ("from", "to")}
    assert _named_pairs({"fooGt", "fooLte", "fooMin"}) == {("fooGt", "fooLte")}
