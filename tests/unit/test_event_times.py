"""Stream events' times and names: every envelope time is an aware UTC ``timestamp`` read from
the raw ``timestamp_ms``, status events carry both clocks, and the renamed watchlist event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest

from aries_async.models import events
from aries_async.models.events import (
    ChartQuote,
    OrderEvent,
    QuoteUpdate,
    StreamConnected,
    StreamDisconnected,
    WatchlistEvent,
    WatchlistState,
)
from aries_async.models.orders import Order
from aries_async.streaming.protocol import Decoder

EXAMPLES = Path("/work/shared/aries-api/examples/ws")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _envelope_millis(document: Any) -> Any:
    payload = document.get("payload") if isinstance(document, dict) else None
    return payload.get("timestamp") if isinstance(payload, dict) else None


def _stamped_examples() -> list[str]:
    """The spec's socket examples that decode to an event with an envelope time."""
    if not EXAMPLES.exists():
        return []
    names = []
    for path in sorted(EXAMPLES.glob("*.json")):
        raw = json.loads(path.read_text())
        if isinstance(_envelope_millis(raw), int):
            decoded = Decoder().feed(json.dumps(raw))
            names += [path.name for m in decoded if hasattr(m, "timestamp_ms")]
    return names


def _event_classes() -> list[type[Any]]:
    return [
        cls
        for name in events.__all__
        if isinstance(cls := getattr(events, name), type) and attrs.has(cls)
    ]


def test_every_event_with_an_envelope_time_shares_one_timestamp_property() -> None:
    stamped = [c for c in _event_classes() if "timestamp_ms" in attrs.fields_dict(c)]
    assert len(stamped) >= 15  # market, charts and every account event
    for cls in stamped:
        # one definition on the shared base, found by every class, none of its own
        owners = [k for k in cls.__mro__ if "timestamp" in vars(k)]
        assert len(owners) == 1 and isinstance(vars(owners[0])["timestamp"], property), cls
        assert owners == [next(k for k in QuoteUpdate.__mro__ if "timestamp" in vars(k))]
        # a property, not a field: building the event converts nothing
        assert "timestamp" not in attrs.fields_dict(cls), cls


@pytest.mark.parametrize("name", _stamped_examples())
def test_spec_examples_give_the_envelope_time_as_aware_utc(name: str) -> None:
    raw = json.loads((EXAMPLES / name).read_text())
    (event,) = Decoder().feed(json.dumps(raw))
    millis = _envelope_millis(raw)
    assert event.timestamp_ms == millis  # the raw wire value, kept
    assert event.timestamp == EPOCH + timedelta(milliseconds=millis)
    assert event.timestamp.tzinfo is UTC


def test_every_kind_of_stamped_spec_example_is_checked() -> None:
    kinds = {type(m).__name__ for n in _stamped_examples() for m in _decode(n)}
    assert {"AccountSnapshot", "OrderEvent", "QuoteUpdate", "MarketStatusUpdate"} <= kinds


def _decode(name: str) -> list[Any]:
    return Decoder().feed(json.dumps(json.loads((EXAMPLES / name).read_text())))


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        (None, None),
        ("2025-06-25T08:12:14.5Z", datetime(2025, 6, 25, 8, 12, 14, 500000, tzinfo=UTC)),
        ("not a time", None),
    ],
)
def test_a_missing_or_unusual_envelope_time(stamp: Any, expected: datetime | None) -> None:
    assert QuoteUpdate("AAPL", {}, stamp).timestamp == expected
    assert ChartQuote("AAPL", {}, stamp).timestamp == expected
    assert OrderEvent(order=Order(), timestamp_ms=stamp).timestamp == expected


def test_the_old_time_property_warns_and_names_timestamp() -> None:
    quote = QuoteUpdate("AAPL", {}, 1750839134330)
    with pytest.warns(DeprecationWarning, match=r"\.timestamp"):
        old = quote.time
    assert old == quote.timestamp == datetime(2025, 6, 25, 8, 12, 14, 330000, tzinfo=UTC)


def test_status_events_carry_the_monotonic_and_the_wall_clock() -> None:
    before = datetime.now(UTC)
    up = StreamConnected(attempt=1, reconnect=False, at=12.5)
    down = StreamDisconnected(reason="x", will_reconnect=True, retry_in=1.0, at=13.0)
    after = datetime.now(UTC)
    for event in (up, down):
        assert event.timestamp.tzinfo is UTC
        assert before <= event.timestamp <= after
    assert down.at - up.at == 0.5  # durations come from the monotonic clock
    # the wall clock does not make two otherwise equal events differ
    later = StreamConnected(attempt=1, reconnect=False, at=12.5, timestamp=after + timedelta(1))
    assert later == up


def test_the_watchlist_event_state_is_watchlist_state() -> None:
    (event,) = Decoder().feed(
        orjson.dumps(
            {
                "type": "event",
                "payload": {"topic": "watchlist", "data": {"id": 7, "symbols": ["aapl"]}},
            }
        )
    )
    assert isinstance(event, WatchlistEvent)
    assert type(event.watchlists[0]) is WatchlistState
    assert event.watchlists[0].symbols == ("AAPL",)
    assert "WatchlistState" in events.__all__ and "Watchlist" not in events.__all__
    with pytest.raises(AttributeError):  # a name the REST model has, never an event's
        _ = events.Watchlist
