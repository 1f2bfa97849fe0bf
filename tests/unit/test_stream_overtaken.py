"""How long the streams remember a subscribe request an unsubscribe overtook: until its answer,
the connection's end, or ``WAIT`` seconds on the stream's clock (see
:mod:`aries_async.streaming.protocol.overtaken`), whatever the number overtaken at once."""

from __future__ import annotations

import math

import pytest

from aries_async.errors import ConfigurationError
from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.protocol.market import MarketSubscriptions
from aries_async.streaming.protocol.market_subscription import MarketSubscription
from aries_async.streaming.protocol.overtaken import LIMIT, WAIT


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _overtaken(subs: MarketSubscriptions, symbols: list[str], first: int) -> None:
    """Subscribe ``symbols`` (one request each, ids from ``sub-{first}``), then unsubscribe
    them before any answer."""
    for number, symbol in enumerate(symbols, first):
        subs.add(MarketSubscription.build(symbol, ["quotes"]))
        subs.sent(f"sub-{number}", [symbol])
    for symbol in symbols:
        subs.remove(symbol)


def _refused(request_id: str | None, symbol: str) -> ServerErrorMessage:
    return ServerErrorMessage(error="invalid symbol", request_id=request_id, symbols=(symbol,))


def _kind(subs: MarketSubscriptions, request_id: str | None, symbol: str) -> str | None:
    """The kind of the overtaken request a refusal of ``symbol`` answers (None: none), when
    it answers it whole (nothing of it is left to tell)."""
    error = _refused(request_id, symbol)
    kind, told = subs.overtaken_refusal(error)
    assert told == (() if kind is not None else (error,))
    return kind


def test_an_overtaken_request_is_forgotten_by_age_not_by_the_burst() -> None:
    clock = Clock()
    subs = MarketSubscriptions(clock)
    _overtaken(subs, [f"A{i}" for i in range(200)], 0)
    clock.now = WAIT - 1
    # 200 overtaken at once, the oldest first: its refusal, come within WAIT, is known.
    assert _kind(subs, "sub-0", "A0") == ""
    assert _kind(subs, "sub-0", "A0") is None  # answered once
    _overtaken(subs, ["B"], 200)
    clock.now = WAIT
    # WAIT seconds after, the server is taken to have dropped the rest: a refusal is told.
    assert _kind(subs, "sub-1", "A1") is None
    assert _kind(subs, None, "A2") is None
    assert _kind(subs, None, "B") == ""  # overtaken a second ago
    assert len(subs._overtaken) == 0


def test_overtaken_requests_are_bounded_in_number_too() -> None:
    subs = MarketSubscriptions(Clock())
    _overtaken(subs, [f"A{i}" for i in range(LIMIT + 10)], 0)
    assert len(subs._overtaken) == LIMIT
    assert subs.overtaken("sub-9") is None  # the oldest went first
    assert subs.overtaken("sub-10") == ""
    subs.reset()
    assert len(subs._overtaken) == 0


def test_the_window_and_the_cap_are_stream_options_with_the_same_defaults() -> None:
    config = StreamConfig()
    assert (config.overtaken_wait, config.overtaken_limit) == (WAIT, LIMIT) == (60.0, 4096)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("overtaken_wait", 0),
        ("overtaken_wait", -1.0),
        ("overtaken_wait", math.nan),
        ("overtaken_wait", math.inf),
        ("overtaken_wait", "60"),
        ("overtaken_limit", 0),
        ("overtaken_limit", -5),
        ("overtaken_limit", 10.0),
        ("overtaken_limit", True),
    ],
)
def test_a_window_or_cap_that_is_not_a_positive_finite_number_is_refused(
    option: str, value: object
) -> None:
    with pytest.raises(ConfigurationError, match=f"StreamConfig.{option}"):
        StreamConfig(**{option: value})  # type: ignore[arg-type]


def test_an_overtaken_request_passed_by_a_later_answer_is_still_known_by_its_id() -> None:
    """A later request answered: an id-less refusal of A is no longer the overtaken
    request's (told, as the new request's), but one with its id still answers it."""
    subs = MarketSubscriptions(Clock())
    _overtaken(subs, ["A"], 0)
    subs.unsubscribed("unsub-1")
    subs.add(MarketSubscription.build("A", ["quotes"]))
    subs.sent("sub-2", ["A"])
    assert subs.overtaken("unsub-1") is None  # the unsubscribe's acknowledgement
    error = _refused(None, "A")
    assert subs.overtaken_refusal(error) == (None, (error,))
    assert _kind(subs, "sub-0", "A") == ""
    assert len(subs._overtaken) == 0
