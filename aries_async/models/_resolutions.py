"""The bar sizes of ``market.bars()``, apart from the bars: checking a size loads no model.

Part of :mod:`aries_async.models.market`, which serves both names.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["RESOLUTIONS", "Resolution"]

_Minutes = Literal["1", "3", "5", "15", "30", "45", "60", "120", "180", "240"]
_DaysAndLonger = Literal["D", "1D", "1d", "W", "1W", "1w", "M", "1M", "3M", "6M", "12M"]
Resolution = Literal[_Minutes, _DaysAndLonger]
"""A bar size of ``market.bars()``: minutes as a bare number (``"1"`` ... ``"240"``: ``"60"``
is an hour), ``D``/``1D`` a day, ``W``/``1W`` a week, ``M``/``1M``/``3M``/``6M``/``12M``
months (rest.md section 9a).

The API also takes ``1m``, ``3m``, ``6m`` and ``12m``, but as months, which is not how they
read: the SDK refuses them (and ``5m``, ``1h``...) with a hint instead of asking for monthly
bars when minutes were meant."""

RESOLUTIONS: frozenset[str] = frozenset(get_args(Resolution))
"""Every :data:`Resolution`."""
