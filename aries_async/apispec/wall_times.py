"""The wall time the index bars' window is documented in (finance-dev's ``startTime`` and
``endTime``: ``MM/DD/YYYY hh:mm am/pm`` in the index's own zone), read by the client's checks
of the window and by the simulator alike."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime

__all__ = ["wall_time"]

_WALL_TIME = re.compile(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2} ?[AaPp][Mm]")
_WALL = "%m/%d/%Y %I:%M%p"
_ZONE = "America/New_York"  # the US indices'


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
    return wall.replace(tzinfo=zoneinfo.ZoneInfo(_ZONE))
