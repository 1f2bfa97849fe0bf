"""The requests one charts subscribe sends for one symbol: the socket takes one
``payload.type`` per message (websocket.md section 5), so a subscribe of quotes and trades is
two requests, and a server that refuses the symbol refuses each. The user asked once: a
refusal of both for the same reason is told once (each time they ask)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

__all__ = ["Pairs"]


class Pairs:
    """The two requests of each subscribe awaiting their answers, and what was told of one."""

    def __init__(self) -> None:
        # request id -> the other request its subscribe sent, until either is answered
        self._partner: dict[str, str] = {}
        # request id -> the reason its partner's refusal was told for
        self._told: dict[str, str] = {}

    def pair(self, request_ids: Sequence[str], pending: Collection[str]) -> None:
        """``request_ids`` were sent by one subscribe for one symbol (paired when two);
        ``pending``: the requests awaiting an answer (the others are forgotten, once as many
        are kept as twice those and a few: requests superseded unanswered)."""
        if len(self._partner) > 2 * len(pending) + 8:
            self._partner = {k: v for k, v in self._partner.items() if k in pending}
            self._told = {k: v for k, v in self._told.items() if k in pending}
        if len(request_ids) == 2:
            first, second = request_ids
            self._partner[first], self._partner[second] = second, first

    def key(self, request_id: str, kind: str) -> str:
        """What ``request_id`` (of ``kind``) asks for: one thing for both of a pair."""
        partner = self._partner.get(request_id)
        return kind if partner is None else f"{min(request_id, partner)}:"

    def answered(self, request_id: str) -> str | None:
        """``request_id`` was answered: its partner, if it still had one."""
        self._told.pop(request_id, None)
        partner = self._partner.pop(request_id, None)
        if partner is not None:
            self._partner.pop(partner, None)
        return partner

    def refused(self, request_id: str, reason: str, told: bool) -> bool:
        """``request_id`` was refused for ``reason``, ``told`` by the rules of its own: whether
        it is told (not when its partner's refusal was, for the same reason)."""
        said = self._told.get(request_id)
        partner = self.answered(request_id)
        if partner is not None and told:
            self._told[partner] = reason
        return told and said != reason

    def clear(self) -> None:
        """The connection ended: no request awaits an answer."""
        self._partner.clear()
        self._told.clear()
