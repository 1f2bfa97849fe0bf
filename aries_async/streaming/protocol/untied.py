"""Errors without a request id: which request one answers, when it can be told.

Where an ``error`` carries its request's id is UNKNOWN (websocket.md 2.6), and a server may send
none. The streams tie such an error to a request by what it names when it names something
(symbols); the rules here are the ones every socket shares for the rest:

* :func:`lone`: the only request awaiting an answer is the one an error can only answer
  (the market socket's requests, the account socket's subscriptions, the charts socket's
  subscribes, whose errors are "for subscribe/unsubscribe or auth", websocket.md section 5);
* :class:`Untied`: while several await, the errors are held, and tied by elimination once as
  many requests await an answer as errors are held (a server answers each request once);
* :class:`UntiedLog`: one WARNING per stream that such an error could not be tied when it
  came, DEBUG after it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Hashable, Iterable, Mapping

__all__ = ["Untied", "UntiedLog", "lone"]

log = logging.getLogger("aries_async.streaming")


def lone(awaiting: Mapping[str, Collection[str]], named: Iterable[str] = ()) -> str | None:
    """The id of the request an error without an id can only answer: the only one in
    ``awaiting`` (request id -> the names it holds that an error may name: symbols, path
    segments), unless the error names some (``named``) and none is the request's (a notice
    of something else). None while several or none await."""
    if len(awaiting) != 1:
        return None
    request_id, names = next(iter(awaiting.items()))
    said = {name.strip().upper() for name in named if name.strip()}
    if said and said.isdisjoint(name.upper() for name in names):
        log.debug("an error without a request id names none of request %s's: a notice", request_id)
        return None
    return request_id


class Untied:
    """The reasons of the refusals without an id that no request could be tied to yet."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def __len__(self) -> int:
        return len(self.reasons)

    def clear(self) -> None:
        """A request awaiting an answer went away unanswered (superseded, unwanted, the
        connection ended): it may have been the one refused, so the held refusals can no
        longer be tied for sure, and are dropped."""
        self.reasons.clear()

    def settle(self, awaiting: Mapping[str, Hashable]) -> tuple[list[str], str, bool]:
        """Tie the held refusals once as many requests await an answer (``awaiting``: request
        id -> what it asks for) as refusals are held: each of those was refused, for the
        refusals' reason (their reasons, joined, when they differ: which is whose is not
        known). Returns the ids tied (none yet: ``[]``), that reason, and whether the latest
        refusal held only repeats those held before it: as many of them had its reason as
        the tied requests ask for distinct things (two refusals of one subscription for one
        reason are one refusal told twice)."""
        if not self.reasons or len(awaiting) != len(self.reasons):
            return [], "", False
        distinct = list(dict.fromkeys(self.reasons))
        reason = distinct[0] if len(distinct) == 1 else "one of: " + " | ".join(distinct)
        *before, latest = self.reasons
        repeat = before.count(latest) >= len(set(awaiting.values()))
        self.reasons.clear()
        return list(awaiting), reason, repeat


class UntiedLog:
    """Says, once per stream at WARNING (later at DEBUG), that an error without a request id
    could not be tied to a request when it came."""

    def __init__(self, stream: str, outcome: str) -> None:
        self._stream = stream
        self._outcome = outcome  # what becomes of the requests that await an answer
        self._told = False

    def untied(self, error: str, awaiting: int, what: str) -> None:
        """``error`` came while ``awaiting`` requests (``what``) awaited an answer."""
        if self._told:
            log.debug("an error without a request id tied to none of %d %s", awaiting, what)
            return
        self._told = True
        log.warning(
            "%s stream: an error without a request id (%r) came while %d %s awaited an answer; "
            "it is tied to none of them: %s. Later ones are logged at DEBUG",
            self._stream,
            error,
            awaiting,
            what,
            self._outcome,
        )
