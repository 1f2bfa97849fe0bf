"""One-line summaries of many items, for the reprs of the collections the SDK returns: a
500-symbol :class:`~aries_async.models.QuoteBatch` shows in a notebook cell or a log line as
its count and its first few symbols, not as 500 quotes."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

__all__ = ["SHOWN", "counted"]

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
