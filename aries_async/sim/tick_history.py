"""The tick history's collection (``GET /v1/chart/tick-history``, rest.md 9b): how many bars a
page may hold, how many there are, and the history a continuation reads.

* **Caps**: ``countback`` is silently reduced to the resolution's maximum (:data:`TICK_CAPS`):
  finance-dev documents up to 5000 bars for ``1T`` and "around 50" for ``1000T`` (each request
  has a fixed trade budget); the resolutions between are not documented, so the simulator
  takes round figures falling in between (an assumption).
* **Collection**: :data:`OLDER_TICKS` bars more than one capped page, so a page at the cap
  still has older bars behind it.
* **Continuation**: a page's ``nextTo`` pins the history as it stood when its first page was
  read (:func:`pin`, :func:`unpin`): the end of its time window and the reference price its
  bars were drawn around. An older page read later, after the clock moved, continues the first
  one exactly, as the server's cursor into a tick stream that does not change behind it.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["OLDER_TICKS", "TICK_CAPS", "Pinned", "capped", "pin", "tick_total", "unpin"]

TICK_CAPS: dict[str, int] = {
    "1T": 5000,
    "5T": 1700,
    "10T": 1000,
    "25T": 600,
    "50T": 350,
    "100T": 250,
    "250T": 125,
    "500T": 80,
    "1000T": 50,
}
"""The most bars one tick-history page holds, by resolution (the ends documented, the rest
assumed)."""

OLDER_TICKS = 25
"""Bars of the history beyond one capped page."""


class Pinned(NamedTuple):
    """The history a continuation reads: the end of its window (Unix seconds) and the
    reference price of its bars."""

    end: int
    price: float


def capped(resolution: str, asked: int) -> int:
    """The bars a page of ``resolution`` holds when ``asked`` for: at most its cap."""
    return min(asked, TICK_CAPS.get(resolution, asked))


def tick_total(resolution: str, default: int) -> int:
    """The bars of a ``resolution`` history (``default`` for a resolution without a cap)."""
    cap = TICK_CAPS.get(resolution)
    return default if cap is None else cap + OLDER_TICKS


def pin(pinned: Pinned) -> str:
    """``pinned`` as a continuation token carries it."""
    return f"{pinned.end}:{pinned.price!r}"


def unpin(text: str) -> Pinned | None:
    """The history ``text`` (from :func:`pin`) pins; None for none or a malformed one."""
    end, _, price = text.partition(":")
    try:
        return Pinned(int(end), float(price)) if end.isdigit() else None
    except ValueError:
        return None
