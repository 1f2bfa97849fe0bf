"""When a stream tells the server again of a channel it keeps sending after its unsubscribe
(:mod:`aries_async.streaming.strays`): after an acknowledgement, or after a count of strays that
doubles while the server stays silent. No socket: the bookkeeping alone."""

from __future__ import annotations

from aries_async.streaming.strays import PATIENCE, WAIT, Strays

KEY = ("MSFT", "quotes")


def told_after(strays: Strays, limit: int, now: float = 0.0) -> int | None:
    """How many strays of KEY arrive at ``now`` until one says to tell the server again
    (None: not within ``limit``)."""
    for count in range(1, limit + 1):
        if strays.arrived(*KEY, now):
            return count
    return None


def test_a_channel_never_unsubscribed_on_the_connection_is_never_told() -> None:
    strays = Strays()
    assert told_after(strays, 10 * PATIENCE) is None
    assert strays.withheld == 10 * PATIENCE


def test_an_acknowledged_unsubscribe_is_told_again_at_the_first_stray_once() -> None:
    strays = Strays()
    strays.sent("u1", "MSFT", ["quotes"], now=0.0)
    assert strays.acknowledge("u1")
    assert told_after(strays, 1) == 1
    strays.sent("u2", "MSFT", ["quotes"], again=True, now=0.0)
    assert told_after(strays, 5) is None  # u2 awaits its answer
    assert strays.acknowledge("u2")
    assert told_after(strays, 1) == 1


def test_unacknowledged_unsubscribes_are_told_again_by_a_doubling_count() -> None:
    strays = Strays()
    strays.sent("u1", "MSFT", ["quotes"], now=0.0)
    for request_id, waited in (("u2", PATIENCE), ("u3", 2 * PATIENCE), ("u4", 4 * PATIENCE)):
        assert told_after(strays, 8 * PATIENCE) == waited
        strays.sent(request_id, "MSFT", ["quotes"], again=True, now=0.0)
    assert strays.withheld == 7 * PATIENCE


def test_an_acknowledgement_or_the_user_s_unsubscribe_starts_the_count_again() -> None:
    strays = Strays()
    strays.sent("u1", "MSFT", ["quotes"], now=0.0)
    assert told_after(strays, PATIENCE) == PATIENCE
    strays.sent("u2", "MSFT", ["quotes"], again=True, now=0.0)
    assert strays.acknowledge("u2")
    assert told_after(strays, 1) == 1
    strays.sent("u3", "MSFT", ["quotes"], again=True, now=0.0)  # after an answer: PATIENCE again
    assert told_after(strays, 2 * PATIENCE) == PATIENCE
    strays.sent("u4", "MSFT", ["quotes"], again=True, now=0.0)
    strays.sent("u5", "MSFT", ["quotes"], now=0.0)  # the user subscribed and unsubscribed it again
    assert told_after(strays, 2 * PATIENCE) == PATIENCE


def test_an_older_unsubscribe_s_acknowledgement_counts_for_nothing() -> None:
    strays = Strays()
    strays.sent("u1", "MSFT", ["quotes"], now=0.0)
    strays.sent("u2", "MSFT", ["quotes"], again=True, now=0.0)
    assert strays.acknowledge("u1")  # one of ours, but u2 is the one awaited
    assert told_after(strays, 2 * PATIENCE) == 2 * PATIENCE
    assert not strays.acknowledge("sub-1")  # not an unsubscribe


def test_a_new_connection_forgets_the_unsubscribes() -> None:
    strays = Strays()
    strays.sent("u1", "MSFT", ["quotes"], now=0.0)
    strays.reset()
    assert not strays.acknowledge("u1")
    assert told_after(strays, 2 * PATIENCE) is None


def test_unacknowledged_unsubscribes_are_told_again_by_a_doubling_time() -> None:
    """A quiet channel: the first stray WAIT seconds after the unsubscribe went out tells
    the server again, then the first 2 * WAIT after that one, 4 * WAIT..."""
    strays = Strays()
    strays.sent("u1", "MSFT", ["quotes"], now=0.0)
    sent_at = 0.0
    for request_id, waited in (("u2", WAIT), ("u3", 2 * WAIT), ("u4", 4 * WAIT)):
        assert told_after(strays, 1, sent_at + waited * 0.99) is None
        assert told_after(strays, 1, sent_at + waited) == 1
        sent_at += waited
        strays.sent(request_id, "MSFT", ["quotes"], again=True, now=sent_at)
    strays.sent("u5", "MSFT", ["quotes"], now=sent_at)  # the user's own: WAIT again
    assert told_after(strays, 1, sent_at + WAIT) == 1


def test_a_stray_before_the_wait_still_counts_towards_the_count() -> None:
    strays = Strays()
    strays.sent("u1", "MSFT", ["quotes"], now=0.0)
    assert told_after(strays, PATIENCE - 1, WAIT / 2) is None
    assert told_after(strays, 1, WAIT / 2) == 1
