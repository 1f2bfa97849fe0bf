"""Long work done in a worker thread for the event loop lets the loop in between its parts.

The client reads a large answer (and builds its models) in a worker thread so that the event
loop goes on meanwhile. But only one thread runs Python at a time: while the worker holds the
interpreter lock, the loop, woken by a timer or a socket, waits for it, and CPython makes the
holder let go only after the switch interval (5 ms by default). The loop then runs in steps
of 5 ms for as long as the read takes, seconds for a few hundred thousand models. A worker
that lets go of the lock between two parts of its work (a ``sleep(0)`` does) lets a waiting
loop take it at once, so the loop waits for one part at most.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["give_way"]


def give_way() -> None:
    """Between two parts of long work: off the event loop's thread, let go of the interpreter
    lock for a moment (a thread waiting for it takes it); on a thread running an event loop,
    nothing (the work is the loop's own, and blocks it in any case)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        time.sleep(0)
