"""The simulator's listener lists: a listener added is called until removed, and removing it
twice is harmless (a socket closing after its unsubscribe removes its listener again)."""

from __future__ import annotations

from collections.abc import Callable

from aries_async.sim.listeners import listen


def test_a_removed_listener_is_gone_and_removing_again_is_harmless() -> None:
    callbacks: list[Callable[[int], None]] = []
    seen: list[int] = []
    others: list[int] = []
    remove = listen(callbacks, seen.append)
    remove_other = listen(callbacks, others.append)
    for callback in callbacks:
        callback(1)
    remove()
    remove()
    assert (seen, others, callbacks) == ([1], [1], [others.append])
    remove_other()
    assert callbacks == []
