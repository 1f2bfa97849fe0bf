"""The orders' day, which begins at midnight in New York (conventions.md): the active orders
list that day's terminal ones, and the history's ``exclude_today`` ends before it."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

__all__ = ["orders_day_start"]


def orders_day_start(now: datetime) -> datetime:
    """When the orders' day of ``now`` (aware) began, in UTC."""
    local = now.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    # The zone gives the wall time its own offset: a day that changes the clocks is right.
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
