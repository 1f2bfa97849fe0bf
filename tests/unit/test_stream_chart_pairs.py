"""When the charts stream tells a refusal (``streaming/protocol/chart_pairs.py``): once per
subscribe of a symbol, once the stream knows all it refused."""

from __future__ import annotations

from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.chart_refusals import ChartRefusals
from aries_async.streaming.protocol.chart_pairs import Pairs, Unheard
from aries_async.streaming.protocol.charts import ChartSubscription, ChartSubscriptions
from aries_async.streaming.strays import Strays

IDS = ["q-1", "t-1"]  # one subscribe: its quotes request, then its trades one


def _written(pairs: Pairs[str], awaiting: set[str]) -> None:
    """Both requests of the subscribe are written (the first records both)."""
    assert pairs.written("q-1", IDS, awaiting) == IDS
    awaiting.update(IDS)
    assert pairs.written("t-1", IDS, awaiting) == ()


def test_both_refused_for_one_reason_are_told_once_with_the_second() -> None:
    pairs: Pairs[str] = Pairs()
    awaiting: set[str] = set()
    _written(pairs, awaiting)
    awaiting.discard("q-1")
    assert pairs.answered("q-1", "invalid symbol", "first", awaiting) == []
    assert pairs.holding
    awaiting.discard("t-1")
    assert pairs.answered("t-1", "invalid symbol", "second", awaiting) == ["second"]
    assert not pairs.holding


def test_the_held_refusal_is_told_with_another_answer_of_the_second() -> None:
    for reason, telling, told in [
        ("", None, ["first"]),  # acknowledged
        ("not entitled to trades", "second", ["first", "second"]),  # another reason
        ("invalid symbol", None, ["first"]),  # refused, but not news (a replay's)
    ]:
        pairs: Pairs[str] = Pairs()
        awaiting: set[str] = set()
        _written(pairs, awaiting)
        awaiting.discard("q-1")
        assert pairs.answered("q-1", "invalid symbol", "first", awaiting) == []
        awaiting.discard("t-1")
        assert pairs.answered("t-1", reason, telling, awaiting) == told


def test_a_refusal_is_told_at_once_when_the_other_request_is_answered_already() -> None:
    pairs: Pairs[str] = Pairs()
    awaiting: set[str] = set()
    _written(pairs, awaiting)
    awaiting.discard("t-1")
    assert pairs.answered("t-1", "", None, awaiting) == []  # acknowledged first
    awaiting.discard("q-1")
    assert pairs.answered("q-1", "invalid symbol", "refused", awaiting) == ["refused"]


def test_the_second_request_awaits_from_when_the_first_is_written() -> None:
    """The first request's answer may be read before the second is written: the second is
    recorded with the first, and the refusal waits for its answer."""
    pairs: Pairs[str] = Pairs()
    awaiting: set[str] = set()
    assert pairs.written("q-1", IDS, awaiting) == IDS
    awaiting.update(IDS)
    awaiting.discard("q-1")
    assert pairs.answered("q-1", "invalid symbol", "first", awaiting) == []
    assert pairs.written("t-1", IDS, awaiting) == ()  # recorded already


def test_a_held_refusal_is_told_when_the_other_request_goes_or_the_connection_ends() -> None:
    pairs: Pairs[str] = Pairs()
    awaiting: set[str] = set()
    _written(pairs, awaiting)
    awaiting.discard("q-1")
    assert pairs.answered("q-1", "invalid symbol", "first", awaiting) == []
    assert pairs.release(awaiting) == []  # t-1 still awaits
    awaiting.discard("t-1")  # unsubscribed, superseded
    assert pairs.release(awaiting) == ["first"]

    pairs = Pairs()
    awaiting = set()
    _written(pairs, awaiting)
    awaiting.discard("q-1")
    assert pairs.answered("q-1", "invalid symbol", "first", awaiting) == []
    assert pairs.clear() == ["first"]
    assert pairs.written("t-1", IDS, set()) == ["t-1"]  # written on the next socket


def test_pairs_never_answered_are_forgotten() -> None:
    """A server that answers nothing: what is remembered is bounded by what awaits."""
    pairs: Pairs[str] = Pairs()
    for n in range(1_000):
        ids = [f"q-{n}", f"t-{n}"]
        pairs.written(ids[0], ids, set(ids))
        pairs.written(ids[1], ids, set(ids))
    assert len(pairs._partner) <= 2 * 2 + 10


def test_unheard_errors_are_told_once_tied_less_those_told_as_they_came() -> None:
    unheard: Unheard[str] = Unheard()
    assert unheard.hold("e-1", now=False, repeat=False) == []
    assert unheard.hold("e-2", now=False, repeat=False) == []
    assert unheard.latest == "e-2"
    assert unheard.tied(1) == 1 and not unheard  # one subscribe refused: told once

    assert unheard.hold("e-3", now=True, repeat=False) == ["e-3"]  # an unsubscribe awaits
    assert unheard.hold("e-4", now=False, repeat=False) == []
    assert unheard.tied(2) == 1


def test_unheard_errors_dropped_or_blocked_are_told_but_repeats() -> None:
    unheard: Unheard[str] = Unheard()
    unheard.hold("e-1", now=False, repeat=False)
    unheard.hold("e-2", now=False, repeat=True)
    assert unheard.blocked() == ["e-1"]
    assert unheard.blocked() == []
    assert unheard.dropped() == [] and not unheard
    unheard.hold("e-3", now=False, repeat=False)
    unheard.hold("e-4", now=False, repeat=True)
    assert unheard.dropped() == ["e-3"]


def test_errors_held_that_can_no_longer_be_tied_are_told_before_the_next_is_held() -> None:
    """A subscribe superseded while an error naming nothing is held (it may have been the one
    refused) leaves that error untied for good: it is told when the next such error comes,
    even before the stream looks at what it holds, and the next is tied on its own."""
    subs = ChartSubscriptions()
    refusals = ChartRefusals(subs, Strays(), lambda error: None)

    def sent(request_id: str, symbol: str) -> None:
        for recorded in refusals.written(request_id, [request_id]):
            subs.sent_type(recorded, symbol, "quotes")

    for symbol in ("NOPE", "MSFT"):
        subs.add(ChartSubscription.build(symbol, ["quotes"]))
    sent("s-1", "NOPE")
    sent("s-2", "MSFT")
    first = ServerErrorMessage(error="invalid symbol")
    assert refusals.refusal(first) == []  # two await: held
    sent("s-3", "NOPE")  # asked again: s-1 superseded, unanswered
    assert not subs.untied
    second = ServerErrorMessage(error="not entitled")
    assert refusals.refusal(second) == [first]
    assert refusals.acknowledged("s-2") == [second]  # tied to s-3, the one left
    assert subs.refusals == {"NOPE": "not entitled"}
