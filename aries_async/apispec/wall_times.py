"""The wall time the index bars' window is documented in (finance-dev's ``startTime`` and
``endTime``: ``MM/DD/YYYY hh:mm am/pm`` in the index's own zone, e.g. ``12/22/2025 9:30 am``),
read by the client's checks of the window and by the simulator alike, and written by the
client for an aware ``datetime`` (:func:`wall_text`). The zone is New York's: the indices the
API lists are the US ones (SPX, NDX, DJI...), quoted on the US market's clock."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta

__all__ = ["WALL_FORM", "WALL_TIMES", "wall_day", "wall_text", "wall_time"]

_WALL_TIME = re.compile(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2} ?[AaPp][Mm]")
_WALL = "%m/%d/%Y %I:%M%p"
_ZONE = zoneinfo.ZoneInfo("America/New_York")  # the US indices'

WALL_FORM = "MM/DD/YYYY hh:mm am/pm"
"""The documented form, as finance-dev writes it, for messages."""

WALL_TIMES: dict[str, frozenset[str]] = {
    "getIndexBar": frozenset({"endTime"}),
    "getIndexBars": frozenset({"startTime", "endTime"}),
    "getIndexChartBars": frozenset({"startTime", "endTime"}),
}
"""Operation id -> its query parameters documented as such a wall time."""


def wall_time(text: str) -> datetime | None:
    """``text`` as such a wall time (``12/22/2025 9:30 am``), an aware datetime in New York's
    zone; None when it is not one (another form, or no real day or hour)."""
    text = text.strip()
    if not _WALL_TIME.fullmatch(text):
        return None
    try:
        wall = datetime.strptime(text.upper().replace(" AM", "AM").replace(" PM", "PM"), _WALL)
    except ValueError:
        return None
    return wall.replace(tzinfo=_ZONE)


def wall_text(instant: datetime, upper: bool) -> str:
    """Aware ``instant`` as the documented wall time in New York's zone (``12/22/2025 9:30
    am``, the form of the docs' examples). The form has no seconds: a start (``upper``
    false) is the minute ``instant`` falls in, an end the next whole minute, so the window
    still holds ``instant``."""
    # New York's offsets are whole hours: a minute of UTC is a minute of its wall clock.
    utc = instant.astimezone(UTC)
    minute = utc.replace(second=0, microsecond=0)
    if upper and minute != utc:
        minute += timedelta(minutes=1)
    wall = minute.astimezone(_ZONE)
    hour = wall.hour % 12 or 12
    return f"{wall:%m/%d/%Y} {hour}:{wall:%M} {'pm' if wall.hour >= 12 else 'am'}"


def wall_day(day: date, upper: bool) -> str:
    """Day ``day`` as a window's end in the documented wall time: a start is its first minute
    (``12/22/2025 12:00 am``), an end (``upper``) the next day's, so the window holds the
    whole day, as a day given as a range's end does everywhere in the package."""
    start = datetime(day.year, day.month, day.day, tzinfo=_ZONE)
    return wall_text(start + timedelta(days=1) if upper else start, upper)
