"""One value of an answer spoiled, for the ``malformed_amount`` and ``malformed_date`` faults
(:mod:`aries_async.sim.faults`): the value is looked for in the last object of the answer's
first list of objects, deep in a large answer, where a reader that stops at the first items
would miss it."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["last_item", "spoil_amount", "spoil_date"]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"-?\d+(\.\d+)?")


def last_item(data: Any) -> dict[str, Any] | None:
    """The last object of the first list of objects: the answer itself when it is a list,
    else the first of its values that is one; None when there is none."""
    lists = [data] if isinstance(data, list) else [v for v in data.values() if isinstance(v, list)]
    items = next((found for found in lists if found and isinstance(found[-1], dict)), None)
    return None if items is None else items[-1]


def spoil_amount(item: dict[str, Any], text: str) -> bool:
    """Set the first decimal-string amount among ``item``'s own fields to ``text`` (a day,
    ``2026-01-28``, is not one); whether there was one."""
    for key, value in item.items():
        if isinstance(value, str) and _AMOUNT.fullmatch(value):
            item[key] = text
            return True
    return False


def spoil_date(item: dict[str, Any], text: str) -> bool:
    """Set the first calendar day (a ``YYYY-MM-DD`` string) in ``item`` to ``text``, looking
    depth-first into its objects and lists (an order's legs); whether there was one."""
    for key, value in item.items():
        if isinstance(value, str) and _DAY.fullmatch(value):
            item[key] = text
            return True
        nested = value if isinstance(value, list) else [value]
        if any(isinstance(inner, dict) and spoil_date(inner, text) for inner in nested):
            return True
    return False
