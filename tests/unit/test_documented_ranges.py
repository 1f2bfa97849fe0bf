"""The table of documented page numbering (``apispec.ranges``) against the official package's
parameter descriptions, which the API description does not carry: every ``page`` documented
to count from 1 is in ``FIRST_PAGES`` (and none counting from 0 is). Methods written by hand
check their own arguments and are left out."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest

from aries_async.apispec import operations
from aries_async.apispec.ranges import FIRST_PAGES

pytestmark = pytest.mark.finance_dev


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
