"""The tables of documented page numbering and value ranges (``apispec.ranges``) against the
official package's parameter descriptions, which the API description does not carry: every
``page`` documented to count from 1 is in ``FIRST_PAGES`` (and none counting from 0 is), every
whole number documented with a range or a largest value is held to it by ``count_bounds``, and
every list documented with a largest number of items by ``LIST_MAXIMA``. Methods written by
hand check their own arguments and are left out."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest

from aries_async.apispec import operations
from aries_async.apispec.ranges import FIRST_PAGES, LIST_MAXIMA, count_bounds

pytestmark = pytest.mark.finance_dev

# "(1-1000)", "(1-250)" (with an en dash), "Range: 1 to 5000", "from 0 to 50", "max: 1000"
_DASHES = "-\N{EN DASH}"
_RANGE = re.compile(rf"(?:\(|Range: |from )(\d+) ?(?:[{_DASHES}]|to) ?(\d+)\)?")
_LARGEST = re.compile(r"\bmax(?:imum)?(?: is|:)? (\d+)\)?", re.IGNORECASE)
ADVICE = {
    # "Use smaller values (10-50) for UI screens, larger (100-500)...": advice, no bound
    ("stockScreener", "page_size"),
}


def _documented() -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """(operation, parameter, finance-dev's description of it) of every generated operation."""
    finance_dev = pytest.importorskip("finance_dev")
    sdk = finance_dev.FinanceDev(server_url="http://127.0.0.1:9")  # built, never called
    for op in operations():
        if op["covered_by"]:
            continue
        target = sdk
        for step in op["official"].split("."):
            target = getattr(target, step)
        docs = dict(re.findall(r":param (\w+): (.*)", inspect.getdoc(target) or ""))
        for param in op["params"]:
            text = docs.get(param["name"]) or docs.get(f"{param['name']}_")
            if text is not None:
                yield op, param, text


def test_the_listings_documented_to_count_pages_from_1_are_the_table_s() -> None:
    from_one = {
        op["id"] for op, p, text in _documented() if p["wire"] == "page" and "1-based" in text
    }
    assert from_one == set(FIRST_PAGES) == {"search"}
    assert all(FIRST_PAGES[op] == 1 for op in from_one)


def test_every_documented_range_of_a_whole_number_or_a_list_is_held_to() -> None:
    checked = 0
    for op, param, text in _documented():
        if param["schema"].get("type") not in ("integer", "string"):
            continue
        span, largest = _RANGE.search(text), _LARGEST.search(text)
        if span is None and largest is None:
            continue
        key = (op["id"], param["wire"])
        if key in ADVICE:
            continue
        if key in LIST_MAXIMA:  # the largest number of items of a comma-separated list
            assert largest is not None and LIST_MAXIMA[key] == int(largest[1]), (key, text)
            checked += 1
            continue
        bounds = count_bounds(op["id"], param["wire"], param["schema"])
        assert bounds is not None, (key, text)
        if span is not None:
            assert bounds == (int(span[1]), int(span[2])), (key, text)
        if largest is not None:
            assert bounds[1] == int(largest[1]), (key, text)
        checked += 1
    assert checked >= 10  # a change of wording would leave nothing to check
