"""Bounded reprs of many items, for the collections the SDK returns: a 500-symbol
:class:`~aries_async.models.QuoteBatch`, or a page of 500 orders (a model's list field),
shows in a notebook cell or a log line as its first few items and how many there are in all,
not as 500 of them. A short list keeps its usual repr."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

__all__ = ["SHOWN", "counted", "items_repr"]

SHOWN = 5
"""How many items a summary names."""


def counted(noun: str, labels: Iterable[str], total: int) -> str:
    """``total`` items and the first :data:`SHOWN` of their ``labels``: ``"500 quotes: AAPL,
    MSFT, NVDA, AMZN, GOOG, ... 495 more"``, ``"1 error: BAD"``, ``"0 errors"``."""
    counted_noun = f"{total} {noun}{'' if total == 1 else 's'}"
    shown = list(islice(labels, SHOWN))
    if not shown:
        return counted_noun
    more = f", ... {total - len(shown)} more" if total > len(shown) else ""
    return f"{counted_noun}: {', '.join(shown)}{more}"


def items_repr(items: Sequence[object] | None) -> str:
    """The repr of a model's list or tuple field: the usual one for up to :data:`SHOWN`
    items (or anything else), else the first of them and how many there are in all:
    ``[Order(...), ..., ... 495 more (500 in all)]``."""
    if not isinstance(items, list | tuple) or len(items) <= SHOWN:
        return repr(items)
    opening, closing = "()" if isinstance(items, tuple) else "[]"
    head = ", ".join(map(repr, items[:SHOWN]))
    return f"{opening}{head}, ... {len(items) - SHOWN} more ({len(items)} in all){closing}"
