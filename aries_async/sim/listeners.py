"""Listener lists: how the feed, the ledger and the watchlists let the sockets follow them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["listen"]

C = TypeVar("C")


def listen(callbacks: list[C], callback: C) -> Callable[[], None]:
    """Add ``callback`` to ``callbacks``.

    Returns:
        A function that removes it again (idempotent).
    """
    callbacks.append(callback)

    def remove() -> None:
        if callback in callbacks:
            callbacks.remove(callback)

    return remove
