"""The account socket's desired topics (:class:`AccountSubscriptions`), its subscribe requests
awaiting an answer, and the subscriptions the server refused: request ids and answers in,
refusals out, no I/O.

A subscription is named by its topic and account, ``("account", "ACC-1")`` (the account's
orders, positions and balance), ``("pnl", "ACC-1")``, ``("watchlist", None)`` or ``("news",
None)``: the socket knows one of each. Every subscribe request sent is remembered by its id
until it is answered, while it is the latest request of its subscription (a newer one
supersedes it; a replay does not supersede the user's request it follows, whose answer may
come after the replay went out), so what waits is bounded by the subscriptions, whether or
not the server answers. A refusal (an ``error`` with the request's id, or without one while a
single request awaits an answer: :meth:`AccountRequests.attribute`) names the subscription;
it is kept, across reconnects, until a later request of the subscription is acknowledged,
the subscription is served (an account's snapshot) or it is no longer wanted. A refusal that
answers a replay (a new socket's, a re-authentication's), or the user's request a replay
followed, and only repeats the known refusal of its subscription, reason included, is not
news (:meth:`AccountRequests.repeats`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from aries_async.streaming.protocol.untied import Untied, lone

__all__ = ["AccountRequests", "AccountSubscriptions", "TopicKey", "topic_key"]

TopicKey = tuple[str, str | None]
"""A subscription of the account socket: its topic and its account (None for ``watchlist``
and ``news``)."""


def topic_key(topic: str, params: Mapping[str, Any] | None) -> TopicKey:
    """The subscription a subscribe request of ``topic`` with ``params`` asks for."""
    account = (params or {}).get("accountId")
    return topic, account if isinstance(account, str) else None


class AccountRequests:
    """Subscribe requests awaiting an answer on the current connection, and refusals."""

    def __init__(self) -> None:
        self.refusals: dict[TopicKey, str] = {}  # subscription -> the server's reason
        self._pending: dict[str, TopicKey] = {}  # request id -> its subscription
        self._latest: dict[TopicKey, str] = {}  # subscription -> its latest request's id
        self._untied = Untied()  # id-less refusals not tied to a request yet
        self._replays: set[str] = set()  # the ids in _pending of the replays' requests
        # subscription -> the user's request a replay followed, still awaiting its answer
        self._replaced: dict[TopicKey, str] = {}

    @property
    def in_flight(self) -> dict[str, TopicKey]:
        """The requests awaiting an answer on this connection: id -> its subscription."""
        return dict(self._pending)

    def sent(self, request_id: str, key: TopicKey, *, replay: bool = False) -> None:
        """``request_id`` asks for the subscription ``key`` (``replay``: it replays the
        subscriptions, it is not a call of the user's); an earlier request of it is no longer
        awaited, but the user's a replay follows: that one is answered first, and its
        refusal is news only as a replay's is (:meth:`repeats`)."""
        previous = self._latest.get(key)
        if not replay:
            self._supersede(self._replaced.pop(key, None))
        if previous is not None and replay and previous not in self._replays:
            self._replaced[key] = previous
        else:
            self._supersede(previous)
        self._pending[request_id] = key
        self._latest[key] = request_id
        if replay:
            self._replays.add(request_id)

    def _supersede(self, request_id: str | None) -> None:
        if request_id is not None:
            del self._pending[request_id]
            self._replays.discard(request_id)
            self._untied.clear()  # the superseded request may have been the one refused

    def _answered(self, request_id: str | None) -> TopicKey | None:
        key = self._pending.pop(request_id or "", None)
        if key is not None and self._replaced.get(key) == request_id:
            del self._replaced[key]
        elif key is not None:
            del self._latest[key]
            self._replays.discard(request_id or "")
        return key

    def repeats(self, request_id: str | None, reason: str) -> bool:
        """Whether a refusal of ``request_id`` for ``reason`` only repeats a known one: the
        request replays a subscription the server refused for the same reason."""
        key = self._pending.get(request_id or "")
        if key is None:
            return False
        replay = request_id in self._replays or self._replaced.get(key) == request_id
        return replay and self.refusals.get(key) == reason

    def may_repeat(self, reason: str) -> bool:
        """Whether an id-less refusal for ``reason`` that cannot be tied yet (:meth:`untied`)
        may only repeat a known one: a replay awaiting an answer asks for a subscription the
        server refused for the same reason."""
        return any(self.repeats(request_id, reason) for request_id in self._replays)

    def acknowledge(self, request_id: str | None) -> TopicKey | None:
        """The server acknowledged a request: its subscription (None when the id is not
        ours), no longer refused."""
        key = self._answered(request_id)
        if key is not None:
            self.refusals.pop(key, None)
        return key

    def attribute(self, request_id: str | None) -> str | None:
        """The request a refusal answers: the one of its id; without an id (a server that
        sends none), the only request awaiting an answer, None while there are several or
        none (the refusal may then be about anything: the stream only delivers it)."""
        if request_id is None:
            return lone(dict.fromkeys(self._pending, ()))
        return request_id

    def untied(self, reason: str) -> tuple[list[str], bool]:
        """An id-less refusal came while several requests await an answer (:meth:`attribute`
        found none): it refuses one of them. Returns the ids it could be tied to now (see
        :meth:`settle`), and whether it then only repeats a refusal held before it (the
        user's request and the replay that followed it, refused for one reason: one
        refusal, told once)."""
        if self._pending:
            self._untied.reasons.append(reason)
        return self._settle()

    def settle(self) -> list[str]:
        """Tie the id-less refusals to requests once as many requests await an answer as
        refusals are untied: each of those was refused (a server answers every request once),
        for the refusals' reason (their reasons, joined, when they differ: which is whose is
        not known; see :class:`~aries_async.streaming.protocol.untied.Untied`). Returns the
        ids tied, now refused."""
        return self._settle()[0]

    def _settle(self) -> tuple[list[str], bool]:
        tied, reason, repeat = self._untied.settle(self._pending)
        for request_id in tied:
            self.reject(request_id, reason)
        return tied, repeat

    def reject(self, request_id: str | None, reason: str) -> TopicKey | None:
        """The server refused a request for ``reason``: its subscription (None when the id is
        not ours), refused from now on."""
        key = self._answered(request_id)
        if key is not None:
            self.refusals[key] = reason
        return key

    def forget(self, key: TopicKey, *, served: bool = False) -> list[str]:
        """The subscription is served (``served``: an account's snapshot came) or no longer
        wanted: its request and refusal are forgotten. A served request was not refused: an
        untied refusal may be tied now (the ids :meth:`settle` returns). An unwanted one may
        have been: the untied refusals can no longer be tied for sure, and are dropped."""
        self.refusals.pop(key, None)
        replaced = self._replaced.pop(key, None)
        if replaced is not None:
            del self._pending[replaced]
            if not served:
                self._untied.clear()
        request_id = self._latest.pop(key, None)
        if request_id is not None:
            del self._pending[request_id]
            self._replays.discard(request_id)
            if not served:
                self._untied.clear()
        return self.settle()

    def reset(self) -> None:
        """A new connection: no request of the old one will be answered (refusals stay)."""
        self._pending.clear()
        self._latest.clear()
        self._untied.clear()
        self._replays.clear()
        self._replaced.clear()


class AccountSubscriptions:
    """Desired account-socket topics, keyed ``topic:params``."""

    def __init__(self) -> None:
        self.desired: dict[str, tuple[str, dict[str, Any]]] = {}

    @staticmethod
    def key(topic: str, params: Mapping[str, Any] | None) -> str:
        """``topic:{sorted params}``."""
        return topic + ":" + orjson.dumps(dict(params or {}), option=orjson.OPT_SORT_KEYS).decode()

    def add(self, topic: str, params: Mapping[str, Any] | None = None) -> bool:
        """Add a topic; returns False when it was already desired."""
        key = self.key(topic, params)
        if key in self.desired:
            return False
        self.desired[key] = (topic, dict(params or {}))
        return True

    def remove(self, topic: str, params: Mapping[str, Any] | None = None) -> bool:
        """Remove exactly this topic+params; returns whether it was desired."""
        return self.desired.pop(self.key(topic, params), None) is not None

    def replay(self) -> list[tuple[str, dict[str, Any]]]:
        """Everything desired, to re-send after a reconnect or a re-authentication."""
        return list(self.desired.values())
