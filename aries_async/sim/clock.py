"""The simulator's clocks: everything reads an injectable :class:`Clock` (Unix seconds).

:class:`ManualClock` lets tests move time with :meth:`ManualClock.advance` instead of sleeping;
:class:`SystemClock` follows the wall clock (the CLI and the pytest fixture use it, with a
background ticker).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from aries_async._settings import Seconds, seconds_setting
from aries_async.errors import ValidationError

__all__ = ["DEFAULT_START", "NEW_YORK", "Clock", "ManualClock", "SystemClock", "step_seconds"]

NEW_YORK = ZoneInfo("America/New_York")

DEFAULT_START = datetime(2026, 1, 15, 15, 0, tzinfo=UTC).timestamp()
"""Start of a :class:`ManualClock`: Thursday 2026-01-15 10:00 New York, the market is open."""


class Clock(Protocol):
    """A source of Unix time in seconds."""

    def now(self) -> float:
        """The current time, Unix seconds."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> float:
        """``time.time()``."""
        return time.time()


class ManualClock:
    """A clock that only moves when told to; tests use it to control time without sleeping.

    Example:
        >>> clock = ManualClock(start=100.0)
        >>> clock.advance(2.5)
        >>> clock.now()
        102.5
    """

    def __init__(self, start: Seconds = DEFAULT_START) -> None:
        """``start``: the clock's first time, Unix seconds (a finite number of at least 0).

        Raises:
            ValidationError: (a ``ValueError``) ``start`` is NaN, an infinity, negative, a
                bool or no number.
        """
        self._now = step_seconds(start, "start")

    def now(self) -> float:
        """The current (manual) time."""
        return self._now

    def advance(self, seconds: Seconds) -> None:
        """Move time forward by ``seconds``, a finite number of at least 0.

        Raises:
            ValidationError: (a ``ValueError``) ``seconds`` is negative (time only moves
                forward), NaN, an infinity, a bool or no number; the clock is left as it was.
        """
        self._now += step_seconds(seconds)

    def set(self, when: Seconds) -> None:
        """Jump to ``when``, Unix seconds (not before the current time).

        Raises:
            ValidationError: (a ``ValueError``) ``when`` is in the past, NaN, an infinity, a
                bool or no number; the clock is left as it was.
        """
        target = step_seconds(when, "when")
        self.advance(target - self._now)


def step_seconds(seconds: object, name: str = "seconds") -> float:
    """``seconds`` as a float, when it is a step a manual clock can take, or a time it can
    start at or jump to (``name`` says which): finite, at least 0. NaN would make the clock's
    time NaN, an infinity would leave a simulator stepping for ever towards it.

    Raises:
        ValidationError: naming ``name``, for anything else.
    """
    return seconds_setting(seconds, name, zero=True, error=ValidationError, decimals=True)
